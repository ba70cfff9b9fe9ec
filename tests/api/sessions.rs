//! Live sessions: start and end in a room, attendance from sockets on any instance, notes
//! (shared live, private to their author), the record and its Markdown export, with the
//! room's visibility rules.

use parley_tests::{spawn_cluster, spawn_paid, TestApp, TestUser, WsClient};
use serde_json::{json, Value};
use uuid::Uuid;

async fn subscribe(ws: &mut WsClient, room: Uuid) {
    let reply = ws.call(json!({"type": "subscribe", "room_id": room})).await;
    assert_eq!(reply["type"], "ok", "{reply}");
}

/// The next room event of `kind`, skipping others.
async fn event_of(ws: &mut WsClient, kind: &str) -> Value {
    loop {
        let e = ws.next_event().await;
        if e["event"] == kind {
            return e;
        }
    }
}

async fn record(app: &TestApp, user: &TestUser, session: &str) -> Value {
    app.get_json(&user.token, &format!("/v1/sessions/{session}/record"))
        .await
}

fn participant<'a>(record: &'a Value, user: &TestUser) -> Option<&'a Value> {
    record["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["user_id"] == user.id.to_string())
}

#[tokio::test]
async fn a_live_session_records_attendance_on_both_instances_its_notes_and_its_transcript() {
    let apps = spawn_cluster(2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let host = a.user("host").await;
    let ann = a.user("ann").await;
    let bob = a.user("bob").await;
    let stranger = a.user("stranger").await;
    let room = a.create_room(&host, "study group", "public").await;
    a.join(&ann, room).await;
    a.join(&bob, room).await;
    let res = a
        .post(
            &host.token,
            &format!("/v1/rooms/{room}/sessions"),
            json!({"title": "Week 3: proofs"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let s: Value = res.json().await.unwrap();
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(s["status"], "scheduled");
    // Only the host and the room's managers run it; members of the room see it.
    assert_eq!(
        a.post(&ann.token, &format!("/v1/sessions/{id}/start"), json!({}))
            .await
            .status(),
        403
    );
    assert_eq!(
        a.get(&stranger.token, &format!("/v1/sessions/{id}")).await.status(),
        404,
        "members only, even in a public room"
    );
    let listed = a.get_json(&ann.token, &format!("/v1/rooms/{room}/sessions")).await;
    assert_eq!(listed["items"][0]["id"], s["id"]);

    // Ann is in the room (instance A) before it starts; a message before is not in it.
    let mut ann_ws = a.connect(&ann).await;
    subscribe(&mut ann_ws, room).await;
    a.post_message(&host, room, "before we start").await;
    let started = b
        .post(&host.token, &format!("/v1/sessions/{id}/start"), json!({}))
        .await;
    assert_eq!(started.status(), 200);
    let started: Value = started.json().await.unwrap();
    assert_eq!(started["status"], "live");
    let e = event_of(&mut ann_ws, "session.started").await;
    assert_eq!(e["data"]["id"], s["id"]);
    let joined = event_of(&mut ann_ws, "session.participant_joined").await;
    assert_eq!(
        joined["data"]["user_id"],
        ann.id.to_string(),
        "ann was there when it started"
    );

    // Bob comes in on instance B: he starts attending, and ann's socket hears of it.
    let mut bob_ws = b.connect(&bob).await;
    subscribe(&mut bob_ws, room).await;
    let joined = event_of(&mut ann_ws, "session.participant_joined").await;
    assert_eq!(joined["data"]["user_id"], bob.id.to_string());

    a.post_message(&ann, room, "hello everyone").await;
    b.post_message(&bob, room, "hi!").await;
    let oops = a.post_message(&ann, room, "wrong room, sorry").await;
    let deleted = a
        .delete(&ann.token, &format!("/v1/messages/{}", oops["id"].as_str().unwrap()))
        .await;
    assert!(deleted.status().is_success());

    // Notes: a shared action item reaches the room live and is made once per client id; a
    // private note is its author's alone.
    let note = json!({"kind": "action_item", "body": "Send the slides", "visibility": "shared",
                      "client_note_id": "n-1"});
    let res = a
        .post(&host.token, &format!("/v1/sessions/{id}/notes"), note.clone())
        .await;
    assert_eq!(res.status(), 201);
    let first: Value = res.json().await.unwrap();
    let again = a.post(&host.token, &format!("/v1/sessions/{id}/notes"), note).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    let e = event_of(&mut ann_ws, "session.note_created").await;
    assert_eq!(e["data"]["body"], "Send the slides");
    let private: Value = b
        .post(
            &bob.token,
            &format!("/v1/sessions/{id}/notes"),
            json!({"kind": "note", "body": "ask about lemma 2", "visibility": "private"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/v1/session-notes/{}", private["id"].as_str().unwrap());
    assert_eq!(
        a.patch(&ann.token, &path, json!({"body": "mine now"})).await.status(),
        404
    );
    assert_eq!(a.delete(&ann.token, &path).await.status(), 404);
    let shared_path = format!("/v1/session-notes/{}", first["id"].as_str().unwrap());
    assert_eq!(
        a.patch(&ann.token, &shared_path, json!({"done": true})).await.status(),
        403
    );
    let done: Value = a
        .patch(&host.token, &shared_path, json!({"done": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["done"], true);
    let anns = a.get_json(&ann.token, &format!("/v1/sessions/{id}/notes")).await;
    assert_eq!(anns["items"].as_array().unwrap().len(), 1, "the shared note only");
    let bobs = a.get_json(&bob.token, &format!("/v1/sessions/{id}/notes")).await;
    assert_eq!(bobs["items"].as_array().unwrap().len(), 2);
    for bad in [
        json!({"kind": "task", "body": "x", "visibility": "shared"}),
        json!({"kind": "note", "body": "", "visibility": "shared"}),
        json!({"kind": "note", "body": "x", "visibility": "everyone"}),
    ] {
        assert_eq!(
            a.post(&ann.token, &format!("/v1/sessions/{id}/notes"), bad.clone())
                .await
                .status(),
            422,
            "{bad}"
        );
    }

    // Bob's socket goes: after the grace his interval closes.
    drop(bob_ws);
    let left = event_of(&mut ann_ws, "session.participant_left").await;
    assert_eq!(left["data"]["user_id"], bob.id.to_string());
    let now = record(a, &ann, &id).await;
    let bobs = participant(&now, &bob).expect("bob attended");
    assert!(bobs["intervals"][0]["left_at"].is_string());
    assert!(participant(&now, &ann).unwrap()["intervals"][0]["left_at"].is_null());

    // One live session per room.
    let other: Value = a
        .post(
            &host.token,
            &format!("/v1/rooms/{room}/sessions"),
            json!({"title": "Another"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let e = event_of(&mut ann_ws, "session.scheduled").await;
    assert_eq!(e["data"]["id"], other["id"], "members see a new session live");
    let clash = a
        .post(
            &host.token,
            &format!("/v1/sessions/{}/start", other["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(clash.status(), 409);
    assert_eq!(clash.json::<Value>().await.unwrap()["code"], "another_session_live");

    let ended = a.post(&host.token, &format!("/v1/sessions/{id}/end"), json!({})).await;
    assert_eq!(ended.status(), 200);
    event_of(&mut ann_ws, "session.ended").await;
    let other_path = format!("/v1/sessions/{}", other["id"].as_str().unwrap());
    let renamed = a.patch(&host.token, &other_path, json!({"title": "Week 4"})).await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        event_of(&mut ann_ws, "session.updated").await["data"]["title"],
        "Week 4"
    );
    assert_eq!(a.delete(&host.token, &other_path).await.status(), 204);
    assert_eq!(
        event_of(&mut ann_ws, "session.deleted").await["data"]["id"],
        other["id"]
    );
    a.post_message(&ann, room, "after the end").await;
    let again = a
        .post(&host.token, &format!("/v1/sessions/{id}/start"), json!({}))
        .await;
    assert_eq!(again.json::<Value>().await.unwrap()["code"], "session_closed");

    // The record: attendance with totals, the notes the caller sees, the transcript between
    // start and end exactly as history shows it.
    let r = record(a, &bob, &id).await;
    assert_eq!(r["session"]["status"], "ended");
    assert!(
        participant(&r, &ann).unwrap()["intervals"][0]["left_at"].is_string(),
        "closed at the end"
    );
    assert!(
        participant(&r, &host).is_none(),
        "the host never had a socket in the room"
    );
    assert_eq!(participant(&r, &bob).unwrap()["display_name"], "bob");
    assert!(participant(&r, &bob).unwrap()["total_seconds"].as_i64().unwrap() >= 0);
    let bodies: Vec<Value> = r["transcript"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            if m["deleted"] == true {
                json!("(deleted)")
            } else {
                m["body"].clone()
            }
        })
        .collect();
    assert_eq!(bodies, [json!("hello everyone"), json!("hi!"), json!("(deleted)")]);
    assert_eq!(r["notes"].as_array().unwrap().len(), 2, "bob sees his private note");
    assert_eq!(record(a, &ann, &id).await["notes"].as_array().unwrap().len(), 1);
    // Paged.
    let page = a
        .get_json(&ann.token, &format!("/v1/sessions/{id}/record?limit=2"))
        .await;
    assert_eq!(page["transcript"]["items"].as_array().unwrap().len(), 2);
    let cursor = page["transcript"]["next_cursor"].as_str().unwrap();
    let rest = a
        .get_json(&ann.token, &format!("/v1/sessions/{id}/record?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(rest["transcript"]["items"][0]["deleted"], true);
    assert!(rest["transcript"]["next_cursor"].is_null());

    // The Markdown export.
    let md = a.get(&bob.token, &format!("/v1/sessions/{id}/export.md")).await;
    assert_eq!(md.status(), 200);
    assert!(md.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    let text = md.text().await.unwrap();
    assert!(text.starts_with("---\ntitle: \"Week 3: proofs\"\n"), "{text}");
    assert!(text.contains("- [x] Send the slides — host"), "{text}");
    assert!(text.contains("- ask about lemma 2 — bob (private)"), "{text}");
    assert!(text.contains("**ann**"), "{text}");
    assert!(text.contains("_message deleted_"), "{text}");
    assert!(!text.contains("wrong room") && !text.contains("before we start") && !text.contains("after the end"));
    let anns = a
        .get(&ann.token, &format!("/v1/sessions/{id}/export.md"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!anns.contains("lemma 2"), "another's private note stays theirs");

    // Not a member of a private room: 404 for everything.
    let private_room = a.create_room(&host, "private", "private").await;
    let hidden: Value = a
        .post(
            &host.token,
            &format!("/v1/rooms/{private_room}/sessions"),
            json!({"title": "Closed"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let hid = hidden["id"].as_str().unwrap();
    for p in ["", "/record", "/export.md", "/notes"] {
        assert_eq!(
            a.get(&stranger.token, &format!("/v1/sessions/{hid}{p}")).await.status(),
            404,
            "{p}"
        );
    }
    assert_eq!(
        a.post(&stranger.token, &format!("/v1/sessions/{hid}/start"), json!({}))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_pay_per_view_message_stays_locked_in_the_record_and_its_export() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let fan = app.user("fan").await;
    let room = app.create_room(&creator, "class", "public").await;
    app.join(&fan, room).await;
    let s: Value = app
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/sessions"),
            json!({"title": "Masterclass"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = s["id"].as_str().unwrap();
    app.post(&creator.token, &format!("/v1/sessions/{id}/start"), json!({}))
        .await;
    let res = app
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "the secret recipe", "client_msg_id": "p1",
                   "ppv": {"amount": 500, "currency": "usd", "preview": "A recipe"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    app.post(&creator.token, &format!("/v1/sessions/{id}/end"), json!({}))
        .await;
    let r = app.get_json(&fan.token, &format!("/v1/sessions/{id}/record")).await;
    let m = &r["transcript"]["items"][0];
    assert_eq!((m["locked"].as_bool(), m["body"].is_null()), (Some(true), true), "{m}");
    let text = app
        .get(&fan.token, &format!("/v1/sessions/{id}/export.md"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!text.contains("secret recipe"), "{text}");
    assert!(text.contains("_pay-per-view message (locked)_: A recipe"), "{text}");
    let own = app.get_json(&creator.token, &format!("/v1/sessions/{id}/record")).await;
    assert_eq!(own["transcript"]["items"][0]["body"], "the secret recipe");
}
