//! The `sessions` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{session_attendance, session_notes, sessions};

crate::platform::text_enum::text_enum! {
    /// Where a session stands: it only moves forward.
    pub enum SessionStatus {
        Scheduled = "scheduled",
        Live = "live",
        Ended = "ended",
    }
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: Uuid,
    pub room_id: Uuid,
    pub host_id: Uuid,
    pub title: String,
    pub status: SessionStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub start_seq: Option<i64>,
    pub end_seq: Option<i64>,
    pub booking_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, s: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(s)
        .execute(conn)
        .await
        .map(drop)
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Session>> {
    sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .await
        .optional()
}

/// A page of a room's sessions, newest first.
pub async fn of_room(
    conn: &mut AsyncPgConnection,
    room: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Session>> {
    let mut q = sessions::table
        .filter(sessions::room_id.eq(room))
        .order(sessions::id.desc())
        .limit(limit)
        .select(Session::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(sessions::id.lt(after));
    }
    q.load(conn).await
}

/// Moves a session that has not started; false when it has.
pub async fn reschedule(conn: &mut AsyncPgConnection, id: Uuid, at: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::status.eq(SessionStatus::Scheduled)),
    )
    .set((sessions::scheduled_at.eq(at), sessions::updated_at.eq(Utc::now())))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Deletes a session that has not started; false when it has.
pub async fn delete_scheduled(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    let n = diesel::delete(
        sessions::table
            .find(id)
            .filter(sessions::status.eq(SessionStatus::Scheduled)),
    )
    .execute(conn)
    .await?;
    Ok(n == 1)
}

pub async fn for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Session>> {
    sessions::table
        .find(id)
        .select(Session::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Saves a session's changed fields; false when another session of the room is live.
pub async fn save(conn: &mut AsyncPgConnection, s: &Session) -> QueryResult<bool> {
    use diesel_async::AsyncConnection;
    let saved = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            diesel::update(sessions::table.find(s.id))
                .set((
                    sessions::title.eq(&s.title),
                    sessions::status.eq(s.status),
                    sessions::scheduled_at.eq(s.scheduled_at),
                    sessions::started_at.eq(s.started_at),
                    sessions::ended_at.eq(s.ended_at),
                    sessions::start_seq.eq(s.start_seq),
                    sessions::end_seq.eq(s.end_seq),
                    sessions::updated_at.eq(Utc::now()),
                ))
                .execute(conn)
                .await
        })
        .await;
    match saved {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id)).execute(conn).await
}

