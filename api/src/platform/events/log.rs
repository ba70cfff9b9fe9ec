//! The room event log: `room_events (room_id, seq)`, appended in the transaction of each
//! change by `parley_append_event` (gap-free seqs), read for history, replay and back-fill.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::platform::schema::room_events;

crate::platform::text_enum::text_enum! {
    /// What happened in a room.
    pub enum EventKind {
        MessageCreated = "message.created",
        MessageUpdated = "message.updated",
        MessageDeleted = "message.deleted",
        ReactionAdded = "reaction.added",
        ReactionRemoved = "reaction.removed",
        MemberJoined = "member.joined",
        MemberLeft = "member.left",
        RoomUpdated = "room.updated",
        NoteShared = "note.shared",
        TipReceived = "tip.received",
        SessionScheduled = "session.scheduled",
        SessionUpdated = "session.updated",
        SessionDeleted = "session.deleted",
        SessionStarted = "session.started",
        SessionEnded = "session.ended",
        SessionParticipantJoined = "session.participant_joined",
        SessionParticipantLeft = "session.participant_left",
        SessionNoteCreated = "session.note_created",
        SessionNoteUpdated = "session.note_updated",
        SessionNoteDeleted = "session.note_deleted",
    }
}

/// One entry of a room's event log.
#[derive(Queryable, QueryableByName, Selectable, Serialize, Deserialize, ToSchema, Debug, Clone)]
#[diesel(table_name = room_events)]
pub struct RoomEvent {
    pub room_id: Uuid,
    /// Position in the room's log: 1, 2, 3… with no gap.
    pub seq: i64,
    pub kind: EventKind,
    /// The event's data: a message, a room, or a small object for reactions and members.
    #[serde(rename = "data")]
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Appends an event; run it last in the transaction that made the change (see the SQL).
pub async fn append(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    kind: EventKind,
    payload: &serde_json::Value,
) -> QueryResult<RoomEvent> {
    diesel::sql_query("SELECT * FROM parley_append_event($1, $2, $3)")
        .bind::<SqlUuid, _>(room_id)
        .bind::<Text, _>(kind.as_str())
        .bind::<Jsonb, _>(payload)
        .get_result(conn)
        .await
}

/// Empties a deleted message's text and attachments in the log entries that carried it (its creation and
/// its edits, all at or after its own seq), so replays and the events endpoint lose it too.
pub async fn scrub_message_text(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    message_seq: i64,
    message_id: Uuid,
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE room_events SET payload = jsonb_set(payload, '{body}', '\"\"') || '{\"attachments\": []}' \
         WHERE room_id = $1 AND seq >= $2 AND kind IN ('message.created', 'message.updated') \
           AND payload->>'id' = $3",
    )
    .bind::<SqlUuid, _>(room_id)
    .bind::<BigInt, _>(message_seq)
    .bind::<Text, _>(message_id.to_string())
    .execute(conn)
    .await
}

/// Events with seq > `after`, oldest first.
pub async fn after(conn: &mut AsyncPgConnection, room_id: Uuid, after: i64, limit: i64) -> QueryResult<Vec<RoomEvent>> {
    room_events::table
        .filter(room_events::room_id.eq(room_id))
        .filter(room_events::seq.gt(after))
        .order(room_events::seq.asc())
        .limit(limit)
        .select(RoomEvent::as_select())
        .load(conn)
        .await
}

/// Events with `after < seq <= upto`, oldest first.
pub async fn range(conn: &mut AsyncPgConnection, room_id: Uuid, after: i64, upto: i64) -> QueryResult<Vec<RoomEvent>> {
    room_events::table
        .filter(room_events::room_id.eq(room_id))
        .filter(room_events::seq.gt(after))
        .filter(room_events::seq.le(upto))
        .order(room_events::seq.asc())
        .select(RoomEvent::as_select())
        .load(conn)
        .await
}
