//! What clients see of notes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::{Note, NoteFile};
use crate::features::files::views::{thumbnail_url, AttachmentView};

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct NoteView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    /// The note's file (download through `/v1/notes/{id}/download`, which counts it).
    pub file: AttachmentView,
    /// The room it is shared to.
    pub room_id: Option<Uuid>,
    /// Public notes are seen by everyone signed in; others by the author and the room.
    pub is_public: bool,
    pub author_id: Uuid,
    pub view_count: i64,
    pub download_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl NoteView {
    pub fn new(n: Note, f: NoteFile) -> Self {
        Self {
            id: n.id,
            title: n.title,
            description: n.description,
            file: AttachmentView {
                id: f.id,
                name: f.name,
                content_type: f.content_type,
                size: f.size,
                width: f.width,
                height: f.height,
                thumbnail_url: thumbnail_url(f.id, f.thumbnail_key.as_deref()),
            },
            room_id: n.room_id,
            is_public: n.is_public,
            author_id: n.author_id,
            view_count: n.view_count,
            download_count: n.download_count,
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}
