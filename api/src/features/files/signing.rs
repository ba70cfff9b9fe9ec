//! Short-lived download URLs for the local store:
//! `/v1/files/{id}/content?expires=&inline=&thumb=&sig=` with an HMAC-SHA256 over the id,
//! the expiry, the inline flag and whether it is the thumbnail. Valid about two
//! minutes; a tampered or expired one is refused with 403.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// How long a download URL works.
pub const URL_LIFETIME_SECS: i64 = 120;

/// What a URL serves: the file or its thumbnail, shown in the page or downloaded.
#[derive(Clone, Copy, Debug, Default)]
pub struct Signed {
    pub inline: bool,
    pub thumbnail: bool,
}

#[derive(Clone)]
pub struct UrlSigner {
    key: Vec<u8>,
}

impl UrlSigner {
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    pub fn random() -> Self {
        Self::new(&rand::random::<[u8; 32]>())
    }

    fn mac(&self, id: Uuid, expires: i64, what: Signed) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(format!("{id}.{expires}.{}.{}", u8::from(what.inline), u8::from(what.thumbnail)).as_bytes());
        mac
    }

    /// The path and query of a download URL valid from now.
    pub fn url(&self, id: Uuid, what: Signed, now: i64) -> String {
        let expires = now + URL_LIFETIME_SECS;
        let sig = URL_SAFE_NO_PAD.encode(self.mac(id, expires, what).finalize().into_bytes());
        format!(
            "/v1/files/{id}/content?expires={expires}&inline={}&thumb={}&sig={sig}",
            u8::from(what.inline),
            u8::from(what.thumbnail)
        )
    }

    /// Whether a URL's signature is ours and unexpired.
    pub fn verify(&self, id: Uuid, expires: i64, what: Signed, sig: &str, now: i64) -> bool {
        let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
            return false;
        };
        expires >= now && expires <= now + URL_LIFETIME_SECS && self.mac(id, expires, what).verify_slice(&sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_verifies_until_it_expires_and_not_once_touched() {
        let s = UrlSigner::new(b"k");
        let id = Uuid::now_v7();
        let plain = Signed::default();
        let url = s.url(id, plain, 1000);
        let q: std::collections::HashMap<_, _> = url
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let (exp, sig) = (q["expires"].parse::<i64>().unwrap(), q["sig"]);
        let inline = Signed { inline: true, ..plain };
        let thumb = Signed {
            thumbnail: true,
            ..plain
        };
        assert!(s.verify(id, exp, plain, sig, 1000));
        assert!(s.verify(id, exp, plain, sig, exp));
        assert!(!s.verify(id, exp, plain, sig, exp + 1), "expired");
        assert!(!s.verify(id, exp, inline, sig, 1000), "inline flag changed");
        assert!(!s.verify(id, exp, thumb, sig, 1000), "thumbnail flag changed");
        assert!(!s.verify(id, exp + 60, plain, sig, 1000), "expiry changed");
        assert!(!s.verify(Uuid::now_v7(), exp, plain, sig, 1000), "another file");
        assert!(
            !UrlSigner::new(b"other").verify(id, exp, plain, sig, 1000),
            "another key"
        );
    }
}
