//! Checked input for notification settings: time zones, `HH:MM` times, push keys.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::platform::error::ApiError;
use crate::platform::validate::{as_given, checked_string, pattern, Rule};

/// A host name whose last label has a letter (so it is never read as an IPv4 address).
macro_rules! host {
    () => {
        r"([A-Za-z0-9-]+\.)*[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*"
    };
}
/// A port from 1 to 65535.
macro_rules! port {
    () => {
        r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?"
    };
}
pattern!(
    /// https to a named host, or http on loopback (a local test service); a plain path.
    pub PUSH_ENDPOINT = concat!(
        r"^(https://",
        host!(),
        port!(),
        r"|http://(localhost|127\.0\.0\.1|\[::1\])",
        port!(),
        r")(/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?$"
    )
);

checked_string!(
    /// A push service URL as the browser gave it: https to a named public host (http to
    /// loopback in dev mode only, for a local test service), at most 2,048 characters.
    PushEndpoint,
    Rule {
        min: 12,
        max: 2048,
        pattern: Some(&PUSH_ENDPOINT),
        message: "endpoint must be an https URL (http only on loopback) of at most 2048 characters",
    },
    as_given
);

pub use crate::platform::time::{time_zone, time_zone_schema, ClockTime};

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
/// base64url unpadded as browsers give them (`PushSubscription.toJSON()`).
pub fn push_keys(p256dh: &str, auth: &str) -> Result<(), ApiError> {
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s);
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

    #[test]
    fn push_endpoints_are_https_or_loopback_http() {
        for good in [
            "https://fcm.googleapis.com/fcm/send/abc:DEF-1",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
            "http://127.0.0.1:34567/push/x",
            "http://localhost/push",
        ] {
            assert!(PUSH_ENDPOINT.is_match(good), "{good}");
            assert!(good.parse::<reqwest::Url>().is_ok(), "{good}");
        }
        for bad in [
            "http://example.com/push",
            "http://10.0.0.1/push",
            "https://1.2.3.999/x",
            "https://host:70000/x",
            "ftp://host/x",
            "https://host/a b",
        ] {
            assert!(!PUSH_ENDPOINT.is_match(bad), "{bad}");
        }
    }
}
