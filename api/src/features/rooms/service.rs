//! Rooms: create, update, delete, join, leave. Every change that members must not miss
//! appends an event to the room's log in the same transaction and is returned in
//! `Committed` for the caller to publish after commit.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::access::{access, Role, RoomKind};
use super::repo::{self, Membership, NewRoom, Room};
use super::validate::{NewRoomInput, RoomUpdate};
use super::views::{MemberEvent, MemberReason, RoomView};
use crate::features::files::detect::Purpose;
use crate::features::files::uses;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::log;
use crate::platform::events::{Committed, EventKind};

pub async fn create(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    input: NewRoomInput,
) -> Result<Committed<RoomView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        if let Some(tier) = input.required_tier_id {
            own_tier(conn, owner, tier).await?;
        }
        let room = repo::insert(
            conn,
            &NewRoom {
                required_tier_id: input.required_tier_id,
                id: Uuid::now_v7(),
                name: &input.name,
                description: input.description.as_deref(),
                kind: input.kind,
                max_members: input.max_members,
                created_by: owner,
                member_count: 1,
                dm_key: None,
            },
        )
        .await?;
        let membership = repo::add_member(conn, room.id, owner, Role::Owner).await?;
        let data = MemberEvent::json(owner, Role::Owner, None);
        let event = log::append(conn, room.id, EventKind::MemberJoined, &data).await?;
        let room = Room {
            last_seq: event.seq,
            ..room
        };
        Ok(Committed::new(RoomView::new(room, Some(&membership)), vec![event]))
    })
    .await
}

/// A subscriber-only room's tier must be the owner's own (422 otherwise).
async fn own_tier(conn: &mut AsyncPgConnection, owner: Uuid, tier: Uuid) -> Result<(), ApiError> {
    if repo::tier_creator(conn, tier).await? == Some(owner) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "required_tier_id must be a tier of your own (room owners only)",
        ))
    }
}

pub async fn get(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<RoomView, ApiError> {
    let acc = access(conn, room_id, user_id).await?;
    Ok(RoomView::new(acc.room, acc.membership.as_ref()))
}

/// Public rooms and the caller's own, by name prefix, a page at a time.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    prefix: Option<&str>,
    page: crate::platform::pagination::Page,
) -> Result<(Vec<RoomView>, Option<String>), ApiError> {
    let rows = repo::list_visible(conn, user_id, prefix, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&rows, |(r, _)| r.id);
    let items = rows.into_iter().map(|(r, m)| RoomView::new(r, m.as_ref())).collect();
    Ok((items, next_cursor))
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    update: RoomUpdate,
) -> Result<Committed<RoomView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        // The room's row is locked: logo changes are one at a time.
        let old_logo = repo::logo_for_update(conn, room_id).await?;
        let new_logo = update.0.logo_file_id.filter(|new| *new != old_logo);
        if let Some(Some(tier)) = update.0.required_tier_id {
            if !acc.is_owner() {
                return Err(ApiError::invalid(
                    "required_tier_id must be a tier of your own (room owners only)",
                ));
            }
            own_tier(conn, user_id, tier).await?;
        }
        if let Some(Some(new)) = new_logo {
            uses::claim(conn, user_id, new, Purpose::RoomLogo).await?;
        }
        let room = repo::update(conn, room_id, &update.0).await?;
        if let (Some(_), Some(old)) = (new_logo, old_logo) {
            uses::release(conn, &[old]).await?;
        }
        let shared = RoomView::new(room.clone(), None);
        let data = serde_json::to_value(&shared).expect("a room view serialises");
        let event = log::append(conn, room_id, EventKind::RoomUpdated, &data).await?;
        let room = Room {
            last_seq: event.seq,
            ..room
        };
        Ok(Committed::new(
            RoomView::new(room, acc.membership.as_ref()),
            vec![event],
        ))
    })
    .await
}

/// Deletes the room with its history (its messages, reactions and log go by trigger).
pub async fn delete(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<(), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        remove_room(conn, room_id).await
    })
    .await
}

/// Deletes a room with its messages, releasing its files and logo.
async fn remove_room(conn: &mut AsyncPgConnection, room_id: Uuid) -> Result<(), ApiError> {
    uses::release_room(conn, room_id).await?;
    repo::delete(conn, room_id).await?;
    Ok(())
}

