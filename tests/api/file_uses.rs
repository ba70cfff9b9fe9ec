//! Files in use: message attachments (REST and socket, live to the room, claimed once,
//! deleted with the message), avatars and room logos (replacing deletes the old one), and
//! who may see each.

use std::time::Duration;

use parley_tests::{eventually, spawn_app, TestApp, TestUser};
use serde_json::{json, Value};
use uuid::Uuid;

use super::files::{download_location, form, no_redirects, objects, pdf, uploaded};

/// A real 900x300 PNG (a thumbnail is made of it).
fn wide_png() -> Vec<u8> {
    png(900, 300)
}

fn small_png() -> Vec<u8> {
    png(8, 8)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn post(app: &TestApp, user: &TestUser, room: Uuid, body: Value) -> reqwest::Response {
    let mut body = body;
    body["client_msg_id"] = Uuid::new_v4().to_string().into();
    app.post(&user.token, &format!("/v1/rooms/{room}/messages"), body).await
}

/// Follows a download (or thumbnail) redirect: the status, content type and bytes served.
async fn fetch(app: &TestApp, user: &TestUser, path: &str) -> (u16, String, Vec<u8>) {
    let res = no_redirects()
        .get(format!("{}{path}", app.url))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap();
    if res.status() != 302 {
        return (res.status().as_u16(), String::new(), Vec::new());
    }
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let got = reqwest::get(format!("{}{location}", app.url)).await.unwrap();
    let status = got.status().as_u16();
    let content_type = got.headers()["content-type"].to_str().unwrap().to_owned();
    (status, content_type, got.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn attachments_reach_the_room_live_are_claimed_once_and_go_with_their_message() {
    let app = spawn_app().await;
    let (alice, bob, carol) = (app.user("alice").await, app.user("bob").await, app.user("carol").await);
    let room = app.create_room(&alice, "study", "public").await;
    app.join(&bob, room).await;
    let mut ws = app.connect(&bob).await;
    let ok = ws.call(json!({"type": "subscribe", "room_id": room})).await;
    assert_eq!(ok["type"], "ok", "{ok}");

    let image = uploaded(&app, &alice, form(None, "chart.png", "image/png", wide_png())).await;
    assert_eq!(
        image["thumbnail_url"],
        format!("/v1/files/{}/thumbnail", image["id"].as_str().unwrap())
    );
    let doc = uploaded(&app, &alice, form(None, "notes.pdf", "application/pdf", pdf(3000))).await;
    let (image_id, doc_id) = (image["id"].as_str().unwrap(), doc["id"].as_str().unwrap());

    // No text, two files.
    let res = post(&app, &alice, room, json!({"attachment_ids": [image_id, doc_id]})).await;
    assert_eq!(res.status(), 201);
    let message: Value = res.json().await.unwrap();
    assert_eq!(message["body"], "");
    let attachments = message["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0]["name"], "chart.png");
    assert_eq!(
        (attachments[0]["width"].as_i64(), attachments[0]["height"].as_i64()),
        (Some(900), Some(300))
    );
    assert_eq!(attachments[1]["content_type"], "application/pdf");
    assert!(attachments[1].get("thumbnail_url").is_none());

    // Bob sees it live, and in the history.
    let event = ws.next_event().await;
    assert_eq!(event["event"], "message.created");
    assert_eq!(event["data"]["attachments"], message["attachments"]);
    let history = app.get_json(&bob.token, &format!("/v1/rooms/{room}/messages")).await;
    assert_eq!(history["items"][0]["attachments"], message["attachments"]);

    // Members download; the thumbnail is a JPEG of at most 480 px.
    let (status, _, bytes) = fetch(&app, &bob, &format!("/v1/files/{doc_id}/download")).await;
    assert_eq!((status, bytes), (200, pdf(3000)));
    let (status, content_type, thumb) = fetch(&app, &bob, &format!("/v1/files/{image_id}/thumbnail")).await;
    assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));
    let small = image::load_from_memory(&thumb).unwrap();
    assert_eq!((small.width(), small.height()), (480, 160));
    // Whoever reads the room downloads its attachments: in a public room, non-members too
    // (they see the message and its attachments' ids).
    for path in [
        format!("/v1/files/{doc_id}/download"),
        format!("/v1/files/{image_id}/thumbnail"),
        format!("/v1/files/{doc_id}"),
    ] {
        assert_eq!(fetch(&app, &carol, &path).await.0, 200, "{path}");
    }
    // In a private room, anyone else gets 404, as for a file that does not exist.
    let private = app.create_room(&alice, "staff", "private").await;
    let secret = uploaded(&app, &alice, form(None, "plan.pdf", "application/pdf", pdf(500))).await;
    let res = post(&app, &alice, private, json!({"attachment_ids": [secret["id"]]})).await;
    assert_eq!(res.status(), 201);
    let secret_id = secret["id"].as_str().unwrap();
    for path in [
        format!("/v1/files/{secret_id}/download"),
        format!("/v1/files/{secret_id}"),
    ] {
        assert_eq!(fetch(&app, &carol, &path).await.0, 404, "{path}");
    }

    // An attached file cannot be attached again, nor someone else's, nor 11, nor one twice.
    let bobs = uploaded(&app, &bob, form(None, "b.pdf", "application/pdf", pdf(100))).await;
    let avatar = uploaded(&app, &alice, form(Some("avatar"), "me.png", "image/png", small_png())).await;
    let fresh = uploaded(&app, &alice, form(None, "c.pdf", "application/pdf", pdf(100))).await;
    for ids in [
        json!([doc_id]),
        json!([bobs["id"]]),
        json!([avatar["id"]]),
        json!([Uuid::now_v7()]),
        json!(vec![fresh["id"].clone(); 2]),
        json!((0..11).map(|_| Uuid::now_v7()).collect::<Vec<_>>()),
    ] {
        let res = post(&app, &alice, room, json!({"body": "again", "attachment_ids": ids})).await;
        assert_eq!(res.status(), 422, "{ids}");
    }
    assert_eq!(
        post(&app, &alice, room, json!({})).await.status(),
        422,
        "neither body nor files"
    );
    // Nothing of those refused posts was stored.
    assert_eq!(
        app.db_query_i64(&format!("SELECT count(*) AS n FROM messages WHERE room_id = '{room}'"))
            .await,
        1
    );
    assert_eq!(
        app.get_json(&alice.token, &format!("/v1/files/{}", fresh["id"].as_str().unwrap()))
            .await["status"],
        "uploaded"
    );

    // Deleting the message deletes its files: rows at once, objects right after.
    let before = objects(&app);
    let res = app
        .delete(
            &alice.token,
            &format!("/v1/messages/{}", message["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(res.status(), 200);
    let deleted: Value = res.json().await.unwrap();
    assert_eq!(deleted["attachments"], json!([]));
    assert_eq!(ws.next_event().await["data"]["attachments"], json!([]));
    let events = app.get_json(&bob.token, &format!("/v1/rooms/{room}/events")).await;
    assert_eq!(
        events["items"].as_array().unwrap().last().unwrap()["data"]["attachments"],
        json!([])
    );
    let created = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "message.created")
        .unwrap()
        .clone();
    assert_eq!(
        created["data"]["attachments"],
        json!([]),
        "the log keeps no trace of them"
    );
    assert_eq!(
        fetch(&app, &alice, &format!("/v1/files/{doc_id}/download")).await.0,
        404
    );
    // The image, its thumbnail and the PDF: three objects go.
    eventually(
        Duration::from_secs(10),
        "the deleted message's objects removed",
        || async { objects(&app) == before - 3 },
    )
    .await;
}

#[tokio::test]
async fn a_socket_send_carries_attachments_and_two_racing_posts_cannot_share_one() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let room = app.create_room(&alice, "r", "private").await;
    let file = uploaded(&app, &alice, form(None, "a.pdf", "application/pdf", pdf(500))).await;
    let mut ws = app.connect(&alice).await;
    let reply = ws
        .call(json!({"type": "send", "room_id": room, "client_msg_id": "m1", "attachment_ids": [file["id"]]}))
        .await;
    assert_eq!(reply["type"], "ok", "{reply}");
    assert_eq!(reply["message"]["attachments"][0]["id"], file["id"]);
    // A retry is the same message, not a refusal (the file is attached to it already).
    let again = ws
        .call(json!({"type": "send", "room_id": room, "client_msg_id": "m1", "attachment_ids": [file["id"]]}))
        .await;
    assert_eq!(
        (again["duplicate"].as_bool(), &again["message"]["id"]),
        (Some(true), &reply["message"]["id"])
    );

    // Ten posts race for one upload (REST and socket): exactly one gets it.
    let contested = uploaded(&app, &alice, form(None, "x.pdf", "application/pdf", pdf(500))).await;
    let posts = (0..10).map(|_| {
        post(
            &app,
            &alice,
            room,
            json!({"body": "mine", "attachment_ids": [contested["id"]]}),
        )
    });
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 9, "{statuses:?}");
}

#[tokio::test]
async fn avatars_and_room_logos_are_seen_by_everyone_and_a_replaced_one_is_deleted() {
    let app = spawn_app().await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let first = uploaded(&app, &alice, form(Some("avatar"), "a.png", "image/png", wide_png())).await;
    let first_id = first["id"].as_str().unwrap();
    // Not yet in use: only its owner sees it.
    assert_eq!(
        app.get(&bob.token, &format!("/v1/files/{first_id}")).await.status(),
        404
    );
    let me: Value = app
        .patch(&alice.token, "/v1/me", json!({"avatar_file_id": first_id}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["avatar_file_id"], first_id);
    let profile = app
        .get_json(&bob.token, &format!("/v1/users/{}", me["id"].as_str().unwrap()))
        .await;
    assert_eq!(profile["avatar_file_id"], first_id);
    let (status, content_type, bytes) = fetch(&app, &bob, &format!("/v1/files/{first_id}/download?inline=1")).await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 512);

    // Only one's own avatar upload: not an attachment, not someone else's.
    let attachment = uploaded(&app, &alice, form(None, "b.png", "image/png", small_png())).await;
    let bobs = uploaded(&app, &bob, form(Some("avatar"), "c.png", "image/png", small_png())).await;
    for id in [&attachment["id"], &bobs["id"], &json!(Uuid::now_v7())] {
        let res = app.patch(&alice.token, "/v1/me", json!({"avatar_file_id": id})).await;
        assert_eq!(res.status(), 422, "{id}");
    }
    assert_eq!(app.get_json(&alice.token, "/v1/me").await["avatar_file_id"], first_id);

    // Replaced: the first one is gone for everyone, its object too.
    let before = objects(&app);
    let second = uploaded(&app, &alice, form(Some("avatar"), "d.png", "image/png", small_png())).await;
    let res = app
        .patch(&alice.token, "/v1/me", json!({"avatar_file_id": second["id"]}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get(&alice.token, &format!("/v1/files/{first_id}")).await.status(),
        404
    );
    eventually(
        Duration::from_secs(10),
        "the replaced avatar's object removed",
        || async { objects(&app) == before },
    )
    .await;
    let cleared: Value = app
        .patch(&alice.token, "/v1/me", json!({"avatar_file_id": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["avatar_file_id"], Value::Null);
    assert_eq!(
        app.get(&alice.token, &format!("/v1/files/{}", second["id"].as_str().unwrap()))
            .await
            .status(),
        404
    );

    // Room logos: owners and moderators set them; everyone signed in sees them.
    let room = app.create_room(&alice, "logo", "public").await;
    app.join(&bob, room).await;
    let logo = uploaded(&app, &alice, form(Some("room_logo"), "l.png", "image/png", small_png())).await;
    let bobs_logo = uploaded(&app, &bob, form(Some("room_logo"), "l.png", "image/png", small_png())).await;
    let res = app
        .patch(
            &bob.token,
            &format!("/v1/rooms/{room}"),
            json!({"logo_file_id": bobs_logo["id"]}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let updated: Value = app
        .patch(
            &alice.token,
            &format!("/v1/rooms/{room}"),
            json!({"logo_file_id": logo["id"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["logo_file_id"], logo["id"]);
    let carol = app.user("carol").await;
    assert_eq!(
        app.get(&carol.token, &format!("/v1/files/{}", logo["id"].as_str().unwrap()))
            .await
            .status(),
        200
    );
    let location = download_location(&app, &carol, logo["id"].as_str().unwrap(), "?inline=1").await;
    assert!(location.contains("inline=1"), "{location}");
}

#[tokio::test]
async fn a_file_deleted_during_a_download_finishes_that_download_and_is_gone_after() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let bytes = pdf(1024 * 1024); // the test limit: large enough to stream in many chunks
    let file = uploaded(&app, &alice, form(None, "big.pdf", "application/pdf", bytes.clone())).await;
    let id = file["id"].as_str().unwrap();
    let location = download_location(&app, &alice, id, "").await;
    // The download has begun (headers in) when the file is deleted.
    let started = reqwest::get(format!("{}{location}", app.url)).await.unwrap();
    assert_eq!(started.status(), 200);
    assert_eq!(app.delete(&alice.token, &format!("/v1/files/{id}")).await.status(), 204);
    assert_eq!(
        started.bytes().await.unwrap().as_ref(),
        bytes.as_slice(),
        "the started download is whole"
    );
    // The same signed URL, still unexpired, now finds nothing.
    assert_eq!(
        reqwest::get(format!("{}{location}", app.url)).await.unwrap().status(),
        404
    );
    assert_eq!(app.get(&alice.token, &format!("/v1/files/{id}")).await.status(), 404);
}

#[tokio::test]
async fn uploads_count_against_the_per_user_rate_limit_and_a_refused_one_leaves_nothing() {
    let app = parley_tests::spawn_app_with(|s| s.posting.send_rate_per_sec = 3).await;
    let alice = app.user("alice").await;
    let uploads = (0..12).map(|i| {
        super::files::upload(
            &app,
            &alice,
            form(None, &format!("{i}.pdf"), "application/pdf", pdf(2000)),
        )
    });
    let statuses: Vec<u16> = futures_util::future::join_all(uploads)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let accepted = statuses.iter().filter(|s| **s == 201).count();
    assert!(accepted >= 1 && statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 429), "{statuses:?}");
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM files").await,
        accepted as i64
    );
    assert_eq!(objects(&app), accepted);
}
