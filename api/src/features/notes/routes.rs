use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::service::{self, Library, NewNote};
use super::validate::{NoteDescription, NoteTitle, NoteUpdate};
use super::views::NoteView;
use crate::features::files::service as files;
use crate::features::files::serving::{inline_flag, redirect, Files, Redirect};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::ApiResult;
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::pagination::{Cursor, Page};
use crate::platform::validate::checked_string;
use crate::platform::validate::{trimmed, Rule, NO_NUL};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_note)
        .service(list_notes)
        .service(get_note)
        .service(update_note)
        .service(delete_note)
        .service(download_note);
}

checked_string!(
    /// Words to find in titles and descriptions (web search syntax: `"a phrase"`, `-not`).
    NoteQuery,
    Rule {
        min: 1,
        max: 200,
        pattern: Some(&NO_NUL),
        message: "q must be 1 to 200 characters, without NUL",
    },
    trimmed
);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNoteRequest {
    pub title: NoteTitle,
    pub description: Option<NoteDescription>,
    /// An upload of one's own with purpose `note` not used elsewhere.
    pub file_id: Uuid,
    /// A room of one's own to share it to (members see it; `note.shared` is posted there).
    pub room_id: Option<Uuid>,
    pub is_public: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNoteRequest {
    pub title: Option<NoteTitle>,
    pub description: Option<NoteDescription>,
    pub is_public: Option<bool>,
    /// Share to another room of one's own; null: to none.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub room_id: Option<Option<Uuid>>,
}

#[derive(Deserialize, IntoParams)]
pub struct NoteListQuery {
    #[param(inline)]
    pub q: Option<NoteQuery>,
    /// Only notes shared to this room.
    pub room_id: Option<Uuid>,
    /// Only one's own notes.
    pub mine: Option<bool>,
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub struct NoteDownloadQuery {
    /// 1: show in the page (images, audio and video only); otherwise a download.
    #[param(minimum = 0, maximum = 1)]
    pub inline: Option<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct NotePage {
    pub items: Vec<NoteView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Add a note to the library (its file uploaded first with purpose `note`).
#[utoipa::path(tag = "notes", security(("bearer" = [])), request_body = CreateNoteRequest,
    responses((status = 201, body = NoteView)))]
#[post("/notes")]
pub async fn create_note(
    user: AuthUser,
    body: Json<CreateNoteRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let new = NewNote {
        title: b.title.into_inner(),
        description: b.description.map(NoteDescription::into_inner).unwrap_or_default(),
        file_id: b.file_id,
        room_id: b.room_id,
        is_public: b.is_public,
    };
    let view = store
        .write(async |conn| service::create(conn, user.id, new).await)
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The library: public notes, notes of one's rooms and one's own, newest first.
#[utoipa::path(tag = "notes", security(("bearer" = [])), params(NoteListQuery),
    responses((status = 200, body = NotePage)))]
#[get("/notes")]
pub async fn list_notes(
    user: AuthUser,
    query: web::Query<NoteListQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = Page::parse(query.limit, query.cursor.as_ref())?;
    let library = Library {
        q: query.q.clone().map(NoteQuery::into_inner).filter(|q| !q.is_empty()),
        room_id: query.room_id,
        mine: query.mine.unwrap_or(false),
        page,
    };
    let (items, next_cursor) = store
        .run(async |conn| service::list(conn, user.id, library).await)
        .await?;
    Ok(HttpResponse::Ok().json(NotePage { items, next_cursor }))
}

/// A note (counts a view; 404 for a note the caller may not see).
#[utoipa::path(tag = "notes", security(("bearer" = [])), responses((status = 200, body = NoteView)))]
#[get("/notes/{note_id}")]
pub async fn get_note(user: AuthUser, note_id: web::Path<Uuid>, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let id = note_id.into_inner();
    let view = store.run(async |conn| service::get(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a note (its author, or a moderator of its room).
#[utoipa::path(tag = "notes", security(("bearer" = [])), request_body = UpdateNoteRequest,
    responses((status = 200, body = NoteView)))]
#[patch("/notes/{note_id}")]
pub async fn update_note(
    user: AuthUser,
    note_id: web::Path<Uuid>,
    body: Json<UpdateNoteRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let changes = NoteUpdate::new(b.title, b.description, b.is_public, b.room_id);
    let id = note_id.into_inner();
    let view = store
        .write(async |conn| service::update(conn, user.id, id, changes).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a note and its file (its author, or a moderator of its room).
#[utoipa::path(tag = "notes", security(("bearer" = [])), responses((status = 204, description = "Deleted")))]
#[delete("/notes/{note_id}")]
pub async fn delete_note(
    user: AuthUser,
    note_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = note_id.into_inner();
    store.run(async |conn| service::delete(conn, user.id, id).await).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Download a note's file: counts it, then 302 to a URL that serves it for about two minutes.
#[utoipa::path(tag = "notes", security(("bearer" = [])), params(NoteDownloadQuery),
    responses((status = 302, description = "To the bytes", headers(("Location" = String)),
        body = Redirect)))]
#[get("/notes/{note_id}/download")]
pub async fn download_note(
    user: AuthUser,
    note_id: web::Path<Uuid>,
    query: web::Query<NoteDownloadQuery>,
    store: web::Data<Database>,
    serving: web::Data<Files>,
) -> ApiResult<HttpResponse> {
    let inline = inline_flag(query.inline.unwrap_or(0))?;
    let id = note_id.into_inner();
    let file = store
        .run(async |conn| {
            let file_id = service::download(conn, user.id, id).await?;
            files::download(conn, user.id, file_id).await
        })
        .await?;
    redirect(serving.location(&file, inline, false).await?)
}
