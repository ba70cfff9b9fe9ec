//! Bookings: a client books a host's slot, free or paid; host and client cancel and
//! reschedule it, the host confirms or rejects it. Only the two of them see it (404 for
//! anyone else, as for a missing one).
//!
//! - **No double booking**: PostgreSQL's exclusion constraint on the host's live bookings
//!   (their range widened by buffers) refuses the second of two overlapping ones, whatever
//!   instance either came to (409 `slot_taken`).
//! - **Holds**: a paid booking is `held` until its payment succeeds; a hold that ran out is
//!   released in the transaction of a new booking for its range, and by a sweeper. A
//!   payment that arrives later re-claims the slot, or goes back in full if it was taken
//!   (`deliver`, in the transaction that settles the payment).
//! - Each booking gets the pair's private room and a scheduled session in it, a reminder
//!   job (cancelled with it, and checked again when it runs), and feed entries for both.

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::ics;
use super::repo::{self, Booking, BookingStatus, BookingType};
use super::service::{self as pages, Offer};
use super::views::{BookingPage, BookingView};
use crate::features::channels::mail::Invite;
use crate::features::channels::service::{self as channels, Outgoing};
use crate::features::channels::views::ChannelKind;
use crate::features::notifications::service::{self as notifications, Notice};
use crate::features::notifications::views::Kind;
use crate::features::payments::checkout::{self, Charge};
use crate::features::payments::kinds::PaymentKind;
use crate::features::payments::ledger::{self, Delivery, Settled};
use crate::features::payments::{accounts, Payments};
use crate::features::rooms::dms;
use crate::features::sessions::service as sessions;
use crate::features::users::service as users;
use crate::platform::config::BookingSettings;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::{Committed, Database, FeedEntry, RoomEvent};
use crate::platform::jobs;
use crate::platform::pagination::Page;

pub const REMINDER_JOB: &str = "bookings.reminder";

/// Fills in the views' type slugs (one query).
async fn with_slugs(conn: &mut AsyncPgConnection, mut views: Vec<BookingView>) -> Result<Vec<BookingView>, ApiError> {
    let ids: Vec<Uuid> = views.iter().filter_map(|v| v.booking_type_id).collect();
    if ids.is_empty() {
        return Ok(views);
    }
    let slugs: std::collections::HashMap<Uuid, String> = repo::slugs(conn, &ids).await?.into_iter().collect();
    for v in &mut views {
        v.booking_type_slug = v.booking_type_id.and_then(|t| slugs.get(&t).cloned());
    }
    Ok(views)
}

/// One booking as `viewer` sees it, with its type's slug.
async fn view(store: &Database, b: Booking, viewer: Uuid) -> Result<BookingView, ApiError> {
    let v = BookingView::new(b, viewer);
    store
        .run(async |conn| Ok(with_slugs(conn, vec![v]).await?.remove(0)))
        .await
}

fn taken() -> ApiError {
    ApiError::refused(ErrorCode::SlotTaken, "this slot was just taken: pick another one")
}

fn closed(b: &Booking) -> ApiError {
    ApiError::refused(ErrorCode::BookingClosed, format!("the booking is {}", b.status))
}

/// What a client asks for.
pub struct Request {
    pub booking_type_id: Uuid,
    pub start: DateTime<Utc>,
    pub time_zone: String,
    pub note: Option<String>,
}

