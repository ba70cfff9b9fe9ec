//! A fake Bitly API v4 for the tests and offline development: Bearer auth, `POST
//! /v4/bitlinks` (201 for a new link, 200 with the same body for a URL the group has),
//! `PATCH /v4/bitlinks/{bitlink}` (the bitlink's slash raw or encoded), clicks per day and
//! their summary, Bitly's error envelope and codes (`INVALID_ARG_LONG_URL`,
//! `ALREADY_A_BITLY_LINK`, 409 for a taken keyword, 402 `UPGRADE_REQUIRED` when the plan has
//! no custom back-halves, 429 `MONTHLY_LIMIT_EXCEEDED` past the plan's links) and
//! `+0000` timestamps. Failures can be queued (`fail_next`) to answer 429/503 once.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::{json, Value};

pub const TOKEN: &str = "bitly_test_token";
pub const GROUP: &str = "Bg1parley0";
pub const DOMAIN: &str = "bit.ly";

#[derive(Clone, Debug)]
pub struct Bitlink {
    pub id: String,
    pub long_url: String,
    pub title: Option<String>,
    pub tags: Vec<String>,
    pub archived: bool,
    pub created_at: String,
    /// Clicks per day (`YYYY-MM-DD`).
    pub clicks: Vec<(String, i64)>,
}

impl Bitlink {
    fn body(&self) -> Value {
        json!({
            "created_at": self.created_at,
            "id": self.id,
            "link": format!("https://{}", self.id),
            "custom_bitlinks": [],
            "long_url": self.long_url,
            "title": self.title,
            "archived": self.archived,
            "created_by": "parley_test",
            "client_id": "fake",
            "tags": self.tags,
            "deeplinks": [],
            "references": {"group": format!("https://api-ssl.bitly.com/v4/groups/{GROUP}")},
        })
    }
}

#[derive(Default)]
struct State {
    links: Vec<Bitlink>,
    /// Failures to answer before anything else: (status, message).
    fail_next: VecDeque<(u16, String)>,
    /// New links the plan allows (None: unlimited).
    monthly_limit: Option<usize>,
    /// Whether the plan includes custom back-halves (`keyword`).
    custom_keywords: bool,
    /// Every request: (method, path, body).
    requests: Vec<(String, String, Value)>,
    counter: u64,
}

#[derive(Clone)]
pub struct FakeBitly {
    state: Arc<Mutex<State>>,
    pub addr: SocketAddr,
    server: actix_web::dev::ServerHandle,
}

fn error(status: u16, message: &str, description: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).json(json!({
        "message": message,
        "description": description,
        "resource": "bitlinks",
    }))
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%z").to_string()
}

impl FakeBitly {
    pub async fn start() -> FakeBitly {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    pub async fn start_on(bind: SocketAddr) -> FakeBitly {
        let state = Arc::new(Mutex::new(State {
            custom_keywords: true,
            ..State::default()
        }));
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::JsonConfig::default().error_handler(|e, _| {
                    actix_web::error::InternalError::from_response(
                        e,
                        error(400, "INVALID_BODY", "The request body is not JSON"),
                    )
                    .into()
                }))
                .route("/v4/bitlinks", web::post().to(create))
                .route("/v4/bitlinks/{id:.*}/clicks/summary", web::get().to(summary))
                .route("/v4/bitlinks/{id:.*}/clicks", web::get().to(clicks))
                .route("/v4/bitlinks/{id:.*}", web::patch().to(update))
                .route("/v4/bitlinks/{id:.*}", web::get().to(show))
        })
        .workers(1)
        .disable_signals()
        .bind(bind)
        .expect("bind the fake Bitly");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeBitly {
            state,
            addr,
            server: handle,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers these (status, Bitly message) before anything else, once each.
    pub fn fail_next(&self, status: u16, message: &str) {
        self.state.lock().unwrap().fail_next.push_back((status, message.into()));
    }

    pub fn set_monthly_limit(&self, links: Option<usize>) {
        self.state.lock().unwrap().monthly_limit = links;
    }

    pub fn set_custom_keywords(&self, allowed: bool) {
        self.state.lock().unwrap().custom_keywords = allowed;
    }

    /// Counts clicks on a bitlink on a day (`YYYY-MM-DD`).
    pub fn add_clicks(&self, id: &str, day: &str, n: i64) {
        let mut s = self.state.lock().unwrap();
        let link = s.links.iter_mut().find(|l| l.id == id).expect("a bitlink");
        link.clicks.push((day.into(), n));
    }

    pub fn link(&self, id: &str) -> Option<Bitlink> {
        self.state.lock().unwrap().links.iter().find(|l| l.id == id).cloned()
    }

    pub fn links(&self) -> Vec<Bitlink> {
        self.state.lock().unwrap().links.clone()
    }

    /// Requests received, as (method, path, JSON body or null).
    pub fn requests(&self) -> Vec<(String, String, Value)> {
        self.state.lock().unwrap().requests.clone()
    }

    pub async fn stop(&self) {
        self.server.stop(false).await;
    }
}

