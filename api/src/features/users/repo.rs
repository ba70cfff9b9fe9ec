//! The `users` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::users;

crate::platform::text_enum::text_enum! {
    /// A user's platform role.
    pub enum UserRole {
        User = "user",
        Admin = "admin",
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct User {
    pub id: Uuid,
    pub clerk_id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: String,
    pub image_url: Option<String>,
    pub bio: Option<String>,
    pub color: Option<String>,
    pub profile_complete: bool,
    pub role: UserRole,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub avatar_file_id: Option<Uuid>,
}

#[derive(Insertable, Debug)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub clerk_id: &'a str,
    pub email: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub display_name: &'a str,
    pub image_url: Option<&'a str>,
}

#[derive(AsChangeset, Default, Debug)]
#[diesel(table_name = users)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub bio: Option<Option<String>>,
    pub color: Option<Option<String>>,
    pub image_url: Option<Option<String>>,
    pub profile_complete: Option<bool>,
    pub updated_at: Option<DateTime<Utc>>,
    pub avatar_file_id: Option<Option<Uuid>>,
}

pub async fn by_clerk_id(conn: &mut AsyncPgConnection, clerk_id: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::clerk_id.eq(clerk_id))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select(User::as_select())
        .load(conn)
        .await
}

/// The local user for a Clerk id, created on first sight. Concurrent first requests
/// race on the unique `clerk_id`: the loser's insert does nothing and it reads the winner's row.
pub async fn get_or_create(conn: &mut AsyncPgConnection, new: NewUser<'_>) -> QueryResult<User> {
    if let Some(user) = by_clerk_id(conn, new.clerk_id).await? {
        return Ok(user);
    }
    let clerk_id = new.clerk_id.to_owned();
    let inserted = diesel::insert_into(users::table)
        .values(&new)
        .on_conflict(users::clerk_id)
        .do_nothing()
        .returning(User::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    match inserted {
        Some(user) => Ok(user),
        None => by_clerk_id(conn, &clerk_id)
            .await?
            .ok_or(diesel::result::Error::NotFound),
    }
}

pub async fn update_profile(conn: &mut AsyncPgConnection, id: Uuid, changes: &ProfileChanges) -> QueryResult<User> {
    diesel::update(users::table.find(id))
        .set(changes)
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// The user's avatar file, with their row locked until the transaction ends.
pub async fn avatar_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    users::table
        .find(id)
        .select(users::avatar_file_id)
        .for_no_key_update()
        .first(conn)
        .await
}

// Avatars are files, but the files feature builds on this one (it signs users in through
// `signed_in`), so the two file rules used here are called as the SQL functions they are:
// `parley_claim_file` (the caller's unused upload, purpose avatar) and
// `parley_release_files` (row now, bytes by a `files.delete_objects` job).

/// Marks the user's unused avatar upload as in use; false when it is not one.
pub async fn claim_avatar(conn: &mut AsyncPgConnection, user: Uuid, file: Uuid) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        claimed: bool,
    }
    let row: Claimed = diesel::sql_query("SELECT parley_claim_file($1, $2, 'avatar') AS claimed")
        .bind::<diesel::sql_types::Uuid, _>(user)
        .bind::<diesel::sql_types::Uuid, _>(file)
        .get_result(conn)
        .await?;
    Ok(row.claimed)
}

/// Releases a replaced avatar.
pub async fn release_file(conn: &mut AsyncPgConnection, file: Uuid) -> QueryResult<()> {
    diesel::sql_query("SELECT parley_release_files(ARRAY[$1])")
        .bind::<diesel::sql_types::Uuid, _>(file)
        .execute(conn)
        .await?;
    Ok(())
}

/// Prefix search on display name or e-mail, keyset-paginated by id.
pub async fn search(
    conn: &mut AsyncPgConnection,
    prefix: Option<&str>,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .filter(users::deleted.eq(false))
        .select(User::as_select())
        .order(users::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(prefix) = prefix {
        let pattern = format!("{}%", crate::platform::db::escape_like(&prefix.to_lowercase()));
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(display_name) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern),
        );
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after));
    }
    query.load(conn).await
}

