//! The Notion export job (a `Task`: no transaction open while Notion is called). It makes
//! the page with its first 100 blocks and stores the page id at once, then appends the rest
//! 100 at a time; run again (a retry, a re-export) it empties that page and fills it anew
//! instead of making a second one. 429/529 wait `Retry-After`; a revoked token is refreshed
//! once when there is a refresh token, else the connection is marked disconnected and the
//! export failed with a clear reason; 5xx and lost answers are retried by the queue.

use std::future::Future;

use futures_util::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::blocks::{self, CHUNK};
use super::notion::NotionError;
use super::repo::{self, Export};
use super::service::{Integrations, NOTION};
use crate::features::sessions::service as sessions;
use crate::platform::db::DbPool;
use crate::platform::jobs::{Job, Task};

/// How often one call waits for Notion's `Retry-After` before the job is retried later.
const RATE_LIMIT_WAITS: usize = 5;

pub struct NotionExports {
    pub integ: Integrations,
}

#[derive(Deserialize)]
struct Payload {
    export_id: Uuid,
}

/// Why an export stopped.
enum Stop {
    /// Recorded as failed; the job is done.
    Failed(String),
    /// The connection no longer works: it shows as disconnected.
    Disconnected,
    /// Try again later (the queue's backoff).
    Retry(String),
}

impl From<NotionError> for Stop {
    fn from(e: NotionError) -> Self {
        match e {
            NotionError::Unauthorized => Stop::Disconnected,
            NotionError::Refused(m) => Stop::Failed(format!("Notion refused the export: {m}")),
            NotionError::RateLimited(s) => Stop::Retry(format!("Notion asked to wait {s} s")),
            NotionError::Retryable(m) => Stop::Retry(m),
        }
    }
}

fn db_err<T>(r: Result<T, impl std::fmt::Display>) -> Result<T, Stop> {
    r.map_err(|e| Stop::Retry(format!("database: {e}")))
}

/// One Notion call, waiting out rate limits a few times.
async fn polite<T, F, Fut>(mut call: F) -> Result<T, NotionError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, NotionError>>,
{
    let mut waits = 0;
    loop {
        match call().await {
            Err(NotionError::RateLimited(s)) if waits < RATE_LIMIT_WAITS => {
                waits += 1;
                tokio::time::sleep(std::time::Duration::from_secs(s)).await;
            }
            other => return other,
        }
    }
}

impl NotionExports {
    /// The connection's token (refreshed first when `refresh`).
    async fn token(&self, db: &DbPool, user: Uuid, refresh: bool) -> Result<String, Stop> {
        let mut conn = db_err(db.get().await)?;
        let row = db_err(repo::get(&mut conn, user, NOTION).await)?;
        drop(conn);
        let Some(row) = row.filter(|r| r.status == "connected") else {
            return Err(Stop::Failed(
                "Notion is not connected: connect it and export again".into(),
            ));
        };
        let access = row.access_token.as_deref().and_then(|t| self.integ.secrets.open(t));
        let Some(access) = access else {
            return Err(Stop::Disconnected);
        };
        if !refresh {
            return Ok(access);
        }
        let refresh_token = row.refresh_token.as_deref().and_then(|t| self.integ.secrets.open(t));
        let (Some(oauth), Some(refresh_token)) = (self.integ.oauth.as_ref(), refresh_token) else {
            return Err(Stop::Disconnected);
        };
        let tokens = self.integ.notion.refresh(oauth, &refresh_token).await?;
        let sealed = self.integ.secrets.seal(&tokens.access_token);
        let sealed_refresh = tokens.refresh_token.as_deref().map(|t| self.integ.secrets.seal(t));
        let mut conn = db_err(db.get().await)?;
        db_err(repo::set_tokens(&mut conn, user, NOTION, &sealed, sealed_refresh.as_deref()).await)?;
        Ok(tokens.access_token)
    }

