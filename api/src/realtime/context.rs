//! What the socket's routes, session and commands share; registered as app data.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::bus::Bus;
use super::hub::HubHandle;
use super::presence::Presence;
use super::tickets::Tickets;
use crate::auth::Verifier;
use crate::features::messages::posting::Poster;
use crate::platform::config::Settings;
use crate::platform::events::Database;

pub struct Realtime {
    pub settings: Arc<Settings>,
    pub store: Database,
    pub poster: Poster,
    pub hub: HubHandle,
    pub bus: Bus,
    pub presence: Presence,
    /// Which sockets show which room (`view` frames): no push for a room its user is viewing.
    pub viewing: Presence,
    pub tickets: Tickets,
    pub verifier: Arc<Verifier>,
    /// Cancelled on SIGTERM/SIGINT: sockets finish in-flight writes and close with "reconnect".
    pub shutdown: CancellationToken,
}
