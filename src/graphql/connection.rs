//! Pagination shared by every connection: page sizes, opaque cursors, page info.

use async_graphql::SimpleObject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::ApiError;
use crate::store::flows::Cursor;

pub const DEFAULT_PAGE: i32 = 50;
pub const MAX_PAGE: i32 = 500;

/// Where a page sits in its list.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// `first` checked against the limits (default 50, at most 500).
pub fn page_size(first: Option<i32>) -> Result<u64, ApiError> {
    match first {
        None => Ok(DEFAULT_PAGE as u64),
        Some(n) if (0..=MAX_PAGE).contains(&n) => Ok(n as u64),
        Some(n) => Err(ApiError::bad_input(
            "first",
            "max_page_size",
            format!("first must be between 0 and {MAX_PAGE} (got {n}); page with `after` for more"),
        )),
    }
}

pub fn encode(raw: &str) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

pub fn decode(field: &str, s: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ApiError::bad_input(
                field,
                "cursor",
                format!("`{s}` is not a cursor issued by this server"),
            )
        })
}

/// Cursor of a position in an in-memory list.
pub fn offset_cursor(offset: usize) -> String {
    encode(&format!("o:{offset}"))
}

/// The offset a page starts at, from an `after` cursor.
pub fn after_offset(after: Option<&str>) -> Result<usize, ApiError> {
    let Some(after) = after else { return Ok(0) };
    decode("after", after)?
        .strip_prefix("o:")
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| n + 1)
        .ok_or_else(|| {
            ApiError::bad_input("after", "cursor", "this cursor belongs to another list")
        })
}

pub fn flow_cursor(c: Cursor) -> String {
    match c {
        Cursor::Value(v, id) => encode(&format!("v:{:016x}:{id}", v.to_bits())),
        Cursor::Period(p, id) => encode(&format!("p:{p}:{id}")),
    }
}

pub fn parse_flow_cursor(after: Option<&str>) -> Result<Option<Cursor>, ApiError> {
    let Some(after) = after else { return Ok(None) };
    let raw = decode("after", after)?;
    let bad = || ApiError::bad_input("after", "cursor", "this cursor belongs to another list");
    let mut parts = raw.splitn(3, ':');
    let (kind, key, id) = (parts.next(), parts.next(), parts.next());
    let id: i64 = id.and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    match (kind, key) {
        (Some("v"), Some(bits)) => {
            let bits = u64::from_str_radix(bits, 16).map_err(|_| bad())?;
            Ok(Some(Cursor::Value(f64::from_bits(bits), id)))
        }
        (Some("p"), Some(p)) => Ok(Some(Cursor::Period(p.parse().map_err(|_| bad())?, id))),
        _ => Err(bad()),
    }
}

/// A connection type over an offset-paged list:
/// `Name { edges { cursor node } pageInfo totalCount }`.
#[macro_export]
macro_rules! offset_connection {
    ($name:ident, $edge:ident, $node:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            pub edges: Vec<$edge>,
            pub page_info: $crate::graphql::connection::PageInfo,
            pub total_count: u64,
        }

        /// A node and the cursor after which the next page starts.
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        impl $name {
            /// A page of `nodes` starting at `offset` in a list of `total`.
            pub fn new(nodes: Vec<$node>, offset: usize, total: u64) -> Self {
                let edges: Vec<$edge> = nodes
                    .into_iter()
                    .enumerate()
                    .map(|(i, node)| $edge {
                        cursor: $crate::graphql::connection::offset_cursor(offset + i),
                        node,
                    })
                    .collect();
                let page_info = $crate::graphql::connection::PageInfo {
                    has_next_page: ((offset + edges.len()) as u64) < total,
                    has_previous_page: offset > 0,
                    start_cursor: edges.first().map(|e| e.cursor.clone()),
                    end_cursor: edges.last().map(|e| e.cursor.clone()),
                };
                Self {
                    edges,
                    page_info,
                    total_count: total,
                }
            }

            /// A page of an in-memory list, per `first` and `after`.
            #[allow(dead_code)]
            pub fn page<T: Clone>(
                items: &[T],
                first: Option<i32>,
                after: Option<&str>,
                node: impl Fn(T) -> $node,
            ) -> Result<Self, $crate::graphql::error::ApiError> {
                let size = $crate::graphql::connection::page_size(first)? as usize;
                let start = $crate::graphql::connection::after_offset(after)?.min(items.len());
                let end = (start + size).min(items.len());
                let nodes = items[start..end].iter().cloned().map(node).collect();
                Ok(Self::new(nodes, start, items.len() as u64))
            }
        }
    };
}
