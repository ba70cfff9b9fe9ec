//! Sessions: who may see them (the room's members: 404 for anyone else, as for a missing
//! one), who may schedule them (the room's owner and moderators; bookings schedule theirs).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::repo::{self, NoteKind, Session, SessionNote, Visibility};
use super::views::{
    IntervalView, ParticipantEvent, ParticipantView, SessionNoteList, SessionNoteView, SessionPage, SessionRecord,
    SessionStatus, SessionView, TranscriptPage,
};
use crate::features::messages::service as messages;
use crate::features::messages::views::MessageView;
use crate::features::rooms::access as rooms;
use crate::features::users::service as users;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::log;
use crate::platform::events::{Committed, EventKind, RoomEvent};
use crate::platform::pagination::{self, Page};

/// A new scheduled session (in the caller's transaction; the caller checked who may).
pub async fn schedule(
    conn: &mut AsyncPgConnection,
    room: Uuid,
    host: Uuid,
    title: &str,
    at: Option<DateTime<Utc>>,
    booking: Option<Uuid>,
) -> Result<Committed<SessionView>, ApiError> {
    let now = Utc::now();
    let s = Session {
        id: Uuid::now_v7(),
        room_id: room,
        host_id: host,
        title: title.to_owned(),
        status: SessionStatus::Scheduled,
        scheduled_at: at,
        started_at: None,
        ended_at: None,
        start_seq: None,
        end_seq: None,
        booking_id: booking,
        created_at: now,
        updated_at: now,
    };
    repo::insert(conn, &s).await?;
    let event = log_session(conn, &s, EventKind::SessionScheduled).await?;
    Ok(Committed::new(s.into(), vec![event]))
}

/// A session a room manager schedules (403 for other members, 404 for non-members).
pub async fn create(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    room: Uuid,
    title: &str,
    at: Option<DateTime<Utc>>,
) -> Result<Committed<SessionView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let access = rooms::member(conn, room, user).await?;
        if !access.is_manager() {
            return Err(ApiError::Forbidden(
                "only the room's owner and moderators schedule sessions".into(),
            ));
        }
        schedule(conn, room, user, title, at, None).await
    })
    .await
}

/// Moves a booking's session that has not started (a reschedule, in the caller's
/// transaction); the `session.updated` event to publish.
pub async fn reschedule(conn: &mut AsyncPgConnection, id: Uuid, at: DateTime<Utc>) -> Result<Vec<RoomEvent>, ApiError> {
    if !repo::reschedule(conn, id, at).await? {
        return Ok(Vec::new());
    }
    let Some(s) = repo::by_id(conn, id).await? else {
        return Ok(Vec::new());
    };
    Ok(vec![log_session(conn, &s, EventKind::SessionUpdated).await?])
}

