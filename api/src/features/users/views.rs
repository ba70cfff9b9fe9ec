//! What clients see of a user: the private profile (the user themself, `GET /v1/me`) and
//! the public one (everyone else: search, profiles, member lists).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::{User, UserRole};

/// The caller's own profile, with what only they (and app admins) may see: e-mail, the
/// Clerk id, legal names, the app-wide role. Never shown to other users.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct PrivateProfile {
    pub id: Uuid,
    /// The Clerk user id (`sub` of their tokens).
    pub clerk_id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: String,
    pub image_url: Option<String>,
    /// The profile picture uploaded to Parley (`/v1/files/{id}/download?inline=1`); shown
    /// instead of `image_url` when set.
    pub avatar_file_id: Option<Uuid>,
    pub bio: Option<String>,
    /// `#rrggbb`.
    pub color: Option<String>,
    pub kind: UserKind,
    /// True once the user has set their profile in Parley.
    pub profile_complete: bool,
    pub role: UserRole,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What any signed-in user sees of another person. Deleted users keep their id (their
/// messages stay) with the personal fields blanked.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct PublicProfile {
    pub id: Uuid,
    pub display_name: String,
    /// A picture from the sign-in provider; `avatar_file_id` wins when set.
    pub image_url: Option<String>,
    /// The profile picture uploaded to Parley (`/v1/files/{id}/download?inline=1`).
    pub avatar_file_id: Option<Uuid>,
    pub bio: Option<String>,
    /// `#rrggbb`.
    pub color: Option<String>,
    pub kind: UserKind,
    pub deleted: bool,
}

/// Who an account belongs to: a person today (AI personas add a kind).
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    User,
}

impl From<User> for PrivateProfile {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            clerk_id: u.clerk_id,
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            display_name: u.display_name,
            image_url: u.image_url,
            avatar_file_id: u.avatar_file_id,
            bio: u.bio,
            color: u.color,
            kind: UserKind::User,
            profile_complete: u.profile_complete,
            role: u.role,
            deleted: u.deleted,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

impl From<User> for PublicProfile {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            display_name: u.display_name,
            image_url: u.image_url,
            avatar_file_id: u.avatar_file_id,
            bio: u.bio,
            color: u.color,
            kind: UserKind::User,
            deleted: u.deleted,
        }
    }
}
