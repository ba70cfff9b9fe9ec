//! Messages: history, edits, deletes, reactions and search. Posting goes through the
//! group-commit batcher (`posting`); edits, deletes and reactions are single transactions
//! that append their event last and return it in `Committed` to publish after commit.

use std::collections::HashMap;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::repo::{self, Message, ReactionSummary};
use super::unlocked;
use super::views::{MessageView, ReactionEvent};
use crate::features::files::uses;
use crate::features::notifications::service as notifications;
use crate::features::rooms::access::{self as rooms, Access};
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::log;
use crate::platform::events::{Committed, EventKind};
use crate::platform::pagination::{seq, Page};

/// Messages with their reaction summaries, as seen by `viewer`.
pub async fn views(
    conn: &mut AsyncPgConnection,
    list: Vec<Message>,
    viewer: Uuid,
) -> Result<Vec<MessageView>, ApiError> {
    let ids: Vec<Uuid> = list.iter().filter(|m| m.deleted_at.is_none()).map(|m| m.id).collect();
    let reactions: HashMap<Uuid, ReactionSummary> = if ids.is_empty() {
        HashMap::new()
    } else {
        repo::reactions_for(conn, &ids, viewer).await?
    };
    // Pay-per-view messages: which are open to the viewer (one query, only if any).
    let priced: Vec<Uuid> = list.iter().filter(|m| m.ppv.is_some()).map(|m| m.id).collect();
    let open: std::collections::HashSet<Uuid> = if priced.is_empty() {
        Default::default()
    } else {
        repo::open_to(conn, viewer, &priced).await?.into_iter().collect()
    };
    Ok(list
        .into_iter()
        .map(|m| {
            let r = reactions.get(&m.id);
            let entitled = open.contains(&m.id);
            MessageView::new(m, r, true).lock(entitled)
        })
        .collect())
}

pub async fn view(conn: &mut AsyncPgConnection, m: Message, viewer: Uuid) -> Result<MessageView, ApiError> {
    Ok(views(conn, vec![m], viewer).await?.remove(0))
}

/// Messages by id as `viewer` sees them (the caller checked the rooms).
pub async fn views_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
    viewer: Uuid,
) -> Result<Vec<MessageView>, ApiError> {
    let list = repo::by_ids(conn, ids).await?;
    views(conn, list, viewer).await
}

/// Which page of a room's history.
#[derive(Clone, Copy, Debug)]
pub enum HistoryPage {
    /// The newest messages, newest first.
    Latest,
    /// Messages with seq below this, newest first.
    Before(i64),
    /// Messages with seq above this, oldest first.
    After(i64),
}

impl HistoryPage {
    pub fn parse(before: Option<i64>, after: Option<i64>) -> Result<Self, ApiError> {
        match (before, after) {
            (Some(_), Some(_)) => Err(ApiError::invalid("give before or after, not both")),
            (Some(b), None) => Ok(Self::Before(seq("before", b)?)),
            (None, Some(a)) => Ok(Self::After(seq("after", a)?)),
            (None, None) => Ok(Self::Latest),
        }
    }
}

/// A page of a room's history (who may see the room may read it).
pub async fn history(
    conn: &mut AsyncPgConnection,
    viewer: Uuid,
    room_id: Uuid,
    page: HistoryPage,
    limit: i64,
) -> Result<Vec<MessageView>, ApiError> {
    let access = rooms::access(conn, room_id, viewer).await?;
    access.require_reader()?;
    let (before, after) = match page {
        HistoryPage::Latest => (None, None),
        HistoryPage::Before(b) => (Some(b), None),
        HistoryPage::After(a) => (None, Some(a)),
    };
    let list = repo::page(conn, access.room.id, before, after, limit).await?;
    views(conn, list, viewer).await
}

