use std::sync::Arc;

use redis::aio::ConnectionManager;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::auth::dev::DevIssuer;
use crate::auth::Verifier;
use crate::config::Settings;
use crate::db::DbPool;
use crate::domain::posting::Poster;
use crate::metrics::Metrics;
use crate::realtime::bus::Bus;
use crate::realtime::hub::HubHandle;
use crate::realtime::presence::Presence;
use crate::realtime::tickets::Tickets;

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DbPool,
    pub redis: Option<ConnectionManager>,
    pub verifier: Arc<Verifier>,
    pub dev: Option<Arc<DevIssuer>>,
    pub webhook_secret: Option<Arc<Vec<u8>>>,
    pub webhook_wake: Arc<Notify>,
    pub hub: HubHandle,
    pub bus: Bus,
    pub poster: Poster,
    pub presence: Presence,
    pub tickets: Tickets,
    pub metrics: Arc<Metrics>,
    /// Cancelled on SIGTERM/SIGINT: sockets finish in-flight writes and close with "reconnect".
    pub shutdown: CancellationToken,
}