/// The room's live session, if any.
pub async fn live_in(conn: &mut AsyncPgConnection, room: Uuid) -> QueryResult<Option<Session>> {
    sessions::table
        .filter(sessions::room_id.eq(room))
        .filter(sessions::status.eq(SessionStatus::Live))
        .select(Session::as_select())
        .first(conn)
        .await
        .optional()
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = session_attendance)]
pub struct Interval {
    pub user_id: Uuid,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

/// Every attendance interval of a session, by participant then time.
pub async fn intervals(conn: &mut AsyncPgConnection, session: Uuid) -> QueryResult<Vec<Interval>> {
    session_attendance::table
        .filter(session_attendance::session_id.eq(session))
        .order((session_attendance::user_id, session_attendance::joined_at))
        .select(Interval::as_select())
        .load(conn)
        .await
}

/// Who has an open interval.
pub async fn present(conn: &mut AsyncPgConnection, session: Uuid) -> QueryResult<Vec<Uuid>> {
    session_attendance::table
        .filter(session_attendance::session_id.eq(session))
        .filter(session_attendance::left_at.is_null())
        .select(session_attendance::user_id)
        .load(conn)
        .await
}

/// Opens an interval for `user` unless one is open: true when it opened one. One that
/// closed within `grace` is opened again instead (a reconnect does not split it).
pub async fn open_interval(
    conn: &mut AsyncPgConnection,
    session: Uuid,
    user: Uuid,
    grace: chrono::Duration,
) -> QueryResult<bool> {
    let now = Utc::now();
    let reopened = diesel::sql_query(
        "UPDATE session_attendance SET left_at = NULL
         WHERE id = (SELECT id FROM session_attendance
                     WHERE session_id = $1 AND user_id = $2 AND left_at > $3
                     ORDER BY left_at DESC LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM session_attendance
                           WHERE session_id = $1 AND user_id = $2 AND left_at IS NULL)",
    )
    .bind::<diesel::sql_types::Uuid, _>(session)
    .bind::<diesel::sql_types::Uuid, _>(user)
    .bind::<diesel::sql_types::Timestamptz, _>(now - grace)
    .execute(conn)
    .await?;
    if reopened > 0 {
        return Ok(false);
    }
    let n = diesel::insert_into(session_attendance::table)
        .values((
            session_attendance::session_id.eq(session),
            session_attendance::user_id.eq(user),
            session_attendance::joined_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Closes the open intervals of `users` (all, when None); who was closed.
pub async fn close_intervals(
    conn: &mut AsyncPgConnection,
    session: Uuid,
    users: Option<&[Uuid]>,
) -> QueryResult<Vec<Uuid>> {
    let mut q = diesel::update(session_attendance::table)
        .filter(session_attendance::session_id.eq(session))
        .filter(session_attendance::left_at.is_null())
        .into_boxed();
    if let Some(users) = users {
        q = q.filter(session_attendance::user_id.eq_any(users));
    }
    q.set(session_attendance::left_at.eq(Utc::now()))
        .returning(session_attendance::user_id)
        .get_results(conn)
        .await
}

crate::platform::text_enum::text_enum! {
    /// What a session note is.
    pub enum NoteKind {
        Note = "note",
        ActionItem = "action_item",
        Decision = "decision",
        Highlight = "highlight",
    }
}

crate::platform::text_enum::text_enum! {
    /// Who sees a session note: the room's members, or its author alone.
    pub enum Visibility {
        Shared = "shared",
        Private = "private",
    }
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = session_notes)]
pub struct SessionNote {
    pub id: Uuid,
    pub session_id: Uuid,
    pub author_id: Uuid,
    pub kind: NoteKind,
    pub body: String,
    pub visibility: Visibility,
    pub done: bool,
    pub client_note_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// Writes a note; the author's earlier one with the same client id when there is one.
pub async fn insert_note(conn: &mut AsyncPgConnection, n: &SessionNote) -> QueryResult<(SessionNote, bool)> {
    let inserted = diesel::insert_into(session_notes::table)
        .values(n)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok((n.clone(), true));
    }
    let first = session_notes::table
        .filter(session_notes::author_id.eq(n.author_id))
        .filter(session_notes::client_note_id.eq(&n.client_note_id))
        .select(SessionNote::as_select())
        .first(conn)
        .await?;
    Ok((first, false))
}

pub async fn note_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<SessionNote>> {
    session_notes::table
        .find(id)
        .select(SessionNote::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn save_note(conn: &mut AsyncPgConnection, n: &SessionNote) -> QueryResult<()> {
    diesel::update(session_notes::table.find(n.id))
        .set((
            session_notes::kind.eq(n.kind),
            session_notes::body.eq(&n.body),
            session_notes::visibility.eq(n.visibility),
            session_notes::done.eq(n.done),
            session_notes::edited_at.eq(n.edited_at),
        ))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn delete_note(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(session_notes::table.find(id)).execute(conn).await
}

/// The session's notes `viewer` may see (shared ones and their own), oldest first.
pub async fn notes_for(conn: &mut AsyncPgConnection, session: Uuid, viewer: Uuid) -> QueryResult<Vec<SessionNote>> {
    session_notes::table
        .filter(session_notes::session_id.eq(session))
        .filter(
            session_notes::visibility
                .eq(Visibility::Shared)
                .or(session_notes::author_id.eq(viewer)),
        )
        .order(session_notes::id.asc())
        .limit(1000)
        .select(SessionNote::as_select())
        .load(conn)
        .await
}
