use parley_tests::{spawn_app, spawn_app_with, spawn_cluster};
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
    // One exporter per process: other tests' instances count too, so at least this one.
    let readyz = metrics
        .lines()
        .find(|l| {
            l.starts_with("parley_http_requests_total{")
                && l.contains("route=\"/readyz\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no /readyz count in {metrics}"));
    assert!(
        readyz.rsplit(' ').next().unwrap().parse::<f64>().unwrap() >= 1.0,
        "{readyz}"
    );
    assert!(
        metrics.contains("parley_http_request_duration_seconds_bucket{"),
        "{metrics}"
    );
    assert!(metrics.contains("parley_db_pool_connections{state=\"max\"}"));
}

#[tokio::test]
async fn metrics_can_live_on_their_own_address_off_the_api_port() {
    let app = spawn_app_with(|s| s.metrics_addr = Some("127.0.0.1:0".parse().unwrap())).await;
    let on_api = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap();
    assert_eq!(on_api.status(), 404);
    let addr = app.metrics_addr.expect("a metrics address");
    let metrics = app.http.get(format!("http://{addr}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.text().await.unwrap().contains("parley_http_requests_total"));
}

#[tokio::test]
async fn a_get_route_answers_head_without_a_body_and_a_wrong_method_gets_405_with_allow() {
    let app = spawn_app().await;
    let head = app.http.head(format!("{}/healthz", app.url)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-type"], "application/json");
    assert!(head.bytes().await.unwrap().is_empty());
    let wrong = app.http.put(format!("{}/v1/rooms", app.url)).send().await.unwrap();
    assert_eq!(wrong.status(), 405);
    assert_eq!(wrong.headers()["allow"], "GET, HEAD, POST");
    assert_eq!(wrong.headers()["content-type"], "application/problem+json");
    let unknown = app.http.get(format!("{}/v1/nowhere", app.url)).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
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
    // A browser may send Idempotency-Key on the money POSTs, and read whether it replayed.
    let money = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/v1/payments/intents", app.url))
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type, idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(money.status(), 200);
    let allowed = money.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("idempotency-key"), "{allowed}");
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
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap()
            .contains("](/asyncapi.yaml)"),
        "linked from the docs"
    );
    let asyncapi = app.http.get(format!("{}/asyncapi.yaml", app.url)).send().await.unwrap();
    assert_eq!(asyncapi.status(), 200);
    assert_eq!(asyncapi.text().await.unwrap(), parley::app::asyncapi::to_yaml());
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
fn the_committed_asyncapi_document_is_current() {
    let generated = parley::app::asyncapi::to_yaml();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/asyncapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        generated == committed,
        "openapi/asyncapi.yaml is stale: run `make openapi` and commit it"
    );
}

#[test]
fn every_error_answer_is_problem_json() {
    let doc: Value = serde_json::from_str(&parley::app::openapi::to_pretty_json()).unwrap();
    for (route, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                // /readyz answers 503 with its readiness report (Health), by design.
                if (status.starts_with('4') || status.starts_with('5')) && route != "/readyz" {
                    let content = response["content"].as_object().unwrap();
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        ["application/problem+json"],
                        "{method} {route} {status}"
                    );
                }
            }
        }
    }
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

#[test]
fn every_operation_has_its_own_id() {
    // Generated clients key operations by id: a repeated one silently drops a route's types.
    let doc: serde_json::Value = serde_json::from_str(&parley::app::openapi::to_pretty_json()).unwrap();
    let mut seen = std::collections::HashMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str() {
                if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                    panic!("operationId {id} is used by {other} and {method} {path}");
                }
            }
        }
    }
}

#[tokio::test]
async fn the_root_url_answers_an_index_with_links_that_work() {
    let app = spawn_app().await;
    let index = app.public_json("/").await;
    assert_eq!(index["name"], "Parley API");
    assert!(index["version"].as_str().is_some_and(|v| !v.is_empty()));
    for key in ["docs", "openapi", "asyncapi", "readyz"] {
        let path = index["links"][key].as_str().unwrap_or_else(|| panic!("no {key} link"));
        let res = app.http.get(format!("{}{path}", app.url)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{key}: {path}");
    }
}
