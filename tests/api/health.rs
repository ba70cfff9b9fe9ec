use parley_tests::{spawn_app, spawn_cluster};
use serde_json::Value;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = spawn_app().await;
    let health = app.http.get(format!("{}/healthz", app.url)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    let ready = app.public_json("/readyz").await;
    assert_eq!(ready["checks"]["database"], "ok");
    assert_eq!(ready["checks"]["redis"], "not configured");
    let metrics = app
        .http
        .get(format!("{}/metrics", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("parley_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("parley_db_pool_connections{state=\"max\"}"));
}

#[tokio::test]
async fn readiness_checks_redis_when_configured() {
    let apps = spawn_cluster(1).await;
    let ready = apps[0].public_json("/readyz").await;
    assert_eq!(ready["checks"]["redis"], "ok");
}

#[tokio::test]
async fn a_client_request_id_is_echoed() {
    let app = spawn_app().await;
    let res = app
        .http
        .get(format!("{}/healthz", app.url))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn cors_allows_the_configured_origin_only() {
    let app = spawn_app().await;
    let ok = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/v1/me", app.url))
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "http://localhost:3000");
    let evil = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/v1/me", app.url))
        .header("origin", "https://evil.example.com")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(!evil.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn the_docs_and_the_document_are_served_offline() {
    let app = spawn_app().await;
    let doc = app.public_json("/openapi.json").await;
    assert!(doc["paths"]["/v1/me"]["get"].is_object());
    let docs = app.http.get(format!("{}/docs/", app.url)).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let script = app
        .http
        .get(format!("{}/docs/swagger-ui-bundle.js", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        script.status(),
        200,
        "the UI bundle is vendored, not fetched from a CDN"
    );
}

#[test]
fn the_committed_openapi_document_is_current() {
    let generated = parley::app::openapi::to_pretty_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `make openapi` and commit it"
    );
}

#[test]
fn every_route_is_documented_with_errors() {
    let doc: Value = serde_json::from_str(&parley::app::openapi::to_pretty_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        "/v1/me",
        "/v1/users",
        "/v1/users/{user_id}",
        "/v1/webhooks/clerk",
        "/v1/dev/token",
        "/v1/dev/jwks.json",
        "/v1/rooms",
        "/v1/rooms/{room_id}",
        "/v1/rooms/{room_id}/join",
        "/v1/rooms/{room_id}/leave",
        "/v1/rooms/{room_id}/members",
        "/v1/rooms/{room_id}/members/{user_id}",
        "/v1/rooms/{room_id}/messages",
        "/v1/messages/{message_id}",
        "/v1/messages/{message_id}/reactions/{emoji}",
        "/v1/rooms/{room_id}/read",
        "/v1/rooms/{room_id}/events",
        "/v1/dms",
        "/v1/conversations",
        "/v1/search/messages",
        "/v1/ws/tickets",
        "/v1/ws",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains_key(route), "{route} is not documented");
    }
    for (route, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            if route.starts_with("/v1/") && route != "/v1/dev/jwks.json" {
                let responses = op["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|k| k.starts_with('4')),
                    "{method} {route} documents no error"
                );
            }
        }
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
