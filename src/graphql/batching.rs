//! When a request's batched loads run.
//!
//! A DataLoader collects the keys its siblings ask for and fetches them in
//! one statement once the fetch task runs. Spawned on the executor, that
//! task ran whenever the request's own task returned `Pending`, and the
//! request also returns `Pending` to *yield*: `futures`' `FuturesUnordered`,
//! which async-graphql uses for lists of more than 30 items, wakes itself
//! and yields after every two items that yield. A list of 32 states then
//! fetched its totals in 16 statements of two.
//!
//! [`Batched`] runs the loads inside the request's task instead, and starts
//! them only when the execution is really waiting: a `Pending` with no
//! wake-up of its own. A yield is answered by polling the execution again
//! at once. Every key the request can reach before it needs data is
//! therefore in the first batch, however wide the list.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

/// Loads handed over by a request's DataLoaders, not yet started.
#[derive(Clone, Default)]
pub struct LoadQueue(Arc<Mutex<Vec<BoxFuture<'static, ()>>>>);

impl LoadQueue {
    /// The spawner to give `DataLoader::new`: it queues the load for
    /// [`Batched`] to start.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
        let queue = self.0.clone();
        move |load| {
            if let Ok(mut queue) = queue.lock() {
                queue.push(load);
            }
        }
    }

    fn take(&self) -> Vec<BoxFuture<'static, ()>> {
        self.0
            .lock()
            .map(|mut queue| std::mem::take(&mut *queue))
            .unwrap_or_default()
    }
}

/// Consecutive yields answered by polling again before the queued loads
/// start anyway: a bound for a future that would yield forever.
const MAX_YIELDS_PER_POLL: u32 = 4096;

/// A request's execution and the loads it queued (see the module docs).
pub struct Batched<F> {
    execution: Pin<Box<F>>,
    queue: LoadQueue,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
}

impl<F: Future> Batched<F> {
    pub fn new(execution: F, queue: LoadQueue) -> Self {
        Self {
            execution: Box::pin(execution),
            queue,
            running: FuturesUnordered::new(),
        }
    }
}

/// A waker that notes being woken before passing the wake-up on.
struct Noting {
    woken: AtomicBool,
    task: Waker,
}

impl Wake for Noting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake_by_ref();
    }
}

impl<F: Future> Future for Batched<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is `Unpin` (the execution is boxed).
        let this = self.get_mut();
        for _ in 0..MAX_YIELDS_PER_POLL {
            let noting = Arc::new(Noting {
                woken: AtomicBool::new(false),
                task: cx.waker().clone(),
            });
            let waker = Waker::from(noting.clone());
            if let Poll::Ready(out) = this
                .execution
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
            {
                return Poll::Ready(out);
            }
            if !noting.woken.load(Ordering::Acquire) {
                break;
            }
        }
        // Waiting on data: start what was queued and drive every load; a
        // finished load wakes the execution through its channel.
        this.running.extend(this.queue.take());
        while let Poll::Ready(Some(())) = this.running.poll_next_unpin(cx) {}
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wakes itself and yields once, as `FuturesUnordered` does.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// Three list items that each yield before asking for a key; the first
    /// queues the load. The load sees all three keys.
    #[tokio::test]
    async fn loads_start_once_the_execution_waits() {
        let queue = LoadQueue::default();
        let spawn = queue.spawner();
        let keys = Arc::new(Mutex::new(Vec::new()));
        let batches = Arc::new(Mutex::new(Vec::new()));
        let (done, loaded) = futures::channel::oneshot::channel::<()>();
        let execution = {
            let (keys, batches) = (keys.clone(), batches.clone());
            async move {
                let mut done = Some(done);
                for key in 0..3 {
                    YieldOnce(false).await;
                    keys.lock().unwrap().push(key);
                    if let Some(done) = done.take() {
                        let (keys, batches) = (keys.clone(), batches.clone());
                        spawn(Box::pin(async move {
                            let batch = std::mem::take(&mut *keys.lock().unwrap());
                            batches.lock().unwrap().push(batch);
                            let _ = done.send(());
                        }));
                    }
                }
                loaded.await.unwrap();
            }
        };
        Batched::new(execution, queue).await;
        assert_eq!(*batches.lock().unwrap(), vec![vec![0, 1, 2]]);
    }
}
