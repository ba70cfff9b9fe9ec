//! The socket's write commands, through the same feature services as REST.

use std::future::Future;

use serde_json::Value;
use uuid::Uuid;

use super::context::Realtime;
use super::protocol::{ClientFrame, OkReply, ServerFrame};
use crate::features::messages::posting::{Draft, PostRequest, Posted};
use crate::features::messages::service as messages;
use crate::features::messages::validate::parse_emoji;
use crate::features::rooms::members;
use crate::platform::error::ApiError;

/// The reply frame for a command's outcome.
pub fn reply(reference: &Value, result: Result<OkReply, ApiError>) -> String {
    match result {
        Ok(reply) => ServerFrame::ok(reference, reply),
        Err(e) => ServerFrame::api_error(reference, &e),
    }
}

/// Queues a `send` (its body and key were checked when the frame was read) in its room's
/// group-commit lane; the returned future waits for the commit. Called in frame order, so a
/// socket's sends keep their order.
pub async fn submit_send(
    state: &Realtime,
    user: Uuid,
    draft: Draft,
) -> Result<impl Future<Output = Result<OkReply, ApiError>> + Send + 'static, ApiError> {
    let request = PostRequest::new(user, draft)?;
    let committed = state.poster.submit(request).await?;
    Ok(async move {
        let (message, duplicate) = match committed.await? {
            Posted::Created(v) => (v, false),
            Posted::Duplicate(v) => (v, true),
        };
        Ok(OkReply {
            message: Some(message),
            duplicate: Some(duplicate),
            ..Default::default()
        })
    })
}

/// Runs an edit, delete, reaction or read marker move.
pub async fn write(state: &Realtime, user: Uuid, frame: ClientFrame) -> Result<OkReply, ApiError> {
    let message = |m| OkReply {
        message: Some(m),
        ..Default::default()
    };
    match frame {
        ClientFrame::Edit { message_id, body, .. } => {
            let body = body.into_inner();
            let view = state
                .store
                .write(async |conn| messages::edit(conn, user, message_id, body).await)
                .await?;
            Ok(message(view))
        }
        ClientFrame::Delete { message_id, .. } => {
            let view = state
                .store
                .write(async |conn| messages::delete(conn, user, message_id).await)
                .await?;
            Ok(message(view))
        }
        ClientFrame::React { message_id, emoji, .. } => react(state, user, message_id, &emoji, true).await,
        ClientFrame::Unreact { message_id, emoji, .. } => react(state, user, message_id, &emoji, false).await,
        ClientFrame::Read { room_id, seq, .. } => {
            let seq = crate::platform::pagination::seq("seq", seq)?;
            let last_read_seq = state
                .store
                .write(async |conn| members::mark_read(conn, user, room_id, seq).await)
                .await?;
            Ok(OkReply {
                room_id: Some(room_id),
                last_read_seq: Some(last_read_seq),
                ..Default::default()
            })
        }
        _ => Err(ApiError::invalid("not a write")),
    }
}

async fn react(state: &Realtime, user: Uuid, message_id: Uuid, emoji: &str, add: bool) -> Result<OkReply, ApiError> {
    let emoji = parse_emoji(emoji)?;
    let view = state
        .store
        .write(async |conn| messages::react(conn, user, message_id, emoji, add).await)
        .await?;
    Ok(OkReply {
        message: Some(view),
        ..Default::default()
    })
}
