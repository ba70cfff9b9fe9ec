//! Every route, by feature, and the extractor configs that turn framework-level input
//! errors (a bad path or query string, an oversized body) into problem+json.

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};
use utoipa_actix_web::service_config::ServiceConfig;

use super::middleware::{method_not_allowed, KnownPaths};
use crate::features::{
    bookings, channels, clerk, conversations, creators, files, health, integrations, links, messages, notes,
    notifications, payments, rooms, sessions, users,
};
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
        .configure(links::routes::configure_redirects)
        .service(
            utoipa_actix_web::scope("/v1")
                .configure(users::routes::configure)
                .configure(auth::routes::configure)
                .configure(clerk::routes::configure)
                .configure(rooms::routes::configure)
                .configure(conversations::routes::configure)
                .configure(messages::routes::configure)
                .configure(notifications::routes::configure)
                .configure(files::routes::configure)
                .configure(notes::routes::configure)
                .configure(payments::routes::configure)
                .configure(creators::routes::configure)
                .configure(bookings::routes::configure)
                .configure(sessions::routes::configure)
                .configure(links::routes::configure)
                .configure(integrations::routes::configure)
                .configure(channels::routes::configure)
                .configure(realtime::routes::configure),
        );
}

/// A path parameter that does not parse is a missing resource, unless the path is another
/// route's literal one with other methods (`GET /v1/payments/intents` is 405, not a payment).
fn path_error(err: PathError, req: &HttpRequest) -> actix_web::Error {
    let known = req.app_data::<web::Data<KnownPaths>>();
    if let Some(methods) = known.and_then(|k| k.literal(req.path())) {
        let response = method_not_allowed(req, methods);
        return actix_web::error::InternalError::from_response(err, response).into();
    }
    ApiError::NotFoundDetail(format!("no such resource: {err}")).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::invalid(format!("invalid query string: {err}")).into()
}
