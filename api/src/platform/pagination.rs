use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use uuid::Uuid;

use crate::platform::error::ApiError;
use crate::platform::validate::checked_string;
use crate::platform::validate::{as_given, pattern, trimmed, Rule, NO_NUL};

pattern!(CURSOR_SHAPE = "^([A-Za-z0-9_-]{21}[AQgw])?$");

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;
/// The largest seq a client may name: 2^53 - 1, exact in every JSON number (JavaScript's
/// safe integers), far beyond any room's log.
pub const MAX_SEQ: i64 = 9_007_199_254_740_991;

checked_string!(
    /// An opaque page cursor, exactly as a previous page's `next_cursor` gave it (empty = first page).
    Cursor,
    Rule {
        min: 0,
        max: 22,
        pattern: Some(&CURSOR_SHAPE),
        message: "cursor is not one this API returned",
    },
    as_given
);

checked_string!(
    /// A search prefix: up to 200 characters, without NUL.
    Prefix,
    Rule {
        min: 0,
        max: 200,
        pattern: Some(&NO_NUL),
        message: "q must be at most 200 characters, without NUL",
    },
    trimmed
);

/// A seq given by a client: 0 to MAX_SEQ.
pub fn seq(name: &str, raw: i64) -> Result<i64, ApiError> {
    if (0..=MAX_SEQ).contains(&raw) {
        Ok(raw)
    } else {
        Err(ApiError::invalid(format!("{name} must be between 0 and {MAX_SEQ}")))
    }
}

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

/// The query of a plain list: `cursor` and `limit` (lists with filters add theirs).
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, ApiError> {
        Page::parse(self.limit, self.cursor.as_ref())
    }
}

/// A keyset page request: how many, and after which item.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub limit: i64,
    pub after: Option<Uuid>,
}

impl Page {
    pub fn parse(limit: Option<i64>, cursor: Option<&Cursor>) -> Result<Self, ApiError> {
        Ok(Self {
            limit: self::limit(limit)?,
            after: decode_cursor(cursor.map(Cursor::as_str))?,
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
