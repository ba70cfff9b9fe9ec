//! Webhook signatures. Svix (Clerk's webhooks): base64(HMAC-SHA256(secret,
//! "{svix-id}.{svix-timestamp}.{body}")), any of several space-separated `v1,<sig>`
//! entries, timestamp within five minutes either way. (Stripe's scheme joins here next.)
//!
//! Svix webhook signatures, as Clerk sends them: base64(HMAC-SHA256(secret,
//! "{svix-id}.{svix-timestamp}.{body}")), any of several space-separated `v1,<sig>` entries,
//! timestamp within five minutes either way.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const TOLERANCE_SECS: i64 = 5 * 60;

pub use crate::platform::config::decode_webhook_secret as decode_secret;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("timestamp outside the tolerance window")]
    Stale,
    #[error("no matching signature")]
    Mismatch,
}

pub fn sign_svix(secret: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("hmac takes any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

pub fn verify_svix(
    secret: &[u8],
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| SignatureError::Stale)?;
    if (now - ts).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let expected = sign_svix(secret, id, ts, body);
    let matched = signatures
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .any(|sig| sig.as_bytes().ct_eq(expected.as_bytes()).into());
    if matched {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn accepts_any_listed_v1_signature() {
        let sig = sign_svix(SECRET, "msg_1", 1_700_000_000, b"{}");
        let header = format!("v1,bogus v2,{sig} v1,{sig}");
        assert_eq!(
            verify_svix(SECRET, "msg_1", "1700000000", &header, b"{}", 1_700_000_010),
            Ok(())
        );
    }

    #[test]
    fn refuses_a_tampered_body_or_old_timestamp() {
        let sig = format!("v1,{}", sign_svix(SECRET, "msg_1", 1_700_000_000, b"{}"));
        assert_eq!(
            verify_svix(SECRET, "msg_1", "1700000000", &sig, b"{ }", 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_svix(SECRET, "msg_1", "1700000000", &sig, b"{}", 1_700_000_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_svix(SECRET, "msg_1", "1700000000", &sig, b"{}", 1_699_999_699),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn decodes_whsec_secrets() {
        assert_eq!(
            decode_secret("whsec_MDEyMzQ1Njc4OWFiY2RlZg==").unwrap(),
            b"0123456789abcdef"
        );
        assert!(decode_secret("whsec_***").is_err());
    }
}
