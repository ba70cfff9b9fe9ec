//! What clients see of integrations and exports (never a token).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::{Export, Integration};

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct IntegrationView {
    /// `notion`.
    pub provider: String,
    /// `connected` or `disconnected`.
    pub status: String,
    pub workspace_name: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
    /// Why it is disconnected, when it was connected before (a revoked token…).
    pub problem: Option<String>,
}

impl IntegrationView {
    pub fn none(provider: &str) -> Self {
        Self {
            provider: provider.into(),
            status: "disconnected".into(),
            workspace_name: None,
            connected_at: None,
            problem: None,
        }
    }
}

impl From<Integration> for IntegrationView {
    fn from(i: Integration) -> Self {
        Self {
            provider: i.provider,
            status: i.status,
            workspace_name: i.workspace_name,
            connected_at: i.connected_at,
            problem: i.problem,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct IntegrationList {
    pub items: Vec<IntegrationView>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct ExportView {
    pub id: Uuid,
    pub session_id: Uuid,
    /// `notion`.
    pub target: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// The Notion page, once made.
    pub page_url: Option<String>,
    /// Why it failed (or why it is being retried).
    pub error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<Export> for ExportView {
    fn from(e: Export) -> Self {
        Self {
            id: e.id,
            session_id: e.session_id,
            target: e.target,
            status: e.status,
            page_url: e.page_url,
            error: e.error,
            updated_at: e.updated_at,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct ExportList {
    pub items: Vec<ExportView>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct AuthorizeView {
    /// Notion's consent page: send the browser there.
    pub url: String,
}
