//! `message_unlocked` entries in users' feeds: a pay-per-view message is open to them (they
//! bought it, or its author edited one they may read). The room's log and live events hold
//! only the locked form, for everyone alike; this tells the entitled users' sockets, on
//! every instance and on resume, to fetch it. The entry carries ids, never the body.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use crate::features::notifications::feed;
use crate::platform::events::FeedEntry;
use crate::platform::schema::{messages, ppv_unlocks};

pub const KIND: &str = "message_unlocked";

/// Tells `users` the message (`room_id`, `id`, `seq`) is open to them.
pub async fn tell(
    conn: &mut AsyncPgConnection,
    users: &[Uuid],
    room_id: Uuid,
    id: Uuid,
    seq: i64,
) -> QueryResult<Vec<FeedEntry>> {
    let data = json!({ "room_id": room_id, "message_id": id, "message_seq": seq });
    feed::append(conn, users, KIND, &data).await
}

/// Tells the buyer the message they paid for is open; nothing if it was deleted meanwhile.
pub async fn tell_buyer(conn: &mut AsyncPgConnection, id: Uuid, buyer: Uuid) -> QueryResult<Vec<FeedEntry>> {
    let found: Option<(Uuid, i64)> = messages::table
        .find(id)
        .filter(messages::deleted_at.is_null())
        .select((messages::room_id, messages::seq))
        .first(conn)
        .await
        .optional()?;
    match found {
        Some((room_id, seq)) => tell(conn, &[buyer], room_id, id, seq).await,
        None => Ok(Vec::new()),
    }
}

/// Who bought the message.
pub async fn buyers(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<Uuid>> {
    ppv_unlocks::table
        .filter(ppv_unlocks::message_id.eq(id))
        .select(ppv_unlocks::user_id)
        .load(conn)
        .await
}
