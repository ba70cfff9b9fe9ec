//! `/_fake/...`: JSON control routes (no auth) mirroring the handle's methods.
//!
//! - `POST /_fake/webhook_urls {platform, connect}`
//! - `POST /_fake/hold {on}`, `GET /_fake/held`, `POST /_fake/release_held` → `{events}`
//! - `GET /_fake/events`, `POST /_fake/events/{id}/deliver {timestamp?, secrets?, tamper_body?,
//!   omit_signature?}` → `{status}`, `GET /_fake/events/{id}/deliveries` → `{statuses}`
//! - `POST /_fake/rotate_webhook_secret {secret, connect?}`
//! - `GET /_fake/requests`, `GET /_fake/objects/{id}`
//! - `POST /_fake/<object path>/<action>` → `{events:[{id,type,status}]}`, see `Action::from_path`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::{Action, Delivery, FakeStripe};

type Fake = web::Data<FakeStripe>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/_fake")
            .route("/webhook_urls", web::post().to(webhook_urls))
            .route("/hold", web::post().to(hold))
            .route("/held", web::get().to(held))
            .route("/release_held", web::post().to(release_held))
            .route("/events", web::get().to(events))
            .route("/events/{id}/deliver", web::post().to(deliver))
            .route("/events/{id}/deliveries", web::get().to(deliveries))
            .route("/rotate_webhook_secret", web::post().to(rotate))
            .route("/requests", web::get().to(requests))
            .route("/objects/{id}", web::get().to(object))
            .default_service(web::to(action)),
    );
}

/// A JSON body (an empty one counts as `{}`).
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
}

fn bad(e: serde_json::Error) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"error": e.to_string()}))
}

#[derive(Deserialize)]
struct Urls {
    platform: String,
    connect: String,
}

async fn webhook_urls(fake: Fake, body: web::Bytes) -> HttpResponse {
    match parse::<Urls>(&body) {
        Ok(urls) => {
            fake.set_webhook_urls(&urls.platform, &urls.connect);
            HttpResponse::Ok().json(json!({"ok": true}))
        }
        Err(e) => bad(e),
    }
}

#[derive(Deserialize)]
struct Hold {
    on: bool,
}

async fn hold(fake: Fake, body: web::Bytes) -> HttpResponse {
    match parse::<Hold>(&body) {
        Ok(hold) => {
            fake.hold(hold.on);
            HttpResponse::Ok().json(json!({"hold": hold.on}))
        }
        Err(e) => bad(e),
    }
}

async fn held(fake: Fake) -> HttpResponse {
    HttpResponse::Ok().json(fake.held())
}

async fn release_held(fake: Fake) -> HttpResponse {
    HttpResponse::Ok().json(json!({"events": fake.release_held().await}))
}

async fn events(fake: Fake) -> HttpResponse {
    HttpResponse::Ok().json(fake.events())
}

async fn deliver(fake: Fake, id: web::Path<String>, body: web::Bytes) -> HttpResponse {
    match parse::<Delivery>(&body) {
        Ok(how) => match fake.send(&id, &how).await {
            Some(status) => HttpResponse::Ok().json(json!({"status": status})),
            None => HttpResponse::NotFound().json(json!({"error": format!("no event {id}")})),
        },
        Err(e) => bad(e),
    }
}

async fn deliveries(fake: Fake, id: web::Path<String>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"statuses": fake.deliveries(&id)}))
}

#[derive(Deserialize)]
struct Rotate {
    secret: String,
    #[serde(default)]
    connect: bool,
}

async fn rotate(fake: Fake, body: web::Bytes) -> HttpResponse {
    match parse::<Rotate>(&body) {
        Ok(r) if r.connect => fake.rotate_connect_webhook_secret(&r.secret),
        Ok(r) => fake.rotate_webhook_secret(&r.secret),
        Err(e) => return bad(e),
    }
    HttpResponse::Ok().json(json!({"ok": true}))
}

async fn requests(fake: Fake) -> HttpResponse {
    HttpResponse::Ok().json(fake.requests())
}

async fn object(fake: Fake, id: web::Path<String>) -> HttpResponse {
    match fake.object(&id) {
        Some(object) => HttpResponse::Ok().json(object),
        None => HttpResponse::NotFound().json(super::ApiError::no_such("object", &id).body()),
    }
}

async fn action(req: HttpRequest, fake: Fake) -> HttpResponse {
    let path = req.path().trim_start_matches("/_fake/").to_owned();
    let segments: Vec<&str> = path.split('/').collect();
    match Action::from_path(&segments).filter(|_| req.method() == actix_web::http::Method::POST) {
        None => {
            HttpResponse::NotFound().json(json!({"error": format!("no control route {} /_fake/{path}", req.method())}))
        }
        Some(action) => respond(fake.act(action).await),
    }
}

/// `{events:[{id,type,status}]}`, or the Stripe error with its status.
pub fn respond(result: Result<Vec<super::Sent>, super::ApiError>) -> HttpResponse {
    match result {
        Ok(sent) => HttpResponse::Ok().json(json!({"events": sent})),
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            HttpResponse::build(status).json(e.body())
        }
    }
}
