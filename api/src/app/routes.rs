//! Every route, by feature, and the extractor configs that turn framework-level input
//! errors into problem+json.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::features::{conversations, health, messages, rooms, users, webhooks};
use crate::platform::error::ApiError;
use crate::{auth, realtime};

use crate::platform::json::JSON_LIMIT;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.app_data(json_config())
        .app_data(web::PayloadConfig::new(JSON_LIMIT))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .configure(health::routes::configure)
        .service(
            utoipa_actix_web::scope("/v1")
                .configure(users::routes::configure)
                .configure(auth::routes::configure)
                .configure(webhooks::routes::configure)
                .configure(rooms::routes::configure)
                .configure(conversations::routes::configure)
                .configure(messages::routes::configure)
                .configure(realtime::routes::configure),
        );
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_LIMIT).error_handler(json_error)
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::TooLarge(format!("body larger than {JSON_LIMIT} bytes"))
        }
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("expected Content-Type: application/json".into())
        }
        JsonPayloadError::Deserialize(e) => ApiError::invalid(format!("invalid JSON body: {e}")),
        other => ApiError::invalid(format!("unreadable body: {other}")),
    };
    api.into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFoundDetail(format!("no such resource: {err}")).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::invalid(format!("invalid query string: {err}")).into()
}
