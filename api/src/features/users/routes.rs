use actix_web::{get, patch, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::service;
use super::validate::{Bio, Color, DisplayName, ImageUrl, ProfileUpdate};
pub use super::views::{PrivateProfile, PublicProfile};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::ApiResult;
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::pagination::{Cursor, Page, Prefix};

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
    pub display_name: Option<DisplayName>,
    pub bio: Option<Bio>,
    pub color: Option<Color>,
    pub image_url: Option<ImageUrl>,
    /// An upload of one's own with purpose `avatar` (re-encoded to a PNG of at most 512 px);
    /// null removes the picture. The one it replaces is deleted.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub avatar_file_id: Option<Option<Uuid>>,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<PublicProfile>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    /// Prefix of a display name (case-insensitive); e-mail addresses are never searched.
    #[param(inline)]
    pub q: Option<Prefix>,
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The caller's own profile, private fields included (created on the first request with a
/// new token subject).
#[utoipa::path(tag = "users", security(("bearer" = [])),
    responses((status = 200, body = PrivateProfile)))]
#[get("/me")]
pub async fn get_me(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(PrivateProfile::from(user.user))
}

/// Update the caller's profile.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = UpdateMeRequest,
    responses((status = 200, body = PrivateProfile)))]
#[patch("/me")]
pub async fn update_me(
    user: AuthUser,
    body: Json<UpdateMeRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let update = ProfileUpdate::new(b.display_name, b.bio, b.color, b.image_url, b.avatar_file_id);
    let updated = store
        .run(async |conn| service::update_profile(conn, user.id, update).await)
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Search people by display-name prefix; answers public profiles.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = UserPage)))]
#[get("/users")]
pub async fn list_users(
    _user: AuthUser,
    query: web::Query<UserQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = Page::parse(query.limit, query.cursor.as_ref())?;
    let prefix = query.q.clone().map(Prefix::into_inner).filter(|q| !q.is_empty());
    let (items, next_cursor) = store
        .run(async |conn| service::search(conn, prefix.as_deref(), page).await)
        .await?;
    Ok(HttpResponse::Ok().json(UserPage { items, next_cursor }))
}

/// One user's public profile (the caller's own private one is `GET /v1/me`).
#[utoipa::path(tag = "users", security(("bearer" = [])),
    responses((status = 200, body = PublicProfile)))]
#[get("/users/{user_id}")]
pub async fn get_user(
    _user: AuthUser,
    user_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = user_id.into_inner();
    let found = store.run(async |conn| service::profile(conn, id).await).await?;
    Ok(HttpResponse::Ok().json(found))
}
