//! Where short links are made: our own codes (`local`, served at `/s/{code}`) or Bitly's
//! API v4 (a hand-written client of four calls). Both sit behind `Shortener`; the service
//! calls it outside any transaction and stores what it answered.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::future::BoxFuture;
use serde::Deserialize;
use serde_json::json;

/// A link to make.
#[derive(Debug, Clone)]
pub struct NewLink {
    pub long_url: String,
    pub title: Option<String>,
    pub tags: Vec<String>,
    pub custom_code: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What the provider made.
#[derive(Debug, Clone)]
pub struct Created {
    /// The path segment after the short base (local) or Bitly's back-half.
    pub code: String,
    pub short_url: String,
    /// Bitly's id (`bit.ly/abc123`); None for local links.
    pub external_id: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShortenError {
    /// The provider refused a field (Bitly's `INVALID_ARG_*`, `ALREADY_A_BITLY_LINK`).
    #[error("{0}")]
    Invalid(String),
    #[error("that code is taken")]
    CodeTaken,
    /// Too many calls for now; wait this long when the provider says.
    #[error("the link provider limits requests for now")]
    RateLimited(Option<u64>),
    /// The provider's plan allows no more of this; until the given time when it is monthly.
    #[error("the link provider's plan allows no more: {0}")]
    PlanLimit(String, Option<u64>),
    /// Down, misconfigured (a refused token) or unreadable: an operator's problem.
    #[error("the link provider is unavailable: {0}")]
    Unavailable(String),
}

/// Clicks per UTC day.
pub type DailyClicks = Vec<(NaiveDate, i64)>;

pub trait Shortener: Send + Sync {
    /// `local` or `bitly`: stored with each link.
    fn name(&self) -> &'static str;
    /// Makes a link (a local one makes nothing: the code is proposed, the database keeps it unique).
    fn create<'a>(&'a self, link: &'a NewLink) -> BoxFuture<'a, Result<Created, ShortenError>>;
    /// Replaces a link's title and tags at the provider (local: nothing to do).
    fn update<'a>(
        &'a self,
        external_id: &'a str,
        title: Option<&'a str>,
        tags: &'a [String],
    ) -> BoxFuture<'a, Result<(), ShortenError>>;
    /// Takes a link out of use at the provider (Bitly: archived).
    fn remove<'a>(&'a self, external_id: &'a str) -> BoxFuture<'a, Result<(), ShortenError>>;
    /// Clicks per day of the last `days` days, from the provider (local links count their own).
    fn clicks<'a>(&'a self, external_id: &'a str, days: u32) -> BoxFuture<'a, Result<DailyClicks, ShortenError>>;
}

/// Our own short links: a random or custom code under `SHORT_LINK_BASE`.
pub struct Local {
    /// The public base of `/s/{code}` links, ending in `/s/`.
    pub base: Arc<str>,
}

const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// 62^7 ≈ 3.5 · 10^12 codes; a collision is retried with another.
pub const RANDOM_CODE_LEN: usize = 7;

pub fn random_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..RANDOM_CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

impl Shortener for Local {
    fn name(&self) -> &'static str {
        "local"
    }

    fn create<'a>(&'a self, link: &'a NewLink) -> BoxFuture<'a, Result<Created, ShortenError>> {
        Box::pin(async move {
            let code = link.custom_code.clone().unwrap_or_else(random_code);
            Ok(Created {
                short_url: format!("{}{code}", self.base),
                code,
                external_id: None,
            })
        })
    }

    fn update<'a>(
        &'a self,
        _: &'a str,
        _: Option<&'a str>,
        _: &'a [String],
    ) -> BoxFuture<'a, Result<(), ShortenError>> {
        Box::pin(async { Ok(()) })
    }

    fn remove<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), ShortenError>> {
        Box::pin(async { Ok(()) })
    }

    fn clicks<'a>(&'a self, _: &'a str, _: u32) -> BoxFuture<'a, Result<DailyClicks, ShortenError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// Bitly's API v4 with one server-wide token and group.
