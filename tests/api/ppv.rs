//! Pay-per-view messages: locked on every path until bought (history, the log and its
//! replay, live events, search, notifications, reply quotes), then opening live. Room
//! events stay locked for everyone; the buyer's and the author's sockets, on every
//! instance, are told through their own feeds when a message is bought or edited (ids
//! only, never the body), and fetch it over REST. A member who did not buy it is told
//! nothing. A purchase refunded in full locks it again.

use parley_tests::{spawn_paid, stripe_id, TestApp, TestUser};
use serde_json::{json, Value};
use uuid::Uuid;

/// One message of the room's history, as `user` sees it.
async fn in_history(app: &TestApp, user: &TestUser, room: Uuid, id: &str) -> Value {
    let history = app.get_json(&user.token, &format!("/v1/rooms/{room}/messages")).await;
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the history: {history}"))
        .clone()
}

/// The message a `message_unlocked` frame names, fetched as its frame says.
async fn fetch(app: &TestApp, user: &TestUser, frame: &Value) -> Value {
    let seq = frame["message_seq"].as_i64().unwrap();
    let path = format!(
        "/v1/rooms/{}/messages?after={}&limit=1",
        frame["room_id"].as_str().unwrap(),
        seq - 1
    );
    let page = app.get_json(&user.token, &path).await;
    let m = page["items"][0].clone();
    assert_eq!(m["id"], frame["message_id"], "{page}");
    m
}

