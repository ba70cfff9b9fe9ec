use actix_multipart::Multipart;
use actix_web::{delete, get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::detect::Purpose;
use super::service;
use super::serving::{inline_flag, redirect, served, serving, Files, Redirect};
use super::signing::Signed;
use super::views::FileView;
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload_file)
        .service(get_file)
        .service(delete_file)
        .service(download_file)
        .service(file_thumbnail)
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
    /// 1: the thumbnail.
    #[param(minimum = 0, maximum = 1)]
    pub thumb: Option<u8>,
    /// The URL's signature.
    #[param(pattern = "^[A-Za-z0-9_-]{43}$")]
    pub sig: String,
}

/// Upload a file (`multipart/form-data`). Streamed to storage: 413 `too_large` the moment
/// the size cap is passed, 413 `quota_exceeded` past the user's quota, 415 when the bytes
/// are not a type the purpose takes, 422 for an empty file, 422 `infected` when clamd finds
/// something, 429 past the per-user rate limit (shared with message sends), 503 when the
/// store or the scanner is unreachable — and nothing is kept. Image attachments get a
/// thumbnail (`thumbnail_url`).
#[utoipa::path(tag = "files", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = FileView)))]
#[post("/files")]
pub async fn upload_file(
    user: AuthUser,
    body: Multipart,
    store: web::Data<Database>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    if !files.limiter.allow_batch(&[user.id]).await[0] {
        return Err(ApiError::RateLimited("too many requests; slow down".into()));
    }
    let view = service::upload(&store, &files.storage, user.id, body, &files.rules).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A file's details (404 for a file the caller may not see).
#[utoipa::path(tag = "files", security(("bearer" = [])), responses((status = 200, body = FileView)))]
#[get("/files/{file_id}")]
pub async fn get_file(user: AuthUser, file_id: web::Path<Uuid>, store: web::Data<Database>) -> ApiResult<HttpResponse> {
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
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    service::delete(&store, user.id, file_id.into_inner()).await?;
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
    store: web::Data<Database>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    let inline = inline_flag(query.inline.unwrap_or(0))?;
    let id = file_id.into_inner();
    let file = store
        .run(async |conn| service::download(conn, user.id, id).await)
        .await?;
    redirect(files.location(&file, inline, false).await?)
}

/// An image attachment's thumbnail (a JPEG of at most 480 px a side): 302 to a URL that
/// serves it for about two minutes; 404 when the file has none or may not be seen.
#[utoipa::path(tag = "files", security(("bearer" = [])),
    responses((status = 302, description = "To the thumbnail", headers(("Location" = String)), body = Redirect)))]
#[get("/files/{file_id}/thumbnail")]
pub async fn file_thumbnail(
    user: AuthUser,
    file_id: web::Path<Uuid>,
    store: web::Data<Database>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    let id = file_id.into_inner();
    let file = store
        .run(async |conn| service::visible(conn, user.id, id).await)
        .await?;
    redirect(files.location(&file, true, true).await?)
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
    store: web::Data<Database>,
    files: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    let id = file_id.into_inner();
    let what = Signed {
        inline: inline_flag(query.inline)?,
        thumbnail: inline_flag(query.thumb.unwrap_or(0))?,
    };
    let now = chrono::Utc::now().timestamp();
    if !files.signer.verify(id, query.expires, what, &query.sig, now) {
        return Err(ApiError::Forbidden(
            "this download link is invalid or has expired".into(),
        ));
    }
    let file = store.run(async |conn| service::by_signed_url(conn, id).await).await?;
    let (key, media_type) = served(&file, what.thumbnail)?;
    // A file deleted between the redirect and now is 404.
    let (size, stream) = files.storage.read_sized(key).await?;
    let (content_type, disposition) = serving(media_type, &file.name, what.inline);
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", disposition))
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
        .insert_header(("Cache-Control", "private, max-age=60"))
        .no_chunking(size)
        .streaming(stream))
}
