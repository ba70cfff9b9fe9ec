//! The dev issuer's routes. Registered always (so the OpenAPI document is the same in every
//! mode) but answering 404 unless `AUTH_MODE=dev`.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::state::AppState;
use crate::platform::error::{ApiError, ApiResult};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(dev_jwks).service(dev_token);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevTokenRequest {
    /// The Clerk-style user id to sign in as, e.g. `user_alice`.
    #[schema(example = "user_alice")]
    pub user_id: String,
    pub email: Option<String>,
    /// Display name for a user seen for the first time.
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DevTokenResponse {
    /// An RS256 session token, valid for an hour.
    pub token: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
}

/// The dev issuer's signing keys (dev auth mode only).
#[utoipa::path(tag = "dev", responses((status = 200, description = "JWKS", body = Object)))]
#[get("/dev/jwks.json")]
pub async fn dev_jwks(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let dev = state.dev.as_ref().ok_or(ApiError::NotFound("route"))?;
    Ok(HttpResponse::Ok().json(dev.jwks()))
}

/// Mint a session token for any user id (dev auth mode only; never enabled with Clerk).
#[utoipa::path(tag = "dev", request_body = DevTokenRequest,
    responses((status = 200, body = DevTokenResponse)))]
#[post("/dev/token")]
pub async fn dev_token(state: web::Data<AppState>, body: web::Json<DevTokenRequest>) -> ApiResult<HttpResponse> {
    let dev = state.dev.as_ref().ok_or(ApiError::NotFound("route"))?;
    let body = body.into_inner();
    let valid =
        |s: &str| (1..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if !valid(&body.user_id) {
        return Err(ApiError::invalid(
            "user_id must be 1 to 64 characters of letters, digits, _ - .",
        ));
    }
    let (token, expires_at) = dev.issue(&body.user_id, body.email, body.name)?;
    Ok(HttpResponse::Ok().json(DevTokenResponse { token, expires_at }))
}
