use std::time::Duration;

use parley_tests::clerk::svix_headers;
use parley_tests::{spawn_app, spawn_app_with, spawn_cluster, spawn_cluster_with, TestApp, TestUser, WsClient};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

async fn subscribe(ws: &mut WsClient, room: Uuid, since: Option<i64>) -> Value {
    let mut frame = json!({"type": "subscribe", "room_id": room});
    if let Some(s) = since {
        frame["since"] = s.into();
    }
    let reply = ws.call(frame).await;
    assert_eq!(reply["type"], "ok", "{reply}");
    reply
}

async fn send(ws: &mut WsClient, room: Uuid, body: &str) -> Value {
    let reply = ws
        .call(json!({"type": "send", "room_id": room, "client_msg_id": Uuid::new_v4(), "body": body}))
        .await;
    assert_eq!(reply["type"], "ok", "{reply}");
    reply["message"].clone()
}

/// Reads events of `room` until `count` `message.created` have arrived; returns all event seqs and bodies.
async fn read_messages(ws: &mut WsClient, room: Uuid, count: usize) -> (Vec<i64>, Vec<String>) {
    let (mut seqs, mut bodies) = (Vec::new(), Vec::new());
    while bodies.len() < count {
        let e = ws.next_event().await;
        if e["room_id"] != room.to_string() {
            continue;
        }
        seqs.push(e["seq"].as_i64().unwrap());
        if e["event"] == "message.created" {
            bodies.push(e["data"]["body"].as_str().unwrap().to_owned());
        }
    }
    (seqs, bodies)
}

/// Reads presence frames until one lists exactly these users (in any order).
async fn wait_for_online(ws: &mut WsClient, mut expected: Vec<Uuid>) {
    expected.sort();
    loop {
        let p = ws.next_of("presence").await;
        let mut online: Vec<Uuid> = p["online"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().parse().unwrap())
            .collect();
        online.sort();
        if online == expected {
            return;
        }
    }
}

fn assert_contiguous(seqs: &[i64]) {
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "gap or disorder: {seqs:?}");
}

async fn member_of(app: &TestApp, owner: &TestUser, users: &[&TestUser], kind: &str) -> Uuid {
    let room = app.create_room(owner, "live", kind).await;
    for u in users {
        if kind == "public" {
            app.join(u, room).await;
        } else {
            let res = app
                .post(
                    &owner.token,
                    &format!("/v1/rooms/{room}/members"),
                    json!({"user_id": u.id}),
                )
                .await;
            assert_eq!(res.status(), 200, "invite");
        }
    }
    room
}

#[tokio::test]
async fn the_server_says_hello_and_answers_pings() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let mut ws = app.connect(&ann).await;
    assert_eq!(ws.hello["user_id"], ann.id.to_string());
    assert_eq!(ws.hello["instance"], app.settings.instance_id);
    assert!(ws.hello["heartbeat_s"].as_u64().unwrap() > 0);
    let pong = ws.call(json!({"type": "ping"})).await;
    assert_eq!(pong["type"], "pong");
}

