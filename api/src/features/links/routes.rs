use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::service::{self, Links, Request, Resolved};
use super::validate::{self, CustomCode, LinkTitle, Tag};
use super::views::{LinkPage, LinkStats, LinkView};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult, ErrorCode};
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::pagination::{Cursor, Page};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_link)
        .service(list_links)
        .service(get_link)
        .service(update_link)
        .service(delete_link)
        .service(link_stats);
}

/// `/s/{code}`, outside `/v1`: the short links themselves.
pub fn configure_redirects(cfg: &mut ServiceConfig) {
    cfg.service(follow_link);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLinkRequest {
    /// Where the link leads: an http or https URL to a public host.
    #[schema(max_length = 2048, format = "uri")]
    pub long_url: String,
    pub title: Option<LinkTitle>,
    /// Up to 10 tags, stored in lower case.
    #[schema(max_items = 10)]
    pub tags: Option<Vec<Tag>>,
    /// Your own code instead of a random one (409 `code_taken` when someone has it).
    pub custom_code: Option<CustomCode>,
    /// After this the link answers 410 (at least 5 minutes ahead).
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLinkRequest {
    /// null clears it.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<LinkTitle>, nullable)]
    pub title: Option<Option<LinkTitle>>,
    /// Replaces the tags (up to 10).
    #[schema(max_items = 10)]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Deserialize, IntoParams)]
pub struct LinkListQuery {
    /// Only links with this tag.
    #[param(inline)]
    pub tag: Option<Tag>,
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub struct LinkStatsQuery {
    /// How many days back, today included: 1 to 365, default 30.
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<u32>,
}

/// Make a short link. The same URL again (without a custom code) answers your existing
/// link with 200; a new one is 201.
#[utoipa::path(tag = "links", security(("bearer" = [])), request_body = CreateLinkRequest,
    responses((status = 201, body = LinkView), (status = 200, description = "Your link for this URL already", body = LinkView)))]
#[post("/links")]
pub async fn create_link(
    user: AuthUser,
    body: Json<CreateLinkRequest>,
    store: web::Data<Database>,
    links: web::Data<Links>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let long_url = validate::long_url(&b.long_url, &links.base, links.allow_loopback)?;
    let custom_code = match b.custom_code {
        Some(c) => {
            c.check_reserved()?;
            Some(c.into_inner())
        }
        None => None,
    };
    let request = Request {
        long_url,
        title: b.title.map(LinkTitle::into_inner),
        tags: validate::tags(b.tags.unwrap_or_default())?,
        custom_code,
        expires_at: b.expires_at,
    };
    let (view, made) = store
        .run(async |conn| service::create(conn, &links, user.id, request).await)
        .await?;
    Ok(if made {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    }
    .json(view))
}

/// One's short links, newest first, a page at a time.
#[utoipa::path(tag = "links", security(("bearer" = [])), params(LinkListQuery),
    responses((status = 200, body = LinkPage)))]
#[get("/links")]
pub async fn list_links(
    user: AuthUser,
    query: web::Query<LinkListQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let page = Page::parse(q.limit, q.cursor.as_ref())?;
    let tag = q.tag.map(Tag::into_inner);
    let (items, next_cursor) = store
        .run(async |conn| service::list(conn, user.id, tag.as_deref(), page).await)
        .await?;
    Ok(HttpResponse::Ok().json(LinkPage { items, next_cursor }))
}

/// One of one's short links (404 for anyone else's).
#[utoipa::path(tag = "links", security(("bearer" = [])), responses((status = 200, body = LinkView)))]
#[get("/links/{link_id}")]
pub async fn get_link(user: AuthUser, path: web::Path<Uuid>, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = store.run(async |conn| service::get(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a link's title or tags (where it leads stays).
#[utoipa::path(tag = "links", security(("bearer" = [])), request_body = UpdateLinkRequest,
    responses((status = 200, body = LinkView)))]
#[patch("/links/{link_id}")]
pub async fn update_link(
    user: AuthUser,
    path: web::Path<Uuid>,
    body: Json<UpdateLinkRequest>,
    store: web::Data<Database>,
    links: web::Data<Links>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let b = body.into_inner();
    let title = b.title.map(|t| t.map(LinkTitle::into_inner));
    let tags = b.tags.map(validate::tags).transpose()?;
    let view = store
        .run(async |conn| service::update(conn, &links, user.id, id, title, tags).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a link: its short URL answers 404 from now on.
#[utoipa::path(tag = "links", security(("bearer" = [])), responses((status = 204)))]
#[delete("/links/{link_id}")]
pub async fn delete_link(
    user: AuthUser,
    path: web::Path<Uuid>,
    store: web::Data<Database>,
    links: web::Data<Links>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    store
        .run(async |conn| service::delete(conn, &links, user.id, id).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Clicks per UTC day (bots and link previews are not counted).
#[utoipa::path(tag = "links", security(("bearer" = [])), params(LinkStatsQuery),
    responses((status = 200, body = LinkStats)))]
#[get("/links/{link_id}/stats")]
pub async fn link_stats(
    user: AuthUser,
    path: web::Path<Uuid>,
    query: web::Query<LinkStatsQuery>,
    store: web::Data<Database>,
    links: web::Data<Links>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let days = query.days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        return Err(ApiError::invalid("days must be 1 to 365"));
    }
    let view = store
        .run(async |conn| service::stats(conn, &links, user.id, id, days).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Follow a short link: 302 to where it leads (410 once expired, 404 when unknown).
#[utoipa::path(tag = "links",
    params(("code" = String, Path, description = "The link's code", max_length = 128)),
    responses((status = 302, description = "To the link's destination (`Location`)")))]
#[get("/s/{code}")]
pub async fn follow_link(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Database>,
    links: web::Data<Links>,
) -> ApiResult<HttpResponse> {
    let code = path.into_inner();
    if code.is_empty() || code.len() > 128 {
        return Err(ApiError::NotFound("link"));
    }
    // A code read in the last few seconds costs no database connection.
    let resolved = match service::resolve_cached(&links, &code) {
        Some(known) => known,
        None => {
            store
                .run(async |conn| service::resolve(conn, &links, &code).await)
                .await?
        }
    };
    match resolved {
        Resolved::To(id, to) => {
            let ua = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok());
            if !service::is_bot(ua) {
                links.clicks.count(id);
            }
            Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, to))
                .insert_header((header::CACHE_CONTROL, "private, no-store"))
                .insert_header(("Referrer-Policy", "no-referrer"))
                .finish())
        }
        Resolved::Expired => Err(ApiError::Gone(ErrorCode::LinkExpired, "this link has expired".into())),
        Resolved::Unknown => Err(ApiError::NotFound("link")),
    }
}
