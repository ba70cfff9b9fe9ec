use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::svix;
use crate::domain::webhooks;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(clerk_webhook);
}

#[derive(Serialize, ToSchema)]
pub struct WebhookAccepted {
    /// False when this `svix-id` had been received before (a replay: not applied again).
    pub stored: bool,
}

/// Clerk's webhooks, delivered by Svix. Verified, stored durably, answered, then applied
/// in the background (`user.created`, `user.updated`, `user.deleted`, `session.ended`,
/// `session.revoked`). Answers 503 while no `CLERK_WEBHOOK_SECRET` is configured.
#[utoipa::path(tag = "webhooks", request_body(content = Object, description = "A Clerk event"),
    params(("svix-id" = String, Header), ("svix-timestamp" = String, Header), ("svix-signature" = String, Header)),
    responses((status = 200, body = WebhookAccepted), (status = "4XX", body = Problem), (status = 503, body = Problem)))]
#[post("/webhooks/clerk")]
pub async fn clerk_webhook(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let secret = state
        .webhook_secret
        .as_ref()
        .ok_or_else(|| ApiError::Unavailable("webhooks are not configured (CLERK_WEBHOOK_SECRET)".into()))?;
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signatures)) =
        (header("svix-id"), header("svix-timestamp"), header("svix-signature"))
    else {
        return Err(ApiError::invalid(svix::SignatureError::MissingHeaders.to_string()));
    };
    svix::verify(secret, id, timestamp, signatures, &body, chrono::Utc::now().timestamp()).map_err(|e| {
        tracing::info!(reason = %e, "webhook signature refused");
        ApiError::Unauthenticated
    })?;
    let payload: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(format!("invalid JSON body: {e}")))?;
    if !payload["type"].is_string() {
        return Err(ApiError::invalid("event has no type"));
    }
    let stored = webhooks::receive(&state, id, &payload).await?;
    Ok(HttpResponse::Ok().json(WebhookAccepted { stored }))
}
