use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::validate::{BookingDescription, BookingNote, BookingReason, BookingTitle, BookingTypeChanges, Slug};
use super::views::{AvailabilityView, BookingTypePage, BookingTypeView, SlotPage};
use super::views::{BookingPage, BookingStatus, BookingView, CalendarFeedView, PublicBookingTypeView};
use super::{book, calendar, service, Bookings};
use crate::features::links::views::LinkView;
use crate::features::links::Links;
use crate::features::payments::Payments;
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::idempotency::{self, Answer, IdempotencyHeader, IdempotencyKey};
use crate::platform::json::Json;
use crate::platform::pagination::PageQuery;
use crate::platform::validate::{integer, nullable_integer, opt_integer, Currency};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_booking_type)
        .service(list_booking_types)
        .service(get_booking_type)
        .service(link_booking_type)
        .service(update_booking_type)
        .service(delete_booking_type)
        .service(get_availability)
        .service(put_availability)
        .service(list_slots)
        .service(public_booking_type)
        .service(create_booking)
        .service(list_bookings)
        .service(get_booking)
        .service(cancel_booking)
        .service(reschedule_booking)
        .service(confirm_booking)
        .service(reject_booking)
        .service(booking_calendar)
        .service(create_calendar_feed)
        .service(calendar_feed);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceRequest {
    /// Minor units, 100 to 1000000.
    #[serde(deserialize_with = "integer")]
    #[schema(minimum = 100, maximum = 1000000)]
    pub amount: i64,
    pub currency: Currency,
}

impl PriceRequest {
    fn pair(self) -> (i64, String) {
        (self.amount, self.currency.into_inner())
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBookingTypeRequest {
    pub title: BookingTitle,
    pub slug: Slug,
    pub description: Option<BookingDescription>,
    /// 5 to 720.
    #[serde(deserialize_with = "integer")]
    #[schema(minimum = 5, maximum = 720)]
    pub length_minutes: i32,
    /// Absent or null: free.
    pub price: Option<PriceRequest>,
    /// 0 to 240, default 0.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 240)]
    pub buffer_before_minutes: Option<i32>,
    /// 0 to 240, default 0.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 240)]
    pub buffer_after_minutes: Option<i32>,
    /// 0 to 43200 (30 days), default 0.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 43200)]
    pub minimum_notice_minutes: Option<i32>,
    /// 1 to 365, default 60.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 1, maximum = 365)]
    pub window_days: Option<i32>,
    /// 5 to 720, default the length.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 5, maximum = 720)]
    pub slot_interval_minutes: Option<i32>,
    /// 1 to 100; absent: no limit.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 1, maximum = 100)]
    pub max_per_day: Option<i32>,
    pub requires_confirmation: Option<bool>,
    /// 0 to 720; absent: no refunds on cancellation.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 720)]
    pub refund_until_hours: Option<i32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBookingTypeRequest {
    pub title: Option<BookingTitle>,
    pub slug: Option<Slug>,
    /// Null clears it.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<BookingDescription>, nullable)]
    pub description: Option<Option<BookingDescription>>,
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 5, maximum = 720)]
    pub length_minutes: Option<i32>,
    /// Null: free from now on.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<PriceRequest>, nullable)]
    pub price: Option<Option<PriceRequest>>,
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 240)]
    pub buffer_before_minutes: Option<i32>,
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 240)]
    pub buffer_after_minutes: Option<i32>,
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 43200)]
    pub minimum_notice_minutes: Option<i32>,
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 1, maximum = 365)]
    pub window_days: Option<i32>,
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 5, maximum = 720)]
    pub slot_interval_minutes: Option<i32>,
    /// Null: no limit.
    #[serde(default, deserialize_with = "nullable_integer")]
    #[schema(value_type = Option<i32>, nullable, minimum = 1, maximum = 100)]
    pub max_per_day: Option<Option<i32>>,
    pub requires_confirmation: Option<bool>,
    /// Null: no refunds on cancellation.
    #[serde(default, deserialize_with = "nullable_integer")]
    #[schema(value_type = Option<i32>, nullable, minimum = 0, maximum = 720)]
    pub refund_until_hours: Option<Option<i32>>,
}

/// Offer a kind of meeting on one's booking page.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = CreateBookingTypeRequest,
    responses((status = 201, body = BookingTypeView)))]
