//! The notification tables, and the SQL functions that write the feed in one statement.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Jsonb, Nullable, SmallInt, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use super::feed::EntryRow;
use super::views::Kind;
use crate::platform::events::FeedEntry;
use crate::platform::schema::{notifications, push_subscriptions, room_members, rooms, users};

/// A posted message, as the fan-out query takes it.
#[derive(Serialize, Debug)]
pub struct CandidateQuery {
    pub ord: i32,
    pub room_id: Uuid,
    pub author_id: Uuid,
    pub reply_to: Option<Uuid>,
    pub mention_ids: Vec<Uuid>,
    pub room_mention: bool,
}

/// Someone who may be told about a message, with what the decision needs.
#[derive(QueryableByName, Debug)]
pub struct Candidate {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub ord: i32,
    #[diesel(sql_type = SqlUuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = Bool)]
    pub direct_room: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub notify_level: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub muted_until: Option<DateTime<Utc>>,
    #[diesel(sql_type = Text)]
    pub time_zone: String,
    #[diesel(sql_type = Nullable<SmallInt>)]
    pub dnd_start: Option<i16>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    pub dnd_end: Option<i16>,
    #[diesel(sql_type = Bool)]
    pub mentioned: bool,
    #[diesel(sql_type = Bool)]
    pub replied: bool,
    #[diesel(sql_type = Bool)]
    pub has_push: bool,
}

/// Who may be told about each message: members mentioned, the author of the message
/// replied to, every member of a direct room or of an `@room`, and members at level `all`
/// — current members only, never the author. Each branch is an index lookup.
pub async fn candidates(conn: &mut AsyncPgConnection, messages: &[CandidateQuery]) -> QueryResult<Vec<Candidate>> {
    let json = serde_json::to_value(messages).expect("candidate queries serialise");
    diesel::sql_query(
        "WITH m AS (
            SELECT * FROM jsonb_to_recordset($1) AS x(
                ord integer, room_id uuid, author_id uuid, reply_to uuid, mention_ids jsonb, room_mention boolean)
         ),
         cand AS (
            SELECT m.ord, rm.user_id FROM m
            JOIN rooms r ON r.id = m.room_id AND (r.kind = 'direct' OR m.room_mention)
            JOIN room_members rm ON rm.room_id = m.room_id
            UNION
            SELECT m.ord, rm.user_id FROM m
            JOIN room_members rm ON rm.room_id = m.room_id AND rm.notify_level = 'all'
            UNION
            SELECT m.ord, u.id::uuid FROM m, jsonb_array_elements_text(m.mention_ids) u(id)
            UNION
            SELECT m.ord, p.author_id FROM m JOIN messages p ON p.id = m.reply_to
         )
         SELECT c.ord, c.user_id, r.kind = 'direct' AS direct_room, rm.notify_level, rm.muted_until,
                u.time_zone, u.dnd_start, u.dnd_end,
                m.mention_ids ? c.user_id::text AS mentioned,
                EXISTS (SELECT 1 FROM messages p WHERE p.id = m.reply_to AND p.author_id = c.user_id) AS replied,
                EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = c.user_id) AS has_push
         FROM cand c
         JOIN m ON m.ord = c.ord
         JOIN rooms r ON r.id = m.room_id
         JOIN room_members rm ON rm.room_id = m.room_id AND rm.user_id = c.user_id
         JOIN users u ON u.id = c.user_id AND NOT u.deleted
         WHERE c.user_id <> m.author_id
         ORDER BY c.ord, c.user_id",
    )
    .bind::<Jsonb, _>(json)
    .load(conn)
    .await
}

/// One notification to write (see `parley_notify`).
#[derive(Serialize, Debug, Clone)]
pub struct NewNotification {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: Kind,
    pub group_key: Option<String>,
    pub room_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    pub room_seq: Option<i64>,
    pub actor_id: Option<Uuid>,
    pub preview: Option<String>,
    pub push: bool,
    pub ord: i32,
    pub subject_id: Option<Uuid>,
}

/// Writes notifications (coalescing, seqs, log, push jobs) in one statement; returns the
/// feed entries to publish.
pub async fn notify(conn: &mut AsyncPgConnection, items: &[NewNotification]) -> QueryResult<Vec<FeedEntry>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_value(items).expect("notifications serialise");
    let rows: Vec<EntryRow> = diesel::sql_query("SELECT * FROM parley_notify($1)")
        .bind::<Jsonb, _>(json)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(FeedEntry::from).collect())
}

