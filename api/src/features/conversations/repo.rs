//! The conversations query: the caller's rooms by activity, with unread counts.

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::features::rooms::access::Role;

#[derive(diesel::QueryableByName, Debug)]
pub struct ConversationRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub room_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub role: Role,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub unread: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub last_message_id: Option<Uuid>,
}

/// The caller's rooms by last activity (after the room `after` in that order), with unread
/// counts (others' live messages after the read marker) and the id of the last message.
pub async fn conversations(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> diesel::QueryResult<Vec<ConversationRow>> {
    diesel::sql_query(
        "SELECT r.id AS room_id, rm.role, \
           (SELECT count(*) FROM messages m WHERE m.room_id = r.id AND m.seq > rm.last_read_seq \
              AND m.author_id <> rm.user_id AND m.deleted_at IS NULL) AS unread, \
           (SELECT m.id FROM messages m WHERE m.room_id = r.id ORDER BY m.seq DESC LIMIT 1) AS last_message_id \
         FROM room_members rm JOIN rooms r ON r.id = rm.room_id \
         WHERE rm.user_id = $1 AND ($3::uuid IS NULL OR (r.last_activity_at, r.id) < \
               (SELECT c.last_activity_at, c.id FROM rooms c WHERE c.id = $3)) \
         ORDER BY r.last_activity_at DESC, r.id DESC LIMIT $2",
    )
    .bind::<diesel::sql_types::Uuid, _>(user_id)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(after)
    .load(conn)
    .await
}
