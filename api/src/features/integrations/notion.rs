//! A hand-written Notion client (no SDK): the few calls an export and a connection need,
//! with the API version pinned here, in one place.

use std::time::Duration;

use serde_json::{json, Value};

use crate::platform::config::NotionOAuth;

/// The Notion API version every request names.
pub const NOTION_VERSION: &str = "2026-03-11";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NotionError {
    /// The token was revoked or is wrong (401).
    #[error("Notion refused the connection's token")]
    Unauthorized,
    /// 429 / 529: wait this many seconds.
    #[error("Notion asks to slow down ({0} s)")]
    RateLimited(u64),
    /// 409, 5xx or no answer: try again later.
    #[error("Notion is unavailable: {0}")]
    Retryable(String),
    /// 400 / 403 / 404: Notion's own words, for the user.
    #[error("{0}")]
    Refused(String),
}

#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub workspace_name: Option<String>,
}

#[derive(Clone)]
pub struct Notion {
    http: reqwest::Client,
    base: String,
}

impl Notion {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .connect_timeout(Duration::from_secs(5))
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, NotionError> {
        let response = request
            .header("Notion-Version", NOTION_VERSION)
            .send()
            .await
            .map_err(|e| NotionError::Retryable(format!("no answer: {e}")))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let message = body["message"].as_str().unwrap_or_default().to_owned();
        match status {
            200..=299 => Ok(body),
            401 => Err(NotionError::Unauthorized),
            429 | 529 => Err(NotionError::RateLimited(retry_after.unwrap_or(1).clamp(1, 60))),
            400 if body["code"] == "invalid_grant" => Err(NotionError::Unauthorized),
            400 | 403 | 404 => Err(NotionError::Refused(if message.is_empty() {
                format!("Notion answered {status}")
            } else {
                message
            })),
            s => Err(NotionError::Retryable(format!(
                "{s} {}",
                body["code"].as_str().unwrap_or_default()
            ))),
        }
    }

    /// The workspace a token belongs to (a check that it works).
    pub async fn me(&self, token: &str) -> Result<Option<String>, NotionError> {
        let me = self
            .send(self.http.get(self.url("users/me")).bearer_auth(token))
            .await?;
        Ok(me["bot"]["workspace_name"].as_str().map(str::to_owned))
    }

    async fn token(&self, oauth: &NotionOAuth, body: Value) -> Result<Tokens, NotionError> {
        let answer = self
            .send(
                self.http
                    .post(self.url("oauth/token"))
                    .basic_auth(&oauth.client_id, Some(&oauth.client_secret))
                    .json(&body),
            )
            .await?;
        let access_token = answer["access_token"]
            .as_str()
            .ok_or_else(|| NotionError::Retryable("no access_token in Notion's answer".into()))?
            .to_owned();
        Ok(Tokens {
            access_token,
            refresh_token: answer["refresh_token"].as_str().map(str::to_owned),
            workspace_name: answer["workspace_name"].as_str().map(str::to_owned),
        })
    }

    /// The OAuth code for tokens.
    pub async fn exchange(&self, oauth: &NotionOAuth, code: &str) -> Result<Tokens, NotionError> {
        self.token(
            oauth,
            json!({"grant_type": "authorization_code", "code": code, "redirect_uri": oauth.redirect_uri}),
        )
        .await
    }

    /// New tokens for a refresh token (Notion rotates both).
    pub async fn refresh(&self, oauth: &NotionOAuth, refresh_token: &str) -> Result<Tokens, NotionError> {
        self.token(
            oauth,
            json!({"grant_type": "refresh_token", "refresh_token": refresh_token}),
        )
        .await
    }

    /// A page with its first (at most 100) blocks: (id, url).
    pub async fn create_page(
        &self,
        token: &str,
        parent_page: Option<&str>,
        title: &str,
        children: &[Value],
    ) -> Result<(String, String), NotionError> {
        let parent = match parent_page {
            Some(id) => json!({"type": "page_id", "page_id": id}),
            None => json!({"type": "workspace", "workspace": true}),
        };
        let body = json!({
            "parent": parent,
            "properties": {"title": {"title": [{"type": "text", "text": {"content": title}}]}},
            "children": children,
        });
        let page = self
            .send(self.http.post(self.url("pages")).bearer_auth(token).json(&body))
            .await?;
        match (page["id"].as_str(), page["url"].as_str()) {
            (Some(id), Some(url)) => Ok((id.to_owned(), url.to_owned())),
            _ => Err(NotionError::Retryable("no page id in Notion's answer".into())),
        }
    }

    /// Whether a page is still there (not deleted, not in the trash).
    pub async fn page_alive(&self, token: &str, id: &str) -> Result<bool, NotionError> {
        match self
            .send(self.http.get(self.url(&format!("pages/{id}"))).bearer_auth(token))
            .await
        {
            Ok(page) => Ok(page["in_trash"] != true && page["archived"] != true),
            Err(NotionError::Refused(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A block's children, every page of them.
    pub async fn children(&self, token: &str, id: &str) -> Result<Vec<String>, NotionError> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = self.url(&format!("blocks/{id}/children?page_size=100"));
            if let Some(c) = &cursor {
                url.push_str(&format!("&start_cursor={c}"));
            }
            let page = self.send(self.http.get(url).bearer_auth(token)).await?;
            ids.extend(
                page["results"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|b| b["id"].as_str().map(str::to_owned)),
            );
            match page["next_cursor"].as_str() {
                Some(next) if page["has_more"] == true => cursor = Some(next.to_owned()),
                _ => return Ok(ids),
            }
        }
    }

    pub async fn delete_block(&self, token: &str, id: &str) -> Result<(), NotionError> {
        match self
            .send(self.http.delete(self.url(&format!("blocks/{id}"))).bearer_auth(token))
            .await
        {
            // Gone already (a retry): nothing to do.
            Ok(_) | Err(NotionError::Refused(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Appends at most 100 blocks at the end of a page.
    pub async fn append(&self, token: &str, id: &str, children: &[Value]) -> Result<(), NotionError> {
        let body = json!({"children": children, "position": {"type": "end"}});
        self.send(
            self.http
                .patch(self.url(&format!("blocks/{id}/children")))
                .bearer_auth(token)
                .json(&body),
        )
        .await?;
        Ok(())
    }
}