/// Drops a session that has not started (its booking was cancelled, in the caller's
/// transaction); one that ran stays, with its record. The `session.deleted` event.
pub async fn drop_scheduled(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Vec<RoomEvent>, ApiError> {
    let Some(s) = repo::by_id(conn, id).await? else {
        return Ok(Vec::new());
    };
    if !repo::delete_scheduled(conn, id).await? {
        return Ok(Vec::new());
    }
    Ok(vec![log_deleted(conn, &s).await?])
}

async fn log_deleted(conn: &mut AsyncPgConnection, s: &Session) -> Result<RoomEvent, ApiError> {
    let data = serde_json::json!({"id": s.id, "room_id": s.room_id});
    Ok(log::append(conn, s.room_id, EventKind::SessionDeleted, &data).await?)
}

/// A session the caller may see: a member of its room.
pub async fn get(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<SessionView, ApiError> {
    let s = repo::by_id(conn, id).await?.ok_or(ApiError::NotFound("session"))?;
    rooms::member(conn, s.room_id, user)
        .await
        .map_err(|_| ApiError::NotFound("session"))?;
    Ok(s.into())
}

/// A page of a room's sessions, newest first (members only).
pub async fn list(conn: &mut AsyncPgConnection, user: Uuid, room: Uuid, page: Page) -> Result<SessionPage, ApiError> {
    rooms::member(conn, room, user).await?;
    let found = repo::of_room(conn, room, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |s| s.id);
    Ok(SessionPage {
        items: found.into_iter().map(SessionView::from).collect(),
        next_cursor,
    })
}

// ---- Running a session: start, end, change, delete ----

fn not_found(_: ApiError) -> ApiError {
    ApiError::NotFound("session")
}

fn state(s: &Session) -> ApiError {
    ApiError::refused(ErrorCode::SessionClosed, format!("the session is {}", s.status))
}

/// The session, locked, and whether `user` runs it (its host or the room's managers);
/// 404 for anyone who is not a member of its room.
async fn runnable(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<Session, ApiError> {
    let s = repo::for_update(conn, id).await?.ok_or(ApiError::NotFound("session"))?;
    let access = rooms::member(conn, s.room_id, user).await.map_err(not_found)?;
    if s.host_id != user && !access.is_manager() {
        return Err(ApiError::Forbidden(
            "only the session's host and the room's managers run it".into(),
        ));
    }
    Ok(s)
}

async fn log_session(conn: &mut AsyncPgConnection, s: &Session, kind: EventKind) -> Result<RoomEvent, ApiError> {
    let data = serde_json::to_value(SessionView::from(s.clone())).map_err(anyhow::Error::from)?;
    Ok(log::append(conn, s.room_id, kind, &data).await?)
}

async fn log_participants(
    conn: &mut AsyncPgConnection,
    s: &Session,
    kind: EventKind,
    users: &[Uuid],
) -> Result<Vec<RoomEvent>, ApiError> {
    let mut events = Vec::with_capacity(users.len());
    for user in users {
        let data = ParticipantEvent {
            session_id: s.id,
            user_id: *user,
            at: Utc::now(),
        };
        let data = serde_json::to_value(data).map_err(anyhow::Error::from)?;
        events.push(log::append(conn, s.room_id, kind, &data).await?);
    }
    Ok(events)
}

/// Starts a scheduled session (409 `another_session_live` when the room has one;
/// `session_closed` when it is not scheduled). Its transcript begins after the
/// `session.started` event; the members in the room now (`online`) start attending.
pub async fn start(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
    online: &[Uuid],
    grace: chrono::Duration,
) -> Result<Committed<SessionView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let mut s = runnable(conn, user, id).await?;
        if s.status != SessionStatus::Scheduled {
            return Err(state(&s));
        }
        s.status = SessionStatus::Live;
        s.started_at = Some(Utc::now());
        if !repo::save(conn, &s).await? {
            return Err(ApiError::refused(
                ErrorCode::AnotherSessionLive,
                "this room has a live session: end it first",
            ));
        }
        let started = log_session(conn, &s, EventKind::SessionStarted).await?;
        s.start_seq = Some(started.seq);
        repo::save(conn, &s).await?;
        let mut events = vec![started];
        events.extend(attend(conn, &s, online, grace).await?);
        Ok(Committed::new(s.into(), events))
    })
    .await
}

/// Ends a live session: everyone's attendance closes; the transcript ends before the
/// `session.ended` event.
pub async fn end(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<Committed<SessionView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let mut s = runnable(conn, user, id).await?;
        if s.status != SessionStatus::Live {
            return Err(state(&s));
        }
        let left = repo::close_intervals(conn, s.id, None).await?;
        let mut events = log_participants(conn, &s, EventKind::SessionParticipantLeft, &left).await?;
        s.status = SessionStatus::Ended;
        s.ended_at = Some(Utc::now());
        let ended = log_session(conn, &s, EventKind::SessionEnded).await?;
        s.end_seq = Some(ended.seq);
        repo::save(conn, &s).await?;
        events.push(ended);
        Ok(Committed::new(s.into(), events))
    })
    .await
}

/// Renames a session or moves one that has not started (its host or the room's managers).
pub async fn update(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
    title: Option<String>,
    scheduled_at: Option<Option<DateTime<Utc>>>,
) -> Result<Committed<SessionView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let mut s = runnable(conn, user, id).await?;
        if let Some(at) = scheduled_at {
            if s.status != SessionStatus::Scheduled {
                return Err(state(&s));
            }
            s.scheduled_at = at;
        }
        if let Some(title) = title {
            s.title = title;
        }
        repo::save(conn, &s).await?;
        let event = log_session(conn, &s, EventKind::SessionUpdated).await?;
        Ok(Committed::new(s.into(), vec![event]))
    })
    .await
}

/// Deletes a session that is not live, with its record (its host or the room's managers).
pub async fn delete(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<Committed<()>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let s = runnable(conn, user, id).await?;
        if s.status == SessionStatus::Live {
            return Err(state(&s));
        }
        repo::delete(conn, id).await?;
        Ok(Committed::new((), vec![log_deleted(conn, &s).await?]))
    })
    .await
}

// ---- Attendance ----