#[tokio::test]
async fn buying_or_editing_a_pay_per_view_message_opens_it_on_the_entitled_sockets_of_both_instances() {
    let paid = spawn_paid(2, |_| {}).await;
    let (a, b) = (&paid.apps[0], &paid.apps[1]);
    let creator = paid.creator("creator").await;
    let (buyer, other) = (a.user("buyer").await, a.user("other").await);
    let room = a.create_room(&creator, "ppv", "public").await;
    a.join(&buyer, room).await;
    a.join(&other, room).await;
    // The buyer's phone on instance B; the author's other device on A.
    let mut phone = b.connect(&buyer).await;
    phone.subscribe_feed(None).await;
    let mut desk = a.connect(&creator).await;
    desk.subscribe_feed(None).await;

    let secret = "okapi first draft";
    let posted: Value = a
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": secret, "client_msg_id": "p1", "ppv": {"amount": 500, "currency": "usd"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = posted["id"].as_str().unwrap().to_owned();
    let started: Value = a
        .post(&buyer.token, &format!("/v1/messages/{id}/unlock"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    paid.pay(&buyer, &started).await;

    let bought = phone.next_of("message_unlocked").await;
    assert_eq!(
        (bought["room_id"].as_str(), bought["message_id"].as_str()),
        (Some(room.to_string().as_str()), Some(id.as_str()))
    );
    assert!(
        !bought.to_string().contains("okapi"),
        "the feed never holds the body: {bought}"
    );
    let m = fetch(b, &buyer, &bought).await;
    assert_eq!((m["body"].as_str(), m["locked"].as_bool()), (Some(secret), Some(false)));

    // The author edits it: the buyer and the author's other device hear of the new text.
    let edited = "okapi final text";
    let res = a
        .patch(&creator.token, &format!("/v1/messages/{id}"), json!({"body": edited}))
        .await;
    assert_eq!(res.status(), 200);
    let again = phone.next_of("message_unlocked").await;
    assert!(again["seq"].as_i64() > bought["seq"].as_i64());
    assert_eq!(fetch(b, &buyer, &again).await["body"], edited);
    let told = desk.next_of("message_unlocked").await;
    assert_eq!(told["message_id"], id.as_str());
    assert_eq!(fetch(a, &creator, &told).await["body"], edited);

    // A resume on another socket replays both, in order; the other member's feed is empty.
    let mut laptop = a.connect(&buyer).await;
    let head = laptop.subscribe_feed(Some(0)).await;
    assert_eq!(head, again["seq"].as_i64().unwrap());
    let first = laptop.next_of("message_unlocked").await;
    let second = laptop.next_of("message_unlocked").await;
    assert_eq!(
        (first["seq"].clone(), second["seq"].clone()),
        (bought["seq"].clone(), again["seq"].clone())
    );
    let mut theirs = b.connect(&other).await;
    assert_eq!(
        theirs.subscribe_feed(Some(0)).await,
        0,
        "no entry for who did not buy it"
    );
    let m = a.get_json(&other.token, &format!("/v1/rooms/{room}/messages")).await;
    assert!(!m.to_string().contains("okapi"), "still locked for them: {m}");

    // A partial refund keeps it open; a full refund locks it again.
    let refund = format!("/v1/payments/{}/refund", started["payment_id"].as_str().unwrap());
    let res = a.post(&creator.token, &refund, json!({"amount": 100})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(fetch(b, &buyer, &again).await["body"], edited);
    let res = a.post(&creator.token, &refund, json!({})).await;
    assert_eq!(res.status(), 200);
    let m = fetch(b, &buyer, &again).await;
    assert_eq!(m["locked"], true, "refunded in full: {m}");
    assert!(!m.to_string().contains("okapi"), "{m}");
}

#[tokio::test]
async fn a_pay_per_view_message_is_locked_everywhere_until_bought() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let (buyer, other) = (app.user("buyer").await, app.user("other").await);
    let room = app.create_room(&creator, "ppv", "public").await;
    app.join(&buyer, room).await;
    app.join(&other, room).await;
    let mut ws = app.connect(&other).await;
    ws.call(json!({"type": "subscribe", "room_id": room})).await;

    // Only a creator Stripe lets sell may post one.
    let res = app
        .post(
            &other.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "x", "client_msg_id": "o1", "ppv": {"amount": 500, "currency": "usd"}}),
        )
        .await;
    assert_eq!(res.status(), 409);
    let secret = "zebracorn secret recipe";
    let res = app
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({
            "body": secret, "client_msg_id": "p1",
            "ppv": {"amount": 500, "currency": "usd", "preview": "A recipe"},
            "mentions": {"user_ids": [buyer.id, other.id]}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mine: Value = res.json().await.unwrap();
    assert_eq!(
        (mine["body"].as_str(), mine["locked"].as_bool()),
        (Some(secret), Some(false)),
        "the author sees it"
    );
    let id = mine["id"].as_str().unwrap().to_owned();
    let live = ws.next_of("event").await;
    assert_locked(&live["data"], "live event");
    let reply = app
        .post(
            &other.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "what is it?", "client_msg_id": "r1", "reply_to": id}),
        )
        .await;
    assert_eq!(reply.status(), 201);

    // Every path a non-buyer has: history, the log, search, notifications.
    for user in [&buyer, &other] {
        let m = in_history(app, user, room, &id).await;
        assert_locked(&m, "history");
        let log = app.get_json(&user.token, &format!("/v1/rooms/{room}/events")).await;
        assert!(!log.to_string().contains("zebracorn"), "the log never holds the body");
        let found = app.get_json(&user.token, "/v1/search/messages?q=zebracorn").await;
        assert_eq!(found["items"], json!([]), "search does not find what is locked");
        let feed = app.get_json(&user.token, "/v1/notifications").await;
        assert!(
            !feed.to_string().contains("zebracorn"),
            "notifications show the preview only: {feed}"
        );
    }
    assert!(!app
        .get_json(&creator.token, "/v1/notifications")
        .await
        .to_string()
        .contains("zebracorn"));

    // A stranger to the room cannot even start buying it; the author need not.
    let stranger = app.user("stranger").await;
    let private = app.create_room(&creator, "private", "private").await;
    let hidden: Value = app
        .post(
            &creator.token,
            &format!("/v1/rooms/{private}/messages"),
            json!({"body": "hidden", "client_msg_id": "h1", "ppv": {"amount": 500, "currency": "usd"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &stranger.token,
            &format!("/v1/messages/{}/unlock", hidden["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.post(&creator.token, &format!("/v1/messages/{id}/unlock"), json!({}))
            .await
            .status(),
        409
    );

    // Buying: a second request hands out the same open Checkout.
    let first: Value = app
        .post(&buyer.token, &format!("/v1/messages/{id}/unlock"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let second: Value = app
        .post(&buyer.token, &format!("/v1/messages/{id}/unlock"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first, second);
    let session = paid
        .stripe
        .object(&stripe_id(first["checkout_url"].as_str().unwrap()))
        .unwrap();
    assert_eq!(session["amount_total"], 500, "the price is the message's");
    paid.pay(&buyer, &first).await;

    let opened = in_history(app, &buyer, room, &id).await;
    assert_eq!(
        (opened["body"].as_str(), opened["locked"].as_bool()),
        (Some(secret), Some(false))
    );
    let found = app.get_json(&buyer.token, "/v1/search/messages?q=zebracorn").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let log = app.get_json(&buyer.token, &format!("/v1/rooms/{room}/events")).await;
    assert!(log.to_string().contains("zebracorn"), "the buyer's log has it");
    let mut resumed = app.connect(&buyer).await;
    resumed
        .call(json!({"type": "subscribe", "room_id": room, "since": 0}))
        .await;
    let replayed = loop {
        let f = resumed.next_of("event").await;
        if f["event"] == "message.created" && f["data"]["id"] == id.as_str() {
            break f;
        }
    };
    assert_eq!(replayed["data"]["body"], secret, "a resume replays it unlocked");
    // The other member still sees it locked, everywhere.
    let still = in_history(app, &other, room, &id).await;
    assert_locked(&still, "after someone bought it");
    assert!(!app
        .get_json(&other.token, &format!("/v1/rooms/{room}/events"))
        .await
        .to_string()
        .contains("zebracorn"));
}

fn assert_locked(m: &Value, path: &str) {
    assert_eq!(m["locked"], true, "{path}: {m}");
    assert!(m.get("body").is_none(), "{path}: no body: {m}");
    assert_eq!(m["ppv"], json!({"amount": 500, "currency": "usd"}), "{path}");
    assert!(!m.to_string().contains("zebracorn"), "{path}: {m}");
}

/// What `user` gets for a file: its metadata and its bytes (404 for both when they may not
/// see it, exactly like a file that does not exist).
async fn file_statuses(app: &TestApp, user: &TestUser, file: &str) -> (u16, u16) {
    (
        app.get(&user.token, &format!("/v1/files/{file}"))
            .await
            .status()
            .as_u16(),
        app.get(&user.token, &format!("/v1/files/{file}/download"))
            .await
            .status()
            .as_u16(),
    )
}

#[tokio::test]
async fn a_locked_messages_attachment_is_downloadable_only_by_those_it_is_open_to() {
    use crate::files::{form, pdf, uploaded};
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let (buyer, other, passer) = (
        app.user("buyer").await,
        app.user("other").await,
        app.user("passer").await,
    );
    let room = app.create_room(&creator, "ppv files", "public").await;
    app.join(&buyer, room).await;
    app.join(&other, room).await;
    let sold = uploaded(app, &creator, form(None, "answers.pdf", "application/pdf", pdf(2000))).await;
    let free = uploaded(app, &creator, form(None, "syllabus.pdf", "application/pdf", pdf(2000))).await;
    let (sold_id, free_id) = (sold["id"].as_str().unwrap(), free["id"].as_str().unwrap());
    let posted: Value = app
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "the answers", "client_msg_id": "f1", "attachment_ids": [sold_id],
                   "ppv": {"amount": 500, "currency": "usd"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "free for all", "client_msg_id": "f2", "attachment_ids": [free_id]}),
        )
        .await;
    assert_eq!(res.status(), 201);

    // Locked: members who did not buy it cannot fetch its attachment by id; the author can.
    for who in [&buyer, &other, &passer] {
        assert_eq!(file_statuses(app, who, sold_id).await, (404, 404), "{}", who.name);
    }
    assert_eq!(file_statuses(app, &creator, sold_id).await, (200, 200));
    // A public room's readers (members or not) fetch its other attachments.
    for who in [&buyer, &other, &passer] {
        assert_eq!(file_statuses(app, who, free_id).await, (200, 200), "{}", who.name);
    }

    // Bought: open to the buyer only; refunded in full: closed again.
    let id = posted["id"].as_str().unwrap();
    let started: Value = app
        .post(&buyer.token, &format!("/v1/messages/{id}/unlock"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    paid.pay(&buyer, &started).await;
    assert_eq!(file_statuses(app, &buyer, sold_id).await, (200, 200));
    assert_eq!(file_statuses(app, &other, sold_id).await, (404, 404));
    let refund = format!("/v1/payments/{}/refund", started["payment_id"].as_str().unwrap());
    assert_eq!(app.post(&creator.token, &refund, json!({})).await.status(), 200);
    assert_eq!(
        file_statuses(app, &buyer, sold_id).await,
        (404, 404),
        "refunded in full"
    );
}
