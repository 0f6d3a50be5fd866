//! Parsed GraphQL documents, kept by query text. A frontend sends the same
//! few query texts over and over with different variables; parsing one took
//! about a tenth of the server's CPU on the benchmark's q1 (`perf`, see
//! BENCHMARKS.md). A request whose text was parsed before gets a copy of
//! that document, and async-graphql goes on as usual from there: the depth,
//! directive and validation checks still run on every request, with its own
//! variables.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;

/// Documents kept at most; when full, the cache starts over.
pub const MAX_DOCUMENTS: usize = 512;
/// Longer query texts are parsed every time and not kept.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

#[derive(Default)]
pub struct DocumentCache {
    documents: Mutex<HashMap<String, Arc<ExecutableDocument>>>,
}

impl DocumentCache {
    /// Gives `request` its parsed document, from the cache or parsed now
    /// and kept. A text that does not parse is left alone: async-graphql
    /// parses it again and reports the error as it always does.
    pub fn prepare(&self, request: &mut Request) {
        if request.query.len() > MAX_QUERY_BYTES {
            return;
        }
        let cached = self.lock().get(&request.query).cloned();
        let document = match cached {
            Some(document) => document,
            None => {
                let Ok(parsed) = async_graphql::parser::parse_query(&request.query) else {
                    return;
                };
                let parsed = Arc::new(parsed);
                let mut documents = self.lock();
                if documents.len() >= MAX_DOCUMENTS {
                    documents.clear();
                }
                documents.insert(request.query.clone(), parsed.clone());
                parsed
            }
        };
        request.set_parsed_query(ExecutableDocument::clone(&document));
    }

    /// Documents kept now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<ExecutableDocument>>> {
        // A panic while holding the lock leaves a valid map behind.
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_text_once_and_stays_bounded() {
        let cache = DocumentCache::default();
        let mut a = Request::new("{ a }");
        cache.prepare(&mut a);
        cache.prepare(&mut Request::new("{ a }"));
        assert_eq!(cache.len(), 1);
        assert!(a.parsed_query().is_ok());
        for i in 0..MAX_DOCUMENTS {
            cache.prepare(&mut Request::new(format!("{{ f{i} }}")));
        }
        assert!(cache.len() <= MAX_DOCUMENTS, "{}", cache.len());
    }

    #[test]
    fn leaves_unparsable_and_oversized_texts_alone() {
        let cache = DocumentCache::default();
        cache.prepare(&mut Request::new("{ a "));
        let long = format!("{{ a {} }}", " ".repeat(MAX_QUERY_BYTES));
        cache.prepare(&mut Request::new(long));
        assert!(cache.is_empty());
    }
}
