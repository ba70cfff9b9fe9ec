//! Virus scanning with clamd's INSTREAM command (optional: CLAMD_ADDR): the upload's bytes
//! go to clamd as they arrive, beside the store; the verdict decides whether the upload is
//! kept. clamd unreachable or failing → 503, and nothing is kept.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::platform::error::ApiError;

const TIMEOUT: Duration = Duration::from_secs(30);

fn down(e: impl std::fmt::Display) -> ApiError {
    ApiError::Unavailable(format!("virus scanner unavailable, retry shortly ({e})"))
}

/// One INSTREAM session.
pub struct Scan {
    stream: TcpStream,
}

/// What clamd said.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Clean,
    Infected(String),
}

impl Scan {
    pub async fn start(addr: SocketAddr) -> Result<Self, ApiError> {
        let mut stream = tokio::time::timeout(TIMEOUT, TcpStream::connect(addr))
            .await
            .map_err(down)?
            .map_err(down)?;
        stream.write_all(b"zINSTREAM\0").await.map_err(down)?;
        Ok(Self { stream })
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), ApiError> {
        for chunk in bytes.chunks(64 * 1024) {
            let len = (chunk.len() as u32).to_be_bytes();
            let sent = async {
                self.stream.write_all(&len).await?;
                self.stream.write_all(chunk).await
            };
            tokio::time::timeout(TIMEOUT, sent).await.map_err(down)?.map_err(down)?;
        }
        Ok(())
    }

    pub async fn verdict(mut self) -> Result<Verdict, ApiError> {
        self.stream.write_all(&0u32.to_be_bytes()).await.map_err(down)?;
        let mut reply = Vec::new();
        tokio::time::timeout(TIMEOUT, self.stream.read_to_end(&mut reply))
            .await
            .map_err(down)?
            .map_err(down)?;
        parse(&reply)
    }
}

/// `stream: OK\0`, `stream: <signature> FOUND\0`, or an error.
pub fn parse(reply: &[u8]) -> Result<Verdict, ApiError> {
    let text = String::from_utf8_lossy(reply);
    let text = text.trim_end_matches(['\0', '\n']).trim();
    let body = text.strip_prefix("stream:").map(str::trim).unwrap_or(text);
    if body == "OK" {
        Ok(Verdict::Clean)
    } else if let Some(name) = body.strip_suffix("FOUND") {
        Ok(Verdict::Infected(name.trim().to_owned()))
    } else {
        Err(down(format!("clamd answered {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamd_replies() {
        assert_eq!(parse(b"stream: OK\0").unwrap(), Verdict::Clean);
        assert_eq!(
            parse(b"stream: Parley.Test FOUND\0").unwrap(),
            Verdict::Infected("Parley.Test".into())
        );
        assert!(parse(b"INSTREAM size limit exceeded. ERROR\0").is_err());
    }
}
