//! What clients see of a user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::{User, UserRole};

/// A Parley user. Deleted users keep their id (their messages stay) with personal fields blanked.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct UserResponse {
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
    /// True once the user has set their profile in Parley.
    pub profile_complete: bool,
    pub role: UserRole,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
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
            profile_complete: u.profile_complete,
            role: u.role,
            deleted: u.deleted,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}