/// Opens intervals for `users` (members with a socket in the room) in a live session; the
/// `session.participant_joined` events of those who were not there.
async fn attend(
    conn: &mut AsyncPgConnection,
    s: &Session,
    users: &[Uuid],
    grace: chrono::Duration,
) -> Result<Vec<RoomEvent>, ApiError> {
    let mut joined = Vec::new();
    for user in users {
        // Only members attend (a public room's visitors do not).
        if rooms::member(conn, s.room_id, *user).await.is_err() {
            continue;
        }
        if repo::open_interval(conn, s.id, *user, grace).await? {
            joined.push(*user);
        }
    }
    log_participants(conn, s, EventKind::SessionParticipantJoined, &joined).await
}

/// Brings a room's live session's attendance in line with who has a socket in the room
/// now, on any instance (`online`): newcomers open an interval and, with `close_gone`,
/// those gone close theirs. Called by the realtime layer when presence changes (closing
/// after a short grace).
pub async fn sync_attendance(
    conn: &mut AsyncPgConnection,
    room: Uuid,
    online: &[Uuid],
    close_gone: bool,
    grace: chrono::Duration,
) -> Result<Committed<()>, ApiError> {
    // Most rooms have no live session: one indexed read, no transaction.
    let Some(live) = repo::live_in(conn, room).await? else {
        return Ok(Committed::quiet(()));
    };
    conn.transaction::<_, ApiError, _>(async |conn| {
        let s = repo::for_update(conn, live.id)
            .await?
            .ok_or(ApiError::NotFound("session"))?;
        if s.status != SessionStatus::Live {
            return Ok(Committed::quiet(()));
        }
        let present = repo::present(conn, s.id).await?;
        let gone: Vec<Uuid> = present.iter().filter(|u| !online.contains(u)).copied().collect();
        let newcomers: Vec<Uuid> = online.iter().filter(|u| !present.contains(u)).copied().collect();
        let mut events = Vec::new();
        if close_gone && !gone.is_empty() {
            let left = repo::close_intervals(conn, s.id, Some(&gone)).await?;
            events.extend(log_participants(conn, &s, EventKind::SessionParticipantLeft, &left).await?);
        }
        events.extend(attend(conn, &s, &newcomers, grace).await?);
        Ok(Committed::new((), events))
    })
    .await
}

// ---- Notes ----

/// What a new note says.
pub struct NewNote {
    pub kind: NoteKind,
    pub body: String,
    pub visibility: Visibility,
    pub client_note_id: Option<String>,
    pub done: bool,
}

/// A note's changes.
#[derive(Default)]
pub struct NoteChanges {
    pub kind: Option<NoteKind>,
    pub body: Option<String>,
    pub visibility: Option<Visibility>,
    pub done: Option<bool>,
}

/// The session, if `user` is a member of its room (404 otherwise).
async fn attended(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<(Session, rooms::Access), ApiError> {
    let s = repo::by_id(conn, id).await?.ok_or(ApiError::NotFound("session"))?;
    let access = rooms::member(conn, s.room_id, user).await.map_err(not_found)?;
    Ok((s, access))
}

async fn log_note(
    conn: &mut AsyncPgConnection,
    room: Uuid,
    kind: EventKind,
    n: &SessionNote,
) -> Result<RoomEvent, ApiError> {
    let data = match kind {
        EventKind::SessionNoteDeleted => serde_json::json!({"id": n.id, "session_id": n.session_id}),
        _ => serde_json::to_value(SessionNoteView::from(n.clone())).map_err(anyhow::Error::from)?,
    };
    Ok(log::append(conn, room, kind, &data).await?)
}

/// Takes a note in a session (a member of its room). A repeated `client_note_id` answers
/// the first note (`false`: not new). Shared notes reach the room live.
pub async fn add_note(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    session: Uuid,
    note: NewNote,
) -> Result<Committed<(SessionNoteView, bool)>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (s, _) = attended(conn, user, session).await?;
        let row = SessionNote {
            id: Uuid::now_v7(),
            session_id: s.id,
            author_id: user,
            kind: note.kind,
            body: note.body,
            visibility: note.visibility,
            done: note.done && note.kind == NoteKind::ActionItem,
            client_note_id: note.client_note_id,
            created_at: Utc::now(),
            edited_at: None,
        };
        let (n, new) = repo::insert_note(conn, &row).await?;
        if n.session_id != s.id {
            return Err(ApiError::Conflict(
                "client_note_id was used for a note of another session".into(),
            ));
        }
        let events = match (new, n.visibility) {
            (true, Visibility::Shared) => vec![log_note(conn, s.room_id, EventKind::SessionNoteCreated, &n).await?],
            _ => Vec::new(),
        };
        Ok(Committed::new((n.into(), new), events))
    })
    .await
}

