//! One error type at the HTTP edge, rendered as RFC 9457 problem details.
//!
//! Every failure a client can cause maps to a 4xx with a stable `code`; only faults of
//! ours become 500, and those never carry internal text (it goes to the log instead).
//! Framework-level failures (bad JSON, bad path, oversized body) are routed through here
//! too by the extractor configs in `http::mod`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// RFC 9457 problem details, plus a stable machine-readable `code`.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
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
    /// Stable machine code: `invalid`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `too_large`, `unsupported_media_type`, `rate_limited`, `unavailable`, `internal`.
    pub code: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            type_url: format!("https://parley.dev/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
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
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::Invalid(detail.into())
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::Unauthenticated => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) | Self::NotFoundDetail(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::TooLarge(_) => "too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::RateLimited(_) => "rate_limited",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The text a client may see: internal errors are logged, never shown.
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(e) => {
                tracing::error!(error = ?e, "request failed");
                "internal error".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::NotFoundDetail(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        if matches!(self, Self::Unauthenticated) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response
            .content_type("application/problem+json")
            .json(Problem::new(status, self.code(), self.public_message()))
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
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<crate::db::PoolError> for ApiError {
    fn from(e: crate::db::PoolError) -> Self {
        tracing::warn!(error = %e, "database pool");
        Self::Unavailable("database unavailable, retry shortly".into())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
