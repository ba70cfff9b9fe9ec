//! Membership: the members list, invitations and role changes, kicks, read markers.

use std::collections::HashMap;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::access::{access, Role};
use super::repo;
use super::service::{add, remove};
use super::views::{MemberEvent, MemberReason, MemberView};
use crate::features::notifications::service as notifications;
use crate::features::users::service as users;
use crate::platform::error::ApiError;
use crate::platform::events::log;
use crate::platform::events::{Committed, Ephemeral, EventKind};

/// A room's members with their roles and read markers, oldest first.
pub async fn list(conn: &mut AsyncPgConnection, user_id: Uuid, room_id: Uuid) -> Result<Vec<MemberView>, ApiError> {
    access(conn, room_id, user_id).await?.require_reader()?;
    let members = repo::members(conn, room_id).await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let mut people: HashMap<Uuid, _> = users::by_ids(conn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(members
        .into_iter()
        .filter_map(|m| Some(MemberView::new(people.remove(&m.user_id)?, m)))
        .collect())
}

/// The role an invitation gives.
#[derive(serde::Deserialize, utoipa::ToSchema, Clone, Copy, Debug, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum InviteRole {
    #[default]
    Member,
    Moderator,
}

impl From<InviteRole> for Role {
    fn from(r: InviteRole) -> Self {
        match r {
            InviteRole::Member => Role::Member,
            InviteRole::Moderator => Role::Moderator,
        }
    }
}

/// Invites a user (owner or moderator), or changes a member's role (owner only).
pub async fn invite(
    conn: &mut AsyncPgConnection,
    actor: Uuid,
    room_id: Uuid,
    target: Uuid,
    role: InviteRole,
) -> Result<Committed<MemberView>, ApiError> {
    let role = Role::from(role);
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, actor).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        if role == Role::Moderator && !acc.is_owner() {
            return Err(ApiError::Forbidden("only the owner may appoint moderators".into()));
        }
        let target_user = users::live(conn, target).await?;
        let committed = match repo::membership(conn, room_id, target_user.id).await? {
            Some(existing) if existing.role == role => Committed::quiet(existing),
            Some(existing) => {
                if existing.role == Role::Owner || !acc.is_owner() {
                    return Err(ApiError::Forbidden(
                        "only the owner may change roles, and not their own".into(),
                    ));
                }
                let updated = repo::set_role(conn, room_id, target, role).await?;
                let data = MemberEvent::json(target, role, Some(MemberReason::RoleChanged));
                let event = log::append(conn, room_id, EventKind::MemberJoined, &data).await?;
                Committed::new(updated, vec![event])
            }
            None if target_user.id == actor => add(conn, acc.room, target, role)
                .await?
                .map(|(_, membership)| membership),
            None => {
                let added = add(conn, acc.room, target, role).await?;
                let told = notifications::room_invite(conn, target, room_id, actor).await?;
                added.map(|(_, membership)| membership).with_feed(told)
            }
        };
        Ok(committed.map(|m| MemberView::new(target_user.into(), m)))
    })
    .await
}

/// Removes a member (owner or moderator). The owner cannot be kicked; only the owner kicks moderators.
pub async fn kick(
    conn: &mut AsyncPgConnection,
    actor: Uuid,
    room_id: Uuid,
    target: Uuid,
) -> Result<Committed<()>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let acc = access(conn, room_id, actor).await?;
        acc.require_manager()?;
        acc.refuse_direct()?;
        let member = repo::membership(conn, room_id, target)
            .await?
            .ok_or(ApiError::NotFound("member"))?;
        match member.role {
            Role::Owner => return Err(ApiError::Forbidden("the owner cannot be kicked".into())),
            Role::Moderator if !acc.is_owner() => {
                return Err(ApiError::Forbidden("only the owner may kick a moderator".into()))
            }
            _ => {}
        }
        remove(conn, room_id, target, member.role, MemberReason::Kicked).await
    })
    .await
}

/// Moves the caller's read marker forward (members only; never backwards, never past the
/// head) and tells the room's sockets with an ephemeral `read` frame.
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    room_id: Uuid,
    seq: i64,
) -> Result<Committed<i64>, ApiError> {
    if seq < 0 {
        return Err(ApiError::invalid("seq must be 0 or more"));
    }
    conn.transaction::<_, ApiError, _>(async |conn| {
        access(conn, room_id, user_id).await?.require_member()?;
        let last_read_seq = repo::mark_read(conn, room_id, user_id, seq).await?;
        // Reading a room reads its notifications up to there (the Matrix rule).
        let read = notifications::room_read(conn, user_id, room_id, last_read_seq).await?;
        Ok(Committed::quiet(last_read_seq)
            .with_ephemeral(Ephemeral::Read {
                room_id,
                user_id,
                seq: last_read_seq,
            })
            .with_feed(read.into_iter().collect()))
    })
    .await
}

/// Removes plain members of subscriber-only rooms whose access ended (of one fan and tier,
/// or everyone), each with `member.left` reason `subscription_ended`. Safe to run on every
/// instance at once: a member already removed is skipped.
pub async fn remove_lapsed(
    conn: &mut AsyncPgConnection,
    only: Option<(Uuid, Uuid)>,
) -> Result<Committed<usize>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let mut events = Vec::new();
        let lapsed = repo::lapsed_members(conn, only).await?;
        for (room, user) in &lapsed {
            let removed = remove(conn, *room, *user, Role::Member, MemberReason::SubscriptionEnded).await?;
            events.extend(removed.events);
        }
        Ok(Committed::new(events.len(), events))
    })
    .await
}
