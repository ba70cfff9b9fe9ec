//! A fake Notion API for the tests and offline development: `Notion-Version` required and
//! pinned, Bearer tokens (revocable), `GET /v1/users/me`, OAuth (a consent page at
//! `/v1/oauth/authorize`, `POST /v1/oauth/token` with Basic auth, codes for tokens, refresh
//! tokens rotating, `invalid_grant`), pages (`POST /v1/pages`, `GET /v1/pages/{id}`), block
//! children (list with cursors, append, delete) with Notion's limits (100 blocks a request,
//! 2,000 characters a text, 100 rich-text items) answered as `validation_error`, Notion's
//! error envelope, and queued failures (429 with `Retry-After`, 5xx) on chosen requests.
//! `GET /p/{id}` shows a page as HTML (what "open in Notion" leads to offline).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use serde_json::{json, Value};
use uuid::Uuid;

pub const VERSION: &str = "2026-03-11";
pub const CLIENT_ID: &str = "notion-client-parley";
pub const CLIENT_SECRET: &str = "notion-secret-parley";
/// A token the fake accepts from the start (the offline mode's "pasted" token).
pub const DEV_TOKEN: &str = "ntn_parley_dev_token";
pub const WORKSPACE: &str = "Parley Test Workspace";

#[derive(Clone, Debug)]
pub struct Block {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub checked: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub parent: Value,
    pub blocks: Vec<Block>,
    pub in_trash: bool,
}

struct Failure {
    method: String,
    path_contains: String,
    status: u16,
    code: String,
    retry_after: Option<u64>,
}

#[derive(Default)]
struct State {
    tokens: HashMap<String, bool>,
    refresh: HashMap<String, bool>,
    codes: HashMap<String, bool>,
    pages: Vec<Page>,
    failures: Vec<Failure>,
    requests: Vec<(String, String)>,
    refreshed: usize,
}

#[derive(Clone)]
pub struct FakeNotion {
    state: Arc<Mutex<State>>,
    pub addr: SocketAddr,
    server: actix_web::dev::ServerHandle,
}

fn error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).json(json!({
        "object": "error", "status": status, "code": code, "message": message,
        "request_id": Uuid::new_v4().to_string(),
    }))
}

type Shared = web::Data<Arc<Mutex<State>>>;