/// What to mark read.
pub enum ReadScope<'a> {
    Ids(&'a [Uuid]),
    UpToSeq(i64),
    Room { room_id: Uuid, up_to_room_seq: i64 },
}

/// Marks notifications read; the log entry of the change, if any.
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    scope: ReadScope<'_>,
) -> QueryResult<Option<FeedEntry>> {
    let (ids, up_to, room, room_seq) = match scope {
        ReadScope::Ids(ids) => (Some(ids.to_vec()), None, None, None),
        ReadScope::UpToSeq(seq) => (None, Some(seq), None, None),
        ReadScope::Room {
            room_id,
            up_to_room_seq,
        } => (None, None, Some(room_id), Some(up_to_room_seq)),
    };
    let rows: Vec<EntryRow> = diesel::sql_query("SELECT * FROM parley_notifications_read($1, $2, $3, $4, $5)")
        .bind::<SqlUuid, _>(user_id)
        .bind::<Nullable<Array<SqlUuid>>, _>(ids)
        .bind::<Nullable<BigInt>, _>(up_to)
        .bind::<Nullable<SqlUuid>, _>(room)
        .bind::<Nullable<BigInt>, _>(room_seq)
        .load(conn)
        .await?;
    Ok(rows.into_iter().next().map(FeedEntry::from))
}

#[derive(QueryableByName)]
struct ViewRow {
    #[diesel(sql_type = Jsonb)]
    view: serde_json::Value,
}

/// A page of the feed as views: newest first below the cursor's seq, or oldest first above
/// `after`.
pub async fn page(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    unread_only: bool,
    after: Option<i64>,
    cursor: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<serde_json::Value>> {
    let order = if after.is_some() { "ASC" } else { "DESC" };
    let rows: Vec<ViewRow> = diesel::sql_query(format!(
        "SELECT parley_notification_view(n) AS view FROM notifications n
         WHERE n.user_id = $1 AND (NOT $2 OR n.read_at IS NULL)
           AND ($3::bigint IS NULL OR n.seq > $3)
           AND ($4::uuid IS NULL OR n.seq {cmp} (SELECT c.seq FROM notifications c WHERE c.id = $4 AND c.user_id = $1))
         ORDER BY n.seq {order} LIMIT $5",
        cmp = if after.is_some() { ">" } else { "<" },
    ))
    .bind::<SqlUuid, _>(user_id)
    .bind::<Bool, _>(unread_only)
    .bind::<Nullable<BigInt>, _>(after)
    .bind::<Nullable<SqlUuid>, _>(cursor)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.view).collect())
}

