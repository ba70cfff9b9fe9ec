//! The notes library: who sees which note (public, the room's, one's own; 404 otherwise),
//! search and paging, exact counts under concurrency, `note.shared` in the room's log, and
//! who may change or delete a note.

use parley_tests::{spawn_app, TestApp, TestUser};
use serde_json::{json, Value};
use uuid::Uuid;

use super::files::{form, no_redirects, pdf, uploaded};

async fn note(app: &TestApp, user: &TestUser, title: &str, room: Option<Uuid>, public: bool) -> Value {
    let file = uploaded(
        app,
        user,
        form(Some("note"), &format!("{title}.pdf"), "application/pdf", pdf(400)),
    )
    .await;
    let res = app
        .post(
            &user.token,
            "/v1/notes",
            json!({"title": title, "description": format!("about {title}"), "file_id": file["id"], "room_id": room, "is_public": public}),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

async fn titles(app: &TestApp, user: &TestUser, query: &str) -> Vec<String> {
    let page = app.get_json(&user.token, &format!("/v1/notes{query}")).await;
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_reader_sees_public_notes_their_rooms_notes_and_their_own_and_nothing_else() {
    let app = spawn_app().await;
    let (alice, bob, carol) = (app.user("alice").await, app.user("bob").await, app.user("carol").await);
    let room = app.create_room(&alice, "biology", "private").await;
    let res = app
        .post(
            &alice.token,
            &format!("/v1/rooms/{room}/members"),
            json!({"user_id": bob.id}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());

    let public = note(&app, &alice, "Cell division", None, true).await;
    let shared = note(&app, &alice, "Photosynthesis", Some(room), false).await;
    let own = note(&app, &alice, "Private draft", None, false).await;
    assert_eq!(shared["file"]["name"], "Photosynthesis.pdf");
    assert!(app.event_kinds(&bob, room).await.contains(&"note.shared".to_owned()));

    assert_eq!(
        titles(&app, &alice, "").await,
        ["Private draft", "Photosynthesis", "Cell division"]
    );
    assert_eq!(titles(&app, &bob, "").await, ["Photosynthesis", "Cell division"]);
    assert_eq!(titles(&app, &carol, "").await, ["Cell division"]);
    assert_eq!(
        titles(&app, &carol, &format!("?room_id={room}")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        titles(&app, &bob, &format!("?room_id={room}")).await,
        ["Photosynthesis"]
    );
    assert_eq!(titles(&app, &alice, "?q=photosynthesis").await, ["Photosynthesis"]);
    assert_eq!(titles(&app, &alice, "?q=about%20cell").await, ["Cell division"]);
    assert_eq!(titles(&app, &bob, "?mine=true").await, Vec::<String>::new());

    // Paging, newest first.
    let first = app.get_json(&alice.token, "/v1/notes?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    assert_eq!(
        titles(&app, &alice, &format!("?limit=2&cursor={cursor}")).await,
        ["Cell division"]
    );

    // What Carol may not see is 404 on every path, like a note that does not exist.
    for id in [&shared["id"], &own["id"], &json!(Uuid::now_v7())] {
        let id = id.as_str().unwrap();
        assert_eq!(app.get(&carol.token, &format!("/v1/notes/{id}")).await.status(), 404);
        let res = no_redirects()
            .get(format!("{}/v1/notes/{id}/download", app.url))
            .bearer_auth(&carol.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        assert_eq!(
            app.patch(&carol.token, &format!("/v1/notes/{id}"), json!({"title": "x"}))
                .await
                .status(),
            404
        );
        assert_eq!(app.delete(&carol.token, &format!("/v1/notes/{id}")).await.status(), 404);
    }
    let shared_file = shared["file"]["id"].as_str().unwrap();
    assert_eq!(
        app.get(&carol.token, &format!("/v1/files/{shared_file}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(&bob.token, &format!("/v1/files/{shared_file}")).await.status(),
        200
    );
    let public_file = public["file"]["id"].as_str().unwrap();
    assert_eq!(
        app.get(&carol.token, &format!("/v1/files/{public_file}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn counts_are_exact_under_concurrency_and_a_moderator_may_only_unshare_another_members_note() {
    let app = spawn_app().await;
    let (alice, bob, carol) = (app.user("alice").await, app.user("bob").await, app.user("carol").await);
    let room = app.create_room(&alice, "chem", "public").await;
    app.join(&bob, room).await;
    app.join(&carol, room).await;
    let n = note(&app, &bob, "Titration", Some(room), false).await;
    let id = n["id"].as_str().unwrap().to_owned();

    let views = (0..20).map(|_| app.get(&carol.token, &format!("/v1/notes/{id}")));
    assert!(futures_util::future::join_all(views)
        .await
        .iter()
        .all(|r| r.status() == 200));
    let downloads = (0..12).map(|_| {
        no_redirects()
            .get(format!("{}/v1/notes/{id}/download", app.url))
            .bearer_auth(&carol.token)
            .send()
    });
    for res in futures_util::future::join_all(downloads).await {
        assert_eq!(res.unwrap().status(), 302);
    }
    let seen = app.get_json(&bob.token, &format!("/v1/notes/{id}")).await;
    assert_eq!(
        (seen["view_count"].as_i64(), seen["download_count"].as_i64()),
        (Some(21), Some(12))
    );

    // Another member may not change it. The room's owner (a moderator) may not make it
    // public, retitle it or move it to another room: only unshare it from the room. The
    // author may change anything.
    let res = app
        .patch(&carol.token, &format!("/v1/notes/{id}"), json!({"title": "Mine now"}))
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.delete(&carol.token, &format!("/v1/notes/{id}")).await.status(), 403);
    let alices_room = app.create_room(&alice, "alice's", "public").await;
    for change in [
        json!({"is_public": true}),
        json!({"title": "Titration (checked)"}),
        json!({"description": "mine"}),
        json!({"room_id": alices_room}),
        json!({"room_id": null, "is_public": true}),
    ] {
        let res = app
            .patch(&alice.token, &format!("/v1/notes/{id}"), change.clone())
            .await;
        assert_eq!(res.status(), 403, "a moderator changed {change}");
    }
    let res = app
        .patch(
            &bob.token,
            &format!("/v1/notes/{id}"),
            json!({"title": "Titration (checked)"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch(&alice.token, &format!("/v1/notes/{id}"), json!({"room_id": null}))
        .await;
    assert_eq!(res.status(), 200, "the moderator unshares it from the room");
    let moved: Value = res.json().await.unwrap();
    assert_eq!(
        (moved["title"].as_str(), &moved["room_id"], &moved["is_public"]),
        (Some("Titration (checked)"), &Value::Null, &json!(false))
    );

    // A note needs one's own unused note upload, and a room one belongs to.
    let attachment = uploaded(&app, &bob, form(None, "a.pdf", "application/pdf", pdf(100))).await;
    let alices = uploaded(&app, &alice, form(Some("note"), "b.pdf", "application/pdf", pdf(100))).await;
    for file in [&attachment["id"], &alices["id"], &n["file"]["id"]] {
        let res = app
            .post(
                &bob.token,
                "/v1/notes",
                json!({"title": "t", "file_id": file, "is_public": true}),
            )
            .await;
        assert_eq!(res.status(), 422, "{file}");
    }
    let private = app.create_room(&alice, "staff", "private").await;
    let mine = uploaded(&app, &bob, form(Some("note"), "c.pdf", "application/pdf", pdf(100))).await;
    let res = app
        .post(
            &bob.token,
            "/v1/notes",
            json!({"title": "t", "file_id": mine["id"], "room_id": private, "is_public": false}),
        )
        .await;
    assert_eq!(res.status(), 404);

    // Deleting the note deletes its file.
    assert_eq!(app.delete(&bob.token, &format!("/v1/notes/{id}")).await.status(), 204);
    assert_eq!(app.get(&bob.token, &format!("/v1/notes/{id}")).await.status(), 404);
    let file = n["file"]["id"].as_str().unwrap();
    assert_eq!(app.get(&bob.token, &format!("/v1/files/{file}")).await.status(), 404);
}
