//! Rooms and membership. Every change that members must not miss appends an event to the
//! room's log in the same transaction; callers publish the returned events after commit.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::events::{self, RoomEvent};
use crate::db::rooms::{self, Membership, NewRoom, Room, RoomChanges};
use crate::db::users;
use crate::error::ApiError;
use crate::state::AppState;

/// A room as clients see it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct RoomView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// `public`, `private` or `direct`.
    pub kind: String,
    pub max_members: Option<i32>,
    pub created_by: Uuid,
    /// Head of the room's event log.
    pub last_seq: i64,
    pub member_count: i32,
    /// The caller's role, when a member (absent in events, which every member shares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_role: Option<String>,
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RoomView {
    pub fn new(room: Room, membership: Option<&Membership>) -> Self {
        Self {
            id: room.id,
            name: room.name,
            description: room.description,
            kind: room.kind,
            max_members: room.max_members,
            created_by: room.created_by,
            last_seq: room.last_seq,
            member_count: room.member_count,
            my_role: membership.map(|m| m.role.clone()),
            last_activity_at: room.last_activity_at,
            created_at: room.created_at,
            updated_at: room.updated_at,
        }
    }
}

/// What the caller may do in a room they can see.
pub struct Access {
    pub room: Room,
    pub membership: Option<Membership>,
}

impl Access {
    pub fn is_manager(&self) -> bool {
        matches!(
            self.membership.as_ref().map(|m| m.role.as_str()),
            Some("owner" | "moderator")
        )
    }

    pub fn is_owner(&self) -> bool {
        self.membership.as_ref().is_some_and(|m| m.role == "owner")
    }

    pub fn require_member(&self) -> Result<&Membership, ApiError> {
        self.membership
            .as_ref()
            .ok_or_else(|| ApiError::Forbidden("join the room first".into()))
    }

    pub fn require_manager(&self) -> Result<(), ApiError> {
        self.require_member()?;
        if self.is_manager() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only the room's owner or moderators may do this".into(),
            ))
        }
    }

    fn refuse_direct(&self) -> Result<(), ApiError> {
        if self.room.kind == "direct" {
            Err(ApiError::Forbidden("a direct room's members are fixed".into()))
        } else {
            Ok(())
        }
    }
}

/// The room if the caller may see it. A private or direct room is invisible to
/// non-members: exactly the same 404 as a room that does not exist.
pub async fn access(conn: &mut AsyncPgConnection, room_id: Uuid, user_id: Uuid) -> Result<Access, ApiError> {
    match rooms::with_membership(conn, room_id, user_id).await? {
        Some((room, membership)) if room.kind == "public" || membership.is_some() => Ok(Access { room, membership }),
        _ => Err(ApiError::NotFound("room")),
    }
}

pub fn parse_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let len = name.chars().count();
    if !(1..=80).contains(&len) || name.chars().any(char::is_control) {
        return Err(ApiError::invalid("name must be 1 to 80 printable characters"));
    }
    Ok(name.to_owned())
}

pub fn parse_description(raw: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(d) = raw else { return Ok(None) };
    let d = d.trim();
    if d.chars().count() > 1000 {
        return Err(ApiError::invalid("description must be at most 1000 characters"));
    }
    Ok((!d.is_empty()).then(|| d.to_owned()))
}

pub fn parse_max_members(raw: Option<i32>) -> Result<Option<i32>, ApiError> {
    match raw {
        Some(n) if !(1..=100_000).contains(&n) => Err(ApiError::invalid("max_members must be between 1 and 100000")),
        other => Ok(other),
    }
}

fn member_event(user_id: Uuid, role: &str, reason: Option<&str>) -> serde_json::Value {
    let mut v = serde_json::json!({"user_id": user_id, "role": role});
    if let Some(reason) = reason {
        v["reason"] = reason.into();
    }
    v
}