#[post("/booking-types")]
pub async fn create_booking_type(
    user: AuthUser,
    body: Json<CreateBookingTypeRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let (title, slug, length) = (b.title.into_inner(), b.slug.into_inner(), b.length_minutes);
    let rest = BookingTypeChanges {
        description: b.description.map(|d| Some(d.into_inner())),
        price: b.price.map(|p| Some(p.pair())),
        buffer_before_minutes: b.buffer_before_minutes,
        buffer_after_minutes: b.buffer_after_minutes,
        minimum_notice_minutes: b.minimum_notice_minutes,
        window_days: b.window_days,
        slot_interval_minutes: b.slot_interval_minutes,
        max_per_day: b.max_per_day.map(Some),
        requires_confirmation: b.requires_confirmation,
        refund_until_hours: b.refund_until_hours.map(Some),
        ..BookingTypeChanges::default()
    };
    let view = store
        .run(async |conn| service::create(conn, user.id, title, slug, length, rest).await)
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// One's booking types, oldest first, a page at a time.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = BookingTypePage)))]
#[get("/booking-types")]
pub async fn list_booking_types(
    user: AuthUser,
    query: web::Query<PageQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = query.page()?;
    let view = store.run(async |conn| service::list(conn, user.id, page).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A short link to one of one's booking pages: made the first time (201), the same one
/// after (200). Tagged `booking`; it shows under `/v1/links` with its clicks.
#[utoipa::path(tag = "bookings", security(("bearer" = [])),
    responses((status = 201, body = LinkView), (status = 200, description = "The page's link already", body = LinkView)))]
#[post("/booking-types/{booking_type_id}/link")]
pub async fn link_booking_type(
    user: AuthUser,
    booking_type_id: web::Path<Uuid>,
    store: web::Data<Database>,
    bookings: web::Data<Bookings>,
    links: web::Data<Links>,
) -> ApiResult<HttpResponse> {
    let id = booking_type_id.into_inner();
    let (view, made) = store
        .run(async |conn| service::share_link(conn, &links, &bookings.app_url, user.id, id).await)
        .await?;
    Ok(if made {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    }
    .json(view))
}

/// One of one's booking types (404 for anyone else's).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), responses((status = 200, body = BookingTypeView)))]
#[get("/booking-types/{booking_type_id}")]
pub async fn get_booking_type(
    user: AuthUser,
    booking_type_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = booking_type_id.into_inner();
    let view = store.run(async |conn| service::own(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change one of one's booking types (404 for anyone else's; 409 for a slug one has).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = UpdateBookingTypeRequest,
    responses((status = 200, body = BookingTypeView)))]
#[patch("/booking-types/{booking_type_id}")]
pub async fn update_booking_type(
    user: AuthUser,
    booking_type_id: web::Path<Uuid>,
    body: Json<UpdateBookingTypeRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (id, b) = (booking_type_id.into_inner(), body.into_inner());
    let changes = BookingTypeChanges {
        title: b.title.map(BookingTitle::into_inner),
        slug: b.slug.map(Slug::into_inner),
        description: b.description.map(|d| d.map(BookingDescription::into_inner)),
        length_minutes: b.length_minutes,
        price: b.price.map(|p| p.map(PriceRequest::pair)),
        buffer_before_minutes: b.buffer_before_minutes,
        buffer_after_minutes: b.buffer_after_minutes,
        minimum_notice_minutes: b.minimum_notice_minutes,
        window_days: b.window_days,
        slot_interval_minutes: b.slot_interval_minutes,
        max_per_day: b.max_per_day,
        requires_confirmation: b.requires_confirmation,
        refund_until_hours: b.refund_until_hours,
    };
    let view = store
        .run(async |conn| service::update(conn, user.id, id, changes).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete one of one's booking types.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), responses((status = 204, description = "Deleted")))]
#[delete("/booking-types/{booking_type_id}")]
pub async fn delete_booking_type(
    user: AuthUser,
    booking_type_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = booking_type_id.into_inner();
    store.run(async |conn| service::delete(conn, user.id, id).await).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One's schedule (empty, in UTC, until set).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), responses((status = 200, body = AvailabilityView)))]
#[get("/availability")]
pub async fn get_availability(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let view = store.run(async |conn| service::schedule(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Set one's schedule: weekly wall-clock rules and date overrides in an IANA time zone
/// (an override with no ranges: unavailable that day). Each range ends after it starts,
/// the same day; a date is given once.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = AvailabilityView,
    responses((status = 200, body = AvailabilityView)))]
#[put("/availability")]
pub async fn put_availability(
    user: AuthUser,
    body: Json<AvailabilityView>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let a = body.into_inner();
    let view = store
        .run(async |conn| service::set_schedule(conn, user.id, a).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A host's booking type by its slug (anyone: the booking page is public).
#[utoipa::path(tag = "bookings", responses((status = 200, body = PublicBookingTypeView)))]
#[get("/hosts/{user_id}/booking-types/{slug}")]
pub async fn public_booking_type(
    path: web::Path<(Uuid, String)>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (host, slug) = path.into_inner();
    let slug = Slug::parse(&slug).map_err(|_| ApiError::NotFound("booking type"))?;
    let view = store
        .run(async |conn| service::public_type(conn, host, slug.as_str()).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, IntoParams)]
pub struct SlotQuery {
    /// The first instant (RFC 3339).
    pub from: DateTime<Utc>,
    /// The end (RFC 3339), at most 62 days after `from`.
    pub to: DateTime<Utc>,
    /// The visitor's time zone: it changes how a client shows the slots, never which
    /// instants are answered.
    #[param(schema_with = crate::platform::time::time_zone_schema)]
    pub tz: Option<String>,
}

/// A host's bookable slots of one booking type (anyone may look: the booking page is
/// public), as UTC instants, earliest first: their schedule in their zone, correct across
/// DST changes, after the type's minimum notice and within its window.
#[utoipa::path(tag = "bookings", params(SlotQuery), responses((status = 200, body = SlotPage)))]
#[get("/hosts/{user_id}/booking-types/{slug}/slots")]
pub async fn list_slots(
    path: web::Path<(Uuid, String)>,
    query: web::Query<SlotQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (host, slug) = path.into_inner();
    let q = query.into_inner();
    if let Some(tz) = &q.tz {
        crate::platform::time::time_zone(tz)?;
    }
    let slug = Slug::parse(&slug).map_err(|_| ApiError::NotFound("booking type"))?;
    let view = store
        .run(async |conn| service::slots(conn, host, slug.as_str(), q.from, q.to).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBookingRequest {
    pub booking_type_id: Uuid,
    /// One of the type's slots (RFC 3339), as `/slots` answers them.
    pub start: DateTime<Utc>,
    /// The client's time zone: how the booking's times are shown to them.
    #[schema(schema_with = crate::platform::time::time_zone_schema)]
    pub tz: String,
    pub note: Option<BookingNote>,
}

/// Book a slot. Free: `confirmed` (or `pending` when the host confirms each booking).
/// Paid: `held` with `checkout_url`, `confirmed` once paid; the hold keeps the slot for
/// BOOKING_HOLD_MINUTES. 409 `slot_taken` when someone else has it, `slot_unavailable`
/// when it is not an offered slot. Send an `Idempotency-Key`: a retry answers the same
/// booking.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = CreateBookingRequest,
    params(IdempotencyHeader), responses((status = 201, body = BookingView)))]
#[post("/bookings")]
pub async fn create_booking(
    req: HttpRequest,
    key: IdempotencyKey,
    user: AuthUser,
    body: Json<CreateBookingRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&store.db, user.id, &req, key, async {
        let b = body.into_inner();
        crate::platform::time::time_zone(&b.tz)?;
        let asked = book::Request {
            booking_type_id: b.booking_type_id,
            start: b.start,
            time_zone: b.tz,
            note: b.note.map(BookingNote::into_inner).filter(|n| !n.is_empty()),
        };
        let email = user.user.email.as_deref();
        let view = book::create(&store, &payments, &bookings.settings, user.id, email, asked).await?;
        Ok(Answer::new(StatusCode::CREATED, view))
    })
    .await
}

/// Which side of one's bookings to list.
#[derive(Deserialize, ToSchema, Clone, Copy, Debug)]
#[serde(rename_all = "lowercase")]
pub enum BookingRole {
    Host,
    Client,
}

#[derive(Deserialize, IntoParams)]
pub struct BookingQuery {
    /// Absent: both sides.
    #[param(inline)]
    pub role: Option<BookingRole>,
    #[param(inline)]
    pub status: Option<BookingStatus>,
    #[param(inline)]
    pub cursor: Option<crate::platform::pagination::Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// One's bookings, as host, as client, or both; newest booking first.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), params(BookingQuery),
    responses((status = 200, body = BookingPage)))]
#[get("/bookings")]
pub async fn list_bookings(
    user: AuthUser,
    query: web::Query<BookingQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let page = crate::platform::pagination::Page::parse(q.limit, q.cursor.as_ref())?;
    let side = match q.role {
        Some(BookingRole::Host) => book::Side::Host,
        Some(BookingRole::Client) => book::Side::Client,
        None => book::Side::Either,
    };
    let view = store
        .run(async |conn| book::list(conn, user.id, side, q.status, page).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One booking (its host and client; 404 for anyone else).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), responses((status = 200, body = BookingView)))]
#[get("/bookings/{booking_id}")]
pub async fn get_booking(
    user: AuthUser,
    booking_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = booking_id.into_inner();
    let view = store.run(async |conn| book::get(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: Option<BookingReason>,
}

impl ReasonRequest {
    fn text(self) -> Option<String> {
        self.reason.map(BookingReason::into_inner).filter(|r| !r.is_empty())
    }
}

/// Cancel a booking (host or client). A paid one's money goes back in full when the host
/// cancels, or when the client does before its refund window closes
/// (`refund_until_hours`); the refund is in the payment's history.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = ReasonRequest,
    responses((status = 200, body = BookingView)))]
#[post("/bookings/{booking_id}/cancel")]
pub async fn cancel_booking(
    user: AuthUser,
    booking_id: web::Path<Uuid>,
    body: Json<ReasonRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    let id = booking_id.into_inner();
    let view = book::cancel(
        &store,
        &payments,
        &bookings.settings,
        user.id,
        id,
        body.into_inner().text(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    /// Another of the type's slots (RFC 3339).
    pub start: DateTime<Utc>,
}

/// Move a pending or confirmed booking to another slot (host or client): the new slot is
/// taken and the old one freed at once; the booking keeps its id.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = RescheduleRequest,
    responses((status = 200, body = BookingView)))]
#[post("/bookings/{booking_id}/reschedule")]
pub async fn reschedule_booking(
    user: AuthUser,
    booking_id: web::Path<Uuid>,
    body: Json<RescheduleRequest>,
    store: web::Data<Database>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    let id = booking_id.into_inner();
    let view = book::reschedule(&store, &bookings.settings, user.id, id, body.into_inner().start).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {}

/// Confirm a booking that waits for the host (host only; the client gets 403).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = ConfirmRequest,
    responses((status = 200, body = BookingView)))]
#[post("/bookings/{booking_id}/confirm")]
pub async fn confirm_booking(
    user: AuthUser,
    booking_id: web::Path<Uuid>,
    _body: Json<ConfirmRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    let id = booking_id.into_inner();
    let view = book::decide(&store, &payments, &bookings.settings, user.id, id, true, None).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Reject a booking that waits for the host (host only); a paid one's money goes back.
#[utoipa::path(tag = "bookings", security(("bearer" = [])), request_body = ReasonRequest,
    responses((status = 200, body = BookingView)))]
#[post("/bookings/{booking_id}/reject")]
pub async fn reject_booking(
    user: AuthUser,
    booking_id: web::Path<Uuid>,
    body: Json<ReasonRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    let id = booking_id.into_inner();
    let reason = body.into_inner().text();
    let view = book::decide(&store, &payments, &bookings.settings, user.id, id, false, reason).await?;
    Ok(HttpResponse::Ok().json(view))
}

fn calendar_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(body)
}

/// A booking as an iCalendar file (RFC 5545) for "add to calendar": its UID stays with
/// the booking, SEQUENCE rises with each change, METHOD:CANCEL once it is off.
#[utoipa::path(tag = "bookings", security(("bearer" = [])),
    responses((status = 200, description = "An iCalendar file", content_type = "text/calendar", body = String)))]
