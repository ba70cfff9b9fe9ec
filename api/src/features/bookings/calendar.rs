//! Calendars: a booking's `.ics` for its host and client, and each person's feed of their
//! bookings at a secret URL (only the token's SHA-256 is kept; a new one ends the old).

use base64::Engine;
use chrono::{Duration, Utc};
use diesel_async::AsyncPgConnection;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::ics::{self, Event};
use super::repo::{self, Booking};
use super::views::CalendarFeedView;
use crate::features::users::service as users;
use crate::platform::error::ApiError;

/// Where calendars link to and where feeds are served.
pub struct Addresses<'a> {
    /// The web app (a booking's page).
    pub app_url: &'a str,
    /// This API (the feed).
    pub public_url: &'a str,
}

async fn event<'a>(
    conn: &mut AsyncPgConnection,
    b: &'a Booking,
    viewer: Uuid,
    at: &Addresses<'_>,
) -> Result<Event<'a>, ApiError> {
    let other = if viewer == b.host_id { b.client_id } else { b.host_id };
    let with = users::profile(conn, other)
        .await
        .map(|p| p.display_name)
        .unwrap_or_else(|_| "a deleted user".into());
    Ok(Event {
        booking: b,
        url: format!("{}/bookings/{}", at.app_url, b.id),
        with,
    })
}

/// One booking's `.ics` (its host or client; 404 for anyone else).
pub async fn booking_ics(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
    at: &Addresses<'_>,
) -> Result<String, ApiError> {
    let b = match repo::booking(conn, id).await? {
        Some(b) if b.host_id == user || b.client_id == user => b,
        _ => return Err(ApiError::NotFound("booking")),
    };
    let e = event(conn, &b, user, at).await?;
    Ok(ics::one(&e))
}

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new secret feed URL for the caller (the old one stops working).
pub async fn new_feed(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    at: &Addresses<'_>,
) -> Result<CalendarFeedView, ApiError> {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    repo::set_feed(conn, user, &digest(&token)).await?;
    Ok(CalendarFeedView {
        url: format!("{}/v1/calendar-feeds/{token}", at.public_url),
    })
}

/// The feed a token opens: its owner's bookings from 30 days ago on (404 for a token that
/// is wrong or was replaced).
pub async fn feed(conn: &mut AsyncPgConnection, token: &str, at: &Addresses<'_>) -> Result<String, ApiError> {
    let user = repo::feed_owner(conn, &digest(token))
        .await?
        .ok_or(ApiError::NotFound("calendar feed"))?;
    let bookings = repo::calendar_of(conn, user, Utc::now() - Duration::days(30)).await?;
    let mut events = Vec::with_capacity(bookings.len());
    for b in &bookings {
        events.push(event(conn, b, user, at).await?);
    }
    Ok(ics::feed(&events))
}
