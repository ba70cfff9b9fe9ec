//! Reading a `multipart/form-data` upload: an optional `purpose` part, then the `file`
//! part, streamed to storage. The size cap (and the quota) are enforced while reading —
//! the request fails with 413 the moment it is exceeded — and the type is decided from the
//! first bytes before anything is stored. Whatever fails, nothing stays in the store.

use actix_multipart::{Field, Multipart};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};

use super::detect::{self, Purpose, HEAD_BYTES};
use super::scan::{Scan, Verdict};
use crate::platform::error::ApiError;
use crate::platform::storage::{Storage, Upload};

/// Longest file name kept (characters).
const MAX_NAME_CHARS: usize = 255;

/// What the upload said and what was stored.
pub struct Received {
    pub purpose: Purpose,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// The rules every upload follows (from the settings).
#[derive(Clone, Debug)]
pub struct Rules {
    pub upload_max: u64,
    pub avatar_max: u64,
    pub quota: u64,
    /// clamd (CLAMD_ADDR): every upload is scanned before it is kept.
    pub scanner: Option<std::net::SocketAddr>,
}

/// Limits for one upload.
pub struct Limits {
    pub upload_max: u64,
    pub avatar_max: u64,
    /// What the user's quota still allows.
    pub quota_left: u64,
    /// clamd, when uploads are scanned.
    pub scanner: Option<std::net::SocketAddr>,
}

fn multipart_error(e: actix_multipart::MultipartError) -> ApiError {
    ApiError::invalid(format!("bad multipart body: {e}"))
}

/// A file name for display: control characters dropped, at most 255 characters, never
/// empty. It is never part of a key or a path.
pub fn display_name(raw: Option<&str>) -> String {
    let cleaned: String = raw
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

pub async fn receive(mut body: Multipart, storage: &Storage, key: &str, limits: &Limits) -> Result<Received, ApiError> {
    let mut purpose = Purpose::Attachment;
    while let Some(field) = body.try_next().await.map_err(multipart_error)? {
        match field.name() {
            Some("purpose") => purpose = read_purpose(field).await?,
            Some("file") => {
                let received = store_file(field, purpose, storage, key, limits).await?;
                // Anything after the file is refused; the object goes with it.
                if let Some(extra) = body.try_next().await.map_err(multipart_error)? {
                    // The caller queues the stored object's deletion.
                    let name = extra.name().unwrap_or("").to_owned();
                    return Err(ApiError::invalid(format!("unexpected part {name:?} after the file")));
                }
                return Ok(received);
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "unknown part {:?}: send an optional `purpose` then the `file`",
                    other.unwrap_or("")
                )))
            }
        }
    }
    Err(ApiError::invalid("no `file` part"))
}

async fn read_purpose(mut field: Field) -> Result<Purpose, ApiError> {
    let mut text = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
        text.extend_from_slice(&chunk);
        if text.len() > 32 {
            break;
        }
    }
    std::str::from_utf8(&text)
        .ok()
        .and_then(|t| Purpose::parse(t.trim()))
        .ok_or_else(|| ApiError::invalid("purpose must be attachment, avatar, room_logo or note"))
}

async fn store_file(
    mut field: Field,
    purpose: Purpose,
    storage: &Storage,
    key: &str,
    limits: &Limits,
) -> Result<Received, ApiError> {
    let name = display_name(field.content_disposition().and_then(|cd| cd.get_filename()));
    let cap = match purpose {
        Purpose::Avatar | Purpose::RoomLogo => limits.avatar_max,
        _ => limits.upload_max,
    };
    let too_big = |size: u64| -> Option<ApiError> {
        if size > cap {
            Some(ApiError::TooLarge(format!(
                "files for {purpose} are limited to {cap} bytes"
            )))
        } else if size > limits.quota_left {
            Some(ApiError::QuotaExceeded(
                "this upload would exceed your storage quota".into(),
            ))
        } else {
            None
        }
    };
    // The head decides the type before a byte is stored.
    let mut head = Vec::with_capacity(HEAD_BYTES.min(cap as usize));
    let mut rest: Option<actix_web::web::Bytes> = None;
    // A finished field must not be polled again.
    let mut ended = false;
    while head.len() < HEAD_BYTES {
        let Some(chunk) = field.try_next().await.map_err(multipart_error)? else {
            ended = true;
            break;
        };
        let take = (HEAD_BYTES - head.len()).min(chunk.len());
        head.extend_from_slice(&chunk[..take]);
        if let Some(e) = too_big(head.len() as u64) {
            return Err(e);
        }
        if take < chunk.len() {
            rest = Some(chunk.slice(take..));
        }
    }
    if head.is_empty() {
        return Err(ApiError::invalid("the file is empty"));
    }
    let content_type = detect::media_type(&head);
    if !detect::allowed(purpose, &content_type) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "{content_type} is not accepted for {purpose} (the type is read from the file's bytes)"
        )));
    }
    let dimensions = if detect::is_image(&content_type) {
        Some(detect::image_size(&head).map_err(ApiError::invalid)?)
    } else {
        None
    };
    // The scanner first: when it is down nothing is stored.
    let mut scan = match limits.scanner {
        Some(addr) => Some(Scan::start(addr).await?),
        None => None,
    };
    let mut upload = storage.begin(key).await?;
    let mut hasher = Sha256::new();
    let mut size = head.len() as u64;
    hasher.update(&head);
    let written = async {
        upload.write(&head).await?;
        if let Some(scan) = scan.as_mut() {
            scan.write(&head).await?;
        }
        if let Some(rest) = rest.take() {
            write_chunk(&mut upload, scan.as_mut(), &mut hasher, &mut size, &rest, &too_big).await?;
        }
        while !ended {
            match field.try_next().await.map_err(multipart_error)? {
                Some(chunk) => {
                    write_chunk(&mut upload, scan.as_mut(), &mut hasher, &mut size, &chunk, &too_big).await?
                }
                None => ended = true,
            }
        }
        // The verdict before the object is complete: an infected file is never kept.
        if let Some(scan) = scan.take() {
            if let Verdict::Infected(name) = scan.verdict().await? {
                return Err(ApiError::Infected(format!(
                    "the file is infected ({name}) and was not kept"
                )));
            }
        }
        Ok::<_, ApiError>(())
    }
    .await;
    if let Err(e) = written {
        upload.abort().await;
        return Err(e);
    }
    upload.finish().await?;
    Ok(Received {
        purpose,
        name,
        content_type,
        size: size as i64,
        sha256: hex(&hasher.finalize()),
        width: dimensions.map(|d| d.0),
        height: dimensions.map(|d| d.1),
    })
}

async fn write_chunk(
    upload: &mut Upload,
    scan: Option<&mut Scan>,
    hasher: &mut Sha256,
    size: &mut u64,
    chunk: &[u8],
    too_big: &impl Fn(u64) -> Option<ApiError>,
) -> Result<(), ApiError> {
    *size += chunk.len() as u64;
    if let Some(e) = too_big(*size) {
        return Err(e);
    }
    hasher.update(chunk);
    if let Some(scan) = scan {
        scan.write(chunk).await?;
    }
    Ok(upload.write(chunk).await?)
}

/// Lower-case hex of a digest.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn names_are_for_display_only() {
        assert_eq!(display_name(Some("../../etc/passwd")), "../../etc/passwd");
        assert_eq!(display_name(Some("a\u{0}b\nc\u{7}.pdf")), "abc.pdf");
        assert_eq!(display_name(Some("   ")), "file");
        assert_eq!(display_name(None), "file");
        assert_eq!(display_name(Some(&"x".repeat(300))).chars().count(), 255);
    }
}
