//! Background tasks are spawned through one tracker so that a graceful stop can wait for
//! them instead of dropping them mid-write.

use std::future::Future;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The process's background tasks and the signal that asks them to stop.
#[derive(Clone, Default)]
pub struct Tasks {
    tracker: TaskTracker,
    shutdown: CancellationToken,
}

impl Tasks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Spawns a tracked task.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn(task);
    }

    /// Cancelled by `stop`: long-running loops select on it and return.
    pub fn stopping(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// Asks every task to stop and waits until they all have. Called after the HTTP server
    /// has drained, so no request or socket still needs them.
    pub async fn stop(&self) {
        self.shutdown.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }
}
