//! Checked input of payment routes.

pub use crate::platform::validate::Currency;
use crate::platform::validate::{checked_string, trimmed, Rule, LINE, NO_NUL, TEXT};

checked_string!(
    /// A note with a tip: 1 to 500 characters, at least one visible. Stored trimmed.
    TipNote,
    Rule {
        min: 1,
        max: 500,
        pattern: Some(&TEXT),
        message: "message must be 1 to 500 characters with at least one visible",
    },
    trimmed
);

checked_string!(
    /// A tier's name: 1 to 80 characters on one line.
    TierName,
    Rule {
        min: 1,
        max: 80,
        pattern: Some(&LINE),
        message: "name must be 1 to 80 characters on one line with at least one visible",
    },
    trimmed
);

checked_string!(
    /// One benefit of a tier: 1 to 200 characters on one line.
    Benefit,
    Rule {
        min: 1,
        max: 200,
        pattern: Some(&LINE),
        message: "a benefit must be 1 to 200 characters on one line with at least one visible",
    },
    trimmed
);

checked_string!(
    /// A creator's bio: up to 2,000 characters.
    Bio,
    Rule {
        min: 0,
        max: 2000,
        pattern: Some(&NO_NUL),
        message: "bio must be at most 2000 characters, without NUL",
    },
    trimmed
);
