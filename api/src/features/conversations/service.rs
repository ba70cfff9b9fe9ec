//! Conversations, assembled from rooms and messages.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo;
use crate::features::messages::service as messages;
use crate::features::messages::views::MessageView;
use crate::features::rooms::access as rooms;
use crate::features::rooms::views::RoomView;
use crate::platform::error::ApiError;
use crate::platform::pagination::Page;

#[derive(Serialize, ToSchema)]
pub struct Conversation {
    pub room: RoomView,
    pub last_message: Option<MessageView>,
    /// Others' messages after the caller's read marker.
    pub unread_count: i64,
}

/// A page of the caller's conversations, most recently active first; the next cursor.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    page: Page,
) -> Result<(Vec<Conversation>, Option<String>), ApiError> {
    let rows = repo::conversations(conn, user_id, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&rows, |r| r.room_id);
    let room_ids: Vec<Uuid> = rows.iter().map(|r| r.room_id).collect();
    let mut rooms_by_id: HashMap<Uuid, RoomView> = rooms::views_by_ids(conn, &room_ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let message_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.last_message_id).collect();
    let mut messages_by_id: HashMap<Uuid, MessageView> = messages::views_by_ids(conn, &message_ids, user_id)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let items = rows
        .into_iter()
        .filter_map(|row| {
            let mut room = rooms_by_id.remove(&row.room_id)?;
            room.my_role = Some(row.role);
            Some(Conversation {
                room,
                last_message: row.last_message_id.and_then(|id| messages_by_id.remove(&id)),
                unread_count: row.unread,
            })
        })
        .collect();
    Ok((items, next_cursor))
}