pub struct Bitly {
    http: reqwest::Client,
    base: String,
    token: String,
    group_guid: String,
    domain: Option<String>,
}

/// Bitly's error envelope: `{"message": "INVALID_ARG_LONG_URL", "description": "…"}`.
#[derive(Deserialize, Default)]
struct BitlyError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct BitlinkBody {
    id: String,
    link: String,
}

#[derive(Deserialize)]
struct ClicksBody {
    link_clicks: Vec<ClickUnit>,
}

#[derive(Deserialize)]
struct ClickUnit {
    date: String,
    clicks: i64,
}

impl Bitly {
    pub fn new(base: &str, token: String, group_guid: String, domain: Option<String>) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token,
            group_guid,
            domain,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v4/{path}", self.base)
    }

    /// `bit.ly/abc` as one path segment (Bitly takes the slash encoded or raw).
    fn bitlink_path(id: &str) -> String {
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, ShortenError> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| ShortenError::Unavailable(format!("Bitly could not be reached: {e}")))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let body: BitlyError = response.json().await.unwrap_or_default();
        Err(map_error(status, &body.message, &body.description))
    }
}

/// Bitly's statuses and codes, as clear refusals.
fn map_error(status: u16, message: &str, description: &str) -> ShortenError {
    let what = if description.is_empty() { message } else { description };
    match (status, message) {
        (400 | 422, "ALREADY_A_BITLY_LINK") => ShortenError::Invalid("long_url is already a Bitly link".into()),
        (400 | 422, m) if m.starts_with("INVALID_ARG_") => {
            let field = m.trim_start_matches("INVALID_ARG_").to_ascii_lowercase();
            ShortenError::Invalid(format!("Bitly refused {field}: {what}"))
        }
        (409, _) | (_, "KEYWORD_ALREADY_EXISTS") => ShortenError::CodeTaken,
        (429, "RATE_LIMIT_EXCEEDED") => ShortenError::RateLimited(Some(60)),
        (429, m) if m.contains("MONTHLY") || m.contains("USAGE_LIMIT") => ShortenError::PlanLimit(
            format!("{m}: the monthly quota is spent"),
            Some(seconds_to_next_month(Utc::now())),
        ),
        (429, _) => ShortenError::RateLimited(None),
        (402, _) => ShortenError::PlanLimit(format!("{message}: Bitly's plan does not include this"), None),
        (404, _) => ShortenError::Unavailable("Bitly no longer knows this link".into()),
        (401 | 403, _) => ShortenError::Unavailable(format!("Bitly refused our token ({message}): check BITLY_TOKEN")),
        (s, m) => ShortenError::Unavailable(format!("Bitly answered {s} {m}")),
    }
}

/// Bitly's monthly limits reset on the 1st (UTC).
fn seconds_to_next_month(now: DateTime<Utc>) -> u64 {
    use chrono::Datelike;
    let (y, m) = if now.month() == 12 {
        (now.year() + 1, 1)
    } else {
        (now.year(), now.month() + 1)
    };
    let next = NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or(now);
    (next - now).num_seconds().max(1) as u64
}