pub async fn unread_count(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// A member's level and mute for a room, and whether it is a direct room (None when not
/// a member).
pub async fn member_level(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    user_id: Uuid,
) -> QueryResult<Option<(Option<String>, Option<DateTime<Utc>>, bool)>> {
    room_members::table
        .inner_join(rooms::table)
        .filter(room_members::room_id.eq(room_id))
        .filter(room_members::user_id.eq(user_id))
        .select((
            room_members::notify_level,
            room_members::muted_until,
            rooms::kind.eq("direct"),
        ))
        .first(conn)
        .await
        .optional()
}

pub async fn set_member_level(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    user_id: Uuid,
    level: Option<&str>,
    muted_until: Option<DateTime<Utc>>,
) -> QueryResult<usize> {
    diesel::update(room_members::table.find((room_id, user_id)))
        .set((
            room_members::notify_level.eq(level),
            room_members::muted_until.eq(muted_until),
        ))
        .execute(conn)
        .await
}

pub async fn user_settings(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
) -> QueryResult<(String, Option<i16>, Option<i16>)> {
    users::table
        .find(user_id)
        .select((users::time_zone, users::dnd_start, users::dnd_end))
        .first(conn)
        .await
}

pub async fn set_user_settings(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    time_zone: &str,
    dnd: Option<(i16, i16)>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::time_zone.eq(time_zone),
            users::dnd_start.eq(dnd.map(|d| d.0)),
            users::dnd_end.eq(dnd.map(|d| d.1)),
        ))
        .execute(conn)
        .await
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = push_subscriptions)]
pub struct PushSubscription {
    pub id: Uuid,
    pub user_id: Uuid,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// Saves a browser's subscription for the user (an endpoint moves to its latest owner).
pub async fn upsert_subscription(conn: &mut AsyncPgConnection, sub: &PushSubscription) -> QueryResult<Uuid> {
    diesel::insert_into(push_subscriptions::table)
        .values((
            push_subscriptions::id.eq(sub.id),
            push_subscriptions::user_id.eq(sub.user_id),
            push_subscriptions::endpoint.eq(&sub.endpoint),
            push_subscriptions::p256dh.eq(&sub.p256dh),
            push_subscriptions::auth.eq(&sub.auth),
        ))
        .on_conflict(push_subscriptions::endpoint)
        .do_update()
        .set((
            push_subscriptions::user_id.eq(sub.user_id),
            push_subscriptions::p256dh.eq(&sub.p256dh),
            push_subscriptions::auth.eq(&sub.auth),
            push_subscriptions::failures.eq(0),
        ))
        .returning(push_subscriptions::id)
        .get_result(conn)
        .await
}

/// Deletes the user's subscription with this endpoint; false when there is none.
pub async fn delete_subscription(conn: &mut AsyncPgConnection, user_id: Uuid, endpoint: &str) -> QueryResult<bool> {
    let n = diesel::delete(
        push_subscriptions::table
            .filter(push_subscriptions::user_id.eq(user_id))
            .filter(push_subscriptions::endpoint.eq(endpoint)),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

pub async fn subscription(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<PushSubscription>> {
    push_subscriptions::table
        .find(id)
        .select(PushSubscription::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn drop_subscription(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(push_subscriptions::table.find(id)).execute(conn).await
}

pub async fn subscription_ok(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::update(push_subscriptions::table.find(id))
        .set((
            push_subscriptions::failures.eq(0),
            push_subscriptions::last_ok_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
}

/// A notification's view (for a push payload), if it still exists.
pub async fn view(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<serde_json::Value>> {
    let rows: Vec<ViewRow> =
        diesel::sql_query("SELECT parley_notification_view(n) AS view FROM notifications n WHERE n.id = $1")
            .bind::<SqlUuid, _>(id)
            .load(conn)
            .await?;
    Ok(rows.into_iter().next().map(|r| r.view))
}

/// Empties a deleted message's text from the notifications and feed log entries that
/// quoted it (found through the message index, then each user's log by its key).
pub async fn scrub_message(conn: &mut AsyncPgConnection, message_id: Uuid) -> QueryResult<usize> {
    diesel::sql_query(
        "WITH hit AS (
            UPDATE notifications SET preview = NULL WHERE message_id = $1 AND preview IS NOT NULL
            RETURNING user_id
         )
         UPDATE notification_log l SET data = jsonb_set(l.data, '{notification,preview}', 'null')
         WHERE l.user_id IN (SELECT user_id FROM hit) AND l.kind = 'notification'
           AND l.data->'notification'->>'message_id' = $1::text",
    )
    .bind::<SqlUuid, _>(message_id)
    .execute(conn)
    .await
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    newer: bool,
}

/// Whether a later push to the same browser about the same room was queued after this one
/// (then this one is obsolete: a user gets the latest per room, not a backlog).
pub async fn newer_push(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    subscription_id: Uuid,
    room_id: Uuid,
) -> QueryResult<bool> {
    let row: Exists = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = 'push.send' AND id > $1
                          AND payload->>'subscription_id' = $2::text AND payload->>'room_id' = $3::text) AS newer",
    )
    .bind::<BigInt, _>(job_id)
    .bind::<SqlUuid, _>(subscription_id)
    .bind::<SqlUuid, _>(room_id)
    .get_result(conn)
    .await?;
    Ok(row.newer)
}

/// One unread mention or DM thread, as a digest lists it.
#[derive(QueryableByName, Debug, Clone)]
pub struct DigestItem {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub room_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub actor_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub preview: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Int4)]
    pub count: i32,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// How many such rows there are in all (the same on every row).
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

pub async fn digest_items(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    since: chrono::DateTime<chrono::Utc>,
    limit: i64,
) -> QueryResult<(Vec<DigestItem>, i64)> {
    let rows: Vec<DigestItem> = diesel::sql_query(
        "SELECT n.kind, r.name AS room_name, a.display_name AS actor_name, n.preview, n.count, n.updated_at, \
                count(*) OVER () AS total \
         FROM notifications n \
         LEFT JOIN rooms r ON r.id = n.room_id \
         LEFT JOIN users a ON a.id = n.actor_id \
         WHERE n.user_id = $1 AND n.read_at IS NULL AND n.kind IN ('mention', 'dm') AND n.updated_at >= $2 \
         ORDER BY n.updated_at DESC LIMIT $3",
    )
    .bind::<SqlUuid, _>(user_id)
    .bind::<diesel::sql_types::Timestamptz, _>(since)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    let total = <[DigestItem]>::first(&rows).map_or(0, |r| r.total);
    Ok((rows, total))
}
