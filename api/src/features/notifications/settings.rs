//! Checked input for notification settings: time zones, `HH:MM` times, push keys.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono_tz::Tz;

use crate::platform::error::ApiError;

/// An IANA time zone name, as chrono-tz knows it.
pub fn time_zone(raw: &str) -> Result<Tz, ApiError> {
    raw.parse::<Tz>()
        .map_err(|_| ApiError::invalid("time_zone must be an IANA time zone such as Europe/Paris"))
}

/// `HH:MM` (00:00 to 23:59) as minutes after midnight.
pub fn minutes(name: &str, raw: &str) -> Result<i16, ApiError> {
    let bad = || ApiError::invalid(format!("{name} must be a time HH:MM between 00:00 and 23:59"));
    let (h, m) = raw.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (i16, i16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

pub fn hhmm(minutes: i16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A push subscription's keys: p256dh a P-256 public point (65 bytes), auth 16 bytes, both
/// base64url as browsers give them (padding tolerated).
pub fn push_keys(p256dh: &str, auth: &str) -> Result<(), ApiError> {
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s.trim_end_matches('='));
    let point = decode(p256dh).map_err(|_| ApiError::invalid("keys.p256dh must be base64url"))?;
    if p256::PublicKey::from_sec1_bytes(&point).is_err() {
        return Err(ApiError::invalid("keys.p256dh must be a P-256 public key"));
    }
    match decode(auth) {
        Ok(secret) if secret.len() == 16 => Ok(()),
        _ => Err(ApiError::invalid("keys.auth must be 16 bytes, base64url")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_zones() {
        assert_eq!(minutes("t", "22:30").unwrap(), 22 * 60 + 30);
        assert_eq!(minutes("t", "00:00").unwrap(), 0);
        for bad in ["24:00", "7:00", "07:60", "0700", "ab:cd", "07:00:00", ""] {
            assert!(minutes("t", bad).is_err(), "{bad}");
        }
        assert_eq!(hhmm(7 * 60 + 5), "07:05");
        assert!(time_zone("Europe/Paris").is_ok());
        assert!(time_zone("Mars/Olympus").is_err());
    }
}
