//! Checked strings: one declaration gives a type whose JSON input is validated on the way
//! in (a bad value is a 422 naming the rule) and whose OpenAPI schema states exactly that
//! rule — length in characters and a pattern — so the document cannot drift from the code.
//! The patterns use only constructs ECMA-262, Python and Rust's `regex` read the same way:
//! explicit character classes with `\uXXXX` escapes (no `\s`, whose meaning differs).

use std::sync::LazyLock;

use regex::Regex;

/// A pattern's text (for the schema) and its compiled form (for the check), compiled once
/// on first use. Declare one with `pattern!`.
pub struct Pattern {
    pub source: &'static str,
    #[doc(hidden)]
    pub regex: LazyLock<Regex>,
}

impl Pattern {
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// `pattern!(pub NAME = "regex")`: a `Pattern` static.
macro_rules! pattern {
    ($(#[$meta:meta])* $vis:vis $name:ident = $source:expr) => {
        $(#[$meta])*
        $vis static $name: $crate::platform::validate::Pattern = $crate::platform::validate::Pattern {
            source: $source,
            regex: std::sync::LazyLock::new(|| regex::Regex::new($source).expect("a valid pattern")),
        };
    };
}
pub(crate) use pattern;

/// Characters that are neither control characters nor whitespace (Unicode White_Space).
macro_rules! visible_class {
    () => {
        r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    };
}

pattern!(
    /// One line: no control characters, at least one visible character.
    pub LINE = concat!(
        r"^[^\u0000-\u001F\u007F-\u009F]*",
        visible_class!(),
        r"[^\u0000-\u001F\u007F-\u009F]*$"
    )
);
pattern!(
    /// Text: tabs and newlines allowed, other control characters not; at least one visible
    /// character.
    pub TEXT = concat!(
        r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*",
        visible_class!(),
        r"[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$"
    )
);
pattern!(
    /// At least one character that is not whitespace, and no NUL.
    pub NOT_BLANK = r"^[^\u0000]*[^\u0000\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
);

/// The rule a checked string follows.
pub struct Rule {
    pub min: usize,
    pub max: usize,
    pub pattern: Option<&'static Pattern>,
    /// What a client is told when a value breaks the rule.
    pub message: &'static str,
}

impl Rule {
    pub fn check(&self, raw: &str) -> Result<(), String> {
        let chars = raw.chars().count();
        let fits = (self.min..=self.max).contains(&chars) && self.pattern.is_none_or(|p| p.is_match(raw));
        if fits {
            Ok(())
        } else {
            Err(self.message.to_owned())
        }
    }

    pub fn schema(&self) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut b = ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(self.max))
            .description(Some(self.message));
        if self.min > 0 {
            b = b.min_length(Some(self.min));
        }
        if let Some(p) = self.pattern {
            b = b.pattern(Some(p.source));
        }
        b.into()
    }
}

/// `checked_string!(Name, RULE, normalize)`: a `String` newtype that deserialises only when
/// `RULE` holds (then `normalize` is applied) and whose schema is `RULE`'s.
macro_rules! checked_string {
    ($(#[$meta:meta])* $name:ident, $rule:expr, $normalize:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const RULE: $crate::platform::validate::Rule = $rule;

            pub fn parse(raw: &str) -> Result<Self, $crate::platform::error::ApiError> {
                Self::RULE
                    .check(raw)
                    .map(|()| Self(($normalize)(raw)))
                    .map_err($crate::platform::error::ApiError::Invalid)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::RULE
                    .check(&raw)
                    .map(|()| Self(($normalize)(&raw)))
                    .map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                Self::RULE.schema()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use checked_string;

/// Trims surrounding whitespace.
pub fn trimmed(raw: &str) -> String {
    raw.trim().to_owned()
}

/// Keeps the value as given.
pub fn as_given(raw: &str) -> String {
    raw.to_owned()
}

pattern!(
    /// No NUL characters (PostgreSQL text cannot hold them); otherwise anything.
    pub NO_NUL = r"^[^\u0000]*$"
);

pattern!(
    /// E.164: `+`, then 8 to 15 digits, the first not 0.
    pub E164 = r"^\+[1-9][0-9]{7,14}$"
);

checked_string!(
    /// A phone number in E.164 form (`+14155550123`): where texts go.
    PhoneNumber,
    Rule {
        min: 9,
        max: 16,
        pattern: Some(&E164),
        message: "a phone number must be E.164: + and 8 to 15 digits, the first not 0",
    },
    as_given
);

/// Integers as JSON Schema counts them: `3` and `3.0` alike (a number whose fraction is
/// zero is an integer there), range-checked into `T`. For `#[serde(deserialize_with)]`.
pub fn integer<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let n = <serde_json::Number as serde::Deserialize>::deserialize(d)?;
    let whole = n.as_i64().or_else(|| {
        n.as_f64()
            // Up to 2^53 - 1: every integer there is exact as a float.
            .filter(|f| f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_991.0)
            .map(|f| f as i64)
    });
    let whole = whole.ok_or_else(|| D::Error::custom(format!("expected an integer, not {n}")))?;
    T::try_from(whole).map_err(|_| D::Error::custom(format!("integer out of range: {whole}")))
}

/// `integer` for an optional field (absent or null = None).
pub fn opt_integer<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    #[derive(serde::Deserialize)]
    struct Wrap<T: TryFrom<i64>>(#[serde(deserialize_with = "integer")] T);
    Ok(<Option<Wrap<T>> as serde::Deserialize>::deserialize(d)?.map(|w| w.0))
}

/// `integer` for a field that may also be null (`Some(None)`); absent is `None` with
/// `#[serde(default)]`.
pub fn nullable_integer<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    Ok(Some(opt_integer(d)?))
}

pattern!(
    /// The currencies Parley sells in (lowercase ISO 4217, as Stripe writes them).
    pub CURRENCY = r"^(usd|eur|gbp|cad|aud)$"
);

checked_string!(
    /// A lowercase ISO currency Parley sells in: usd, eur, gbp, cad or aud.
    Currency,
    Rule {
        min: 3,
        max: 3,
        pattern: Some(&CURRENCY),
        message: "currency must be one of usd, eur, gbp, cad, aud (lowercase)",
    },
    as_given
);

// The schema of a UUID field where `format: uuid` alone is not enough (inside a `oneOf`,
// where some generators skip formats): `#[schema(value_type = UuidText)]`.
/// A UUID, as text.
#[derive(utoipa::ToSchema)]
#[schema(format = Uuid, pattern = "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
#[allow(dead_code)] // a schema only: the field stays a `Uuid`
pub struct UuidText(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_may_be_written_as_whole_floats_up_to_2_pow_53() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(deserialize_with = "integer")]
            n: i64,
        }
        let n = |json: &str| serde_json::from_str::<T>(json).map(|t| t.n);
        assert_eq!(n(r#"{"n": 3}"#).unwrap(), 3);
        assert_eq!(n(r#"{"n": 3.0}"#).unwrap(), 3);
        assert_eq!(n(r#"{"n": 9007199254740991.0}"#).unwrap(), 9_007_199_254_740_991);
        assert!(n(r#"{"n": 3.5}"#).is_err());
        assert!(n(r#"{"n": 1e300}"#).is_err());
        assert!(n(r#"{"n": "3"}"#).is_err());
    }

    #[test]
    fn lines_need_a_visible_character_and_no_control_characters() {
        for ok in ["a", "  a  ", "日本", "a b", "🙂"] {
            assert!(LINE.is_match(ok), "{ok:?}");
        }
        for bad in ["", "   ", "\u{3000}", "a\nb", "a\u{7}", "\u{85}", "\u{a0}"] {
            assert!(!LINE.is_match(bad), "{bad:?}");
        }
    }

    #[test]
    fn text_allows_tabs_and_newlines_but_not_other_controls() {
        assert!(TEXT.is_match("line one\n\tline two"));
        assert!(!TEXT.is_match("\n\t "));
        assert!(!TEXT.is_match("a\rb"));
        assert!(!TEXT.is_match("a\u{1b}b"));
    }

    #[test]
    fn not_blank_agrees_with_trim() {
        for s in ["", " ", "\u{2003}\t", "x", " x ", "\u{feff}"] {
            assert_eq!(NOT_BLANK.is_match(s), !s.trim().is_empty(), "{s:?}");
        }
    }
}
