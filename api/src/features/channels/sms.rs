//! Texts through Twilio's Programmable Messaging API (`POST /2010-04-01/Accounts/{sid}/
//! Messages.json`, form body, HTTP Basic with the account SID and auth token), and the
//! check of Twilio's webhook signature (`X-Twilio-Signature`: HMAC-SHA1 with the auth token
//! over the URL Twilio called followed by every form parameter, name then value, sorted by
//! name; base64).
//!
//! Answers are sorted like e-mail's: a JSON error with a code means not created (21211,
//! 21614 a number that cannot take texts, 21610 a number that replied STOP, 21408 a region
//! not enabled: never; 429/20429, 5xx and 20003 bad credentials: later); no answer after
//! the request left is ambiguous (Twilio has no idempotency key), so it is not sent again.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha1::Sha1;

/// Longest Twilio may take to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// Where texts are sent from: a number or a messaging service.
#[derive(Clone, Debug)]
pub enum Sender {
    From(String),
    Service(String),
}

#[derive(Clone)]
pub struct Twilio {
    http: reqwest::Client,
    api_base: String,
    account_sid: String,
    auth_token: String,
    sender: Sender,
}

/// What became of one text.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Created: Twilio's message sid.
    Sent(String),
    Retry(String),
    /// Never; `stopped` when the number replied STOP, `bad_number` when it cannot take texts.
    Permanent {
        stopped: bool,
        bad_number: bool,
        error: String,
    },
    Ambiguous(String),
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

#[derive(Deserialize)]
struct TwilioError {
    code: Option<u32>,
    message: Option<String>,
}

impl Twilio {
    pub fn new(api_base: &str, account_sid: &str, auth_token: &str, sender: Sender) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(SEND_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            api_base: api_base.trim_end_matches('/').to_owned(),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            sender,
        })
    }

    pub fn base(&self) -> &str {
        &self.api_base
    }

    pub fn auth_token(&self) -> &str {
        &self.auth_token
    }

    pub async fn send(&self, to: &str, body: &str) -> Outcome {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.api_base, self.account_sid
        );
        let mut form = vec![("To", to), ("Body", body)];
        match &self.sender {
            Sender::From(n) => form.push(("From", n)),
            Sender::Service(s) => form.push(("MessagingServiceSid", s)),
        }
        let sent = self
            .http
            .post(url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await;
        let res = match sent {
            Ok(res) => res,
            // Refused before any byte left: nothing was created.
            Err(e) if e.is_connect() => return Outcome::Retry(format!("connecting to Twilio: {e}")),
            Err(e) => return Outcome::Ambiguous(format!("Twilio did not answer: {e}")),
        };
        let status = res.status();
        let text = match res.text().await {
            Ok(text) => text,
            Err(e) if status.is_success() => return Outcome::Ambiguous(format!("reading Twilio's answer: {e}")),
            Err(e) => return Outcome::Retry(format!("Twilio answered {status}: {e}")),
        };
        if status.is_success() {
            return match serde_json::from_str::<Created>(&text) {
                Ok(c) => Outcome::Sent(c.sid),
                Err(e) => Outcome::Ambiguous(format!("Twilio's answer has no sid: {e}")),
            };
        }
        let err: TwilioError = serde_json::from_str(&text).unwrap_or(TwilioError {
            code: None,
            message: None,
        });
        let error = format!(
            "Twilio {status} {}: {}",
            err.code.map_or_else(String::new, |c| c.to_string()),
            err.message.unwrap_or_default()
        );
        match err.code {
            Some(21610) => Outcome::Permanent {
                stopped: true,
                bad_number: false,
                error,
            },
            Some(21211 | 21614) => Outcome::Permanent {
                stopped: false,
                bad_number: true,
                error,
            },
            Some(21408 | 21602 | 21617) => Outcome::Permanent {
                stopped: false,
                bad_number: false,
                error,
            },
            _ => Outcome::Retry(error),
        }
    }
}

fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// Twilio's signature of a form webhook: base64 HMAC-SHA1 (auth token) of the URL and the
/// sorted parameters.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    STANDARD.encode(mac(auth_token, url, params).finalize().into_bytes())
}

/// Whether `given` is Twilio's signature of this request (constant-time).
pub fn verify(auth_token: &str, url: &str, params: &[(String, String)], given: &str) -> bool {
    match STANDARD.decode(given.trim()) {
        Ok(given) => mac(auth_token, url, params).verify_slice(&given).is_ok(),
        Err(_) => false,
    }
}

/// What a text to us asks: Twilio's default opt-out and opt-in keywords, matched on the
/// whole body (case-insensitive, trimmed) as Twilio does ("Stop please" is neither).
#[derive(Debug, PartialEq, Eq)]
pub enum Keyword {
    Stop,
    Start,
    Other,
}

pub fn keyword(body: &str) -> Keyword {
    match body.trim().to_ascii_uppercase().as_str() {
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" | "REVOKE" | "OPTOUT" => Keyword::Stop,
        "START" | "YES" | "UNSTOP" => Keyword::Start,
        _ => Keyword::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Vec<(String, String)> {
        [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn twilios_documented_signature_vector() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(signature("12345", url, &params()), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert!(verify("12345", url, &params(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        assert!(!verify("12346", url, &params(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        let mut changed = params();
        changed[2].1 = "1235".into();
        assert!(!verify("12345", url, &changed, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        assert!(!verify("12345", url, &params(), "not base64!"));
    }

    #[test]
    fn only_a_whole_keyword_counts() {
        assert_eq!(keyword(" stop "), Keyword::Stop);
        assert_eq!(keyword("Unsubscribe"), Keyword::Stop);
        assert_eq!(keyword("START"), Keyword::Start);
        assert_eq!(keyword("Stop please"), Keyword::Other);
        assert_eq!(keyword("hello"), Keyword::Other);
    }
}
