//! Explicit mentions on a message: `{user_ids, room}` (Matrix's `m.mentions` model: what the
//! client says, checked against the room, never parsed out of the text).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::platform::error::ApiError;

/// Most users one message may mention.
pub const MAX_MENTIONS: usize = 50;
/// `@room` is refused in rooms with more members than this.
pub const MAX_ROOM_MENTION_MEMBERS: i32 = 1000;

/// Who a message mentions. On send: members of the room only (at most 50); `room` (@room)
/// only for owners and moderators, in rooms of at most 1,000 members.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Mentions {
    #[serde(default)]
    #[schema(max_items = 50)]
    pub user_ids: Vec<Uuid>,
    /// Mentions every member of the room.
    #[serde(default)]
    pub room: bool,
}

impl Mentions {
    /// The mentions as sent, checked for shape (membership is checked when posting);
    /// None when they mention nobody.
    pub fn checked(self) -> Result<Option<Self>, ApiError> {
        let mut ids = self.user_ids;
        let sent = ids.len();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != sent {
            return Err(ApiError::invalid("mentions.user_ids must not repeat a user"));
        }
        if ids.len() > MAX_MENTIONS {
            return Err(ApiError::invalid(format!(
                "a message may mention at most {MAX_MENTIONS} users"
            )));
        }
        if ids.is_empty() && !self.room {
            return Ok(None);
        }
        Ok(Some(Self {
            user_ids: ids,
            room: self.room,
        }))
    }

    /// As stored in `messages.mentions` (NULL = none).
    pub fn from_stored(stored: Option<&serde_json::Value>) -> Self {
        stored
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.user_ids.is_empty() && !self.room
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_and_too_many_are_refused_and_nobody_is_none() {
        let u = Uuid::now_v7();
        assert!(Mentions {
            user_ids: vec![u, u],
            room: false
        }
        .checked()
        .is_err());
        let many = (0..51).map(|_| Uuid::now_v7()).collect();
        assert!(Mentions {
            user_ids: many,
            room: false
        }
        .checked()
        .is_err());
        assert_eq!(Mentions::default().checked().unwrap(), None);
        let room = Mentions {
            user_ids: vec![],
            room: true,
        };
        assert_eq!(room.clone().checked().unwrap(), Some(room));
    }
}
