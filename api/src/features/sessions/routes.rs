use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::service;
use super::validate::{ClientNoteId, NoteBody, SessionTitle};
use super::views::{NoteKind, SessionNoteList, SessionNoteView, SessionPage, SessionRecord, SessionView, Visibility};
use super::Sessions;
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::ApiResult;
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::pagination::PageQuery;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_session)
        .service(list_sessions)
        .service(get_session)
        .service(update_session)
        .service(delete_session)
        .service(start_session)
        .service(end_session)
        .service(create_session_note)
        .service(list_session_notes)
        .service(update_session_note)
        .service(delete_session_note)
        .service(session_record)
        .service(export_session);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    pub title: SessionTitle,
    /// When it is planned (RFC 3339).
    pub scheduled_at: Option<DateTime<Utc>>,
}

/// Schedule a session in a room (its owner and moderators).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), request_body = CreateSessionRequest,
    responses((status = 201, body = SessionView)))]
#[post("/rooms/{room_id}/sessions")]
pub async fn create_session(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<CreateSessionRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room = room_id.into_inner();
    let b = body.into_inner();
    let view = store
        .write(async |conn| service::create(conn, user.id, room, b.title.as_str(), b.scheduled_at).await)
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A room's sessions, newest first (its members).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = SessionPage)))]
#[get("/rooms/{room_id}/sessions")]
pub async fn list_sessions(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room = room_id.into_inner();
    let page = query.page()?;
    let view = store
        .run(async |conn| service::list(conn, user.id, room, page).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One session (members of its room; 404 for anyone else).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), responses((status = 200, body = SessionView)))]
