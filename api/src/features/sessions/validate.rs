//! Sessions' input, checked once.

use crate::platform::validate::{checked_string, trimmed, Rule, LINE};

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
