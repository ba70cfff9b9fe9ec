//! The `messages` and `reactions` tables, and the group-commit function.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Jsonb, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{messages, reactions, room_members};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: Uuid,
    pub room_id: Uuid,
    pub seq: i64,
    pub author_id: Uuid,
    pub body: String,
    pub reply_to: Option<Uuid>,
    pub client_msg_id: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub mentions: Option<serde_json::Value>,
    /// The attachments' views as posted (null: none, or deleted with the message).
    pub attachments: Option<serde_json::Value>,
    /// Pay-per-view: `{amount, currency, preview}` (null: free).
    pub ppv: Option<serde_json::Value>,
}

/// Reaction counts per emoji, and which of them the caller gave.
#[derive(Default, Debug, Clone)]
pub struct ReactionSummary {
    pub counts: BTreeMap<String, i64>,
    pub mine: Vec<String>,
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Message>> {
    messages::table
        .find(id)
        .select(Message::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Message>> {
    messages::table
        .filter(messages::id.eq_any(ids))
        .select(Message::as_select())
        .load(conn)
        .await
}

/// A page of history on the (room_id, seq) index: newest first below `before`, or oldest
/// first above `after`.
pub async fn page(
    conn: &mut AsyncPgConnection,
    room_id: Uuid,
    before: Option<i64>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Message>> {
    let query = messages::table
        .filter(messages::room_id.eq(room_id))
        .select(Message::as_select())
        .limit(limit)
        .into_boxed();
    match (before, after) {
        (_, Some(after)) => {
            query
                .filter(messages::seq.gt(after))
                .order(messages::seq.asc())
                .load(conn)
                .await
        }
        (Some(before), None) => {
            query
                .filter(messages::seq.lt(before))
                .order(messages::seq.desc())
                .load(conn)
                .await
        }
        (None, None) => query.order(messages::seq.desc()).load(conn).await,
    }
}

pub async fn reactions_for(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
    viewer: Uuid,
) -> QueryResult<HashMap<Uuid, ReactionSummary>> {
    let rows: Vec<(Uuid, String, Uuid)> = reactions::table
        .filter(reactions::message_id.eq_any(ids))
        .select((reactions::message_id, reactions::emoji, reactions::user_id))
        .load(conn)
        .await?;
    let mut out: HashMap<Uuid, ReactionSummary> = HashMap::new();
    for (message_id, emoji, user_id) in rows {
        let summary = out.entry(message_id).or_default();
        *summary.counts.entry(emoji.clone()).or_default() += 1;
        if user_id == viewer {
            summary.mine.push(emoji);
        }
    }
    Ok(out)
}

pub async fn edit(conn: &mut AsyncPgConnection, id: Uuid, body: &str) -> QueryResult<Message> {
    diesel::update(messages::table.find(id))
        .set((messages::body.eq(body), messages::edited_at.eq(Utc::now())))
        .returning(Message::as_returning())
        .get_result(conn)
        .await
}

/// Soft delete: the body and reactions go, the row and its seq stay.
pub async fn soft_delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Message> {
    diesel::delete(reactions::table.filter(reactions::message_id.eq(id)))
        .execute(conn)
        .await?;
    diesel::update(messages::table.find(id))
        .set((
            messages::body.eq(""),
            messages::deleted_at.eq(Utc::now()),
            messages::attachments.eq(None::<serde_json::Value>),
        ))
        .returning(Message::as_returning())
        .get_result(conn)
        .await
}

/// True when the reaction was new.
pub async fn add_reaction(
    conn: &mut AsyncPgConnection,
    message_id: Uuid,
    user_id: Uuid,
    emoji: &str,
) -> QueryResult<bool> {
    let n = diesel::insert_into(reactions::table)
        .values((
            reactions::message_id.eq(message_id),
            reactions::user_id.eq(user_id),
            reactions::emoji.eq(emoji),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// True when there was such a reaction.
pub async fn remove_reaction(
    conn: &mut AsyncPgConnection,
    message_id: Uuid,
    user_id: Uuid,
    emoji: &str,
) -> QueryResult<bool> {
    let n = diesel::delete(reactions::table.find((message_id, emoji, user_id)))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn reaction_count(conn: &mut AsyncPgConnection, message_id: Uuid, emoji: &str) -> QueryResult<i64> {
    reactions::table
        .filter(reactions::message_id.eq(message_id))
        .filter(reactions::emoji.eq(emoji))
        .count()
        .get_result(conn)
        .await
}

/// Full-text search over live messages of rooms the caller belongs to, newest first
/// (ids are UUIDv7, so id order is time order).
pub async fn search(
    conn: &mut AsyncPgConnection,
    viewer: Uuid,
    query: &str,
    room_id: Option<Uuid>,
    before_id: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Message>> {
    let mut q = messages::table
        .inner_join(
            room_members::table.on(room_members::room_id
                .eq(messages::room_id)
                .and(room_members::user_id.eq(viewer))),
        )
        .filter(messages::deleted_at.is_null())
        // The room's readers (a subscriber-only room's while their access lasts), and a
        // locked pay-per-view message only for those it is open to.
        .filter(diesel::dsl::sql::<Bool>(
            "parley_room_reader(messages.room_id, room_members.user_id) \
             AND parley_ppv_open(messages.id, messages.ppv, messages.author_id, room_members.user_id)",
        ))
        .filter(
            diesel::dsl::sql::<Bool>("messages.search @@ plainto_tsquery('simple', ")
                .bind::<Text, _>(query.to_owned())
                .sql(")"),
        )
        .order(messages::id.desc())
        .limit(limit)
        .select(Message::as_select())
        .into_boxed();
    if let Some(room_id) = room_id {
        q = q.filter(messages::room_id.eq(room_id));
    }
    if let Some(before) = before_id {
        q = q.filter(messages::id.lt(before));
    }
    q.load(conn).await
}

/// One message post for the group-commit function `parley_post_messages`.
#[derive(serde::Serialize, Debug, Clone)]
pub struct PostItem {
    pub idx: i32,
    pub id: Uuid,
    pub room_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub client_msg_id: String,
    pub reply_to: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// `{user_ids, room}`, or null for none.
    pub mentions: Option<serde_json::Value>,
    /// The `message.created` data without its seq (the function sets it).
    pub payload: serde_json::Value,
    /// Claimed by the post (each must be the author's unused attachment upload).
    pub attachment_ids: Vec<Uuid>,
    /// What the message stores of them (their views).
    pub attachments: serde_json::Value,
    /// Pay-per-view price and preview (the author must be able to sell).
    pub ppv: Option<serde_json::Value>,
}

crate::platform::text_enum::text_enum! {
    /// What `parley_post_messages` did with one post (its contract, decoded once here).
    pub enum Outcome {
        Created = "created",
        Duplicate = "duplicate",
        ClientMsgIdConflict = "client_msg_id_conflict",
        NotMember = "not_member",
        NoRoom = "no_room",
        BadReply = "bad_reply",
        BadMention = "bad_mention",
        BadRoomMention = "bad_room_mention",
        BadAttachment = "bad_attachment",
        BadPpv = "bad_ppv",
    }
}

#[derive(QueryableByName, Debug, Clone)]
pub struct PostOutcome {
    #[diesel(sql_type = Integer)]
    pub idx: i32,
    #[diesel(sql_type = Text)]
    pub outcome: Outcome,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub message_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub seq: Option<i64>,
}

/// Posts a batch in one statement (one round trip, one transaction when not inside one).
pub async fn post_batch(conn: &mut AsyncPgConnection, items: &[PostItem]) -> QueryResult<Vec<PostOutcome>> {
    let json = serde_json::to_value(items).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::sql_query("SELECT * FROM parley_post_messages($1)")
        .bind::<Jsonb, _>(json)
        .load(conn)
        .await
}

/// Which of these messages are open to the viewer (`parley_ppv_open`: not priced, their
/// own, or bought with a live unlock).
pub async fn open_to(conn: &mut AsyncPgConnection, viewer: Uuid, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    messages::table
        .filter(messages::id.eq_any(ids))
        .filter(
            diesel::dsl::sql::<Bool>("parley_ppv_open(messages.id, messages.ppv, messages.author_id, ")
                .bind::<diesel::sql_types::Uuid, _>(viewer)
                .sql(")"),
        )
        .select(messages::id)
        .load(conn)
        .await
}
