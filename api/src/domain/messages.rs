//! Messages and reactions. Posting goes through the group-commit batcher (`posting`);
//! edits, deletes and reactions are single transactions that append their event last.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::events::{self, RoomEvent};
use crate::db::messages::{self, Message, ReactionSummary};
use crate::domain::rooms;
use crate::error::ApiError;

pub const MAX_BODY_CHARS: usize = 4000;

/// A message as clients see it. Deleted messages keep their seq with an empty body.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct MessageView {
    pub id: Uuid,
    pub room_id: Uuid,
    /// Position in the room's log.
    pub seq: i64,
    pub author_id: Uuid,
    pub body: String,
    pub reply_to: Option<Uuid>,
    /// The client's idempotency key.
    pub client_msg_id: String,
    /// Count per emoji.
    pub reactions: BTreeMap<String, i64>,
    /// Emojis the caller gave (REST only; events are shared by all members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_reactions: Option<Vec<String>>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
}

impl MessageView {
    pub fn new(m: Message, reactions: Option<&ReactionSummary>, viewer_specific: bool) -> Self {
        Self {
            id: m.id,
            room_id: m.room_id,
            seq: m.seq,
            author_id: m.author_id,
            body: m.body,
            reply_to: m.reply_to,
            client_msg_id: m.client_msg_id,
            reactions: reactions.map(|r| r.counts.clone()).unwrap_or_default(),
            my_reactions: viewer_specific.then(|| reactions.map(|r| r.mine.clone()).unwrap_or_default()),
            created_at: m.created_at,
            edited_at: m.edited_at,
            deleted: m.deleted_at.is_some(),
        }
    }

    fn event_data(&self) -> Result<serde_json::Value, ApiError> {
        let shared = MessageView {
            my_reactions: None,
            ..self.clone()
        };
        Ok(serde_json::to_value(shared).map_err(anyhow::Error::from)?)
    }
}

/// Trims and checks a message body: 1 to 4,000 characters.
pub fn parse_body(raw: &str) -> Result<String, ApiError> {
    let body = raw.trim();
    let chars = body.chars().count();
    if chars == 0 {
        return Err(ApiError::invalid("body must not be empty"));
    }
    if chars > MAX_BODY_CHARS {
        return Err(ApiError::invalid(format!(
            "body must be at most {MAX_BODY_CHARS} characters, not {chars}"
        )));
    }
    if body.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ApiError::invalid("body must not contain control characters"));
    }
    Ok(body.to_owned())
}

/// One emoji (a single grapheme that is not plain text) or a short `:name:`.
pub fn parse_emoji(raw: &str) -> Result<String, ApiError> {
    let named = raw.len() >= 3
        && raw.len() <= 34
        && raw.starts_with(':')
        && raw.ends_with(':')
        && raw[1..raw.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+');
    let mut graphemes = raw.graphemes(true);
    let single = matches!((graphemes.next(), graphemes.next()), (Some(_), None))
        && raw.len() <= 32
        && raw.chars().any(|c| (c as u32) >= 0x2000)
        && !raw
            .chars()
            .any(|c| c.is_alphanumeric() && (c as u32) < 0x2000 || c.is_whitespace() || c.is_control());
    if named || single {
        Ok(raw.to_owned())
    } else {
        Err(ApiError::invalid("emoji must be a single emoji or a :short_name:"))
    }
}

pub fn parse_client_msg_id(raw: &str) -> Result<String, ApiError> {
    if (1..=64).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_graphic()) {
        Ok(raw.to_owned())
    } else {
        Err(ApiError::invalid(
            "client_msg_id must be 1 to 64 visible ASCII characters (a UUID is ideal)",
        ))
    }
}

/// Messages with their reaction summaries, as seen by `viewer`.
pub async fn views(
    conn: &mut AsyncPgConnection,
    list: Vec<Message>,
    viewer: Uuid,
) -> Result<Vec<MessageView>, ApiError> {
    let ids: Vec<Uuid> = list.iter().filter(|m| m.deleted_at.is_none()).map(|m| m.id).collect();
    let reactions: HashMap<Uuid, ReactionSummary> = if ids.is_empty() {
        HashMap::new()
    } else {
        messages::reactions_for(conn, &ids, viewer).await?
    };
    Ok(list
        .into_iter()
        .map(|m| {
            let r = reactions.get(&m.id);
            MessageView::new(m, r, true)
        })
        .collect())
}