type Shared = web::Data<Arc<Mutex<State>>>;

/// Auth, the request log and queued failures; Some(answer) ends the request.
fn gate(req: &HttpRequest, state: &Shared, body: &Value) -> Option<HttpResponse> {
    let mut s = state.lock().unwrap();
    s.requests
        .push((req.method().to_string(), req.uri().to_string(), body.clone()));
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {TOKEN}")) {
        return Some(error(403, "FORBIDDEN", "Invalid access token"));
    }
    if let Some((status, message)) = s.fail_next.pop_front() {
        return Some(error(status, &message, "queued by the test"));
    }
    None
}

fn bitlink_id(raw: &str) -> String {
    raw.replace("%2F", "/").replace("%2f", "/")
}

async fn create(req: HttpRequest, state: Shared, body: web::Json<Value>) -> HttpResponse {
    let body = body.into_inner();
    if let Some(answer) = gate(&req, &state, &body) {
        return answer;
    }
    let long_url = body["long_url"].as_str().unwrap_or_default().to_owned();
    let parsed = url::Url::parse(&long_url).ok();
    let Some(parsed) = parsed.filter(|u| matches!(u.scheme(), "http" | "https")) else {
        return HttpResponse::BadRequest().json(json!({
            "message": "INVALID_ARG_LONG_URL", "resource": "bitlinks",
            "description": "The value provided is invalid.",
            "errors": [{"field": "long_url", "error_code": "invalid"}],
        }));
    };
    if parsed.host_str() == Some(DOMAIN) {
        return error(400, "ALREADY_A_BITLY_LINK", "The long_url is already a Bitlink");
    }
    if body["group_guid"].as_str().is_some_and(|g| g != GROUP) {
        return error(403, "FORBIDDEN", "Not a member of this group");
    }
    let mut s = state.lock().unwrap();
    let keyword = body["keyword"].as_str().map(str::to_owned);
    if keyword.is_none() && body["force_new_link"].as_bool() != Some(true) {
        if let Some(same) = s.links.iter().find(|l| l.long_url == long_url) {
            return HttpResponse::Ok().json(same.body());
        }
    }
    if keyword.is_some() && !s.custom_keywords {
        return error(402, "UPGRADE_REQUIRED", "Custom back-halves need a paid plan");
    }
    if s.monthly_limit.is_some_and(|max| s.links.len() >= max) {
        return error(429, "MONTHLY_LIMIT_EXCEEDED", "The monthly link limit is reached");
    }
    let id = match keyword {
        Some(k) => {
            let id = format!("{DOMAIN}/{k}");
            if s.links.iter().any(|l| l.id == id) {
                return error(409, "KEYWORD_ALREADY_EXISTS", "The keyword is taken");
            }
            id
        }
        None => {
            s.counter += 1;
            format!("{DOMAIN}/3Fk{:04}", s.counter)
        }
    };
    let link = Bitlink {
        id,
        long_url,
        title: body["title"].as_str().map(str::to_owned),
        tags: body["tags"]
            .as_array()
            .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        archived: false,
        created_at: now(),
        clicks: Vec::new(),
    };
    let answer = link.body();
    s.links.push(link);
    HttpResponse::Created().json(answer)
}

