use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use uuid::Uuid;

use crate::db::users::{self, NewUser, User};
use crate::error::ApiError;
use crate::state::AppState;

use super::Claims;

/// The signed-in caller. Taking it as a handler parameter is what makes a route private.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub user: User,
    pub claims: Claims,
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

/// Verifies a token and finds (or creates, on first sight) the local user.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let claims = state.verifier.verify(token).await.map_err(|e| {
        tracing::debug!(reason = %e, "token refused");
        ApiError::Unauthenticated
    })?;
    let mut conn = state.db.get().await?;
    let fallback_name = claims.name.clone().unwrap_or_else(|| claims.sub.clone());
    let user = users::get_or_create(
        &mut conn,
        NewUser {
            id: Uuid::now_v7(),
            clerk_id: &claims.sub,
            email: claims.email.as_deref(),
            first_name: None,
            last_name: None,
            display_name: &fallback_name,
            image_url: None,
        },
    )
    .await?;
    if user.deleted {
        return Err(ApiError::Unauthenticated);
    }
    Ok(AuthUser {
        id: user.id,
        user,
        claims,
    })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("app state missing")))?;
            let token = bearer(&req).ok_or(ApiError::Unauthenticated)?;
            authenticate(state, token).await
        })
    }
}
