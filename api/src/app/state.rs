//! What the application holds: the contexts each area's routes take as app data (none of
//! them names this type), and what a graceful stop needs.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::auth::routes::DevMode;
use crate::features::clerk::routes::Intake;
use crate::features::files::Files;
use crate::features::health::routes::Probes;
use crate::features::messages::posting::Poster;
use crate::features::notifications::push::{EndpointRule, Vapid};
use crate::features::payments::Payments;
use crate::features::users::signed_in::Authenticator;
use crate::platform::config::Settings;
use crate::platform::events::Database;
use crate::platform::tasks::Tasks;
use crate::realtime::context::Realtime;
use crate::realtime::presence::Presence;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Database,
    pub poster: Poster,
    pub authenticator: Authenticator,
    pub intake: Intake,
    pub probes: Probes,
    pub dev: DevMode,
    pub vapid: Vapid,
    pub push_rule: EndpointRule,
    pub files: Files,
    pub payments: Payments,
    pub bookings: crate::features::bookings::Bookings,
    pub links: crate::features::links::Links,
    pub integrations: crate::features::integrations::Integrations,
    pub channels: crate::features::channels::Channels,
    pub sessions: crate::features::sessions::Sessions,
    pub realtime: Arc<Realtime>,
    pub presence: Presence,
    /// Background tasks, stopped (and awaited) after the server drains.
    pub tasks: Tasks,
    /// Cancelled on SIGTERM/SIGINT: sockets finish in-flight writes and close with "reconnect".
    pub shutdown: CancellationToken,
}
