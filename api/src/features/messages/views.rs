//! What clients see of messages and reactions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::{Message, ReactionSummary};
use crate::features::files::views::AttachmentView;
use crate::features::notifications::Mentions;

/// A pay-per-view message's price.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct PpvPrice {
    #[schema(example = 500)]
    pub amount: i64,
    #[schema(example = "usd")]
    pub currency: String,
}

/// What a pay-per-view message stores: its price and free preview.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Ppv {
    pub amount: i64,
    pub currency: String,
    #[serde(default)]
    pub preview: Option<String>,
}

/// A message as clients see it. Deleted messages keep their seq with an empty body. A
/// pay-per-view message is `locked` to everyone but its author and buyers: then it has no
/// `body` and no attachments, only `ppv` (the price) and `preview`.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct MessageView {
    pub id: Uuid,
    pub room_id: Uuid,
    /// Position in the room's log.
    pub seq: i64,
    pub author_id: Uuid,
    /// Absent while `locked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// True for a pay-per-view message the viewer has not bought (events: always).
    #[serde(default)]
    pub locked: bool,
    /// The price of a pay-per-view message (unlock with `POST /v1/messages/{id}/unlock`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppv: Option<PpvPrice>,
    /// A pay-per-view message's free preview, shown locked or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
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
    /// The message unlocked (as its author sees it); `lock` it for anyone else.
    pub fn new(m: Message, reactions: Option<&ReactionSummary>, viewer_specific: bool) -> Self {
        let ppv: Option<Ppv> = m.ppv.and_then(|v| serde_json::from_value(v).ok());
        Self {
            id: m.id,
            room_id: m.room_id,
            seq: m.seq,
            author_id: m.author_id,
            body: Some(m.body),
            locked: false,
            ppv: ppv.as_ref().map(|p| PpvPrice {
                amount: p.amount,
                currency: p.currency.clone(),
            }),
            preview: ppv.and_then(|p| p.preview),
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

    /// Hides a pay-per-view message's body and attachments unless `entitled`.
    pub fn lock(mut self, entitled: bool) -> Self {
        if self.ppv.is_some() && !entitled {
            self.locked = true;
            self.body = None;
            self.attachments = Vec::new();
        }
        self
    }

    /// The view every member shares (an event's data): without the caller's own reactions,
    /// and a pay-per-view message locked (the log never holds what it sells).
    pub fn event_data(&self) -> serde_json::Value {
        // The chat path's common case: nothing to hide, so no copy of the view.
        if self.ppv.is_none() && self.my_reactions.is_none() {
            return serde_json::to_value(self).expect("a message view serialises");
        }
        let shared = MessageView {
            my_reactions: None,
            ..self.clone()
        }
        .lock(false);
        serde_json::to_value(shared).expect("a message view serialises")
    }

    /// The text a notification may show: a pay-per-view message's preview, never its body.
    pub fn notification_text(&self) -> String {
        match (&self.ppv, &self.preview) {
            (Some(_), Some(p)) => format!("🔒 {p}"),
            (Some(_), None) => "🔒 Pay-per-view message".into(),
            _ => self.body.clone().unwrap_or_default(),
        }
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
