//! Direct rooms: exactly two users, one room per pair.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::access::{Role, RoomKind};
use super::repo::{self, NewRoom, Room};
use super::views::{MemberEvent, RoomView};
use crate::features::users::service as users;
use crate::platform::error::ApiError;
use crate::platform::events::log;
use crate::platform::events::{Committed, EventKind};

/// The direct room of two users: created on first call (`true`), found after. Race-safe:
/// the unique `dm_key` makes a concurrent second insert wait for the first and then find
/// its room.
pub async fn direct(
    conn: &mut AsyncPgConnection,
    me: Uuid,
    other: Uuid,
) -> Result<Committed<(RoomView, bool)>, ApiError> {
    if me == other {
        return Err(ApiError::invalid("a direct room needs another user"));
    }
    let (a, b) = if me < other { (me, other) } else { (other, me) };
    let key = format!("{a}:{b}");
    conn.transaction::<_, ApiError, _>(async |conn| {
        let target = users::live(conn, other).await?;
        let new = NewRoom {
            required_tier_id: None,
            id: Uuid::now_v7(),
            name: "Direct message",
            description: None,
            kind: RoomKind::Direct,
            max_members: Some(2),
            created_by: me,
            member_count: 2,
            dm_key: Some(&key),
        };
        let Some(room) = repo::insert_direct(conn, &new).await? else {
            let room = repo::by_dm_key(conn, &key).await?.ok_or(ApiError::NotFound("room"))?;
            let membership = repo::membership(conn, room.id, me).await?;
            return Ok(Committed::quiet((RoomView::new(room, membership.as_ref()), false)));
        };
        let mine = repo::add_member(conn, room.id, me, Role::Member).await?;
        repo::add_member(conn, room.id, target.id, Role::Member).await?;
        let mut events = Vec::with_capacity(2);
        for user in [me, target.id] {
            let data = MemberEvent::json(user, Role::Member, None);
            events.push(log::append(conn, room.id, EventKind::MemberJoined, &data).await?);
        }
        let room = Room { last_seq: 2, ..room };
        Ok(Committed::new((RoomView::new(room, Some(&mine)), true), events))
    })
    .await
}

/// The private room a host and one client of theirs meet in (bookings), in the caller's
/// transaction: made at their first booking (the host its owner), reused by later ones,
/// each of them a member again if they had left. The events to publish.
pub async fn pair_room(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    client: Uuid,
    name: &str,
) -> Result<Committed<Uuid>, ApiError> {
    let key = format!("pair:{host}:{client}");
    let new = NewRoom {
        required_tier_id: None,
        id: Uuid::now_v7(),
        name,
        description: Some("Bookings and their sessions"),
        kind: RoomKind::Private,
        max_members: None,
        created_by: host,
        member_count: 0,
        dm_key: Some(&key),
    };
    let room = match repo::insert_direct(conn, &new).await? {
        Some(room) => room,
        None => repo::by_dm_key(conn, &key).await?.ok_or(ApiError::NotFound("room"))?,
    };
    let mut events = Vec::new();
    for (user, role) in [(host, Role::Owner), (client, Role::Member)] {
        if repo::membership(conn, room.id, user).await?.is_none() {
            // The room is read again each time: `add` counts the seat on the current row.
            let current = repo::by_id(conn, room.id).await?.ok_or(ApiError::NotFound("room"))?;
            // A host who left an old pair room comes back as a member: the owner is who
            // holds the room now.
            let role = match role {
                Role::Owner if current.member_count > 0 => Role::Member,
                r => r,
            };
            events.extend(super::service::add(conn, current, user, role).await?.events);
        }
    }
    Ok(Committed::new(room.id, events))
}
