//! Notion (integrations issue): a user's own connection (a pasted token, or OAuth with
//! refresh rotation), kept encrypted; a session record exported to it by a durable job —
//! over 100 blocks, texts over 2,000 characters, a 429 midway, a 500 then success, exported
//! again into the same page, a revoked token (the export fails clearly and the connection
//! shows as disconnected); only for those who may read the record.

use std::time::Duration;

use parley::platform::config::NotionOAuth;
use parley_tests::notion::{self, FakeNotion};
use parley_tests::{eventually, spawn_app_with, TestApp, TestUser};
use serde_json::{json, Value};

async fn app_with(fake: &FakeNotion, oauth: bool) -> TestApp {
    let base = fake.base();
    spawn_app_with(move |s| {
        s.integrations.notion_api_base = base;
        if oauth {
            s.integrations.notion_oauth = Some(NotionOAuth {
                client_id: notion::CLIENT_ID.into(),
                client_secret: notion::CLIENT_SECRET.into(),
                redirect_uri: "http://placeholder/v1/integrations/notion/callback".into(),
            });
        }
    })
    .await
}

/// A room with an ended session: `lines` messages, one of them over 4,000 characters.
async fn ended_session(app: &TestApp, host: &TestUser, lines: usize) -> (uuid::Uuid, String) {
    let room = app.create_room(host, "tutoring", "private").await;
    let res = app
        .post(
            &host.token,
            &format!("/v1/rooms/{room}/sessions"),
            json!({"title": "CS101 tutoring"}),
        )
        .await;
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(&host.token, &format!("/v1/sessions/{id}/start"), json!({}))
            .await
            .status(),
        200
    );
    for i in 0..lines {
        let body = if i == 3 {
            format!("long {}", "lorem ipsum ".repeat(330))
        } else {
            format!("line {i}")
        };
        app.post_message(host, room, &body).await;
    }
    let res = app
        .post(
            &host.token,
            &format!("/v1/sessions/{id}/notes"),
            json!({"kind": "action_item", "body": "Read chapter 4", "visibility": "shared"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        app.post(&host.token, &format!("/v1/sessions/{id}/end"), json!({}))
            .await
            .status(),
        200
    );
    (room, id)
}

async fn export_done(app: &TestApp, user: &TestUser, export: &Value) -> Value {
    let path = format!("/v1/exports/{}", export["id"].as_str().unwrap());
    eventually(Duration::from_secs(30), "the export finishes", || async {
        let e = app.get_json(&user.token, &path).await;
        matches!(e["status"].as_str(), Some("done" | "failed"))
    })
    .await;
    app.get_json(&user.token, &path).await
}

async fn start_export(app: &TestApp, user: &TestUser, session: &str) -> (u16, Value) {
    let res = app
        .post(
            &user.token,
            &format!("/v1/sessions/{session}/exports"),
            json!({"target": "notion"}),
        )
        .await;
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn a_session_record_goes_to_ones_own_notion_once_page_and_survives_limits_and_failures() {
    let fake = FakeNotion::start().await;
    let app = app_with(&fake, false).await;
    let host = app.user("host").await;
    let stranger = app.user("stranger").await;
    let (_, session) = ended_session(&app, &host, 120).await;

    // Not connected yet: a clear refusal; a stranger cannot even see the session.
    let (status, p) = start_export(&app, &host, &session).await;
    assert_eq!((status, p["code"].as_str()), (409, Some("integration_not_connected")));
    let (status, _) = start_export(&app, &stranger, &session).await;
    assert_eq!(status, 404);

    // A pasted token, checked with Notion; the list never shows it.
    let token = fake.issue_token();
    for bad in ["", "has space", "ntn_not_a_real_one"] {
        let res = app
            .request(reqwest::Method::PUT, &host.token, "/v1/integrations/notion/token")
            .json(&json!({"token": bad}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{bad:?}");
    }
    let res = app
        .request(reqwest::Method::PUT, &host.token, "/v1/integrations/notion/token")
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let list = app.get_json(&host.token, "/v1/integrations").await;
    assert_eq!(list["items"][0]["status"], "connected");
    assert_eq!(list["items"][0]["workspace_name"], notion::WORKSPACE);
    assert!(!list.to_string().contains(&token));
    let stored = app
        .db_query_text(&format!(
            "SELECT encode(access_token, 'escape') AS t FROM integrations WHERE user_id = '{}'",
            host.id
        ))
        .await;
    assert!(!stored.contains(&token), "tokens are encrypted at rest");

    // The first append is rate limited (Retry-After: 1); the export waits and goes on.
    fake.fail_once("PATCH", "/children", 429, "rate_limited", Some(1));
    let (status, export) = start_export(&app, &host, &session).await;
    assert_eq!((status, export["status"].as_str()), (202, Some("queued")));
    let done = export_done(&app, &host, &export).await;
    assert_eq!(done["status"], "done", "{done}");
    let pages = fake.pages();
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    assert_eq!(page.title, "CS101 tutoring");
    assert!(page.blocks.len() > 100, "{} blocks", page.blocks.len());
    let url = done["page_url"].as_str().unwrap().to_owned();
    assert!(url.ends_with(&page.id.replace('-', "")));
    let text: String = page
        .blocks
        .iter()
        .map(|b| b.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("line 119") && text.contains(&"lorem ipsum ".repeat(300)));
    assert!(page
        .blocks
        .iter()
        .any(|b| b.kind == "to_do" && b.text.starts_with("Read chapter 4") && b.checked == Some(false)));

    // Again, with Notion failing once (500): the job retries; the same page, content replaced.
    fake.fail_once("GET", "/v1/pages/", 500, "internal_server_error", None);
    let (status, again) = start_export(&app, &host, &session).await;
    assert_eq!((status, &again["id"]), (202, &export["id"]));
    let done = export_done(&app, &host, &again).await;
    assert_eq!(
        (done["status"].as_str(), done["page_url"].as_str()),
        (Some("done"), Some(url.as_str()))
    );
    let pages = fake.pages();
    assert_eq!(pages.len(), 1, "no second page");
    assert_eq!(pages[0].blocks.len(), page.blocks.len(), "replaced, not appended twice");

    // The session's exports say where it went (after a reload of the record page).
    let listed = app
        .get_json(&host.token, &format!("/v1/sessions/{session}/exports"))
        .await;
    assert_eq!(listed["items"][0]["page_url"], json!(url));
    let res = app
        .get(&stranger.token, &format!("/v1/sessions/{session}/exports"))
        .await;
    assert_eq!(res.status(), 404);

    // Someone else's export is not there for them.
    let res = app
        .get(
            &stranger.token,
            &format!("/v1/exports/{}", export["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(res.status(), 404);

    // The user revoked Parley in Notion: the export fails clearly; the connection says why.
    fake.revoke(&token);
    let (_, third) = start_export(&app, &host, &session).await;
    let failed = export_done(&app, &host, &third).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"].as_str().unwrap().contains("connect it again"),
        "{failed}"
    );
    let list = app.get_json(&host.token, "/v1/integrations").await;
    assert_eq!(list["items"][0]["status"], "disconnected");
    assert!(list["items"][0]["problem"]
        .as_str()
        .unwrap()
        .contains("connect it again"));
    let (status, p) = start_export(&app, &host, &session).await;
    assert_eq!((status, p["code"].as_str()), (409, Some("integration_not_connected")));
}

#[tokio::test]
async fn notion_oauth_connects_through_consent_and_a_refused_token_is_refreshed() {
    let fake = FakeNotion::start().await;
    let app = app_with(&fake, true).await;
    let user = app.user("user").await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // 302 to Notion's consent page (or its URL as JSON for a web app).
    let res = no_redirects
        .get(format!("{}/v1/integrations/notion/authorize", app.url))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let consent = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(consent.starts_with(&format!(
        "{}/v1/oauth/authorize?client_id={}",
        fake.base(),
        notion::CLIENT_ID
    )));
    let res = app
        .request(reqwest::Method::GET, &user.token, "/v1/integrations/notion/authorize")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(res.json::<Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .contains("state="));

    // The user allows it; Notion sends the browser to our callback with a code.
    let page = reqwest::get(&consent).await.unwrap().text().await.unwrap();
    let allow = page
        .split("id=\"allow\" data-testid=\"fake-notion-allow\" href=\"")
        .nth(1)
        .unwrap();
    let allow = allow.split('"').next().unwrap().replace("&amp;", "&");
    let query = allow.split_once('?').unwrap().1.to_owned();
    // A forged state is refused.
    let forged = query.replace("state=", "state=x");
    let res = no_redirects
        .get(format!("{}/v1/integrations/notion/callback?{forged}", app.url))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/connections?notion=error"));
    let res = no_redirects
        .get(format!("{}/v1/integrations/notion/callback?{query}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("{}/connections?notion=connected", app.settings.payments.app_url)
    );
    let list = app.get_json(&user.token, "/v1/integrations").await;
    assert_eq!(
        (
            list["items"][0]["status"].as_str(),
            list["items"][0]["workspace_name"].as_str()
        ),
        (Some("connected"), Some(notion::WORKSPACE))
    );
    // The code was used once: a replay changes nothing and says so.
    let res = no_redirects
        .get(format!("{}/v1/integrations/notion/callback?{query}", app.url))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["location"].to_str().unwrap().ends_with("?notion=error"));

    // Notion stops accepting the access token: the export refreshes it (rotation) and goes on.
    let (_, session) = ended_session(&app, &user, 3).await;
    fake.revoke_all_access();
    let (status, export) = start_export(&app, &user, &session).await;
    assert_eq!(status, 202);
    let done = export_done(&app, &user, &export).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(fake.refreshed(), 1, "refreshed once; the old refresh token is spent");

    // Disconnecting forgets the tokens.
    assert_eq!(app.delete(&user.token, "/v1/integrations/notion").await.status(), 204);
    let list = app.get_json(&user.token, "/v1/integrations").await;
    assert_eq!(list["items"][0]["status"], "disconnected");
}