#[tokio::test]
async fn connection_ids_are_unique_across_instances() {
    let apps = spawn_cluster(2).await;
    let ann = apps[0].user("ann").await;
    let mut ids = std::collections::HashSet::new();
    for app in &apps {
        for _ in 0..3 {
            let ws = app.connect(&ann).await;
            let id = ws.hello["connection_id"].as_str().unwrap().to_owned();
            assert!(id.starts_with(&app.settings.instance_id), "{id}");
            assert!(ids.insert(id.clone()), "{id} repeated");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipelining_socket_gets_its_sends_committed_in_the_order_it_sent_them() {
    let app = spawn_app_with(|s| {
        s.posting.batch_lanes = 4;
        s.posting.send_rate_per_sec = 100_000;
    })
    .await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let room = member_of(&app, &ann, &[&bob], "public").await;
    let mut sockets = vec![app.connect(&ann).await, app.connect(&bob).await];
    const SENDS: usize = 300;
    // Both sockets write every frame before reading a single reply.
    for i in 0..SENDS {
        for (n, ws) in sockets.iter_mut().enumerate() {
            ws.send(
                json!({"type": "send", "room_id": room, "client_msg_id": format!("{n}-{i}"),
                "body": format!("{n}:{i}"), "ref": i}),
            )
            .await;
        }
    }
    for ws in &mut sockets {
        let mut seq_by_ref = vec![0i64; SENDS];
        let mut replies = 0;
        while replies < SENDS {
            let f = ws.next().await;
            assert_eq!(f["type"], "ok", "{f}");
            let i = f["ref"].as_u64().unwrap() as usize;
            seq_by_ref[i] = f["message"]["seq"].as_i64().unwrap();
            replies += 1;
        }
        assert!(
            seq_by_ref.windows(2).all(|w| w[0] < w[1]),
            "a later send was committed before an earlier one: {seq_by_ref:?}"
        );
    }
}

#[tokio::test]
async fn an_event_written_on_one_instance_reaches_subscribers_on_another() {
    let apps = spawn_cluster(2).await;
    let ann = apps[0].user("ann").await;
    let bob = apps[1].user("bob").await;
    let room = member_of(&apps[0], &ann, &[&bob], "public").await;
    let mut ann_ws = apps[0].connect(&ann).await;
    let mut bob_ws = apps[1].connect(&bob).await;
    subscribe(&mut ann_ws, room, None).await;
    subscribe(&mut bob_ws, room, None).await;
    let sent = send(&mut ann_ws, room, "over the wire").await;
    let got = bob_ws.next_event().await;
    assert_eq!(got["event"], "message.created");
    assert_eq!(got["seq"], sent["seq"]);
    assert_eq!(got["data"]["body"], "over the wire");
    assert_eq!(
        ann_ws.next_event().await["seq"],
        sent["seq"],
        "the sender sees its own event too"
    );
    // REST writes on the other instance produce the same live events.
    apps[1].post_message(&bob, room, "via rest").await;
    let got = ann_ws.next_event().await;
    assert_eq!(got["data"]["body"], "via rest");
    assert_eq!(got["seq"], sent["seq"].as_i64().unwrap() + 1);
    assert_eq!(bob_ws.next_event().await["data"]["body"], "via rest");
    // Edits, reactions and deletes travel too, to everyone, in one order.
    let id = sent["id"].as_str().unwrap();
    let edited = ann_ws
        .call(json!({"type": "edit", "message_id": id, "body": "edited"}))
        .await;
    assert_eq!(edited["message"]["body"], "edited");
    bob_ws
        .call(json!({"type": "react", "message_id": id, "emoji": "🎉"}))
        .await;
    ann_ws.call(json!({"type": "delete", "message_id": id})).await;
    for ws in [&mut ann_ws, &mut bob_ws] {
        let e = ws.next_event().await;
        assert_eq!(
            (e["event"].as_str(), e["data"]["body"].as_str()),
            (Some("message.updated"), Some("edited"))
        );
        let e = ws.next_event().await;
        assert_eq!(
            (
                e["event"].as_str(),
                e["data"]["count"].as_i64(),
                e["data"]["emoji"].as_str()
            ),
            (Some("reaction.added"), Some(1), Some("🎉"))
        );
        let e = ws.next_event().await;
        assert_eq!(
            (e["event"].as_str(), e["data"]["deleted"].as_bool()),
            (Some("message.deleted"), Some(true))
        );
    }
}

#[tokio::test]
async fn concurrent_writers_on_three_instances_give_every_reader_the_same_gapless_order() {
    let apps = spawn_cluster(3).await;
    let owner = apps[0].user("owner").await;
    let mut writers = Vec::new();
    for i in 0..5 {
        writers.push(apps[i % 3].user(&format!("w{i}")).await);
    }
    let mut readers = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        readers.push(app.user(&format!("r{i}")).await);
    }
    let everyone: Vec<&TestUser> = writers.iter().chain(readers.iter()).collect();
    let room = member_of(&apps[0], &owner, &everyone, "public").await;
    let mut reader_sockets = Vec::new();
    for (i, r) in readers.iter().enumerate() {
        let mut ws = apps[i].connect(r).await;
        subscribe(&mut ws, room, None).await;
        reader_sockets.push(ws);
    }
    let per_writer = 40;
    let writes = writers.iter().enumerate().map(|(i, w)| {
        let app = &apps[i % 3];
        async move {
            let mut ws = app.connect(w).await;
            for n in 0..per_writer {
                send(&mut ws, room, &format!("{}-{n}", w.name)).await;
            }
        }
    });
    let reads = reader_sockets
        .iter_mut()
        .map(|ws| read_messages(ws, room, 5 * per_writer));
    let (_, results) = tokio::join!(
        futures_util::future::join_all(writes),
        futures_util::future::join_all(reads)
    );
    for (seqs, bodies) in &results {
        assert_contiguous(seqs);
        assert_eq!(bodies.len(), 5 * per_writer);
        assert_eq!(bodies, &results[0].1, "every reader sees the same order");
    }
}

#[tokio::test]
async fn a_reconnecting_client_gets_exactly_what_it_missed_then_live_events() {
    let apps = spawn_cluster(2).await;
    let ann = apps[0].user("ann").await;
    let bob = apps[1].user("bob").await;
    let room = member_of(&apps[0], &ann, &[&bob], "public").await;
    let mut bob_ws = apps[1].connect(&bob).await;
    subscribe(&mut bob_ws, room, None).await;
    for i in 0..3 {
        apps[0].post_message(&ann, room, &format!("before {i}")).await;
    }
    let (seqs, _) = read_messages(&mut bob_ws, room, 3).await;
    let last_seen = *seqs.last().unwrap();
    drop(bob_ws);
    for i in 0..5 {
        apps[0].post_message(&ann, room, &format!("missed {i}")).await;
    }
    // Resume on the other instance.
    let mut bob_ws = apps[0].connect(&bob).await;
    let (ok, _) = bob_ws
        .call_collect(json!({"type": "subscribe", "room_id": room, "since": last_seen}))
        .await;
    assert_eq!(ok["last_seq"], last_seen + 5);
    let (seqs, bodies) = read_messages(&mut bob_ws, room, 5).await;
    assert_eq!(seqs, (last_seen + 1..=last_seen + 5).collect::<Vec<_>>());
    assert_eq!(bodies, (0..5).map(|i| format!("missed {i}")).collect::<Vec<_>>());
    apps[1].post_message(&ann, room, "live again").await;
    let e = bob_ws.next_event().await;
    assert_eq!(
        (e["seq"].as_i64(), e["data"]["body"].as_str()),
        (Some(last_seen + 6), Some("live again"))
    );
}

#[tokio::test]
async fn too_much_missed_history_asks_for_a_resync() {
    let app = spawn_app_with(|s| s.ws.replay_cap = 10).await;
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    for i in 0..15 {
        app.post_message(&ann, room, &format!("m{i}")).await;
    }
    let mut ws = app.connect(&ann).await;
    let reply = ws.call(json!({"type": "subscribe", "room_id": room, "since": 1})).await;
    assert_eq!(reply["type"], "error");
    assert_eq!(reply["code"], "resync_required");
    assert_eq!(reply["last_seq"], 16);
    // Paging the log then subscribing from there works.
    let page = app
        .get_json(&ann.token, &format!("/v1/rooms/{room}/events?after=1&limit=1000"))
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 15);
    let ok = subscribe(&mut ws, room, Some(16)).await;
    assert_eq!(ok["last_seq"], 16);
}

#[tokio::test]
async fn tickets_work_once_on_any_instance() {
    let apps = spawn_cluster(2).await;
    let ann = apps[0].user("ann").await;
    let res = apps[0].post(&ann.token, "/v1/ws/tickets", json!({})).await;
    assert_eq!(res.status(), 201);
    let ticket = res.json::<Value>().await.unwrap()["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("{}?ticket={ticket}", apps[1].ws_url);
    let ws = WsClient::open(url.clone().into_client_request().unwrap())
        .await
        .expect("the ticket opens a socket on the other instance");
    assert_eq!(ws.hello["user_id"], ann.id.to_string());
    let again = WsClient::open(url.into_client_request().unwrap()).await;
    assert!(again.is_err(), "a ticket is single use");
    let bogus = WsClient::open(format!("{}?ticket=nope", apps[0].ws_url).into_client_request().unwrap()).await;
    assert!(bogus.is_err());
    let anonymous = WsClient::open(apps[0].ws_url.clone().into_client_request().unwrap()).await;
    assert!(anonymous.is_err());
}

#[tokio::test]
async fn a_foreign_origin_cannot_open_a_socket() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let mut request = app.ws_url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {}", ann.token).parse().unwrap());
    request
        .headers_mut()
        .insert("origin", "https://evil.example.com".parse().unwrap());
    match WsClient::open(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => assert_eq!(res.status(), 403),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a foreign origin must be refused"),
    }
    let mut request = app.ws_url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {}", ann.token).parse().unwrap());
    request
        .headers_mut()
        .insert("origin", "http://localhost:3000".parse().unwrap());
    assert!(WsClient::open(request).await.is_ok());
}

#[tokio::test]
async fn bad_frames_get_errors_and_the_socket_stays_usable() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    let mut ws = app.connect(&ann).await;
    ws.send_raw("not json".into()).await;
    assert_eq!(ws.next().await["code"], "invalid");
    let reply = ws.call(json!({"type": "teleport"})).await;
    assert_eq!(reply["code"], "invalid");
    let reply = ws
        .call(json!({"type": "send", "room_id": "nope", "body": "x", "client_msg_id": "a"}))
        .await;
    assert_eq!(reply["code"], "invalid");
    let reply = ws
        .call(json!({"type": "send", "room_id": room, "body": "  ", "client_msg_id": "a"}))
        .await;
    assert_eq!(reply["code"], "invalid");
    ws.send_raw(
        json!({"type": "send", "room_id": room, "client_msg_id": "big", "body": "x".repeat(70 * 1024)}).to_string(),
    )
    .await;
    assert_eq!(ws.next().await["code"], "too_large");
    let reply = ws
        .call(json!({"type": "react", "message_id": Uuid::new_v4(), "emoji": "👍"}))
        .await;
    assert_eq!(reply["code"], "not_found");
    assert_eq!(ws.call(json!({"type": "ping"})).await["type"], "pong");
    assert_eq!(send(&mut ws, room, "still works").await["body"], "still works");
}

