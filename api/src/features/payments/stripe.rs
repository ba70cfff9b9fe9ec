//! A small Stripe client on reqwest for the calls Parley makes: form-encoded POSTs with
//! bracketed keys, the API version pinned here and only here, an `Idempotency-Key` from our
//! own ids on every POST (a retry after a crash or a lost answer cannot create twice), and
//! Stripe's retry policy (honour `Stripe-Should-Retry`, else retry 409, 429 and 5xx).

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Every request and every webhook endpoint speaks this version.
pub const STRIPE_VERSION: &str = "2026-10-28.endive";
const ATTEMPTS: u32 = 3;

/// A form body: `(key, value)` pairs in order; nested keys bracketed, arrays indexed.
#[derive(Default, Debug, Clone)]
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(mut self, key: &str, value: impl ToString) -> Self {
        self.0.push((key.to_owned(), value.to_string()));
        self
    }

    pub fn opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// `{prefix}[{key}]=value` for each metadata entry.
    pub fn metadata(mut self, prefix: &str, entries: &[(&str, String)]) -> Self {
        for (key, value) in entries {
            self = self.set(&format!("{prefix}[{key}]"), value);
        }
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    #[error("Stripe refused the request ({status} {kind}): {message}")]
    Refused {
        status: u16,
        kind: String,
        code: Option<String>,
        message: String,
    },
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
    #[error("Stripe's answer could not be read: {0}")]
    Unreadable(String),
    #[error("payments are not configured (STRIPE_SECRET_KEY)")]
    NotConfigured,
}

#[derive(Clone)]
pub struct Stripe {
    http: reqwest::Client,
    base: Arc<str>,
    key: Option<Arc<str>>,
}

impl Stripe {
    pub fn new(base: &str, key: Option<&str>) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').into(),
            key: key.map(Into::into),
        })
    }

    pub fn configured(&self) -> bool {
        self.key.is_some()
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, StripeError> {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    /// A POST; `idempotency_key` is required: derive it from our ids.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        idempotency_key: &str,
        form: Form,
    ) -> Result<T, StripeError> {
        self.send(reqwest::Method::POST, path, Some(idempotency_key), Some(form))
            .await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        idempotency_key: Option<&str>,
        form: Option<Form>,
    ) -> Result<T, StripeError> {
        let key = self.key.as_deref().ok_or(StripeError::NotConfigured)?;
        let url = format!("{}{path}", self.base);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(key)
                .header("Stripe-Version", STRIPE_VERSION);
            if let Some(idem) = idempotency_key {
                request = request.header("Idempotency-Key", idem);
            }
            if let Some(form) = &form {
                request = request.form(&form.0);
            }
            let outcome = match request.send().await {
                Err(e) => Err((true, StripeError::Unreachable(e.to_string()))),
                Ok(response) => read(response).await,
            };
            match outcome {
                Ok(value) => {
                    return serde_json::from_value(value).map_err(|e| StripeError::Unreadable(e.to_string()));
                }
                Err((retry, error)) if retry && attempt < ATTEMPTS => {
                    tracing::warn!(%error, attempt, path, "Stripe request failed; retrying");
                    let wait = Duration::from_millis(500 * 2u64.pow(attempt - 1)).min(Duration::from_secs(5));
                    tokio::time::sleep(wait).await;
                }
                Err((_, error)) => return Err(error),
            }
        }
    }
}

/// The answer's JSON, or the error and whether to retry it.
async fn read(response: reqwest::Response) -> Result<Value, (bool, StripeError)> {
    let status = response.status().as_u16();
    let should_retry = response
        .headers()
        .get("stripe-should-retry")
        .and_then(|v| v.to_str().ok())
        .map(|v| v == "true");
    if let Some(id) = response.headers().get("request-id").and_then(|v| v.to_str().ok()) {
        tracing::debug!(request_id = id, status, "Stripe answered");
    }
    let body: Value = response
        .json()
        .await
        .map_err(|e| (status >= 500, StripeError::Unreadable(e.to_string())))?;
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let retry = should_retry.unwrap_or(status == 409 || status == 429 || status >= 500);
    let error = &body["error"];
    let text = |name: &str| error[name].as_str().map(str::to_owned);
    Err((
        retry,
        StripeError::Refused {
            status,
            kind: text("type").unwrap_or_else(|| "api_error".into()),
            code: text("code"),
            message: text("message").unwrap_or_else(|| "no message".into()),
        },
    ))
}

impl From<StripeError> for crate::platform::error::ApiError {
    fn from(e: StripeError) -> Self {
        use crate::platform::error::ApiError;
        match e {
            StripeError::NotConfigured => ApiError::Unavailable(e.to_string()),
            StripeError::Unreachable(_) => ApiError::Unavailable("the payment provider is unreachable".into()),
            StripeError::Refused { status, .. } if status >= 500 || status == 429 => {
                tracing::warn!(error = %e, "Stripe failed");
                ApiError::Unavailable("the payment provider failed; try again".into())
            }
            // A card error is the payer's to fix: its decline code, never Stripe's text.
            StripeError::Refused { ref kind, ref code, .. } if kind == "card_error" => ApiError::Declined {
                detail: "the payment method was declined".into(),
                decline_code: code.clone(),
            },
            StripeError::Refused { ref message, .. } => {
                tracing::warn!(error = %e, "Stripe refused");
                ApiError::Conflict(format!("the payment provider refused: {message}"))
            }
            StripeError::Unreadable(_) => ApiError::Internal(anyhow::anyhow!(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;

    use super::StripeError;
    use crate::platform::error::{ApiError, ErrorCode};

    #[actix_web::test]
    async fn a_card_error_is_payment_declined_with_its_code_and_never_stripes_text() {
        let e: ApiError = StripeError::Refused {
            status: 402,
            kind: "card_error".into(),
            code: Some("insufficient_funds".into()),
            message: "Your card has insufficient funds.".into(),
        }
        .into();
        assert_eq!(e.code(), ErrorCode::PaymentDeclined);
        assert_eq!(e.status_code().as_u16(), 402);
        assert!(!e.public_message().contains("insufficient funds"));
        let body = actix_web::body::to_bytes(e.error_response().into_body()).await.unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (problem["code"].as_str(), problem["decline_code"].as_str()),
            (Some("payment_declined"), Some("insufficient_funds"))
        );
    }
}
