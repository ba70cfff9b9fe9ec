//! Short links: making them exactly once per owner and URL, the owner's changes, stats,
//! and resolving a code for `/s/{code}`. Provider calls (Bitly) happen outside any
//! transaction; the row is written after the provider answered.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::clicks::Clicks;
use super::provider::{NewLink, ShortenError, Shortener};
use super::repo::{self, Link, Target};
use super::views::{DayClicks, LinkStats, LinkView};
use crate::platform::error::{ApiError, ApiResult, ErrorCode};
use crate::platform::pagination::Page;

/// How long an instance serves a code from memory before reading it again (a link deleted
/// on another instance may redirect there this long).
const TARGET_TTL: Duration = Duration::from_secs(10);
const TARGET_CACHE_MAX: usize = 50_000;
/// Attempts at a random code before giving up (62^7 codes: a second is already rare).
const CODE_ATTEMPTS: usize = 5;

/// The short-link service's shared parts (actix app data).
#[derive(Clone)]
pub struct Links {
    pub shortener: Arc<dyn Shortener>,
    /// The public base of our own links, ending in `/s/`.
    pub base: Arc<str>,
    /// Dev mode: loopback destinations are allowed, to try links offline.
    pub allow_loopback: bool,
    pub clicks: Clicks,
    targets: Arc<RwLock<HashMap<String, (Target, Instant)>>>,
}

impl Links {
    pub fn new(shortener: Arc<dyn Shortener>, base: &str, allow_loopback: bool, clicks: Clicks) -> Self {
        Self {
            shortener,
            base: base.into(),
            allow_loopback,
            clicks,
            targets: Arc::default(),
        }
    }

    fn forget(&self, code: &str) {
        self.targets.write().expect("lock").remove(code);
    }
}

