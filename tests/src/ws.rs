//! A WebSocket test client that reads JSON frames with a deadline.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame it expects before failing (a safety net, never a
/// synchronisation: tests wait for the frame itself).
pub const FRAME_DEADLINE: Duration = Duration::from_secs(10);

pub struct WsClient {
    pub socket: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    pub hello: Value,
    /// Frames that arrived while `call` waited for its reply, in arrival order.
    pub pending: std::collections::VecDeque<Value>,
}

impl WsClient {
    pub async fn connect(url: &str, token: &str) -> Self {
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        Self::open(request).await.expect("websocket connects")
    }

    pub async fn open(
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        let mut client = Self {
            socket,
            hello: Value::Null,
            pending: Default::default(),
        };
        client.hello = client.next().await;
        assert_eq!(client.hello["type"], "hello");
        Ok(client)
    }

    pub async fn send(&mut self, frame: Value) {
        self.socket.send(Message::Text(frame.to_string().into())).await.unwrap();
    }

    pub async fn send_raw(&mut self, text: String) {
        self.socket.send(Message::Text(text.into())).await.unwrap();
    }

    /// Waits for the server's next heartbeat ping; JSON frames meanwhile are kept for `next`.
    /// Panics if the socket closes first.
    pub async fn next_ping(&mut self) {
        loop {
            let msg = tokio::time::timeout(FRAME_DEADLINE, self.socket.next())
                .await
                .expect("a heartbeat before the deadline")
                .expect("the socket is open")
                .expect("a frame");
            match msg {
                Message::Ping(_) => return,
                Message::Text(t) => self.pending.push_back(serde_json::from_str(&t).unwrap()),
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// The next JSON frame (pings are answered by tungstenite and skipped).
    pub async fn next(&mut self) -> Value {
        self.try_next().await.expect("a frame before the deadline")
    }

    pub async fn try_next(&mut self) -> Option<Value> {
        if let Some(f) = self.pending.pop_front() {
            return Some(f);
        }
        loop {
            let msg = tokio::time::timeout(FRAME_DEADLINE, self.socket.next())
                .await
                .ok()??
                .ok()?;
            match msg {
                Message::Text(t) => return Some(serde_json::from_str(&t).unwrap()),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// The next frame of a given type, skipping others (presence, typing…).
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let f = self.next().await;
            if f["type"] == kind {
                return f;
            }
        }
    }

    /// `subscribe_notifications` (after `since`, if given); the feed's head from the `ok`.
    pub async fn subscribe_feed(&mut self, since: Option<i64>) -> i64 {
        let mut frame = serde_json::json!({"type": "subscribe_notifications"});
        if let Some(s) = since {
            frame["since"] = s.into();
        }
        let reply = self.call(frame).await;
        assert_eq!(reply["type"], "ok", "{reply}");
        reply["last_seq"].as_i64().unwrap()
    }

    /// The next `event` frame (skipping ephemeral ones).
    pub async fn next_event(&mut self) -> Value {
        self.next_of("event").await
    }

    /// Sends a frame with a ref and returns the reply with that ref (ok or error); other
    /// frames that arrive meanwhile stay queued for `next`.
    pub async fn call(&mut self, mut frame: Value) -> Value {
        let reference = uuid::Uuid::new_v4().to_string();
        frame["ref"] = reference.clone().into();
        self.send(frame).await;
        let mut skipped = Vec::new();
        loop {
            let f = self.next_fresh().await;
            if f["ref"] == reference.as_str() {
                self.pending.extend(skipped);
                return f;
            }
            skipped.push(f);
        }
    }

    /// The next frame from the socket itself, ignoring the queue.
    async fn next_fresh(&mut self) -> Value {
        let queued = std::mem::take(&mut self.pending);
        let f = self.next().await;
        self.pending = queued;
        f
    }

    /// Sends a frame and collects everything up to and including its reply.
    pub async fn call_collect(&mut self, mut frame: Value) -> (Value, Vec<Value>) {
        let reference = uuid::Uuid::new_v4().to_string();
        frame["ref"] = reference.clone().into();
        self.send(frame).await;
        let mut seen: Vec<Value> = self.pending.drain(..).collect();
        loop {
            let f = self.next().await;
            if f["ref"] == reference.as_str() {
                return (f, seen);
            }
            seen.push(f);
        }
    }

    /// The next JSON frame, or the close reason when the server closed the socket.
    pub async fn next_or_close(&mut self) -> Result<Value, String> {
        loop {
            let msg = tokio::time::timeout(FRAME_DEADLINE, self.socket.next())
                .await
                .expect("a frame or a close before the deadline");
            match msg {
                Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(&t).unwrap()),
                Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| f.reason.to_string()).unwrap_or_default()),
                None | Some(Err(_)) => return Err(String::new()),
                _ => continue,
            }
        }
    }

    /// Waits for the close frame; returns its reason.
    pub async fn closed_reason(&mut self) -> String {
        loop {
            let msg = tokio::time::timeout(FRAME_DEADLINE, self.socket.next())
                .await
                .expect("closed before the deadline");
            match msg {
                Some(Ok(Message::Close(Some(frame)))) => return frame.reason.to_string(),
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return String::new(),
                _ => continue,
            }
        }
    }
}
