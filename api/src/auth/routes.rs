//! The dev issuer's routes. Registered always (so the OpenAPI document is the same in every
//! mode) but answering 404 unless `AUTH_MODE=dev`.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use std::sync::Arc;

use super::dev_issuer::DevIssuer;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::json::Json;

/// The dev issuer when AUTH_MODE=dev; registered as app data.
#[derive(Clone)]
pub struct DevMode(pub Option<Arc<DevIssuer>>);

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(dev_jwks).service(dev_token);
}

crate::platform::validate::pattern!(DEV_USER_ID = "^[A-Za-z0-9_.-]*$");

crate::platform::validate::checked_string!(
    /// A Clerk-style user id: 1 to 64 letters, digits, `_`, `-` or `.`.
    DevUserId,
    crate::platform::validate::Rule {
        min: 1,
        max: 64,
        pattern: Some(&DEV_USER_ID),
        message: "user_id must be 1 to 64 characters of letters, digits, _ - .",
    },
    crate::platform::validate::as_given
);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevTokenRequest {
    /// The Clerk-style user id to sign in as, e.g. `user_alice`.
    #[schema(example = "user_alice")]
    pub user_id: DevUserId,
    pub email: Option<DevEmail>,
    /// Display name for a user seen for the first time.
    pub name: Option<DevName>,
    /// Stands for the account's verified phone number at Clerk (E.164), where texts go.
    pub phone_number: Option<crate::platform::validate::PhoneNumber>,
}

crate::platform::validate::checked_string!(
    /// An e-mail address for the token: up to 320 characters, without NUL.
    DevEmail,
    crate::platform::validate::Rule {
        min: 0,
        max: 320,
        pattern: Some(&crate::platform::validate::NO_NUL),
        message: "email must be at most 320 characters, without NUL",
    },
    crate::platform::validate::as_given
);

crate::platform::validate::checked_string!(
    /// A name for the token: up to 200 characters, without NUL.
    DevName,
    crate::platform::validate::Rule {
        min: 0,
        max: 200,
        pattern: Some(&crate::platform::validate::NO_NUL),
        message: "name must be at most 200 characters, without NUL",
    },
    crate::platform::validate::as_given
);

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
pub async fn dev_jwks(dev: web::Data<DevMode>) -> ApiResult<HttpResponse> {
    let dev = dev.0.as_ref().ok_or(ApiError::NotFound("route"))?;
    Ok(HttpResponse::Ok().json(dev.jwks()))
}

/// Mint a session token for any user id (dev auth mode only; never enabled with Clerk).
#[utoipa::path(tag = "dev", request_body = DevTokenRequest,
    responses((status = 200, body = DevTokenResponse)))]
#[post("/dev/token")]
pub async fn dev_token(dev: web::Data<DevMode>, body: Json<DevTokenRequest>) -> ApiResult<HttpResponse> {
    let dev = dev.0.as_ref().ok_or(ApiError::NotFound("route"))?;
    let body = body.into_inner();
    let (email, name) = (body.email.map(DevEmail::into_inner), body.name.map(DevName::into_inner));
    let phone = body.phone_number.map(|p| p.into_inner());
    let (token, expires_at) = dev.issue(body.user_id.as_str(), email, name, phone)?;
    Ok(HttpResponse::Ok().json(DevTokenResponse { token, expires_at }))
}
