//! What clients see of rooms and members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::kinds::{Role, RoomKind};
use super::repo::{Membership, Room};
use crate::features::users::views::PublicProfile;

/// A room as clients see it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct RoomView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub kind: RoomKind,
    pub max_members: Option<i32>,
    pub created_by: Uuid,
    /// Head of the room's event log.
    pub last_seq: i64,
    pub member_count: i32,
    /// The room's picture (`/v1/files/{id}/download?inline=1`).
    pub logo_file_id: Option<Uuid>,
    /// Only subscribers of this tier (trialing, active, or past due within the grace
    /// period) may join and read; others' memberships end when their access does.
    pub required_tier_id: Option<Uuid>,
    /// The caller's role, when a member (absent in events, which every member shares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_role: Option<Role>,
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
            logo_file_id: room.logo_file_id,
            required_tier_id: room.required_tier_id,
            my_role: membership.map(|m| m.role),
            last_activity_at: room.last_activity_at,
            created_at: room.created_at,
            updated_at: room.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    pub user: PublicProfile,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    pub last_read_seq: i64,
}

impl MemberView {
    pub fn new(user: PublicProfile, m: Membership) -> Self {
        Self {
            user,
            role: m.role,
            joined_at: m.joined_at,
            last_read_seq: m.last_read_seq,
        }
    }
}

/// A `member.joined` / `member.left` event's data.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct MemberEvent {
    pub user_id: Uuid,
    pub role: Role,
    /// `left`, `kicked` (member.left) or `role_changed` (member.joined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<MemberReason>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum MemberReason {
    Left,
    Kicked,
    RoleChanged,
    /// Removed from a subscriber-only room when their subscription's access ended.
    SubscriptionEnded,
}

impl MemberEvent {
    pub fn json(user_id: Uuid, role: Role, reason: Option<MemberReason>) -> serde_json::Value {
        serde_json::to_value(Self { user_id, role, reason }).expect("a member event serialises")
    }
}
