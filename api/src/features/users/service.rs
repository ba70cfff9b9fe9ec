//! Users: profiles, search, and the local row behind a token subject.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::repo::{self, NewUser};
use super::validate::ProfileUpdate;
use super::views::{PrivateProfile, PublicProfile};
use crate::platform::error::ApiError;
use crate::platform::pagination::Page;

/// The local user for a token subject, created on first sight.
pub async fn signed_in(
    conn: &mut AsyncPgConnection,
    clerk_id: &str,
    email: Option<&str>,
    fallback_name: &str,
) -> Result<User, ApiError> {
    let user = repo::get_or_create(
        conn,
        NewUser {
            id: Uuid::now_v7(),
            clerk_id,
            email,
            first_name: None,
            last_name: None,
            display_name: fallback_name,
            image_url: None,
        },
    )
    .await?;
    Ok(user)
}

pub async fn update_profile(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    update: ProfileUpdate,
) -> Result<PrivateProfile, ApiError> {
    let Some(avatar) = update.0.avatar_file_id else {
        return Ok(repo::update_profile(conn, user_id, &update.0).await?.into());
    };
    conn.transaction::<_, ApiError, _>(async |conn| {
        let old = repo::avatar_for_update(conn, user_id).await?;
        if old == avatar {
            return Ok(repo::update_profile(conn, user_id, &update.0).await?.into());
        }
        if let Some(new) = avatar {
            if !repo::claim_avatar(conn, user_id, new).await? {
                return Err(ApiError::invalid(
                    "avatar_file_id must be your own unused upload with purpose avatar",
                ));
            }
        }
        let user = repo::update_profile(conn, user_id, &update.0).await?;
        if let Some(old) = old {
            repo::release_file(conn, old).await?;
        }
        Ok(user.into())
    })
    .await
}

/// Live users by display-name prefix (never by e-mail), a page at a time.
pub async fn search(
    conn: &mut AsyncPgConnection,
    prefix: Option<&str>,
    page: Page,
) -> Result<(Vec<PublicProfile>, Option<String>), ApiError> {
    let found = repo::search(conn, prefix, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |u| u.id);
    Ok((found.into_iter().map(PublicProfile::from).collect(), next_cursor))
}

/// Another user's public profile.
pub async fn profile(conn: &mut AsyncPgConnection, id: Uuid) -> Result<PublicProfile, ApiError> {
    repo::by_id(conn, id)
        .await?
        .map(PublicProfile::from)
        .ok_or(ApiError::NotFound("user"))
}

/// A user named in a request body who can be invited or messaged (exists and is not
/// deleted). An unknown one makes the request invalid (422), not the addressed resource
/// missing (404).
pub async fn live(conn: &mut AsyncPgConnection, id: Uuid) -> Result<User, ApiError> {
    repo::by_id(conn, id)
        .await?
        .filter(|u| !u.deleted)
        .ok_or_else(|| ApiError::invalid("user_id: no such user"))
}

/// Public profiles by id, for views that show people (members lists).
pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> Result<Vec<PublicProfile>, ApiError> {
    Ok(repo::by_ids(conn, ids)
        .await?
        .into_iter()
        .map(PublicProfile::from)
        .collect())
}

pub use repo::{ClerkProfile, User};

/// Clerk created or changed the user (a deleted user or a stale event changes nothing).
pub async fn upsert_from_clerk(conn: &mut AsyncPgConnection, profile: &ClerkProfile) -> anyhow::Result<()> {
    repo::upsert_from_clerk(conn, profile).await?;
    Ok(())
}

/// Clerk deleted the user: the row stays (their messages stay) with personal fields blanked.
pub async fn mark_deleted(conn: &mut AsyncPgConnection, clerk_id: &str) -> anyhow::Result<Uuid> {
    Ok(repo::mark_deleted(conn, clerk_id).await?.id)
}

/// Sets the verified phone number (dev mode's stand-in for Clerk's); a new number gets
/// another chance after a permanent failure.
pub async fn set_verified_phone(conn: &mut AsyncPgConnection, user_id: Uuid, phone: &str) -> Result<(), ApiError> {
    repo::set_phone(conn, user_id, phone).await?;
    Ok(())
}
