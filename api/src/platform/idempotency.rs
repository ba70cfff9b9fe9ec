//! `Idempotency-Key` on the POSTs that move money (and, later, book): a client that lost
//! an answer sends the same request with the same key and gets the first answer again,
//! never a second charge (the IETF draft `draft-ietf-httpapi-idempotency-key-header`).
//!
//! - The key is the caller's (per user), 1 to 255 visible ASCII characters, kept 24 hours.
//! - The same key with another request (method, path or body) answers 422
//!   `idempotency_key_reused`; while the first request is still being answered, 409
//!   `idempotency_key_in_flight` (one unanswered for two minutes died with its instance:
//!   the repeat runs it).
//! - What is replayed: the first answer's status and body, for successes and refusals
//!   (4xx); a 5xx or 503 is not kept, so retrying with the key tries again.
//! - Without the header a request runs as before.

use std::future::Future;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::db::DbPool;
use super::error::{ApiError, ApiResult, ErrorCode, RETRY_AFTER_SECS};
use super::schema::idempotency_keys;

/// How long a key is remembered.
const KEEP_HOURS: i64 = 24;
/// A first request still unanswered after this long is taken to have died with its instance.
const ABANDONED_SECS: i64 = 120;

/// The request body's SHA-256, left in the request's extensions by the `Json` extractor.
#[derive(Clone, Copy)]
pub struct BodyDigest(pub [u8; 32]);

/// The optional `Idempotency-Key` header.
pub struct IdempotencyKey(Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get("Idempotency-Key") {
            None => Ok(None),
            Some(v) => match v.to_str() {
                // The draft's value is a structured-field string ("…"); a bare token is taken too.
                Ok(s) => {
                    let s = s.trim();
                    let s = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s);
                    if (1..=255).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic()) {
                        Ok(Some(s.to_owned()))
                    } else {
                        Err(())
                    }
                }
                Err(_) => Err(()),
            },
        };
        std::future::ready(
            key.map(IdempotencyKey)
                .map_err(|()| ApiError::invalid("Idempotency-Key must be 1 to 255 visible ASCII characters").into()),
        )
    }
}

/// An answer that can be kept and replayed.
pub struct Answer {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

impl Answer {
    pub fn new(status: StatusCode, body: impl serde::Serialize) -> Self {
        Self {
            status,
            body: serde_json::to_value(body).expect("an answer serialises"),
        }
    }

    fn respond(&self, replayed: bool) -> HttpResponse {
        let mut r = HttpResponse::build(self.status);
        if replayed {
            r.insert_header(("Idempotent-Replayed", "true"));
        }
        if self.status.is_client_error() || self.status.is_server_error() {
            r.content_type("application/problem+json");
        }
        r.json(&self.body)
    }
}

/// Runs `work` once per (caller, key): a repeat gets the first answer.
pub async fn once<F>(
    db: &DbPool,
    user: Uuid,
    req: &HttpRequest,
    key: IdempotencyKey,
    work: F,
) -> ApiResult<HttpResponse>
where
    F: Future<Output = ApiResult<Answer>>,
{
    let Some(key) = key.0 else {
        return Ok(work.await?.respond(false));
    };
    let fingerprint = fingerprint(req);
    {
        let mut conn = db.get().await?;
        diesel::delete(
            idempotency_keys::table
                .filter(idempotency_keys::user_id.eq(user))
                .filter(idempotency_keys::created_at.lt(chrono::Utc::now() - chrono::Duration::hours(KEEP_HOURS))),
        )
        .execute(&mut conn)
        .await?;
        let mut claimed = diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::user_id.eq(user),
                idempotency_keys::key.eq(&key),
                idempotency_keys::fingerprint.eq(&fingerprint),
            ))
            .on_conflict_do_nothing()
            .execute(&mut conn)
            .await?;
        if claimed == 0 {
            // A first request that never finished (its instance died) is taken over.
            claimed = diesel::update(
                idempotency_keys::table
                    .find((user, &key))
                    .filter(idempotency_keys::fingerprint.eq(&fingerprint))
                    .filter(idempotency_keys::status.is_null())
                    .filter(
                        idempotency_keys::created_at.lt(chrono::Utc::now() - chrono::Duration::seconds(ABANDONED_SECS)),
                    ),
            )
            .set(idempotency_keys::created_at.eq(chrono::Utc::now()))
            .execute(&mut conn)
            .await?;
        }
        if claimed == 0 {
            let (seen, status, body): (String, Option<i16>, Option<serde_json::Value>) = idempotency_keys::table
                .find((user, &key))
                .select((
                    idempotency_keys::fingerprint,
                    idempotency_keys::status,
                    idempotency_keys::response,
                ))
                .first(&mut conn)
                .await?;
            if seen != fingerprint {
                return Err(ApiError::IdempotencyKeyReused);
            }
            return match (status, body) {
                (Some(status), Some(body)) => Ok(Answer {
                    status: StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK),
                    body,
                }
                .respond(true)),
                _ => Err(ApiError::refused(
                    ErrorCode::IdempotencyKeyInFlight,
                    format!(
                        "a request with this Idempotency-Key is still being answered; retry in {RETRY_AFTER_SECS} s"
                    ),
                )),
            };
        }
    }
    let answer = match work.await {
        Ok(answer) => answer,
        Err(e) if e.status_code().is_client_error() => Answer::new(e.status_code(), e.problem()),
        Err(e) => {
            // Not kept: the same key may try again.
            forget(db, user, &key).await;
            return Err(e);
        }
    };
    let mut conn = db.get().await?;
    diesel::update(idempotency_keys::table.find((user, &key)))
        .set((
            idempotency_keys::status.eq(Some(answer.status.as_u16() as i16)),
            idempotency_keys::response.eq(Some(&answer.body)),
        ))
        .execute(&mut conn)
        .await?;
    Ok(answer.respond(false))
}

async fn forget(db: &DbPool, user: Uuid, key: &str) {
    if let Ok(mut conn) = db.get().await {
        let _ = diesel::delete(idempotency_keys::table.find((user, key)))
            .execute(&mut conn)
            .await;
    }
}

/// Method, path and body: what makes two requests "the same".
fn fingerprint(req: &HttpRequest) -> String {
    let mut h = Sha256::new();
    h.update(req.method().as_str());
    h.update(b" ");
    h.update(req.path());
    h.update(b"\n");
    if let Some(BodyDigest(d)) = req.extensions().get::<BodyDigest>() {
        h.update(d);
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header as the OpenAPI document describes it: `params(IdempotencyHeader)` on the
/// operations that take it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documentation only: the extractor is `IdempotencyKey`
pub struct IdempotencyHeader {
    /// Makes the request safe to repeat: the same key (per user, kept 24 h) with the same
    /// request answers the first answer again (`Idempotent-Replayed: true`); with another
    /// request, 422 `idempotency_key_reused`; while the first is still being answered, 409
    /// `idempotency_key_in_flight`.
    #[param(rename = "Idempotency-Key", min_length = 1, max_length = 255, pattern = "^[!-~]+$")]
    idempotency_key: Option<String>,
}
