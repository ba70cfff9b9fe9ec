//! Log entries as one viewer may see them. The log holds pay-per-view messages locked
//! (for everyone alike); the author and buyers get the body and attachments back when
//! they read the log (REST) or resume on a socket.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, Jsonb, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::log::{EventKind, RoomEvent};

#[derive(QueryableByName)]
struct Open {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Nullable<Jsonb>)]
    attachments: Option<serde_json::Value>,
}

pub async fn for_viewer(conn: &mut AsyncPgConnection, viewer: Uuid, events: &mut [RoomEvent]) -> QueryResult<()> {
    let locked: Vec<Uuid> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::MessageCreated | EventKind::MessageUpdated))
        .filter(|e| e.payload["locked"] == serde_json::Value::Bool(true))
        .filter_map(|e| e.payload["id"].as_str().and_then(|s| s.parse().ok()))
        .collect();
    if locked.is_empty() {
        return Ok(());
    }
    let open: Vec<Open> = diesel::sql_query(
        "SELECT m.id, m.body, m.attachments FROM messages m \
         WHERE m.id = ANY($1) AND m.deleted_at IS NULL AND parley_ppv_open(m.id, m.ppv, m.author_id, $2)",
    )
    .bind::<Array<SqlUuid>, _>(&locked)
    .bind::<SqlUuid, _>(viewer)
    .load(conn)
    .await?;
    let open: HashMap<Uuid, Open> = open.into_iter().map(|o| (o.id, o)).collect();
    for e in events.iter_mut() {
        let id = e.payload["id"].as_str().and_then(|s| s.parse::<Uuid>().ok());
        let Some(o) = id.and_then(|id| open.get(&id)) else {
            continue;
        };
        if e.payload["locked"] != serde_json::Value::Bool(true) {
            continue;
        }
        e.payload["locked"] = false.into();
        e.payload["body"] = o.body.clone().into();
        e.payload["attachments"] = o.attachments.clone().unwrap_or_else(|| serde_json::json!([]));
    }
    Ok(())
}
