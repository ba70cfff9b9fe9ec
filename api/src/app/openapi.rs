//! The OpenAPI document: every route's operation from its handler, the error answers
//! declared once for all of them (problem+json), the WebSocket frames as components.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::features::messages::views::ReactionEvent;
use crate::features::payments::views::TipEvent;
use crate::features::rooms::views::MemberEvent;
use crate::platform::error::Problem;
use crate::realtime::protocol::{ClientFrame, ServerFrame};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parley API",
        description = "Open chat backend: rooms, direct messages, real-time delivery with gap-free ordering and resume. \
            Errors are RFC 9457 `application/problem+json` with a stable `code`; `unavailable` (503, with \
            `Retry-After`) means a dependency is down and the request may be retried. Sign in with a Clerk \
            session token (`Authorization: Bearer`), or in dev mode with a token from `POST /v1/dev/token`. \
            The WebSocket protocol (`GET /v1/ws`) is described in AsyncAPI 3: [/asyncapi.yaml](/asyncapi.yaml); its \
            frames are also components here (`ClientFrame`, `ServerFrame`).",
        license(name = "MIT")
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, ClientFrame, ServerFrame, MemberEvent, ReactionEvent, TipEvent)),
    tags(
        (name = "users", description = "Profiles"),
        (name = "rooms", description = "Rooms, membership, direct messages, read state and the event log"),
        (name = "messages", description = "Messages, reactions and search"),
        (name = "realtime", description = "WebSocket tickets and the socket"),
        (name = "webhooks", description = "Clerk webhooks (Svix-signed) and Stripe webhooks (Stripe-Signature)"),
        (name = "payments", description = "Payments one makes: history, Elements intents, refunds (one ledger)"),
        (name = "payouts", description = "Getting paid: the Stripe Connect account, onboarding and earnings"),
        (name = "creators", description = "Creators: tips, tiers, subscriptions"),
        (name = "bookings", description = "Booking pages (booking types, availability, slots), bookings and calendars"),
        (name = "integrations", description = "Outside services one connects (Notion) and session records exported to them"),
        (name = "links", description = "Short links: our own codes at /s/{code} or Bitly's, with clicks per day"),
        (name = "sessions", description = "Live sessions in rooms"),
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
        .configure(super::routes::configure)
        .split_for_parts();
    finish(doc)
}

/// Declares the error answers every operation can give, once: any 4xx and a 503 are
/// `application/problem+json` bodies (`Problem`); 503 carries `Retry-After`.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let problem = || {
        ContentBuilder::new()
            .schema(Some(RefOr::<utoipa::openapi::schema::Schema>::Ref(
                Ref::from_schema_name("Problem"),
            )))
            .build()
    };
    let client_error = ResponseBuilder::new()
        .description("The request was refused: problem details with a stable `code`")
        .content("application/problem+json", problem())
        .build();
    let unavailable = ResponseBuilder::new()
        .description("A dependency (the database, Redis) is down: retry after `Retry-After` seconds")
        .content("application/problem+json", problem())
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::Integer),
                ))
                .description(Some("Seconds to wait before retrying"))
                .build(),
        )
        .build();
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let responses = &mut op.responses.responses;
            responses
                .entry("4XX".into())
                .or_insert_with(|| RefOr::T(client_error.clone()));
            responses
                .entry("503".into())
                .or_insert_with(|| RefOr::T(unavailable.clone()));
        }
    }
    doc
}

pub fn to_pretty_json() -> String {
    let mut text = document().to_pretty_json().expect("the document serialises");
    text.push('\n');
    text
}
