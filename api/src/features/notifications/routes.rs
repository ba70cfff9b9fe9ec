use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::push::{EndpointRule, Vapid};
use super::service::ReadScope;
use super::settings::{ClockTime, PushEndpoint};
use super::views::{
    LevelChoice, NotificationPage, PushSubscriptionView, ReadResult, RoomLevelView, SettingsView, UnreadCount, VapidKey,
};
use super::{service, settings};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::pagination::{self, Cursor, Page};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(unread_count)
        .service(mark_notifications_read)
        .service(get_room_level)
        .service(set_room_level)
        .service(get_settings)
        .service(set_settings)
        .service(vapid_public_key)
        .service(subscribe_push)
        .service(unsubscribe_push);
}

#[derive(Deserialize, IntoParams)]
pub struct NotificationQuery {
    /// Only unread notifications.
    pub unread: Option<bool>,
    /// Notifications with a feed seq above this, oldest first (default: newest first).
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub after: Option<i64>,
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Everything up to a feed seq, or these notifications.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ReadNotificationsRequest {
    UpTo(ReadUpTo),
    Ids(ReadIds),
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadUpTo {
    #[schema(minimum = 0, maximum = 9007199254740991_i64)]
    #[serde(deserialize_with = "crate::platform::validate::integer")]
    pub up_to_seq: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadIds {
    /// 1 to 100 of the caller's notifications (others' ids are ignored like unknown ones).
    #[schema(min_items = 1, max_items = 100)]
    pub ids: Vec<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomLevelRequest {
    pub level: LevelChoice,
    /// No notification from the room before this time (null or absent: not muted).
    #[serde(default)]
    pub muted_until: Option<DateTime<Utc>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsRequest {
    #[schema(schema_with = settings::time_zone_schema)]
    pub time_zone: String,
    /// Do-not-disturb hours (null = off).
    #[serde(default, deserialize_with = "crate::platform::json::opt_object")]
    pub dnd: Option<DndHours>,
}

/// Daily do-not-disturb hours in the user's time zone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DndHours {
    pub start: ClockTime,
    /// Exclusive; earlier than the start to span midnight (equal to it: never).
    pub end: ClockTime,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushKeys {
    /// The browser's P-256 public key: 65 bytes (uncompressed point), base64url unpadded.
    #[schema(pattern = "^B[A-Za-z0-9_-]{86}$")]
    pub p256dh: String,
    /// The 16-byte auth secret, base64url unpadded.
    #[schema(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub auth: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushSubscriptionRequest {
    pub endpoint: PushEndpoint,
    #[serde(deserialize_with = "crate::platform::json::object")]
    pub keys: PushKeys,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushUnsubscribeRequest {
    pub endpoint: PushEndpoint,
}

/// The caller's notifications: newest first, or oldest first after a feed seq.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), params(NotificationQuery),
    responses((status = 200, body = NotificationPage)))]
#[get("/notifications")]
pub async fn list_notifications(
    user: AuthUser,
    query: web::Query<NotificationQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = Page::parse(query.limit, query.cursor.as_ref())?;
    let after = query.after.map(|a| pagination::seq("after", a)).transpose()?;
    let unread = query.unread.unwrap_or(false);
    let (items, next_cursor) = store
        .run(async |conn| service::list(conn, user.id, unread, after, page).await)
        .await?;
    Ok(HttpResponse::Ok().json(NotificationPage { items, next_cursor }))
}

/// How many of the caller's notifications are unread.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = UnreadCount)))]
#[get("/notifications/unread-count")]
pub async fn unread_count(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let unread_count = store
        .run(async |conn| service::unread_count(conn, user.id).await)
        .await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread_count }))
}

/// Mark notifications read, up to a feed seq or by id (ids of others' notifications are
/// ignored, exactly like unknown ones).
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = ReadNotificationsRequest,
    responses((status = 200, body = ReadResult)))]
