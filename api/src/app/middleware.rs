//! What wraps every request: a request id and access log, metrics by route, HEAD for GET
//! routes, 405 with `Allow` for a known path's missing method, and problem+json for the
//! answers the framework produces without a body of ours (unknown route, CORS refusal…).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{HttpRequest, HttpResponse};
use tracing::Instrument;

use crate::platform::error::{ErrorCode, Problem};

/// A request id on every response and in the logs (never the query string: tickets), the
/// access log line, and the request's metrics. A HEAD request is served by its GET route;
/// actix-http leaves the body out because the request on the wire was HEAD.
pub async fn observe(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = req.method().clone();
    if method == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let span = tracing::info_span!("request", request_id = %request_id, method = %method, path = %req.path());
    let started = Instant::now();
    async move {
        let mut res = next.call(req).await?;
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            res.headers_mut()
                .insert(header::HeaderName::from_static("x-request-id"), value);
        }
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
        let status = res.status().as_u16();
        crate::platform::metrics::record_request(&method, route, status, started.elapsed());
        tracing::info!(status, elapsed_ms = started.elapsed().as_millis() as u64, "handled");
        Ok(res)
    }
    .instrument(span)
    .await
}

/// Each documented path and the methods it answers, to tell 405 from 404.
pub struct KnownPaths {
    paths: Vec<(ResourceDef, Vec<Method>)>,
}

impl KnownPaths {
    pub fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let paths = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<Method> = [
                    (item.get.is_some(), Method::GET),
                    (item.post.is_some(), Method::POST),
                    (item.put.is_some(), Method::PUT),
                    (item.patch.is_some(), Method::PATCH),
                    (item.delete.is_some(), Method::DELETE),
                ]
                .into_iter()
                .filter_map(|(has, m)| has.then_some(m))
                .collect();
                if methods.contains(&Method::GET) {
                    methods.insert(1, Method::HEAD);
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self { paths }
    }

    /// The methods of a route written out in full (no parameter) that is exactly `path`:
    /// `/v1/payments/intents` rather than `/v1/payments/{payment_id}`.
    pub fn literal(&self, path: &str) -> Option<&[Method]> {
        self.paths
            .iter()
            .find(|(def, _)| !def.pattern().unwrap_or("{").contains('{') && def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }

    fn allowed(&self, path: &str) -> Option<&[Method]> {
        self.paths
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

/// The app's default service: 405 with `Allow` for a known path, else 404.
pub async fn unmatched(req: HttpRequest, known: actix_web::web::Data<KnownPaths>) -> HttpResponse {
    match known.allowed(req.path()) {
        Some(methods) => method_not_allowed(&req, methods),
        None => crate::platform::error::no_such_route(),
    }
}

/// 405 with `Allow`, as problem+json.
pub fn method_not_allowed(req: &HttpRequest, methods: &[Method]) -> HttpResponse {
    let allow = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, allow))
        .content_type("application/problem+json")
        .json(Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
            format!("{} is not allowed on this route", req.method()),
        ))
}

/// Responses that the framework produced without a body of ours become problem+json too.
pub fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/problem+json") || ct.starts_with("application/json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, detail) = match status.as_u16() {
        404 => (ErrorCode::NotFound, "no such route"),
        405 => (ErrorCode::MethodNotAllowed, "method not allowed on this route"),
        401 => (ErrorCode::Unauthorized, "authentication required"),
        403 => (ErrorCode::Forbidden, "not allowed"),
        413 => (ErrorCode::TooLarge, "request too large"),
        415 => (ErrorCode::UnsupportedMediaType, "unsupported content type"),
        503 => (ErrorCode::Unavailable, "unavailable, retry shortly"),
        400..=499 => (ErrorCode::Invalid, "invalid request"),
        _ => (ErrorCode::Internal, "internal error"),
    };
    let body = serde_json::to_string(&Problem::new(status, code, detail)).expect("a problem serialises");
    let (req, _) = res.into_parts();
    let response = HttpResponse::build(status)
        .content_type("application/problem+json")
        .body(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
