//! Secrets at rest (users' tokens): AES-256-GCM under `SECRETS_KEY`, a fresh 96-bit nonce
//! per value, stored as nonce || ciphertext.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};

#[derive(Clone)]
pub struct Secrets {
    cipher: Aes256Gcm,
}

impl Secrets {
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    pub fn seal(&self, plain: &str) -> Vec<u8> {
        use rand::RngCore;
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let mut out = nonce.to_vec();
        out.extend(
            self.cipher
                .encrypt(&Nonce::from(nonce), plain.as_bytes())
                .expect("AES-GCM encrypts any input"),
        );
        out
    }

    /// None when the value was sealed with another key, or altered.
    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() < 12 {
            return None;
        }
        let (nonce, body) = sealed.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let plain = self.cipher.decrypt(&Nonce::from(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_tokens_open_only_with_their_key_and_unaltered() {
        let s = Secrets::new(&[7; 32]);
        let sealed = s.seal("secret_abc");
        assert!(!sealed.windows(10).any(|w| w == b"secret_abc"));
        assert_eq!(s.open(&sealed).as_deref(), Some("secret_abc"));
        assert_ne!(s.seal("secret_abc"), sealed, "a fresh nonce each time");
        assert_eq!(Secrets::new(&[8; 32]).open(&sealed), None);
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(s.open(&altered), None);
    }
}
