//! The `files` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{files, users};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = files)]
pub struct File {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub purpose: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub status: String,
    pub object_key: String,
    pub download_count: i64,
    pub created_at: DateTime<Utc>,
    pub attached_at: Option<DateTime<Utc>>,
    /// The message a file is attached to.
    pub message_id: Option<Uuid>,
    /// Where an image attachment's thumbnail is stored.
    pub thumbnail_key: Option<String>,
}

/// Bytes the user's files take now.
pub async fn used_bytes(conn: &mut AsyncPgConnection, owner: Uuid) -> QueryResult<i64> {
    let sum: Option<i64> = files::table
        .filter(files::owner_id.eq(owner))
        .select(diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>("sum(size)::bigint"))
        .first(conn)
        .await?;
    Ok(sum.unwrap_or(0))
}

/// Locks the owner's row: uploads of one user are counted against the quota one at a time.
pub async fn lock_owner(conn: &mut AsyncPgConnection, owner: Uuid) -> QueryResult<()> {
    users::table
        .find(owner)
        .select(users::id)
        .for_no_key_update()
        .first::<Uuid>(conn)
        .await?;
    Ok(())
}

pub async fn insert(conn: &mut AsyncPgConnection, file: &File) -> QueryResult<File> {
    diesel::insert_into(files::table)
        .values(file)
        .returning(File::as_returning())
        .get_result(conn)
        .await
}

/// The file when `user` may see it (`parley_file_visible`: the owner; anyone for avatars,
/// logos and public notes; members of the room its message or note is in).
pub async fn visible(conn: &mut AsyncPgConnection, id: Uuid, user: Uuid) -> QueryResult<Option<File>> {
    files::table
        .find(id)
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("parley_file_visible(files.id, ")
                .bind::<diesel::sql_types::Uuid, _>(user)
                .sql(")"),
        )
        .select(File::as_select())
        .first(conn)
        .await
        .optional()
}

/// Marks the owner's unused upload of that purpose as in use; false when it is not one.
pub async fn claim(conn: &mut AsyncPgConnection, owner: Uuid, id: Uuid, purpose: &str) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        claimed: bool,
    }
    let row: Claimed = diesel::sql_query("SELECT parley_claim_file($1, $2, $3) AS claimed")
        .bind::<diesel::sql_types::Uuid, _>(owner)
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Text, _>(purpose)
        .get_result(conn)
        .await?;
    Ok(row.claimed)
}

/// Deletes the files' rows and queues the deletion of their objects; how many went.
pub async fn release(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Released {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        n: i32,
    }
    let row: Released = diesel::sql_query("SELECT parley_release_files($1) AS n")
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
        .get_result(conn)
        .await?;
    Ok(row.n)
}

/// The files attached to a message.
pub async fn of_message(conn: &mut AsyncPgConnection, message_id: Uuid) -> QueryResult<Vec<Uuid>> {
    files::table
        .filter(files::message_id.eq(message_id))
        .select(files::id)
        .load(conn)
        .await
}

/// The files a room uses: its messages' attachments and its logo.
pub async fn of_room(conn: &mut AsyncPgConnection, room_id: Uuid) -> QueryResult<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT f.id FROM files f JOIN messages m ON m.id = f.message_id WHERE m.room_id = $1
         UNION SELECT r.logo_file_id FROM rooms r WHERE r.id = $1 AND r.logo_file_id IS NOT NULL",
    )
    .bind::<diesel::sql_types::Uuid, _>(room_id)
    .load(conn)
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// Files by id (those that exist).
pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<File>> {
    files::table
        .filter(files::id.eq_any(ids))
        .select(File::as_select())
        .load(conn)
        .await
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<File>> {
    files::table
        .find(id)
        .select(File::as_select())
        .first(conn)
        .await
        .optional()
}

/// Counts a download; the file as it is now (None when it is gone).
pub async fn count_download(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<File>> {
    diesel::update(files::table.find(id))
        .set(files::download_count.eq(files::download_count + 1))
        .returning(File::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Deletes the owner's unused upload; its object keys (the file's, its thumbnail's) when
/// there was one.
pub async fn delete_unused(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    owner: Uuid,
) -> QueryResult<Option<(String, Option<String>)>> {
    diesel::delete(
        files::table
            .filter(files::id.eq(id))
            .filter(files::owner_id.eq(owner))
            .filter(files::status.eq("uploaded")),
    )
    .returning((files::object_key, files::thumbnail_key))
    .get_result(conn)
    .await
    .optional()
}

/// Deletes up to `limit` uploads unused since before `cutoff`, skipping rows another
/// instance is sweeping; each one's object key and thumbnail key.
pub async fn sweep(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<(String, Option<String>)>> {
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = diesel::sql_types::Text)]
        object_key: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        thumbnail_key: Option<String>,
    }
    let keys: Vec<Key> = diesel::sql_query(
        "DELETE FROM files WHERE id IN (
            SELECT id FROM files WHERE status = 'uploaded' AND created_at < $1
            ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING object_key, thumbnail_key",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(cutoff)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(keys.into_iter().map(|k| (k.object_key, k.thumbnail_key)).collect())
}