pub struct NewRoomInput {
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub max_members: Option<i32>,
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    input: NewRoomInput,
) -> Result<(RoomView, Vec<RoomEvent>), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let room = rooms::insert(
            conn,
            &NewRoom {
                id: Uuid::now_v7(),
                name: &input.name,
                description: input.description.as_deref(),
                kind: &input.kind,
                max_members: input.max_members,
                created_by: owner,
                member_count: 1,
                dm_key: None,
            },
        )
        .await?;
        let membership = rooms::add_member(conn, room.id, owner, "owner").await?;
        let event = events::append(conn, room.id, "member.joined", &member_event(owner, "owner", None)).await?;
        let room = Room {
            last_seq: event.seq,
            ..room
        };
        Ok((RoomView::new(room, Some(&membership)), vec![event]))
    })
    .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    changes: RoomChanges,
) -> Result<(RoomView, Vec<RoomEvent>), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        let room = rooms::update(conn, room_id, &changes).await?;
        let shared = RoomView::new(room.clone(), None);
        let event = events::append(
            conn,
            room_id,
            "room.updated",
            &serde_json::to_value(&shared).map_err(anyhow::Error::from)?,
        )
        .await?;
        let room = Room {
            last_seq: event.seq,
            ..room
        };
        Ok((RoomView::new(room, acc.membership.as_ref()), vec![event]))
    })
    .await
}

pub async fn delete(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<(), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        rooms::delete(conn, room_id).await?;
        Ok(())
    })
    .await
}

/// Joins a public room; joining twice is a no-op (no event).
pub async fn join(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
) -> Result<(RoomView, Vec<RoomEvent>), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        if let Some(m) = &acc.membership {
            return Ok((RoomView::new(acc.room.clone(), Some(m)), vec![]));
        }
        if acc.room.kind != "public" {
            return Err(ApiError::NotFound("room"));
        }
        add(conn, acc.room, user_id, "member")
            .await
            .map(|(view, _, events)| (view, events))
    })
    .await
}

async fn add(
    conn: &mut AsyncPgConnection,
    room: Room,
    user_id: Uuid,
    role: &str,
) -> Result<(RoomView, Membership, Vec<RoomEvent>), ApiError> {
    let member_count = rooms::take_seat(conn, room.id)
        .await?
        .ok_or_else(|| ApiError::Conflict("the room is full".into()))?;
    let membership = rooms::add_member(conn, room.id, user_id, role).await?;
    let event = events::append(conn, room.id, "member.joined", &member_event(user_id, role, None)).await?;
    let room = Room {
        member_count,
        last_seq: event.seq,
        last_activity_at: event.created_at,
        ..room
    };
    Ok((RoomView::new(room, Some(&membership)), membership, vec![event]))
}

pub async fn leave(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<Vec<RoomEvent>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, user_id).await?;
        let Some(m) = &acc.membership else { return Ok(vec![]) };
        acc.refuse_direct()?;
        if m.role == "owner" && acc.room.member_count > 1 {
            return Err(ApiError::Conflict(
                "the owner cannot leave while others remain; delete the room instead".into(),
            ));
        }
        remove(conn, room_id, user_id, &m.role, "left").await
    })
    .await
}

async fn remove(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    user_id: Uuid,
    role: &str,
    reason: &str,
) -> Result<Vec<RoomEvent>, ApiError> {
    if !rooms::remove_member(conn, room_id, user_id).await? {
        return Ok(vec![]);
    }
    rooms::free_seat(conn, room_id).await?;
    let event = events::append(conn, room_id, "member.left", &member_event(user_id, role, Some(reason))).await?;
    Ok(vec![event])
}

/// Invites a user (owner or moderator), or changes a member's role (owner only).
pub async fn invite(
    conn: &mut AsyncPgConnection,
    actor: Uuid,
    room_id: Uuid,
    target: Uuid,
    role: Option<String>,
) -> Result<(Membership, Vec<RoomEvent>), ApiError> {
    let role = role.unwrap_or_else(|| "member".into());
    if !matches!(role.as_str(), "member" | "moderator") {
        return Err(ApiError::invalid("role must be member or moderator"));
    }
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, actor).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        if role == "moderator" && !acc.is_owner() {
            return Err(ApiError::Forbidden("only the owner may appoint moderators".into()));
        }
        let target_user = users::by_id(conn, target)
            .await?
            .filter(|u| !u.deleted)
            .ok_or(ApiError::NotFound("user"))?;
        match rooms::membership(conn, room_id, target_user.id).await? {
            Some(existing) if existing.role == role => Ok((existing, vec![])),
            Some(existing) => {
                if existing.role == "owner" || !acc.is_owner() {
                    return Err(ApiError::Forbidden(
                        "only the owner may change roles, and not their own".into(),
                    ));
                }
                let updated = rooms::set_role(conn, room_id, target, &role).await?;
                let event = events::append(
                    conn,
                    room_id,
                    "member.joined",
                    &member_event(target, &role, Some("role_changed")),
                )
                .await?;
                Ok((updated, vec![event]))
            }
            None => {
                let (_, membership, events) = add(conn, acc.room, target, &role).await?;
                Ok((membership, events))
            }
        }
    })
    .await
}

