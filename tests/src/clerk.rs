//! A local stand-in for Clerk: serves a real JWKS over HTTP (counting fetches) and signs
//! session tokens and Svix webhook deliveries the way Clerk does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `whsec_` + base64 of a 32-byte key, as Clerk shows it.
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub struct SigningKey {
    pub kid: String,
    pub encoding: EncodingKey,
    pub public_pem: String,
    pub jwk: Value,
}

impl SigningKey {
    fn generate(kid: &str) -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
        let pem = private.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
        let public = private.to_public_key();
        let public_pem = rsa::pkcs8::EncodePublicKey::to_public_key_pem(&public, rsa::pkcs8::LineEnding::LF).unwrap();
        let jwk = json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()), "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())});
        Self {
            kid: kid.into(),
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            public_pem,
            jwk,
        }
    }
}

/// Keys are made once per test process: RSA generation is the slow part.
pub fn main_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate("clerk-key-1"))
}

/// A second key, published or not, for rotation and wrong-key tests.
pub fn other_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate("clerk-key-2"))
}

#[derive(Clone)]
pub struct FakeClerk {
    addr: std::net::SocketAddr,
    jwks_hits: Arc<AtomicUsize>,
    published: Arc<Mutex<Vec<Value>>>,
}

impl FakeClerk {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let clerk = Self {
            addr,
            jwks_hits: Arc::default(),
            published: Arc::new(Mutex::new(vec![main_key().jwk.clone()])),
        };
        let (hits, published) = (clerk.jwks_hits.clone(), clerk.published.clone());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (hits, published) = (hits.clone(), published.clone());
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let mut read = 0;
                    while !buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf[read..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read += n,
                        }
                    }
                    let head = String::from_utf8_lossy(&buf[..read]).to_string();
                    let (status, body) = if head.starts_with("GET /.well-known/jwks.json ") {
                        hits.fetch_add(1, Ordering::SeqCst);
                        ("200 OK", json!({"keys": *published.lock().unwrap()}).to_string())
                    } else {
                        ("404 Not Found", "{}".to_string())
                    };
                    let response = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        clerk
    }

    pub fn issuer(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn jwks_url(&self) -> String {
        format!("http://{}/.well-known/jwks.json", self.addr)
    }

    pub fn jwks_hits(&self) -> usize {
        self.jwks_hits.load(Ordering::SeqCst)
    }

    /// Publishes another key in the JWKS (key rotation).
    pub fn publish(&self, key: &SigningKey) {
        self.published.lock().unwrap().push(key.jwk.clone());
    }

    /// Standard claims of a Clerk session token for `sub`. Clerk's live a minute; these ten,
    /// so that a slow test on a loaded machine does not outlive its own token.
    pub fn claims(&self, sub: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({"sub": sub, "iss": self.issuer(), "iat": now, "nbf": now - 1, "exp": now + 600,
            "azp": "http://localhost:3000", "sid": format!("sess_{}", uuid::Uuid::new_v4().simple())})
    }

    pub fn token(&self, sub: &str, extra: Value) -> String {
        let mut claims = self.claims(sub);
        if let (Some(c), Some(e)) = (claims.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                c.insert(k.clone(), v.clone());
            }
        }
        sign(&claims, main_key())
    }
}

pub fn sign(claims: &Value, key: &SigningKey) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
}

/// Svix headers for a delivery of `body`, signed with WEBHOOK_SECRET at `timestamp`.
pub fn svix_headers(id: &str, timestamp: i64, body: &str) -> Vec<(&'static str, String)> {
    use hmac::{Hmac, Mac};
    let secret = STANDARD.decode(WEBHOOK_SECRET.trim_start_matches("whsec_")).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let sig = STANDARD.encode(mac.finalize().into_bytes());
    vec![
        ("svix-id", id.to_owned()),
        ("svix-timestamp", timestamp.to_string()),
        ("svix-signature", format!("v1,{sig}")),
    ]
}
