//! The tests' SMTP server: MailDev (npm, pinned in tests/maildev), which requires AUTH
//! (`api/scripts/maildev.sh` installs and starts it once for the whole run), and its JSON
//! API to read what arrived.

use serde_json::Value;
use tokio::sync::OnceCell;

/// The SMTP URL with the credentials MailDev demands, and its API.
pub struct Inbox {
    pub smtp_url: String,
    pub api: String,
    http: reqwest::Client,
}

static INBOX: OnceCell<Inbox> = OnceCell::const_new();

pub const SMTP_PORT: u16 = 12025;
pub const WEB_PORT: u16 = 12080;
pub const USER: &str = "parley";
pub const PASSWORD: &str = "parley-smtp-test";

/// The shared MailDev (started on first use).
pub async fn inbox() -> &'static Inbox {
    INBOX
        .get_or_init(|| async {
            parley::install_crypto_provider();
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../api/scripts/maildev.sh");
            let out = tokio::process::Command::new("bash")
                .arg(script)
                .args([&SMTP_PORT.to_string(), &WEB_PORT.to_string(), USER, PASSWORD])
                .kill_on_drop(true)
                .output()
                .await
                .expect("api/scripts/maildev.sh runs");
            assert!(
                out.status.success(),
                "api/scripts/maildev.sh: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Inbox {
                smtp_url: format!("smtp://{USER}:{PASSWORD}@127.0.0.1:{SMTP_PORT}"),
                api: format!("http://127.0.0.1:{WEB_PORT}/api"),
                http: reqwest::Client::new(),
            }
        })
        .await
}

impl Inbox {
    /// Every message MailDev holds to this address, oldest first.
    pub async fn to(&self, address: &str) -> Vec<Value> {
        let all: Vec<Value> = self
            .http
            .get(format!("{}/email", self.api))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all.into_iter()
            .filter(|m| {
                m["to"]
                    .as_array()
                    .is_some_and(|to| to.iter().any(|t| t["address"].as_str() == Some(address)))
            })
            .collect()
    }

    /// A message's raw source, as the SMTP server took it.
    pub async fn source(&self, id: &str) -> String {
        self.http
            .get(format!("{}/email/{id}/source", self.api))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The content of a message's attachment named `file` (MailDev serves it under the
    /// name it generated).
    pub async fn attachment(&self, mail: &Value, file: &str) -> String {
        let id = mail["id"].as_str().unwrap();
        let stored = mail["attachments"]
            .as_array()
            .and_then(|list| list.iter().find(|a| a["filename"].as_str() == Some(file)))
            .and_then(|a| a["generatedFileName"].as_str())
            .unwrap_or_else(|| panic!("no attachment {file} in {mail}"));
        self.http
            .get(format!("{}/email/{id}/attachment/{stored}", self.api))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}