pub async fn view(conn: &mut AsyncPgConnection, m: Message, viewer: Uuid) -> Result<MessageView, ApiError> {
    Ok(views(conn, vec![m], viewer).await?.remove(0))
}

/// The message if the caller can see its room (404 otherwise, like a missing message).
async fn visible(conn: &mut AsyncPgConnection, id: Uuid, user_id: Uuid) -> Result<(Message, rooms::Access), ApiError> {
    let message = messages::by_id(conn, id).await?.ok_or(ApiError::NotFound("message"))?;
    let access = rooms::access(conn, message.room_id, user_id)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::NotFound("message"),
            other => other,
        })?;
    Ok((message, access))
}

pub async fn edit(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    id: Uuid,
    body: String,
) -> Result<(MessageView, Vec<RoomEvent>), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (message, access) = visible(conn, id, user_id).await?;
        access.require_member()?;
        if message.author_id != user_id {
            return Err(ApiError::Forbidden("only the author may edit a message".into()));
        }
        if message.deleted_at.is_some() {
            return Err(ApiError::Conflict("the message was deleted".into()));
        }
        let edited = messages::edit(conn, id, &body).await?;
        let view = view(conn, edited, user_id).await?;
        let event = events::append(conn, view.room_id, "message.updated", &view.event_data()?).await?;
        Ok((view, vec![event]))
    })
    .await
}

/// Soft delete by the author, or a moderator or owner of the room. Deleting twice is a no-op.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<(MessageView, Vec<RoomEvent>), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (message, access) = visible(conn, id, user_id).await?;
        if message.author_id != user_id && !access.is_manager() {
            return Err(ApiError::Forbidden(
                "only the author, a moderator or the owner may delete a message".into(),
            ));
        }
        if message.deleted_at.is_some() {
            return Ok((MessageView::new(message, None, true), vec![]));
        }
        let deleted = messages::soft_delete(conn, id).await?;
        events::scrub_message_text(conn, deleted.room_id, deleted.seq, id).await?;
        let view = MessageView::new(deleted, None, true);
        let event = events::append(conn, view.room_id, "message.deleted", &view.event_data()?).await?;
        Ok((view, vec![event]))
    })
    .await
}

/// Adds or removes the caller's reaction; idempotent (no event when nothing changed).
pub async fn react(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    id: Uuid,
    emoji: String,
    add: bool,
) -> Result<(MessageView, Vec<RoomEvent>), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (message, access) = visible(conn, id, user_id).await?;
        access.require_member()?;
        if message.deleted_at.is_some() {
            return Err(ApiError::Conflict("the message was deleted".into()));
        }
        let changed = if add {
            messages::add_reaction(conn, id, user_id, &emoji).await?
        } else {
            messages::remove_reaction(conn, id, user_id, &emoji).await?
        };
        let mut events = vec![];
        if changed {
            let count = messages::reaction_count(conn, id, &emoji).await?;
            let kind = if add { "reaction.added" } else { "reaction.removed" };
            let data = serde_json::json!({"message_id": id, "emoji": emoji, "user_id": user_id, "count": count});
            events.push(events::append(conn, message.room_id, kind, &data).await?);
        }
        let view = view(conn, message, user_id).await?;
        Ok((view, events))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(parse_body("  hi \n").unwrap(), "hi");
        assert!(parse_body(" \n\t ").is_err());
        assert!(parse_body(&"é".repeat(4000)).is_ok());
        assert!(parse_body(&"é".repeat(4001)).is_err());
        assert!(parse_body("a\u{0007}b").is_err());
    }

    #[test]
    fn emoji_is_one_grapheme_or_a_short_name() {
        for ok in ["👍", "❤️", "👨‍👩‍👧", "🇫🇷", ":thumbs_up:", ":+1:", "👍🏽"] {
            assert!(parse_emoji(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "ab",
            "👍👍",
            ":no spaces:",
            "::",
            " 👍",
            "<script>",
            ":this_name_is_far_too_long_to_be_an_emoji:",
        ] {
            assert!(parse_emoji(bad).is_err(), "{bad}");
        }
    }
}
