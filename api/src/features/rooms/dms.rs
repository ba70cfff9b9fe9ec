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
