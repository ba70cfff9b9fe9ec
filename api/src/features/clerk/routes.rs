use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::service;
use std::sync::Arc;

use crate::auth::signatures;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::jobs::Jobs;

/// The webhook's secret (None: not configured) and the queue its deliveries go to.
#[derive(Clone)]
pub struct Intake {
    pub secret: Option<Arc<Vec<u8>>>,
    pub jobs: Jobs,
}

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
/// `session.revoked`). A missing, stale or wrong signature is 401. Answers 503 while no
/// `CLERK_WEBHOOK_SECRET` is configured.
#[utoipa::path(tag = "webhooks", request_body(content = Object, description = "A Clerk event"),
    params(("svix-id" = Option<String>, Header, description = "Required; without it the delivery is refused (401)"),
        ("svix-timestamp" = Option<String>, Header, description = "Required; Unix seconds, within 5 minutes"),
        ("svix-signature" = Option<String>, Header, description = "Required; space-separated `v1,<base64>` entries")),
    responses((status = 200, body = WebhookAccepted)))]
#[post("/webhooks/clerk")]
pub async fn clerk_webhook(
    req: HttpRequest,
    body: web::Bytes,
    intake: web::Data<Intake>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let secret = intake
        .secret
        .as_ref()
        .ok_or_else(|| ApiError::Unavailable("webhooks are not configured (CLERK_WEBHOOK_SECRET)".into()))?;
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    // A missing signature is an authentication failure, exactly like a wrong one.
    let (Some(id), Some(timestamp), Some(signature)) =
        (header("svix-id"), header("svix-timestamp"), header("svix-signature"))
    else {
        tracing::info!("webhook without svix headers refused");
        return Err(ApiError::Unauthenticated);
    };
    signatures::verify_svix(secret, id, timestamp, signature, &body, chrono::Utc::now().timestamp()).map_err(|e| {
        tracing::info!(reason = %e, "webhook signature refused");
        ApiError::Unauthenticated
    })?;
    let payload: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(format!("invalid JSON body: {e}")))?;
    if !payload["type"].is_string() {
        return Err(ApiError::invalid("event has no type"));
    }
    let id = id.to_owned();
    let stored = store
        .run(async |conn| service::receive(conn, &id, &payload).await)
        .await?;
    if stored {
        intake.jobs.wake();
    }
    Ok(HttpResponse::Ok().json(WebhookAccepted { stored }))
}
