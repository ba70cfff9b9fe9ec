use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::context::Realtime;
use super::outbox::{Outbox, OutboxBody};
use super::session;
use super::tickets::{Identity, TICKET_TTL};
use crate::features::users::signed_in::bearer;
use crate::features::users::signed_in::{AuthUser, Authenticator};
use crate::platform::error::{ApiError, ApiResult};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_ticket).service(open_socket);
}

#[derive(Serialize, ToSchema)]
pub struct TicketResponse {
    /// Pass as `?ticket=` to `GET /v1/ws` within 30 seconds; it works once, on any instance.
    pub ticket: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Deserialize, IntoParams)]
pub struct SocketQuery {
    /// A ticket from `POST /v1/ws/tickets` (for browsers, which cannot send headers).
    pub ticket: Option<String>,
}

fn identity(user: &AuthUser) -> Identity {
    Identity {
        user_id: user.id,
        sub: user.claims.sub.clone(),
        session_id: user.claims.sid.clone(),
        exp: user.claims.exp,
    }
}

/// Trade the bearer token for a single-use WebSocket ticket.
#[utoipa::path(tag = "realtime", security(("bearer" = [])),
    responses((status = 201, body = TicketResponse)))]
#[post("/ws/tickets")]
pub async fn create_ticket(user: AuthUser, state: web::Data<Realtime>) -> ApiResult<HttpResponse> {
    let ticket = state.tickets.issue(&identity(&user)).await.map_err(|e| {
        tracing::warn!(error = %e, "issuing a ticket");
        ApiError::Unavailable("tickets are unavailable, retry shortly".into())
    })?;
    let expires_at = chrono::Utc::now() + TICKET_TTL;
    Ok(HttpResponse::Created().json(TicketResponse { ticket, expires_at }))
}

/// The real-time socket (WebSocket upgrade). Authenticate with `Authorization: Bearer` or
/// `?ticket=`. A present `Origin` must be one of CORS_ORIGINS. Frames are JSON text of at
/// most 64 KiB; see the README for the protocol.
#[utoipa::path(tag = "realtime", params(SocketQuery),
    responses((status = 101, description = "Switching to the WebSocket protocol")))]
#[get("/ws")]
pub async fn open_socket(
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<SocketQuery>,
    state: web::Data<Realtime>,
    auth: web::Data<Authenticator>,
) -> ApiResult<HttpResponse> {
    // Browsers always send Origin: refusing unknown ones stops cross-site WebSocket hijacking.
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
        if !state.settings.cors_origins.iter().any(|o| o == origin) {
            return Err(ApiError::Forbidden("origin not allowed".into()));
        }
    }
    let identity = if let Some(token) = bearer(&req) {
        identity(&auth.authenticate(token).await?)
    } else if let Some(ticket) = &query.ticket {
        let redeemed = state.tickets.redeem(ticket).await.map_err(|e| {
            tracing::warn!(error = %e, "redeeming a ticket");
            ApiError::Unavailable("tickets are unavailable, retry shortly".into())
        })?;
        redeemed.ok_or(ApiError::Unauthenticated)?
    } else {
        return Err(ApiError::Unauthenticated);
    };
    let (response, _session, stream) =
        actix_ws::handle(&req, payload).map_err(|e| ApiError::invalid(format!("not a WebSocket upgrade: {e}")))?;
    // Oversized frames up to 1 MiB get a `too_large` reply and the socket stays usable;
    // beyond that the protocol layer closes it.
    let stream = stream
        .max_frame_size(1024 * 1024)
        .aggregate_continuations()
        .max_continuation_size(1024 * 1024);
    // Frames go out through the connection's outbox, written by its own response body;
    // actix-ws still reads the client's frames.
    let outbox = Outbox::new(state.settings.ws.queue_capacity);
    let response = response
        .map_body(|_, upgrade| OutboxBody::new(outbox.clone(), upgrade))
        .map_into_boxed_body();
    actix_web::rt::spawn(session::run(state.into_inner(), identity, outbox, stream));
    Ok(response)
}