impl FakeNotion {
    pub async fn start() -> FakeNotion {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    pub async fn start_on(bind: SocketAddr) -> FakeNotion {
        let mut state = State::default();
        state.tokens.insert(DEV_TOKEN.into(), true);
        let state = Arc::new(Mutex::new(state));
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::JsonConfig::default().error_handler(|e, _| {
                    actix_web::error::InternalError::from_response(
                        e,
                        error(400, "invalid_json", "Error parsing JSON body."),
                    )
                    .into()
                }))
                .route("/v1/oauth/authorize", web::get().to(authorize))
                .route("/v1/oauth/token", web::post().to(token))
                .route("/v1/users/me", web::get().to(me))
                .route("/v1/pages", web::post().to(create_page))
                .route("/v1/pages/{id}", web::get().to(get_page))
                .route("/v1/blocks/{id}/children", web::get().to(list_children))
                .route("/v1/blocks/{id}/children", web::patch().to(append_children))
                .route("/v1/blocks/{id}", web::delete().to(delete_block))
                .route("/p/{id}", web::get().to(show_page))
                .route(
                    "/_fake/health",
                    web::get().to(|| async { HttpResponse::Ok().body("fake notion") }),
                )
        })
        .workers(1)
        .disable_signals()
        .bind(bind)
        .expect("bind the fake Notion");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeNotion {
            state,
            addr,
            server: handle,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A token Notion accepts (as a user's pasted token).
    pub fn issue_token(&self) -> String {
        let t = format!("ntn_{}", Uuid::new_v4().simple());
        self.state.lock().unwrap().tokens.insert(t.clone(), true);
        t
    }

    /// The user took the connection away in Notion: the token answers 401.
    pub fn revoke(&self, token: &str) {
        self.state.lock().unwrap().tokens.insert(token.into(), false);
    }

    /// Revokes every access token (refresh tokens still work).
    pub fn revoke_all_access(&self) {
        for v in self.state.lock().unwrap().tokens.values_mut() {
            *v = false;
        }
    }

    /// The next `method` request whose path contains `path_contains` answers this error.
    pub fn fail_once(&self, method: &str, path_contains: &str, status: u16, code: &str, retry_after: Option<u64>) {
        self.state.lock().unwrap().failures.push(Failure {
            method: method.into(),
            path_contains: path_contains.into(),
            status,
            code: code.into(),
            retry_after,
        });
    }

    /// How many refresh tokens were exchanged (each only once: they rotate).
    pub fn refreshed(&self) -> usize {
        self.state.lock().unwrap().refreshed
    }

    pub fn pages(&self) -> Vec<Page> {
        self.state.lock().unwrap().pages.clone()
    }

    /// Requests received: (method, path).
    pub fn requests(&self) -> Vec<(String, String)> {
        self.state.lock().unwrap().requests.clone()
    }

    pub async fn stop(&self) {
        self.server.stop(false).await;
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_owned)
}

/// Version, token, the request log and queued failures; Some(answer) ends the request.
fn gate(req: &HttpRequest, state: &Shared) -> Option<HttpResponse> {
    let mut s = state.lock().unwrap();
    let method = req.method().to_string();
    let path = req.uri().to_string();
    s.requests.push((method.clone(), path.clone()));
    match req.headers().get("notion-version").and_then(|v| v.to_str().ok()) {
        None => {
            return Some(error(
                400,
                "missing_version",
                "Notion-Version header failed validation: should be defined",
            ))
        }
        Some(v) if v != VERSION => {
            return Some(error(
                400,
                "validation_error",
                &format!("Notion-Version {v} is not the pinned {VERSION}"),
            ))
        }
        Some(_) => {}
    }
    let valid = bearer(req).is_some_and(|t| s.tokens.get(&t) == Some(&true));
    if !valid {
        return Some(error(401, "unauthorized", "API token is invalid."));
    }
    if let Some(i) = s
        .failures
        .iter()
        .position(|f| f.method == method && path.contains(&f.path_contains))
    {
        let f = s.failures.remove(i);
        let mut answer = error(f.status, &f.code, "queued by the test");
        if let Some(after) = f.retry_after {
            answer
                .headers_mut()
                .insert("retry-after".parse().unwrap(), after.to_string().parse().unwrap());
        }
        return Some(answer);
    }
    None
}

/// Notion's limits on a list of blocks: 100 a request, 100 rich-text items, 2,000 characters.
fn check_blocks(children: &[Value], at: &str) -> Result<Vec<Block>, Box<HttpResponse>> {
    if children.len() > 100 {
        return Err(Box::new(error(
            400,
            "validation_error",
            &format!(
                "body failed validation: {at}.length should be ≤ `100`, instead was `{}`.",
                children.len()
            ),
        )));
    }
    let mut out = Vec::new();
    for (i, b) in children.iter().enumerate() {
        let kind = b["type"].as_str().unwrap_or_default().to_owned();
        let body = &b[kind.as_str()];
        let items = body["rich_text"].as_array().cloned().unwrap_or_default();
        if items.len() > 100 {
            return Err(Box::new(error(
                400,
                "validation_error",
                &format!("body failed validation: {at}[{i}].{kind}.rich_text.length should be ≤ `100`"),
            )));
        }
        let mut text = String::new();
        for (j, item) in items.iter().enumerate() {
            let content = item["text"]["content"].as_str().unwrap_or_default();
            let n = content.chars().count();
            if n > 2000 {
                return Err(Box::new(error(
                    400,
                    "validation_error",
                    &format!("body failed validation: {at}[{i}].{kind}.rich_text[{j}].text.content.length should be ≤ `2000`, instead was `{n}`."),
                )));
            }
            text.push_str(content);
        }
        out.push(Block {
            id: Uuid::new_v4().to_string(),
            kind,
            text,
            checked: body["checked"].as_bool(),
        });
    }
    Ok(out)
}

fn page_json(base: &str, p: &Page) -> Value {
    json!({
        "object": "page", "id": p.id, "in_trash": p.in_trash, "archived": p.in_trash,
        "parent": p.parent,
        "url": format!("{base}/p/{}", p.id.replace('-', "")),
        "properties": {"title": {"id": "title", "type": "title", "title": [{"type": "text", "text": {"content": p.title}, "plain_text": p.title}]}},
    })
}

fn base_of(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

fn same_id(a: &str, b: &str) -> bool {
    a.replace('-', "") == b.replace('-', "")
}

async fn authorize(req: HttpRequest) -> HttpResponse {
    let q: HashMap<String, String> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let (Some(redirect), Some(state)) = (q.get("redirect_uri"), q.get("state")) else {
        return HttpResponse::BadRequest().body("redirect_uri and state are required");
    };
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return HttpResponse::BadRequest().body("unknown client_id");
    }
    let code = format!("code_{}", Uuid::new_v4().simple());
    let data = req.app_data::<Shared>().unwrap();
    data.lock().unwrap().codes.insert(code.clone(), true);
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let allow = format!("{redirect}?code={}&state={}", enc(&code), enc(state));
    let deny = format!("{redirect}?error=access_denied&state={}", enc(state));
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Notion (TEST MODE): connect Parley</title></head>\
         <body style=\"font-family:sans-serif;max-width:32rem;margin:3rem auto\"><main>\
         <p><strong>TEST MODE</strong>: the offline stand-in for Notion.</p>\
         <h1>Parley wants to connect to {WORKSPACE}</h1>\
         <p><a id=\"allow\" data-testid=\"fake-notion-allow\" href=\"{allow}\">Allow access</a></p>\
         <p><a id=\"deny\" href=\"{deny}\">Cancel</a></p></main></body></html>"
    );
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html)
}

