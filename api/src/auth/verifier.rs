//! Full verification of Clerk session tokens: RS256 only, key by `kid` from a cached JWKS
//! (or a fixed PEM key), `exp` and `nbf` with 5 s leeway, `iss`, and `azp`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

/// Leeway on `exp` and `nbf` for clock skew between Clerk and us.
const LEEWAY_SECS: u64 = 5;
/// An unknown `kid` triggers a JWKS refetch at most this often, so a flood of forged
/// tokens cannot turn us into a load generator against Clerk.
pub const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// Clerk session id: lets a `session.revoked` webhook close that session's sockets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Dev mode's stand-in for Clerk's verified phone number (ignored with Clerk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

enum Keys {
    Pem(DecodingKey),
    Jwks { url: String, cache: Mutex<JwksCache> },
}

#[derive(Default)]
struct JwksCache {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
}

pub struct Verifier {
    issuer: String,
    authorized_parties: Vec<String>,
    keys: Keys,
    http: reqwest::Client,
    /// Tokens that passed full verification, by SHA-256 of their bytes. An RS256 check
    /// costs more than most requests it guards (a third of an instance's CPU when paging
    /// history), and a client sends the same session token for its whole lifetime. Only
    /// the time claims can turn a verified token invalid without changing its bytes, and
    /// they are checked again on every use.
    verified: std::sync::Mutex<HashMap<[u8; 32], Claims>>,
}

/// Most tokens remembered as verified; past it, expired ones are forgotten first.
const VERIFIED_CAPACITY: usize = 10_000;

/// Why a token was refused. Logged at debug level; clients only ever see a plain 401.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token: {0}")]
    Malformed(String),
    #[error("algorithm not allowed")]
    Algorithm,
    #[error("unknown signing key")]
    UnknownKey,
    #[error("key set unavailable: {0}")]
    KeySet(String),
    #[error("rejected: {0}")]
    Rejected(jsonwebtoken::errors::Error),
    #[error("authorized party not allowed")]
    Party,
}

impl Verifier {
    pub fn with_jwks(issuer: String, jwks_url: String, authorized_parties: Vec<String>) -> Self {
        Self {
            issuer,
            authorized_parties,
            keys: Keys::Jwks {
                url: jwks_url,
                cache: Mutex::new(JwksCache::default()),
            },
            http: http_client(),
            verified: Default::default(),
        }
    }

    pub fn with_pem(issuer: String, pem: &str, authorized_parties: Vec<String>) -> anyhow::Result<Self> {
        Ok(Self {
            issuer,
            authorized_parties,
            keys: Keys::Pem(DecodingKey::from_rsa_pem(pem.as_bytes())?),
            http: http_client(),
            verified: Default::default(),
        })
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let now = chrono::Utc::now().timestamp();
        if let Some(claims) = self.verified.lock().expect("lock").get(&digest) {
            if within_time(claims, now) {
                return Ok(claims.clone());
            }
        }
        let claims = self.verify_fully(token).await?;
        let mut verified = self.verified.lock().expect("lock");
        if verified.len() >= VERIFIED_CAPACITY {
            verified.retain(|_, c| within_time(c, now));
            if verified.len() >= VERIFIED_CAPACITY {
                verified.clear();
            }
        }
        verified.insert(digest, claims.clone());
        Ok(claims)
    }