async fn update(req: HttpRequest, state: Shared, path: web::Path<String>, body: web::Json<Value>) -> HttpResponse {
    let body = body.into_inner();
    if let Some(answer) = gate(&req, &state, &body) {
        return answer;
    }
    let id = bitlink_id(&path.into_inner());
    let mut s = state.lock().unwrap();
    let Some(link) = s.links.iter_mut().find(|l| l.id == id) else {
        return error(404, "NOT_FOUND", "No such bitlink");
    };
    if let Some(t) = body.get("title") {
        link.title = t.as_str().map(str::to_owned);
    }
    if let Some(tags) = body["tags"].as_array() {
        link.tags = tags.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
    }
    if let Some(a) = body["archived"].as_bool() {
        link.archived = a;
    }
    HttpResponse::Ok().json(link.body())
}

async fn show(req: HttpRequest, state: Shared, path: web::Path<String>) -> HttpResponse {
    if let Some(answer) = gate(&req, &state, &Value::Null) {
        return answer;
    }
    let id = bitlink_id(&path.into_inner());
    let s = state.lock().unwrap();
    match s.links.iter().find(|l| l.id == id) {
        Some(l) => HttpResponse::Ok().json(l.body()),
        None => error(404, "NOT_FOUND", "No such bitlink"),
    }
}

fn units(req: &HttpRequest) -> i64 {
    let query: HashMap<String, String> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    query.get("units").and_then(|u| u.parse().ok()).unwrap_or(-1)
}

async fn clicks(req: HttpRequest, state: Shared, path: web::Path<String>) -> HttpResponse {
    if let Some(answer) = gate(&req, &state, &Value::Null) {
        return answer;
    }
    let id = bitlink_id(&path.into_inner());
    let units = units(&req);
    let s = state.lock().unwrap();
    let Some(link) = s.links.iter().find(|l| l.id == id) else {
        return error(404, "NOT_FOUND", "No such bitlink");
    };
    let mut per_day: HashMap<&str, i64> = HashMap::new();
    for (d, n) in &link.clicks {
        *per_day.entry(d.as_str()).or_default() += n;
    }
    let today = chrono::Utc::now().date_naive();
    let days = if units < 0 { 30 } else { units };
    // Newest first, one entry per day of the period, as Bitly answers.
    let link_clicks: Vec<Value> = (0..days)
        .map(|i| {
            let d = today - chrono::Duration::days(i);
            let key = d.format("%Y-%m-%d").to_string();
            json!({"date": format!("{key}T00:00:00+0000"), "clicks": per_day.get(key.as_str()).copied().unwrap_or(0)})
        })
        .collect();
    HttpResponse::Ok().json(json!({"link_clicks": link_clicks, "units": units, "unit": "day", "unit_reference": now()}))
}

async fn summary(req: HttpRequest, state: Shared, path: web::Path<String>) -> HttpResponse {
    if let Some(answer) = gate(&req, &state, &Value::Null) {
        return answer;
    }
    let id = bitlink_id(&path.into_inner());
    let s = state.lock().unwrap();
    let Some(link) = s.links.iter().find(|l| l.id == id) else {
        return error(404, "NOT_FOUND", "No such bitlink");
    };
    let total: i64 = link.clicks.iter().map(|(_, n)| n).sum();
    HttpResponse::Ok()
        .json(json!({"total_clicks": total, "units": units(&req), "unit": "day", "unit_reference": now()}))
}
