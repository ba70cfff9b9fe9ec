//! The fake's in-memory Stripe account: objects, events, idempotency records and errors.

use std::collections::HashMap;

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Value};

use super::form::Params;
use super::RecordedRequest;

/// The API version events are rendered in (the newest `endive` release).
pub const API_VERSION: &str = "2026-10-28.endive";

/// A Stripe error: rendered as `{"error":{type, code, message, param}}` with `status`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub kind: &'static str,
    pub code: Option<&'static str>,
    pub message: String,
    pub param: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, kind: &'static str, code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            code,
            message: message.into(),
            param: None,
        }
    }

    /// A 400 `invalid_request_error`.
    pub fn invalid(code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request_error", code, message)
    }

    pub fn param(mut self, param: &str) -> Self {
        self.param = Some(param.to_owned());
        self
    }

    pub fn missing(param: &str) -> Self {
        Self::invalid(Some("parameter_missing"), format!("Missing required param: {param}.")).param(param)
    }

    /// A path object that does not exist (404).
    pub fn no_such(object: &str, id: &str) -> Self {
        Self::new(
            404,
            "invalid_request_error",
            Some("resource_missing"),
            format!("No such {object}: '{id}'"),
        )
    }

    pub fn body(&self) -> Value {
        json!({"error": {"type": self.kind, "code": self.code, "message": self.message, "param": self.param}})
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

/// `prefix_` + 24 random alphanumerics, like Stripe's ids.
pub fn new_id(prefix: &str) -> String {
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect();
    format!("{prefix}_{tail}")
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub struct EventRecord {
    pub event: Value,
    /// Goes to the Connect endpoint (an event about a connected account).
    pub connect: bool,
    /// Parley's status for every attempt (0 = no connection / no endpoint).
    pub deliveries: Vec<u16>,
}

/// A saved idempotent result.
pub struct Saved {
    pub method: String,
    pub path: String,
    pub params: Vec<(String, String)>,
    pub status: u16,
    pub body: Value,
}

#[derive(Default)]
pub struct State {
    pub base: String,
    pub objects: HashMap<String, Value>,
    /// Creation params of checkout sessions (what `pay` needs beyond the session object).
    pub sessions: HashMap<String, Params>,
    /// Checkout session -> the PaymentIntent a declined attempt left behind.
    pub session_intents: HashMap<String, String>,
    pub idempotency: HashMap<String, Saved>,
    pub requests: Vec<RecordedRequest>,
    pub events: Vec<EventRecord>,
    pub held: Vec<String>,
    pub hold: bool,
    pub last_created: i64,
    /// The API request being handled: `(request id, idempotency key)`, stamped on its events.
    pub request: Option<(String, Option<String>)>,
    /// `[platform, connect]`.
    pub webhook_urls: [Option<String>; 2],
    pub secrets: [Vec<String>; 2],
}

impl State {
    /// Stores (or replaces) an object; returns a copy.
    pub fn put(&mut self, object: Value) -> Value {
        let id = object["id"].as_str().unwrap_or_default().to_owned();
        self.objects.insert(id, object.clone());
        object
    }

    /// The object `id` of type `object`, else 404 `resource_missing`.
    pub fn fetch(&self, object: &str, id: &str) -> Result<Value, ApiError> {
        self.objects
            .get(id)
            .filter(|o| o["object"] == object)
            .cloned()
            .ok_or_else(|| ApiError::no_such(object, id))
    }

    /// Like `fetch`, for an id given in the request parameter `param` (400).
    pub fn fetch_param(&self, object: &str, id: &str, param: &str) -> Result<Value, ApiError> {
        self.fetch(object, id).map_err(|mut e| {
            e.status = 400;
            e.param(param)
        })
    }

    /// Applies `change` to the stored object; returns the values the changed top-level keys
    /// had before (Stripe's `previous_attributes`).
    pub fn update(&mut self, id: &str, change: impl FnOnce(&mut Value)) -> Value {
        let Some(object) = self.objects.get_mut(id) else {
            return json!({});
        };
        let before = object.clone();
        change(object);
        let mut previous = serde_json::Map::new();
        if let (Some(old), Some(new)) = (before.as_object(), object.as_object()) {
            for (key, value) in old {
                if new.get(key) != Some(value) {
                    previous.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(previous)
    }

    /// `max(now, last + 1)`: every event is strictly newer than the one before.
    fn tick(&mut self) -> i64 {
        self.last_created = now().max(self.last_created + 1);
        self.last_created
    }

    /// Records an event carrying a snapshot of object `id`; returns the event id.
    pub fn emit(&mut self, kind: &str, id: &str, previous: Option<Value>) -> String {
        let object = self.objects.get(id).cloned().unwrap_or(Value::Null);
        let connect = object["object"] == "account";
        let event_id = new_id("evt");
        let (request_id, key) = self.request.clone().unwrap_or_default();
        let mut event = json!({
            "id": event_id, "object": "event", "api_version": API_VERSION, "created": self.tick(),
            "type": kind, "livemode": false, "pending_webhooks": 1,
            "request": {"id": (!request_id.is_empty()).then_some(request_id), "idempotency_key": key},
            "data": {"object": object},
        });
        if let Some(previous) = previous.filter(|p| p.as_object().is_some_and(|m| !m.is_empty())) {
            event["data"]["previous_attributes"] = previous;
        }
        if connect {
            event["account"] = json!(id);
        }
        self.events.push(EventRecord {
            event,
            connect,
            deliveries: Vec::new(),
        });
        event_id
    }

    /// Ids of the events recorded from index `from` on.
    pub fn events_since(&self, from: usize) -> Vec<String> {
        self.events[from..]
            .iter()
            .map(|e| e.event["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub fn event(&self, id: &str) -> Option<&EventRecord> {
        self.events.iter().find(|e| e.event["id"] == id)
    }

    /// Sum of the charges destined to `account`: `(gross, fees, refunded)`.
    pub fn balance(&self, account: &str) -> (i64, i64, i64) {
        self.objects
            .values()
            .filter(|o| o["object"] == "charge" && o["transfer_data"]["destination"] == account)
            .fold((0, 0, 0), |(g, f, r), c| {
                let int = |k: &str| c[k].as_i64().unwrap_or(0);
                (
                    g + int("amount"),
                    f + int("application_fee_amount"),
                    r + int("amount_refunded"),
                )
            })
    }
}