/// A link to make, checked by the caller (`validate.rs`).
pub struct Request {
    pub long_url: url::Url,
    pub title: Option<String>,
    pub tags: Vec<String>,
    pub custom_code: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn url_hash(url: &str) -> Vec<u8> {
    Sha256::digest(url.as_bytes()).to_vec()
}

fn provider_error(e: ShortenError) -> ApiError {
    match e {
        ShortenError::Invalid(m) => ApiError::invalid(m),
        ShortenError::CodeTaken => ApiError::refused(ErrorCode::CodeTaken, "that code is taken: pick another"),
        ShortenError::RateLimited(retry_after) => ApiError::Upstream {
            code: ErrorCode::ProviderRateLimited,
            detail: "the link provider limits requests for now: retry later".into(),
            retry_after: retry_after.or(Some(60)),
        },
        ShortenError::PlanLimit(m, retry_after) => ApiError::Upstream {
            code: ErrorCode::ProviderPlanLimit,
            detail: format!("the link provider's plan allows no more ({m})"),
            retry_after,
        },
        ShortenError::Unavailable(m) => {
            tracing::warn!(problem = %m, "the link provider failed");
            ApiError::Unavailable("the link provider is unavailable, retry shortly".into())
        }
    }
}

/// Makes a link, or answers the owner's existing one for the same URL (custom codes aside):
/// `(link, made_now)`.
pub async fn create(
    conn: &mut AsyncPgConnection,
    links: &Links,
    owner: Uuid,
    r: Request,
) -> ApiResult<(LinkView, bool)> {
    if r.expires_at
        .is_some_and(|e| e <= Utc::now() + chrono::Duration::minutes(5))
    {
        return Err(ApiError::invalid("expires_at must be at least 5 minutes from now"));
    }
    let provider = links.shortener.name();
    let long_url = r.long_url.to_string();
    let hash = url_hash(&long_url);
    match &r.custom_code {
        None => {
            if let Some(same) = repo::find_same(conn, owner, provider, &hash).await? {
                return Ok((same.into(), false));
            }
        }
        Some(code) if provider == "local" => {
            if let Some(taken) = repo::by_local_code(conn, code).await? {
                // A retry of the same request answers the link it made.
                if taken.owner_id == owner && taken.long_url_hash == hash {
                    return Ok((taken.into(), false));
                }
                return Err(ApiError::refused(
                    ErrorCode::CodeTaken,
                    "that code is taken: pick another",
                ));
            }
        }
        Some(_) => {}
    }
    let new = NewLink {
        long_url: long_url.clone(),
        title: r.title.clone(),
        tags: r.tags.clone(),
        custom_code: r.custom_code.clone(),
        expires_at: r.expires_at,
    };
    for _ in 0..CODE_ATTEMPTS {
        // Outside any transaction: Bitly is called here.
        let made = links.shortener.create(&new).await.map_err(provider_error)?;
        let now = Utc::now();
        let row = Link {
            id: Uuid::now_v7(),
            owner_id: owner,
            provider: provider.to_owned(),
            code: made.code,
            external_id: made.external_id,
            short_url: made.short_url,
            long_url: long_url.clone(),
            long_url_hash: hash.clone(),
            custom: r.custom_code.is_some(),
            title: r.title.clone(),
            tags: r.tags.clone(),
            expires_at: r.expires_at,
            click_count: 0,
            created_at: now,
            updated_at: now,
        };
        if let Some(link) = repo::insert(conn, &row).await? {
            return Ok((link.into(), true));
        }
        // Refused by a unique index: the same URL made meanwhile, or the code taken.
        if r.custom_code.is_none() {
            if let Some(same) = repo::find_same(conn, owner, provider, &hash).await? {
                return Ok((same.into(), false));
            }
        }
        if r.custom_code.is_some() {
            return Err(ApiError::refused(
                ErrorCode::CodeTaken,
                "that code is taken: pick another",
            ));
        }
    }
    Err(ApiError::Unavailable("no free short code was found, retry".into()))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    tag: Option<&str>,
    page: Page,
) -> ApiResult<(Vec<LinkView>, Option<String>)> {
    let rows = repo::list(conn, owner, tag, page.after, page.limit).await?;
    let next = page.next_cursor(&rows, |l| l.id);
    Ok((rows.into_iter().map(Into::into).collect(), next))
}

async fn owned(conn: &mut AsyncPgConnection, owner: Uuid, id: Uuid) -> ApiResult<Link> {
    repo::owned(conn, owner, id).await?.ok_or(ApiError::NotFound("link"))
}

pub async fn get(conn: &mut AsyncPgConnection, owner: Uuid, id: Uuid) -> ApiResult<LinkView> {
    Ok(owned(conn, owner, id).await?.into())
}

/// New title (`Some(None)` clears it) and/or tags; Bitly's copy first.
pub async fn update(
    conn: &mut AsyncPgConnection,
    links: &Links,
    owner: Uuid,
    id: Uuid,
    title: Option<Option<String>>,
    tags: Option<Vec<String>>,
) -> ApiResult<LinkView> {
    let link = owned(conn, owner, id).await?;
    let title = title.unwrap_or(link.title.clone());
    let tags = tags.unwrap_or(link.tags.clone());
    if let Some(ext) = &link.external_id {
        links
            .shortener
            .update(ext, title.as_deref(), &tags)
            .await
            .map_err(provider_error)?;
    }
    Ok(repo::set_meta(conn, link.id, title.as_deref(), &tags).await?.into())
}

/// Deletes a link (a Bitly link is archived there first); its code answers 404 from now on
/// here, and within `TARGET_TTL` on other instances.
pub async fn delete(conn: &mut AsyncPgConnection, links: &Links, owner: Uuid, id: Uuid) -> ApiResult<()> {
    let link = owned(conn, owner, id).await?;
    if let Some(ext) = &link.external_id {
        links.shortener.remove(ext).await.map_err(provider_error)?;
    }
    repo::delete(conn, link.id).await?;
    if link.provider == "local" {
        links.forget(&link.code);
    }
    Ok(())
}

/// Clicks per UTC day over the last `days` days (today included), zeros filled in.
pub async fn stats(
    conn: &mut AsyncPgConnection,
    links: &Links,
    owner: Uuid,
    id: Uuid,
    days: u32,
) -> ApiResult<LinkStats> {
    let link = owned(conn, owner, id).await?;
    let today = Utc::now().date_naive();
    let since = today - chrono::Duration::days(i64::from(days) - 1);
    let (counted, total) = match &link.external_id {
        Some(ext) if link.provider == "bitly" => {
            let got = links.shortener.clicks(ext, days).await.map_err(provider_error)?;
            let total = got.iter().filter(|(d, _)| *d >= since).map(|(_, n)| n).sum();
            (got, total)
        }
        _ => (repo::daily(conn, link.id, since).await?, link.click_count),
    };
    Ok(LinkStats {
        total,
        days: fill_days(since, today, &counted),
    })
}

fn fill_days(since: NaiveDate, today: NaiveDate, counted: &[(NaiveDate, i64)]) -> Vec<DayClicks> {
    let by_day: HashMap<NaiveDate, i64> = counted.iter().copied().collect();
    since
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|date| DayClicks {
            date,
            clicks: by_day.get(&date).copied().unwrap_or(0),
        })
        .collect()
}

