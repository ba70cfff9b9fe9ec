//! The built-in token issuer for `AUTH_MODE=dev`: a fresh RSA key per process, its JWKS
//! served at `/v1/dev/jwks.json`, tokens shaped like Clerk's. The tokens are checked by the
//! very same `Verifier` as Clerk's, given the issuer's public key directly.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;

use super::Claims;

/// Dev tokens live an hour: long enough for a coding session, short enough to expire.
pub const DEV_TOKEN_TTL_SECS: i64 = 3600;

pub struct DevIssuer {
    kid: String,
    key: EncodingKey,
    jwks: serde_json::Value,
    issuer: String,
    public_pem: String,
}

impl DevIssuer {
    pub fn generate(issuer: String) -> anyhow::Result<Self> {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
        let pem = private.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)?;
        let kid = format!("dev-{}", uuid::Uuid::new_v4().simple());
        let public = private.to_public_key();
        let public_pem = public.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)?;
        let jwks = serde_json::json!({"keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }]});
        Ok(Self {
            kid,
            key: EncodingKey::from_rsa_pem(pem.as_bytes())?,
            jwks,
            issuer,
            public_pem,
        })
    }

    /// The verification key, PEM: dev mode verifies its own tokens with it, no HTTP.
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn jwks(&self) -> &serde_json::Value {
        &self.jwks
    }

    pub fn issue(
        &self,
        user_id: &str,
        email: Option<String>,
        name: Option<String>,
        phone_number: Option<String>,
    ) -> anyhow::Result<(String, i64)> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            iss: self.issuer.clone(),
            exp: now + DEV_TOKEN_TTL_SECS,
            nbf: Some(now),
            iat: Some(now),
            azp: None,
            sid: Some(format!("sess_dev_{}", uuid::Uuid::new_v4().simple())),
            email,
            name,
            phone_number,
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        Ok((jsonwebtoken::encode(&header, &claims, &self.key)?, claims.exp))
    }
}
