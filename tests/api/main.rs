//! Integration tests: the real application over real connections.

mod architecture;
mod auth;
mod bookings;
mod channels;
mod creators;
mod file_uses;
mod files;
mod files_s3;
mod health;
mod integrations;
mod jobs;
mod links;
mod messages;
mod money;
mod notes;
mod notifications;
mod outages;
mod payments;
mod ppv;
mod realtime;
mod rooms;
mod sessions;
mod users;
mod webhooks;