/// Books a slot: free → `confirmed` (or `pending` when the host confirms each booking);
/// paid → `held` with a Checkout page. 409 `slot_taken` when the host has a live booking
/// there, 409 `slot_unavailable` when it is not an offered slot, 404 for no such type.
pub async fn create(
    store: &Database,
    payments: &Payments,
    settings: &BookingSettings,
    client: Uuid,
    email: Option<&str>,
    req: Request,
) -> Result<BookingView, ApiError> {
    let now = Utc::now();
    let committed = store
        .run(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                let t = repo::by_id(conn, req.booking_type_id)
                    .await?
                    .ok_or(ApiError::NotFound("booking type"))?;
                if t.host_id == client {
                    return Err(ApiError::invalid("you cannot book your own booking page"));
                }
                if t.price_amount.is_some() {
                    // Before anything is held: a host who cannot be paid is told at once.
                    accounts::selling(conn, t.host_id).await?;
                }
                let released = claimable(conn, &t, req.start, None, now).await?;
                let end = req.start + Duration::minutes(i64::from(t.length_minutes));
                let id = Uuid::now_v7();
                let room = dms::pair_room(conn, t.host_id, client, &t.title).await?;
                let mut events = released;
                events.extend(room.events);
                let session =
                    sessions::schedule(conn, room.value, t.host_id, &t.title, Some(req.start), Some(id)).await?;
                events.extend(session.events);
                let session = session.value;
                let paid = t.price_amount.is_some();
                let status = match (paid, t.requires_confirmation) {
                    (true, _) => BookingStatus::Held,
                    (false, true) => BookingStatus::Pending,
                    (false, false) => BookingStatus::Confirmed,
                };
                let b = Booking {
                    id,
                    booking_type_id: Some(t.id),
                    host_id: t.host_id,
                    client_id: client,
                    title: t.title.clone(),
                    start_at: req.start,
                    end_at: end,
                    buffer_before_minutes: t.buffer_before_minutes,
                    buffer_after_minutes: t.buffer_after_minutes,
                    status,
                    hold_expires_at: paid.then(|| now + settings.hold),
                    time_zone: req.time_zone.clone(),
                    note: req.note.clone(),
                    price_amount: t.price_amount,
                    price_currency: t.price_currency.clone(),
                    refund_until_hours: t.refund_until_hours,
                    requires_confirmation: t.requires_confirmation,
                    room_id: Some(room.value),
                    session_id: Some(session.id),
                    payment_id: None,
                    checkout_url: None,
                    sequence: 0,
                    cancel_reason: None,
                    cancelled_by: None,
                    created_at: now,
                    updated_at: now,
                };
                if !repo::insert_booking(conn, &b).await? {
                    return Err(taken());
                }
                let feed = if paid {
                    Vec::new()
                } else {
                    booked(conn, settings, &b).await?
                };
                Ok(Committed::new(b, events).with_feed(feed))
            })
            .await
        })
        .await?;
    let b = committed.publish(&*store.publish).await;
    payments.jobs.wake();
    if b.status != BookingStatus::Held {
        return view(store, b, client).await;
    }
    // Paid: the Checkout is made with no transaction open; if Stripe refuses, the hold goes.
    let (amount, currency) = (
        b.price_amount.unwrap_or_default(),
        b.price_currency.clone().unwrap_or_default(),
    );
    let charge = Charge {
        kind: PaymentKind::Booking,
        payer: client,
        payee: b.host_id,
        amount,
        currency,
        subject_id: Some(b.id),
        room_id: None,
        note: None,
        product_name: b.title.clone(),
        return_path: format!("/bookings/{}", b.id),
        // Stripe wants at least 30 minutes from the Checkout's creation: a moment after the
        // hold began (a payment in that moment re-claims the slot or goes back).
        expires_at: b
            .hold_expires_at
            .map(|h| h.max(Utc::now() + Duration::minutes(30) + Duration::seconds(30))),
    };
    let started = match checkout::checkout(store, payments, charge, email).await {
        Ok(s) => s,
        Err(e) => {
            let id = b.id;
            let released = store.write(async |conn| release(conn, id).await).await;
            if let Err(r) = released {
                tracing::warn!(booking = %id, error = %r, "a hold whose checkout failed stays until it runs out");
            }
            return Err(e);
        }
    };
    let id = b.id;
    let b = store
        .run(async |conn| {
            let mut b = repo::booking(conn, id).await?.ok_or(ApiError::NotFound("booking"))?;
            if b.payment_id.is_none() {
                b.payment_id = Some(started.payment_id);
            }
            if b.status == BookingStatus::Held {
                b.checkout_url = Some(started.checkout_url.clone());
            }
            repo::save_booking(conn, &b).await?;
            Ok(b)
        })
        .await?;
    view(store, b, client).await
}

