//! Connections to outside services (Notion) and session exports to them. Calls to Notion
//! happen with no transaction open and no connection held; what they answer is written
//! after.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use uuid::Uuid;

use super::crypto::Secrets;
use super::notion::{Notion, NotionError, Tokens};
use super::repo::{self, Export, Integration};
use super::views::{ExportList, ExportView, IntegrationList, IntegrationView};
use crate::features::sessions::service as sessions;
use crate::platform::config::NotionOAuth;
use crate::platform::error::{ApiError, ApiResult, ErrorCode};
use crate::platform::events::Database;
use crate::platform::jobs;

pub const NOTION: &str = "notion";
/// The jobs queue's kind for Notion exports.
pub const EXPORT_JOB: &str = "notion_export";
/// How long a consent round trip may take.
const STATE_TTL_S: i64 = 600;

/// The integrations' shared parts (actix app data).
#[derive(Clone)]
pub struct Integrations {
    pub notion: Notion,
    pub secrets: Secrets,
    pub oauth: Option<Arc<NotionOAuth>>,
    /// The web app, where the OAuth callback sends the browser back.
    pub app_url: Arc<str>,
    state_key: Arc<[u8; 32]>,
}

impl Integrations {
    pub fn new(notion: Notion, secrets_key: Option<[u8; 32]>, oauth: Option<NotionOAuth>, app_url: &str) -> Self {
        let key = secrets_key.unwrap_or_else(|| {
            use rand::RngCore;
            let mut k = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut k);
            k
        });
        Self {
            notion,
            secrets: Secrets::new(&key),
            oauth: oauth.map(Arc::new),
            app_url: app_url.into(),
            state_key: Arc::new(key),
        }
    }

    fn mac(&self, data: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.state_key[..]).expect("any key length");
        mac.update(b"notion-oauth-state:");
        mac.update(data);
        mac.finalize().into_bytes()[..16].to_vec()
    }

    /// A consent round trip's `state`: the user and an expiry, signed.
    fn state_for(&self, user: Uuid) -> String {
        let mut data = user.as_bytes().to_vec();
        data.extend((Utc::now().timestamp() + STATE_TTL_S).to_be_bytes());
        let mac = self.mac(&data);
        data.extend(mac);
        URL_SAFE_NO_PAD.encode(data)
    }

    fn user_of_state(&self, state: &str) -> Option<Uuid> {
        let raw = URL_SAFE_NO_PAD.decode(state).ok()?;
        if raw.len() != 40 {
            return None;
        }
        let (data, mac) = raw.split_at(24);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(self.mac(data).as_slice(), mac)) {
            return None;
        }
        let expires = i64::from_be_bytes(data[16..24].try_into().ok()?);
        (expires >= Utc::now().timestamp()).then(|| Uuid::from_slice(&data[..16]).ok())?
    }
}

/// What one has connected (Notion is always listed: disconnected until connected).
pub async fn list(conn: &mut AsyncPgConnection, user: Uuid) -> ApiResult<IntegrationList> {
    let rows = repo::list(conn, user).await?;
    let mut items: Vec<IntegrationView> = rows.into_iter().map(Into::into).collect();
    if !items.iter().any(|i| i.provider == NOTION) {
        items.push(IntegrationView::none(NOTION));
    }
    Ok(IntegrationList { items })
}

async fn save(store: &Database, integ: &Integrations, user: Uuid, tokens: Tokens) -> ApiResult<IntegrationView> {
    let now = Utc::now();
    let row = Integration {
        user_id: user,
        provider: NOTION.into(),
        status: "connected".into(),
        access_token: Some(integ.secrets.seal(&tokens.access_token)),
        refresh_token: tokens.refresh_token.as_deref().map(|t| integ.secrets.seal(t)),
        workspace_name: tokens.workspace_name,
        problem: None,
        connected_at: Some(now),
        updated_at: now,
    };
    let saved = store.run(async |conn| Ok(repo::connect(conn, &row).await?)).await?;
    Ok(saved.into())
}

fn notion_problem(e: NotionError) -> ApiError {
    match e {
        NotionError::Unauthorized | NotionError::Refused(_) => {
            ApiError::invalid("Notion did not accept this token: make a new one and paste it")
        }
        NotionError::RateLimited(s) => ApiError::Upstream {
            code: ErrorCode::ProviderRateLimited,
            detail: "Notion asks to slow down: retry later".into(),
            retry_after: Some(s),
        },
        NotionError::Retryable(m) => {
            tracing::warn!(problem = %m, "Notion is unavailable");
            ApiError::Unavailable("Notion is unavailable, retry shortly".into())
        }
    }
}

/// Connects with a pasted token (self-hosters without an OAuth app), checked with Notion first.
pub async fn connect_token(
    store: &Database,
    integ: &Integrations,
    user: Uuid,
    token: &str,
) -> ApiResult<IntegrationView> {
    let workspace_name = integ.notion.me(token).await.map_err(notion_problem)?;
    let tokens = Tokens {
        access_token: token.to_owned(),
        refresh_token: None,
        workspace_name,
    };
    save(store, integ, user, tokens).await
}

