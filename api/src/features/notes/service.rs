//! Notes: who may see them (public ones, one's own, those of one's rooms; 404 otherwise),
//! who may change them (the author; a moderator or owner of the note's room may only unshare
//! it from the room or delete it), counts
//! kept exact by single-statement increments, and `note.shared` in a room's log.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::repo::{self, Filter, Note};
use super::validate::NoteUpdate;
use super::views::NoteView;
use crate::features::files::detect::Purpose;
use crate::features::files::uses;
use crate::features::rooms::access as rooms;
use crate::platform::error::ApiError;
use crate::platform::events::log;
use crate::platform::events::{Committed, EventKind, RoomEvent};
use crate::platform::pagination::Page;

/// A new note, checked.
pub struct NewNote {
    pub title: String,
    pub description: String,
    pub file_id: Uuid,
    pub room_id: Option<Uuid>,
    pub is_public: bool,
}

async fn view(conn: &mut AsyncPgConnection, note: Note) -> Result<NoteView, ApiError> {
    let file = repo::file(conn, note.file_id).await?;
    Ok(NoteView::new(note, file))
}

/// `note.shared` in the note's room, when it has one.
async fn shared(conn: &mut AsyncPgConnection, view: &NoteView) -> Result<Vec<RoomEvent>, ApiError> {
    let Some(room) = view.room_id else { return Ok(vec![]) };
    let data = serde_json::to_value(view).expect("a note view serialises");
    Ok(vec![log::append(conn, room, EventKind::NoteShared, &data).await?])
}

pub async fn create(conn: &mut AsyncPgConnection, user: Uuid, new: NewNote) -> Result<Committed<NoteView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        if let Some(room) = new.room_id {
            rooms::member(conn, room, user).await?;
        }
        uses::claim(conn, user, new.file_id, Purpose::Note).await?;
        let now = Utc::now();
        let note = repo::insert(
            conn,
            &Note {
                id: Uuid::now_v7(),
                author_id: user,
                file_id: new.file_id,
                room_id: new.room_id,
                title: new.title,
                description: new.description,
                is_public: new.is_public,
                view_count: 0,
                download_count: 0,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        let view = view(conn, note).await?;
        let events = shared(conn, &view).await?;
        Ok(Committed::new(view, events))
    })
    .await
}

async fn visible(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<Note, ApiError> {
    repo::visible(conn, id, user).await?.ok_or(ApiError::NotFound("note"))
}

/// A note (counts a view).
pub async fn get(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<NoteView, ApiError> {
    visible(conn, user, id).await?;
    let note = repo::count(conn, id, false).await?.ok_or(ApiError::NotFound("note"))?;
    view(conn, note).await
}

/// Counts a download of a note the caller may see; its file's id.
pub async fn download(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<Uuid, ApiError> {
    visible(conn, user, id).await?;
    let note = repo::count(conn, id, true).await?.ok_or(ApiError::NotFound("note"))?;
    Ok(note.file_id)
}

/// What the library is asked for.
pub struct Library {
    pub q: Option<String>,
    pub room_id: Option<Uuid>,
    pub mine: bool,
    pub page: Page,
}

/// The library: notes the caller may see, newest first; the next cursor.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    library: Library,
) -> Result<(Vec<NoteView>, Option<String>), ApiError> {
    let filter = Filter {
        q: library.q,
        room_id: library.room_id,
        mine: library.mine,
        after: library.page.after,
        limit: library.page.limit,
    };
    let found = repo::list(conn, user, &filter).await?;
    let next = crate::platform::pagination::next_cursor(&found, filter.limit, |(n, _)| n.id);
    Ok((found.into_iter().map(|(n, f)| NoteView::new(n, f)).collect(), next))
}

/// What the caller may do to a note they can see.
enum Right {
    /// The author: anything.
    Author,
    /// A moderator or owner of the note's room: unshare it from the room, or delete it.
    RoomManager,
}

/// The note and the caller's right over it (403 for others who may see it).
async fn editable(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<(Note, Right), ApiError> {
    let note = visible(conn, user, id).await?;
    if note.author_id == user {
        return Ok((note, Right::Author));
    }
    if let Some(room) = note.room_id {
        if rooms::access(conn, room, user).await.is_ok_and(|a| a.is_manager()) {
            return Ok((note, Right::RoomManager));
        }
    }
    Err(ApiError::Forbidden(
        "only the author or a moderator of the note's room may change it".into(),
    ))
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
    update: NoteUpdate,
) -> Result<Committed<NoteView>, ApiError> {
    let changes = update.0;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (before, right) = editable(conn, user, id).await?;
        if matches!(right, Right::RoomManager) && !changes.only_unshares() {
            return Err(ApiError::Forbidden(
                "a room moderator may only unshare a note from the room (room_id: null) or delete it; \
                 only its author changes anything else"
                    .into(),
            ));
        }
        let moved = changes.room_id.filter(|room| *room != before.room_id);
        if let Some(Some(room)) = moved {
            rooms::member(conn, room, user).await?;
        }
        let note = repo::update(conn, id, &changes).await?;
        let view = view(conn, note).await?;
        let events = match moved {
            Some(Some(_)) => shared(conn, &view).await?,
            _ => vec![],
        };
        Ok(Committed::new(view, events))
    })
    .await
}

/// Deletes the note and its file.
pub async fn delete(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<(), ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (note, _) = editable(conn, user, id).await?;
        repo::delete(conn, id).await?;
        uses::release(conn, &[note.file_id]).await
    })
    .await
}