/// A room's messages with seq in `(after, before)` (`before` None: up to now), oldest
/// first, as `viewer` sees them — deleted ones as deleted, pay-per-view ones locked unless
/// open to them. The caller checked `viewer` reads the room (a session's transcript).
pub async fn between(
    conn: &mut AsyncPgConnection,
    viewer: Uuid,
    room_id: Uuid,
    after: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<MessageView>, ApiError> {
    let mut list = repo::page(conn, room_id, None, Some(after), limit).await?;
    if let Some(before) = before {
        list.retain(|m| m.seq < before);
    }
    views(conn, list, viewer).await
}

/// Full-text search over the caller's rooms (one room when given), newest first.
pub async fn search(
    conn: &mut AsyncPgConnection,
    viewer: Uuid,
    query: &str,
    room_id: Option<Uuid>,
    page: Page,
) -> Result<(Vec<MessageView>, Option<String>), ApiError> {
    if let Some(room_id) = room_id {
        rooms::access(conn, room_id, viewer).await?.require_reader()?;
    }
    let found = repo::search(conn, viewer, query, room_id, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |m| m.id);
    Ok((views(conn, found, viewer).await?, next_cursor))
}

/// The message if the caller can see its room (404 otherwise, like a missing message).
async fn visible(conn: &mut AsyncPgConnection, id: Uuid, user_id: Uuid) -> Result<(Message, Access), ApiError> {
    let message = repo::by_id(conn, id).await?.ok_or(ApiError::NotFound("message"))?;
    let access = rooms::access(conn, message.room_id, user_id)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::NotFound("message"),
            other => other,
        })?;
    Ok((message, access))
}

/// Edits one's own message.
pub async fn edit(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    id: Uuid,
    body: String,
) -> Result<Committed<MessageView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (message, access) = visible(conn, id, user_id).await?;
        access.require_member()?;
        if message.author_id != user_id {
            return Err(ApiError::Forbidden("only the author may edit a message".into()));
        }
        if message.deleted_at.is_some() {
            return Err(ApiError::refused(ErrorCode::MessageDeleted, "the message was deleted"));
        }
        let edited = repo::edit(conn, id, &body).await?;
        let view = view(conn, edited, user_id).await?;
        let event = log::append(conn, view.room_id, EventKind::MessageUpdated, &view.event_data()).await?;
        // The event is locked for everyone: the author's other devices and the buyers are
        // told through their feeds to fetch the new text.
        let opened = if view.ppv.is_some() {
            let mut users = unlocked::buyers(conn, id).await?;
            users.push(user_id);
            unlocked::tell(conn, &users, view.room_id, id, view.seq).await?
        } else {
            Vec::new()
        };
        Ok(Committed::new(view, vec![event]).with_feed(opened))
    })
    .await
}

/// Soft delete by the author, or a moderator or owner of the room. Deleting twice is a no-op.
pub async fn delete(conn: &mut AsyncPgConnection, user_id: Uuid, id: Uuid) -> Result<Committed<MessageView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (message, access) = visible(conn, id, user_id).await?;
        if message.author_id != user_id && !access.is_manager() {
            return Err(ApiError::Forbidden(
                "only the author, a moderator or the owner may delete a message".into(),
            ));
        }
        if message.deleted_at.is_some() {
            return Ok(Committed::quiet(MessageView::new(message, None, true)));
        }
        let deleted = repo::soft_delete(conn, id).await?;
        log::scrub_message_text(conn, deleted.room_id, deleted.seq, id).await?;
        notifications::message_deleted(conn, id).await?;
        uses::release_message(conn, id).await?;
        let view = MessageView::new(deleted, None, true);
        let event = log::append(conn, view.room_id, EventKind::MessageDeleted, &view.event_data()).await?;
        Ok(Committed::new(view, vec![event]))
    })
    .await
}

/// Adds or removes the caller's reaction; idempotent (no event when nothing changed).
pub async fn react(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    id: Uuid,
    emoji: String,
    add: bool,
) -> Result<Committed<MessageView>, ApiError> {
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (message, access) = visible(conn, id, user_id).await?;
        access.require_member()?;
        if message.deleted_at.is_some() {
            return Err(ApiError::refused(ErrorCode::MessageDeleted, "the message was deleted"));
        }
        let changed = if add {
            repo::add_reaction(conn, id, user_id, &emoji).await?
        } else {
            repo::remove_reaction(conn, id, user_id, &emoji).await?
        };
        let mut events = vec![];
        if changed {
            let count = repo::reaction_count(conn, id, &emoji).await?;
            let kind = if add {
                EventKind::ReactionAdded
            } else {
                EventKind::ReactionRemoved
            };
            let data = ReactionEvent {
                message_id: id,
                emoji,
                user_id,
                count,
            };
            let data = serde_json::to_value(data).expect("a reaction event serialises");
            events.push(log::append(conn, message.room_id, kind, &data).await?);
        }
        let view = view(conn, message, user_id).await?;
        Ok(Committed::new(view, events))
    })
    .await
}
