//! Sessions' input, checked once.

use crate::platform::validate::{as_given, checked_string, trimmed, Rule, LINE, NO_NUL};

checked_string!(
    /// A session's title: 1 to 200 characters on one line.
    SessionTitle,
    Rule {
        min: 1,
        max: 200,
        pattern: Some(&LINE),
        message: "title must be 1 to 200 characters on one line with at least one visible",
    },
    trimmed
);

checked_string!(
    /// A session note's text: 1 to 4000 characters.
    NoteBody,
    Rule {
        min: 1,
        max: 4000,
        pattern: Some(&NO_NUL),
        message: "body must be 1 to 4000 characters, without NUL",
    },
    trimmed
);

checked_string!(
    /// The client's key of a note: 1 to 64 characters on one line.
    ClientNoteId,
    Rule {
        min: 1,
        max: 64,
        pattern: Some(&LINE),
        message: "client_note_id must be 1 to 64 characters on one line",
    },
    as_given
);