    async fn verify_fully(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| TokenError::Malformed(e.to_string()))?;
        // Pinning the algorithm defeats `alg: none` and HS256-with-the-public-key tricks.
        if header.alg != Algorithm::RS256 {
            return Err(TokenError::Algorithm);
        }
        let key = match &self.keys {
            Keys::Pem(key) => key.clone(),
            Keys::Jwks { url, cache } => {
                let kid = header.kid.ok_or(TokenError::UnknownKey)?;
                self.key_for(url, cache, &kid).await?
            }
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(TokenError::Rejected)?;
        let claims = data.claims;
        if let Some(azp) = &claims.azp {
            if !self.authorized_parties.is_empty()
                && !self.authorized_parties.iter().any(|p| p == azp.trim_end_matches('/'))
            {
                return Err(TokenError::Party);
            }
        }
        if claims.sub.is_empty() || claims.sub.len() > 200 {
            return Err(TokenError::Malformed("bad sub".into()));
        }
        Ok(claims)
    }

    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.verified.lock().expect("lock").len()
    }

    async fn key_for(&self, url: &str, cache: &Mutex<JwksCache>, kid: &str) -> Result<DecodingKey, TokenError> {
        let mut cache = cache.lock().await;
        if let Some(key) = cache.keys.get(kid) {
            return Ok(key.clone());
        }
        if let Some(at) = cache.fetched_at {
            if at.elapsed() < JWKS_REFETCH_INTERVAL {
                return Err(TokenError::UnknownKey);
            }
        }
        cache.fetched_at = Some(Instant::now());
        let set: JwkSet = async { self.http.get(url).send().await?.error_for_status()?.json().await }
            .await
            .map_err(|e: reqwest::Error| TokenError::KeySet(e.to_string()))?;
        cache.keys = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|k| (kid, k))
            })
            .collect();
        tracing::info!(url, keys = cache.keys.len(), "fetched signing keys");
        cache.keys.get(kid).cloned().ok_or(TokenError::UnknownKey)
    }
}

pub fn http_client() -> reqwest::Client {
    crate::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        // unwrap: building a client without custom TLS roots cannot fail once a provider is installed
        .expect("http client")
}

/// `exp` and `nbf` against `now`, with the same leeway as full verification.
fn within_time(claims: &Claims, now: i64) -> bool {
    let leeway = LEEWAY_SECS as i64;
    now <= claims.exp + leeway && claims.nbf.is_none_or(|nbf| now + leeway >= nbf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header};
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};

    fn claims(exp: i64, nbf: Option<i64>) -> Claims {
        Claims {
            sub: "user_a".into(),
            iss: "https://issuer.test".into(),
            exp,
            nbf,
            iat: None,
            azp: None,
            sid: None,
            email: None,
            phone_number: None,
            name: None,
        }
    }

    #[tokio::test]
    async fn only_the_exact_bytes_of_a_verified_token_are_remembered() {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
        let private_pem = private.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
        let public_pem = private
            .to_public_key()
            .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
            .unwrap();
        let verifier = Verifier::with_pem("https://issuer.test".into(), &public_pem, vec![]).unwrap();
        let key = EncodingKey::from_rsa_pem(private_pem.as_bytes()).unwrap();
        let now = chrono::Utc::now().timestamp();
        let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims(now + 60, Some(now)), &key).unwrap();

        assert_eq!(verifier.verify(&token).await.unwrap().sub, "user_a");
        assert_eq!(verifier.verify(&token).await.unwrap().sub, "user_a");
        assert_eq!(verifier.remembered(), 1);
        // A forged signature on the same claims is checked in full, refused, not remembered.
        let (head, _) = token.rsplit_once('.').unwrap();
        let forged = format!("{head}.{}", "A".repeat(342));
        assert!(matches!(verifier.verify(&forged).await, Err(TokenError::Rejected(_))));
        assert_eq!(verifier.remembered(), 1);
        // An expired token is refused even though an earlier token of its user was remembered.
        let expired = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims(now - 60, None), &key).unwrap();
        assert!(verifier.verify(&expired).await.is_err());
    }

    #[test]
    fn remembered_tokens_still_expire_and_wait_for_nbf() {
        let now = 1_000_000;
        assert!(within_time(&claims(now + 1, None), now));
        assert!(within_time(&claims(now - 5, None), now), "inside the leeway");
        assert!(!within_time(&claims(now - 6, None), now), "expired past the leeway");
        assert!(within_time(&claims(now + 60, Some(now + 5)), now), "inside the leeway");
        assert!(!within_time(&claims(now + 60, Some(now + 6)), now), "not valid yet");
    }
}