async fn token(req: HttpRequest, state: Shared, body: web::Json<Value>) -> HttpResponse {
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if req.headers().get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return error(401, "unauthorized", "Invalid client credentials.");
    }
    let mut s = state.lock().unwrap();
    let valid = match body["grant_type"].as_str() {
        Some("authorization_code") => body["code"].as_str().and_then(|c| s.codes.remove(c)).unwrap_or(false),
        Some("refresh_token") => {
            let ok = body["refresh_token"]
                .as_str()
                .and_then(|r| s.refresh.remove(r))
                .unwrap_or(false);
            s.refreshed += usize::from(ok);
            ok
        }
        _ => return error(400, "invalid_request", "grant_type is not supported."),
    };
    if !valid {
        return error(400, "invalid_grant", "Invalid code or refresh token.");
    }
    let access = format!("ntn_{}", Uuid::new_v4().simple());
    let refresh = format!("nrt_{}", Uuid::new_v4().simple());
    s.tokens.insert(access.clone(), true);
    s.refresh.insert(refresh.clone(), true);
    HttpResponse::Ok().json(json!({
        "access_token": access, "token_type": "bearer", "refresh_token": refresh,
        "bot_id": Uuid::new_v4().to_string(), "workspace_id": Uuid::new_v4().to_string(),
        "workspace_name": WORKSPACE, "workspace_icon": null,
        "owner": {"type": "user", "user": {"object": "user", "id": Uuid::new_v4().to_string()}},
        "duplicated_template_id": null, "request_id": Uuid::new_v4().to_string(),
    }))
}

async fn me(req: HttpRequest, state: Shared) -> HttpResponse {
    if let Some(answer) = gate(&req, &state) {
        return answer;
    }
    HttpResponse::Ok().json(json!({
        "object": "user", "id": Uuid::new_v4().to_string(), "type": "bot", "name": "Parley",
        "bot": {"owner": {"type": "workspace", "workspace": true}, "workspace_name": WORKSPACE},
    }))
}

