use actix_web::http::header::{self, ContentType};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::service;
use super::sms;
use super::views::{ChannelKind, ChannelPrefsView, ChannelsByKind, EmailView, PhoneView, QuietHours};
use super::Channels;
use crate::features::notifications::settings::{minutes, time_zone};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::json::Json;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_channels)
        .service(set_channels)
        .service(unsubscribe_page)
        .service(unsubscribe)
        .service(twilio_webhook);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelPrefsRequest {
    pub channels: ChannelsByKind,
    /// Read-only (from Clerk): accepted as GET gave it, and ignored.
    #[serde(default)]
    pub phone: Option<PhoneView>,
    /// Read-only (from Clerk): accepted as GET gave it, and ignored.
    #[serde(default)]
    pub email: Option<EmailView>,
    /// Daily hours with no texts or pushes (null or absent: none).
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
}

/// Which channels carry each kind of notice (e-mail, SMS, Web Push), the verified phone
/// number texts go to, and quiet hours.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = ChannelPrefsView)))]
#[get("/me/notification-channels")]
pub async fn get_channels(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let view = store.run(async |conn| service::prefs(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Set which channels carry each kind, and quiet hours (the do-not-disturb hours: no texts
/// or pushes then). Takes back exactly what GET gives; a digest goes by e-mail only.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = ChannelPrefsRequest,
    responses((status = 200, body = ChannelPrefsView)))]
#[put("/me/notification-channels")]
pub async fn set_channels(
    user: AuthUser,
    body: Json<ChannelPrefsRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    // Read-only, ignored; still held to what the document says of them.
    if b.phone.as_ref().is_some_and(|p| p.number.chars().count() > 16) {
        return Err(ApiError::invalid(
            "phone.number is at most 16 characters (it is read-only)",
        ));
    }
    if b.email.as_ref().is_some_and(|e| e.address.chars().count() > 320) {
        return Err(ApiError::invalid(
            "email.address is at most 320 characters (it is read-only)",
        ));
    }
    let quiet = match b.quiet_hours {
        None => None,
        Some(q) => Some((
            time_zone(&q.time_zone)?.name().to_owned(),
            minutes("quiet_hours.start", q.start.as_str())?,
            minutes("quiet_hours.end", q.end.as_str())?,
        )),
    };
    let view = store
        .run(async |conn| service::set_prefs(conn, user.id, b.channels, quiet).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

fn what(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::BookingConfirmed => "booking confirmations",
        ChannelKind::BookingChanged => "booking changes",
        ChannelKind::BookingReminder => "booking reminders",
        ChannelKind::Digest => "digests of unread messages",
        ChannelKind::LectureReminder => "lecture reminders",
    }
}

fn page(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
             <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem\">\
             <main><h1>{title}</h1>{body}</main></body></html>"
        ))
}

/// The page an e-mail's unsubscribe link opens: it asks before turning anything off (mail
/// scanners open links; only the POST unsubscribes).
#[utoipa::path(tag = "notifications",
    params(("token" = String, Path, description = "From the e-mail's link", max_length = 200)),
    responses((status = 200, description = "A page with the button that unsubscribes", content_type = "text/html", body = String)))]
#[get("/unsubscribe/{token}")]
pub async fn unsubscribe_page(path: web::Path<String>, channels: web::Data<Channels>) -> ApiResult<HttpResponse> {
    let (_, kind) = service::unsubscribe_target(&channels.unsubscribe_key, &path)?;
    Ok(page(
        "Unsubscribe",
        &format!(
            "<p>Stop e-mails about {}?</p><form method=\"post\">\
             <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <button type=\"submit\">Unsubscribe</button></form>\
             <p><a href=\"{}/settings/channels\">All notification settings</a></p>",
            what(kind),
            channels.app_url
        ),
    ))
}

/// One-click unsubscribe (RFC 8058): mail apps POST `List-Unsubscribe=One-Click` here with
/// no sign-in; the token names the person and the kind. Idempotent; never a redirect.
#[utoipa::path(tag = "notifications",
    params(("token" = String, Path, description = "From the e-mail's `List-Unsubscribe` header", max_length = 200)),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`List-Unsubscribe=One-Click` (ignored: the token says it all)"),
    responses((status = 200, description = "Unsubscribed", content_type = "text/html", body = String)))]
#[post("/unsubscribe/{token}")]
pub async fn unsubscribe(
    path: web::Path<String>,
    store: web::Data<Database>,
    channels: web::Data<Channels>,
) -> ApiResult<HttpResponse> {
    let key = channels.unsubscribe_key;
    let kind = store
        .run(async |conn| service::unsubscribe(conn, &key, &path).await)
        .await?;
    Ok(page(
        "Unsubscribed",
        &format!(
            "<p>You will get no more e-mails about {}.</p>\
             <p><a href=\"{}/settings/channels\">All notification settings</a></p>",
            what(kind),
            channels.app_url
        ),
    ))
}

/// Twilio's inbound-message webhook: a text to our number. STOP (and Twilio's other
/// opt-out words) turns texts to that number off, START back on. Verified with
/// `X-Twilio-Signature` over `PUBLIC_URL` + this path (401 otherwise); answered with empty
/// TwiML.
#[utoipa::path(tag = "webhooks",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "Twilio's message parameters (`From`, `To`, `Body`, …)"),
    params(("X-Twilio-Signature" = Option<String>, Header, description = "Required: Twilio's signature")),
    responses((status = 200, description = "Empty TwiML", content_type = "text/xml", body = String)))]
#[post("/webhooks/twilio")]
pub async fn twilio_webhook(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Database>,
    channels: web::Data<Channels>,
) -> ApiResult<HttpResponse> {
    let Some(twilio) = &channels.twilio else {
        return Err(ApiError::NotFound("webhook"));
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let given = req
        .headers()
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let url = format!("{}/v1/webhooks/twilio", channels.public_url);
    if !sms::verify(twilio.auth_token(), &url, &params, given) {
        return Err(ApiError::Unauthenticated);
    }
    let field = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (from, text) = (field("From"), field("Body"));
    if !from.is_empty() {
        let keyword = store
            .run(async |conn| service::inbound_sms(conn, &from, &text).await)
            .await?;
        tracing::info!(?keyword, "a text to our number");
    }
    Ok(HttpResponse::Ok()
        .content_type("text/xml")
        .body("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"))
}
