//! The `notes` table (with each note's file, read from `files`).

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{files, notes};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = notes)]
pub struct Note {
    pub id: Uuid,
    pub author_id: Uuid,
    pub file_id: Uuid,
    pub room_id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub is_public: bool,
    pub view_count: i64,
    pub download_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a note shows of its file.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = files)]
pub struct NoteFile {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumbnail_key: Option<String>,
}

#[derive(AsChangeset, Default, Debug)]
#[diesel(table_name = notes)]
pub struct NoteChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub is_public: Option<bool>,
    pub room_id: Option<Option<Uuid>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl NoteChanges {
    /// True when the change only takes the note out of its room.
    pub fn only_unshares(&self) -> bool {
        self.title.is_none() && self.description.is_none() && self.is_public.is_none() && self.room_id == Some(None)
    }
}

/// Filters of the library.
#[derive(Default, Debug)]
pub struct Filter {
    pub q: Option<String>,
    pub room_id: Option<Uuid>,
    pub mine: bool,
    pub after: Option<Uuid>,
    pub limit: i64,
}

diesel::define_sql_function! {
    /// Notes `user` may see: public ones, their own, and those of rooms they belong to.
    fn parley_note_visible(is_public: Bool, author: SqlUuid, room: Nullable<SqlUuid>, user: SqlUuid) -> Bool;
}

fn visible_to(user: Uuid) -> parley_note_visible<notes::is_public, notes::author_id, notes::room_id, Uuid> {
    parley_note_visible(notes::is_public, notes::author_id, notes::room_id, user)
}

pub async fn insert(conn: &mut AsyncPgConnection, note: &Note) -> QueryResult<Note> {
    diesel::insert_into(notes::table)
        .values(note)
        .returning(Note::as_returning())
        .get_result(conn)
        .await
}

/// The note when `user` may see it.
pub async fn visible(conn: &mut AsyncPgConnection, id: Uuid, user: Uuid) -> QueryResult<Option<Note>> {
    notes::table
        .find(id)
        .filter(visible_to(user))
        .select(Note::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn file(conn: &mut AsyncPgConnection, file_id: Uuid) -> QueryResult<NoteFile> {
    files::table
        .find(file_id)
        .select(NoteFile::as_select())
        .first(conn)
        .await
}

/// Counts a view (or a download) of a note; the note as it is now.
pub async fn count(conn: &mut AsyncPgConnection, id: Uuid, download: bool) -> QueryResult<Option<Note>> {
    let target = diesel::update(notes::table.find(id));
    let query = if download {
        target
            .set(notes::download_count.eq(notes::download_count + 1))
            .returning(Note::as_returning())
            .get_result(conn)
            .await
    } else {
        target
            .set(notes::view_count.eq(notes::view_count + 1))
            .returning(Note::as_returning())
            .get_result(conn)
            .await
    };
    query.optional()
}

pub async fn update(conn: &mut AsyncPgConnection, id: Uuid, changes: &NoteChanges) -> QueryResult<Note> {
    diesel::update(notes::table.find(id))
        .set(changes)
        .returning(Note::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(notes::table.find(id)).execute(conn).await
}

/// A page of the notes `user` may see, newest first.
pub async fn list(conn: &mut AsyncPgConnection, user: Uuid, f: &Filter) -> QueryResult<Vec<(Note, NoteFile)>> {
    let mut query = notes::table
        .inner_join(files::table)
        .filter(visible_to(user))
        .select((Note::as_select(), NoteFile::as_select()))
        .order(notes::id.desc())
        .limit(f.limit)
        .into_boxed();
    if let Some(room) = f.room_id {
        query = query.filter(notes::room_id.eq(room));
    }
    if f.mine {
        query = query.filter(notes::author_id.eq(user));
    }
    if let Some(after) = f.after {
        query = query.filter(notes::id.lt(after));
    }
    if let Some(q) = &f.q {
        query = query.filter(
            sql::<Bool>("notes.search @@ websearch_to_tsquery('simple', ")
                .bind::<Text, _>(q.clone())
                .sql(")"),
        );
    }
    query.load(conn).await
}
