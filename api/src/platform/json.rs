//! `Json<T>`: a JSON request body that must be an object, as every body of this API is
//! documented. serde would also read a struct from an array (`[null, null]`), which the
//! OpenAPI document does not allow; this extractor refuses anything but `{…}` first, then
//! parses with the app's `JsonConfig` (limit, content type, problem+json errors).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// Largest JSON body accepted; a 4,000-character message is far below it.
pub const JSON_LIMIT: usize = 64 * 1024;

pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json_type {
                return Err(ApiError::UnsupportedMediaType("expected Content-Type: application/json".into()).into());
            }
            let bytes = bytes.await.map_err(|e| {
                if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge(format!("body larger than {JSON_LIMIT} bytes"))
                } else {
                    ApiError::invalid(format!("unreadable body: {e}"))
                }
            })?;
            let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
            if first != Some(&b'{') {
                return Err(ApiError::invalid("invalid JSON body: expected an object").into());
            }
            let value =
                serde_json::from_slice(&bytes).map_err(|e| ApiError::invalid(format!("invalid JSON body: {e}")))?;
            Ok(Json(value))
        })
    }
}
