//! Booking pages: a host's booking types (their own: 404 for anyone else's), their
//! schedule, and the slots anyone may see.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::repo::{self, BookingType, Schedule};
use super::slots::{self, Shape, Span};
use super::validate::{self, BookingTypeChanges};
use super::views::{AvailabilityView, BookingTypePage, BookingTypeView, PublicBookingTypeView, SlotPage, SlotView};
use crate::features::links::service::{self as links, Links};
use crate::features::links::views::LinkView;
use crate::features::users::service as users;
use crate::platform::error::{ApiError, ErrorCode};
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

/// A short link to one of the caller's booking pages (`{app_url}/book/{host}/{slug}`): made
/// once, the same link answered after (`(link, made_now)`); tagged `booking`.
pub async fn share_link(
    conn: &mut AsyncPgConnection,
    links: &Links,
    app_url: &str,
    host: Uuid,
    id: Uuid,
) -> Result<(LinkView, bool), ApiError> {
    let t = owned(conn, host, id).await?;
    let page = url::Url::parse(&format!("{app_url}/book/{host}/{}", t.slug))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("the booking page's address (APP_URL): {e}")))?;
    let request = links::Request {
        long_url: page,
        title: Some(t.title.clone()),
        tags: vec!["booking".into()],
        custom_code: None,
        expires_at: None,
    };
    links::create(conn, links, host, request).await
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

/// Deletes one of the caller's booking types; 409 `booking_type_in_use` while it has
/// bookings still to come (past ones keep their title and times).
pub async fn delete(conn: &mut AsyncPgConnection, host: Uuid, id: Uuid) -> Result<(), ApiError> {
    owned(conn, host, id).await?;
    if repo::upcoming_of_type(conn, id).await? {
        return Err(ApiError::refused(
            ErrorCode::BookingTypeInUse,
            "this booking type has bookings to come: cancel them first",
        ));
    }
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

/// A host's booking type by its slug, for anyone (the booking page): 404 for no such host
/// or type.
pub async fn public_type(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    slug: &str,
) -> Result<PublicBookingTypeView, ApiError> {
    users::live(conn, host)
        .await
        .map_err(|_| ApiError::NotFound("booking type"))?;
    let t = repo::by_slug(conn, host, slug)
        .await?
        .ok_or(ApiError::NotFound("booking type"))?;
    Ok(PublicBookingTypeView {
        booking_type: t.into(),
        host: users::profile(conn, host).await?,
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

fn shape(t: &BookingType) -> Shape {
    Shape {
        length: i64::from(t.length_minutes),
        interval: i64::from(t.slot_interval_minutes),
        buffer_before: i64::from(t.buffer_before_minutes),
        buffer_after: i64::from(t.buffer_after_minutes),
        minimum_notice: i64::from(t.minimum_notice_minutes),
        window_days: i64::from(t.window_days),
        max_per_day: t.max_per_day.map(i64::from),
    }
}

/// The type's slots in `[from, to)` at `now`: the host's schedule minus their live
/// bookings (each as the range it blocks, buffers included), holds that ran out not
/// counted, and days already full; `except` (a booking being moved) is not in the way.
async fn open_slots(
    conn: &mut AsyncPgConnection,
    t: &BookingType,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(Vec<Span>, Vec<Span>), ApiError> {
    let schedule = schedule(conn, t.host_id).await?;
    let availability = validate::availability(&schedule)?;
    // A day's limit counts the whole host-local day around the range.
    let margin = Duration::days(2);
    let rows = repo::busy(conn, t.host_id, from - margin, to + margin, except).await?;
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.booking_type_id == Some(t.id)) {
        *per_day
            .entry(r.start_at.with_timezone(&availability.time_zone).date_naive())
            .or_default() += 1;
    }
    let busy: Vec<Span> = rows
        .iter()
        .map(|r| Span {
            start: r.blocked_from,
            end: r.blocked_to,
        })
        .collect();
    let found = slots::slots(&availability, &shape(t), from, to, now, &busy, &per_day);
    Ok((found, busy))
}

/// Whether a slot can be booked now.
pub enum Offer {
    Open,
    /// A live booking is in the way.
    Busy,
    /// The schedule does not offer it (hours, notice, window, a full day).
    NotOffered,
}

/// Whether `start` is one of the type's slots now (`except`: a booking being moved).
pub async fn offer(
    conn: &mut AsyncPgConnection,
    t: &BookingType,
    start: DateTime<Utc>,
    except: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Offer, ApiError> {
    let (found, busy) = open_slots(conn, t, start, start + Duration::minutes(1), except, now).await?;
    if found.iter().any(|s| s.start == start) {
        return Ok(Offer::Open);
    }
    let end = start + Duration::minutes(i64::from(t.length_minutes));
    let wide = (
        start - Duration::minutes(i64::from(t.buffer_before_minutes)),
        end + Duration::minutes(i64::from(t.buffer_after_minutes)),
    );
    // Not offered: a live booking in the way says taken (another client was quicker).
    let blocked = busy.iter().any(|b| b.start < wide.1 && wide.0 < b.end);
    Ok(if blocked { Offer::Busy } else { Offer::NotOffered })
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
    let (found, _) = open_slots(conn, &t, from, to, None, Utc::now()).await?;
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