#[get("/bookings/{booking_id}/calendar.ics")]
pub async fn booking_calendar(
    user: AuthUser,
    booking_id: web::Path<Uuid>,
    store: web::Data<Database>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    let id = booking_id.into_inner();
    let at = bookings.addresses();
    let body = store
        .run(async |conn| calendar::booking_ics(conn, user.id, id, &at).await)
        .await?;
    Ok(calendar_response(body))
}

/// Make (or replace) one's calendar feed: a secret URL Google Calendar or Apple Calendar
/// subscribes to. The old URL stops working.
#[utoipa::path(tag = "bookings", security(("bearer" = [])),
    responses((status = 201, body = CalendarFeedView)))]
#[post("/me/calendar-feed")]
pub async fn create_calendar_feed(
    user: AuthUser,
    store: web::Data<Database>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    let at = bookings.addresses();
    let view = store
        .run(async |conn| calendar::new_feed(conn, user.id, &at).await)
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A calendar feed (no sign-in: the secret URL is the key): its owner's bookings from 30
/// days ago on, cancelled ones as CANCELLED events.
#[utoipa::path(tag = "bookings",
    responses((status = 200, description = "An iCalendar feed", content_type = "text/calendar", body = String)))]
#[get("/calendar-feeds/{token}")]
pub async fn calendar_feed(
    token: web::Path<String>,
    store: web::Data<Database>,
    bookings: web::Data<Bookings>,
) -> ApiResult<HttpResponse> {
    let token = token.into_inner();
    if token.len() != 43 {
        return Err(ApiError::NotFound("calendar feed"));
    }
    let at = bookings.addresses();
    let body = store.run(async |conn| calendar::feed(conn, &token, &at).await).await?;
    Ok(calendar_response(body))
}
