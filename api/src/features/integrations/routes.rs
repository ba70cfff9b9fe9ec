use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::service::{self, Integrations};
use super::views::{AuthorizeView, ExportList, ExportView, IntegrationList, IntegrationView};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::validate::{as_given, checked_string, pattern, Rule};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_integrations)
        .service(put_notion_token)
        .service(delete_notion)
        .service(notion_authorize)
        .service(notion_callback)
        .service(create_export)
        .service(list_exports)
        .service(get_export);
}

pattern!(
    /// Printable ASCII without spaces (Notion tokens are `secret_…` / `ntn_…`).
    TOKEN = r"^[\x21-\x7E]+$"
);

checked_string!(
    /// A Notion token: 1 to 500 printable characters without spaces.
    NotionToken,
    Rule {
        min: 1,
        max: 500,
        pattern: Some(&TOKEN),
        message: "token must be 1 to 500 printable characters without spaces",
    },
    as_given
);

pattern!(
    /// A Notion id: 32 hex digits, with or without dashes.
    PAGE_ID = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
);

checked_string!(
    /// A Notion page id (from its URL).
    NotionPageId,
    Rule {
        min: 32,
        max: 36,
        pattern: Some(&PAGE_ID),
        message: "parent_page_id must be a Notion page id (32 hex digits, dashes allowed)",
    },
    as_given
);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotionTokenRequest {
    /// An internal connection or personal access token (`secret_…`, `ntn_…`).
    pub token: NotionToken,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExportRequest {
    /// Where to: `notion`.
    #[schema(pattern = "^notion$")]
    pub target: String,
    /// The Notion page to put it under; none: a private page at the workspace's top.
    pub parent_page_id: Option<NotionPageId>,
}

#[derive(Deserialize, IntoParams)]
pub struct CallbackQuery {
    #[param(max_length = 500)]
    pub code: Option<String>,
    #[param(max_length = 200)]
    pub state: Option<String>,
    /// `access_denied` when the user said no.
    #[param(max_length = 100)]
    pub error: Option<String>,
}

/// What one has connected (tokens never leave the API).
#[utoipa::path(tag = "integrations", security(("bearer" = [])), responses((status = 200, body = IntegrationList)))]
#[get("/integrations")]
pub async fn list_integrations(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let view = store.run(async |conn| service::list(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Connect Notion with a pasted token (checked with Notion first; 422 when it refuses it).
#[utoipa::path(tag = "integrations", security(("bearer" = [])), request_body = NotionTokenRequest,
    responses((status = 200, body = IntegrationView)))]
#[put("/integrations/notion/token")]
pub async fn put_notion_token(
    user: AuthUser,
    body: Json<NotionTokenRequest>,
    store: web::Data<Database>,
    integ: web::Data<Integrations>,
) -> ApiResult<HttpResponse> {
    let token = body.into_inner().token.into_inner();
    let view = service::connect_token(&store, &integ, user.id, &token).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Disconnect Notion (its tokens are deleted here; revoke the connection in Notion too).
#[utoipa::path(tag = "integrations", security(("bearer" = [])), responses((status = 204)))]
#[delete("/integrations/notion")]
pub async fn delete_notion(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    store.run(async |conn| service::disconnect(conn, user.id).await).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start connecting Notion: 302 to Notion's consent page (with `Accept: application/json`,
/// 200 with its URL, for a web app that cannot follow a redirect with its token). 503 when
/// no Notion OAuth app is set up (paste a token instead).
#[utoipa::path(tag = "integrations", security(("bearer" = [])),
    responses((status = 302, description = "To Notion's consent page (`Location`)"), (status = 200, body = AuthorizeView)))]
#[get("/integrations/notion/authorize")]
pub async fn notion_authorize(
    req: HttpRequest,
    user: AuthUser,
    integ: web::Data<Integrations>,
) -> ApiResult<HttpResponse> {
    let url = service::authorize_url(&integ, user.id)?;
    let wants_json = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    if wants_json {
        return Ok(HttpResponse::Ok().json(AuthorizeView { url }));
    }
    Ok(HttpResponse::Found().insert_header((header::LOCATION, url)).finish())
}

/// Notion sends the browser back here (no sign-in: the signed `state` names the user); it
/// goes on to the web app's connections page with `?notion=connected` (or `denied`, `error`).
#[utoipa::path(tag = "integrations", params(CallbackQuery),
    responses((status = 302, description = "To the web app's connections page")))]
#[get("/integrations/notion/callback")]
pub async fn notion_callback(
    query: web::Query<CallbackQuery>,
    store: web::Data<Database>,
    integ: web::Data<Integrations>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let too_long = |v: &Option<String>, max: usize| v.as_ref().is_some_and(|v| v.chars().count() > max);
    if too_long(&q.code, 500) || too_long(&q.state, 200) || too_long(&q.error, 100) {
        return Err(ApiError::invalid(
            "code, state or error is longer than Notion ever sends",
        ));
    }
    let to = service::callback(
        &store,
        &integ,
        q.code.as_deref(),
        q.state.as_deref().unwrap_or_default(),
        q.error.as_deref(),
    )
    .await;
    Ok(HttpResponse::Found().insert_header((header::LOCATION, to)).finish())
}

/// Export a session's record to one's Notion (202; follow it with `GET /v1/exports/{id}`).
/// Exporting again replaces that page's content. The same content and visibility as the
/// Markdown export: 404 for a session one may not read, 409 `integration_not_connected`.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), request_body = CreateExportRequest,
    responses((status = 202, body = ExportView)))]
#[post("/sessions/{session_id}/exports")]
pub async fn create_export(
    user: AuthUser,
    path: web::Path<Uuid>,
    body: Json<CreateExportRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let session = path.into_inner();
    let b = body.into_inner();
    if b.target != "notion" {
        return Err(ApiError::invalid("target must be notion"));
    }
    let parent = b.parent_page_id.map(NotionPageId::into_inner);
    let view = store
        .run(async |conn| service::start_export(conn, user.id, session, parent).await)
        .await?;
    Ok(HttpResponse::Accepted().json(view))
}

/// One's exports of a session (at most one per target), with their state: what the
/// record page shows after a reload.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), responses((status = 200, body = ExportList)))]
#[get("/sessions/{session_id}/exports")]
pub async fn list_exports(
    user: AuthUser,
    path: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let session = path.into_inner();
    let view = store
        .run(async |conn| service::exports_of(conn, user.id, session).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One of one's exports: its state and, once made, the Notion page.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), responses((status = 200, body = ExportView)))]
#[get("/exports/{export_id}")]
pub async fn get_export(user: AuthUser, path: web::Path<Uuid>, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = store.run(async |conn| service::export(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}