/// The note and its session's room, if `user` may see it (its author, or a member of the
/// room for a shared one): 404 otherwise.
async fn visible_note(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
) -> Result<(SessionNote, Session, rooms::Access), ApiError> {
    let n = repo::note_for_update(conn, id)
        .await?
        .ok_or(ApiError::NotFound("note"))?;
    if n.visibility == Visibility::Private && n.author_id != user {
        return Err(ApiError::NotFound("note"));
    }
    let (s, access) = attended(conn, user, n.session_id)
        .await
        .map_err(|_| ApiError::NotFound("note"))?;
    Ok((n, s, access))
}

/// Changes one's own note (others who see it get 403). Making a note private or shared
/// removes it from, or brings it to, the room.
pub async fn update_note(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
    changes: NoteChanges,
) -> Result<Committed<SessionNoteView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (mut n, s, _) = visible_note(conn, user, id).await?;
        if n.author_id != user {
            return Err(ApiError::Forbidden("only its author changes a note".into()));
        }
        let was = n.visibility;
        if let Some(k) = changes.kind {
            n.kind = k;
        }
        if let Some(b) = changes.body {
            n.body = b;
        }
        if let Some(v) = changes.visibility {
            n.visibility = v;
        }
        if let Some(d) = changes.done {
            n.done = d;
        }
        if n.kind != NoteKind::ActionItem {
            n.done = false;
        }
        n.edited_at = Some(Utc::now());
        repo::save_note(conn, &n).await?;
        let kind = match (was, n.visibility) {
            (Visibility::Shared, Visibility::Shared) => Some(EventKind::SessionNoteUpdated),
            (Visibility::Private, Visibility::Shared) => Some(EventKind::SessionNoteCreated),
            (Visibility::Shared, Visibility::Private) => Some(EventKind::SessionNoteDeleted),
            (Visibility::Private, Visibility::Private) => None,
        };
        let events = match kind {
            Some(k) => vec![log_note(conn, s.room_id, k, &n).await?],
            None => Vec::new(),
        };
        Ok(Committed::new(n.into(), events))
    })
    .await
}

/// Deletes a note: its author, or the room's managers for a shared one.
pub async fn delete_note(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<Committed<()>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (n, s, access) = visible_note(conn, user, id).await?;
        if n.author_id != user && !access.is_manager() {
            return Err(ApiError::Forbidden(
                "only its author or the room's managers delete a note".into(),
            ));
        }
        repo::delete_note(conn, id).await?;
        let events = match n.visibility {
            Visibility::Shared => vec![log_note(conn, s.room_id, EventKind::SessionNoteDeleted, &n).await?],
            Visibility::Private => Vec::new(),
        };
        Ok(Committed::new((), events))
    })
    .await
}

/// The notes of a session the caller sees: the shared ones and their own.
pub async fn notes(conn: &mut AsyncPgConnection, user: Uuid, session: Uuid) -> Result<SessionNoteList, ApiError> {
    let (s, _) = attended(conn, user, session).await?;
    Ok(SessionNoteList {
        items: repo::notes_for(conn, s.id, user)
            .await?
            .into_iter()
            .map(SessionNoteView::from)
            .collect(),
    })
}

// ---- The record ----

/// Participants with their intervals and totals, by name.
async fn participants(conn: &mut AsyncPgConnection, s: &Session) -> Result<Vec<ParticipantView>, ApiError> {
    let now = Utc::now();
    let mut out: Vec<ParticipantView> = Vec::new();
    for i in repo::intervals(conn, s.id).await? {
        let seconds = (i.left_at.unwrap_or(now) - i.joined_at).num_seconds().max(0);
        let interval = IntervalView {
            joined_at: i.joined_at,
            left_at: i.left_at,
        };
        match out.last_mut() {
            Some(p) if p.user_id == i.user_id => {
                p.intervals.push(interval);
                p.total_seconds += seconds;
            }
            _ => out.push(ParticipantView {
                user_id: i.user_id,
                display_name: name(conn, i.user_id).await,
                intervals: vec![interval],
                total_seconds: seconds,
            }),
        }
    }
    Ok(out)
}

