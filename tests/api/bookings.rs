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