/// Removes a member (owner or moderator). The owner cannot be kicked; only the owner kicks moderators.
pub async fn kick(
    conn: &mut AsyncPgConnection,
    actor: Uuid,
    room_id: Uuid,
    target: Uuid,
) -> Result<Vec<RoomEvent>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, actor).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        let member = rooms::membership(conn, room_id, target)
            .await?
            .ok_or(ApiError::NotFound("member"))?;
        match member.role.as_str() {
            "owner" => return Err(ApiError::Forbidden("the owner cannot be kicked".into())),
            "moderator" if !acc.is_owner() => {
                return Err(ApiError::Forbidden("only the owner may kick a moderator".into()))
            }
            _ => {}
        }
        remove(conn, room_id, target, &member.role, "kicked").await
    })
    .await
}

/// The direct room of two users, created on first call. Race-safe: the unique `dm_key`
/// makes a concurrent second insert wait for the first and then find its room.
pub async fn direct(
    conn: &mut AsyncPgConnection,
    me: Uuid,
    other: Uuid,
) -> Result<(RoomView, Vec<RoomEvent>, bool), ApiError> {
    if me == other {
        return Err(ApiError::invalid("a direct room needs another user"));
    }
    let (a, b) = if me < other { (me, other) } else { (other, me) };
    let key = format!("{a}:{b}");
    conn.transaction::<_, ApiError, _>(async |conn| {
        let target = users::by_id(conn, other)
            .await?
            .filter(|u| !u.deleted)
            .ok_or(ApiError::NotFound("user"))?;
        let new = NewRoom {
            id: Uuid::now_v7(),
            name: "Direct message",
            description: None,
            kind: "direct",
            max_members: Some(2),
            created_by: me,
            member_count: 2,
            dm_key: Some(&key),
        };
        let Some(room) = rooms::insert_direct(conn, &new).await? else {
            let room = rooms::by_dm_key(conn, &key).await?.ok_or(ApiError::NotFound("room"))?;
            let membership = rooms::membership(conn, room.id, me).await?;
            return Ok((RoomView::new(room, membership.as_ref()), vec![], false));
        };
        let mine = rooms::add_member(conn, room.id, me, "member").await?;
        rooms::add_member(conn, room.id, target.id, "member").await?;
        let mut events = vec![events::append(conn, room.id, "member.joined", &member_event(me, "member", None)).await?];
        events.push(events::append(conn, room.id, "member.joined", &member_event(target.id, "member", None)).await?);
        let room = Room { last_seq: 2, ..room };
        Ok((RoomView::new(room, Some(&mine)), events, true))
    })
    .await
}

/// Moves the caller's read marker forward (members only) and tells the room's sockets.
pub async fn mark_read(state: &AppState, user_id: Uuid, room_id: Uuid, seq: i64) -> Result<i64, ApiError> {
    if seq < 0 {
        return Err(ApiError::invalid("seq must be 0 or more"));
    }
    let mut conn = state.db.get().await?;
    access(&mut conn, room_id, user_id).await?.require_member()?;
    let last_read_seq = rooms::mark_read(&mut conn, room_id, user_id, seq).await?;
    drop(conn);
    let frame = serde_json::json!({"type": "read", "room_id": room_id, "user_id": user_id, "seq": last_read_seq});
    state.bus.publish_ephemeral(room_id, frame.to_string().into()).await;
    Ok(last_read_seq)
}