/// Joins a public room; joining twice is a no-op (no event).
pub async fn join(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<Committed<RoomView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        if let Some(m) = &acc.membership {
            return Ok(Committed::quiet(RoomView::new(acc.room.clone(), Some(m))));
        }
        if acc.room.kind != RoomKind::Public {
            return Err(ApiError::NotFound("room"));
        }
        if let Some(tier) = acc.room.required_tier_id {
            if repo::membership(conn, room_id, user_id).await?.is_some() {
                return Err(ApiError::Forbidden("your subscription for this room has ended".into()));
            }
            if !repo::tier_access(conn, user_id, tier).await? {
                return Err(ApiError::Forbidden(
                    "this room is for subscribers: subscribe to its tier to join".into(),
                ));
            }
        }
        Ok(add(conn, acc.room, user_id, Role::Member).await?.map(|(view, _)| view))
    })
    .await
}

/// Takes a seat (409 when full), adds the member and logs `member.joined`.
pub(super) async fn add(
    conn: &mut AsyncPgConnection,
    room: Room,
    user_id: Uuid,
    role: Role,
) -> Result<Committed<(RoomView, Membership)>, ApiError> {
    let member_count = repo::take_seat(conn, room.id)
        .await?
        .ok_or_else(|| ApiError::refused(ErrorCode::RoomFull, "the room is full"))?;
    let membership = repo::add_member(conn, room.id, user_id, role).await?;
    let data = MemberEvent::json(user_id, role, None);
    let event = log::append(conn, room.id, EventKind::MemberJoined, &data).await?;
    let room = Room {
        member_count,
        last_seq: event.seq,
        last_activity_at: event.created_at,
        ..room
    };
    Ok(Committed::new(
        (RoomView::new(room, Some(&membership)), membership),
        vec![event],
    ))
}

/// Leaves a room (idempotent). The owner cannot leave while others remain (409
/// `owner_must_transfer`); the last member leaving deletes the room, as `DELETE` does, so no
/// room is ever left without anyone to own it.
pub async fn leave(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<Committed<()>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        let Some(m) = &acc.membership else {
            return Ok(Committed::quiet(()));
        };
        acc.refuse_direct()?;
        let members = repo::lock_member_count(conn, room_id).await?.unwrap_or(0);
        if members <= 1 {
            remove_room(conn, room_id).await?;
            return Ok(Committed::quiet(()));
        }
        if m.role == Role::Owner {
            return Err(ApiError::refused(
                ErrorCode::OwnerMustTransfer,
                "the owner cannot leave while others remain: hand the room over first \
                 (POST /v1/rooms/{id}/transfer) or delete it",
            ));
        }
        remove(conn, room_id, user_id, m.role, MemberReason::Left).await
    })
    .await
}

/// Hands the room to another member (the owner only): they become its owner and the old
/// owner a moderator, each with `member.joined` reason `role_changed`.
pub async fn transfer(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    to: Uuid,
) -> Result<Committed<()>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        acc.require_member()?;
        acc.refuse_direct()?;
        if !acc.is_owner() {
            return Err(ApiError::Forbidden("only the room's owner may hand it over".into()));
        }
        if to == user_id {
            return Ok(Committed::quiet(()));
        }
        repo::lock_member_count(conn, room_id).await?;
        if repo::membership(conn, room_id, to).await?.is_none() {
            return Err(ApiError::invalid("user_id: not a member of this room"));
        }
        let mut events = Vec::with_capacity(2);
        for (who, role) in [(to, Role::Owner), (user_id, Role::Moderator)] {
            repo::set_role(conn, room_id, who, role).await?;
            let data = MemberEvent::json(who, role, Some(MemberReason::RoleChanged));
            events.push(log::append(conn, room_id, EventKind::MemberJoined, &data).await?);
        }
        Ok(Committed::new((), events))
    })
    .await
}

/// Removes a member, frees their seat and logs `member.left`.
pub(super) async fn remove(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    user_id: Uuid,
    role: Role,
    reason: MemberReason,
) -> Result<Committed<()>, ApiError> {
    if !repo::remove_member(conn, room_id, user_id).await? {
        return Ok(Committed::quiet(()));
    }
    repo::free_seat(conn, room_id).await?;
    let data = MemberEvent::json(user_id, role, Some(reason));
    let event = log::append(conn, room_id, EventKind::MemberLeft, &data).await?;
    Ok(Committed::new((), vec![event]))
}

/// The room's log after `after`, oldest first, with the head when read (members of
/// private rooms only, like everything else).
pub async fn events(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    after: i64,
    limit: i64,
) -> Result<(Vec<log::RoomEvent>, i64), ApiError> {
    let acc = access(conn, room_id, user_id).await?;
    acc.require_reader()?;
    let mut items = log::after(conn, acc.room.id, after, limit).await?;
    crate::platform::events::unlock::for_viewer(conn, user_id, &mut items).await?;
    Ok((items, acc.room.last_seq))
}
