//! A profile update, validated.

use super::repo::ProfileChanges;
use crate::platform::error::ApiError;

/// A checked profile update; empty optional strings clear their field.
pub struct ProfileUpdate(pub(super) ProfileChanges);

impl ProfileUpdate {
    pub fn parse(
        display_name: Option<String>,
        bio: Option<String>,
        color: Option<String>,
        image_url: Option<String>,
    ) -> Result<Self, ApiError> {
        changes(display_name, bio, color, image_url).map(Self)
    }
}

fn changes(
    display_name: Option<String>,
    bio: Option<String>,
    color: Option<String>,
    image_url: Option<String>,
) -> Result<ProfileChanges, ApiError> {
    let mut c = ProfileChanges {
        updated_at: Some(chrono::Utc::now()),
        ..Default::default()
    };
    if let Some(name) = display_name {
        let name = name.trim();
        let len = name.chars().count();
        if !(1..=64).contains(&len) || name.chars().any(char::is_control) {
            return Err(ApiError::invalid("display_name must be 1 to 64 printable characters"));
        }
        c.display_name = Some(name.to_owned());
        c.profile_complete = Some(true);
    }
    if let Some(bio) = bio {
        let bio = bio.trim();
        if bio.chars().count() > 500 {
            return Err(ApiError::invalid("bio must be at most 500 characters"));
        }
        c.bio = Some((!bio.is_empty()).then(|| bio.to_owned()));
    }
    if let Some(color) = color {
        let color = color.trim();
        let hex = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|ch| ch.is_ascii_hexdigit());
        if !color.is_empty() && !hex {
            return Err(ApiError::invalid("color must look like #1e90ff"));
        }
        c.color = Some((!color.is_empty()).then(|| color.to_lowercase()));
    }
    if let Some(url) = image_url {
        let url = url.trim();
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 2048
            && !url.chars().any(|ch| ch.is_whitespace() || ch.is_control());
        if !url.is_empty() && !ok {
            return Err(ApiError::invalid(
                "image_url must be an http(s) URL of at most 2048 characters",
            ));
        }
        c.image_url = Some((!url.is_empty()).then(|| url.to_owned()));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_a_full_update() {
        let c = changes(
            Some(" Ann ".into()),
            Some("".into()),
            Some("#AABBCC".into()),
            Some("https://x.test/a.png".into()),
        )
        .unwrap();
        assert_eq!(c.display_name.as_deref(), Some("Ann"));
        assert_eq!(c.bio, Some(None));
        assert_eq!(c.color, Some(Some("#aabbcc".into())));
        assert_eq!(c.profile_complete, Some(true));
    }

    #[test]
    fn refuses_bad_values() {
        assert!(changes(Some("  ".into()), None, None, None).is_err());
        assert!(changes(None, Some("x".repeat(501)), None, None).is_err());
        assert!(changes(None, None, Some("red".into()), None).is_err());
        assert!(changes(None, None, None, Some("javascript:alert(1)".into())).is_err());
    }
}
