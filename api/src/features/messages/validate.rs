//! Message input, checked once: bodies, emoji, idempotency keys.

use unicode_segmentation::UnicodeSegmentation;

use crate::platform::error::ApiError;

pub const MAX_BODY_CHARS: usize = 4000;

/// Trims and checks a message body: 1 to 4,000 characters.
pub fn parse_body(raw: &str) -> Result<String, ApiError> {
    let body = raw.trim();
    let chars = body.chars().count();
    if chars == 0 {
        return Err(ApiError::invalid("body must not be empty"));
    }
    if chars > MAX_BODY_CHARS {
        return Err(ApiError::invalid(format!(
            "body must be at most {MAX_BODY_CHARS} characters, not {chars}"
        )));
    }
    if body.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ApiError::invalid("body must not contain control characters"));
    }
    Ok(body.to_owned())
}

/// One emoji (a single grapheme that is not plain text) or a short `:name:`.
pub fn parse_emoji(raw: &str) -> Result<String, ApiError> {
    let named = raw.len() >= 3
        && raw.len() <= 34
        && raw.starts_with(':')
        && raw.ends_with(':')
        && raw[1..raw.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+');
    let mut graphemes = raw.graphemes(true);
    let single = matches!((graphemes.next(), graphemes.next()), (Some(_), None))
        && raw.len() <= 32
        && raw.chars().any(|c| (c as u32) >= 0x2000)
        && !raw
            .chars()
            .any(|c| c.is_alphanumeric() && (c as u32) < 0x2000 || c.is_whitespace() || c.is_control());
    if named || single {
        Ok(raw.to_owned())
    } else {
        Err(ApiError::invalid("emoji must be a single emoji or a :short_name:"))
    }
}

pub fn parse_client_msg_id(raw: &str) -> Result<String, ApiError> {
    if (1..=64).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_graphic()) {
        Ok(raw.to_owned())
    } else {
        Err(ApiError::invalid(
            "client_msg_id must be 1 to 64 visible ASCII characters (a UUID is ideal)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(parse_body("  hi \n").unwrap(), "hi");
        assert!(parse_body(" \n\t ").is_err());
        assert!(parse_body(&"é".repeat(4000)).is_ok());
        assert!(parse_body(&"é".repeat(4001)).is_err());
        assert!(parse_body("a\u{0007}b").is_err());
    }

    #[test]
    fn emoji_is_one_grapheme_or_a_short_name() {
        for ok in ["👍", "❤️", "👨‍👩‍👧", "🇫🇷", ":thumbs_up:", ":+1:", "👍🏽"] {
            assert!(parse_emoji(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "ab",
            "👍👍",
            ":no spaces:",
            "::",
            " 👍",
            "<script>",
            ":this_name_is_far_too_long_to_be_an_emoji:",
        ] {
            assert!(parse_emoji(bad).is_err(), "{bad}");
        }
    }
}
