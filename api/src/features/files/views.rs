//! What clients see of files.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::detect::Purpose;
use super::repo::File;

crate::platform::text_enum::text_enum! {
    /// `uploaded`: not used by anything yet (swept after a day); `attached`: in use.
    pub enum Status {
        Uploaded = "uploaded",
        Attached = "attached",
    }
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct FileView {
    pub id: Uuid,
    /// As the client named it (for display; never used as a path).
    pub name: String,
    /// Decided from the bytes.
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
    pub purpose: Purpose,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    /// `/v1/files/{id}/thumbnail` for image attachments (a JPEG of at most 480 px a side).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

/// A file as a message or a note shows it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct AttachmentView {
    pub id: Uuid,
    /// As the uploader named it (for display only).
    pub name: String,
    /// Decided from the bytes.
    pub content_type: String,
    pub size: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
    /// `/v1/files/{id}/thumbnail` for images (a JPEG of at most 480 px a side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

/// Where a file's thumbnail is served, when it has one.
pub fn thumbnail_url(id: Uuid, thumbnail_key: Option<&str>) -> Option<String> {
    thumbnail_key.map(|_| format!("/v1/files/{id}/thumbnail"))
}

impl From<&File> for AttachmentView {
    fn from(f: &File) -> Self {
        Self {
            id: f.id,
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            width: f.width,
            height: f.height,
            thumbnail_url: thumbnail_url(f.id, f.thumbnail_key.as_deref()),
        }
    }
}

impl From<File> for FileView {
    fn from(f: File) -> Self {
        Self {
            thumbnail_url: thumbnail_url(f.id, f.thumbnail_key.as_deref()),
            id: f.id,
            name: f.name,
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
            width: f.width,
            height: f.height,
            purpose: Purpose::parse(&f.purpose).unwrap_or(Purpose::Attachment),
            status: Status::parse(&f.status).unwrap_or(Status::Uploaded),
            created_at: f.created_at,
        }
    }
}
