//! Booking pages (first step of the bookings issue): a host's booking types and schedule,
//! and the public slots, correct across a DST change whatever the visitor's zone.

use parley_tests::spawn_app;
use serde_json::{json, Value};

#[tokio::test]
async fn a_host_offers_a_type_and_anyone_sees_its_slots_in_utc_across_a_dst_change() {
    let app = spawn_app().await;
    let host = app.user("host").await;
    let other = app.user("other").await;
    let res = app
        .post(
            &host.token,
            "/v1/booking-types",
            json!({"title": "Intro call", "slug": "intro", "length_minutes": 30, "window_days": 365,
                   "price": {"amount": 2500, "currency": "usd"}, "refund_until_hours": 24}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let t: Value = res.json().await.unwrap();
    assert_eq!(
        (t["slot_interval_minutes"].as_i64(), &t["price"]),
        (Some(30), &json!({"amount": 2500, "currency": "usd"}))
    );
    let schedule = json!({"time_zone": "America/New_York",
        "weekly": [{"day": "sun", "start": "00:00", "end": "05:00"}], "overrides": []});
    let res = app
        .request(reqwest::Method::PUT, &host.token, "/v1/availability")
        .json(&schedule)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.get_json(&host.token, "/v1/availability").await, schedule);

    // 2027-03-14 in New York: 02:00 EST becomes 03:00 EDT; no slot in the missing hour.
    let path = |tz: &str| {
        format!(
            "/v1/hosts/{}/booking-types/intro/slots?from=2027-03-14T05:00:00Z&to=2027-03-14T10:00:00Z&tz={tz}",
            host.id
        )
    };
    let slots = app.public_json(&path("America/New_York")).await;
    let starts: Vec<&str> = slots["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2027-03-14T05:00:00Z",
            "2027-03-14T05:30:00Z",
            "2027-03-14T06:00:00Z",
            "2027-03-14T06:30:00Z",
            "2027-03-14T07:00:00Z",
            "2027-03-14T07:30:00Z",
            "2027-03-14T08:00:00Z",
            "2027-03-14T08:30:00Z"
        ]
    );
    // Anyone may read the type by its slug (the booking page).
    let public = app
        .public_json(&format!("/v1/hosts/{}/booking-types/intro", host.id))
        .await;
    assert_eq!((&public["id"], &public["length_minutes"]), (&t["id"], &json!(30)));
    assert_eq!(public["host"]["display_name"], "host");
    assert!(public["host"].get("email").is_none(), "the public profile only");
    // A visitor in Tokyo (signed in or not) gets the same instants.
    assert_eq!(app.public_json(&path("Asia/Tokyo")).await, slots);
    assert_eq!(app.get_json(&other.token, &path("Asia/Tokyo")).await, slots);

    // Another host's type is nobody else's to read or change; a slug is one per host.
    let id = t["id"].as_str().unwrap();
    assert_eq!(
        app.get(&other.token, &format!("/v1/booking-types/{id}")).await.status(),
        404
    );
    assert_eq!(
        app.patch(
            &other.token,
            &format!("/v1/booking-types/{id}"),
            json!({"title": "mine"})
        )
        .await
        .status(),
        404
    );
    let again = app
        .post(
            &host.token,
            "/v1/booking-types",
            json!({"title": "Again", "slug": "intro", "length_minutes": 60}),
        )
        .await;
    assert_eq!(again.status(), 409);
    let res = app
        .post(
            &other.token,
            "/v1/booking-types",
            json!({"title": "Theirs", "slug": "intro", "length_minutes": 60}),
        )
        .await;
    assert_eq!(res.status(), 201, "another host may use the same slug");
    let changed: Value = app
        .patch(
            &host.token,
            &format!("/v1/booking-types/{id}"),
            json!({"price": null, "max_per_day": 3}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((&changed["price"], &changed["max_per_day"]), (&Value::Null, &json!(3)));
    let mine = app.get_json(&host.token, "/v1/booking-types").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.delete(&host.token, &format!("/v1/booking-types/{id}"))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.http
            .get(format!("{}{}", app.url, path("UTC")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn bad_schedules_types_and_ranges_are_refused_with_a_clear_422() {
    let app = spawn_app().await;
    let host = app.user("host").await;
    let put = |body: Value| {
        app.request(reqwest::Method::PUT, &host.token, "/v1/availability")
            .json(&body)
            .send()
    };
    for bad in [
        json!({"time_zone": "Mars/Olympus", "weekly": [], "overrides": []}),
        json!({"time_zone": "UTC", "weekly": [{"day": "mon", "start": "10:00", "end": "09:00"}], "overrides": []}),
        json!({"time_zone": "UTC", "weekly": [{"day": "someday", "start": "09:00", "end": "10:00"}], "overrides": []}),
        json!({"time_zone": "UTC", "weekly": [{"day": "mon", "start": "9:00", "end": "10:00"}], "overrides": []}),
        json!({"time_zone": "UTC", "weekly": [], "overrides": [{"date": "2027-01-01", "ranges": []}, {"date": "2027-01-01", "ranges": []}]}),
    ] {
        let res = put(bad.clone()).await.unwrap();
        assert_eq!(res.status(), 422, "{bad}");
        assert_eq!(res.json::<Value>().await.unwrap()["code"], "invalid");
    }
    for bad in [
        json!({"title": "x", "slug": "Not A Slug", "length_minutes": 30}),
        json!({"title": "x", "slug": "ok", "length_minutes": 1}),
        json!({"title": "x", "slug": "ok", "length_minutes": 30, "price": {"amount": 5, "currency": "usd"}}),
        json!({"title": "x", "slug": "ok", "length_minutes": 30, "window_days": 0}),
    ] {
        assert_eq!(
            app.post(&host.token, "/v1/booking-types", bad.clone()).await.status(),
            422,
            "{bad}"
        );
    }
    app.post(
        &host.token,
        "/v1/booking-types",
        json!({"title": "x", "slug": "ok", "length_minutes": 30}),
    )
    .await;
    let slots = |q: &str| {
        app.http
            .get(format!("{}/v1/hosts/{}/booking-types/ok/slots?{q}", app.url, host.id))
            .send()
    };
    let too_long = slots("from=2027-01-01T00:00:00Z&to=2027-06-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(too_long.status(), 422);
    let backwards = slots("from=2027-01-02T00:00:00Z&to=2027-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(backwards.status(), 422);
    let no_schedule = slots("from=2027-01-01T00:00:00Z&to=2027-01-02T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(no_schedule.json::<Value>().await.unwrap()["items"], json!([]));
}

// ---- Bookings ----

use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use parley_tests::{eventually, spawn_cluster, spawn_paid, stripe_id, TestApp, TestUser};

const WAIT: Duration = Duration::from_secs(10);

/// Every day 00:00–23:30 in `zone`, so any half hour a few days ahead is a slot.
pub(crate) async fn open_all_week(app: &TestApp, host: &TestUser, zone: &str) {
    let weekly: Vec<Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| json!({"day": d, "start": "00:00", "end": "23:30"}))
        .collect();
    let res = app
        .request(reqwest::Method::PUT, &host.token, "/v1/availability")
        .json(&json!({"time_zone": zone, "weekly": weekly, "overrides": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

pub(crate) async fn booking_type(app: &TestApp, host: &TestUser, body: Value) -> Value {
    let res = app.post(&host.token, "/v1/booking-types", body).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// `days` from today at `hour`:00 UTC.
pub(crate) fn at(days: i64, hour: u32) -> DateTime<Utc> {
    (Utc::now().date_naive() + Span::days(days))
        .and_hms_opt(hour, 0, 0)
        .unwrap()
        .and_utc()
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn book(app: &TestApp, client: &TestUser, type_id: &Value, start: DateTime<Utc>) -> reqwest::Response {
    app.post(
        &client.token,
        "/v1/bookings",
        json!({"booking_type_id": type_id, "start": rfc(start), "tz": "Europe/Paris"}),
    )
    .await
}

async fn slot_starts(
    app: &TestApp,
    host: &TestUser,
    slug: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<String> {
    let path = format!(
        "/v1/hosts/{}/booking-types/{slug}/slots?from={}&to={}",
        host.id,
        rfc(from),
        rfc(to)
    );
    app.public_json(&path).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

async fn notifications(app: &TestApp, user: &TestUser) -> Vec<Value> {
    app.get_json(&user.token, "/v1/notifications").await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn twenty_clients_race_for_one_slot_on_two_instances_and_exactly_one_wins() {
    let apps = spawn_cluster(2).await;
    let app = &apps[0];
    let host = app.user("host").await;
    open_all_week(app, &host, "UTC").await;
    let t = booking_type(
        app,
        &host,
        json!({"title": "Lesson", "slug": "lesson", "length_minutes": 30, "buffer_after_minutes": 0}),
    )
    .await;
    let slot = at(3, 10);
    let mut clients = Vec::new();
    for i in 0..20 {
        clients.push(app.user(&format!("client{i}")).await);
    }
    let attempts = clients.iter().enumerate().map(|(i, c)| {
        let app = &apps[i % 2];
        let t = &t["id"];
        async move { book(app, c, t, slot).await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let mut won = Vec::new();
    for res in answers {
        match res.status().as_u16() {
            201 => won.push(res.json::<Value>().await.unwrap()),
            409 => assert_eq!(res.json::<Value>().await.unwrap()["code"], "slot_taken"),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one booking of the slot");
    assert_eq!(won[0]["status"], "confirmed");
    assert_eq!(won[0]["start"], rfc(slot));
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM bookings WHERE status = 'confirmed'")
            .await,
        1
    );
    // The slot is gone from the page; the adjacent ones are still there and bookable.
    let starts = slot_starts(app, &host, "lesson", at(3, 9), at(3, 12)).await;
    assert!(!starts.contains(&rfc(slot)), "{starts:?}");
    assert!(starts.contains(&rfc(slot + Span::minutes(30))));
    let next = book(&apps[1], &clients[0], &t["id"], slot + Span::minutes(30)).await;
    assert_eq!(next.status(), 201, "an adjacent slot is free");
    let before = book(&apps[0], &clients[1], &t["id"], slot - Span::minutes(30)).await;
    assert_eq!(before.status(), 201, "so is the one before");
    // Not a slot at all: a quarter past, or in the past.
    let odd = book(app, &clients[2], &t["id"], slot + Span::minutes(75)).await;
    assert_eq!(odd.status(), 409);
    assert_eq!(odd.json::<Value>().await.unwrap()["code"], "slot_unavailable");
    let past = book(app, &clients[2], &t["id"], at(-1, 10)).await;
    assert_eq!(past.json::<Value>().await.unwrap()["code"], "slot_unavailable");
    // The winner and the host meet in their own room, with a session scheduled in it.
    let winner = &won[0];
    let host_view = app
        .get_json(&host.token, &format!("/v1/bookings/{}", winner["id"].as_str().unwrap()))
        .await;
    assert_eq!(host_view["room_id"], winner["room_id"]);
    let room = winner["room_id"].as_str().unwrap();
    let members = app.get_json(&host.token, &format!("/v1/rooms/{room}/members")).await;
    assert_eq!(members["items"].as_array().unwrap().len(), 2);
    let session = app
        .get_json(
            &host.token,
            &format!("/v1/sessions/{}", winner["session_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(
        (session["status"].as_str(), session["scheduled_at"].as_str()),
        (Some("scheduled"), Some(rfc(slot).as_str()))
    );
    // Both were told.
    let told = notifications(app, &host).await;
    assert!(told
        .iter()
        .any(|n| n["kind"] == "booking_confirmed" && n["subject_id"] == winner["id"]));
}

#[tokio::test]
async fn hosts_confirm_reject_and_reschedule_and_nobody_else_sees_a_booking() {
    let app = spawn_app().await;
    let (host, client, stranger) = (
        app.user("host").await,
        app.user("client").await,
        app.user("stranger").await,
    );
    open_all_week(&app, &host, "UTC").await;
    let t = booking_type(
        &app,
        &host,
        json!({"title": "Review", "slug": "review", "length_minutes": 60, "requires_confirmation": true,
               "buffer_before_minutes": 15}),
    )
    .await;
    // An Idempotency-Key makes a retry answer the same booking.
    let send = || {
        app.request(reqwest::Method::POST, &client.token, "/v1/bookings")
            .header("Idempotency-Key", "book-once-1")
            .json(
                &json!({"booking_type_id": t["id"], "start": rfc(at(4, 10)), "tz": "UTC",
                          "note": "About my thesis"}),
            )
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(first["status"], "pending");
    let id = first["id"].as_str().unwrap();
    let path = |p: &str| format!("/v1/bookings/{id}{p}");

    // Nobody else sees it or acts on it; the client may not decide for the host.
    for p in ["", "/calendar.ics"] {
        assert_eq!(app.get(&stranger.token, &path(p)).await.status(), 404);
    }
    for p in ["/cancel", "/confirm", "/reject"] {
        assert_eq!(
            app.post(&stranger.token, &path(p), json!({})).await.status(),
            404,
            "{p}"
        );
    }
    assert_eq!(
        app.post(&client.token, &path("/confirm"), json!({})).await.status(),
        403
    );
    let theirs = app.get_json(&stranger.token, "/v1/bookings").await;
    assert_eq!(theirs["items"], json!([]));
    let hosting = app.get_json(&host.token, "/v1/bookings?role=host&status=pending").await;
    assert_eq!(hosting["items"][0]["id"], first["id"]);
    assert_eq!(hosting["items"][0]["note"], "About my thesis");
    assert_eq!(hosting["items"][0]["booking_type_slug"], "review");
    assert_eq!(
        app.get_json(&host.token, "/v1/bookings?role=client").await["items"],
        json!([])
    );
    // A pending booking keeps its slot (and its buffer before) from others.
    let starts = slot_starts(&app, &host, "review", at(4, 8), at(4, 13)).await;
    assert_eq!(
        starts,
        [rfc(at(4, 8)), rfc(at(4, 12))],
        "09:00 would end inside the buffer"
    );

    let confirmed: Value = app
        .post(&host.token, &path("/confirm"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (confirmed["status"].as_str(), confirmed["sequence"].as_i64()),
        (Some("confirmed"), Some(1))
    );
    assert_eq!(app.post(&host.token, &path("/confirm"), json!({})).await.status(), 409);

    // Moving it: the new range is taken and the old freed at once; the id stays.
    let moved = app
        .post(&client.token, &path("/reschedule"), json!({"start": rfc(at(5, 14))}))
        .await;
    assert_eq!(moved.status(), 200);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(
        (moved["id"].as_str(), moved["start"].as_str()),
        (Some(id), Some(rfc(at(5, 14)).as_str()))
    );
    assert_eq!(moved["sequence"], 2);
    assert!(slot_starts(&app, &host, "review", at(4, 8), at(4, 13))
        .await
        .contains(&rfc(at(4, 10))));
    let session = app
        .get_json(
            &client.token,
            &format!("/v1/sessions/{}", moved["session_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(session["scheduled_at"], rfc(at(5, 14)));
    // Another client's booking cannot be moved onto it.
    let other = app.user("other").await;
    let theirs: Value = book(&app, &other, &t["id"], at(6, 10)).await.json().await.unwrap();
    let clash = app
        .post(
            &other.token,
            &format!("/v1/bookings/{}/reschedule", theirs["id"].as_str().unwrap()),
            json!({"start": rfc(at(5, 14))}),
        )
        .await;
    assert_eq!(clash.status(), 409);
    assert_eq!(clash.json::<Value>().await.unwrap()["code"], "slot_taken");
    let rejected: Value = app
        .post(
            &host.token,
            &format!("/v1/bookings/{}/reject", theirs["id"].as_str().unwrap()),
            json!({"reason": "Fully booked that week"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["cancel_reason"], "Fully booked that week");
    let told = notifications(&app, &other).await;
    assert!(told
        .iter()
        .any(|n| n["kind"] == "booking_changed" && n["preview"].as_str().unwrap().starts_with("Declined")));

    // The type cannot go while it has bookings to come.
    let gone = app
        .delete(&host.token, &format!("/v1/booking-types/{}", t["id"].as_str().unwrap()))
        .await;
    assert_eq!(gone.status(), 409);
    assert_eq!(gone.json::<Value>().await.unwrap()["code"], "booking_type_in_use");
    let cancelled: Value = app
        .post(&client.token, &path("/cancel"), json!({"reason": "Something came up"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(app.post(&host.token, &path("/cancel"), json!({})).await.status(), 409);
    // No one books oneself.
    assert_eq!(book(&app, &host, &t["id"], at(7, 10)).await.status(), 422);
}

#[tokio::test]
async fn a_paid_booking_is_held_until_paid_and_a_cancel_in_time_refunds_it() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let host = paid.creator("host").await;
    let (client, rival) = (app.user("client").await, app.user("rival").await);
    open_all_week(app, &host, "UTC").await;
    let t = booking_type(
        app,
        &host,
        json!({"title": "Coaching", "slug": "coaching", "length_minutes": 60,
               "price": {"amount": 4000, "currency": "eur"}, "refund_until_hours": 24}),
    )
    .await;
    let slot = at(5, 9);
    let res = book(app, &client, &t["id"], slot).await;
    assert_eq!(res.status(), 201);
    let held: Value = res.json().await.unwrap();
    assert_eq!(held["status"], "held");
    assert!(held["hold_expires_at"].is_string());
    // Stripe was asked for our price, routed to the host.
    let session = paid
        .stripe
        .object(&stripe_id(held["checkout_url"].as_str().unwrap()))
        .unwrap();
    assert_eq!(
        (session["amount_total"].as_i64(), session["currency"].as_str()),
        (Some(4000), Some("eur"))
    );
    // Held: not offered, and nobody else gets it; the host does not see the checkout.
    assert!(!slot_starts(app, &host, "coaching", at(5, 8), at(5, 11))
        .await
        .contains(&rfc(slot)));
    let lost = book(app, &rival, &t["id"], slot).await;
    assert_eq!(lost.status(), 409);
    let id = held["id"].as_str().unwrap();
    assert_eq!(
        app.get_json(&host.token, &format!("/v1/bookings/{id}")).await["checkout_url"],
        Value::Null
    );

    let started = json!({"checkout_url": held["checkout_url"], "payment_id": held["payment_id"]});
    paid.pay(&client, &started).await;
    let now = app.get_json(&client.token, &format!("/v1/bookings/{id}")).await;
    assert_eq!(
        now["status"], "confirmed",
        "confirmed with its payment, in one transaction"
    );
    assert_eq!(
        (now["checkout_url"].is_null(), now["hold_expires_at"].is_null()),
        (true, true)
    );
    let payment = app
        .get_json(
            &host.token,
            &format!("/v1/payments/{}", held["payment_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(
        (payment["kind"].as_str(), payment["amount"].as_i64()),
        (Some("booking"), Some(4000))
    );
    let told = notifications(app, &host).await;
    assert!(told
        .iter()
        .any(|n| n["kind"] == "booking_confirmed" && n["subject_id"] == held["id"]));

    // A held booking cancelled before it is paid: its Checkout page closes.
    let unpaid: Value = book(app, &rival, &t["id"], at(6, 9)).await.json().await.unwrap();
    let res = app
        .post(
            &rival.token,
            &format!("/v1/bookings/{}/cancel", unpaid["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = paid
        .stripe
        .object(&stripe_id(unpaid["checkout_url"].as_str().unwrap()))
        .unwrap();
    assert_eq!(page["status"], "expired", "a cancelled booking cannot be paid");

    // Cancelled days ahead, within the 24-hour policy: the money goes back in full.
    let cancelled = app
        .post(&client.token, &format!("/v1/bookings/{id}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status(), 200);
    let path = format!("/v1/payments/{}", held["payment_id"].as_str().unwrap());
    eventually(WAIT, "the booking's payment is refunded", || async {
        app.get_json(&client.token, &path).await["status"] == "refunded"
    })
    .await;
    assert!(slot_starts(app, &host, "coaching", at(5, 8), at(5, 11))
        .await
        .contains(&rfc(slot)));
}

#[tokio::test]
async fn an_expired_hold_is_offered_again_and_a_late_payment_reclaims_it_or_goes_back() {
    let paid = spawn_paid(1, |s| s.bookings.sweep_interval = Duration::from_millis(100)).await;
    let app = paid.app();
    let host = paid.creator("host").await;
    let (late, rival, later) = (app.user("late").await, app.user("rival").await, app.user("later").await);
    open_all_week(app, &host, "UTC").await;
    let t = booking_type(
        app,
        &host,
        json!({"title": "Session", "slug": "session", "length_minutes": 60,
               "price": {"amount": 3000, "currency": "usd"}}),
    )
    .await;
    let expire =
        |id: &str| format!("UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = '{id}'");

    // A hold that ran out is offered again; its payment, arriving late to a free slot,
    // re-claims it.
    let first: Value = book(app, &late, &t["id"], at(5, 9)).await.json().await.unwrap();
    app.exec(&expire(first["id"].as_str().unwrap())).await;
    assert!(slot_starts(app, &host, "session", at(5, 8), at(5, 11))
        .await
        .contains(&rfc(at(5, 9))));
    let started = json!({"checkout_url": first["checkout_url"], "payment_id": first["payment_id"]});
    paid.pay(&late, &started).await;
    let now = app
        .get_json(&late.token, &format!("/v1/bookings/{}", first["id"].as_str().unwrap()))
        .await;
    assert_eq!(now["status"], "confirmed");
    assert!(now["session_id"].is_string());

    // Taken meanwhile: the late payment goes back by itself and the rival keeps the slot.
    let second: Value = book(app, &later, &t["id"], at(6, 9)).await.json().await.unwrap();
    app.exec(&expire(second["id"].as_str().unwrap())).await;
    let rivals: Value = book(app, &rival, &t["id"], at(6, 9)).await.json().await.unwrap();
    assert_eq!(rivals["status"], "held", "the expired hold was released for the rival");
    let expired = app
        .get_json(
            &later.token,
            &format!("/v1/bookings/{}", second["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(expired["status"], "expired");
    let started = json!({"checkout_url": second["checkout_url"], "payment_id": second["payment_id"]});
    let session = stripe_id(started["checkout_url"].as_str().unwrap());
    paid.stripe.pay_checkout(&session).await;
    let path = format!("/v1/payments/{}", second["payment_id"].as_str().unwrap());
    eventually(WAIT, "the late payment goes back", || async {
        app.get_json(&later.token, &path).await["status"] == "refunded"
    })
    .await;
    let still = app
        .get_json(
            &later.token,
            &format!("/v1/bookings/{}", second["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(still["status"], "expired");
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM bookings WHERE status IN ('held', 'pending', 'confirmed')")
            .await,
        2,
        "the late client's and the rival's, never two on one slot"
    );

    // The sweeper releases holds nobody asks about.
    let third: Value = book(app, &late, &t["id"], at(7, 9)).await.json().await.unwrap();
    app.exec(&expire(third["id"].as_str().unwrap())).await;
    let path = format!("/v1/bookings/{}", third["id"].as_str().unwrap());
    eventually(WAIT, "the sweeper releases the hold", || async {
        app.get_json(&late.token, &path).await["status"] == "expired"
    })
    .await;
    // Its scheduled session went with it, and the room's log says so.
    let session = third["session_id"].as_str().unwrap();
    assert_eq!(
        app.get(&late.token, &format!("/v1/sessions/{session}")).await.status(),
        404
    );
    let room = third["room_id"].as_str().unwrap();
    let events = app.get_json(&late.token, &format!("/v1/rooms/{room}/events")).await;
    assert!(events["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "session.deleted" && e["data"]["id"] == session));
}

#[tokio::test]
async fn the_reminder_comes_for_a_standing_booking_and_never_for_a_cancelled_one() {
    let app = spawn_app().await;
    let (host, keeps, cancels) = (
        app.user("host").await,
        app.user("keeps").await,
        app.user("cancels").await,
    );
    open_all_week(&app, &host, "UTC").await;
    let t = booking_type(
        &app,
        &host,
        json!({"title": "Call", "slug": "call", "length_minutes": 30}),
    )
    .await;
    let kept: Value = book(&app, &keeps, &t["id"], at(3, 10)).await.json().await.unwrap();
    let gone: Value = book(&app, &cancels, &t["id"], at(3, 11)).await.json().await.unwrap();
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE kind = 'bookings.reminder' AND status = 'queued'")
            .await,
        2,
        "one reminder per booking, due an hour before it"
    );
    let res = app
        .post(
            &cancels.token,
            &format!("/v1/bookings/{}/cancel", gone["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Even a reminder of the cancelled booking queued again (its old sequence) is not sent.
    app.exec(&format!(
        "INSERT INTO jobs (kind, payload, max_attempts) VALUES ('bookings.reminder', \
         '{{\"booking_id\": \"{}\", \"sequence\": 0}}', 3)",
        gone["id"].as_str().unwrap()
    ))
    .await;
    app.exec("UPDATE jobs SET run_at = now() WHERE kind = 'bookings.reminder'")
        .await;
    eventually(WAIT, "both reminders ran", || async {
        app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE kind = 'bookings.reminder' AND status <> 'done'")
            .await
            == 0
    })
    .await;
    let reminded = |n: &Vec<Value>, id: &Value| {
        n.iter()
            .any(|n| n["kind"] == "booking_reminder" && &n["subject_id"] == id)
    };
    assert!(reminded(&notifications(&app, &keeps).await, &kept["id"]));
    assert!(reminded(&notifications(&app, &host).await, &kept["id"]));
    assert!(!reminded(&notifications(&app, &cancels).await, &gone["id"]));
    assert!(!reminded(&notifications(&app, &host).await, &gone["id"]));
}

type Properties = std::collections::HashMap<String, String>;

/// The calendar's properties and each VEVENT's, as a real iCalendar parser reads them.
fn parse_ics(text: &str) -> (Vec<(String, String)>, Vec<Properties>) {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none());
    let props = |ps: &Vec<ical::property::Property>| {
        ps.iter()
            .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    let events = calendar
        .events
        .iter()
        .map(|e| props(&e.properties).into_iter().collect())
        .collect();
    (props(&calendar.properties), events)
}

#[tokio::test]
async fn calendars_parse_with_the_right_utc_instants_across_dst_and_the_feed_is_secret() {
    let app = spawn_app().await;
    let (host, client, stranger) = (
        app.user("host").await,
        app.user("client").await,
        app.user("stranger").await,
    );
    // A host in New York, a client in Kolkata, on the day New York springs forward.
    let schedule = json!({"time_zone": "America/New_York",
        "weekly": [{"day": "sun", "start": "00:00", "end": "05:00"}], "overrides": []});
    app.request(reqwest::Method::PUT, &host.token, "/v1/availability")
        .json(&schedule)
        .send()
        .await
        .unwrap();
    let t = booking_type(
        &app,
        &host,
        json!({"title": "Intro, then questions", "slug": "intro", "length_minutes": 60, "window_days": 365}),
    )
    .await;
    // 03:00 EDT is 07:00Z (02:00 does not exist that day); slots start on the hour of the
    // host's wall clock, so 07:30Z (03:30 EDT) is none.
    let off = app
        .post(
            &client.token,
            "/v1/bookings",
            json!({"booking_type_id": t["id"], "start": "2027-03-14T07:30:00Z", "tz": "Asia/Kolkata"}),
        )
        .await;
    assert_eq!(off.status(), 409);
    let res = app
        .post(
            &client.token,
            "/v1/bookings",
            json!({"booking_type_id": t["id"], "start": "2027-03-14T07:00:00Z", "tz": "Asia/Kolkata"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let b: Value = res.json().await.unwrap();
    let id = b["id"].as_str().unwrap();
    let ics = app.get(&client.token, &format!("/v1/bookings/{id}/calendar.ics")).await;
    assert_eq!(ics.status(), 200);
    assert!(ics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = ics.text().await.unwrap();
    assert!(text.contains("\r\n"));
    let (cal, events) = parse_ics(&text);
    assert!(cal.contains(&("METHOD".into(), "PUBLISH".into())));
    let e = &events[0];
    assert_eq!(e["UID"], format!("{id}@parley"));
    assert_eq!(
        (e["DTSTART"].as_str(), e["DTEND"].as_str()),
        ("20270314T070000Z", "20270314T080000Z")
    );
    assert_eq!((e["SEQUENCE"].as_str(), e["STATUS"].as_str()), ("0", "CONFIRMED"));
    assert_eq!(e["SUMMARY"], "Intro\\, then questions with host");
    assert_eq!(
        app.get(&stranger.token, &format!("/v1/bookings/{id}/calendar.ics"))
            .await
            .status(),
        404
    );

    // The feed: a secret URL, no sign-in; a new one ends the old.
    let feed: Value = app
        .post(&host.token, "/v1/me/calendar-feed", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let url = feed["url"].as_str().unwrap().to_owned();
    let (_, events) = parse_ics(&app.http.get(&url).send().await.unwrap().text().await.unwrap());
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["SUMMARY"], "Intro\\, then questions with client");
    // Cancelled: the booking's own file says CANCEL with a higher SEQUENCE, the feed
    // keeps the event as CANCELLED so calendars remove it.
    app.post(&host.token, &format!("/v1/bookings/{id}/cancel"), json!({}))
        .await;
    let (cal, events) = parse_ics(
        &app.get(&client.token, &format!("/v1/bookings/{id}/calendar.ics"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(cal.contains(&("METHOD".into(), "CANCEL".into())));
    assert_eq!(
        (events[0]["SEQUENCE"].as_str(), events[0]["STATUS"].as_str()),
        ("1", "CANCELLED")
    );
    let (_, events) = parse_ics(&app.http.get(&url).send().await.unwrap().text().await.unwrap());
    assert_eq!(events[0]["STATUS"], "CANCELLED");
    let rotated: Value = app
        .post(&host.token, "/v1/me/calendar-feed", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(rotated["url"], feed["url"]);
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 404);
    assert_eq!(
        app.http
            .get(format!("{}/v1/calendar-feeds/nonsense", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
