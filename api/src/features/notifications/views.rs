//! What clients see of notifications and their settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::decide::Level;

crate::platform::text_enum::text_enum! {
    /// Why the user is told. Kinds of features still to come (subscribers, payments,
    /// lectures) are added with them.
    pub enum Kind {
        Mention = "mention",
        Reply = "reply",
        Dm = "dm",
        RoomInvite = "room_invite",
        Message = "message",
        /// A booking was made or confirmed (`subject_id`: the booking).
        BookingConfirmed = "booking_confirmed",
        /// A booking was requested, rescheduled, cancelled or rejected (the preview says which).
        BookingChanged = "booking_changed",
        /// A booking starts soon.
        BookingReminder = "booking_reminder",
    }
}

/// One entry of the caller's feed. Coalesced entries (DMs and level-`all` messages per
/// room, replies per thread) carry a count and the latest sender and message.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct NotificationView {
    pub id: Uuid,
    /// Position in the caller's feed (the seq of its latest change).
    pub seq: i64,
    pub kind: Kind,
    pub room_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    /// The message's seq in its room: where to jump.
    pub room_seq: Option<i64>,
    /// Who caused it (the latest, when coalesced).
    pub actor_id: Option<Uuid>,
    /// How many changes it stands for (1 unless coalesced).
    pub count: i32,
    /// The start of the message text (at most 140 characters), or what happened to the
    /// subject.
    pub preview: Option<String>,
    /// What it is about when that is not a message (a booking's id).
    pub subject_id: Option<Uuid>,
    pub room_name: Option<String>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ReadResult {
    /// How many notifications this call marked read.
    pub read: i64,
    pub unread_count: i64,
}

/// A room's level as the caller set it (`default` = not set).
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LevelChoice {
    Default,
    All,
    Mentions,
    None,
}

impl LevelChoice {
    pub fn level(self) -> Option<Level> {
        match self {
            Self::Default => None,
            Self::All => Some(Level::All),
            Self::Mentions => Some(Level::Mentions),
            Self::None => Some(Level::None),
        }
    }

    pub fn from_level(level: Option<Level>) -> Self {
        match level {
            None => Self::Default,
            Some(Level::All) => Self::All,
            Some(Level::Mentions) => Self::Mentions,
            Some(Level::None) => Self::None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoomLevelView {
    pub room_id: Uuid,
    pub level: LevelChoice,
    /// What applies: `all` in direct rooms and `mentions` elsewhere by default.
    pub effective_level: Level,
    /// No notification from this room before then.
    pub muted_until: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct SettingsView {
    /// IANA time zone of the do-not-disturb hours.
    pub time_zone: String,
    /// Do-not-disturb hours, local time (null = off).
    pub dnd: Option<DndView>,
}

#[derive(Serialize, ToSchema)]
pub struct DndView {
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM`, exclusive; earlier than the start to span midnight.
    pub end: String,
}

#[derive(Serialize, ToSchema)]
pub struct VapidKey {
    /// The VAPID public key (uncompressed P-256 point, base64url): `applicationServerKey`.
    pub public_key: String,
}

#[derive(Serialize, ToSchema)]
pub struct PushSubscriptionView {
    pub id: Uuid,
}
