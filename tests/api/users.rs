use parley_tests::spawn_app;
use serde_json::{json, Value};

#[tokio::test]
async fn a_user_updates_their_profile() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let res = app.patch(&ann.token, "/v1/me", json!({"display_name": "  Ann B ", "bio": "hi", "color": "#AA00FF", "image_url": "https://img.example.com/a.png"})).await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["display_name"], "Ann B");
    assert_eq!(me["color"], "#aa00ff");
    assert_eq!(me["profile_complete"], true);
    let again = app.get_json(&ann.token, "/v1/me").await;
    assert_eq!(again["bio"], "hi");
}

#[tokio::test]
async fn profile_updates_refuse_protected_fields_and_bad_values() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    for body in [
        json!({"role": "admin"}),
        json!({"id": "00000000-0000-0000-0000-000000000000"}),
        json!({"email": "x@y.z"}),
        json!({"display_name": "ok", "role": "admin"}),
    ] {
        let res = app.patch(&ann.token, "/v1/me", body.clone()).await;
        assert_eq!(res.status(), 422, "{body}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "invalid");
        assert!(
            problem["detail"].as_str().unwrap().contains("unknown field"),
            "{problem}"
        );
    }
    for body in [
        json!({"display_name": ""}),
        json!({"color": "blue"}),
        json!({"image_url": "javascript:alert(1)"}),
        json!({"bio": "x".repeat(501)}),
        json!({"display_name": 5}),
    ] {
        let res = app.patch(&ann.token, "/v1/me", body.clone()).await;
        assert_eq!(res.status(), 422, "{body}");
    }
    let me = app.get_json(&ann.token, "/v1/me").await;
    assert_eq!(me["role"], "user");
    assert_eq!(me["display_name"], "ann");
}

#[tokio::test]
async fn users_are_found_by_name_prefix_page_by_page() {
    let app = spawn_app().await;
    let me = app.user("searcher").await;
    for i in 0..5 {
        let u = app.user(&format!("zed{i}")).await;
        app.patch(&u.token, "/v1/me", json!({"display_name": format!("Zed {i}")}))
            .await;
    }
    app.user("other").await;
    let first = app.get_json(&me.token, "/v1/users?q=zed&limit=3").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get_json(&me.token, &format!("/v1/users?q=ZED&limit=3&cursor={cursor}"))
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert!(second["next_cursor"].is_null());
    let mut names: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|u| u["display_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Zed 0", "Zed 1", "Zed 2", "Zed 3", "Zed 4"]);
    let one = app
        .get_json(
            &me.token,
            &format!("/v1/users/{}", first["items"][0]["id"].as_str().unwrap()),
        )
        .await;
    assert!(one["display_name"].as_str().unwrap().starts_with("Zed"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_problem_never_a_5xx() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let cases: Vec<(reqwest::RequestBuilder, u16)> = vec![
        (
            app.request(reqwest::Method::GET, &ann.token, "/v1/users/not-a-uuid"),
            404,
        ),
        (
            app.request(
                reqwest::Method::GET,
                &ann.token,
                &format!("/v1/users/{}", uuid::Uuid::new_v4()),
            ),
            404,
        ),
        (app.request(reqwest::Method::GET, &ann.token, "/v1/users?limit=0"), 422),
        (
            app.request(reqwest::Method::GET, &ann.token, "/v1/users?limit=abc"),
            422,
        ),
        (
            app.request(reqwest::Method::GET, &ann.token, "/v1/users?cursor=%%%"),
            422,
        ),
        (
            app.request(reqwest::Method::PATCH, &ann.token, "/v1/me")
                .header("content-type", "application/json")
                .body("{not json"),
            422,
        ),
        (
            app.request(reqwest::Method::PATCH, &ann.token, "/v1/me")
                .header("content-type", "text/plain")
                .body("{}"),
            415,
        ),
        (
            app.request(reqwest::Method::PATCH, &ann.token, "/v1/me")
                .json(&json!({"bio": "x".repeat(70_000)})),
            413,
        ),
        (
            app.request(reqwest::Method::POST, &ann.token, "/v1/rooms")
                .json(&json!([1, 2])),
            422,
        ),
        // A known path with a method it does not have is 405 (with Allow, below).
        (app.request(reqwest::Method::DELETE, &ann.token, "/v1/me"), 405),
        (app.request(reqwest::Method::GET, &ann.token, "/v1/nowhere"), 404),
    ];
    for (req, status) in cases {
        let res = req.send().await.unwrap();
        let url = res.url().to_string();
        assert_eq!(res.status().as_u16(), status, "{url}");
        assert_eq!(res.headers()["content-type"], "application/problem+json", "{url}");
        if status == 405 {
            assert_eq!(res.headers()["allow"], "GET, HEAD, PATCH", "{url}");
        }
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["status"], status, "{url}");
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{url}");
        assert!(
            problem["code"].is_string() && problem["type"].is_string() && problem["title"].is_string(),
            "{url}"
        );
    }
}

/// Keys that only the user themself (`GET /v1/me`) may see.
const PRIVATE_KEYS: [&str; 5] = ["email", "clerk_id", "first_name", "last_name", "role"];

fn assert_public(view: &Value, context: &str) {
    for key in PRIVATE_KEYS {
        assert!(view.get(key).is_none(), "{context} shows {key}: {view}");
    }
    assert_eq!(view["kind"], "user", "{context}: {view}");
}

#[tokio::test]
async fn other_people_get_the_public_profile_and_are_never_found_by_email() {
    let app = spawn_app().await;
    let ada = app.user("ada").await;
    let bob = app.user("bob").await;
    app.exec(&format!(
        "UPDATE users SET email = 'ada.secret@example.com', first_name = 'Augusta', last_name = 'King' WHERE id = '{}'",
        ada.id
    ))
    .await;
    app.patch(
        &ada.token,
        "/v1/me",
        json!({"display_name": "Countess", "bio": "numbers"}),
    )
    .await;
    let room = app.create_room(&ada, "salon", "public").await;
    app.join(&bob, room).await;
    app.post_message(&ada, room, "hello").await;

    // Ada sees her own private profile.
    let me = app.get_json(&ada.token, "/v1/me").await;
    assert_eq!(me["email"], "ada.secret@example.com");
    assert_eq!(me["clerk_id"], ada.clerk_id.as_str());

    // Bob sees the public one everywhere Ada appears.
    let profile = app.get_json(&bob.token, &format!("/v1/users/{}", ada.id)).await;
    assert_public(&profile, "GET /v1/users/{id}");
    assert_eq!(
        (profile["display_name"].as_str(), profile["bio"].as_str()),
        (Some("Countess"), Some("numbers"))
    );
    let found = app.get_json(&bob.token, "/v1/users?q=count").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_public(&found["items"][0], "GET /v1/users");
    let members = app.get_json(&bob.token, &format!("/v1/rooms/{room}/members")).await;
    for member in members["items"].as_array().unwrap() {
        assert_public(&member["user"], "GET /v1/rooms/{id}/members");
    }
    let history = app.get_json(&bob.token, &format!("/v1/rooms/{room}/messages")).await;
    for message in history["items"].as_array().unwrap() {
        for key in PRIVATE_KEYS {
            assert!(!message.to_string().contains("ada.secret"), "a message shows {key}");
        }
    }

    // Search is by display name only: neither the e-mail nor the legal name finds her.
    for q in ["ada.secret", "ada.secret@example.com", "augusta"] {
        let found = app.get_json(&bob.token, &format!("/v1/users?q={q}")).await;
        assert_eq!(found["items"], json!([]), "found by {q}");
    }
}