/// A held booking whose Checkout could not be made: its slot is free again.
async fn release(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Committed<()>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let mut events = Vec::new();
        if let Some(mut b) = repo::booking_for_update(conn, id).await? {
            if b.status == BookingStatus::Held {
                b.status = BookingStatus::Expired;
                b.updated_at = Utc::now();
                repo::save_booking(conn, &b).await?;
                if let Some(s) = b.session_id {
                    events = sessions::drop_scheduled(conn, s).await?;
                }
            }
        }
        Ok(Committed::new((), events))
    })
    .await
}

/// Releases holds that ran out (in the caller's transaction): the host's in `[from, to)`,
/// or, with no host, any (the sweeper). Their scheduled sessions go, with their
/// `session.deleted` events; how many were released.
async fn release_holds(
    conn: &mut AsyncPgConnection,
    host: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(usize, Vec<RoomEvent>), ApiError> {
    let gone = repo::expire_holds(conn, host, from, to).await?;
    let mut events = Vec::new();
    for session in gone.iter().flatten() {
        events.extend(sessions::drop_scheduled(conn, *session).await?);
    }
    Ok((gone.len(), events))
}

/// Checks `start` is a slot the type offers now (in the caller's transaction): holds that
/// ran out in its range are released first (their events returned); 409 `slot_taken` when
/// a live booking is there, `slot_unavailable` when the schedule does not offer it.
async fn claimable(
    conn: &mut AsyncPgConnection,
    t: &BookingType,
    start: DateTime<Utc>,
    except: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<RoomEvent>, ApiError> {
    if t.max_per_day.is_some() {
        repo::lock_host(conn, t.host_id).await?;
    }
    let end = start + Duration::minutes(i64::from(t.length_minutes));
    let wide = (
        start - Duration::minutes(i64::from(t.buffer_before_minutes)),
        end + Duration::minutes(i64::from(t.buffer_after_minutes)),
    );
    let (_, events) = release_holds(conn, Some(t.host_id), wide.0, wide.1).await?;
    match pages::offer(conn, t, start, except, now).await? {
        Offer::Open => Ok(events),
        Offer::Busy => Err(taken()),
        Offer::NotOffered => Err(ApiError::refused(
            ErrorCode::SlotUnavailable,
            "this is not a slot the booking page offers now",
        )),
    }
}

/// "Mon 14 Mar 2027, 09:00 (Europe/Berlin)".
fn when(at: DateTime<Utc>, zone: &str) -> String {
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => format!("{} ({zone})", at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M")),
        Err(_) => format!("{} (UTC)", at.format("%a %-d %b %Y, %H:%M")),
    }
}

/// The host's zone (their schedule's), for what they are told.
async fn host_zone(conn: &mut AsyncPgConnection, host: Uuid) -> Result<String, ApiError> {
    Ok(pages::schedule(conn, host).await?.time_zone)
}

/// Feed entries for both about a booking, each in their own zone; `actor` did it. Once the
/// booking is past the request stage, both are also e-mailed (and texted, where they take
/// it): whoever did it, so the invite keeps both calendars right.
async fn tell_both(
    conn: &mut AsyncPgConnection,
    settings: &BookingSettings,
    b: &Booking,
    kind: Kind,
    actor: Option<Uuid>,
    what: &str,
) -> Result<Vec<FeedEntry>, ApiError> {
    tell_both_moved(conn, settings, b, kind, actor, what, None).await
}

/// `tell_both` for a booking moved from `previous` (the e-mail says where it was).
async fn tell_both_moved(
    conn: &mut AsyncPgConnection,
    settings: &BookingSettings,
    b: &Booking,
    kind: Kind,
    actor: Option<Uuid>,
    what: &str,
    previous: Option<DateTime<Utc>>,
) -> Result<Vec<FeedEntry>, ApiError> {
    let channel_kind = match kind {
        Kind::BookingConfirmed => ChannelKind::BookingConfirmed,
        Kind::BookingReminder => ChannelKind::BookingReminder,
        _ => ChannelKind::BookingChanged,
    };
    let host_zone = host_zone(conn, b.host_id).await?;
    let mut notices = Vec::new();
    for (user, zone) in [(b.host_id, host_zone.as_str()), (b.client_id, b.time_zone.as_str())] {
        if Some(user) == actor {
            continue;
        }
        notices.push(Notice {
            user_id: user,
            kind,
            subject_id: b.id,
            room_id: b.room_id,
            actor_id: actor,
            text: format!("{what}: {} on {}", b.title, when(b.start_at, zone)),
            push: channels::channels_of(conn, user, channel_kind).await?.push,
        });
    }
    if b.status != BookingStatus::Pending {
        mail_both(conn, settings, b, channel_kind, actor, &host_zone, previous).await?;
    }
    notifications::tell(conn, notices).await
}

/// The e-mail (and text) about a booking to each side, in their own zone, with the invite
/// (REQUEST while it stands, CANCEL once it is off; none with a reminder).
async fn mail_both(
    conn: &mut AsyncPgConnection,
    settings: &BookingSettings,
    b: &Booking,
    kind: ChannelKind,
    actor: Option<Uuid>,
    host_zone: &str,
    previous: Option<DateTime<Utc>>,
) -> Result<(), ApiError> {
    let name = async |conn: &mut AsyncPgConnection, id: Uuid| {
        users::profile(conn, id)
            .await
            .map(|p| p.display_name)
            .unwrap_or_else(|_| "a deleted user".into())
    };
    let (host, client) = (name(conn, b.host_id).await, name(conn, b.client_id).await);
    let by = match actor {
        Some(a) if a == b.host_id => Some(host.clone()),
        Some(a) if a == b.client_id => Some(client.clone()),
        _ => None,
    };
    let mut out = Vec::with_capacity(2);
    for (user, with, zone) in [
        (b.host_id, &client, host_zone),
        (b.client_id, &host, b.time_zone.as_str()),
    ] {
        let event = ics::Event {
            booking: b,
            url: format!("{}/bookings/{}", settings.app_url, b.id),
            with: with.clone(),
        };
        let invite = (kind != ChannelKind::BookingReminder).then(|| {
            let (method, ics) = ics::invite(&event);
            Invite {
                method: method.to_owned(),
                ics,
            }
        });
        out.push(Outgoing {
            kind,
            subject: format!("booking:{}:{}", b.id, b.sequence),
            recipient: user,
            context: serde_json::json!({
                "title": b.title,
                "with": with,
                "when": when(b.start_at, zone),
                "path": format!("/bookings/{}", b.id),
                "note": b.note,
                "cancelled": !b.status.live(),
                // Said only to the other one ("cancelled by Grace").
                "by": by.as_ref().filter(|_| actor != Some(user)),
                "reason": b.cancel_reason,
                "previous_when": previous.map(|p| when(p, zone)),
            }),
            invite,
        });
    }
    channels::queue(conn, out).await?;
    Ok(())
}

/// A booking now live for good (free, or paid): both are told, and reminded before it.
async fn booked(
    conn: &mut AsyncPgConnection,
    settings: &BookingSettings,
    b: &Booking,
) -> Result<Vec<FeedEntry>, ApiError> {
    match b.status {
        BookingStatus::Pending => {
            tell_both(
                conn,
                settings,
                b,
                Kind::BookingChanged,
                Some(b.client_id),
                "Booking request",
            )
            .await
        }
        _ => {
            remind(conn, settings, b).await?;
            tell_both(conn, settings, b, Kind::BookingConfirmed, None, "Booked").await
        }
    }
}

fn reminder_key(b: &Booking) -> String {
    format!("{REMINDER_JOB}:{}:{}", b.id, b.sequence)
}

/// Queues the reminder of a confirmed booking (none when it starts sooner than that).
async fn remind(conn: &mut AsyncPgConnection, settings: &BookingSettings, b: &Booking) -> Result<(), ApiError> {
    let at = b.start_at - Duration::from_std(settings.reminder).unwrap_or_default();
    let delay = at - Utc::now();
    if b.status != BookingStatus::Confirmed || delay <= Duration::zero() {
        return Ok(());
    }
    let payload = serde_json::json!({ "booking_id": b.id, "sequence": b.sequence });
    jobs::enqueue_after(
        conn,
        REMINDER_JOB,
        &payload,
        Some(&reminder_key(b)),
        delay.to_std().unwrap_or_default(),
    )
    .await?;
    Ok(())
}

/// Drops a booking's queued reminder (before a change raises its sequence).
async fn unremind(conn: &mut AsyncPgConnection, b: &Booking) -> Result<(), ApiError> {
    jobs::cancel(conn, &reminder_key(b)).await?;
    Ok(())
}

/// The reminder job: both are told, unless the booking changed since it was queued.
pub async fn send_reminder(
    conn: &mut AsyncPgConnection,
    settings: &BookingSettings,
    id: Uuid,
    sequence: i32,
) -> Result<Vec<FeedEntry>, ApiError> {
    let Some(b) = repo::booking_for_update(conn, id).await? else {
        return Ok(Vec::new());
    };
    if b.status != BookingStatus::Confirmed || b.sequence != sequence {
        return Ok(Vec::new());
    }
    tell_both(conn, settings, &b, Kind::BookingReminder, None, "Starting soon").await
}

/// A booking its host or client may see (404 for anyone else).
async fn visible(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid, lock: bool) -> Result<Booking, ApiError> {
    let found = match lock {
        true => repo::booking_for_update(conn, id).await?,
        false => repo::booking(conn, id).await?,
    };
    match found {
        Some(b) if b.host_id == user || b.client_id == user => Ok(b),
        _ => Err(ApiError::NotFound("booking")),
    }
}

pub async fn get(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<BookingView, ApiError> {
    let v = BookingView::new(visible(conn, user, id, false).await?, user);
    Ok(with_slugs(conn, vec![v]).await?.remove(0))
}

/// Which side of their bookings a user lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Host,
    Client,
    Either,
}

/// A page of the user's bookings (as host, as client, or both), newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    side: Side,
    status: Option<BookingStatus>,
    page: Page,
) -> Result<BookingPage, ApiError> {
    let sides = (side != Side::Client, side != Side::Host);
    let found = repo::bookings_of(conn, user, sides, status, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |b| b.id);
    Ok(BookingPage {
        items: with_slugs(conn, found.into_iter().map(|b| BookingView::new(b, user)).collect()).await?,
        next_cursor,
    })
}

/// Whether a cancellation by `by` gets the money back: always when the host cancels; for
/// the client, until the type's refund window closes (never without one).
fn refund_due(b: &Booking, by: Uuid, now: DateTime<Utc>) -> bool {
    if by == b.host_id {
        return true;
    }
    b.refund_until_hours
        .is_some_and(|h| now <= b.start_at - Duration::hours(i64::from(h)))
}

/// Ends a booking that keeps its slot: status, reason, the session dropped, the reminder
/// cancelled, the payment given back when `refund`.
async fn end(
    conn: &mut AsyncPgConnection,
    b: &mut Booking,
    status: BookingStatus,
    by: Uuid,
    reason: Option<String>,
    refund: bool,
) -> Result<Vec<RoomEvent>, ApiError> {
    unremind(conn, b).await?;
    let paid = matches!(b.status, BookingStatus::Pending | BookingStatus::Confirmed);
    b.status = status;
    b.cancel_reason = reason;
    b.cancelled_by = Some(by);
    b.checkout_url = None;
    b.sequence += 1;
    b.updated_at = Utc::now();
    repo::save_booking(conn, b).await?;
    let events = match b.session_id {
        Some(s) => sessions::drop_scheduled(conn, s).await?,
        None => Vec::new(),
    };
    if let (true, true, Some(payment)) = (refund, paid, b.payment_id) {
        ledger::give_back(conn, payment, Some(by)).await?;
    }
    Ok(events)
}

/// Cancels a live booking (host or client): the money goes back per the policy (always
/// when the host cancels); a held one's late payment goes back by itself.
pub async fn cancel(
    store: &Database,
    payments: &Payments,
    settings: &BookingSettings,
    user: Uuid,
    id: Uuid,
    reason: Option<String>,
) -> Result<BookingView, ApiError> {
    let now = Utc::now();
    let mut unpaid = None;
    let b = store
        .write(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                let mut b = visible(conn, user, id, true).await?;
                if !b.status.live() {
                    return Err(closed(&b));
                }
                if b.status == BookingStatus::Held {
                    unpaid = b.payment_id;
                }
                let refund = refund_due(&b, user, now);
                let events = end(conn, &mut b, BookingStatus::Cancelled, user, reason, refund).await?;
                let feed = tell_both(conn, settings, &b, Kind::BookingChanged, Some(user), "Cancelled").await?;
                Ok(Committed::new(b, events).with_feed(feed))
            })
            .await
        })
        .await?;
    payments.jobs.wake();
    if let Some(payment) = unpaid {
        // Its Checkout page closes: a cancelled booking is not paid for.
        checkout::close(store, payments, payment).await;
    }
    view(store, b, user).await
}

