//! The tail check: a lost *last* event leaves no later event to reveal its hole, so watched
//! rooms' log heads are compared with what the hub delivered, once a second.

use std::time::Duration;

use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::handle::{Command, HubHandle};
use super::source;
use crate::platform::db::DbPool;

/// How often watched rooms' log heads are compared with what was delivered.
const TAIL_CHECK: Duration = Duration::from_secs(1);

/// Compares watched rooms' log heads with what the hub delivered, to catch a lost last event.
pub(super) async fn check(hub: HubHandle, db: DbPool, stop: CancellationToken) {
    let mut tick = tokio::time::interval(TAIL_CHECK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.cancelled() => return,
        }
        let (reply, answer) = oneshot::channel();
        hub.send(Command::WatchedRooms(reply));
        let Ok(watched) = answer.await else { return };
        if watched.is_empty() {
            continue;
        }
        if let Some(heads) = source::heads(&db, &watched).await {
            hub.send(Command::Heads(heads));
        }
    }
}
