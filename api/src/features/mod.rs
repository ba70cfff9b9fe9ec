//! One folder per feature: `routes.rs` (handlers, DTOs, OpenAPI), `service.rs` (transactions
//! and authorisation, shared by REST and the WebSocket), `repo.rs` (diesel), `views.rs`
//! (what clients see) and `validate.rs` (input newtypes). A feature may call another
//! feature's service, never its repo or routes (`tests/api/architecture.rs` checks it).

pub mod bookings;
pub mod channels;
pub mod clerk;
pub mod conversations;
pub mod creators;
pub mod files;
pub mod health;
pub mod integrations;
pub mod links;
pub mod messages;
pub mod notes;
pub mod notifications;
pub mod payments;
pub mod rooms;
pub mod sessions;
pub mod users;