async fn name(conn: &mut AsyncPgConnection, user: Uuid) -> String {
    users::profile(conn, user)
        .await
        .map(|p| p.display_name)
        .unwrap_or_else(|_| "a deleted user".into())
}

/// The cursor of a transcript page: the seq after which it goes on (opaque to clients).
fn seq_cursor(seq: i64) -> String {
    pagination::encode_cursor(Uuid::from_u64_pair(0, seq.max(0) as u64))
}

fn cursor_seq(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    Ok(pagination::decode_cursor(cursor)?.map(|u| u.as_u64_pair().1 as i64))
}

/// One page of a session's transcript as `user` sees it (the caller checked they read the
/// room): the messages after its start (or the cursor) and before its end.
async fn transcript(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    s: &Session,
    cursor: Option<&str>,
    limit: i64,
) -> Result<TranscriptPage, ApiError> {
    let Some(start) = s.start_seq else {
        return Ok(TranscriptPage {
            items: Vec::new(),
            next_cursor: None,
        });
    };
    let after = cursor_seq(cursor)?.unwrap_or(start).max(start);
    let items = messages::between(conn, user, s.room_id, after, s.end_seq, limit).await?;
    let next_cursor = match (items.len() as i64 == limit, items.last()) {
        (true, Some(last)) => Some(seq_cursor(last.seq)),
        _ => None,
    };
    Ok(TranscriptPage { items, next_cursor })
}

/// A session's record (members of its room who read it): metadata, participants with
/// their intervals and totals, the notes the caller may see, and a page of the transcript
/// (pay-per-view bodies locked exactly as in history, deleted messages as deleted).
pub async fn record(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
    cursor: Option<&str>,
    limit: i64,
) -> Result<SessionRecord, ApiError> {
    let (s, access) = attended(conn, user, id).await?;
    access.require_reader().map_err(not_found)?;
    let participants = participants(conn, &s).await?;
    let notes = repo::notes_for(conn, s.id, user)
        .await?
        .into_iter()
        .map(SessionNoteView::from)
        .collect();
    let transcript = transcript(conn, user, &s, cursor, limit).await?;
    Ok(SessionRecord {
        session: s.into(),
        participants,
        notes,
        transcript,
    })
}

/// Most transcript messages an export holds.
pub const EXPORT_MAX_MESSAGES: usize = 10_000;

/// Whether `user` may export the session's record (as they may read it): its view, or 404.
pub async fn exportable(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<SessionView, ApiError> {
    let (s, access) = attended(conn, user, id).await?;
    access.require_reader().map_err(not_found)?;
    Ok(s.into())
}

/// The record as Markdown (`export.md`): front matter, participants, notes (action items
/// as task boxes), the transcript — with the record's visibility rules.
pub async fn export(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<(String, String), ApiError> {
    let r = export_parts(conn, user, id).await?;
    let file = format!("session-{}.md", r.session.id);
    Ok((file, super::export::markdown(&r)))
}

/// The record as a document for other exports (Notion), with the same content and rules as
/// the Markdown one.
pub async fn export_document(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    id: Uuid,
) -> Result<super::export::Document, ApiError> {
    Ok(super::export::document(&export_parts(conn, user, id).await?))
}

async fn export_parts(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<super::export::Parts, ApiError> {
    let (s, access) = attended(conn, user, id).await?;
    access.require_reader().map_err(not_found)?;
    let participants = participants(conn, &s).await?;
    let notes = repo::notes_for(conn, s.id, user).await?;
    let mut lines: Vec<MessageView> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = transcript(conn, user, &s, cursor.as_deref(), 100).await?;
        lines.extend(page.items);
        match page.next_cursor {
            Some(next) if lines.len() < EXPORT_MAX_MESSAGES => cursor = Some(next),
            _ => break,
        }
    }
    let mut names = std::collections::HashMap::new();
    for p in &participants {
        names.insert(p.user_id, p.display_name.clone());
    }
    let authors: Vec<Uuid> = lines
        .iter()
        .map(|m| m.author_id)
        .chain(notes.iter().map(|n| n.author_id))
        .collect();
    for author in authors {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(author) {
            slot.insert(name(conn, author).await);
        }
    }
    let room = rooms::views_by_ids(conn, &[s.room_id])
        .await?
        .into_iter()
        .next()
        .map(|r| r.name)
        .unwrap_or_default();
    let host = name(conn, s.host_id).await;
    Ok(super::export::Parts {
        session: s,
        room,
        host,
        participants,
        notes,
        transcript: lines,
        names,
    })
}
