//! Profile input, checked once: each field's type states its rule in the OpenAPI document.

use uuid::Uuid;

use super::repo::ProfileChanges;
use crate::platform::validate::checked_string;
use crate::platform::validate::{as_given, pattern, trimmed, Rule, LINE, NO_NUL};

pattern!(COLOR = "^(#[0-9A-Fa-f]{6})?$");
pattern!(HTTP_URL = r"^(https?://[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*)?$");

checked_string!(
    /// A display name: 1 to 64 characters on one line, at least one visible. Stored trimmed.
    DisplayName,
    Rule {
        min: 1,
        max: 64,
        pattern: Some(&LINE),
        message: "display_name must be 1 to 64 characters on one line with at least one visible",
    },
    trimmed
);

checked_string!(
    /// A bio: up to 500 characters; empty (or only whitespace) clears it.
    Bio,
    Rule {
        min: 0,
        max: 500,
        pattern: Some(&NO_NUL),
        message: "bio must be at most 500 characters, without NUL",
    },
    trimmed
);

checked_string!(
    /// A colour, `#rrggbb`; empty clears it. Stored in lower case.
    Color,
    Rule {
        min: 0,
        max: 7,
        pattern: Some(&COLOR),
        message: "color must look like #1e90ff (or be empty to clear it)",
    },
    str::to_lowercase
);

checked_string!(
    /// An http(s) URL of at most 2,048 characters with no whitespace or control
    /// characters; empty clears it.
    ImageUrl,
    Rule {
        min: 0,
        max: 2048,
        pattern: Some(&HTTP_URL),
        message: "image_url must be an http(s) URL of at most 2048 characters (or empty to clear it)",
    },
    as_given
);

/// A checked profile update; empty optional strings clear their field.
pub struct ProfileUpdate(pub(super) ProfileChanges);

impl ProfileUpdate {
    pub fn new(
        display_name: Option<DisplayName>,
        bio: Option<Bio>,
        color: Option<Color>,
        image_url: Option<ImageUrl>,
        avatar_file_id: Option<Option<Uuid>>,
    ) -> Self {
        let cleared = |s: String| (!s.is_empty()).then_some(s);
        Self(ProfileChanges {
            profile_complete: display_name.is_some().then_some(true),
            display_name: display_name.map(DisplayName::into_inner),
            bio: bio.map(|b| cleared(b.into_inner())),
            color: color.map(|c| cleared(c.into_inner())),
            image_url: image_url.map(|u| cleared(u.into_inner())),
            updated_at: Some(chrono::Utc::now()),
            avatar_file_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_a_full_update() {
        let c = ProfileUpdate::new(
            Some(DisplayName::parse(" Ann ").unwrap()),
            Some(Bio::parse("  ").unwrap()),
            Some(Color::parse("#AABBCC").unwrap()),
            Some(ImageUrl::parse("https://x.test/a.png").unwrap()),
            None,
        )
        .0;
        assert_eq!(c.display_name.as_deref(), Some("Ann"));
        assert_eq!(c.bio, Some(None));
        assert_eq!(c.color, Some(Some("#aabbcc".into())));
        assert_eq!(c.profile_complete, Some(true));
    }

    #[test]
    fn refuses_bad_values() {
        assert!(DisplayName::parse("  ").is_err());
        assert!(DisplayName::parse(&"x".repeat(65)).is_err());
        assert!(Bio::parse(&"x".repeat(501)).is_err());
        assert!(Color::parse("red").is_err());
        assert!(Color::parse(" #aabbcc").is_err());
        assert!(ImageUrl::parse("javascript:alert(1)").is_err());
        assert!(ImageUrl::parse("https://x.test/a b").is_err());
    }
}