/// The host's decision on a booking that waits for it (the client gets 403; anyone else
/// 404). Rejecting gives a paid booking's money back.
pub async fn decide(
    store: &Database,
    payments: &Payments,
    settings: &BookingSettings,
    user: Uuid,
    id: Uuid,
    accept: bool,
    reason: Option<String>,
) -> Result<BookingView, ApiError> {
    let b = store
        .write(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                let mut b = visible(conn, user, id, true).await?;
                if b.host_id != user {
                    return Err(ApiError::Forbidden(
                        "only the host confirms or rejects a booking".into(),
                    ));
                }
                if b.status != BookingStatus::Pending {
                    return Err(closed(&b));
                }
                let (feed, events) = if accept {
                    b.status = BookingStatus::Confirmed;
                    b.sequence += 1;
                    b.updated_at = Utc::now();
                    repo::save_booking(conn, &b).await?;
                    remind(conn, settings, &b).await?;
                    let feed = tell_both(conn, settings, &b, Kind::BookingConfirmed, Some(user), "Confirmed").await?;
                    (feed, Vec::new())
                } else {
                    let events = end(conn, &mut b, BookingStatus::Rejected, user, reason, true).await?;
                    let feed = tell_both(conn, settings, &b, Kind::BookingChanged, Some(user), "Declined").await?;
                    (feed, events)
                };
                Ok(Committed::new(b, events).with_feed(feed))
            })
            .await
        })
        .await?;
    payments.jobs.wake();
    view(store, b, user).await
}

