//! A local push service (RFC 8030) for the Web Push tests: it accepts a push only when it
//! is exactly what a browser vendor's service would take — `Content-Encoding: aes128gcm`,
//! a TTL, a valid `Urgency`, a `Topic` of at most 32 base64url characters, and a VAPID
//! `Authorization` whose ES256 JWT verifies with the `k` key, names this service's origin
//! as `aud` and expires within 24 h — and then decrypts the payload with the browser's
//! private key and auth secret (RFC 8291), as the browser would.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::Value;
use tokio::sync::Notify;

/// A push as the browser got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub device: String,
    pub message: Value,
    pub urgency: String,
    pub topic: String,
}

/// A browser's subscription.
pub struct Device {
    pub id: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

struct Keys {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

#[derive(Default)]
struct State {
    devices: HashMap<String, Keys>,
    received: Vec<Received>,
    /// Statuses to answer next (then 201).
    statuses: VecDeque<u16>,
    /// Pushes refused for a protocol fault, with the reason.
    refused: Vec<String>,
}

#[derive(Clone)]
pub struct FakePush {
    pub origin: String,
    state: Arc<Mutex<State>>,
    arrived: Arc<Notify>,
}

impl FakePush {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let arrived = Arc::new(Notify::new());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let data = (state.clone(), arrived.clone(), origin.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(data.clone()))
                .route("/push/{device}", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self { origin, state, arrived }
    }

    /// A new browser subscription (keys made here, as a browser makes them).
    pub fn device(&self) -> Device {
        let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
        let auth: [u8; 16] = rand::random();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let device = Device {
            endpoint: format!("{}/push/{id}", self.origin),
            p256dh: URL_SAFE_NO_PAD.encode(secret.public_key().to_encoded_point(false).as_bytes()),
            auth: URL_SAFE_NO_PAD.encode(auth),
            id: id.clone(),
        };
        self.state.lock().unwrap().devices.insert(id, Keys { secret, auth });
        device
    }

    /// The next pushes answer these statuses (e.g. 410, 500), then 201 again.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.state.lock().unwrap().statuses.extend(statuses);
    }

    /// Waits until `n` pushes were accepted in all; returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.arrived.notified();
            {
                let s = self.state.lock().unwrap();
                assert!(s.refused.is_empty(), "the push service refused: {:?}", s.refused);
                if s.received.len() >= n {
                    return s.received.clone();
                }
            }
            assert!(
                tokio::time::timeout_at(deadline, notified).await.is_ok(),
                "timed out waiting for push #{n}"
            );
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.state.lock().unwrap().refused.clone()
    }
}

type Data = web::Data<(Arc<Mutex<State>>, Arc<Notify>, String)>;

async fn receive(req: HttpRequest, device: web::Path<String>, body: web::Bytes, data: Data) -> HttpResponse {
    let (state, arrived, origin) = data.get_ref();
    let checked = check(&req, &device, &body, state, origin);
    let mut s = state.lock().unwrap();
    let status = match checked {
        Err(why) => {
            s.refused.push(why);
            400
        }
        Ok(None) => 404,
        Ok(Some(received)) => match s.statuses.pop_front() {
            Some(status) => status,
            None => {
                s.received.push(received);
                201
            }
        },
    };
    drop(s);
    arrived.notify_waiters();
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}

fn check(
    req: &HttpRequest,
    device: &str,
    body: &[u8],
    state: &Mutex<State>,
    origin: &str,
) -> Result<Option<Received>, String> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if header("content-encoding").as_deref() != Some("aes128gcm") {
        return Err("Content-Encoding must be aes128gcm".into());
    }
    header("ttl")
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or("a numeric TTL is required")?;
    let urgency = header("urgency").unwrap_or_else(|| "normal".into());
    if !["very-low", "low", "normal", "high"].contains(&urgency.as_str()) {
        return Err(format!("bad Urgency {urgency}"));
    }
    let topic = header("topic").unwrap_or_default();
    if topic.len() > 32
        || !topic
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!("bad Topic {topic}"));
    }
    verify_vapid(&header("authorization").unwrap_or_default(), origin)?;
    let s = state.lock().unwrap();
    let Some(keys) = s.devices.get(device) else {
        return Ok(None);
    };
    let auth = web_push_native::Auth::from(keys.auth);
    let plain = web_push_native::decrypt(body.to_vec(), &keys.secret, &auth).map_err(|e| format!("decrypt: {e:?}"))?;
    if plain.len() > 4096 {
        return Err("payload over 4096 bytes".into());
    }
    let message = serde_json::from_slice(&plain).map_err(|e| format!("payload JSON: {e}"))?;
    Ok(Some(Received {
        device: device.to_owned(),
        message,
        urgency,
        topic,
    }))
}

/// `vapid t=<jwt>, k=<p256 public key>` (RFC 8292 §3).
fn verify_vapid(value: &str, origin: &str) -> Result<(), String> {
    let rest = value
        .strip_prefix("vapid ")
        .ok_or("Authorization must use the vapid scheme")?;
    let mut token = None;
    let mut key = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(t) = part.strip_prefix("t=") {
            token = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k);
        }
    }
    let (token, key) = (token.ok_or("no t=")?, key.ok_or("no k=")?);
    let point = URL_SAFE_NO_PAD.decode(key).map_err(|_| "k is not base64url")?;
    p256::PublicKey::from_sec1_bytes(&point).map_err(|_| "k is not a P-256 key")?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[origin]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<Value>(token, &jsonwebtoken::DecodingKey::from_ec_der(&point), &validation)
        .map_err(|e| format!("VAPID JWT: {e}"))?
        .claims;
    let exp = claims["exp"].as_i64().unwrap_or(0);
    if exp > chrono::Utc::now().timestamp() + 24 * 3600 {
        return Err("VAPID exp more than 24 h ahead".into());
    }
    let sub = claims["sub"].as_str().unwrap_or_default();
    if !(sub.starts_with("mailto:") || sub.starts_with("https:")) {
        return Err(format!("VAPID sub must be mailto: or https:, not {sub}"));
    }
    Ok(())
}
