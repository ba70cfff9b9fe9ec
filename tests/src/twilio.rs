//! A fake Twilio Programmable Messaging API for the tests and offline development, speaking
//! Twilio's wire format:
//!
//! - `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`: an
//!   `application/x-www-form-urlencoded` body (`To`, `From` or `MessagingServiceSid`, `Body`,
//!   optional `StatusCallback`) under HTTP Basic auth `AccountSid:AuthToken`; 201 with the
//!   Message resource (`sid` `SM…`, `status` `queued`, or `accepted` through a Messaging
//!   Service, numbers as strings, RFC 2822 dates, `uri` and `subresource_uris`).
//! - `GET /2010-04-01/Accounts/{AccountSid}/Messages.json` (`To`, `From`, `PageSize`, `Page`):
//!   Twilio's page envelope, newest first, inbound messages included (as Twilio's are);
//!   `GET …/Messages/{Sid}.json` one message.
//! - Twilio's error body, always: `{"code", "message", "more_info", "status"}` — 20003 (401,
//!   bad credentials or another account's path), 21604 (no `To`), 21211 (`To` not E.164),
//!   21603 (no `From` nor `MessagingServiceSid`), 21606 (a `From` the account does not own),
//!   21705 (an unknown Messaging Service), 21602 (no `Body`), 21617 (over 1,600
//!   characters), 21610 (the recipient texted STOP), 20404; queued failures (`fail_next`:
//!   429 20429 with `Retry-After`, 500 20500...) answer the next create request.
//! - Inbound messages (a person replying, `reply`): a form POST to the configured webhook
//!   (`set_inbound`) with Twilio's parameters and `X-Twilio-Signature`: base64 of
//!   HMAC-SHA1, keyed with the auth token, over the public URL Twilio was given followed by
//!   every parameter's name and value, sorted by name (`sign`). As Twilio's own opt-out
//!   handling does, a whole-body STOP (STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE,
//!   OPTOUT) opts the sender out and START (YES, UNSTOP) opts them back in; the message is
//!   forwarded to the webhook either way.
//! - Control routes, no auth: `GET /_fake/health`, `GET /_fake/messages` (every message,
//!   newest first, with `direction`), `POST /_fake/reply` `{"from", "body"}` →
//!   `{"status": <webhook status>}`.

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use uuid::Uuid;

/// The test account (`AC` + 32 hex digits).
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// The account's auth token: the Basic auth password and the webhooks' signing key.
pub const AUTH_TOKEN: &str = "f00dfeedf00dfeedf00dfeedf00dfeed";
/// The account's phone number (Twilio's magic "valid From" test number).
pub const FROM: &str = "+15005550006";
/// The account's Messaging Service (`MG` + 32 hex digits), with `FROM` in its sender pool.
pub const MESSAGING_SERVICE_SID: &str = "MG0123456789abcdef0123456789abcdef";
pub const API_VERSION: &str = "2010-04-01";

/// Bodies that opt the sender out (Twilio's default opt-out keywords), matched whole.
const OPT_OUT: [&str; 8] = [
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
];
/// Bodies that opt the sender back in.
const OPT_IN: [&str; 3] = ["START", "YES", "UNSTOP"];
/// Twilio's limit on a (concatenated) message body, in characters.
const BODY_MAX: usize = 1600;

/// A message Parley sent (a successful create request).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentSms {
    pub sid: String,
    pub to: String,
    /// None when sent through the Messaging Service without a `From`.
    pub from: Option<String>,
    pub body: String,
    /// `queued` (with a `From`) or `accepted` (through the Messaging Service).
    pub status: String,
    pub messaging_service_sid: Option<String>,
    pub status_callback: Option<String>,
    /// RFC 2822, as in the resource.
    pub date_created: String,
}

/// A message a person sent to `FROM` (`reply`), with what the webhook answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundSms {
    pub sid: String,
    pub from: String,
    pub to: String,
    pub body: String,
    /// The webhook's HTTP status; 0 when it could not be reached.
    pub webhook_status: u16,
}

