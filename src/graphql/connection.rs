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

/// Slices an in-memory list into a page: (items with their offsets, page info).
pub fn slice<T: Clone>(
    items: &[T],
    first: Option<i32>,
    after: Option<&str>,
) -> Result<(Vec<(usize, T)>, PageInfo), ApiError> {
    let size = page_size(first)? as usize;
    let start = after_offset(after)?.min(items.len());
    let end = (start + size).min(items.len());
    let page: Vec<(usize, T)> = (start..end).map(|i| (i, items[i].clone())).collect();
    let info = PageInfo {
        has_next_page: end < items.len(),
        has_previous_page: start > 0,
        start_cursor: page.first().map(|(i, _)| offset_cursor(*i)),
        end_cursor: page.last().map(|(i, _)| offset_cursor(*i)),
    };
    Ok((page, info))
}
