//! What clients see of short links.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::Link;

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct LinkView {
    pub id: Uuid,
    /// The part after the short base (`/s/{code}` for our own links; Bitly's back-half).
    pub code: String,
    pub short_url: String,
    pub long_url: String,
    pub title: Option<String>,
    pub tags: Vec<String>,
    /// After this the link answers 410.
    pub expires_at: Option<DateTime<Utc>>,
    /// Clicks counted so far (ours are written every few seconds; bots are not counted).
    pub click_count: i64,
    pub created_at: DateTime<Utc>,
}

impl From<Link> for LinkView {
    fn from(l: Link) -> Self {
        Self {
            id: l.id,
            code: l.code,
            short_url: l.short_url,
            long_url: l.long_url,
            title: l.title,
            tags: l.tags,
            expires_at: l.expires_at,
            click_count: l.click_count,
            created_at: l.created_at,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct LinkPage {
    pub items: Vec<LinkView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq, Eq)]
pub struct DayClicks {
    /// A UTC day.
    pub date: NaiveDate,
    pub clicks: i64,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct LinkStats {
    /// Every click counted (Bitly links: over the days asked).
    pub total: i64,
    /// Each UTC day of the period asked, oldest first, days without clicks included.
    pub days: Vec<DayClicks>,
}