#[derive(Clone, Debug)]
struct Stored {
    sid: String,
    to: String,
    from: Option<String>,
    body: String,
    status: String,
    messaging_service_sid: Option<String>,
    status_callback: Option<String>,
    date_created: String,
    /// `outbound-api` or `inbound`.
    direction: &'static str,
    /// Inbound only.
    webhook_status: u16,
}

impl Stored {
    fn resource(&self) -> Value {
        let uri = format!("/{API_VERSION}/Accounts/{ACCOUNT_SID}/Messages/{}.json", self.sid);
        let outbound = self.direction == "outbound-api";
        json!({
            "account_sid": ACCOUNT_SID,
            "api_version": API_VERSION,
            "body": self.body,
            "date_created": self.date_created,
            "date_updated": self.date_created,
            "date_sent": if outbound { Value::Null } else { json!(self.date_created) },
            "direction": self.direction,
            "error_code": null,
            "error_message": null,
            "from": self.from,
            "messaging_service_sid": self.messaging_service_sid,
            "num_media": "0",
            "num_segments": if outbound && self.from.is_none() { "0" } else { "1" },
            "price": null,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": self.to,
            "uri": uri,
        })
    }

    fn sent(&self) -> SentSms {
        SentSms {
            sid: self.sid.clone(),
            to: self.to.clone(),
            from: self.from.clone(),
            body: self.body.clone(),
            status: self.status.clone(),
            messaging_service_sid: self.messaging_service_sid.clone(),
            status_callback: self.status_callback.clone(),
            date_created: self.date_created.clone(),
        }
    }
}

struct Failure {
    status: u16,
    code: u32,
    retry_after: Option<u64>,
}

#[derive(Default)]
struct State {
    /// Every message, oldest first (outbound and inbound).
    messages: Vec<Stored>,
    opted_out: HashSet<String>,
    failures: VecDeque<Failure>,
    /// Create requests received (whatever their answer).
    creates: usize,
    /// Where inbound messages are POSTed, and the URL they are signed for.
    inbound: Option<(String, String)>,
}

#[derive(Clone)]
struct Shared {
    state: Arc<Mutex<State>>,
    client: reqwest::Client,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records an inbound message, applies Twilio's opt-out keywords and POSTs the signed
    /// webhook; Err when no webhook is configured, Ok(0) when it could not be reached.
    async fn reply(&self, from: &str, body: &str) -> Result<u16, String> {
        let Some((post_to, signed_url)) = self.lock().inbound.clone() else {
            return Err("no inbound webhook configured (set_inbound / FAKE_TWILIO_INBOUND_URL)".into());
        };
        let sid = new_sid("SM");
        let keyword = body.trim().to_uppercase();
        {
            let mut s = self.lock();
            if OPT_OUT.contains(&keyword.as_str()) {
                s.opted_out.insert(from.to_owned());
            } else if OPT_IN.contains(&keyword.as_str()) {
                s.opted_out.remove(from);
            }
        }
        let params: Vec<(String, String)> = [
            ("MessageSid", sid.as_str()),
            ("SmsSid", sid.as_str()),
            ("SmsMessageSid", sid.as_str()),
            ("AccountSid", ACCOUNT_SID),
            ("MessagingServiceSid", MESSAGING_SERVICE_SID),
            ("From", from),
            ("To", FROM),
            ("Body", body),
            ("NumMedia", "0"),
            ("NumSegments", "1"),
            ("ApiVersion", API_VERSION),
            ("SmsStatus", "received"),
            ("FromCountry", "US"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        let status = self
            .client
            .post(&post_to)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sign(AUTH_TOKEN, &signed_url, &params))
            .header("i-twilio-idempotency-token", Uuid::new_v4().to_string())
            .header("user-agent", "TwilioProxy/1.1")
            .body(form)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        self.lock().messages.push(Stored {
            sid,
            to: FROM.into(),
            from: Some(from.into()),
            body: body.into(),
            status: "received".into(),
            messaging_service_sid: Some(MESSAGING_SERVICE_SID.into()),
            status_callback: None,
            date_created: now(),
            direction: "inbound",
            webhook_status: status,
        });
        Ok(status)
    }
}

#[derive(Clone)]
pub struct FakeTwilio {
    shared: Shared,
    pub addr: SocketAddr,
    server: actix_web::dev::ServerHandle,
}

/// `X-Twilio-Signature` of a request Twilio makes to `url` with these form parameters: base64
/// (standard, padded) of HMAC-SHA1 keyed with the auth token, over the URL followed by each
/// parameter's name and value with no separators, parameters sorted by name.
pub fn sign(token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).expect("HMAC takes any key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn new_sid(prefix: &str) -> String {
    format!("{prefix}{}", Uuid::new_v4().simple())
}

/// RFC 2822, as Twilio writes its dates (`Tue, 08 Dec 2026 03:14:24 +0000`).
fn now() -> String {
    chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// Twilio's error body.
fn error(status: u16, code: u32, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).json(json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    }))
}

