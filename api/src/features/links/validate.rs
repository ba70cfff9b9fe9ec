//! Short-link input, checked once.

use crate::platform::error::ApiError;
use crate::platform::outbound::is_public;
use crate::platform::validate::{checked_string, pattern, trimmed, Rule, LINE};

pub const LONG_URL_MAX: usize = 2048;
pub const TAGS_MAX: usize = 10;
/// Codes `/s/` cannot take: they would read like our own paths.
const RESERVED_CODES: &[&str] = &[
    "api", "admin", "app", "docs", "healthz", "links", "login", "logout", "metrics", "readyz", "s", "settings",
    "signin", "signup", "static", "v1", "www",
];

checked_string!(
    /// A link's title: 1 to 200 characters on one line.
    LinkTitle,
    Rule {
        min: 1,
        max: 200,
        pattern: Some(&LINE),
        message: "title must be 1 to 200 characters on one line with at least one visible",
    },
    trimmed
);

pattern!(
    /// Letters, digits, `-` and `_`.
    CODE = r"^[A-Za-z0-9_-]+$"
);

checked_string!(
    /// A custom code: 3 to 64 letters, digits, `-` or `_` (case-sensitive, like Bitly's).
    CustomCode,
    Rule {
        min: 3,
        max: 64,
        pattern: Some(&CODE),
        message: "custom_code must be 3 to 64 letters, digits, - or _",
    },
    trimmed
);

pattern!(
    /// One line of visible characters without commas (tags are typed as a comma list),
    /// spaces only inside.
    TAG = r"^[^\u0000-\u0020\u007F-\u00A0,]([^\u0000-\u001F\u007F-\u009F,]*[^\u0000-\u0020\u007F-\u00A0,])?$"
);

checked_string!(
    /// A tag: 1 to 50 characters, stored in lower case.
    Tag,
    Rule {
        min: 1,
        max: 50,
        pattern: Some(&TAG),
        message: "a tag must be 1 to 50 characters on one line, without commas or spaces at its ends",
    },
    |raw: &str| raw.trim().to_lowercase()
);

impl CustomCode {
    pub fn check_reserved(&self) -> Result<(), ApiError> {
        if RESERVED_CODES.iter().any(|r| r.eq_ignore_ascii_case(self.as_str())) {
            return Err(ApiError::invalid(format!(
                "custom_code {:?} is reserved",
                self.as_str()
            )));
        }
        Ok(())
    }
}

/// Tags, checked: at most 10, each a one-line word group, deduplicated in order.
pub fn tags(raw: Vec<Tag>) -> Result<Vec<String>, ApiError> {
    if raw.len() > TAGS_MAX {
        return Err(ApiError::invalid(format!("at most {TAGS_MAX} tags")));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for t in raw {
        let t = t.into_inner();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Where a short link may lead: http(s) up to 2,048 characters, to a public host — never
/// to an address inside a network (an IP literal that is not public, `localhost`, a
/// one-label or `.local`/`.internal` name) and never to our own short links (a loop).
/// `allow_loopback` (dev mode) lets loopback addresses through, for trying it offline.
pub fn long_url(raw: &str, short_base: &str, allow_loopback: bool) -> Result<url::Url, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().count() > LONG_URL_MAX {
        return Err(ApiError::invalid(format!(
            "long_url must be 1 to {LONG_URL_MAX} characters"
        )));
    }
    let url = url::Url::parse(raw).map_err(|e| ApiError::invalid(format!("long_url is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ApiError::invalid("long_url must be an http or https URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::invalid("long_url must not carry a user name or password"));
    }
    let private = || ApiError::invalid("long_url must lead to a public address, not one inside a network");
    let check_ip = |ip: std::net::IpAddr| {
        let allowed = is_public(ip) || (allow_loopback && ip.is_loopback());
        if allowed {
            Ok(())
        } else {
            Err(private())
        }
    };
    match url.host() {
        None => return Err(ApiError::invalid("long_url must name a host")),
        Some(url::Host::Ipv4(ip)) => check_ip(std::net::IpAddr::V4(ip))?,
        Some(url::Host::Ipv6(ip)) => check_ip(std::net::IpAddr::V6(ip))?,
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            let loopback = name == "localhost" || name.ends_with(".localhost");
            let internal = !name.contains('.')
                || [".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp"]
                    .iter()
                    .any(|s| name.ends_with(s));
            if (loopback && !allow_loopback) || (internal && !loopback) {
                return Err(private());
            }
        }
    }
    if points_at(&url, short_base) {
        return Err(ApiError::invalid("long_url must not be one of our own short links"));
    }
    Ok(url)
}

/// Whether `url` is under `base` (same scheme-less host and port, path below it).
fn points_at(url: &url::Url, base: &str) -> bool {
    let Ok(base) = url::Url::parse(base) else { return false };
    let same_host = url.host_str().map(str::to_ascii_lowercase) == base.host_str().map(str::to_ascii_lowercase)
        && url.port_or_known_default() == base.port_or_known_default();
    same_host && url.path().starts_with(base.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://parley.example/s/";

    #[test]
    fn only_public_web_addresses_are_shortened() {
        assert!(long_url("https://example.com/a?b=c", BASE, false).is_ok());
        assert!(long_url("http://example.com", BASE, false).is_ok());
        for bad in [
            "ftp://example.com/x",
            "javascript:alert(1)",
            "https://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://localhost:8080/",
            "http://intranet/",
            "http://printer.local/",
            "https://user:pw@example.com/",
            "https://parley.example/s/abc",
            "not a url",
        ] {
            assert!(long_url(bad, BASE, false).is_err(), "{bad} should be refused");
        }
        assert!(long_url("http://127.0.0.1:3000/book", BASE, true).is_ok());
        assert!(long_url("http://localhost:3000/book", BASE, true).is_ok());
        assert!(long_url("http://10.0.0.1/", BASE, true).is_err());
        let long = format!("https://example.com/{}", "a".repeat(LONG_URL_MAX));
        assert!(long_url(&long, BASE, false).is_err());
    }

    #[test]
    fn our_own_paths_are_not_codes() {
        assert!(CustomCode::parse("v1").is_err());
        assert!(CustomCode::parse("admin").unwrap().check_reserved().is_err());
        assert!(CustomCode::parse("spring-sale_26").unwrap().check_reserved().is_ok());
        assert!(CustomCode::parse("with space").is_err());
    }

    #[test]
    fn tags_are_lower_case_and_unique() {
        let t = |s: &str| Tag::parse(s).unwrap();
        assert_eq!(
            tags(vec![t("CS101"), t("cs101"), t("Slides")]).unwrap(),
            vec!["cs101", "slides"]
        );
        assert!(Tag::parse("a\tb").is_err());
        assert!(Tag::parse("a,b").is_err());
        assert_eq!(
            tags(vec![t("École"), t("ai ethics")]).unwrap(),
            vec!["école", "ai ethics"]
        );
        assert!(tags((0..11).map(|i| t(&format!("t{i}"))).collect()).is_err());
    }
}
