//! Message input, checked once: bodies, emoji, idempotency keys.

use unicode_segmentation::UnicodeSegmentation;

use crate::platform::error::ApiError;
use crate::platform::validate::checked_string;
use crate::platform::validate::{as_given, pattern, trimmed, Rule, NOT_BLANK, TEXT};

pattern!(VISIBLE_ASCII = "^[!-~]*$");

pub const MAX_BODY_CHARS: usize = 4000;

checked_string!(
    /// A message's text: 1 to 4,000 characters with at least one visible; tabs and
    /// newlines allowed, other control characters not. Stored trimmed.
    MessageText,
    Rule {
        min: 1,
        max: MAX_BODY_CHARS,
        pattern: Some(&TEXT),
        message: "body must be 1 to 4000 characters with at least one visible, and no control characters but tab and newline",
    },
    trimmed
);

checked_string!(
    /// The client's idempotency key: 1 to 64 visible ASCII characters (a UUID is ideal).
    ClientMsgId,
    Rule {
        min: 1,
        max: 64,
        pattern: Some(&VISIBLE_ASCII),
        message: "client_msg_id must be 1 to 64 visible ASCII characters (a UUID is ideal)",
    },
    as_given
);

checked_string!(
    /// Words to search for: 1 to 200 characters, not all whitespace.
    SearchText,
    Rule {
        min: 1,
        max: 200,
        pattern: Some(&NOT_BLANK),
        message: "q must be 1 to 200 characters, not all whitespace",
    },
    trimmed
);

pattern!(
    /// The shape every accepted emoji has: a `:short_name:`, or up to 32 characters none of
    /// which is an ASCII letter or digit, whitespace or a control. Being one grapheme with a
    /// character past U+2000 is checked on top, which a pattern cannot say.
    pub EMOJI_SHAPE = r"^(:[A-Za-z0-9_+-]{1,32}:|[^\u0000-\u0020\u0030-\u0039\u0041-\u005A\u0061-\u007A\u007F-\u00A0]{1,32})$");

/// Trims and checks a message body: 1 to 4,000 characters.
pub fn parse_body(raw: &str) -> Result<String, ApiError> {
    MessageText::parse(raw).map(MessageText::into_inner)
}

/// One emoji (a single grapheme that is not plain text) or a short `:name:`.
pub fn parse_emoji(raw: &str) -> Result<String, ApiError> {
    if !EMOJI_SHAPE.is_match(raw) {
        return Err(ApiError::invalid("emoji must be a single emoji or a :short_name:"));
    }
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
    ClientMsgId::parse(raw).map(ClientMsgId::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_that_pass_also_match_the_documented_shape() {
        for ok in ["👍", "❤️", "👨‍👩‍👧", "🇫🇷", ":thumbs_up:", ":+1:", "👍🏽"] {
            assert!(EMOJI_SHAPE.is_match(ok), "{ok}");
        }
        for bad in ["a", "ab", ":no spaces:", " 👍", "<script>"] {
            assert!(!EMOJI_SHAPE.is_match(bad), "{bad}");
        }
    }

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

checked_string!(
    /// A pay-per-view message's free preview: 1 to 280 characters.
    PpvPreview,
    Rule {
        min: 1,
        max: 280,
        pattern: Some(&TEXT),
        message: "preview must be 1 to 280 characters with at least one visible",
    },
    trimmed
);

/// Pay-per-view: the price (minor units, 100 to 100000) and an optional free preview.
#[derive(serde::Deserialize, utoipa::ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct PpvRequest {
    #[serde(deserialize_with = "crate::platform::validate::integer")]
    #[schema(minimum = 100, maximum = 100000)]
    pub amount: i64,
    pub currency: crate::platform::validate::Currency,
    pub preview: Option<PpvPreview>,
}

impl PpvRequest {
    pub fn checked(self) -> Result<super::views::Ppv, ApiError> {
        Ok(super::views::Ppv {
            amount: crate::platform::money::PPV_PRICE.check(self.amount)?,
            currency: self.currency.into_inner(),
            preview: self.preview.map(PpvPreview::into_inner),
        })
    }
}