#[post("/notifications/read")]
pub async fn mark_notifications_read(
    user: AuthUser,
    body: Json<ReadNotificationsRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (read, unread) = match body.into_inner() {
        ReadNotificationsRequest::UpTo(ReadUpTo { up_to_seq }) => {
            let seq = pagination::seq("up_to_seq", up_to_seq)?;
            store
                .write(async |conn| service::mark_read(conn, user.id, ReadScope::UpToSeq(seq)).await)
                .await?
        }
        ReadNotificationsRequest::Ids(ReadIds { ids }) if (1..=100).contains(&ids.len()) => {
            store
                .write(async |conn| service::mark_read(conn, user.id, ReadScope::Ids(&ids)).await)
                .await?
        }
        ReadNotificationsRequest::Ids(_) => return Err(ApiError::invalid("ids must hold 1 to 100 notification ids")),
    };
    Ok(HttpResponse::Ok().json(ReadResult {
        read,
        unread_count: unread,
    }))
}

/// The caller's notification level and mute for a room they belong to.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = RoomLevelView)))]
#[get("/rooms/{room_id}/notification-level")]
pub async fn get_room_level(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    let view = store
        .run(async |conn| service::room_level(conn, user.id, room_id).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Set the caller's level for a room (`default`, `all`, `mentions`, `none`) and mute it
/// until a time.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = RoomLevelRequest,
    responses((status = 200, body = RoomLevelView)))]
#[put("/rooms/{room_id}/notification-level")]
pub async fn set_room_level(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<RoomLevelRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (room_id, b) = (room_id.into_inner(), body.into_inner());
    let view = store
        .run(async |conn| service::set_room_level(conn, user.id, room_id, b.level, b.muted_until).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The caller's time zone and do-not-disturb hours.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = SettingsView)))]
#[get("/me/notification-settings")]
pub async fn get_settings(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let view = store.run(async |conn| service::settings(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Set the caller's time zone and do-not-disturb hours (no push then; the feed still fills).
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = SettingsRequest,
    responses((status = 200, body = SettingsView)))]
#[put("/me/notification-settings")]
pub async fn set_settings(
    user: AuthUser,
    body: Json<SettingsRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let tz = settings::time_zone(&b.time_zone)?;
    let dnd = match b.dnd {
        None => None,
        Some(h) => Some((
            settings::minutes("dnd.start", h.start.as_str())?,
            settings::minutes("dnd.end", h.end.as_str())?,
        )),
    };
    let view = store
        .run(async |conn| service::set_settings(conn, user.id, tz.name(), dnd).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The VAPID public key browsers subscribe with.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = VapidKey)))]
#[get("/push/vapid-public-key")]
pub async fn vapid_public_key(_user: AuthUser, vapid: web::Data<Vapid>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(VapidKey {
        public_key: vapid.public_key.clone(),
    }))
}

/// Register a browser's push subscription for the caller (an endpoint registered before
/// moves to the caller). The endpoint must be an https URL of a named public host (422
/// otherwise; loopback over http is accepted in dev mode only).
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = PushSubscriptionRequest,
    responses((status = 201, body = PushSubscriptionView)))]
#[post("/push/subscriptions")]
pub async fn subscribe_push(
    user: AuthUser,
    body: Json<PushSubscriptionRequest>,
    store: web::Data<Database>,
    rule: web::Data<EndpointRule>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let endpoint = b.endpoint.into_inner();
    rule.check(&endpoint).map_err(ApiError::invalid)?;
    settings::push_keys(&b.keys.p256dh, &b.keys.auth)?;
    let id = store
        .run(async |conn| service::subscribe_push(conn, user.id, &endpoint, &b.keys.p256dh, &b.keys.auth).await)
        .await?;
    Ok(HttpResponse::Created().json(PushSubscriptionView { id }))
}

/// Remove the caller's push subscription with this endpoint.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = PushUnsubscribeRequest,
    responses((status = 204, description = "Removed")))]
#[delete("/push/subscriptions")]
pub async fn unsubscribe_push(
    user: AuthUser,
    body: Json<PushUnsubscribeRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let endpoint = body.into_inner().endpoint.into_inner();
    store
        .run(async |conn| service::unsubscribe_push(conn, user.id, &endpoint).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
