//! What clients see of messages and reactions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::{Message, ReactionSummary};
use crate::features::files::views::AttachmentView;
use crate::features::notifications::Mentions;

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
    /// Who the message mentions, as sent.
    pub mentions: Mentions,
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
    /// Files sent with the message (download through `/v1/files/{id}/download`); none once
    /// it is deleted.
    #[serde(default)]
    pub attachments: Vec<AttachmentView>,
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
            mentions: Mentions::from_stored(m.mentions.as_ref()),
            client_msg_id: m.client_msg_id,
            reactions: reactions.map(|r| r.counts.clone()).unwrap_or_default(),
            my_reactions: viewer_specific.then(|| reactions.map(|r| r.mine.clone()).unwrap_or_default()),
            created_at: m.created_at,
            edited_at: m.edited_at,
            deleted: m.deleted_at.is_some(),
            attachments: m
                .attachments
                .and_then(|a| serde_json::from_value(a).ok())
                .unwrap_or_default(),
        }
    }

    /// The view every member shares (an event's data): without the caller's own reactions.
    pub fn event_data(&self) -> serde_json::Value {
        let shared = MessageView {
            my_reactions: None,
            ..self.clone()
        };
        serde_json::to_value(shared).expect("a message view serialises")
    }
}

/// A `reaction.added` / `reaction.removed` event's data.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct ReactionEvent {
    pub message_id: Uuid,
    pub emoji: String,
    pub user_id: Uuid,
    /// How many users now give this emoji to the message.
    pub count: i64,
}
