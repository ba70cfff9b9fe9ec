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

/// Deletes the owner's unused upload; its object key when there was one.
pub async fn delete_unused(conn: &mut AsyncPgConnection, id: Uuid, owner: Uuid) -> QueryResult<Option<String>> {
    diesel::delete(
        files::table
            .filter(files::id.eq(id))
            .filter(files::owner_id.eq(owner))
            .filter(files::status.eq("uploaded")),
    )
    .returning(files::object_key)
    .get_result(conn)
    .await
    .optional()
}

/// Deletes up to `limit` uploads unused since before `cutoff`, skipping rows another
/// instance is sweeping; their object keys.
pub async fn sweep(conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>, limit: i64) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = diesel::sql_types::Text)]
        object_key: String,
    }
    let keys: Vec<Key> = diesel::sql_query(
        "DELETE FROM files WHERE id IN (
            SELECT id FROM files WHERE status = 'uploaded' AND created_at < $1
            ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING object_key",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(cutoff)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(keys.into_iter().map(|k| k.object_key).collect())
}
