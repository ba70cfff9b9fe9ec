//! What clients see of sessions.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::Session;

pub use super::repo::SessionStatus;

/// A session in a room.
#[derive(Serialize, ToSchema, Debug)]
pub struct SessionView {
    pub id: Uuid,
    pub room_id: Uuid,
    /// Who runs it (starts and ends it).
    pub host_id: Uuid,
    pub title: String,
    pub status: SessionStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The booking that scheduled it.
    pub booking_id: Option<Uuid>,
}

impl From<Session> for SessionView {
    fn from(s: Session) -> Self {
        Self {
            id: s.id,
            room_id: s.room_id,
            host_id: s.host_id,
            title: s.title,
            status: s.status,
            scheduled_at: s.scheduled_at,
            started_at: s.started_at,
            ended_at: s.ended_at,
            booking_id: s.booking_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionPage {
    pub items: Vec<SessionView>,
    pub next_cursor: Option<String>,
}
