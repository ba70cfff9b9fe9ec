//! What handlers, the socket session and its commands share; cheap to clone. Only `app`,
//! route modules and `realtime`'s session and commands name it: services take a
//! connection and explicit collaborators instead.

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use redis::aio::ConnectionManager;
use tokio_util::sync::CancellationToken;

use crate::auth::dev_issuer::DevIssuer;
use crate::auth::Verifier;
use crate::features::events::Committed;
use crate::features::messages::posting::Poster;
use crate::platform::config::Settings;
use crate::platform::db::DbPool;
use crate::platform::error::ApiResult;
use crate::platform::jobs::Jobs;
use crate::platform::tasks::Tasks;
use crate::realtime::bus::Bus;
use crate::realtime::hub::HubHandle;
use crate::realtime::presence::Presence;
use crate::realtime::tickets::Tickets;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DbPool,
    pub redis: Option<ConnectionManager>,
    pub verifier: Arc<Verifier>,
    pub dev: Option<Arc<DevIssuer>>,
    pub webhook_secret: Option<Arc<Vec<u8>>>,
    pub hub: HubHandle,
    pub bus: Bus,
    pub poster: Poster,
    pub presence: Presence,
    pub tickets: Tickets,
    pub jobs: Jobs,
    /// Background tasks, stopped (and awaited) after the server drains.
    pub tasks: Tasks,
    /// Cancelled on SIGTERM/SIGINT: sockets finish in-flight writes and close with "reconnect".
    pub shutdown: CancellationToken,
}

impl AppState {
    /// Runs a read (or a write with nothing to publish) on a pooled connection.
    pub async fn read<T>(&self, f: impl AsyncFnOnce(&mut AsyncPgConnection) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.db.get().await?;
        f(&mut conn).await
    }

    /// Runs a write on a pooled connection, gives the connection back, then publishes
    /// what the write committed and returns its value.
    pub async fn write<T>(
        &self,
        f: impl AsyncFnOnce(&mut AsyncPgConnection) -> ApiResult<Committed<T>>,
    ) -> ApiResult<T> {
        let committed = {
            let mut conn = self.db.get().await?;
            f(&mut conn).await?
        };
        Ok(committed.publish(&self.bus).await)
    }
}
