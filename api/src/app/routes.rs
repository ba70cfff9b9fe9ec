//! Every route, by feature, and the extractor configs that turn framework-level input
//! errors (a bad path or query string, an oversized body) into problem+json.

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::features::{conversations, files, health, messages, notes, notifications, payments, rooms, users, webhooks};
use crate::platform::error::ApiError;
use crate::platform::json::JSON_LIMIT;
use crate::{auth, realtime};

pub fn configure(cfg: &mut ServiceConfig) {
    // JSON bodies go through `platform::json::Json` (objects only), which reads the body
    // within this limit.
    cfg.app_data(web::PayloadConfig::new(JSON_LIMIT))
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
                .configure(notifications::routes::configure)
                .configure(files::routes::configure)
                .configure(notes::routes::configure)
                .configure(payments::routes::configure)
                .configure(payments::creators::routes::configure)
                .configure(realtime::routes::configure),
        );
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFoundDetail(format!("no such resource: {err}")).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::invalid(format!("invalid query string: {err}")).into()
}
