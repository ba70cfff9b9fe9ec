//! Wall-clock times and IANA time zones as clients give them.

use chrono_tz::Tz;

use super::error::ApiError;
use super::validate::{as_given, checked_string, pattern, Rule};

pattern!(
    /// `HH:MM`, 00:00 to 23:59.
    pub CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
);

checked_string!(
    /// A local time `HH:MM` (00:00 to 23:59).
    ClockTime,
    Rule {
        min: 5,
        max: 5,
        pattern: Some(&CLOCK),
        message: "times must be HH:MM between 00:00 and 23:59",
    },
    as_given
);

/// The IANA time zone names chrono-tz knows: the schema's enum, exactly what is accepted.
pub fn time_zone_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some("An IANA time zone name, e.g. Europe/Paris."))
        .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
        .build()
}

/// An IANA time zone name, as chrono-tz knows it.
pub fn time_zone(raw: &str) -> Result<Tz, ApiError> {
    raw.parse::<Tz>()
        .map_err(|_| ApiError::invalid("time_zone must be an IANA time zone such as Europe/Paris"))
}
