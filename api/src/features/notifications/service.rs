//! Reading and managing the feed, levels, settings and push subscriptions.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::decide::{do_not_disturb, effective_level, Level};
pub use super::repo::ReadScope;
use super::repo::{self, NewNotification, PushSubscription};
use super::settings;
use super::views::{DndView, Kind, LevelChoice, NotificationView, RoomLevelView, SettingsView};
use crate::platform::error::ApiError;
use crate::platform::events::{Committed, FeedEntry};
use crate::platform::pagination::Page;

pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    unread_only: bool,
    after: Option<i64>,
    page: Page,
) -> Result<(Vec<NotificationView>, Option<String>), ApiError> {
    let rows = repo::page(conn, user_id, unread_only, after, page.after, page.limit).await?;
    let items: Vec<NotificationView> = rows
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::Internal(e.into()))?;
    let next_cursor = page.next_cursor(&items, |n| n.id);
    Ok((items, next_cursor))
}

pub async fn unread_count(conn: &mut AsyncPgConnection, user_id: Uuid) -> Result<i64, ApiError> {
    Ok(repo::unread_count(conn, user_id).await?)
}

/// Marks the caller's notifications read; answers how many and the unread count left.
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    scope: ReadScope<'_>,
) -> Result<Committed<(i64, i64)>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let entry = repo::mark_read(conn, user_id, scope).await?;
        let read = entry
            .as_ref()
            .and_then(|e| e.data["ids"].as_array().map(|a| a.len() as i64))
            .unwrap_or(0);
        let unread = repo::unread_count(conn, user_id).await?;
        Ok(Committed::quiet((read, unread)).with_feed(entry.into_iter().collect()))
    })
    .await
}

/// Reading a room up to `room_seq` reads its notifications too (in the caller's transaction).
pub async fn room_read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    room_seq: i64,
) -> Result<Option<FeedEntry>, ApiError> {
    let scope = ReadScope::Room {
        room_id,
        up_to_room_seq: room_seq,
    };
    Ok(repo::mark_read(conn, user_id, scope).await?)
}

/// Tells a user they were added to a room by someone else (in the caller's transaction).
pub async fn room_invite(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    by: Uuid,
) -> Result<Vec<FeedEntry>, ApiError> {
    // Pushed unless inside the user's do-not-disturb hours (levels are per room, and this
    // room is new to them).
    let (zone, start, end) = repo::user_settings(conn, user_id).await?;
    let quiet = do_not_disturb(Utc::now(), &zone, start, end);
    let item = NewNotification {
        id: Uuid::now_v7(),
        user_id,
        kind: Kind::RoomInvite,
        group_key: None,
        room_id: Some(room_id),
        message_id: None,
        room_seq: None,
        actor_id: Some(by),
        preview: None,
        push: !quiet,
        ord: 0,
        subject_id: None,
    };
    Ok(repo::notify(conn, &[item]).await?)
}

/// Something to tell a user about that is not a message (a booking).
pub struct Notice {
    pub user_id: Uuid,
    pub kind: Kind,
    pub subject_id: Uuid,
    pub room_id: Option<Uuid>,
    /// Who did it, if someone did.
    pub actor_id: Option<Uuid>,
    /// What happened, in a line.
    pub text: String,
    /// Whether the user takes this kind by Web Push (their channel choice).
    pub push: bool,
}

/// Tells users about things that are not messages (in the caller's transaction): one feed
/// entry each, pushed unless inside the user's do-not-disturb hours.
pub async fn tell(conn: &mut AsyncPgConnection, notices: Vec<Notice>) -> Result<Vec<FeedEntry>, ApiError> {
    let mut items = Vec::with_capacity(notices.len());
    for (ord, n) in notices.into_iter().enumerate() {
        let (zone, start, end) = repo::user_settings(conn, n.user_id).await?;
        items.push(NewNotification {
            id: Uuid::now_v7(),
            user_id: n.user_id,
            kind: n.kind,
            group_key: None,
            room_id: n.room_id,
            message_id: None,
            room_seq: None,
            actor_id: n.actor_id,
            preview: Some(super::fanout::preview(&n.text)),
            push: n.push && !do_not_disturb(Utc::now(), &zone, start, end),
            ord: ord as i32,
            subject_id: Some(n.subject_id),
        });
    }
    Ok(repo::notify(conn, &items).await?)
}