async fn create_page(req: HttpRequest, state: Shared, body: web::Json<Value>) -> HttpResponse {
    if let Some(answer) = gate(&req, &state) {
        return answer;
    }
    let children = body["children"].as_array().cloned().unwrap_or_default();
    let blocks = match check_blocks(&children, "body.children") {
        Ok(b) => b,
        Err(answer) => return *answer,
    };
    let mut s = state.lock().unwrap();
    let parent = body["parent"].clone();
    if let Some(pid) = parent["page_id"].as_str() {
        if !s.pages.iter().any(|p| same_id(&p.id, pid) && !p.in_trash) {
            return error(404, "object_not_found", &format!("Could not find page with ID: {pid}. Make sure the relevant pages and databases are shared with your integration."));
        }
    }
    let title = body["properties"]["title"]["title"][0]["text"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let page = Page {
        id: Uuid::new_v4().to_string(),
        title,
        parent,
        blocks,
        in_trash: false,
    };
    let answer = page_json(&base_of(&req), &page);
    s.pages.push(page);
    HttpResponse::Ok().json(answer)
}

async fn get_page(req: HttpRequest, state: Shared, path: web::Path<String>) -> HttpResponse {
    if let Some(answer) = gate(&req, &state) {
        return answer;
    }
    let id = path.into_inner();
    let s = state.lock().unwrap();
    match s.pages.iter().find(|p| same_id(&p.id, &id)) {
        Some(p) => HttpResponse::Ok().json(page_json(&base_of(&req), p)),
        None => error(404, "object_not_found", &format!("Could not find page with ID: {id}.")),
    }
}

async fn list_children(req: HttpRequest, state: Shared, path: web::Path<String>) -> HttpResponse {
    if let Some(answer) = gate(&req, &state) {
        return answer;
    }
    let id = path.into_inner();
    let q: HashMap<String, String> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let size: usize = q.get("page_size").and_then(|s| s.parse().ok()).unwrap_or(100).min(100);
    let s = state.lock().unwrap();
    let Some(p) = s.pages.iter().find(|p| same_id(&p.id, &id)) else {
        return error(404, "object_not_found", &format!("Could not find block with ID: {id}."));
    };
    let start = q
        .get("start_cursor")
        .and_then(|c| p.blocks.iter().position(|b| &b.id == c))
        .unwrap_or(0);
    let slice: Vec<Value> = p.blocks[start..]
        .iter()
        .take(size)
        .map(|b| json!({"object": "block", "id": b.id, "type": b.kind, "has_children": false}))
        .collect();
    let next = p.blocks.get(start + size).map(|b| b.id.clone());
    HttpResponse::Ok().json(json!({"object": "list", "results": slice, "has_more": next.is_some(), "next_cursor": next, "type": "block", "block": {}}))
}

async fn append_children(
    req: HttpRequest,
    state: Shared,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> HttpResponse {
    if let Some(answer) = gate(&req, &state) {
        return answer;
    }
    let id = path.into_inner();
    if body.get("after").is_some() {
        return error(
            400,
            "validation_error",
            "body failed validation: `after` was replaced by `position` in 2026-03-11.",
        );
    }
    let children = body["children"].as_array().cloned().unwrap_or_default();
    let blocks = match check_blocks(&children, "body.children") {
        Ok(b) => b,
        Err(answer) => return *answer,
    };
    let mut s = state.lock().unwrap();
    let Some(p) = s.pages.iter_mut().find(|p| same_id(&p.id, &id)) else {
        return error(404, "object_not_found", &format!("Could not find block with ID: {id}."));
    };
    let results: Vec<Value> = blocks
        .iter()
        .map(|b| json!({"object": "block", "id": b.id, "type": b.kind}))
        .collect();
    p.blocks.extend(blocks);
    HttpResponse::Ok().json(json!({"object": "list", "results": results, "has_more": false, "next_cursor": null}))
}

async fn delete_block(req: HttpRequest, state: Shared, path: web::Path<String>) -> HttpResponse {
    if let Some(answer) = gate(&req, &state) {
        return answer;
    }
    let id = path.into_inner();
    let mut s = state.lock().unwrap();
    for p in s.pages.iter_mut() {
        if let Some(i) = p.blocks.iter().position(|b| b.id == id) {
            let b = p.blocks.remove(i);
            return HttpResponse::Ok().json(json!({"object": "block", "id": b.id, "type": b.kind, "in_trash": true}));
        }
    }
    error(404, "object_not_found", &format!("Could not find block with ID: {id}."))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn show_page(state: Shared, path: web::Path<String>) -> HttpResponse {
    let id = path.into_inner();
    let s = state.lock().unwrap();
    let Some(p) = s.pages.iter().find(|p| same_id(&p.id, &id)) else {
        return HttpResponse::NotFound().body("no such page");
    };
    let mut body = String::new();
    for b in &p.blocks {
        let text = escape(&b.text);
        let line = match b.kind.as_str() {
            "heading_1" => format!("<h2>{text}</h2>"),
            "heading_2" => format!("<h2>{text}</h2>"),
            "heading_3" => format!("<h3>{text}</h3>"),
            "bulleted_list_item" => format!("<ul><li>{text}</li></ul>"),
            "to_do" => format!(
                "<p data-kind=\"to_do\">[{}] {text}</p>",
                if b.checked == Some(true) { "x" } else { " " }
            ),
            _ => format!("<p>{text}</p>"),
        };
        body.push_str(&line);
    }
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} (Notion TEST MODE)</title></head>\
         <body style=\"font-family:sans-serif;max-width:48rem;margin:2rem auto\"><main data-testid=\"fake-notion-page\">\
         <p><strong>TEST MODE</strong>: a page of the offline stand-in for Notion.</p><h1>{title}</h1>{body}</main></body></html>",
        title = escape(&p.title)
    );
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html)
}
