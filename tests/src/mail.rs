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

/// An SMTP server that takes AUTH and then refuses every recipient for good (`550 5.1.1`),
/// as a real relay does for a mailbox that does not exist (MailDev cannot). Counts the
/// recipients it was offered.
pub struct RefusingSmtp {
    pub url: String,
    offered: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl RefusingSmtp {
    pub async fn start() -> RefusingSmtp {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let offered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = offered.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    if write.write_all(b"220 refusing.test ESMTP\r\n").await.is_err() {
                        return;
                    }
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
                        let answer: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-refusing.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
                            "AUTH" => b"235 2.7.0 Authentication successful\r\n",
                            "RCPT" => {
                                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                                b"550 5.1.1 No such user here\r\n"
                            }
                            "DATA" => b"503 5.5.1 No valid recipients\r\n",
                            "QUIT" => {
                                let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
                                return;
                            }
                            _ => b"250 2.0.0 OK\r\n",
                        };
                        if write.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        RefusingSmtp {
            url: format!("smtp://parley:secret@{addr}"),
            offered,
        }
    }

    /// How many recipients were offered (RCPT TO) so far.
    pub fn offered(&self) -> usize {
        self.offered.load(std::sync::atomic::Ordering::SeqCst)
    }
}