fn level_view(room_id: Uuid, direct: bool, level: Option<String>, muted_until: Option<DateTime<Utc>>) -> RoomLevelView {
    let level = level.as_deref().and_then(Level::parse);
    RoomLevelView {
        room_id,
        level: LevelChoice::from_level(level),
        effective_level: effective_level(level, direct),
        muted_until,
    }
}

/// The caller's level for a room they belong to (404 otherwise).
pub async fn room_level(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<RoomLevelView, ApiError> {
    let (level, muted, direct) = repo::member_level(conn, room_id, user_id)
        .await?
        .ok_or(ApiError::NotFound("room"))?;
    Ok(level_view(room_id, direct, level, muted))
}

pub async fn set_room_level(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    choice: LevelChoice,
    muted_until: Option<DateTime<Utc>>,
) -> Result<RoomLevelView, ApiError> {
    let (_, _, direct) = repo::member_level(conn, room_id, user_id)
        .await?
        .ok_or(ApiError::NotFound("room"))?;
    let level = choice.level();
    let muted_until = muted_until.filter(|at| *at > Utc::now());
    let changed = repo::set_member_level(conn, room_id, user_id, level.map(|l| l.as_str()), muted_until).await?;
    if changed == 0 {
        return Err(ApiError::NotFound("room"));
    }
    Ok(level_view(
        room_id,
        direct,
        level.map(|l| l.as_str().to_owned()),
        muted_until,
    ))
}

pub async fn settings(conn: &mut AsyncPgConnection, user_id: Uuid) -> Result<SettingsView, ApiError> {
    let (time_zone, start, end) = repo::user_settings(conn, user_id).await?;
    let dnd = start.zip(end).map(|(start, end)| DndView {
        start: settings::hhmm(start),
        end: settings::hhmm(end),
    });
    Ok(SettingsView { time_zone, dnd })
}

pub async fn set_settings(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    time_zone: &str,
    dnd: Option<(i16, i16)>,
) -> Result<SettingsView, ApiError> {
    repo::set_user_settings(conn, user_id, time_zone, dnd).await?;
    settings(conn, user_id).await
}

pub async fn subscribe_push(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> Result<Uuid, ApiError> {
    let sub = PushSubscription {
        id: Uuid::now_v7(),
        user_id,
        endpoint: endpoint.to_owned(),
        p256dh: p256dh.to_owned(),
        auth: auth.to_owned(),
    };
    Ok(repo::upsert_subscription(conn, &sub).await?)
}

/// 404 when the caller has no subscription with this endpoint (someone else's included).
pub async fn unsubscribe_push(conn: &mut AsyncPgConnection, user_id: Uuid, endpoint: &str) -> Result<(), ApiError> {
    if repo::delete_subscription(conn, user_id, endpoint).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound("push subscription"))
    }
}

/// A message was deleted: its text leaves every notification and feed entry (in the
/// caller's transaction).
pub async fn message_deleted(conn: &mut AsyncPgConnection, message_id: Uuid) -> Result<(), ApiError> {
    repo::scrub_message(conn, message_id).await?;
    Ok(())
}

/// Whether it is inside the user's do-not-disturb (quiet) hours now.
pub async fn quiet_now(conn: &mut AsyncPgConnection, user_id: Uuid) -> Result<bool, ApiError> {
    let (zone, start, end) = repo::user_settings(conn, user_id).await?;
    Ok(do_not_disturb(Utc::now(), &zone, start, end))
}

pub use super::repo::DigestItem;

/// The user's unread mentions and DMs changed since `since` (at most `limit`, newest
/// first), and how many there are in all: what a digest e-mail lists.
pub async fn unread_for_digest(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<(Vec<DigestItem>, i64), ApiError> {
    Ok(repo::digest_items(conn, user_id, since, limit).await?)
}
