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

use super::repo::SessionNote;
pub use super::repo::{NoteKind, Visibility};
use crate::features::messages::views::MessageView;

/// A note taken during a session.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct SessionNoteView {
    pub id: Uuid,
    pub session_id: Uuid,
    pub author_id: Uuid,
    pub kind: NoteKind,
    pub body: String,
    pub visibility: Visibility,
    /// For action items: whether it is done.
    pub done: bool,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

impl From<SessionNote> for SessionNoteView {
    fn from(n: SessionNote) -> Self {
        Self {
            id: n.id,
            session_id: n.session_id,
            author_id: n.author_id,
            kind: n.kind,
            body: n.body,
            visibility: n.visibility,
            done: n.done,
            created_at: n.created_at,
            edited_at: n.edited_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionNoteList {
    /// Oldest first: the shared notes and the caller's own.
    pub items: Vec<SessionNoteView>,
}

/// `session.participant_joined` / `session.participant_left`.
#[derive(Serialize, ToSchema, Debug)]
pub struct ParticipantEvent {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
}

/// One stretch of time a participant was in the live session.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct IntervalView {
    pub joined_at: DateTime<Utc>,
    /// Null while they are still there.
    pub left_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct ParticipantView {
    pub user_id: Uuid,
    pub display_name: String,
    pub intervals: Vec<IntervalView>,
    /// Their intervals added up (an open one up to now).
    pub total_seconds: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TranscriptPage {
    /// The room's messages between the session's start and end, oldest first, exactly as
    /// history shows them to the caller.
    pub items: Vec<MessageView>,
    pub next_cursor: Option<String>,
}

/// A session's record: who attended when, the notes the caller may see, the transcript.
#[derive(Serialize, ToSchema)]
pub struct SessionRecord {
    pub session: SessionView,
    pub participants: Vec<ParticipantView>,
    pub notes: Vec<SessionNoteView>,
    pub transcript: TranscriptPage,
}