#[get("/sessions/{session_id}")]
pub async fn get_session(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let view = store.run(async |conn| service::get(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSessionRequest {
    pub title: Option<SessionTitle>,
    /// Null clears it; only before the session starts.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<DateTime<Utc>>, nullable)]
    pub scheduled_at: Option<Option<DateTime<Utc>>>,
}

/// Rename a session, or move one that has not started (its host and the room's managers).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), request_body = UpdateSessionRequest,
    responses((status = 200, body = SessionView)))]
#[patch("/sessions/{session_id}")]
pub async fn update_session(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    body: Json<UpdateSessionRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let b = body.into_inner();
    let title = b.title.map(SessionTitle::into_inner);
    let view = store
        .write(async |conn| service::update(conn, user.id, id, title, b.scheduled_at).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a session that is not live, with its record (its host and the room's managers).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), responses((status = 204, description = "Deleted")))]
#[delete("/sessions/{session_id}")]
pub async fn delete_session(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    store
        .write(async |conn| service::delete(conn, user.id, id).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct EmptyRequest {}

/// Start a scheduled session (its host and the room's managers; one live session per room:
/// 409 `another_session_live`). `session.started` goes to the room; the members with a
/// socket in the room start attending.
#[utoipa::path(tag = "sessions", security(("bearer" = [])), request_body = EmptyRequest,
    responses((status = 200, body = SessionView)))]
#[post("/sessions/{session_id}/start")]
pub async fn start_session(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    _body: Json<EmptyRequest>,
    store: web::Data<Database>,
    sessions: web::Data<Sessions>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let room = store
        .run(async |conn| service::get(conn, user.id, id).await)
        .await?
        .room_id;
    let online = sessions.in_room.in_room(room).await;
    let grace = chrono::Duration::from_std(sessions.grace).unwrap_or_default();
    let view = store
        .write(async |conn| service::start(conn, user.id, id, &online, grace).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// End a live session: attendance closes, `session.ended` goes to the room.
#[utoipa::path(tag = "sessions", security(("bearer" = [])), request_body = EmptyRequest,
    responses((status = 200, body = SessionView)))]
#[post("/sessions/{session_id}/end")]
pub async fn end_session(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    _body: Json<EmptyRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let view = store.write(async |conn| service::end(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionNoteRequest {
    pub kind: NoteKind,
    pub body: NoteBody,
    pub visibility: Visibility,
    /// The client's key: a repeated create answers the first note (200).
    pub client_note_id: Option<ClientNoteId>,
    /// Action items only.
    pub done: Option<bool>,
}

/// Take a note in a session (members of its room): shared ones reach the room live as
/// `session.note_created`; private ones are the author's alone.
#[utoipa::path(tag = "sessions", security(("bearer" = [])), request_body = CreateSessionNoteRequest,
    responses((status = 201, body = SessionNoteView), (status = 200, body = SessionNoteView, description = "The note this client_note_id made before")))]
#[post("/sessions/{session_id}/notes")]
pub async fn create_session_note(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    body: Json<CreateSessionNoteRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let b = body.into_inner();
    let note = service::NewNote {
        kind: b.kind,
        body: b.body.into_inner(),
        visibility: b.visibility,
        client_note_id: b.client_note_id.map(ClientNoteId::into_inner),
        done: b.done.unwrap_or(false),
    };
    let (view, new) = store
        .write(async |conn| service::add_note(conn, user.id, id, note).await)
        .await?;
    Ok(match new {
        true => HttpResponse::Created().json(view),
        false => HttpResponse::Ok().json(view),
    })
}

/// A session's notes the caller sees: the shared ones and their own, oldest first.
#[utoipa::path(tag = "sessions", security(("bearer" = [])), responses((status = 200, body = SessionNoteList)))]
#[get("/sessions/{session_id}/notes")]
pub async fn list_session_notes(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let view = store.run(async |conn| service::notes(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSessionNoteRequest {
    pub kind: Option<NoteKind>,
    pub body: Option<NoteBody>,
    pub visibility: Option<Visibility>,
    pub done: Option<bool>,
}

/// Change one's own note (others who see it: 403).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), request_body = UpdateSessionNoteRequest,
    responses((status = 200, body = SessionNoteView)))]
#[patch("/session-notes/{note_id}")]
pub async fn update_session_note(
    user: AuthUser,
    note_id: web::Path<Uuid>,
    body: Json<UpdateSessionNoteRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = note_id.into_inner();
    let b = body.into_inner();
    let changes = service::NoteChanges {
        kind: b.kind,
        body: b.body.map(NoteBody::into_inner),
        visibility: b.visibility,
        done: b.done,
    };
    let view = store
        .write(async |conn| service::update_note(conn, user.id, id, changes).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a note: its author, or the room's managers for a shared one.
#[utoipa::path(tag = "sessions", security(("bearer" = [])), responses((status = 204, description = "Deleted")))]
#[delete("/session-notes/{note_id}")]
pub async fn delete_session_note(
    user: AuthUser,
    note_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = note_id.into_inner();
    store
        .write(async |conn| service::delete_note(conn, user.id, id).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A session's record (members of its room): who attended when with totals, the notes the
/// caller may see, and a page of the transcript (`cursor`, `limit`), with pay-per-view
/// bodies locked exactly as in history.
#[utoipa::path(tag = "sessions", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = SessionRecord)))]
#[get("/sessions/{session_id}/record")]
pub async fn session_record(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let limit = crate::platform::pagination::limit(query.limit)?;
    let cursor = query.cursor.as_ref().map(|c| c.as_str().to_owned());
    let view = store
        .run(async |conn| service::record(conn, user.id, id, cursor.as_deref(), limit).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The record as Markdown: front matter, participants, notes (action items as task
/// boxes), the transcript; the record's visibility rules.
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    responses((status = 200, description = "The record as Markdown", content_type = "text/markdown", body = String)))]
#[get("/sessions/{session_id}/export.md")]
pub async fn export_session(
    user: AuthUser,
    session_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = session_id.into_inner();
    let (file, text) = store.run(async |conn| service::export(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file}\"")))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(text))
}
