//! `message_unlocked` entries in users' feeds: a pay-per-view message is open to them (they
//! bought it, or its author edited one they may read). The room's log and live events hold
//! only the locked form, for everyone alike; this tells the entitled users' sockets, on
//! every instance and on resume, to fetch it. The entry carries ids, never the body.

use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use crate::features::events::FeedEntry;
use crate::features::notifications::feed;
use crate::platform::schema::messages;

pub const KIND: &str = "message_unlocked";

/// Tells `users` the message is open to them; nothing for a deleted or missing message.
pub async fn tell(conn: &mut AsyncPgConnection, message_id: Uuid, users: &[Uuid]) -> QueryResult<Vec<FeedEntry>> {
    let found: Option<(Uuid, i64)> = messages::table
        .find(message_id)
        .filter(messages::deleted_at.is_null())
        .select((messages::room_id, messages::seq))
        .first(conn)
        .await
        .optional()?;
    let Some((room_id, seq)) = found else {
        return Ok(Vec::new());
    };
    let data = json!({ "room_id": room_id, "message_id": message_id, "message_seq": seq });
    feed::append(conn, users, KIND, &data).await
}

#[derive(QueryableByName)]
struct Buyer {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
}

/// Who bought the message.
pub async fn buyers(conn: &mut AsyncPgConnection, message_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let rows: Vec<Buyer> = diesel::sql_query("SELECT user_id FROM ppv_unlocks WHERE message_id = $1")
        .bind::<SqlUuid, _>(message_id)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|b| b.user_id).collect())
}
