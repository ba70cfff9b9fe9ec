use actix_web::{get, patch, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::db::users::{self, User};
use crate::domain::profile;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::pagination;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(list_users)
        .service(get_user);
}

/// A Parley user. Deleted users keep their id (their messages stay) with personal fields blanked.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct UserResponse {
    pub id: Uuid,
    /// The Clerk user id (`sub` of their tokens).
    pub clerk_id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: String,
    pub image_url: Option<String>,
    pub bio: Option<String>,
    /// `#rrggbb`.
    pub color: Option<String>,
    /// True once the user has set their profile in Parley.
    pub profile_complete: bool,
    /// `user` or `admin`.
    pub role: String,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            clerk_id: u.clerk_id,
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            display_name: u.display_name,
            image_url: u.image_url,
            bio: u.bio,
            color: u.color,
            profile_complete: u.profile_complete,
            role: u.role,
            deleted: u.deleted,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
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
    responses((status = 200, body = UserResponse), (status = 401, body = Problem)))]
#[get("/me")]
pub async fn get_me(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(UserResponse::from(user.user))
}

/// Update the caller's profile.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = UpdateMeRequest,
    responses((status = 200, body = UserResponse), (status = "4XX", body = Problem)))]
#[patch("/me")]
pub async fn update_me(
    user: AuthUser,
    body: web::Json<UpdateMeRequest>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let changes = profile::changes(b.display_name, b.bio, b.color, b.image_url)?;
    let mut conn = state.db.get().await?;
    let updated = users::update_profile(&mut conn, user.id, &changes).await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(updated)))
}

/// Search users by name or e-mail prefix.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = UserPage), (status = "4XX", body = Problem)))]
#[get("/users")]
pub async fn list_users(
    _user: AuthUser,
    query: web::Query<UserQuery>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let prefix = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let mut conn = state.db.get().await?;
    let found = users::search(&mut conn, prefix, after, limit).await?;
    let next_cursor = pagination::next_cursor(&found, limit, |u| u.id);
    let items = found.into_iter().map(UserResponse::from).collect();
    Ok(HttpResponse::Ok().json(UserPage { items, next_cursor }))
}

/// One user's public profile.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserResponse), (status = "4XX", body = Problem)))]
#[get("/users/{user_id}")]
pub async fn get_user(
    _user: AuthUser,
    user_id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.db.get().await?;
    let found = users::by_id(&mut conn, user_id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    Ok(HttpResponse::Ok().json(UserResponse::from(found)))
}
