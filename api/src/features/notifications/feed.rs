//! A user's feed log (`notification_log`): every change in seq order with no hole, read for
//! the socket's replay and the hub's back-fill, exactly like a room's log.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::events::FeedEntry;
use crate::platform::schema::{notification_log, users};

type Row = (Uuid, i64, String, serde_json::Value);

fn entry((user_id, seq, kind, data): Row) -> FeedEntry {
    FeedEntry {
        user_id,
        seq,
        kind,
        data,
    }
}

/// The feed's head (0 for a user who has none or is gone).
pub async fn head(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    Ok(users::table
        .find(user_id)
        .select(users::notif_seq)
        .first(conn)
        .await
        .optional()?
        .unwrap_or(0))
}

/// Feed heads of users (for the hub's tail check).
pub async fn heads(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<(Uuid, i64)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::notif_seq))
        .load(conn)
        .await
}

/// Entries with seq > `after`, oldest first, at most `limit`.
pub async fn after(conn: &mut AsyncPgConnection, user_id: Uuid, after: i64, limit: i64) -> QueryResult<Vec<FeedEntry>> {
    read(conn, user_id, after, i64::MAX, limit).await
}

/// Entries with `after < seq <= upto`, oldest first.
pub async fn range(conn: &mut AsyncPgConnection, user_id: Uuid, after: i64, upto: i64) -> QueryResult<Vec<FeedEntry>> {
    read(conn, user_id, after, upto, i64::MAX).await
}

async fn read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    after: i64,
    upto: i64,
    limit: i64,
) -> QueryResult<Vec<FeedEntry>> {
    let rows: Vec<Row> = notification_log::table
        .filter(notification_log::user_id.eq(user_id))
        .filter(notification_log::seq.gt(after))
        .filter(notification_log::seq.le(upto))
        .order(notification_log::seq.asc())
        .limit(limit)
        .select((
            notification_log::user_id,
            notification_log::seq,
            notification_log::kind,
            notification_log::data,
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// Feed entries as SQL functions return them.
#[derive(QueryableByName)]
pub struct EntryRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub seq: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub data: serde_json::Value,
}

impl From<EntryRow> for FeedEntry {
    fn from(r: EntryRow) -> Self {
        entry((r.user_id, r.seq, r.kind, r.data))
    }
}

/// Appends one entry to each user's feed (users that are gone are skipped). The rows are
/// locked in id order first, like every multi-user feed write, so writers never deadlock.
pub async fn append(
    conn: &mut AsyncPgConnection,
    users: &[Uuid],
    kind: &str,
    data: &serde_json::Value,
) -> QueryResult<Vec<FeedEntry>> {
    use diesel::sql_types::{Array, Jsonb, Text, Uuid as SqlUuid};
    if users.is_empty() {
        return Ok(Vec::new());
    }
    diesel::sql_query("SELECT 1 FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
        .bind::<Array<SqlUuid>, _>(users)
        .execute(conn)
        .await?;
    let rows: Vec<EntryRow> = diesel::sql_query(
        "WITH bumped AS (UPDATE users u SET notif_seq = u.notif_seq + 1 WHERE u.id = ANY($1) \
                         RETURNING u.id, u.notif_seq) \
         INSERT INTO notification_log AS l (user_id, seq, kind, data) \
         SELECT b.id, b.notif_seq, $2, $3 FROM bumped b \
         RETURNING l.user_id, l.seq, l.kind, l.data",
    )
    .bind::<Array<SqlUuid>, _>(users)
    .bind::<Text, _>(kind)
    .bind::<Jsonb, _>(data)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(FeedEntry::from).collect())
}
