//! Booking pages: a host's booking types (their own: 404 for anyone else's), their
//! schedule, and the slots anyone may see.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::repo::{self, BookingType, Schedule};
use super::slots::{self, Shape};
use super::validate::{self, BookingTypeChanges};
use super::views::{AvailabilityView, BookingTypePage, BookingTypeView, SlotPage, SlotView};
use crate::features::users::service as users;
use crate::platform::error::ApiError;
use crate::platform::pagination::Page;

/// Most days of slots one request asks for.
pub const MAX_RANGE_DAYS: i64 = 62;

fn slug_taken() -> ApiError {
    ApiError::Conflict("you have a booking type with this slug".into())
}

impl BookingTypeChanges {
    fn apply(self, t: &mut BookingType) {
        if let Some(v) = self.title {
            t.title = v;
        }
        if let Some(v) = self.slug {
            t.slug = v;
        }
        if let Some(v) = self.description {
            t.description = v.filter(|d| !d.is_empty());
        }
        if let Some(v) = self.length_minutes {
            t.length_minutes = v;
        }
        if let Some(v) = self.price {
            (t.price_amount, t.price_currency) = v.unzip();
        }
        let set = |to: &mut i32, v: Option<i32>| {
            if let Some(v) = v {
                *to = v;
            }
        };
        set(&mut t.buffer_before_minutes, self.buffer_before_minutes);
        set(&mut t.buffer_after_minutes, self.buffer_after_minutes);
        set(&mut t.minimum_notice_minutes, self.minimum_notice_minutes);
        set(&mut t.window_days, self.window_days);
        set(&mut t.slot_interval_minutes, self.slot_interval_minutes);
        if let Some(v) = self.max_per_day {
            t.max_per_day = v;
        }
        if let Some(v) = self.requires_confirmation {
            t.requires_confirmation = v;
        }
        if let Some(v) = self.refund_until_hours {
            t.refund_until_hours = v;
        }
    }
}

/// A new booking type of the host's (409 when they have one with its slug). Defaults: free,
/// no buffers or notice, 60 days ahead, slots every `length` minutes.
pub async fn create(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    title: String,
    slug: String,
    length_minutes: i32,
    rest: BookingTypeChanges,
) -> Result<BookingTypeView, ApiError> {
    let rest = rest.checked()?;
    let length_minutes = validate::within("length_minutes", length_minutes, 5, 720)?;
    let now = Utc::now();
    let mut t = BookingType {
        id: Uuid::now_v7(),
        host_id: host,
        title,
        slug,
        description: None,
        length_minutes,
        price_amount: None,
        price_currency: None,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        minimum_notice_minutes: 0,
        window_days: 60,
        slot_interval_minutes: length_minutes,
        max_per_day: None,
        requires_confirmation: false,
        refund_until_hours: None,
        created_at: now,
        updated_at: now,
    };
    rest.apply(&mut t);
    if !repo::insert(conn, &t).await? {
        return Err(slug_taken());
    }
    Ok(t.into())
}

/// One of the caller's booking types (404 for anyone else's, like a missing one).
pub async fn own(conn: &mut AsyncPgConnection, host: Uuid, id: Uuid) -> Result<BookingTypeView, ApiError> {
    Ok(owned(conn, host, id).await?.into())
}

async fn owned(conn: &mut AsyncPgConnection, host: Uuid, id: Uuid) -> Result<BookingType, ApiError> {
    match repo::by_id(conn, id).await? {
        Some(t) if t.host_id == host => Ok(t),
        _ => Err(ApiError::NotFound("booking type")),
    }
}

/// Changes one of the caller's booking types (404 for anyone else's; 409 for a slug they
/// have).
pub async fn update(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    id: Uuid,
    changes: BookingTypeChanges,
) -> Result<BookingTypeView, ApiError> {
    let changes = changes.checked()?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let mut t = owned(conn, host, id).await?;
        changes.apply(&mut t);
        t.updated_at = Utc::now();
        if !repo::save(conn, &t).await? {
            return Err(slug_taken());
        }
        Ok(t.into())
    })
    .await
}

pub async fn delete(conn: &mut AsyncPgConnection, host: Uuid, id: Uuid) -> Result<(), ApiError> {
    owned(conn, host, id).await?;
    repo::delete(conn, id).await?;
    Ok(())
}

pub async fn list(conn: &mut AsyncPgConnection, host: Uuid, page: Page) -> Result<BookingTypePage, ApiError> {
    let found = repo::of_host(conn, host, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |t| t.id);
    Ok(BookingTypePage {
        items: found.into_iter().map(BookingTypeView::from).collect(),
        next_cursor,
    })
}

/// The caller's schedule (an empty one in UTC before they set it).
pub async fn schedule(conn: &mut AsyncPgConnection, host: Uuid) -> Result<AvailabilityView, ApiError> {
    Ok(match repo::schedule(conn, host).await? {
        Some(s) => AvailabilityView {
            time_zone: s.time_zone,
            weekly: serde_json::from_value(s.weekly).map_err(anyhow::Error::from)?,
            overrides: serde_json::from_value(s.overrides).map_err(anyhow::Error::from)?,
        },
        None => AvailabilityView {
            time_zone: "UTC".into(),
            weekly: vec![],
            overrides: vec![],
        },
    })
}

pub async fn set_schedule(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    a: AvailabilityView,
) -> Result<AvailabilityView, ApiError> {
    validate::availability(&a)?;
    repo::save_schedule(
        conn,
        &Schedule {
            host_id: host,
            time_zone: a.time_zone.clone(),
            weekly: serde_json::to_value(&a.weekly).expect("rules serialise"),
            overrides: serde_json::to_value(&a.overrides).expect("overrides serialise"),
            updated_at: Utc::now(),
        },
    )
    .await?;
    Ok(a)
}

/// A host's bookable slots of one type in `[from, to)` (at most MAX_RANGE_DAYS), for
/// anyone: 404 for no such host or type.
pub async fn slots(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    slug: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<SlotPage, ApiError> {
    if to <= from || to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(ApiError::invalid(format!(
            "to must be after from, at most {MAX_RANGE_DAYS} days later"
        )));
    }
    users::live(conn, host)
        .await
        .map_err(|_| ApiError::NotFound("booking type"))?;
    let t = repo::by_slug(conn, host, slug)
        .await?
        .ok_or(ApiError::NotFound("booking type"))?;
    let schedule = schedule(conn, host).await?;
    let availability = validate::availability(&schedule)?;
    let shape = Shape {
        length: i64::from(t.length_minutes),
        interval: i64::from(t.slot_interval_minutes),
        buffer_before: i64::from(t.buffer_before_minutes),
        buffer_after: i64::from(t.buffer_after_minutes),
        minimum_notice: i64::from(t.minimum_notice_minutes),
        window_days: i64::from(t.window_days),
        max_per_day: t.max_per_day.map(i64::from),
    };
    // No bookings yet (the next step of the bookings issue): nothing busy, nothing booked.
    let found = slots::slots(&availability, &shape, from, to, Utc::now(), &[], &BTreeMap::new());
    Ok(SlotPage {
        items: found
            .into_iter()
            .map(|s| SlotView {
                start: s.start,
                end: s.end,
            })
            .collect(),
    })
}
