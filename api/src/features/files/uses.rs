//! What uses files: message attachments (claimed by the post itself, in
//! `parley_post_messages`), avatars, room logos and notes. A file in use is `attached`;
//! replacing or deleting what uses it releases it: the row goes in the caller's
//! transaction, the bytes through a durable `files.delete_objects` job.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;
use serde::Deserialize;
use uuid::Uuid;

use super::detect::Purpose;
use super::repo;
use super::views::AttachmentView;
use crate::platform::db::DbPool;
use crate::platform::error::ApiError;
use crate::platform::jobs::{Job, Task};
use crate::platform::storage::Storage;

/// Deletes released files' objects (and thumbnails).
pub const DELETE_OBJECTS_JOB: &str = "files.delete_objects";
/// Most attachments one message carries.
pub const MAX_ATTACHMENTS: usize = 10;

/// Marks the caller's unused upload of `purpose` as in use: 422 when it is not one (someone
/// else's, already used, another purpose or missing).
pub async fn claim(conn: &mut AsyncPgConnection, owner: Uuid, id: Uuid, purpose: Purpose) -> Result<(), ApiError> {
    if repo::claim(conn, owner, id, purpose.as_str()).await? {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "the file must be your own unused upload with purpose {}",
            purpose.as_str()
        )))
    }
}

/// Releases files no longer used: rows now (in the caller's transaction), bytes by a job.
pub async fn release(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> Result<(), ApiError> {
    if !ids.is_empty() {
        repo::release(conn, ids).await?;
    }
    Ok(())
}

/// Releases a deleted message's attachments.
pub async fn release_message(conn: &mut AsyncPgConnection, message_id: Uuid) -> Result<(), ApiError> {
    let ids = repo::of_message(conn, message_id).await?;
    release(conn, &ids).await
}

/// Releases what a room being deleted uses: its messages' attachments and its logo (notes
/// shared to it stay, with their authors).
pub async fn release_room(conn: &mut AsyncPgConnection, room_id: Uuid) -> Result<(), ApiError> {
    let ids = repo::of_room(conn, room_id).await?;
    release(conn, &ids).await
}

/// What a post's attachments show, by id (ids that are not files are left out; the post
/// itself refuses them).
pub async fn describe(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, AttachmentView>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(repo::by_ids(conn, ids)
        .await?
        .iter()
        .map(|f| (f.id, AttachmentView::from(f)))
        .collect())
}

/// Checks a list of attachment ids from a client: at most MAX_ATTACHMENTS, no repeats.
pub fn checked_ids(ids: Option<Vec<Uuid>>) -> Result<Vec<Uuid>, ApiError> {
    let ids = ids.unwrap_or_default();
    if ids.len() > MAX_ATTACHMENTS {
        return Err(ApiError::invalid(format!(
            "attachment_ids takes at most {MAX_ATTACHMENTS} files"
        )));
    }
    let mut seen = std::collections::HashSet::new();
    if !ids.iter().all(|id| seen.insert(*id)) {
        return Err(ApiError::invalid("attachment_ids repeats a file"));
    }
    Ok(ids)
}

/// The `files.delete_objects` job: deletes each key (a missing one counts as deleted).
pub struct DeleteObjects(pub Storage);

#[derive(Deserialize)]
struct Keys {
    keys: Vec<String>,
}

impl Task for DeleteObjects {
    fn run<'a>(&'a self, _db: &'a DbPool, job: &'a Job) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let Keys { keys } = serde_json::from_value(job.payload.clone())?;
            for key in &keys {
                self.0.delete(key).await?;
            }
            Ok(())
        })
    }
}

/// Queues the deletion of stored objects (a file's, a thumbnail's) in the caller's
/// transaction: never inline, so a crash or an unreachable store loses nothing.
pub async fn delete_objects(conn: &mut AsyncPgConnection, keys: &[String]) -> Result<(), ApiError> {
    if !keys.is_empty() {
        crate::platform::jobs::enqueue(conn, DELETE_OBJECTS_JOB, &serde_json::json!({ "keys": keys }), None).await?;
    }
    Ok(())
}
