//! Uploading, reading and deleting files. Who may see a file: its owner (the uses that
//! share files — attachments, avatars, logos, notes — widen this as they arrive); anyone
//! else gets 404, exactly as for a file that does not exist.

use actix_multipart::Multipart;
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::detect::Purpose;
use super::images;
use super::repo::{self, File};
use super::upload::{self, Limits, Rules};
use super::views::{FileView, Status};
use crate::features::events::Store;
use crate::platform::error::ApiError;
use crate::platform::storage::Storage;

/// Stores an upload and its row; on any failure after the bytes were written, the object is
/// deleted again, so neither a row without bytes nor bytes without a row stay behind.
pub async fn upload(
    store: &Store,
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
    let mut received = upload::receive(body, storage, &key, &limits).await?;
    if matches!(received.purpose, Purpose::Avatar | Purpose::RoomLogo) {
        received = match images::normalise(storage, &key, received).await {
            Ok(r) => r,
            Err(e) => {
                let _ = storage.delete(&key).await;
                return Err(e);
            }
        };
    }
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
            if let Err(del) = storage.delete(&key).await {
                tracing::warn!(error = %del, key, "removing the object of a failed upload");
            }
            Err(e)
        }
    }
}

/// A file the caller may see (404 otherwise).
pub async fn visible(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<File, ApiError> {
    match repo::by_id(conn, id).await? {
        Some(f) if f.owner_id == user => Ok(f),
        _ => Err(ApiError::NotFound("file")),
    }
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

/// Deletes an unused upload of the caller's (its row now, its bytes right after).
pub async fn delete(store: &Store, storage: &Storage, user: Uuid, id: Uuid) -> Result<(), ApiError> {
    let key = store
        .run(async |conn| {
            let file = visible(conn, user, id).await?;
            if file.status != Status::Uploaded.as_str() {
                return Err(ApiError::Conflict("the file is in use".into()));
            }
            repo::delete_unused(conn, id, user)
                .await?
                .ok_or(ApiError::NotFound("file"))
        })
        .await?;
    if let Err(e) = storage.delete(&key).await {
        // The row is gone, so nothing refers to the bytes; the next sweep of the store's
        // orphans (or a retry) can remove them. Logged, not failed.
        tracing::warn!(error = %e, key, "deleting a file's object");
    }
    Ok(())
}
