//! Note input, checked once.

use uuid::Uuid;

use super::repo::NoteChanges;
use crate::platform::validate::checked_string;
use crate::platform::validate::{trimmed, Rule, LINE, NO_NUL};

checked_string!(
    /// A note's title: 1 to 200 characters on one line, at least one visible. Stored trimmed.
    NoteTitle,
    Rule {
        min: 1,
        max: 200,
        pattern: Some(&LINE),
        message: "title must be 1 to 200 characters on one line with at least one visible",
    },
    trimmed
);

checked_string!(
    /// A note's description: up to 4,000 characters.
    NoteDescription,
    Rule {
        min: 0,
        max: 4000,
        pattern: Some(&NO_NUL),
        message: "description must be at most 4000 characters, without NUL",
    },
    trimmed
);

/// A note's changes, checked.
pub struct NoteUpdate(pub(super) NoteChanges);

impl NoteUpdate {
    pub fn new(
        title: Option<NoteTitle>,
        description: Option<NoteDescription>,
        is_public: Option<bool>,
        room_id: Option<Option<Uuid>>,
    ) -> Self {
        Self(NoteChanges {
            title: title.map(NoteTitle::into_inner),
            description: description.map(NoteDescription::into_inner),
            is_public,
            room_id,
            updated_at: Some(chrono::Utc::now()),
        })
    }
}
