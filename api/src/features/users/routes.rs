use actix_web::{get, patch, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::service;
use super::validate::ProfileUpdate;
pub use super::views::UserResponse;
use crate::app::state::AppState;
use crate::auth::AuthUser;
use crate::platform::error::ApiResult;
use crate::platform::pagination::Page;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(list_users)
        .service(get_user);
}

/// Profile fields a user may change. Anything else (id, role, email…) is refused.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// 1 to 64 characters.
    pub display_name: Option<String>,
    /// Up to 500 characters; empty clears it.
    pub bio: Option<String>,
    /// `#rrggbb`; empty clears it.
    pub color: Option<String>,
    /// An http(s) URL up to 2,048 characters; empty clears it.
    pub image_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserResponse>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    /// Prefix of a display name or e-mail (case-insensitive).
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// 1 to 100, default 50.
    pub limit: Option<i64>,
}

/// The caller's own profile (created on the first request with a new token subject).
#[utoipa::path(tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserResponse)))]
#[get("/me")]
pub async fn get_me(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(UserResponse::from(user.user))
}

/// Update the caller's profile.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = UpdateMeRequest,
    responses((status = 200, body = UserResponse)))]
#[patch("/me")]
pub async fn update_me(
    user: AuthUser,
    body: web::Json<UpdateMeRequest>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let update = ProfileUpdate::parse(b.display_name, b.bio, b.color, b.image_url)?;
    let updated = state
        .read(async |conn| service::update_profile(conn, user.id, update).await)
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Search users by name or e-mail prefix.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = UserPage)))]
#[get("/users")]
pub async fn list_users(
    _user: AuthUser,
    query: web::Query<UserQuery>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let page = Page::parse(query.limit, query.cursor.as_deref())?;
    let prefix = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned);
    let (items, next_cursor) = state
        .read(async |conn| service::search(conn, prefix.as_deref(), page).await)
        .await?;
    Ok(HttpResponse::Ok().json(UserPage { items, next_cursor }))
}

/// One user's public profile.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserResponse)))]
#[get("/users/{user_id}")]
pub async fn get_user(
    _user: AuthUser,
    user_id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let id = user_id.into_inner();
    let found = state.read(async |conn| service::profile(conn, id).await).await?;
    Ok(HttpResponse::Ok().json(found))
}
