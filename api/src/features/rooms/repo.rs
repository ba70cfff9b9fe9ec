//! The `rooms` and `room_members` tables.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::kinds::{Role, RoomKind};
use crate::platform::schema::{room_members, rooms};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = rooms)]
pub struct Room {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub kind: RoomKind,
    pub max_members: Option<i32>,
    pub created_by: Uuid,
    pub last_seq: i64,
    pub member_count: i32,
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub logo_file_id: Option<Uuid>,
    pub required_tier_id: Option<Uuid>,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = room_members)]
pub struct Membership {
    pub room_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    pub last_read_seq: i64,
}

#[derive(Insertable)]
#[diesel(table_name = rooms)]
pub struct NewRoom<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub kind: RoomKind,
    pub max_members: Option<i32>,
    pub created_by: Uuid,
    pub member_count: i32,
    pub dm_key: Option<&'a str>,
    pub required_tier_id: Option<Uuid>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = rooms)]
pub struct RoomChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub max_members: Option<Option<i32>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub logo_file_id: Option<Option<Uuid>>,
    pub required_tier_id: Option<Option<Uuid>>,
}

/// The room's logo, with its row locked until the transaction ends.
pub async fn logo_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    rooms::table
        .find(id)
        .select(rooms::logo_file_id)
        .for_no_key_update()
        .first(conn)
        .await
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Room>> {
    rooms::table
        .find(id)
        .select(Room::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn membership(conn: &mut AsyncPgConnection, room_id: Uuid, user_id: Uuid) -> QueryResult<Option<Membership>> {
    room_members::table
        .find((room_id, user_id))
        .select(Membership::as_select())
        .first(conn)
        .await
        .optional()
}

/// The room, the user's membership and whether they read it (`parley_reads` on the row
/// already joined), in one round trip.
pub async fn with_membership(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    user_id: Uuid,
) -> QueryResult<Option<(Room, Option<Membership>, bool)>> {
    rooms::table
        .left_join(
            room_members::table.on(room_members::room_id
                .eq(rooms::id)
                .and(room_members::user_id.eq(user_id))),
        )
        .filter(rooms::id.eq(room_id))
        .select((
            Room::as_select(),
            Option::<Membership>::as_select(),
            diesel::dsl::sql::<diesel::sql_types::Bool>(
                "parley_reads(rooms.kind, rooms.required_tier_id, room_members.role, ",
            )
            .bind::<diesel::sql_types::Uuid, _>(user_id)
            .sql(")"),
        ))
        .first(conn)
        .await
        .optional()
}

pub async fn insert(conn: &mut AsyncPgConnection, room: &NewRoom<'_>) -> QueryResult<Room> {
    diesel::insert_into(rooms::table)
        .values(room)
        .returning(Room::as_returning())
        .get_result(conn)
        .await
}

/// Inserts a direct room unless one exists for this pair; None when it already existed.
pub async fn insert_direct(conn: &mut AsyncPgConnection, room: &NewRoom<'_>) -> QueryResult<Option<Room>> {
    diesel::insert_into(rooms::table)
        .values(room)
        .on_conflict(rooms::dm_key)
        .do_nothing()
        .returning(Room::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn by_dm_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Room>> {
    rooms::table
        .filter(rooms::dm_key.eq(key))
        .select(Room::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn update(conn: &mut AsyncPgConnection, id: Uuid, changes: &RoomChanges) -> QueryResult<Room> {
    diesel::update(rooms::table.find(id))
        .set(changes)
        .returning(Room::as_returning())
        .get_result(conn)
        .await
}

/// The room's member count under its row lock (leaving and joining serialise on it).
pub async fn lock_member_count(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<i32>> {
    rooms::table
        .find(id)
        .select(rooms::member_count)
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(rooms::table.find(id)).execute(conn).await
}

/// Takes a seat under the room's row lock, so concurrent joins cannot exceed `max_members`.
/// The new member count, or None when the room is full.
pub async fn take_seat(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<i32>> {
    diesel::update(
        rooms::table.find(id).filter(
            rooms::max_members
                .is_null()
                .or(rooms::member_count.lt(rooms::max_members.assume_not_null())),
        ),
    )
    .set(rooms::member_count.eq(rooms::member_count + 1))
    .returning(rooms::member_count)
    .get_result(conn)
    .await
    .optional()
}

pub async fn free_seat(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(rooms::table.find(id))
        .set(rooms::member_count.eq(rooms::member_count - 1))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn add_member(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> QueryResult<Membership> {
    diesel::insert_into(room_members::table)
        .values((
            room_members::room_id.eq(room_id),
            room_members::user_id.eq(user_id),
            room_members::role.eq(role),
        ))
        .returning(Membership::as_returning())
        .get_result(conn)
        .await
}

pub async fn set_role(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> QueryResult<Membership> {
    diesel::update(room_members::table.find((room_id, user_id)))
        .set(room_members::role.eq(role))
        .returning(Membership::as_returning())
        .get_result(conn)
        .await
}

pub async fn remove_member(conn: &mut AsyncPgConnection, room_id: Uuid, user_id: Uuid) -> QueryResult<bool> {
    let n = diesel::delete(room_members::table.find((room_id, user_id)))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn members(conn: &mut AsyncPgConnection, room_id: Uuid) -> QueryResult<Vec<Membership>> {
    room_members::table
        .filter(room_members::room_id.eq(room_id))
        .order(room_members::joined_at.asc())
        .select(Membership::as_select())
        .load(conn)
        .await
}

/// Public rooms and the caller's rooms, optionally by name prefix, keyset-paginated by id.
pub async fn list_visible(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    prefix: Option<&str>,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<(Room, Option<Membership>)>> {
    let mut query = rooms::table
        .left_join(
            room_members::table.on(room_members::room_id
                .eq(rooms::id)
                .and(room_members::user_id.eq(user_id))),
        )
        .filter(rooms::kind.eq(RoomKind::Public).or(room_members::user_id.is_not_null()))
        .order(rooms::id.asc())
        .limit(limit)
        .select((Room::as_select(), Option::<Membership>::as_select()))
        .into_boxed();
    if let Some(prefix) = prefix {
        let pattern = format!("{}%", crate::platform::db::escape_like(&prefix.to_lowercase()));
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(rooms.name) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern),
        );
    }
    if let Some(after) = after {
        query = query.filter(rooms::id.gt(after));
    }
    query.load(conn).await
}

/// Moves the read marker forward only, and never past the log head.
pub async fn mark_read(conn: &mut AsyncPgConnection, room_id: Uuid, user_id: Uuid, seq: i64) -> QueryResult<i64> {
    diesel::sql_query(
        "UPDATE room_members rm SET last_read_seq = GREATEST(rm.last_read_seq, LEAST($3, r.last_seq)) \
         FROM rooms r WHERE r.id = rm.room_id AND rm.room_id = $1 AND rm.user_id = $2 RETURNING rm.last_read_seq",
    )
    .bind::<diesel::sql_types::Uuid, _>(room_id)
    .bind::<diesel::sql_types::Uuid, _>(user_id)
    .bind::<diesel::sql_types::BigInt, _>(seq)
    .get_result::<ReadSeq>(conn)
    .await
    .map(|r| r.last_read_seq)
}

#[derive(QueryableByName)]
struct ReadSeq {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last_read_seq: i64,
}

pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Room>> {
    rooms::table
        .filter(rooms::id.eq_any(ids))
        .select(Room::as_select())
        .load(conn)
        .await
}

pub async fn heads(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<(Uuid, i64)>> {
    rooms::table
        .filter(rooms::id.eq_any(ids))
        .select((rooms::id, rooms::last_seq))
        .load(conn)
        .await
}

/// Whether the user has a subscription to the tier that grants access now (trialing,
/// active, or past due within the grace period: `access_until` is kept by payments).
pub async fn tier_access(conn: &mut AsyncPgConnection, user_id: Uuid, tier_id: Uuid) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ok: bool,
    }
    let row: Row = diesel::sql_query("SELECT parley_tier_access($1, $2) AS ok")
        .bind::<diesel::sql_types::Uuid, _>(user_id)
        .bind::<diesel::sql_types::Uuid, _>(tier_id)
        .get_result(conn)
        .await?;
    Ok(row.ok)
}

/// The creator of a tier, if it exists.
pub async fn tier_creator(conn: &mut AsyncPgConnection, tier_id: Uuid) -> QueryResult<Option<Uuid>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        creator_id: Uuid,
    }
    let row: Option<Row> = diesel::sql_query("SELECT creator_id FROM creator_tiers WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(tier_id)
        .get_result(conn)
        .await
        .optional()?;
    Ok(row.map(|r| r.creator_id))
}

/// Plain members of tier rooms whose access has ended (of one fan and tier, or all).
pub async fn lapsed_members(
    conn: &mut AsyncPgConnection,
    only: Option<(Uuid, Uuid)>,
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        room_id: Uuid,
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        user_id: Uuid,
    }
    let (fan, tier) = only.unzip();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT m.room_id, m.user_id FROM room_members m JOIN rooms r ON r.id = m.room_id \
         WHERE r.required_tier_id IS NOT NULL \
           AND ($1::uuid IS NULL OR (m.user_id = $1 AND r.required_tier_id = $2)) \
           AND NOT parley_reads(r.kind, r.required_tier_id, m.role, m.user_id) \
         LIMIT 1000",
    )
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(fan)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(tier)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.room_id, r.user_id)).collect())
}
