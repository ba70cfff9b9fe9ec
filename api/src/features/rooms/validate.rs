//! Room input, checked once: names, descriptions, member limits.

use chrono::Utc;
use uuid::Uuid;

use super::kinds::RoomKind;
use super::repo::RoomChanges;
use crate::platform::error::ApiError;
use crate::platform::validate::checked_string;
use crate::platform::validate::{trimmed, Rule, LINE, NO_NUL};

pub const MAX_MEMBERS_LIMIT: i32 = 100_000;

checked_string!(
    /// A room's name: 1 to 80 characters on one line, at least one visible. Stored trimmed.
    RoomName,
    Rule {
        min: 1,
        max: 80,
        pattern: Some(&LINE),
        message: "name must be 1 to 80 characters on one line with at least one visible",
    },
    trimmed
);

checked_string!(
    /// A room's description: up to 1,000 characters; empty (or only whitespace) clears it.
    RoomDescription,
    Rule {
        min: 0,
        max: 1000,
        pattern: Some(&NO_NUL),
        message: "description must be at most 1000 characters, without NUL",
    },
    trimmed
);

fn description(d: Option<RoomDescription>) -> Option<String> {
    d.map(RoomDescription::into_inner).filter(|d| !d.is_empty())
}

pub fn parse_max_members(raw: Option<i32>) -> Result<Option<i32>, ApiError> {
    match raw {
        Some(n) if !(1..=MAX_MEMBERS_LIMIT).contains(&n) => {
            Err(ApiError::invalid("max_members must be between 1 and 100000"))
        }
        other => Ok(other),
    }
}

/// A new public or private room, checked.
pub struct NewRoomInput {
    pub name: String,
    pub description: Option<String>,
    pub kind: RoomKind,
    pub max_members: Option<i32>,
    pub required_tier_id: Option<Uuid>,
}

impl NewRoomInput {
    pub fn parse(
        name: RoomName,
        description: Option<RoomDescription>,
        kind: RoomKind,
        max_members: Option<i32>,
        required_tier_id: Option<Uuid>,
    ) -> Result<Self, ApiError> {
        if kind == RoomKind::Direct {
            return Err(ApiError::invalid("direct rooms come from POST /v1/dms"));
        }
        Ok(Self {
            name: name.into_inner(),
            description: self::description(description),
            kind,
            max_members: parse_max_members(max_members)?,
            required_tier_id,
        })
    }
}

/// A room update, checked; 0 max_members clears the limit, an empty description clears it.
pub struct RoomUpdate(pub(super) RoomChanges);

impl RoomUpdate {
    pub fn parse(
        name: Option<RoomName>,
        description: Option<RoomDescription>,
        max_members: Option<i32>,
        logo_file_id: Option<Option<Uuid>>,
        required_tier_id: Option<Option<Uuid>>,
    ) -> Result<Self, ApiError> {
        Ok(Self(RoomChanges {
            name: name.map(RoomName::into_inner),
            description: description.map(|d| self::description(Some(d))),
            max_members: match max_members {
                None => None,
                Some(0) => Some(None),
                Some(n) => Some(parse_max_members(Some(n))?),
            },
            updated_at: Some(Utc::now()),
            logo_file_id,
            required_tier_id,
        }))
    }
}
