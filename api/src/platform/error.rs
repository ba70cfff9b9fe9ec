//! One error type at the HTTP edge, rendered as RFC 9457 problem details.
//!
//! Every failure a client can cause maps to a 4xx with a stable `code`; a dependency that is
//! down (the database, Redis) is a 503 `unavailable` with `Retry-After`, so a client can
//! tell "retry shortly" from a bug; only faults of ours become 500 `internal`, and those
//! never carry internal text (it goes to the log instead).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Seconds a client should wait before retrying after `unavailable`.
pub const RETRY_AFTER_SECS: u32 = 2;

/// Stable machine-readable error codes, shared by REST problems and WebSocket error frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Invalid,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    /// Paying oneself (a tip, a message, a subscription of one's own).
    SelfPayment,
    /// The creator cannot take payments yet (payouts not set up or not enabled).
    PayeeNotReady,
    /// The caller already has what they would pay for (an unlock, a subscription).
    AlreadyOwned,
    /// The card or payment method was declined; `decline_code` carries Stripe's code.
    PaymentDeclined,
    /// Nothing to buy: the message is not for sale, was deleted, or a tier has no price.
    NotForSale,
    /// The owner leaves a room others stay in: hand it over first
    /// (`POST /v1/rooms/{id}/transfer`).
    OwnerMustTransfer,
    /// The room has no free seat.
    RoomFull,
    /// The file is attached to something and cannot be deleted.
    FileInUse,
    /// The message was deleted.
    MessageDeleted,
    /// Another request of the caller's is starting this same purchase: retry in a moment
    /// (it then answers the same checkout).
    PurchaseInProgress,
    /// The host has another live booking there (another client was quicker): pick another slot.
    SlotTaken,
    /// Not a slot the booking page offers now (outside the host's hours, too soon, too far
    /// ahead, or the day is full).
    SlotUnavailable,
    /// The booking was cancelled, rejected or expired, or is not in the state this needs.
    BookingClosed,
    /// The booking type has bookings still to come: cancel them first.
    BookingTypeInUse,
    /// The room has a live session already: end it first.
    AnotherSessionLive,
    /// The session is not in the state this needs (starting an ended one, ending one that
    /// is not live, moving one that began).
    SessionClosed,
    /// A short link's custom code belongs to another link already.
    CodeTaken,
    /// The export needs the outside service connected first.
    IntegrationNotConnected,
    /// The short link has expired (`GET /s/{code}` answers 410).
    LinkExpired,
    /// The link provider (Bitly) limits how fast we may call it: retry after `Retry-After`.
    ProviderRateLimited,
    /// The link provider's plan allows no more of this (monthly links, custom back-halves).
    ProviderPlanLimit,
    /// An `Idempotency-Key` was reused with another request body.
    IdempotencyKeyReused,
    /// The same `Idempotency-Key` is still being processed: retry shortly.
    IdempotencyKeyInFlight,
    TooLarge,
    /// The user's files would exceed their storage quota.
    QuotaExceeded,
    /// The virus scanner found something in an upload.
    Infected,
    UnsupportedMediaType,
    RateLimited,
    /// A dependency is down: retry after a short wait.
    Unavailable,
    /// WebSocket only: more events were missed than a subscribe replays.
    ResyncRequired,
    /// A defect of ours.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::SelfPayment => "self_payment",
            Self::PayeeNotReady => "payee_not_ready",
            Self::AlreadyOwned => "already_owned",
            Self::PaymentDeclined => "payment_declined",
            Self::NotForSale => "not_for_sale",
            Self::OwnerMustTransfer => "owner_must_transfer",
            Self::RoomFull => "room_full",
            Self::FileInUse => "file_in_use",
            Self::MessageDeleted => "message_deleted",
            Self::PurchaseInProgress => "purchase_in_progress",
            Self::SlotTaken => "slot_taken",
            Self::SlotUnavailable => "slot_unavailable",
            Self::BookingClosed => "booking_closed",
            Self::BookingTypeInUse => "booking_type_in_use",
            Self::AnotherSessionLive => "another_session_live",
            Self::SessionClosed => "session_closed",
            Self::CodeTaken => "code_taken",
            Self::IntegrationNotConnected => "integration_not_connected",
            Self::LinkExpired => "link_expired",
            Self::ProviderRateLimited => "provider_rate_limited",
            Self::ProviderPlanLimit => "provider_plan_limit",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::IdempotencyKeyInFlight => "idempotency_key_in_flight",
            Self::TooLarge => "too_large",
            Self::QuotaExceeded => "quota_exceeded",
            Self::Infected => "infected",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::ResyncRequired => "resync_required",
            Self::Internal => "internal",
        }
    }
}