/// Fields Clerk owns, from a `user.created` / `user.updated` webhook.
pub struct ClerkProfile {
    pub clerk_id: String,
    pub email: Option<String>,
    /// The primary phone number, only when Clerk verified it (E.164).
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: Option<String>,
    pub display_name: String,
    /// The user object's `updated_at` in the event: an older event changes nothing.
    pub updated_at: Option<DateTime<Utc>>,
}

/// Writes Clerk's fields unless the user is deleted or a newer event was applied already
/// (None then).
pub async fn upsert_from_clerk(conn: &mut AsyncPgConnection, p: &ClerkProfile) -> QueryResult<Option<User>> {
    let new = NewUser {
        id: Uuid::now_v7(),
        clerk_id: &p.clerk_id,
        email: p.email.as_deref(),
        first_name: p.first_name.as_deref(),
        last_name: p.last_name.as_deref(),
        display_name: &p.display_name,
        image_url: p.image_url.as_deref(),
    };
    // `filter` on an upsert is its `ON CONFLICT … DO UPDATE … WHERE`.
    use diesel::query_dsl::methods::FilterDsl;
    diesel::insert_into(users::table)
        .values((
            &new,
            users::clerk_updated_at.eq(p.updated_at),
            users::phone.eq(p.phone.as_deref()),
        ))
        .on_conflict(users::clerk_id)
        .do_update()
        .set((
            // A new address or number gets another chance after a permanent failure.
            users::email_bounced_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >(
                "CASE WHEN users.email IS DISTINCT FROM excluded.email THEN NULL ELSE users.email_bounced_at END",
            )),
            users::phone_failed_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >(
                "CASE WHEN users.phone IS DISTINCT FROM excluded.phone THEN NULL ELSE users.phone_failed_at END",
            )),
            users::phone.eq(p.phone.as_deref()),
            users::email.eq(p.email.as_deref()),
            users::first_name.eq(p.first_name.as_deref()),
            users::last_name.eq(p.last_name.as_deref()),
            users::image_url.eq(p.image_url.as_deref()),
            // A name the user chose in Parley wins over Clerk's.
            users::display_name.eq(diesel::dsl::sql::<diesel::sql_types::Text>(
                "CASE WHEN users.profile_complete THEN users.display_name ELSE excluded.display_name END",
            )),
            users::clerk_updated_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >(
                "GREATEST(users.clerk_updated_at, excluded.clerk_updated_at)"
            )),
            users::updated_at.eq(Utc::now()),
        ))
        // Deleted stays deleted; an event older than the one applied changes nothing (one
        // without a time still applies).
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "NOT users.deleted AND (users.clerk_updated_at IS NULL OR excluded.clerk_updated_at IS NULL \
             OR users.clerk_updated_at <= excluded.clerk_updated_at)",
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Clerk deleted the user: keep the row (their messages stay, attributed to a tombstone)
/// but drop everything personal. A user never seen gets a tombstone at once, so a late
/// `user.created` cannot bring them back.
pub async fn mark_deleted(conn: &mut AsyncPgConnection, clerk_id: &str) -> QueryResult<User> {
    let tombstone = NewUser {
        id: Uuid::now_v7(),
        clerk_id,
        email: None,
        first_name: None,
        last_name: None,
        display_name: "Deleted user",
        image_url: None,
    };
    diesel::insert_into(users::table)
        .values((&tombstone, users::deleted.eq(true)))
        .on_conflict(users::clerk_id)
        .do_update()
        .set((
            users::deleted.eq(true),
            users::display_name.eq("Deleted user"),
            users::email.eq(None::<String>),
            users::first_name.eq(None::<String>),
            users::last_name.eq(None::<String>),
            users::image_url.eq(None::<String>),
            users::bio.eq(None::<String>),
            users::color.eq(None::<String>),
            users::updated_at.eq(Utc::now()),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// Writes the phone number when it changed (and clears an earlier number's failure).
pub async fn set_phone(conn: &mut AsyncPgConnection, id: Uuid, phone: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .filter(users::phone.is_distinct_from(phone))
        .set((users::phone.eq(phone), users::phone_failed_at.eq(None::<DateTime<Utc>>)))
        .execute(conn)
        .await
}