impl Shortener for Bitly {
    fn name(&self) -> &'static str {
        "bitly"
    }

    fn create<'a>(&'a self, link: &'a NewLink) -> BoxFuture<'a, Result<Created, ShortenError>> {
        Box::pin(async move {
            let mut body = json!({
                "long_url": link.long_url,
                "group_guid": self.group_guid,
                "tags": link.tags,
            });
            if let Some(d) = &self.domain {
                body["domain"] = json!(d);
            }
            if let Some(t) = &link.title {
                body["title"] = json!(t);
            }
            if let Some(k) = &link.custom_code {
                body["keyword"] = json!(k);
            }
            if let Some(e) = link.expires_at {
                body["expiration_at"] = json!(e.format("%Y-%m-%dT%H:%M:%S%z").to_string());
            }
            let response = self.send(self.http.post(self.url("bitlinks")).json(&body)).await?;
            let made: BitlinkBody = response
                .json()
                .await
                .map_err(|e| ShortenError::Unavailable(format!("Bitly's answer could not be read: {e}")))?;
            let code = made.id.rsplit('/').next().unwrap_or(&made.id).to_owned();
            Ok(Created {
                code,
                short_url: made.link,
                external_id: Some(made.id),
            })
        })
    }

    fn update<'a>(
        &'a self,
        external_id: &'a str,
        title: Option<&'a str>,
        tags: &'a [String],
    ) -> BoxFuture<'a, Result<(), ShortenError>> {
        Box::pin(async move {
            let body = json!({"title": title, "tags": tags});
            let url = self.url(&format!("bitlinks/{}", Self::bitlink_path(external_id)));
            self.send(self.http.patch(url).json(&body)).await?;
            Ok(())
        })
    }

    fn remove<'a>(&'a self, external_id: &'a str) -> BoxFuture<'a, Result<(), ShortenError>> {
        Box::pin(async move {
            let url = self.url(&format!("bitlinks/{}", Self::bitlink_path(external_id)));
            match self.send(self.http.patch(url).json(&json!({"archived": true}))).await {
                // Gone at Bitly already: nothing left to take out of use.
                Err(ShortenError::Unavailable(m)) if m.contains("no longer knows") => Ok(()),
                other => other.map(|_| ()),
            }
        })
    }

    fn clicks<'a>(&'a self, external_id: &'a str, days: u32) -> BoxFuture<'a, Result<DailyClicks, ShortenError>> {
        Box::pin(async move {
            let url = self.url(&format!(
                "bitlinks/{}/clicks?unit=day&units={days}",
                Self::bitlink_path(external_id)
            ));
            let response = self.send(self.http.get(url)).await?;
            let body: ClicksBody = response
                .json()
                .await
                .map_err(|e| ShortenError::Unavailable(format!("Bitly's answer could not be read: {e}")))?;
            Ok(body
                .link_clicks
                .into_iter()
                .filter_map(|u| Some((parse_bitly_time(&u.date)?.date_naive(), u.clicks)))
                .collect())
        })
    }
}

/// Bitly writes `2026-11-30T07:51:20+0000` (no colon in the offset), not RFC 3339.
pub fn parse_bitly_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| DateTime::parse_from_rfc3339(raw))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitly_times_parse_without_a_colon() {
        let t = parse_bitly_time("2026-11-30T07:51:20+0000").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-30T07:51:20+00:00");
    }

    #[test]
    fn bitly_errors_become_clear_refusals() {
        assert_eq!(map_error(409, "KEYWORD_ALREADY_EXISTS", ""), ShortenError::CodeTaken);
        assert_eq!(
            map_error(429, "RATE_LIMIT_EXCEEDED", ""),
            ShortenError::RateLimited(Some(60))
        );
        assert!(matches!(
            map_error(429, "MONTHLY_LIMIT_EXCEEDED", ""),
            ShortenError::PlanLimit(_, Some(_))
        ));
        assert!(matches!(
            map_error(402, "UPGRADE_REQUIRED", ""),
            ShortenError::PlanLimit(_, None)
        ));
        assert!(matches!(
            map_error(400, "INVALID_ARG_LONG_URL", "x"),
            ShortenError::Invalid(_)
        ));
        assert!(matches!(map_error(403, "FORBIDDEN", ""), ShortenError::Unavailable(_)));
    }

    #[test]
    fn monthly_limits_end_on_the_first() {
        let now = DateTime::parse_from_rfc3339("2026-12-31T23:59:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(seconds_to_next_month(now), 60);
    }

    #[test]
    fn random_codes_are_base62() {
        let c = random_code();
        assert_eq!(c.len(), RANDOM_CODE_LEN);
        assert!(c.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
