use actix_multipart::Multipart;
use actix_web::{delete, get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::detect::{self, Purpose};
use super::service;
use super::signing::UrlSigner;
use super::upload::Rules;
use super::views::FileView;
use crate::features::events::Store;
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::storage::Storage;

/// What the files routes need: the store, the URL signer and the limits.
#[derive(Clone)]
pub struct Files {
    pub storage: Storage,
    pub signer: UrlSigner,
    pub rules: Rules,
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload_file)
        .service(get_file)
        .service(delete_file)
        .service(download_file)
        .service(file_content);
}

/// The upload form: `purpose` (optional, before the file), then `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// What the file is for (default `attachment`): avatars and room logos take PNG, JPEG,
    /// WebP or GIF up to AVATAR_MAX_BYTES (4 MiB); attachments and notes also PDF, plain
    /// text, office documents, zip, audio and video up to UPLOAD_MAX_BYTES (10 MiB).
    purpose: Option<Purpose>,
    /// The file; its type is read from its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Deserialize, IntoParams)]
pub struct DownloadQuery {
    /// 1: show in the page (images, audio and video only); otherwise a download.
    #[param(minimum = 0, maximum = 1)]
    pub inline: Option<u8>,
}

#[derive(Deserialize, IntoParams)]
pub struct ContentQuery {
    /// Unix seconds, as signed.
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub expires: i64,
    #[param(minimum = 0, maximum = 1)]
    pub inline: u8,
    /// The URL's signature.
    #[param(pattern = "^[A-Za-z0-9_-]{43}$")]
    pub sig: String,
}

#[derive(Serialize, ToSchema)]
pub struct Redirect {
    /// Where the bytes are, for about two minutes.
    pub url: String,
}

/// Upload a file (`multipart/form-data`). Streamed to storage: 413 `too_large` the moment
/// the size cap is passed, 413 `quota_exceeded` past the user's quota, 415 when the bytes
/// are not a type the purpose takes, 422 for an empty file, 422 `infected` when clamd finds
/// something, 503 when the store or the scanner is unreachable — and nothing is kept.
#[utoipa::path(tag = "files", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = FileView)))]
#[post("/files")]
pub async fn upload_file(
    user: AuthUser,
    body: Multipart,
    store: web::Data<Store>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    let view = service::upload(&store, &files.storage, user.id, body, &files.rules).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A file's details (404 for a file the caller may not see).
#[utoipa::path(tag = "files", security(("bearer" = [])), responses((status = 200, body = FileView)))]
#[get("/files/{file_id}")]
pub async fn get_file(user: AuthUser, file_id: web::Path<Uuid>, store: web::Data<Store>) -> ApiResult<HttpResponse> {
    let id = file_id.into_inner();
    let view = store.run(async |conn| service::get(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete an upload of one's own that nothing uses (409 when in use).
#[utoipa::path(tag = "files", security(("bearer" = [])), responses((status = 204, description = "Deleted")))]
#[delete("/files/{file_id}")]
pub async fn delete_file(
    user: AuthUser,
    file_id: web::Path<Uuid>,
    store: web::Data<Store>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    service::delete(&store, &files.storage, user.id, file_id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Download: counts it, then 302 to a URL that serves the bytes for about two minutes.
#[utoipa::path(tag = "files", security(("bearer" = [])), params(DownloadQuery),
    responses((status = 302, description = "To the bytes", headers(("Location" = String)), body = Redirect)))]
#[get("/files/{file_id}/download")]
pub async fn download_file(
    user: AuthUser,
    file_id: web::Path<Uuid>,
    query: web::Query<DownloadQuery>,
    store: web::Data<Store>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    let inline = inline_flag(query.inline.unwrap_or(0))?;
    let id = file_id.into_inner();
    let file = store
        .run(async |conn| service::download(conn, user.id, id).await)
        .await?;
    let inline = inline && detect::inline_ok(&file.content_type);
    let (content_type, disposition) = serving(&file.content_type, &file.name, inline);
    let lifetime = std::time::Duration::from_secs(super::signing::URL_LIFETIME_SECS as u64);
    let url = match files
        .storage
        .presigned_get(&file.object_key, lifetime, &content_type, &disposition)
        .await
    {
        Ok(Some(url)) => url,
        Ok(None) => files.signer.url(id, inline, chrono::Utc::now().timestamp()),
        Err(e) => return Err(e.into()),
    };
    Ok(HttpResponse::Found()
        .insert_header(("Location", url.clone()))
        .insert_header(("Cache-Control", "no-store"))
        .json(Redirect { url }))
}

/// The bytes, through a signed URL from `download` (no token: the URL is the credential;
/// 403 when it is tampered with or expired). Served as an attachment unless the URL says
/// inline and the type is an image, audio or video; never sniffed, never run.
#[utoipa::path(tag = "files", params(ContentQuery),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream", body = Vec<u8>)))]
#[get("/files/{file_id}/content")]
pub async fn file_content(
    file_id: web::Path<Uuid>,
    query: web::Query<ContentQuery>,
    store: web::Data<Store>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    let id = file_id.into_inner();
    let inline = inline_flag(query.inline)?;
    let now = chrono::Utc::now().timestamp();
    if !files.signer.verify(id, query.expires, inline, &query.sig, now) {
        return Err(ApiError::Forbidden(
            "this download link is invalid or has expired".into(),
        ));
    }
    let file = store.run(async |conn| service::by_signed_url(conn, id).await).await?;
    // A file deleted between the redirect and now is 404.
    let stream = files.storage.read(&file.object_key).await?;
    let (content_type, disposition) = serving(&file.content_type, &file.name, inline);
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", disposition))
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
        .insert_header(("Cache-Control", "private, max-age=60"))
        .no_chunking(file.size as u64)
        .streaming(stream))
}

fn inline_flag(raw: u8) -> Result<bool, ApiError> {
    match raw {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(ApiError::invalid("inline must be 0 or 1")),
    }
}

/// The Content-Type and Content-Disposition a file is served with: text as plain text, and
/// a download unless inline was asked for an image, audio or video.
fn serving(media_type: &str, name: &str, inline: bool) -> (String, String) {
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
