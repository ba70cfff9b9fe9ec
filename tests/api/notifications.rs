//! Notifications: mentions, the feed (coalescing, gap-free resume across instances), read
//! markers, levels / mute / do-not-disturb, Web Push against a push service that decrypts,
//! and that nobody reaches another user's notifications.

use parley_tests::push::FakePush;
use parley_tests::{spawn_app, spawn_cluster, TestApp, TestUser};
use serde_json::{json, Value};
use uuid::Uuid;

async fn post(app: &TestApp, user: &TestUser, room: Uuid, body: Value) -> reqwest::Response {
    let mut body = body;
    body["client_msg_id"] = Uuid::new_v4().to_string().into();
    app.post(&user.token, &format!("/v1/rooms/{room}/messages"), body).await
}

async fn mention(app: &TestApp, user: &TestUser, room: Uuid, body: &str, who: &[&TestUser]) -> Value {
    let ids: Vec<Uuid> = who.iter().map(|u| u.id).collect();
    let res = post(app, user, room, json!({"body": body, "mentions": {"user_ids": ids}})).await;
    assert_eq!(res.status(), 201, "post with mentions");
    res.json().await.unwrap()
}

async fn feed(app: &TestApp, user: &TestUser) -> Vec<Value> {
    app.get_json(&user.token, "/v1/notifications").await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn unread(app: &TestApp, user: &TestUser) -> i64 {
    app.get_json(&user.token, "/v1/notifications/unread-count").await["unread_count"]
        .as_i64()
        .unwrap()
}

/// A room owned by `owner` with these members.
async fn room_with(app: &TestApp, owner: &TestUser, members: &[&TestUser]) -> Uuid {
    let room = app.create_room(owner, "team", "public").await;
    for m in members {
        app.join(m, room).await;
    }
    room
}

async fn direct(app: &TestApp, a: &TestUser, b: &TestUser) -> Uuid {
    let res = app.post(&a.token, "/v1/dms", json!({"user_id": b.id})).await;
    assert!(res.status().is_success());
    let room: Value = res.json().await.unwrap();
    room["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_mention_reaches_every_socket_live_and_a_resume_misses_nothing_across_instances() {
    let apps = spawn_cluster(2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let alice = a.user("alice").await;
    let bob = a.user("bob").await;
    let room = room_with(a, &alice, &[&bob]).await;
    let mut bob_ws = b.connect(&bob).await;
    assert_eq!(bob_ws.subscribe_feed(None).await, 0);

    let message = mention(a, &alice, room, "@bob see this", &[&bob]).await;
    assert_eq!(message["mentions"], json!({"user_ids": [bob.id], "room": false}));
    let frame = bob_ws.next_of("notification").await;
    assert_eq!(frame["seq"], 1);
    let n = &frame["notification"];
    assert_eq!(n["kind"], "mention");
    assert_eq!(n["room_id"], room.to_string());
    assert_eq!(n["message_id"], message["id"]);
    assert_eq!(n["room_seq"], message["seq"]);
    assert_eq!(n["actor_id"], alice.id.to_string());
    assert_eq!(n["preview"], "@bob see this");
    assert_eq!(n["room_name"], "team");

    // Offline: three DMs (one coalesced row) and a reply to bob's message.
    drop(bob_ws);
    let bobs = a.post_message(&bob, room, "my question").await;
    let dm = direct(a, &alice, &bob).await;
    for i in 0..3 {
        let res = post(a, &alice, dm, json!({"body": format!("dm {i}")})).await;
        assert_eq!(res.status(), 201);
    }
    let res = post(a, &alice, room, json!({"body": "an answer", "reply_to": bobs["id"]})).await;
    assert_eq!(res.status(), 201);

    // Resume on the other instance: every change after seq 1, in order, with no gap.
    let mut bob_ws = a.connect(&bob).await;
    let head = bob_ws.subscribe_feed(Some(1)).await;
    assert_eq!(head, 5, "3 DM changes + 1 reply after the mention");
    let mut seqs = Vec::new();
    let mut last_dm = Value::Null;
    while seqs.len() < 4 {
        let f = bob_ws.next_of("notification").await;
        seqs.push(f["seq"].as_i64().unwrap());
        if f["notification"]["kind"] == "dm" {
            last_dm = f["notification"].clone();
        }
    }
    assert_eq!(seqs, vec![2, 3, 4, 5]);
    assert_eq!(last_dm["count"], 3, "coalesced: {last_dm}");
    assert_eq!(last_dm["preview"], "dm 2");

    let items = feed(b, &bob).await;
    let kinds: Vec<&str> = items.iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["reply", "dm", "mention"], "newest first, one DM row");
    assert_eq!(unread(b, &bob).await, 3);
    // Alice was told nothing about her own messages.
    assert!(feed(a, &alice).await.is_empty());

    // A deleted message's text leaves the feed and its replay.
    let dms = a.get_json(&alice.token, &format!("/v1/rooms/{dm}/messages")).await;
    let last = dms["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["body"] == "dm 2")
        .unwrap()
        .clone();
    let res = a
        .delete(&alice.token, &format!("/v1/messages/{}", last["id"].as_str().unwrap()))
        .await;
    assert_eq!(res.status(), 200);
    let row = feed(a, &bob).await.into_iter().find(|n| n["kind"] == "dm").unwrap();
    assert_eq!(row["preview"], Value::Null);
    let mut replay = b.connect(&bob).await;
    replay.subscribe_feed(Some(0)).await;
    for _ in 0..5 {
        let f = replay.next_of("notification").await;
        assert!(!f.to_string().contains("dm 2"), "deleted text replayed: {f}");
    }

    // Live again: a new mention arrives as seq 6 on the resumed socket.
    mention(b, &alice, room, "again", &[&bob]).await;
    assert_eq!(bob_ws.next_of("notification").await["seq"], 6);
    // `after` pages oldest first from a feed seq.
    let after = a.get_json(&bob.token, "/v1/notifications?after=4").await;
    let seqs: Vec<i64> = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, vec![5, 6]);
}

#[tokio::test]
async fn mentions_are_checked_and_a_refused_message_is_not_stored() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let room = room_with(&app, &alice, &[&bob]).await;
    let cases = [
        (json!({"user_ids": [carol.id]}), "a non-member"),
        (json!({"user_ids": [bob.id, bob.id]}), "a repeated user"),
        (
            json!({"user_ids": (0..51).map(|_| Uuid::new_v4()).collect::<Vec<_>>()}),
            "over 50 users",
        ),
        (json!({"user_ids": [], "extra": 1}), "an unknown field"),
    ];
    for (mentions, what) in cases {
        let res = post(&app, &alice, room, json!({"body": "x", "mentions": mentions})).await;
        assert_eq!(res.status(), 422, "{what}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "invalid", "{what}: {problem}");
    }
    // @room: a plain member may not; the owner may.
    let res = post(
        &app,
        &bob,
        room,
        json!({"body": "all of you", "mentions": {"room": true}}),
    )
    .await;
    assert_eq!(res.status(), 422);
    // Over the socket: an error frame, nothing stored.
    let mut ws = app.connect(&alice).await;
    let reply = ws
        .call(json!({"type": "send", "room_id": room, "client_msg_id": "m1", "body": "x", "mentions": {"user_ids": [carol.id]}}))
        .await;
    assert_eq!(reply["type"], "error", "{reply}");
    assert_eq!(reply["code"], "invalid");
    let history = app.get_json(&alice.token, &format!("/v1/rooms/{room}/messages")).await;
    assert!(
        history["items"].as_array().unwrap().is_empty(),
        "nothing refused was stored"
    );

    // @room by the owner tells every member but the author; a self-mention tells nobody.
    let res = post(
        &app,
        &alice,
        room,
        json!({"body": "standup", "mentions": {"room": true, "user_ids": [alice.id]}}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let items = feed(&app, &bob).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "mention");
    assert!(feed(&app, &alice).await.is_empty());
}

#[tokio::test]
async fn reading_a_room_or_the_feed_clears_notifications_everywhere_and_only_ones_own() {
    let apps = spawn_cluster(2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let alice = a.user("alice").await;
    let bob = a.user("bob").await;
    let room = room_with(a, &alice, &[&bob]).await;
    let first = mention(a, &alice, room, "one", &[&bob]).await;
    mention(a, &alice, room, "two", &[&bob]).await;
    assert_eq!(unread(a, &bob).await, 2);

    // Another tab on the other instance hears the read.
    let mut tab = b.connect(&bob).await;
    let head = tab.subscribe_feed(None).await;
    let res = a
        .post(
            &bob.token,
            &format!("/v1/rooms/{room}/read"),
            json!({"seq": first["seq"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let read = tab.next_of("notifications_read").await;
    assert_eq!(read["seq"], head + 1);
    assert_eq!(read["ids"].as_array().unwrap().len(), 1);
    assert_eq!(unread(b, &bob).await, 1);

    // Alice cannot read bob's notifications: his ids are ignored like unknown ones.
    let ids: Vec<Value> = feed(a, &bob).await.iter().map(|n| n["id"].clone()).collect();
    let res = a
        .post(&alice.token, "/v1/notifications/read", json!({"ids": ids}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["read"], 0);
    assert_eq!(unread(a, &bob).await, 1);

    let res = a
        .post(&bob.token, "/v1/notifications/read", json!({"up_to_seq": 1000}))
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["read"].as_i64(), body["unread_count"].as_i64()),
        (Some(1), Some(0))
    );
    assert!(feed(a, &bob).await.iter().all(|n| n["read"] == true));
    for bad in [
        json!({}),
        json!({"ids": []}),
        json!({"ids": [], "up_to_seq": 1}),
        json!({"up_to_seq": -1}),
    ] {
        let res = a.post(&bob.token, "/v1/notifications/read", bad.clone()).await;
        assert_eq!(res.status(), 422, "{bad}");
    }
}

#[tokio::test]
async fn levels_mute_and_membership_decide_who_is_told() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let room = room_with(&app, &alice, &[&bob]).await;
    let level = format!("/v1/rooms/{room}/notification-level");
    let got = app.get_json(&bob.token, &level).await;
    assert_eq!(
        (got["level"].as_str(), got["effective_level"].as_str()),
        (Some("default"), Some("mentions"))
    );

    // Level none: a mention is not notified (a DM afterwards is, and is alone in the feed).
    let res = app
        .request(reqwest::Method::PUT, &bob.token, &level)
        .json(&json!({"level": "none"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    mention(&app, &alice, room, "hello?", &[&bob]).await;
    let dm = direct(&app, &alice, &bob).await;
    app.post_message(&alice, dm, "psst").await;
    let kinds: Vec<Value> = feed(&app, &bob).await.iter().map(|n| n["kind"].clone()).collect();
    assert_eq!(kinds, vec![json!("dm")]);

    // Muted for an hour: nothing; level all: plain messages coalesce into one row per room.
    let until = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let res = app
        .request(reqwest::Method::PUT, &bob.token, &level)
        .json(&json!({"level": "all", "muted_until": until}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.post_message(&alice, room, "muted").await;
    let res = app
        .request(reqwest::Method::PUT, &bob.token, &level)
        .json(&json!({"level": "all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["muted_until"], Value::Null);
    app.post_message(&alice, room, "first").await;
    app.post_message(&alice, room, "second").await;
    let items = feed(&app, &bob).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(
        (items[0]["kind"].as_str(), items[0]["count"].as_i64()),
        (Some("message"), Some(2))
    );
    assert_eq!(items[0]["preview"], "second");

    // A member removed from the room is told nothing more (a reply to their old message).
    let bobs = app.post_message(&bob, room, "mine").await;
    let res = app
        .delete(&alice.token, &format!("/v1/rooms/{room}/members/{}", bob.id))
        .await;
    assert_eq!(res.status(), 204);
    let before = feed(&app, &bob).await.len();
    let res = post(&app, &alice, room, json!({"body": "re", "reply_to": bobs["id"]})).await;
    assert_eq!(res.status(), 201);
    app.post_message(&alice, dm, "still here?").await; // a later change that does notify
    let items = feed(&app, &bob).await;
    assert_eq!(items.len(), before, "the DM row coalesced, no reply row: {items:?}");
    assert_eq!(items[0]["preview"], "still here?");

    // Not a member: 404 as for a missing room; bad input: 422.
    let res = app.get(&bob.token, &level).await;
    assert_eq!(res.status(), 404);
    let res = app
        .get(&bob.token, &format!("/v1/rooms/{}/notification-level", Uuid::new_v4()))
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .request(reqwest::Method::PUT, &alice.token, &level)
        .json(&json!({"level": "loud"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn web_push_is_encrypted_signed_skipped_while_watching_or_in_dnd_and_cleaned_up() {
    let push = FakePush::start().await;
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let room = room_with(&app, &alice, &[&bob]).await;
    let device = push.device();
    let sub = json!({"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}});
    let res = app.post(&bob.token, "/v1/push/subscriptions", sub.clone()).await;
    assert_eq!(res.status(), 201);

    // Bob shows the room (a `view` frame): the first mention is not pushed; once he shows
    // none, the second is, though he is still subscribed (as for unread badges), and only
    // it (pushes go in order, so the first would have come first).
    let mut ws = app.connect(&bob).await;
    let reply = ws.call(json!({"type": "view", "room_id": room})).await;
    assert_eq!(
        (reply["type"].as_str(), reply["code"].as_str()),
        (Some("error"), Some("forbidden")),
        "{reply}"
    );
    let reply = ws.call(json!({"type": "subscribe", "room_id": room})).await;
    assert_eq!(reply["type"], "ok");
    let reply = ws.call(json!({"type": "view", "room_id": room})).await;
    assert_eq!(reply["type"], "ok", "{reply}");
    mention(&app, &alice, room, "while you look", &[&bob]).await;
    let reply = ws.call(json!({"type": "view", "room_id": null})).await;
    assert_eq!(reply["type"], "ok");
    let pushed = mention(&app, &alice, room, "while away", &[&bob]).await;
    let got = push.wait_for(1).await;
    let m = &got[0].message;
    assert_eq!(m["kind"], "mention");
    assert_eq!(m["message_id"], pushed["id"]);
    assert_eq!(m["room_id"], room.to_string());
    assert!(
        m.get("preview").is_none() && !m.to_string().contains("while away"),
        "no text in a push: {m}"
    );
    assert_eq!(got[0].urgency, "high");
    assert_eq!(got[0].topic, room.simple().to_string());

    // Do not disturb from an hour ago to an hour from now: the feed fills, no push.
    let now = chrono::Utc::now();
    let hhmm = |t: chrono::DateTime<chrono::Utc>| t.format("%H:%M").to_string();
    let window = json!({"time_zone": "UTC", "dnd": {"start": hhmm(now - chrono::Duration::hours(1)),
        "end": hhmm(now + chrono::Duration::hours(1))}});
    let res = app
        .request(reqwest::Method::PUT, &bob.token, "/v1/me/notification-settings")
        .json(&window)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let quiet = mention(&app, &alice, room, "at night", &[&bob]).await;
    let res = app
        .request(reqwest::Method::PUT, &bob.token, "/v1/me/notification-settings")
        .json(&json!({"time_zone": "Europe/Paris", "dnd": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["time_zone"], "Europe/Paris");
    // A 500 is retried; the push that then arrives is the next one, not the DND one.
    push.answer_next(&[500]);
    let next = mention(&app, &alice, room, "morning", &[&bob]).await;
    let got = push.wait_for(2).await;
    assert_eq!(got[1].message["message_id"], next["id"]);
    assert!(
        feed(&app, &bob).await.iter().any(|n| n["message_id"] == quiet["id"]),
        "DND still fills the feed"
    );

    // Per browser and room only the latest push goes out: a push held up by a 500 is
    // dropped once a later one for the room is queued.
    push.answer_next(&[500]);
    let stale = mention(&app, &alice, room, "soon stale", &[&bob]).await;
    let latest = mention(&app, &alice, room, "latest", &[&bob]).await;
    let got = push.wait_for(3).await;
    assert_eq!(got[2].message["message_id"], latest["id"]);
    let dm = direct(&app, &alice, &bob).await;
    let other = app.post_message(&alice, dm, "elsewhere").await;
    let got = push.wait_for(4).await;
    assert_eq!(got[3].message["message_id"], other["id"]);
    parley_tests::eventually(
        std::time::Duration::from_secs(10),
        "every push job finished",
        || async {
            app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE kind = 'push.send' AND status = 'queued'")
                .await
                == 0
        },
    )
    .await;
    assert!(
        push.received().iter().all(|r| r.message["message_id"] != stale["id"]),
        "the stale push was sent"
    );

    // 410 Gone: the subscription is deleted.
    push.answer_next(&[410]);
    mention(&app, &alice, room, "gone", &[&bob]).await;
    parley_tests::eventually(
        std::time::Duration::from_secs(10),
        "the subscription deleted",
        || async { app.db_query_i64("SELECT count(*) AS n FROM push_subscriptions").await == 0 },
    )
    .await;
    assert!(push.refused().is_empty());

    // Subscriptions: bad keys 422; deleting someone else's (or none) 404.
    let bad = json!({"endpoint": device.endpoint, "keys": {"p256dh": "AAAA", "auth": device.auth}});
    assert_eq!(app.post(&bob.token, "/v1/push/subscriptions", bad).await.status(), 422);
    let res = app.post(&bob.token, "/v1/push/subscriptions", sub).await;
    assert_eq!(res.status(), 201);
    let del = |who: &TestUser| {
        app.request(reqwest::Method::DELETE, &who.token, "/v1/push/subscriptions")
            .json(&json!({"endpoint": device.endpoint}))
            .send()
    };
    assert_eq!(del(&alice).await.unwrap().status(), 404);
    assert_eq!(del(&bob).await.unwrap().status(), 204);
    let key = app.get_json(&bob.token, "/v1/push/vapid-public-key").await;
    assert_eq!(key["public_key"].as_str().unwrap().len(), 87, "65 bytes, base64url");
}

#[tokio::test]
async fn being_added_to_a_room_by_someone_else_is_a_notification_joining_is_not() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let carol = app.user("carol").await;
    let private = app.create_room(&alice, "secret", "private").await;
    let res = app
        .post(
            &alice.token,
            &format!("/v1/rooms/{private}/members"),
            json!({"user_id": carol.id}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let items = feed(&app, &carol).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "room_invite");
    assert_eq!(items[0]["room_id"], private.to_string());
    assert_eq!(items[0]["actor_id"], alice.id.to_string());
    assert_eq!(items[0]["room_name"], "secret");
    // Pushed, unless inside carol's do-not-disturb hours (the feed fills either way).
    let push = FakePush::start().await;
    let device = push.device();
    let sub = json!({"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}});
    assert_eq!(
        app.post(&carol.token, "/v1/push/subscriptions", sub).await.status(),
        201
    );
    let now = chrono::Utc::now();
    let hhmm = |t: chrono::DateTime<chrono::Utc>| t.format("%H:%M").to_string();
    let settings = |dnd: Value| {
        app.request(reqwest::Method::PUT, &carol.token, "/v1/me/notification-settings")
            .json(&json!({"time_zone": "UTC", "dnd": dnd}))
            .send()
    };
    let window =
        json!({"start": hhmm(now - chrono::Duration::hours(1)), "end": hhmm(now + chrono::Duration::hours(1))});
    assert_eq!(settings(window).await.unwrap().status(), 200);
    let quiet_room = app.create_room(&alice, "quiet", "private").await;
    let res = app
        .post(
            &alice.token,
            &format!("/v1/rooms/{quiet_room}/members"),
            json!({"user_id": carol.id}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(settings(Value::Null).await.unwrap().status(), 200);
    let loud_room = app.create_room(&alice, "loud", "private").await;
    let res = app
        .post(
            &alice.token,
            &format!("/v1/rooms/{loud_room}/members"),
            json!({"user_id": carol.id}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let got = push.wait_for(1).await;
    assert_eq!(got[0].message["kind"], "room_invite");
    assert_eq!(
        got[0].message["room_id"],
        loud_room.to_string(),
        "the invite during DND was not pushed"
    );
    assert_eq!(feed(&app, &carol).await.len(), 3);

    // Joining a public room oneself tells nobody anything.
    let public = app.create_room(&alice, "open", "public").await;
    app.join(&bob, public).await;
    assert!(feed(&app, &bob).await.is_empty());
    assert!(feed(&app, &alice).await.is_empty());
}

#[tokio::test]
async fn a_fan_out_that_fails_after_the_commit_is_retried_from_the_jobs_queue() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let room = room_with(&app, &alice, &[&bob]).await;
    // The feed's write function is gone for a while: the post still succeeds.
    app.exec("ALTER FUNCTION parley_notify(jsonb) RENAME TO parley_notify_away")
        .await;
    let message = mention(&app, &alice, room, "are you there?", &[&bob]).await;
    assert!(feed(&app, &bob).await.is_empty());
    parley_tests::eventually(
        std::time::Duration::from_secs(10),
        "a retry queued and failing",
        || async {
            app.db_query_i64(
                "SELECT coalesce(max(attempts), 0)::bigint AS n FROM jobs WHERE kind = 'notifications.fanout'",
            )
            .await
                >= 1
        },
    )
    .await;
    app.exec("ALTER FUNCTION parley_notify_away(jsonb) RENAME TO parley_notify")
        .await;
    parley_tests::eventually(
        std::time::Duration::from_secs(10),
        "bob notified by the retry",
        || async { unread(&app, &bob).await == 1 },
    )
    .await;
    let items = feed(&app, &bob).await;
    assert_eq!(items[0]["message_id"], message["id"]);
    assert_eq!(items.len(), 1, "notified once");
}
