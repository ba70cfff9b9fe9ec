//! The signed-in caller, as a handler parameter: verifies the bearer token and finds (or
//! creates, on first sight) the local user.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{web, FromRequest, HttpRequest};
use uuid::Uuid;

use super::service::{self as users, User};
use crate::auth::{Claims, Verifier};
use crate::platform::db::DbPool;
use crate::platform::error::ApiError;

/// The signed-in caller. Taking it as a handler parameter is what makes a route private.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub user: User,
    pub claims: Claims,
}

impl AuthUser {
    /// A platform administrator (may refund any payment).
    pub fn is_admin(&self) -> bool {
        self.user.role.as_str() == "admin"
    }
}

/// What authenticating a request needs; registered as app data.
#[derive(Clone)]
pub struct Authenticator {
    pub verifier: Arc<Verifier>,
    pub db: DbPool,
    /// Dev mode: a token's `phone_number` stands for Clerk's verified number.
    pub dev_phone: bool,
}

/// The bearer token of a request, if its Authorization header is well formed.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

impl Authenticator {
    /// Verifies a token and finds (or creates, on first sight) the local user.
    pub async fn authenticate(&self, token: &str) -> Result<AuthUser, ApiError> {
        let claims = self.verifier.verify(token).await.map_err(|e| {
            tracing::debug!(reason = %e, "token refused");
            ApiError::Unauthenticated
        })?;
        let mut conn = self.db.get().await?;
        let fallback_name = claims.name.clone().unwrap_or_else(|| claims.sub.clone());
        let user = users::signed_in(&mut conn, &claims.sub, claims.email.as_deref(), &fallback_name).await?;
        if user.deleted {
            return Err(ApiError::Unauthenticated);
        }
        if let (true, Some(phone)) = (self.dev_phone, claims.phone_number.as_deref()) {
            users::set_verified_phone(&mut conn, user.id, phone).await?;
        }
        Ok(AuthUser {
            id: user.id,
            user,
            claims,
        })
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let auth = req
                .app_data::<web::Data<Authenticator>>()
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("authenticator missing")))?;
            let token = bearer(&req).ok_or(ApiError::Unauthenticated)?;
            auth.authenticate(token).await
        })
    }
}
