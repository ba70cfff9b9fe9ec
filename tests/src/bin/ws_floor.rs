//! The stack's own cost per idle WebSocket: a bare actix-web + actix-ws server (same
//! allocator, one worker, as Parley's bench instances) whose sockets do nothing. `make
//! bench` opens 19,000 idle sockets on it and on Parley, so the README can say how much of
//! Parley's memory per socket is the framework's and how much is Parley's own.
//! Answers `POST /v1/dev/token` only because the load generator asks for a token first.

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

async fn token() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"token":"none"}"#)
}

async fn socket(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, session, mut stream) = actix_ws::handle(&req, body)?;
    actix_web::rt::spawn(async move {
        let _session = session;
        while let Some(Ok(_)) = stream.recv().await {}
    });
    Ok(response)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8083".into());
    HttpServer::new(|| {
        App::new()
            .route("/v1/dev/token", web::post().to(token))
            .route("/v1/ws", web::get().to(socket))
    })
    .workers(1)
    .bind(addr)?
    .run()
    .await
}
