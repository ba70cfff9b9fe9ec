//! Sessions: who may see them (the room's members: 404 for anyone else, as for a missing
//! one), who may schedule them (the room's owner and moderators; bookings schedule theirs).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::repo::{self, Session};
use super::views::{SessionPage, SessionStatus, SessionView};
use crate::features::rooms::access as rooms;
use crate::platform::error::ApiError;
use crate::platform::pagination::Page;

/// A new scheduled session (in the caller's transaction; the caller checked who may).
pub async fn schedule(
    conn: &mut AsyncPgConnection,
    room: Uuid,
    host: Uuid,
    title: &str,
    at: Option<DateTime<Utc>>,
    booking: Option<Uuid>,
) -> Result<SessionView, ApiError> {
    let now = Utc::now();
    let s = Session {
        id: Uuid::now_v7(),
        room_id: room,
        host_id: host,
        title: title.to_owned(),
        status: SessionStatus::Scheduled,
        scheduled_at: at,
        started_at: None,
        ended_at: None,
        start_seq: None,
        end_seq: None,
        booking_id: booking,
        created_at: now,
        updated_at: now,
    };
    repo::insert(conn, &s).await?;
    Ok(s.into())
}

/// A session a room manager schedules (403 for other members, 404 for non-members).
pub async fn create(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    room: Uuid,
    title: &str,
    at: Option<DateTime<Utc>>,
) -> Result<SessionView, ApiError> {
    let access = rooms::member(conn, room, user).await?;
    if !access.is_manager() {
        return Err(ApiError::Forbidden(
            "only the room's owner and moderators schedule sessions".into(),
        ));
    }
    schedule(conn, room, user, title, at, None).await
}

/// Moves a booking's session that has not started (a reschedule).
pub async fn reschedule(conn: &mut AsyncPgConnection, id: Uuid, at: DateTime<Utc>) -> Result<(), ApiError> {
    repo::reschedule(conn, id, at).await?;
    Ok(())
}

/// Drops a session that has not started (its booking was cancelled); one that ran stays,
/// with its record.
pub async fn drop_scheduled(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), ApiError> {
    repo::delete_scheduled(conn, id).await?;
    Ok(())
}

/// A session the caller may see: a member of its room.
pub async fn get(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<SessionView, ApiError> {
    let s = repo::by_id(conn, id).await?.ok_or(ApiError::NotFound("session"))?;
    rooms::member(conn, s.room_id, user)
        .await
        .map_err(|_| ApiError::NotFound("session"))?;
    Ok(s.into())
}

/// A page of a room's sessions, newest first (members only).
pub async fn list(conn: &mut AsyncPgConnection, user: Uuid, room: Uuid, page: Page) -> Result<SessionPage, ApiError> {
    rooms::member(conn, room, user).await?;
    let found = repo::of_room(conn, room, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |s| s.id);
    Ok(SessionPage {
        items: found.into_iter().map(SessionView::from).collect(),
        next_cursor,
    })
}