/// Where `/s/{code}` leads: the destination, or why not.
pub enum Resolved {
    To(Uuid, String),
    Expired,
    Unknown,
}

/// Resolves one of our codes from memory, when it was read in the last `TARGET_TTL` (no
/// database connection is taken then); None: ask `resolve`.
pub fn resolve_cached(links: &Links, code: &str) -> Option<Resolved> {
    let target = links
        .targets
        .read()
        .expect("lock")
        .get(code)
        .filter(|(_, at)| at.elapsed() < TARGET_TTL)
        .map(|(t, _)| t.clone())?;
    Some(destination(target))
}

/// Resolves one of our codes from the database, and keeps it in memory for `TARGET_TTL`.
pub async fn resolve(conn: &mut AsyncPgConnection, links: &Links, code: &str) -> ApiResult<Resolved> {
    let Some(target) = repo::target(conn, code).await? else {
        return Ok(Resolved::Unknown);
    };
    let mut cache = links.targets.write().expect("lock");
    if cache.len() >= TARGET_CACHE_MAX {
        cache.retain(|_, (_, at)| at.elapsed() < TARGET_TTL);
        if cache.len() >= TARGET_CACHE_MAX {
            cache.clear();
        }
    }
    cache.insert(code.to_owned(), (target.clone(), Instant::now()));
    Ok(destination(target))
}

fn destination(target: Target) -> Resolved {
    if target.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Resolved::Expired;
    }
    Resolved::To(target.id, target.long_url)
}

/// Link unfurlers, crawlers and scanners follow links without anyone clicking: not counted.
pub fn is_bot(user_agent: Option<&str>) -> bool {
    let Some(ua) = user_agent.map(str::to_ascii_lowercase) else {
        return true;
    };
    const BOTS: &[&str] = &[
        "bot",
        "crawl",
        "spider",
        "slurp",
        "preview",
        "facebookexternalhit",
        "embedly",
        "whatsapp",
        "skypeuripreview",
        "bitlybot",
        "quora link preview",
        "vkshare",
        "pinterest",
        "outbrain",
        "lighthouse",
        "python-requests",
        "go-http-client",
        "scanner",
        "validator",
        "monitor",
    ];
    ua.trim().is_empty() || BOTS.iter().any(|b| ua.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfurlers_and_crawlers_are_not_clicks() {
        assert!(is_bot(Some(
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
        )));
        assert!(is_bot(Some("facebookexternalhit/1.1")));
        assert!(is_bot(Some("Mozilla/5.0 (compatible; Googlebot/2.1)")));
        assert!(is_bot(Some("WhatsApp/2.23")));
        assert!(is_bot(None));
        assert!(!is_bot(Some(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
        )));
    }

    #[test]
    fn every_day_of_the_period_is_there() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let days = fill_days(d("2026-12-01"), d("2026-12-03"), &[(d("2026-12-02"), 4)]);
        assert_eq!(days.iter().map(|x| x.clicks).collect::<Vec<_>>(), vec![0, 4, 0]);
    }
}
