//! Who may see and do what in a room. A private or direct room is invisible to
//! non-members: exactly the same 404 as a room that does not exist.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::repo::{self, Membership, Room};
use crate::platform::error::ApiError;

pub use super::kinds::{Role, RoomKind};

/// What the caller may do in a room they can see.
pub struct Access {
    pub room: Room,
    pub membership: Option<Membership>,
    /// Whether the caller reads the room's content (`parley_reads` / `parley_room_reader`, the one rule).
    pub reader: bool,
}

impl Access {
    pub fn role(&self) -> Option<Role> {
        self.membership.as_ref().map(|m| m.role)
    }

    pub fn is_manager(&self) -> bool {
        matches!(self.role(), Some(Role::Owner | Role::Moderator))
    }

    pub fn is_owner(&self) -> bool {
        self.role() == Some(Role::Owner)
    }

    pub fn require_member(&self) -> Result<&Membership, ApiError> {
        self.membership
            .as_ref()
            .ok_or_else(|| ApiError::Forbidden("join the room first".into()))
    }

    /// Reading a room's content: anyone who sees a public room, except a subscriber-only
    /// room, which only its members (with access) read.
    pub fn require_reader(&self) -> Result<(), ApiError> {
        if self.reader {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this room is for subscribers: subscribe to its tier and join to read it".into(),
            ))
        }
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

    pub fn refuse_direct(&self) -> Result<(), ApiError> {
        if self.room.kind == RoomKind::Direct {
            Err(ApiError::Forbidden("a direct room's members are fixed".into()))
        } else {
            Ok(())
        }
    }
}

/// The room if the caller may see it (404 otherwise, like a missing room).
pub async fn access(conn: &mut AsyncPgConnection, room_id: Uuid, user_id: Uuid) -> Result<Access, ApiError> {
    match repo::with_membership(conn, room_id, user_id).await? {
        Some((room, membership, reader)) if room.kind == RoomKind::Public || membership.is_some() => {
            // A member who does not read the room is a plain member of a subscriber-only
            // room whose access lapsed: a member no more (payments removes them; until
            // then nothing is read or sent).
            let membership = membership.filter(|_| reader);
            Ok(Access {
                room,
                membership,
                reader,
            })
        }
        _ => Err(ApiError::NotFound("room")),
    }
}

/// The room if the caller is a member of it (404 when they may not see it, 403 otherwise).
pub async fn member(conn: &mut AsyncPgConnection, room_id: Uuid, user_id: Uuid) -> Result<Access, ApiError> {
    let access = access(conn, room_id, user_id).await?;
    access.require_member()?;
    Ok(access)
}

/// Log heads of rooms (for the hub's tail check).
pub async fn heads(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, i64)>, ApiError> {
    Ok(repo::heads(conn, ids).await?)
}

/// A room's log head; 0 when the room is gone.
pub async fn head(conn: &mut AsyncPgConnection, room_id: Uuid) -> Result<i64, ApiError> {
    Ok(repo::by_id(conn, room_id).await?.map(|r| r.last_seq).unwrap_or(0))
}

/// Rooms by id as everyone sees them (no caller role), for lists built elsewhere.
pub async fn views_by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> Result<Vec<super::views::RoomView>, ApiError> {
    Ok(repo::by_ids(conn, ids)
        .await?
        .into_iter()
        .map(|r| super::views::RoomView::new(r, None))
        .collect())
}