#[tokio::test]
async fn outsiders_cannot_subscribe() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let outsider = app.user("outsider").await;
    let private = app.create_room(&owner, "p", "private").await;
    let public = app.create_room(&owner, "q", "public").await;
    let mut ws = app.connect(&outsider).await;
    assert_eq!(
        ws.call(json!({"type": "subscribe", "room_id": private})).await["code"],
        "not_found"
    );
    assert_eq!(
        ws.call(json!({"type": "subscribe", "room_id": Uuid::new_v4()})).await["code"],
        "not_found"
    );
    assert_eq!(
        ws.call(json!({"type": "subscribe", "room_id": public})).await["code"],
        "forbidden"
    );
    assert_eq!(
        ws.call(json!({"type": "send", "room_id": private, "body": "x", "client_msg_id": "z"}))
            .await["code"],
        "not_found"
    );
    assert_eq!(
        ws.call(json!({"type": "typing", "room_id": private})).await["code"],
        "forbidden"
    );
}

#[tokio::test]
async fn a_kicked_member_stops_receiving_the_room() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let bob = app.user("bob").await;
    let room = member_of(&app, &owner, &[&bob], "private").await;
    let mut owner_ws = app.connect(&owner).await;
    subscribe(&mut owner_ws, room, None).await;
    let mut bob_ws = app.connect(&bob).await;
    subscribe(&mut bob_ws, room, None).await;
    let kicked = app
        .delete(&owner.token, &format!("/v1/rooms/{room}/members/{}", bob.id))
        .await;
    assert_eq!(kicked.status(), 204, "kick");
    let e = bob_ws.next_event().await;
    assert_eq!(e["event"], "member.left");
    app.post_message(&owner, room, "after the kick").await;
    // The hub hands an event to every subscriber of the room at once: once the owner has
    // the message, any copy for bob would already be in his socket's queue.
    loop {
        let e = owner_ws.next_event().await;
        if e["event"] == "message.created" {
            assert_eq!(e["data"]["body"], "after the kick");
            break;
        }
    }
    // So the next thing bob's socket receives is the reply to his own ping, not the message.
    let (pong, seen) = bob_ws.call_collect(json!({"type": "ping"})).await;
    assert_eq!(pong["type"], "pong");
    assert!(seen.iter().all(|f| f["type"] != "event"), "{seen:?}");
}

