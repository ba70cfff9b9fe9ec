//! Uploading, reading and deleting files. Who may see a file: its owner; anyone signed in
//! for avatars and room logos in use and for public notes' files; the members of the room
//! of the message it is attached to, or of the note's room. Anyone else gets 404, exactly
//! as for a file that does not exist.

use actix_multipart::Multipart;
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::detect::Purpose;
use super::images;
use super::repo::{self, File};
use super::upload::{self, Limits, Rules};
use super::views::{FileView, Status};
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::Database;
use crate::platform::storage::Storage;

/// Stores an upload and its row; on any failure after the bytes may have been written, the
/// objects' deletion is queued (the durable `files.delete_objects` job), so neither a row
/// without bytes nor bytes without a row stay behind.
pub async fn upload(
    store: &Database,
    storage: &Storage,
    owner: Uuid,
    body: Multipart,
    rules: &Rules,
) -> Result<FileView, ApiError> {
    let used = store.run(async |conn| Ok(repo::used_bytes(conn, owner).await?)).await?;
    let limits = Limits {
        upload_max: rules.upload_max,
        avatar_max: rules.avatar_max,
        quota_left: rules.quota.saturating_sub(used.max(0) as u64),
        scanner: rules.scanner,
    };
    let id = Uuid::now_v7();
    // The key is ours alone: never the client's name.
    let key = format!("files/{id}");
    let thumb_key = format!("thumbs/{id}");
    let remove = async || {
        let keys = [key.clone(), thumb_key.clone()];
        let queued = store
            .run(async |conn| super::uses::delete_objects(conn, &keys).await)
            .await;
        if let Err(e) = queued {
            // The database is what failed: the one case left to a best-effort delete.
            tracing::warn!(error = %e, "queueing a failed upload's cleanup; deleting now");
            for k in &keys {
                let _ = storage.delete(k).await;
            }
        }
    };
    let received = match upload::receive(body, storage, &key, &limits).await {
        Ok(received) => received,
        Err(e) => {
            remove().await;
            return Err(e);
        }
    };
    let (received, thumbnail_key) = match prepared(storage, &key, &thumb_key, received).await {
        Ok(done) => done,
        Err(e) => {
            remove().await;
            return Err(e);
        }
    };
    let row = File {
        id,
        owner_id: owner,
        purpose: received.purpose.as_str().to_owned(),
        name: received.name,
        content_type: received.content_type,
        size: received.size,
        sha256: received.sha256,
        width: received.width,
        height: received.height,
        status: Status::Uploaded.as_str().to_owned(),
        object_key: key.clone(),
        download_count: 0,
        created_at: Utc::now(),
        attached_at: None,
        message_id: None,
        thumbnail_key,
    };
    let saved = store
        .run(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                // Concurrent uploads of one user are counted one at a time.
                repo::lock_owner(conn, owner).await?;
                if repo::used_bytes(conn, owner).await? + row.size > rules.quota as i64 {
                    return Err(ApiError::QuotaExceeded(
                        "this upload would exceed your storage quota".into(),
                    ));
                }
                Ok(repo::insert(conn, &row).await?)
            })
            .await
        })
        .await;
    match saved {
        Ok(file) => Ok(file.into()),
        Err(e) => {
            remove().await;
            Err(e)
        }
    }
}

/// Avatars and logos re-encoded; image attachments given a thumbnail (its key).
async fn prepared(
    storage: &Storage,
    key: &str,
    thumb_key: &str,
    received: upload::Received,
) -> Result<(upload::Received, Option<String>), ApiError> {
    match received.purpose {
        Purpose::Avatar | Purpose::RoomLogo => Ok((images::normalise(storage, key, received).await?, None)),
        Purpose::Attachment if images::has_thumbnail(&received.content_type) => {
            let made = images::make_thumbnail(storage, key, received.size, thumb_key).await?;
            Ok((received, made.then(|| thumb_key.to_owned())))
        }
        _ => Ok((received, None)),
    }
}

/// A file the caller may see (404 otherwise).
pub async fn visible(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<File, ApiError> {
    repo::visible(conn, id, user).await?.ok_or(ApiError::NotFound("file"))
}

/// The file a verified signed URL names (the URL is the credential).
pub async fn by_signed_url(conn: &mut AsyncPgConnection, id: Uuid) -> Result<File, ApiError> {
    repo::by_id(conn, id).await?.ok_or(ApiError::NotFound("file"))
}

pub async fn get(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<FileView, ApiError> {
    Ok(visible(conn, user, id).await?.into())
}

/// Counts a download of a file the caller may see; the file.
pub async fn download(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<File, ApiError> {
    visible(conn, user, id).await?;
    repo::count_download(conn, id).await?.ok_or(ApiError::NotFound("file"))
}

/// Deletes an unused upload of the caller's: its row, and the deletion of its bytes queued
/// in the same transaction.
pub async fn delete(store: &Database, user: Uuid, id: Uuid) -> Result<(), ApiError> {
    store
        .run(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                let file = visible(conn, user, id).await?;
                if file.status != Status::Uploaded.as_str() {
                    return Err(ApiError::refused(ErrorCode::FileInUse, "the file is in use"));
                }
                let (key, thumb) = repo::delete_unused(conn, id, user)
                    .await?
                    .ok_or(ApiError::NotFound("file"))?;
                let keys: Vec<String> = std::iter::once(key).chain(thumb).collect();
                super::uses::delete_objects(conn, &keys).await
            })
            .await
        })
        .await
}