    /// Writes the page with this token.
    async fn write(&self, db: &DbPool, e: &Export, token: &str, all: &[Value], title: &str) -> Result<String, Stop> {
        let notion = &self.integ.notion;
        let mut chunks = all.chunks(CHUNK);
        let alive = match &e.page_id {
            Some(id) => polite(|| notion.page_alive(token, id)).await?,
            None => false,
        };
        let (page, url) = if alive {
            let id = e.page_id.clone().unwrap_or_default();
            // Exporting again: the page is emptied and filled anew.
            for child in polite(|| notion.children(token, &id)).await? {
                polite(|| notion.delete_block(token, &child)).await?;
            }
            (id, e.page_url.clone().unwrap_or_default())
        } else {
            let first = chunks.next().unwrap_or(&[]);
            let (id, url) = polite(|| notion.create_page(token, e.parent_page_id.as_deref(), title, first)).await?;
            // Stored before anything else: a retry fills this page, never a second one.
            let mut conn = db_err(db.get().await)?;
            db_err(repo::set_page(&mut conn, e.id, &id, &url).await)?;
            (id, url)
        };
        for chunk in chunks {
            polite(|| notion.append(token, &page, chunk)).await?;
        }
        Ok(url)
    }

    async fn export(&self, db: &DbPool, id: Uuid) -> Result<(), Stop> {
        let mut conn = db_err(db.get().await)?;
        let Some(e) = db_err(repo::export(&mut conn, id).await)? else {
            return Ok(()); // the session (and its export) was deleted meanwhile
        };
        db_err(repo::set_status(&mut conn, id, "running", None).await)?;
        // The record as the exporting user may read it now (a revoked membership: 404).
        let doc = match sessions::export_document(&mut conn, e.user_id, e.session_id).await {
            Ok(doc) => doc,
            Err(err) => return Err(Stop::Failed(format!("the session cannot be read: {err}"))),
        };
        drop(conn);
        let all = blocks::blocks(&doc);
        let title = blocks::title(&doc);
        let token = self.token(db, e.user_id, false).await?;
        let url = match self.write(db, &e, &token, &all, &title).await {
            Err(Stop::Disconnected) => {
                let fresh = self.token(db, e.user_id, true).await?;
                // Re-read: the first attempt may have stored the page.
                let mut conn = db_err(db.get().await)?;
                let e = db_err(repo::export(&mut conn, id).await)?.unwrap_or(e);
                drop(conn);
                self.write(db, &e, &fresh, &all, &title).await?
            }
            other => other?,
        };
        let mut conn = db_err(db.get().await)?;
        db_err(repo::set_status(&mut conn, id, "done", None).await)?;
        tracing::info!(export = %id, page = %url, "session exported to Notion");
        Ok(())
    }
}

impl Task for NotionExports {
    fn run<'a>(&'a self, db: &'a DbPool, job: &'a Job) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let Payload { export_id } = serde_json::from_value(job.payload.clone())?;
            let outcome = self.export(db, export_id).await;
            let mut conn = db.get().await?;
            match outcome {
                Ok(()) => Ok(()),
                Err(Stop::Failed(reason)) => {
                    repo::set_status(&mut conn, export_id, "failed", Some(&reason)).await?;
                    Ok(())
                }
                Err(Stop::Disconnected) => {
                    if let Some(e) = repo::export(&mut conn, export_id).await? {
                        repo::disconnect_with(
                            &mut conn,
                            e.user_id,
                            NOTION,
                            "Notion no longer accepts this connection (revoked or expired): connect it again",
                        )
                        .await?;
                    }
                    let reason = "Notion is no longer connected: connect it again and export";
                    repo::set_status(&mut conn, export_id, "failed", Some(reason)).await?;
                    Ok(())
                }
                Err(Stop::Retry(reason)) => {
                    let last = job.attempts >= job.max_attempts;
                    let (status, note) = if last {
                        (
                            "failed",
                            format!("Notion stayed unavailable ({reason}): export again later"),
                        )
                    } else {
                        ("queued", format!("retrying: {reason}"))
                    };
                    repo::set_status(&mut conn, export_id, status, Some(&note)).await?;
                    anyhow::bail!("Notion export {export_id}: {reason}")
                }
            }
        })
    }
}