fn unauthorized() -> HttpResponse {
    let mut answer = error(401, 20003, "Authenticate");
    answer.headers_mut().insert(
        "www-authenticate".parse().unwrap(),
        "Basic realm=\"Twilio API\"".parse().unwrap(),
    );
    answer
}

/// The message Twilio gives with a code a test queued.
fn failure_message(code: u32) -> &'static str {
    match code {
        20429 => "Too Many Requests",
        20500 => "Internal Server Error",
        20503 => "Service Unavailable",
        30001 => "Queue overflow",
        _ => "Error queued by the test",
    }
}

fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
    })
}

/// The Basic credentials are the account's and the path names the same account.
fn authorized(req: &HttpRequest, path_sid: &str) -> bool {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}"))
    );
    path_sid == ACCOUNT_SID
        && req.headers().get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str())
}

/// A form's (or query string's) first value of each name.
fn params(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

type Data = web::Data<Shared>;

impl FakeTwilio {
    pub async fn start() -> FakeTwilio {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    pub async fn start_on(bind: SocketAddr) -> FakeTwilio {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .expect("fake Twilio: HTTP client");
        let shared = Shared {
            state: Arc::default(),
            client,
        };
        let data = web::Data::new(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/2010-04-01/Accounts/{account}/Messages.json", web::post().to(create))
                .route("/2010-04-01/Accounts/{account}/Messages.json", web::get().to(list))
                .route("/2010-04-01/Accounts/{account}/Messages/{file}", web::get().to(fetch))
                .route(
                    "/_fake/health",
                    web::get().to(|| async { HttpResponse::Ok().body("fake twilio") }),
                )
                .route("/_fake/messages", web::get().to(control_messages))
                .route("/_fake/reply", web::post().to(control_reply))
        })
        .workers(1)
        .disable_signals()
        .bind(bind)
        .expect("bind the fake Twilio");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeTwilio {
            shared,
            addr,
            server: handle,
        }
    }

    /// `http://127.0.0.1:PORT`: Parley's Twilio API base.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next create request (after authentication) answers this error: e.g. `(429, 20429,
    /// Some(1))` with `Retry-After: 1`, `(500, 20500, None)`. Queued failures answer in order.
    pub fn fail_next(&self, status: u16, code: u32, retry_after: Option<u64>) {
        self.shared.lock().failures.push_back(Failure {
            status,
            code,
            retry_after,
        });
    }

    /// The number texted STOP: sends to it answer 21610.
    pub fn opt_out(&self, number: &str) {
        self.shared.lock().opted_out.insert(number.into());
    }

    /// The number texted START.
    pub fn opt_in(&self, number: &str) {
        self.shared.lock().opted_out.remove(number);
    }

    pub fn is_opted_out(&self, number: &str) -> bool {
        self.shared.lock().opted_out.contains(number)
    }

    /// Where inbound messages go: POSTed to `post_to`, signed as if Twilio had called
    /// `signed_url` (the public URL configured in Twilio, which a proxy maps to `post_to`).
    pub fn set_inbound(&self, post_to: &str, signed_url: &str) {
        self.shared.lock().inbound = Some((post_to.into(), signed_url.into()));
    }

    /// `from` texts `body` to `FROM`: the signed webhook is POSTed (opt-out keywords
    /// applied first); returns the webhook's HTTP status, 0 when it could not be reached.
    /// Panics when no webhook is configured (`set_inbound`).
    pub async fn reply(&self, from: &str, body: &str) -> u16 {
        self.shared
            .reply(from, body)
            .await
            .unwrap_or_else(|e| panic!("fake Twilio: {e}"))
    }

    /// Messages accepted from create requests, oldest first.
    pub fn messages(&self) -> Vec<SentSms> {
        let s = self.shared.lock();
        s.messages
            .iter()
            .filter(|m| m.direction == "outbound-api")
            .map(Stored::sent)
            .collect()
    }

    /// Messages people sent (`reply`), oldest first.
    pub fn inbound(&self) -> Vec<InboundSms> {
        let s = self.shared.lock();
        s.messages
            .iter()
            .filter(|m| m.direction == "inbound")
            .map(|m| InboundSms {
                sid: m.sid.clone(),
                from: m.from.clone().unwrap_or_default(),
                to: m.to.clone(),
                body: m.body.clone(),
                webhook_status: m.webhook_status,
            })
            .collect()
    }

    /// Create requests received, whatever their answer (401, 4xx, queued failures, 201).
    pub fn requests(&self) -> usize {
        self.shared.lock().creates
    }

    pub async fn stop(&self) {
        self.server.stop(false).await;
    }
}

async fn create(req: HttpRequest, data: Data, path: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let mut s = data.lock();
    s.creates += 1;
    if !authorized(&req, &path) {
        return unauthorized();
    }
    if let Some(f) = s.failures.pop_front() {
        let mut answer = error(f.status, f.code, failure_message(f.code));
        if let Some(after) = f.retry_after {
            answer
                .headers_mut()
                .insert("retry-after".parse().unwrap(), after.to_string().parse().unwrap());
        }
        return answer;
    }
    let p = params(&body);
    let Some(to) = param(&p, "To").filter(|t| !t.is_empty()) else {
        return error(400, 21604, "A 'To' phone number is required.");
    };
    if !is_e164(to) {
        return error(
            400,
            21211,
            &format!("The 'To' number {to} is not a valid phone number."),
        );
    }
    let from = param(&p, "From").filter(|f| !f.is_empty());
    let service = param(&p, "MessagingServiceSid").filter(|f| !f.is_empty());
    if from.is_none() && service.is_none() {
        return error(400, 21603, "A 'From' phone number is required.");
    }
    if let Some(from) = from.filter(|f| *f != FROM) {
        return error(
            400,
            21606,
            &format!("The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."),
        );
    }
    if let Some(service) = service.filter(|m| *m != MESSAGING_SERVICE_SID) {
        return error(400, 21705, &format!("The Messaging Service Sid {service} is invalid."));
    }
    let text = param(&p, "Body").unwrap_or_default();
    if text.is_empty() {
        return error(400, 21602, "Message body is required.");
    }
    if text.chars().count() > BODY_MAX {
        return error(
            400,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    if s.opted_out.contains(to) {
        return error(400, 21610, "Attempt to send to unsubscribed recipient");
    }
    let message = Stored {
        sid: new_sid("SM"),
        to: to.into(),
        from: from.map(str::to_owned),
        body: text.into(),
        status: if from.is_some() { "queued" } else { "accepted" }.into(),
        messaging_service_sid: service.map(str::to_owned),
        status_callback: param(&p, "StatusCallback").map(str::to_owned),
        date_created: now(),
        direction: "outbound-api",
        webhook_status: 0,
    };
    let answer = message.resource();
    s.messages.push(message);
    HttpResponse::Created().json(answer)
}

async fn list(req: HttpRequest, data: Data, path: web::Path<String>) -> HttpResponse {
    if !authorized(&req, &path) {
        return unauthorized();
    }
    let q = params(req.query_string().as_bytes());
    let size: usize = param(&q, "PageSize")
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
        .clamp(1, 1000);
    let page: usize = param(&q, "Page").and_then(|v| v.parse().ok()).unwrap_or(0);
    let to = param(&q, "To");
    let from = param(&q, "From");
    let s = data.lock();
    let matching: Vec<&Stored> = s
        .messages
        .iter()
        .rev()
        .filter(|m| to.is_none_or(|t| m.to == t) && from.is_none_or(|f| m.from.as_deref() == Some(f)))
        .collect();
    let start = page * size;
    let items: Vec<Value> = matching.iter().skip(start).take(size).map(|m| m.resource()).collect();
    let base = format!("/{API_VERSION}/Accounts/{ACCOUNT_SID}/Messages.json");
    let uri = |page: usize| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(to) = to {
            query.append_pair("To", to);
        }
        if let Some(from) = from {
            query.append_pair("From", from);
        }
        query
            .append_pair("PageSize", &size.to_string())
            .append_pair("Page", &page.to_string());
        format!("{base}?{}", query.finish())
    };
    let next = (matching.len() > start + size).then(|| uri(page + 1));
    let previous = (page > 0).then(|| uri(page - 1));
    HttpResponse::Ok().json(json!({
        "messages": items,
        "page": page,
        "page_size": size,
        "start": start,
        "end": start + items.len().saturating_sub(1),
        "first_page_uri": uri(0),
        "next_page_uri": next,
        "previous_page_uri": previous,
        "uri": uri(page),
    }))
}

async fn fetch(req: HttpRequest, data: Data, path: web::Path<(String, String)>) -> HttpResponse {
    let (account, file) = path.into_inner();
    if !authorized(&req, &account) {
        return unauthorized();
    }
    let sid = file.strip_suffix(".json").unwrap_or(&file);
    let s = data.lock();
    match s.messages.iter().find(|m| m.sid == sid) {
        Some(m) => HttpResponse::Ok().json(m.resource()),
        None => error(
            404,
            20404,
            &format!("The requested resource {} was not found", req.path()),
        ),
    }
}

async fn control_messages(data: Data) -> HttpResponse {
    let s = data.lock();
    let all: Vec<Value> = s
        .messages
        .iter()
        .rev()
        .map(|m| {
            json!({
                "sid": m.sid, "direction": m.direction, "to": m.to, "from": m.from,
                "body": m.body, "status": m.status, "date_created": m.date_created,
                "messaging_service_sid": m.messaging_service_sid,
            })
        })
        .collect();
    HttpResponse::Ok().json(all)
}

#[derive(serde::Deserialize)]
struct ReplyRequest {
    from: String,
    body: String,
}

async fn control_reply(data: Data, body: web::Json<ReplyRequest>) -> HttpResponse {
    match data.reply(&body.from, &body.body).await {
        Ok(status) => HttpResponse::Ok().json(json!({"status": status})),
        Err(e) => HttpResponse::Conflict().json(json!({"error": e})),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn signature_matches_twilios_documented_example() {
        let params = pairs(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        assert_eq!(
            sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &params),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        // The order the parameters come in does not matter.
        let mut reversed = params.clone();
        reversed.reverse();
        assert_eq!(
            sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &reversed),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }

    #[test]
    fn e164() {
        assert!(is_e164("+15005550006"));
        assert!(is_e164("+4412345"));
        assert!(!is_e164("15005550006"));
        assert!(!is_e164("+0123456789"));
        assert!(!is_e164("+123456"));
        assert!(!is_e164("+1234567890123456"));
        assert!(!is_e164("+1 500 555 0006"));
    }

    struct Client {
        http: reqwest::Client,
        base: String,
    }

    impl Client {
        fn new(fake: &FakeTwilio) -> Client {
            Client {
                http: reqwest::Client::new(),
                base: fake.base(),
            }
        }

        async fn create_as(&self, account: &str, token: &str, form: &[(&str, &str)]) -> (u16, Value) {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter())
                .finish();
            let res = self
                .http
                .post(format!("{}/2010-04-01/Accounts/{account}/Messages.json", self.base))
                .basic_auth(account, Some(token))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            assert!(res
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/json"));
            (status, res.json().await.unwrap())
        }

        async fn create(&self, form: &[(&str, &str)]) -> (u16, Value) {
            self.create_as(ACCOUNT_SID, AUTH_TOKEN, form).await
        }

        async fn list(&self, query: &str) -> Value {
            let res = self
                .http
                .get(format!(
                    "{}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json{query}",
                    self.base
                ))
                .basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            res.json().await.unwrap()
        }
    }

    fn assert_error(answer: &(u16, Value), status: u16, code: u64) {
        assert_eq!(answer.0, status, "{}", answer.1);
        assert_eq!(answer.1["code"], code, "{}", answer.1);
        assert_eq!(answer.1["status"], status);
        assert_eq!(
            answer.1["more_info"],
            format!("https://www.twilio.com/docs/errors/{code}")
        );
        assert!(answer.1["message"].is_string());
    }

    #[tokio::test]
    async fn create_validates_and_answers_the_message_resource() {
        let fake = FakeTwilio::start().await;
        let c = Client::new(&fake);

        let (status, m) = c
            .create(&[
                ("To", "+14155550100"),
                ("From", FROM),
                ("Body", "Hello from Parley"),
                ("StatusCallback", "https://example.com/status"),
            ])
            .await;
        assert_eq!(status, 201, "{m}");
        let sid = m["sid"].as_str().unwrap();
        assert!(sid.starts_with("SM") && sid.len() == 34);
        assert_eq!(m["account_sid"], ACCOUNT_SID);
        assert_eq!(m["to"], "+14155550100");
        assert_eq!(m["from"], FROM);
        assert_eq!(m["messaging_service_sid"], Value::Null);
        assert_eq!(m["status"], "queued");
        assert_eq!(m["num_segments"], "1");
        assert_eq!(m["num_media"], "0");
        assert_eq!(m["direction"], "outbound-api");
        assert_eq!(m["api_version"], "2010-04-01");
        assert_eq!(m["price"], Value::Null);
        assert_eq!(m["date_sent"], Value::Null);
        assert_eq!(m["error_code"], Value::Null);
        assert!(chrono::DateTime::parse_from_rfc2822(m["date_created"].as_str().unwrap()).is_ok());
        assert!(m["date_created"].as_str().unwrap().ends_with(" +0000"));
        assert_eq!(
            m["uri"],
            format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json")
        );
        assert_eq!(
            m["subresource_uris"]["media"],
            format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json")
        );

        let (status, m) = c
            .create(&[
                ("To", "+14155550101"),
                ("MessagingServiceSid", MESSAGING_SERVICE_SID),
                ("Body", "Via the service"),
            ])
            .await;
        assert_eq!(status, 201);
        assert_eq!(m["from"], Value::Null);
        assert_eq!(m["messaging_service_sid"], MESSAGING_SERVICE_SID);
        assert_eq!(m["status"], "accepted");
        assert_eq!(m["num_segments"], "0");

        assert_error(&c.create(&[("From", FROM), ("Body", "x")]).await, 400, 21604);
        let bad_to = c.create(&[("To", "555-0100"), ("From", FROM), ("Body", "x")]).await;
        assert_error(&bad_to, 400, 21211);
        assert_eq!(
            bad_to.1["message"],
            "The 'To' number 555-0100 is not a valid phone number."
        );
        assert_error(&c.create(&[("To", "+14155550100"), ("Body", "x")]).await, 400, 21603);
        assert_error(
            &c.create(&[("To", "+14155550100"), ("From", FROM), ("Body", "")]).await,
            400,
            21602,
        );
        assert_error(&c.create(&[("To", "+14155550100"), ("From", FROM)]).await, 400, 21602);
        let long = "a".repeat(1601);
        assert_error(
            &c.create(&[("To", "+14155550100"), ("From", FROM), ("Body", &long)])
                .await,
            400,
            21617,
        );
        let exactly = "é".repeat(1600);
        assert_eq!(
            c.create(&[("To", "+14155550100"), ("From", FROM), ("Body", &exactly)])
                .await
                .0,
            201
        );
        assert_error(
            &c.create(&[("To", "+14155550100"), ("From", "+15005550009"), ("Body", "x")])
                .await,
            400,
            21606,
        );

        // Bad credentials, another account's path, no credentials at all.
        let form = [("To", "+14155550100"), ("From", FROM), ("Body", "x")];
        assert_error(&c.create_as(ACCOUNT_SID, "wrong", &form).await, 401, 20003);
        let other = "AC11111111111111111111111111111111";
        let answer = c.create_as(other, AUTH_TOKEN, &form).await;
        assert_error(&answer, 401, 20003);
        assert_eq!(answer.1["message"], "Authenticate");
        let res = c
            .http
            .post(format!("{}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json", c.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert!(res.headers().contains_key("www-authenticate"));

        let sent = fake.messages();
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[0].body, "Hello from Parley");
        assert_eq!(sent[0].status_callback.as_deref(), Some("https://example.com/status"));
        assert_eq!(sent[1].from, None);
        assert_eq!(fake.requests(), 13);
        fake.stop().await;
    }

    #[tokio::test]
    async fn fail_next_answers_once_with_retry_after() {
        let fake = FakeTwilio::start().await;
        let c = Client::new(&fake);
        let form = [("To", "+14155550100"), ("From", FROM), ("Body", "x")];
        fake.fail_next(429, 20429, Some(3));
        fake.fail_next(500, 20500, None);
        let res = c
            .http
            .post(format!("{}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json", c.base))
            .basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("To=%2B14155550100&From=%2B15005550006&Body=x")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 429);
        assert_eq!(res.headers()["retry-after"], "3");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], 20429);
        assert_eq!(body["message"], "Too Many Requests");
        let answer = c.create(&form).await;
        assert_error(&answer, 500, 20500);
        assert_eq!(answer.1["message"], "Internal Server Error");
        assert_eq!(c.create(&form).await.0, 201);
        assert_eq!(fake.messages().len(), 1);
        assert_eq!(fake.requests(), 3);
    }

    #[tokio::test]
    async fn list_filters_by_to_newest_first() {
        let fake = FakeTwilio::start().await;
        let c = Client::new(&fake);
        for (to, body) in [
            ("+14155550100", "one"),
            ("+14155550101", "two"),
            ("+14155550100", "three"),
        ] {
            assert_eq!(c.create(&[("To", to), ("From", FROM), ("Body", body)]).await.0, 201);
        }
        let all = c.list("").await;
        assert_eq!(all["messages"].as_array().unwrap().len(), 3);
        assert_eq!(all["page_size"], 50);
        let page = c.list("?To=%2B14155550100").await;
        let bodies: Vec<&str> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["three", "one"]);
        assert_eq!(page["page"], 0);
        assert_eq!(page["start"], 0);
        assert_eq!(page["end"], 1);
        assert_eq!(page["next_page_uri"], Value::Null);
        assert_eq!(page["previous_page_uri"], Value::Null);
        assert!(page["first_page_uri"].as_str().unwrap().starts_with(&format!(
            "/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json?To=%2B14155550100"
        )));
        let small = c.list("?PageSize=2").await;
        assert_eq!(small["messages"].as_array().unwrap().len(), 2);
        assert_eq!(small["page_size"], 2);
        assert!(small["next_page_uri"].as_str().unwrap().contains("Page=1"));

        let sid = page["messages"][0]["sid"].as_str().unwrap();
        let res = c
            .http
            .get(format!(
                "{}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
                c.base
            ))
            .basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let one: Value = res.json().await.unwrap();
        assert_eq!(one["body"], "three");
    }

    /// What the webhook receiver saw: each request's form and `X-Twilio-Signature`.
    type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

    async fn webhook(req: HttpRequest, body: web::Bytes, seen: web::Data<Seen>) -> HttpResponse {
        assert_eq!(
            req.headers().get("content-type").unwrap(),
            "application/x-www-form-urlencoded"
        );
        let signature = req.headers().get("x-twilio-signature").unwrap().to_str().unwrap();
        seen.lock().unwrap().push((params(&body), signature.to_owned()));
        HttpResponse::Ok()
            .content_type("text/xml")
            .body("<Response></Response>")
    }

    /// A webhook receiver (Parley's stand-in) on a local port: its URL and what it saw.
    async fn receiver() -> (String, Seen) {
        let seen = Seen::default();
        let data = web::Data::new(seen.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/v1/webhooks/twilio", web::post().to(webhook))
        })
        .workers(1)
        .disable_signals()
        .bind("127.0.0.1:0")
        .unwrap();
        let addr = server.addrs()[0];
        tokio::spawn(server.run());
        (format!("http://{addr}/v1/webhooks/twilio"), seen)
    }

    #[tokio::test]
    async fn replies_are_signed_and_stop_opts_out() {
        let fake = FakeTwilio::start().await;
        let c = Client::new(&fake);
        let (local, seen) = receiver().await;
        let public = "https://parley.example/v1/webhooks/twilio";
        fake.set_inbound(&local, public);
        let person = "+14155550123";
        let send = [("To", person), ("From", FROM), ("Body", "Your code is 1234")];
        assert_eq!(c.create(&send).await.0, 201);

        assert_eq!(fake.reply(person, "Stop please").await, 200);
        assert!(!fake.is_opted_out(person), "only a whole-body keyword counts");
        assert_eq!(c.create(&send).await.0, 201);

        assert_eq!(fake.reply(person, "  stop \n").await, 200);
        assert!(fake.is_opted_out(person));
        assert_error(&c.create(&send).await, 400, 21610);
        let via_service = [
            ("To", person),
            ("MessagingServiceSid", MESSAGING_SERVICE_SID),
            ("Body", "x"),
        ];
        assert_error(&c.create(&via_service).await, 400, 21610);

        assert_eq!(fake.reply(person, "START").await, 200);
        assert!(!fake.is_opted_out(person));
        assert_eq!(c.create(&send).await.0, 201);

        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3);
        for (form, signature) in &seen {
            assert_eq!(&sign(AUTH_TOKEN, public, form), signature, "signed for the public URL");
            assert_ne!(&sign(AUTH_TOKEN, &local, form), signature);
            let get = |k: &str| param(form, k).unwrap().to_owned();
            assert!(get("MessageSid").starts_with("SM"));
            assert_eq!(get("SmsSid"), get("MessageSid"));
            assert_eq!(get("SmsMessageSid"), get("MessageSid"));
            assert_eq!(get("AccountSid"), ACCOUNT_SID);
            assert_eq!(get("MessagingServiceSid"), MESSAGING_SERVICE_SID);
            assert_eq!(get("From"), person);
            assert_eq!(get("To"), FROM);
            assert_eq!(get("NumMedia"), "0");
            assert_eq!(get("NumSegments"), "1");
            assert_eq!(get("ApiVersion"), "2010-04-01");
            assert_eq!(get("SmsStatus"), "received");
            assert_eq!(get("FromCountry"), "US");
        }
        assert_eq!(param(&seen[1].0, "Body"), Some("  stop \n"));

        let inbound = fake.inbound();
        assert_eq!(inbound.len(), 3);
        assert_eq!(inbound[0].webhook_status, 200);

        // The control routes: the same reply through HTTP, and every message listed.
        let res = c
            .http
            .post(format!("{}/_fake/reply", c.base))
            .json(&json!({"from": person, "body": "UNSUBSCRIBE"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": 200}));
        assert!(fake.is_opted_out(person));
        let all: Value = c
            .http
            .get(format!("{}/_fake/messages", c.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let all = all.as_array().unwrap();
        assert_eq!(all.len(), 3 + 4);
        assert_eq!(all[0]["direction"], "inbound");
        assert_eq!(all[0]["body"], "UNSUBSCRIBE");
        assert!(all.iter().any(|m| m["direction"] == "outbound-api"));
        assert_eq!(
            c.http
                .get(format!("{}/_fake/health", c.base))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }

    #[tokio::test]
    async fn reply_without_a_webhook_is_a_conflict_and_an_unreachable_one_is_0() {
        let fake = FakeTwilio::start().await;
        let res = reqwest::Client::new()
            .post(format!("{}/_fake/reply", fake.base()))
            .json(&json!({"from": "+14155550123", "body": "hi"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        fake.set_inbound("http://127.0.0.1:9/v1/webhooks/twilio", "https://x.example/");
        assert_eq!(fake.reply("+14155550123", "STOP").await, 0);
        assert!(
            fake.is_opted_out("+14155550123"),
            "Twilio applies STOP whatever the webhook does"
        );
    }
}
