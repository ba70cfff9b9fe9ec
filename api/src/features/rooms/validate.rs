//! Room input, checked once: names, descriptions, member limits.

use chrono::Utc;

use super::access::RoomKind;
use super::repo::RoomChanges;
use crate::platform::error::ApiError;

pub const NAME_MAX: usize = 80;
pub const DESCRIPTION_MAX: usize = 1000;
pub const MAX_MEMBERS_LIMIT: i32 = 100_000;

pub fn parse_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let len = name.chars().count();
    if !(1..=NAME_MAX).contains(&len) || name.chars().any(char::is_control) {
        return Err(ApiError::invalid("name must be 1 to 80 printable characters"));
    }
    Ok(name.to_owned())
}

pub fn parse_description(raw: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(d) = raw else { return Ok(None) };
    let d = d.trim();
    if d.chars().count() > DESCRIPTION_MAX {
        return Err(ApiError::invalid("description must be at most 1000 characters"));
    }
    Ok((!d.is_empty()).then(|| d.to_owned()))
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
}

impl NewRoomInput {
    pub fn parse(
        name: &str,
        description: Option<String>,
        kind: RoomKind,
        max_members: Option<i32>,
    ) -> Result<Self, ApiError> {
        if kind == RoomKind::Direct {
            return Err(ApiError::invalid("direct rooms come from POST /v1/dms"));
        }
        Ok(Self {
            name: parse_name(name)?,
            description: parse_description(description)?,
            kind,
            max_members: parse_max_members(max_members)?,
        })
    }
}

/// A room update, checked; 0 max_members clears the limit, an empty description clears it.
pub struct RoomUpdate(pub(super) RoomChanges);

impl RoomUpdate {
    pub fn parse(name: Option<&str>, description: Option<String>, max_members: Option<i32>) -> Result<Self, ApiError> {
        Ok(Self(RoomChanges {
            name: name.map(parse_name).transpose()?,
            description: description.map(|d| parse_description(Some(d))).transpose()?,
            max_members: match max_members {
                None => None,
                Some(0) => Some(None),
                Some(n) => Some(parse_max_members(Some(n))?),
            },
            updated_at: Some(Utc::now()),
        }))
    }
}
