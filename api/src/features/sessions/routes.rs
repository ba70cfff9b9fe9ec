use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::service;
use super::validate::SessionTitle;
use super::views::{SessionPage, SessionView};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::ApiResult;
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::pagination::PageQuery;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_session).service(list_sessions).service(get_session);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    pub title: SessionTitle,
    /// When it is planned (RFC 3339).
    pub scheduled_at: Option<DateTime<Utc>>,
}

/// Schedule a session in a room (its owner and moderators).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), request_body = CreateSessionRequest,
    responses((status = 201, body = SessionView)))]
#[post("/rooms/{room_id}/sessions")]
pub async fn create_session(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<CreateSessionRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room = room_id.into_inner();
    let b = body.into_inner();
    let view = store
        .run(async |conn| service::create(conn, user.id, room, b.title.as_str(), b.scheduled_at).await)
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A room's sessions, newest first (its members).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = SessionPage)))]
#[get("/rooms/{room_id}/sessions")]
pub async fn list_sessions(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room = room_id.into_inner();
    let page = query.page()?;
    let view = store
        .run(async |conn| service::list(conn, user.id, room, page).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One session (members of its room; 404 for anyone else).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), responses((status = 200, body = SessionView)))]
#[get("/sessions/{session_id}")]
pub async fn get_session(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let view = store.run(async |conn| service::get(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}
