//! How stored bytes reach a client: a 302 to a short-lived URL (presigned by S3, or signed by
//! us for the local store), and the headers the bytes are served with.

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::ToSchema;

use super::detect;
use super::repo::File;
use super::signing::{Signed, UrlSigner, URL_LIFETIME_SECS};
use super::upload::Rules;
use crate::platform::error::ApiError;
use crate::platform::limits::RateLimiter;
use crate::platform::storage::Storage;

/// What the files routes (and the features serving files) need: the store, the URL signer,
/// the upload limits and the per-user rate limit uploads count against.
#[derive(Clone)]
pub struct Files {
    pub storage: Storage,
    pub signer: UrlSigner,
    pub rules: Rules,
    pub limiter: RateLimiter,
}

impl Files {
    /// A URL that serves the file (or its thumbnail) for about two minutes. `inline` is
    /// honoured for images, audio and video only.
    pub async fn location(&self, file: &File, inline: bool, thumbnail: bool) -> Result<String, ApiError> {
        let (key, media_type) = served(file, thumbnail)?;
        let inline = thumbnail || (inline && detect::inline_ok(media_type));
        let (content_type, disposition) = serving(media_type, &file.name, inline);
        let lifetime = std::time::Duration::from_secs(URL_LIFETIME_SECS as u64);
        Ok(
            match self
                .storage
                .presigned_get(key, lifetime, &content_type, &disposition)
                .await?
            {
                Some(url) => url,
                None => self
                    .signer
                    .url(file.id, Signed { inline, thumbnail }, chrono::Utc::now().timestamp()),
            },
        )
    }
}

/// The object key and media type of the file, or of its thumbnail (404 when it has none).
pub fn served(file: &File, thumbnail: bool) -> Result<(&str, &str), ApiError> {
    match (thumbnail, &file.thumbnail_key) {
        (true, Some(key)) => Ok((key, "image/jpeg")),
        (true, None) => Err(ApiError::NotFound("thumbnail")),
        (false, _) => Ok((&file.object_key, &file.content_type)),
    }
}

/// The Content-Type and Content-Disposition a file is served with: text as plain text, and
/// a download unless inline was asked for an image, audio or video.
pub fn serving(media_type: &str, name: &str, inline: bool) -> (String, String) {
    let content_type = if media_type.starts_with("text/") {
        "text/plain; charset=utf-8".to_owned()
    } else {
        media_type.to_owned()
    };
    let kind = if inline && detect::inline_ok(media_type) {
        "inline"
    } else {
        "attachment"
    };
    (content_type, format!("{kind}; filename*=UTF-8''{}", rfc5987(name)))
}

/// `filename*` value: UTF-8, percent-encoded except RFC 5987 attr-chars.
fn rfc5987(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Serialize, ToSchema)]
pub struct Redirect {
    /// Where the bytes are, for about two minutes.
    pub url: String,
}

/// A 302 to where the bytes are, with the URL in the body too.
pub fn redirect(url: String) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Found()
        .insert_header(("Location", url.clone()))
        .insert_header(("Cache-Control", "no-store"))
        .json(Redirect { url }))
}

/// `?inline=` as a flag.
pub fn inline_flag(raw: u8) -> Result<bool, ApiError> {
    match raw {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(ApiError::invalid("inline must be 0 or 1")),
    }
}