#[tokio::test]
async fn presence_is_shared_across_instances_and_cleared_when_one_stops() {
    let apps = spawn_cluster(2).await;
    let ann = apps[0].user("ann").await;
    let bob = apps[1].user("bob").await;
    let room = member_of(&apps[0], &ann, &[&bob], "public").await;
    let mut ann_ws = apps[0].connect(&ann).await;
    subscribe(&mut ann_ws, room, None).await;
    let mut bob_ws = apps[1].connect(&bob).await;
    subscribe(&mut bob_ws, room, None).await;
    wait_for_online(&mut ann_ws, vec![ann.id, bob.id]).await;
    // Typing crosses instances too.
    bob_ws.call(json!({"type": "typing", "room_id": room})).await;
    let t = ann_ws.next_of("typing").await;
    assert_eq!(t["user_id"], bob.id.to_string());
    // Stopping bob's instance closes his socket with "reconnect" and takes him offline.
    apps[1].stop().await;
    assert_eq!(bob_ws.closed_reason().await, "reconnect");
    wait_for_online(&mut ann_ws, vec![ann.id]).await;
}

#[tokio::test]
async fn presence_of_a_dead_instance_expires() {
    let apps = spawn_cluster_with(2, |s| s.ws.presence_ttl = Duration::from_millis(900)).await;
    let ann = apps[0].user("ann").await;
    let bob = apps[1].user("bob").await;
    let room = member_of(&apps[0], &ann, &[&bob], "public").await;
    let mut ann_ws = apps[0].connect(&ann).await;
    subscribe(&mut ann_ws, room, None).await;
    // An entry as a crashed instance would leave it: never refreshed, never removed.
    let mut redis = redis::Client::open(parley_tests::redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let expiry = chrono::Utc::now().timestamp_millis() + 900;
    let _: () = redis::cmd("ZADD")
        .arg(format!("{}:presence:{room}", apps[0].settings.redis.prefix))
        .arg(expiry)
        .arg(format!("{}|dead-instance|1", bob.id))
        .query_async(&mut redis)
        .await
        .unwrap();
    wait_for_online(&mut ann_ws, vec![ann.id, bob.id]).await;
    wait_for_online(&mut ann_ws, vec![ann.id]).await;
}

#[tokio::test]
async fn a_token_refreshed_in_band_keeps_the_socket_and_an_expired_one_closes_it() {
    let app = spawn_app_with(|s| {
        s.ws.auth_grace = Duration::ZERO;
        s.ws.heartbeat = Duration::from_millis(300);
    })
    .await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let now = chrono::Utc::now().timestamp();
    let short = app.clerk.token(&ann.clerk_id, json!({"exp": now + 1}));
    // Connected with a token that expires in a second, then refreshed in band.
    let mut ws = WsClient::connect(&app.ws_url, &short).await;
    let fresh = app.clerk.token(&ann.clerk_id, json!({}));
    assert_eq!(ws.call(json!({"type": "auth", "token": fresh})).await["type"], "ok");
    assert_eq!(
        ws.call(json!({"type": "auth", "token": bob.token})).await["code"],
        "unauthorized"
    );
    // A socket whose token has expired (and no refresh came) is closed with a reason.
    let mut short_ws = WsClient::connect(&app.ws_url, &short).await;
    assert!(short_ws.closed_reason().await.contains("expired"));
    // Every heartbeat checks the credential before it pings: a ping sent after the first
    // token's expiry means the refreshed socket passed that check.
    while chrono::Utc::now().timestamp() <= now + 2 {
        ws.next_ping().await;
    }
    ws.next_ping().await;
    assert_eq!(ws.call(json!({"type": "ping"})).await["type"], "pong");
}

#[tokio::test]
async fn a_revoked_session_is_closed_on_every_instance() {
    let apps = spawn_cluster(2).await;
    let ann = apps[0].user("ann").await;
    let sid = "sess_revoke_me";
    let token = apps[0].clerk.token(&ann.clerk_id, json!({"sid": sid}));
    let mut on_a = WsClient::connect(&apps[0].ws_url, &token).await;
    let mut on_b = WsClient::connect(&apps[1].ws_url, &token).await;
    let mut other_session = apps[1].connect(&ann).await;
    let body = json!({"type": "session.revoked", "data": {"id": sid, "user_id": ann.clerk_id, "status": "revoked"}})
        .to_string();
    let mut req = apps[0]
        .http
        .post(format!("{}/v1/webhooks/clerk", apps[0].url))
        .header("content-type", "application/json")
        .body(body.clone());
    for (k, v) in svix_headers("msg_revoke", chrono::Utc::now().timestamp(), &body) {
        req = req.header(k, v);
    }
    assert_eq!(req.send().await.unwrap().status(), 200);
    assert_eq!(on_a.closed_reason().await, "session ended");
    assert_eq!(on_b.closed_reason().await, "session ended");
    assert_eq!(
        other_session.call(json!({"type": "ping"})).await["type"],
        "pong",
        "other sessions stay"
    );
}

#[tokio::test]
async fn a_slow_consumer_is_cut_off_without_delaying_others_and_resumes() {
    // 40 frames of queue: what the fast reader had before frames went straight from the
    // queue to the socket (8 queued plus 32 in actix-ws's channel).
    let app = spawn_app_with(|s| s.ws.queue_capacity = 40).await;
    let ann = app.user("ann").await;
    let slow = app.user("slow").await;
    let fast = app.user("fast").await;
    let room = member_of(&app, &ann, &[&slow, &fast], "public").await;
    // The slow client has a tiny receive buffer and does not read.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket
        .connect(app.url.trim_start_matches("http://").parse().unwrap())
        .await
        .unwrap();
    let mut request = app.ws_url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {}", slow.token).parse().unwrap());
    let (raw, _) = tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    let mut slow_ws = WsClient {
        socket: raw,
        hello: Value::Null,
        pending: Default::default(),
    };
    slow_ws.hello = slow_ws.next().await;
    subscribe(&mut slow_ws, room, None).await;
    let mut fast_ws = app.connect(&fast).await;
    subscribe(&mut fast_ws, room, None).await;
    let total = 1500;
    let body = "x".repeat(3000);
    let writer = async {
        let mut ws = app.connect(&ann).await;
        for _ in 0..total {
            send(&mut ws, room, &body).await;
        }
    };
    let ((), (seqs, _)) = tokio::join!(writer, read_messages(&mut fast_ws, room, total));
    assert_contiguous(&seqs);
    // Now read what the slow client got: a gapless prefix, then a close that says why.
    let mut last = 0;
    let reason = loop {
        match slow_ws.next_or_close().await {
            Ok(f) if f["type"] == "event" => {
                let seq = f["seq"].as_i64().unwrap();
                assert!(last == 0 || seq == last + 1);
                last = seq;
            }
            Ok(_) => continue,
            Err(reason) => break reason,
        }
    };
    assert!(reason.contains("overflow"), "{reason}");
    assert!(
        last < *seqs.last().unwrap(),
        "the slow client was cut off before the end"
    );
    let mut again = app.connect(&slow).await;
    subscribe(&mut again, room, Some(last)).await;
    let (resumed, _) = read_messages(&mut again, room, (*seqs.last().unwrap() - last) as usize).await;
    assert_eq!(resumed.first(), Some(&(last + 1)));
    assert_contiguous(&resumed);
}

#[tokio::test]
async fn subscribers_lose_nothing_when_redis_restarts() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("parley-redis-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let start_redis = || {
        std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
            ])
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed (api/scripts/services.sh installs it)")
    };
    let url = format!("redis://127.0.0.1:{port}");
    let ping = || async {
        match redis::Client::open(url.as_str())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
        {
            Ok(mut c) => redis::cmd("PING").query_async::<String>(&mut c).await.is_ok(),
            Err(_) => false,
        }
    };
    let mut server = start_redis();
    parley_tests::eventually(Duration::from_secs(10), "private Redis up", ping).await;
    let apps = spawn_cluster_with(2, |s| s.redis.url = Some(url.clone())).await;
    let ann = apps[0].user("ann").await;
    let bob = apps[1].user("bob").await;
    let room = member_of(&apps[0], &ann, &[&bob], "public").await;
    let mut bob_ws = apps[1].connect(&bob).await;
    subscribe(&mut bob_ws, room, None).await;
    apps[0].post_message(&ann, room, "before").await;
    let (mut seqs, mut bodies) = read_messages(&mut bob_ws, room, 1).await;
    // Redis goes away; writes still commit; then Redis comes back.
    server.kill().unwrap();
    server.wait().unwrap();
    for i in 0..5 {
        apps[0].post_message(&ann, room, &format!("during {i}")).await;
    }
    let mut server = start_redis();
    parley_tests::eventually(Duration::from_secs(10), "private Redis back", ping).await;
    let (s, b) = read_messages(&mut bob_ws, room, 5).await;
    seqs.extend(s);
    bodies.extend(b);
    apps[0].post_message(&ann, room, "after").await;
    let (s, b) = read_messages(&mut bob_ws, room, 1).await;
    seqs.extend(s);
    bodies.extend(b);
    assert_contiguous(&seqs);
    assert_eq!(
        bodies,
        ["before", "during 0", "during 1", "during 2", "during 3", "during 4", "after"]
    );
    for app in &apps {
        app.stop().await;
    }
    let _ = server.kill();
    let _ = server.wait();
}

#[tokio::test]
async fn sends_over_the_rate_limit_are_refused_with_a_code() {
    let apps = spawn_cluster_with(1, |s| s.posting.send_rate_per_sec = 3).await;
    let app = &apps[0];
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    let mut ws = app.connect(&ann).await;
    for i in 0..20 {
        ws.send(json!({"type": "send", "room_id": room, "client_msg_id": format!("rl-{i}"), "body": "spam", "ref": i}))
            .await;
    }
    let mut codes = Vec::new();
    while codes.len() < 20 {
        let f = ws.next().await;
        if f["ref"].is_number() {
            codes.push(if f["type"] == "ok" {
                "ok".to_owned()
            } else {
                f["code"].as_str().unwrap().to_owned()
            });
        }
    }
    assert!(codes.iter().any(|c| c == "ok"), "{codes:?}");
    assert!(codes.iter().any(|c| c == "rate_limited"), "{codes:?}");
    assert!(codes.iter().all(|c| c == "ok" || c == "rate_limited"), "{codes:?}");
}