/// Where to send the browser for Notion's consent (503 without an OAuth app configured).
pub fn authorize_url(integ: &Integrations, user: Uuid) -> ApiResult<String> {
    let oauth = integ.oauth.as_ref().ok_or_else(|| {
        ApiError::Unavailable("Notion sign-in is not set up here (NOTION_CLIENT_ID): paste a token instead".into())
    })?;
    let mut url = url::Url::parse(&format!("{}/v1/oauth/authorize", integ.notion.base()))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("NOTION_API_BASE: {e}")))?;
    url.query_pairs_mut()
        .append_pair("client_id", &oauth.client_id)
        .append_pair("response_type", "code")
        .append_pair("owner", "user")
        .append_pair("redirect_uri", &oauth.redirect_uri)
        .append_pair("state", &integ.state_for(user));
    Ok(url.into())
}

/// Notion sent the browser back: the code for tokens, then back to the web app's
/// connections page (`?notion=connected`, or `?notion=error`).
pub async fn callback(
    store: &Database,
    integ: &Integrations,
    code: Option<&str>,
    state: &str,
    error: Option<&str>,
) -> String {
    let back = |outcome: &str| format!("{}/connections?notion={outcome}", integ.app_url);
    let Some(user) = integ.user_of_state(state) else {
        return back("error");
    };
    let (Some(code), None, Some(oauth)) = (code, error, integ.oauth.as_ref()) else {
        return back(if error == Some("access_denied") {
            "denied"
        } else {
            "error"
        });
    };
    match integ.notion.exchange(oauth, code).await {
        Ok(tokens) => match save(store, integ, user, tokens).await {
            Ok(_) => back("connected"),
            Err(_) => back("error"),
        },
        Err(e) => {
            tracing::warn!(error = %e, "Notion refused an OAuth code");
            back("error")
        }
    }
}

pub async fn disconnect(conn: &mut AsyncPgConnection, user: Uuid) -> ApiResult<()> {
    repo::delete(conn, user, NOTION).await?;
    Ok(())
}

/// Queues an export of a session's record to Notion (one per session and user: exporting
/// again replaces that page). An export already queued or running is answered as it is.
pub async fn start_export(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    session: Uuid,
    parent_page_id: Option<String>,
) -> ApiResult<ExportView> {
    sessions::exportable(conn, user, session).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let connected = repo::get(conn, user, NOTION)
            .await?
            .is_some_and(|i| i.status == "connected");
        if !connected {
            return Err(ApiError::refused(
                ErrorCode::IntegrationNotConnected,
                "connect Notion first (GET /v1/integrations/notion/authorize or PUT /v1/integrations/notion/token)",
            ));
        }
        let export = match repo::export_for(conn, session, user, NOTION).await? {
            Some(e) if matches!(e.status.as_str(), "queued" | "running") => return Ok(e.into()),
            Some(e) => repo::requeue(conn, &e, parent_page_id.as_deref()).await?,
            None => {
                let now = Utc::now();
                repo::insert_export(
                    conn,
                    &Export {
                        id: Uuid::now_v7(),
                        session_id: session,
                        user_id: user,
                        target: NOTION.into(),
                        status: "queued".into(),
                        parent_page_id,
                        page_id: None,
                        page_url: None,
                        error: None,
                        created_at: now,
                        updated_at: now,
                    },
                )
                .await?
            }
        };
        let key = format!("{EXPORT_JOB}:{}:{}", export.id, export.updated_at.timestamp_micros());
        jobs::enqueue(conn, EXPORT_JOB, &json!({"export_id": export.id}), Some(&key)).await?;
        Ok(export.into())
    })
    .await
}

/// One's exports of a session (its latest state per target, e.g. after a page reload).
pub async fn exports_of(conn: &mut AsyncPgConnection, user: Uuid, session: Uuid) -> ApiResult<ExportList> {
    sessions::exportable(conn, user, session).await?;
    let items = repo::exports_of(conn, session, user).await?;
    Ok(ExportList {
        items: items.into_iter().map(Into::into).collect(),
    })
}

/// One of one's exports (404 for anyone else's).
pub async fn export(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> ApiResult<ExportView> {
    match repo::export(conn, id).await? {
        Some(e) if e.user_id == user => Ok(e.into()),
        _ => Err(ApiError::NotFound("export")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_names_its_user_and_cannot_be_forged() {
        crate::install_crypto_provider();
        let integ = Integrations::new(
            Notion::new("http://127.0.0.1:9").unwrap(),
            Some([3; 32]),
            None,
            "http://app",
        );
        let user = Uuid::now_v7();
        let state = integ.state_for(user);
        assert_eq!(integ.user_of_state(&state), Some(user));
        let mut raw = URL_SAFE_NO_PAD.decode(&state).unwrap();
        raw[0] ^= 1;
        assert_eq!(integ.user_of_state(&URL_SAFE_NO_PAD.encode(raw)), None);
        let other = Integrations::new(
            Notion::new("http://127.0.0.1:9").unwrap(),
            Some([4; 32]),
            None,
            "http://app",
        );
        assert_eq!(other.user_of_state(&state), None);
        assert_eq!(integ.user_of_state("junk"), None);
    }
}
