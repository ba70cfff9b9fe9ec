//! `Json<T>`: a JSON request body that must be an object, as every body of this API is
//! documented. serde would also read a struct from an array (`[null, null]`), which the
//! OpenAPI document does not allow; this extractor refuses anything but `{…}` first, then
//! parses with the app's `JsonConfig` (limit, content type, problem+json errors).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use sha2::Digest;

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
        let req = req.clone();
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
            // For `Idempotency-Key`: two requests are the same when their bodies are.
            let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
            req.extensions_mut().insert(super::idempotency::BodyDigest(digest));
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

/// For a nested object field: `#[serde(deserialize_with = "object")]`. serde reads a
/// struct from an array too (`[[], false]`); the document says object, so only an object is
/// read.
pub fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct ObjectOnly<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(ObjectOnly(std::marker::PhantomData))
}

/// For a field that may be left out (None: unchanged), null (Some(None): cleared) or set:
/// `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(Some(serde::Deserialize::deserialize(d)?))
}

/// `object` for an optional field (absent or null = None); add `#[serde(default)]`.
pub fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    #[derive(serde::Deserialize)]
    #[serde(bound = "T: serde::Deserialize<'de>")]
    struct Wrap<T>(#[serde(deserialize_with = "object")] T);
    let v: Option<Wrap<T>> = serde::Deserialize::deserialize(d)?;
    Ok(v.map(|Wrap(t)| t))
}

#[cfg(test)]
mod object_tests {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        a: i32,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        #[serde(deserialize_with = "super::object")]
        inner: Inner,
        #[serde(default, deserialize_with = "super::opt_object")]
        maybe: Option<Inner>,
    }

    #[test]
    fn nested_structs_are_read_from_objects_only() {
        assert!(serde_json::from_str::<Outer>(r#"{"inner": {"a": 1}, "maybe": {"a": 2}}"#).is_ok());
        assert!(serde_json::from_str::<Outer>(r#"{"inner": {"a": 1}, "maybe": null}"#).is_ok());
        assert!(serde_json::from_str::<Outer>(r#"{"inner": {"a": 1}}"#).is_ok());
        assert!(serde_json::from_str::<Outer>(r#"{"inner": [1]}"#).is_err());
        assert!(serde_json::from_str::<Outer>(r#"{"inner": {"a": 1}, "maybe": [2]}"#).is_err());
    }
}
