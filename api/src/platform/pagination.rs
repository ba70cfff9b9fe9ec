use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use uuid::Uuid;

use crate::platform::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;

/// `limit` query value: 1..=100, default 50.
pub fn limit(raw: Option<i64>) -> Result<i64, ApiError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::invalid(format!(
            "limit must be between 1 and {MAX_LIMIT}, not {n}"
        ))),
    }
}

/// Cursors are opaque to clients: the id of the last item of the previous page.
pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

pub fn decode_cursor(raw: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| Uuid::from_slice(&bytes).ok())
        .map(Some)
        .ok_or_else(|| ApiError::invalid("cursor is not one this API returned"))
}

/// A keyset page request: how many, and after which item.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub limit: i64,
    pub after: Option<Uuid>,
}

impl Page {
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, ApiError> {
        Ok(Self {
            limit: self::limit(limit)?,
            after: decode_cursor(cursor)?,
        })
    }

    pub fn next_cursor<T>(&self, items: &[T], id: impl Fn(&T) -> Uuid) -> Option<String> {
        next_cursor(items, self.limit, id)
    }
}

/// The next cursor when the page is full (there may be more), else none.
pub fn next_cursor<T>(items: &[T], limit: i64, id: impl Fn(&T) -> Uuid) -> Option<String> {
    (items.len() as i64 == limit)
        .then(|| items.last().map(|t| encode_cursor(id(t))))
        .flatten()
}