/// Moves a pending or confirmed booking to another offered slot of its type (host or
/// client): the new range is claimed and the old released in one transaction (409
/// `slot_taken` / `slot_unavailable`, nothing changed). Its id stays (the calendar's UID);
/// its sequence rises.
pub async fn reschedule(
    store: &Database,
    settings: &BookingSettings,
    user: Uuid,
    id: Uuid,
    start: DateTime<Utc>,
) -> Result<BookingView, ApiError> {
    let now = Utc::now();
    let b = store
        .write(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                let mut b = visible(conn, user, id, true).await?;
                if !matches!(b.status, BookingStatus::Pending | BookingStatus::Confirmed) {
                    return Err(closed(&b));
                }
                if b.start_at <= now {
                    return Err(ApiError::refused(ErrorCode::BookingClosed, "the booking has begun"));
                }
                let t = match b.booking_type_id {
                    Some(t) => repo::by_id(conn, t).await?,
                    None => None,
                };
                let t = t.ok_or_else(|| {
                    ApiError::refused(
                        ErrorCode::SlotUnavailable,
                        "its booking type is gone: cancel and book again",
                    )
                })?;
                let mut events = claimable(conn, &t, start, Some(b.id), now).await?;
                unremind(conn, &b).await?;
                let previous = b.start_at;
                let length = b.end_at - b.start_at;
                b.start_at = start;
                b.end_at = start + length;
                b.sequence += 1;
                b.updated_at = now;
                if !repo::save_booking(conn, &b).await? {
                    return Err(taken());
                }
                if let Some(s) = b.session_id {
                    events.extend(sessions::reschedule(conn, s, start).await?);
                }
                remind(conn, settings, &b).await?;
                let feed = tell_both_moved(
                    conn,
                    settings,
                    &b,
                    Kind::BookingChanged,
                    Some(user),
                    "Rescheduled",
                    Some(previous),
                )
                .await?;
                Ok(Committed::new(b, events).with_feed(feed))
            })
            .await
        })
        .await?;
    view(store, b, user).await
}