/// RFC 9457 problem details, plus a stable machine-readable `code`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"type": "https://parley.dev/problems/not_found", "title": "Not Found",
    "status": 404, "detail": "room not found", "code": "not_found"}))]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_url: String,
    /// The HTTP reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a human.
    pub detail: String,
    pub code: ErrorCode,
    /// With `payment_declined`: the payment provider's decline code (e.g.
    /// `insufficient_funds`), when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            type_url: format!("https://parley.dev/problems/{}", code.as_str()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code,
            decline_code: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Invalid(String),
    /// Deliberately says nothing about which check failed.
    #[error("authentication required: missing, invalid or expired token")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    NotFoundDetail(String),
    #[error("{0}")]
    Conflict(String),
    /// A refusal with its own code (409): what exactly stands in the way.
    #[error("{1}")]
    Refused(ErrorCode, String),
    /// The payment method was declined (402), with the provider's decline code.
    #[error("{detail}")]
    Declined {
        detail: String,
        decline_code: Option<String>,
    },
    /// An `Idempotency-Key` reused with another body (422).
    #[error("this Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("{0}")]
    Infected(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    Unavailable(String),
    /// Something that was here is gone for good (410), with its own code.
    #[error("{1}")]
    Gone(ErrorCode, String),
    /// An outside service we depend on refuses for now (503), with its own code and how
    /// long to wait, when known.
    #[error("{detail}")]
    Upstream {
        code: ErrorCode,
        detail: String,
        retry_after: Option<u64>,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::Invalid(detail.into())
    }

    /// A 409 refusal with a specific code.
    pub fn refused(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Refused(code, detail.into())
    }

    /// The database did not answer (down, restarting, pool exhausted): retry shortly.
    pub fn database_unavailable() -> Self {
        Self::Unavailable("database unavailable, retry shortly".into())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid(_) => ErrorCode::Invalid,
            Self::Unauthenticated => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) | Self::NotFoundDetail(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::Refused(code, _) => *code,
            Self::Declined { .. } => ErrorCode::PaymentDeclined,
            Self::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Self::TooLarge(_) => ErrorCode::TooLarge,
            Self::QuotaExceeded(_) => ErrorCode::QuotaExceeded,
            Self::Infected(_) => ErrorCode::Infected,
            Self::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::Gone(code, _) => *code,
            Self::Upstream { code, .. } => *code,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The text a client may see: an internal error's cause goes to the log, never out.
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        }
    }

    /// The problem details a client gets for this error.
    pub fn problem(&self) -> Problem {
        let mut problem = Problem::new(self.status_code(), self.code(), self.public_message());
        if let Self::Declined { decline_code, .. } = self {
            problem.decline_code = decline_code.clone();
        }
        problem
    }

    /// Logs an internal error's cause (call where the error leaves the process).
    pub fn log_if_internal(&self) {
        if let Self::Internal(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Invalid(_) | Self::Infected(_) | Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Declined { .. } => StatusCode::PAYMENT_REQUIRED,
            Self::Refused(_, _) => StatusCode::CONFLICT,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::NotFoundDetail(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) | Self::QuotaExceeded(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Upstream { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Gone(_, _) => StatusCode::GONE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log_if_internal();
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        match self {
            Self::Unauthenticated => {
                response.insert_header(("WWW-Authenticate", "Bearer"));
            }
            Self::Unavailable(_) | Self::RateLimited(_) => {
                response.insert_header(("Retry-After", RETRY_AFTER_SECS.to_string()));
            }
            Self::Upstream {
                retry_after: Some(s), ..
            } => {
                response.insert_header(("Retry-After", s.to_string()));
            }
            _ => {}
        }
        response.content_type("application/problem+json").json(self.problem())
    }
}

/// A missing object is a missing file (deleted meanwhile); anything else is the store
/// being unreachable: retry shortly.
impl From<super::storage::StorageError> for ApiError {
    fn from(e: super::storage::StorageError) -> Self {
        match e {
            super::storage::StorageError::NotFound => Self::NotFound("file"),
            e => Self::Unavailable(format!("file storage unavailable, retry shortly ({e})")),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound("resource"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Self::Conflict(format!(
                "already exists ({})",
                info.constraint_name().unwrap_or("unique")
            )),
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::invalid("refers to something that does not exist")
            }
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, info) => Self::invalid(format!(
                "value not allowed ({})",
                info.constraint_name().unwrap_or("check")
            )),
            // Text PostgreSQL cannot store (a NUL character, in text or in JSON): the
            // client's input, not our fault.
            Error::DatabaseError(_, info)
                if info.message().contains("invalid byte sequence")
                    || info.message().contains("unsupported Unicode escape sequence") =>
            {
                Self::invalid("text must not contain NUL characters")
            }
            other if crate::platform::db::is_outage(&other) => {
                tracing::warn!(error = %other, "database connection lost");
                Self::database_unavailable()
            }
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<crate::platform::db::PoolError> for ApiError {
    fn from(e: crate::platform::db::PoolError) -> Self {
        tracing::warn!(error = %e, "database pool");
        Self::database_unavailable()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The answer for a path no route serves.
pub fn no_such_route() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("application/problem+json")
        .json(Problem::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such route",
        ))
}
