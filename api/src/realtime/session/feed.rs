//! `subscribe_notifications`: the caller's feed, replayed after `since` and then live, with
//! the same hold / replay / release discipline as a room (the feed is the stream keyed by
//! the user's id); and `view`: which room the socket shows (no push for it meanwhile).

use serde_json::Value;
use uuid::Uuid;

use super::Conn;
use crate::features::notifications::feed;
use crate::platform::error::{ApiError, ErrorCode};
use crate::realtime::outbox::Out;
use crate::realtime::protocol::{ErrorReply, OkReply, ServerFrame};

impl Conn {
    pub(super) async fn subscribe_feed(&mut self, reference: &Value, since: Option<i64>) {
        let user = self.identity.user_id;
        let head = match self.state.hub.subscribe_feed(self.id, user).await {
            Ok(head) => head,
            Err(e) => {
                self.outbox.push(Out::Forget(user));
                return self.send(ServerFrame::error(reference, ErrorCode::Unavailable, e));
            }
        };
        let from = since.unwrap_or(head).max(0);
        let cap = self.state.settings.ws.replay_cap;
        if head - from > cap {
            self.forget(user);
            let frame = ServerFrame::Error(ErrorReply {
                reference: reference.clone(),
                code: ErrorCode::ResyncRequired,
                message: format!(
                    "more than {cap} feed changes missed: page GET /v1/notifications?after={from}, then subscribe again"
                ),
                room_id: None,
                last_seq: Some(head),
            });
            return self.send(frame.text());
        }
        let reply = OkReply {
            last_seq: Some(head),
            ..Default::default()
        };
        self.send(ServerFrame::ok(reference, reply));
        if from < head {
            let replayed = async {
                let mut db = self.state.store.db.get().await.ok()?;
                feed::range(&mut db, user, from, head).await.ok()
            }
            .await;
            let Some(entries) = replayed else {
                self.forget(user);
                return self.send(ServerFrame::error(
                    reference,
                    ErrorCode::Unavailable,
                    "replay failed; subscribe again",
                ));
            };
            for e in entries {
                self.outbox.text(e.text());
            }
        }
        // The hub has been holding the feed's live entries (seq > head) since it answered.
        self.outbox.push(Out::Release {
            room_id: user,
            cursor: from.max(head),
        });
    }

    pub(super) async fn view(&mut self, reference: &Value, room_id: Option<Uuid>) {
        if let Some(room) = room_id.filter(|r| !self.subscribed.contains(r)) {
            let e = ApiError::Forbidden(format!("subscribe to room {room} first"));
            return self.send(ServerFrame::api_error(reference, &e));
        }
        if let Some(old) = self.viewing.take() {
            self.state.viewing.leave(old, self.id).await;
        }
        if let Some(room) = room_id {
            self.state.viewing.enter(room, self.id, self.identity.user_id).await;
            self.viewing = Some(room);
        }
        let reply = OkReply {
            room_id,
            ..Default::default()
        };
        self.send(ServerFrame::ok(reference, reply));
    }

    /// The socket no longer has the room (unsubscribed, or left it).
    pub(super) async fn stop_viewing(&mut self, room_id: Uuid) {
        if self.viewing == Some(room_id) {
            self.viewing = None;
            self.state.viewing.leave(room_id, self.id).await;
        }
    }
}