/// Delivers a paid booking (in the transaction that settles its payment): a held one is
/// booked; one whose hold ran out re-claims its slot if it is still free; one that was
/// cancelled, or whose slot was taken, gets nothing and the money goes back.
pub async fn deliver(
    conn: &mut AsyncPgConnection,
    settings: &BookingSettings,
    paid: &Settled,
) -> anyhow::Result<Delivery> {
    let Some(id) = paid.subject_id else {
        return Ok(Delivery::Nothing("a booking payment without its booking"));
    };
    let Some(mut b) = repo::booking_for_update(conn, id).await? else {
        return Ok(Delivery::Nothing("the booking is gone"));
    };
    if b.payment_id.is_some_and(|p| p != paid.payment_id) || b.client_id != paid.payer {
        return Ok(Delivery::Nothing("another payment paid for this booking"));
    }
    match b.status {
        BookingStatus::Held | BookingStatus::Expired => {}
        BookingStatus::Pending | BookingStatus::Confirmed => {
            return Ok(Delivery::Nothing("the booking was paid already"));
        }
        BookingStatus::Cancelled | BookingStatus::Rejected => {
            return Ok(Delivery::Nothing("the booking was cancelled before it was paid"));
        }
    }
    let was = b.status;
    b.status = match b.requires_confirmation {
        true => BookingStatus::Pending,
        false => BookingStatus::Confirmed,
    };
    b.payment_id = Some(paid.payment_id);
    b.hold_expires_at = None;
    b.checkout_url = None;
    if was == BookingStatus::Expired {
        b.sequence += 1;
    }
    b.updated_at = Utc::now();
    if !repo::save_booking(conn, &b).await? {
        return Ok(Delivery::Nothing("the slot was taken after the hold ran out"));
    }
    let mut events = Vec::new();
    if b.session_id.is_none() {
        // Its session went with the hold: a late payment that re-claims the slot gets one.
        let room = b
            .room_id
            .ok_or_else(|| anyhow::anyhow!("booking {} has no room", b.id))?;
        let s = sessions::schedule(conn, room, b.host_id, &b.title, Some(b.start_at), Some(b.id))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        b.session_id = Some(s.value.id);
        events = s.events;
        repo::save_booking(conn, &b).await?;
    }
    let feed = booked(conn, settings, &b).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Delivery::Done(Committed::new((), events).with_feed(feed)))
}

/// Releases every hold that ran out (the sweeper); how many.
pub async fn sweep(conn: &mut AsyncPgConnection) -> Result<Committed<usize>, ApiError> {
    let now = Utc::now();
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (n, events) = release_holds(conn, None, now, now).await?;
        Ok(Committed::new(n, events))
    })
    .await
}
