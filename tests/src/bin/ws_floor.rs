//! What the framework alone costs per idle WebSocket, for the README's memory figures:
//! a server (same allocator, one worker, like Parley's bench instances) whose sockets do
//! nothing. `make bench` opens 19,000 idle sockets on it as on Parley.
//!
//! `ws_floor ADDR actix-ws` (default): actix-web + `actix_ws::handle`, as Parley does.
//! `ws_floor ADDR upgrade`: actix-http's upgrade service instead; after the handshake the
//! socket leaves the HTTP/1 dispatcher and its two 8 KiB buffers, and is read with a small
//! buffer. The alternative to actix-ws if idle memory must go below what actix-ws allows.
//!
//! Every other request answers `{"token":"none"}`: the load generator asks for a token first.

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use actix_codec::Framed;
use actix_http::body::BodySize;
use actix_http::ws::HandshakeError;
use actix_http::{h1, HttpService, Request, Response};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use futures_util::SinkExt;
use tokio::net::TcpStream;

const TOKEN: &str = r#"{"token":"none"}"#;

async fn token() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(TOKEN)
}

async fn actix_ws_socket(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, session, mut stream) = actix_ws::handle(&req, body)?;
    actix_web::rt::spawn(async move {
        let _session = session;
        while let Some(Ok(_)) = stream.recv().await {}
    });
    Ok(response)
}

async fn upgraded_socket((req, mut framed): (Request, Framed<TcpStream, h1::Codec>)) -> Result<(), HandshakeError> {
    let response = actix_http::ws::handshake(req.head())?.finish().drop_body();
    drop(req);
    framed
        .send(h1::Message::Item((response, BodySize::None)))
        .await
        .map_err(|_| HandshakeError::NoConnectionUpgrade)?;
    // Keep the socket, drop the dispatcher's buffers.
    let io = framed.into_parts().io;
    let mut buf = [0u8; 256];
    loop {
        if io.readable().await.is_err() {
            return Ok(());
        }
        match io.try_read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return Ok(()),
        }
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8083".into());
    match args.next().as_deref().unwrap_or("actix-ws") {
        "actix-ws" => {
            HttpServer::new(|| {
                App::new()
                    .route("/v1/dev/token", web::post().to(token))
                    .route("/v1/ws", web::get().to(actix_ws_socket))
            })
            .workers(1)
            .bind(addr)?
            .run()
            .await
        }
        "upgrade" => {
            actix_server::Server::build()
                .workers(1)
                .bind("ws_floor", addr, || {
                    HttpService::build()
                        .upgrade(actix_service::fn_service(upgraded_socket))
                        .finish(|_req: Request| async {
                            Ok::<_, std::convert::Infallible>(Response::ok().set_body(TOKEN.to_owned()))
                        })
                        .tcp()
                })?
                .run()
                .await
        }
        other => Err(std::io::Error::other(format!(
            "unknown mode {other}: actix-ws or upgrade"
        ))),
    }
}
