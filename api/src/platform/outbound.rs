//! Outbound HTTP to addresses a user typed (Web Push endpoints now; webhooks and imports
//! later). Such a URL must not become a way into the operator's network: it is refused when
//! it names an IP literal or a non-public host, and the client checks every address DNS
//! gives at connection time (so a name that resolves to a private address, or is rebound
//! to one after it was registered, is refused too). It follows no redirects, and callers
//! read at most a capped number of bytes of an answer.
//!
//! In dev mode (`allow_loopback`), http and https to loopback are allowed, for local push
//! services and the tests' fakes; nothing else private ever is.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Whether an address is on the public internet: not loopback, private, link-local,
/// unique-local, shared (CGNAT), multicast, documentation, benchmarking or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (RFC 6598)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link local fe80::/10
        || (first & 0xffc0) == 0xfec0 // site local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64 (embeds any IPv4)
}

/// Why a URL is refused, for the client's error message.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("must be an https URL")]
    NotHttps,
    #[error("must name a host, not an IP address")]
    IpLiteral,
    #[error("must name a public host")]
    NotPublic,
}

/// Checks a URL a user gave before it is stored or called: https to a named host (http
/// and IP literals only to loopback, and only when `allow_loopback`).
pub fn check_url(url: &url::Url, allow_loopback: bool) -> Result<(), Refused> {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
            } else {
                None
            }
        }
        None => return Err(Refused::NotPublic),
    };
    match loopback {
        Some(ip) if allow_loopback && ip.is_loopback() => Ok(()),
        Some(ip) if ip.is_loopback() && url.host_str().is_some_and(|h| h.contains("localhost")) => {
            Err(Refused::NotPublic)
        }
        Some(_) => Err(Refused::IpLiteral),
        None if url.scheme() == "https" => Ok(()),
        None => Err(Refused::NotHttps),
    }
}

/// Resolves names with the system resolver and keeps only public addresses (and loopback
/// when allowed); a name with none left fails to connect.
struct PublicOnly {
    allow_loopback: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| is_public(a.ip()) || (allow_loopback && a.ip().is_loopback()))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// A client for user-given URLs: no redirects, public addresses only, bounded in time.
pub fn client(timeout: Duration, allow_loopback: bool) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(PublicOnly { allow_loopback }))
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .timeout(timeout)
        .build()
}

/// Reads at most `max` bytes of an answer's body (the rest is dropped with the connection).
pub async fn read_capped(mut response: reqwest::Response, max: usize) -> reqwest::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = max.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= max {
            break;
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "2001:db8::1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_need_https_and_a_named_host_loopback_only_in_dev() {
        assert_eq!(check_url(&url("https://fcm.googleapis.com/fcm/send/x"), false), Ok(()));
        assert_eq!(
            check_url(&url("http://push.example.com/x"), false),
            Err(Refused::NotHttps)
        );
        assert_eq!(check_url(&url("https://10.0.0.5/x"), false), Err(Refused::IpLiteral));
        assert_eq!(check_url(&url("https://[fd00::1]/x"), true), Err(Refused::IpLiteral));
        assert_eq!(check_url(&url("https://8.8.8.8/x"), false), Err(Refused::IpLiteral));
        assert_eq!(check_url(&url("http://127.0.0.1:9/x"), false), Err(Refused::IpLiteral));
        assert_eq!(check_url(&url("https://localhost/x"), false), Err(Refused::NotPublic));
        assert_eq!(check_url(&url("http://127.0.0.1:9/x"), true), Ok(()));
        assert_eq!(check_url(&url("http://localhost:9/x"), true), Ok(()));
        assert_eq!(check_url(&url("http://[::1]:9/x"), true), Ok(()));
    }
}
