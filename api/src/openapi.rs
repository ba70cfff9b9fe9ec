use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parley API",
        description = "Open chat backend: rooms, direct messages, real-time delivery with gap-free ordering and resume. \
            Errors are RFC 9457 problem+json with a stable `code`. Sign in with a Clerk session token \
            (`Authorization: Bearer`), or in dev mode with a token from `POST /v1/dev/token`.",
        license(name = "MIT")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "users", description = "Profiles"),
        (name = "rooms", description = "Rooms, membership, direct messages, read state and the event log"),
        (name = "messages", description = "Messages, reactions and search"),
        (name = "realtime", description = "WebSocket tickets and the socket"),
        (name = "webhooks", description = "Clerk webhooks (Svix-signed)"),
        (name = "dev", description = "Dev sign-in (AUTH_MODE=dev only)"),
        (name = "health", description = "Liveness, readiness, metrics")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A Clerk session token (RS256), or a dev token in AUTH_MODE=dev"))
                    .build(),
            ),
        );
    }
}

/// The document exactly as the server serves it at `/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::http::configure)
        .split_for_parts();
    doc
}

pub fn to_pretty_json() -> String {
    let mut text = document().to_pretty_json().expect("the document serialises");
    text.push('\n');
    text
}
