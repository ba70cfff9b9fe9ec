//! What clients see of booking pages (and send, for availability: the same shape).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::BookingType;
use crate::platform::time::ClockTime;

/// A price in minor units (the ledger's shape).
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct Price {
    #[schema(example = 2500)]
    pub amount: i64,
    #[schema(example = "usd")]
    pub currency: String,
}

/// A kind of meeting a host offers on their booking page.
#[derive(Serialize, ToSchema, Debug)]
pub struct BookingTypeView {
    pub id: Uuid,
    pub host_id: Uuid,
    pub title: String,
    /// Its page: `/book/{host}/{slug}`.
    pub slug: String,
    pub description: Option<String>,
    pub length_minutes: i32,
    /// Null: free.
    pub price: Option<Price>,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    /// How long before a slot it may still be booked.
    pub minimum_notice_minutes: i32,
    /// How many days ahead slots are offered.
    pub window_days: i32,
    /// The step between slot starts.
    pub slot_interval_minutes: i32,
    pub max_per_day: Option<i32>,
    pub requires_confirmation: bool,
    /// A cancellation gets a full refund until this many hours before the start, none after
    /// (null: no refunds).
    pub refund_until_hours: Option<i32>,
}

impl From<BookingType> for BookingTypeView {
    fn from(t: BookingType) -> Self {
        Self {
            id: t.id,
            host_id: t.host_id,
            title: t.title,
            slug: t.slug,
            description: t.description,
            length_minutes: t.length_minutes,
            price: t
                .price_amount
                .zip(t.price_currency)
                .map(|(amount, currency)| Price { amount, currency }),
            buffer_before_minutes: t.buffer_before_minutes,
            buffer_after_minutes: t.buffer_after_minutes,
            minimum_notice_minutes: t.minimum_notice_minutes,
            window_days: t.window_days,
            slot_interval_minutes: t.slot_interval_minutes,
            max_per_day: t.max_per_day,
            requires_confirmation: t.requires_confirmation,
            refund_until_hours: t.refund_until_hours,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Available every such weekday from `start` to `end` (wall clock, the schedule's zone).
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct WeeklyRule {
    pub day: Day,
    pub start: ClockTime,
    /// After `start`, the same day.
    pub end: ClockTime,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    pub start: ClockTime,
    /// After `start`, the same day.
    pub end: ClockTime,
}

/// One date's availability instead of its weekday's rules; no ranges: unavailable.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct DateOverride {
    pub date: NaiveDate,
    /// At most 12.
    #[schema(max_items = 12)]
    pub ranges: Vec<TimeRange>,
}

/// A host's schedule (like Cal.com's): weekly wall-clock rules and date overrides in an
/// IANA time zone. `PUT /v1/availability` takes what `GET` gives.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityView {
    #[schema(schema_with = crate::platform::time::time_zone_schema)]
    pub time_zone: String,
    /// At most 50.
    #[schema(max_items = 50)]
    pub weekly: Vec<WeeklyRule>,
    /// At most 400.
    #[schema(max_items = 400)]
    pub overrides: Vec<DateOverride>,
}

/// A bookable slot: RFC 3339 UTC instants.
#[derive(Serialize, ToSchema, Debug)]
pub struct SlotView {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct SlotPage {
    /// Earliest first.
    pub items: Vec<SlotView>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct BookingTypePage {
    pub items: Vec<BookingTypeView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

pub use super::repo::BookingStatus;

/// A booking, as its host and its client see it (nobody else does).
#[derive(Serialize, ToSchema, Debug)]
pub struct BookingView {
    pub id: Uuid,
    /// Null once its type was deleted.
    pub booking_type_id: Option<Uuid>,
    /// The type's slug now (its page `/book/{host_id}/{slug}`, and its slots for a
    /// reschedule); null once the type was deleted.
    pub booking_type_slug: Option<String>,
    pub host_id: Uuid,
    pub client_id: Uuid,
    /// The type's title at booking.
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: BookingStatus,
    /// The private room host and client meet in (one per pair).
    pub room_id: Option<Uuid>,
    /// The session scheduled in that room for this booking.
    pub session_id: Option<Uuid>,
    /// Where the client pays, while the booking is held for payment (the client only).
    pub checkout_url: Option<String>,
    /// Until then a held booking keeps its slot unpaid.
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub payment_id: Option<Uuid>,
    /// What it costs (from the type, at booking); null: free.
    pub price: Option<Price>,
    /// The client's time zone at booking (how the times are shown to them).
    #[schema(schema_with = crate::platform::time::time_zone_schema)]
    pub time_zone: String,
    pub note: Option<String>,
    /// A cancellation gets a full refund until this many hours before the start.
    pub refund_until_hours: Option<i32>,
    /// Why it was cancelled or rejected.
    pub cancel_reason: Option<String>,
    /// Rises with every change a calendar must see (RFC 5545 SEQUENCE).
    pub sequence: i32,
    pub created_at: DateTime<Utc>,
}

impl BookingView {
    /// The booking as `viewer` sees it: the Checkout page is the client's.
    pub fn new(b: super::repo::Booking, viewer: Uuid) -> Self {
        let checkout_url = b
            .checkout_url
            .filter(|_| viewer == b.client_id && b.status == BookingStatus::Held);
        Self {
            id: b.id,
            booking_type_id: b.booking_type_id,
            booking_type_slug: None,
            host_id: b.host_id,
            client_id: b.client_id,
            title: b.title,
            start: b.start_at,
            end: b.end_at,
            status: b.status,
            room_id: b.room_id,
            session_id: b.session_id,
            checkout_url,
            hold_expires_at: b.hold_expires_at.filter(|_| b.status == BookingStatus::Held),
            payment_id: b.payment_id,
            price: b
                .price_amount
                .zip(b.price_currency)
                .map(|(amount, currency)| Price { amount, currency }),
            time_zone: b.time_zone,
            note: b.note,
            refund_until_hours: b.refund_until_hours,
            cancel_reason: b.cancel_reason,
            sequence: b.sequence,
            created_at: b.created_at,
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct BookingPage {
    /// Newest booking first.
    pub items: Vec<BookingView>,
    pub next_cursor: Option<String>,
}

/// A booking type as its public page shows it: the type and its host's public profile.
#[derive(Serialize, ToSchema, Debug)]
pub struct PublicBookingTypeView {
    #[serde(flatten)]
    pub booking_type: BookingTypeView,
    pub host: crate::features::users::views::PublicProfile,
}

/// A personal calendar feed: subscribe to `url` in Google Calendar or Apple Calendar.
/// Making a new one ends the old.
#[derive(Serialize, ToSchema, Debug)]
pub struct CalendarFeedView {
    pub url: String,
}
