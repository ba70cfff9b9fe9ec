//! The WebSocket contract as an AsyncAPI 3 document, generated from the frame types in
//! `realtime::protocol` (their utoipa schemas): one message per client and server frame
//! type. `parley asyncapi` prints it; `openapi/asyncapi.yaml` is the committed copy, served
//! at `/asyncapi.yaml`, and a test fails when it is stale.

use serde_json::{json, Map, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::realtime::protocol::{ClientFrame, ServerFrame};

fn schema_value(schema: RefOr<Schema>) -> Value {
    serde_json::to_value(schema).expect("a schema serialises")
}

/// The frame type a variant schema stands for (its `type` property's single value).
fn variant_name(schema: &Value) -> Option<String> {
    if let Some(name) = schema["properties"]["type"]["enum"][0].as_str() {
        return Some(name.to_owned());
    }
    schema["allOf"].as_array()?.iter().find_map(variant_name)
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// One AsyncAPI message per variant of a tagged frame enum.
fn messages(
    prefix: &str,
    schema: RefOr<Schema>,
    out: &mut Map<String, Value>,
    schemas: &mut Map<String, Value>,
) -> Vec<String> {
    let value = schema_value(schema);
    let variants = value["oneOf"].as_array().cloned().unwrap_or_default();
    let mut names = Vec::new();
    for variant in variants {
        let frame = variant_name(&variant).expect("every frame variant has a type");
        let id = format!("{prefix}{}", camel(&frame));
        schemas.insert(id.clone(), variant.clone());
        out.insert(
            id.clone(),
            json!({
                "name": frame,
                "title": format!("{prefix} `{frame}` frame"),
                "contentType": "application/json",
                "payload": {"$ref": format!("#/components/schemas/{id}")},
            }),
        );
        names.push(id);
    }
    names
}

/// The AsyncAPI document as JSON.
pub fn document() -> Value {
    let mut deps = Vec::new();
    <ClientFrame as ToSchema>::schemas(&mut deps);
    <ServerFrame as ToSchema>::schemas(&mut deps);
    let mut schemas = Map::new();
    for (name, schema) in deps {
        schemas.insert(name, schema_value(schema));
    }
    let mut msgs = Map::new();
    let client = messages("Client", ClientFrame::schema(), &mut msgs, &mut schemas);
    let server = messages("Server", ServerFrame::schema(), &mut msgs, &mut schemas);
    let refs = |names: &[String], base: &str| -> Vec<Value> {
        names.iter().map(|n| json!({"$ref": format!("{base}/{n}")})).collect()
    };
    let channel_messages: Map<String, Value> = client
        .iter()
        .chain(server.iter())
        .map(|n| (n.clone(), json!({"$ref": format!("#/components/messages/{n}")})))
        .collect();
    let doc = json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "Parley WebSocket",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The real-time socket of the Parley API. Connect to `GET /v1/ws` with \
                `Authorization: Bearer <token>` or `?ticket=` from `POST /v1/ws/tickets`; a present `Origin` must be \
                allowed. Frames are JSON text of at most 64 KiB. The server speaks first (`hello`). Any client frame may \
                carry `ref`, echoed in its `ok` or `error` reply. A room's `event` frames arrive in seq order with no gap; \
                `subscribe` with `since` replays what was missed, exactly once. One socket's `send` frames to a room are \
                committed in the order they were sent, even pipelined. A bad frame gets an `error` reply and never closes \
                the socket. The server closes a socket with a reason: `reconnect` (shutdown), `overflow…` (read too \
                slowly: resume with `since`), `credential expired…`, `session ended`, `user deleted`, `idle timeout`, \
                `resync…` (resume with `since`).",
            "license": {"name": "MIT"}
        },
        "servers": {
            "local": {"host": "127.0.0.1:8080", "protocol": "ws", "pathname": "/v1/ws",
                "description": "`make run`"}
        },
        "defaultContentType": "application/json",
        "channels": {
            "socket": {
                "address": "/v1/ws",
                "title": "A client's socket",
                "messages": channel_messages,
            }
        },
        "operations": {
            "clientSends": {
                "action": "receive",
                "title": "Frames the client sends",
                "channel": {"$ref": "#/channels/socket"},
                "messages": refs(&client, "#/channels/socket/messages"),
            },
            "serverSends": {
                "action": "send",
                "title": "Frames the server sends",
                "channel": {"$ref": "#/channels/socket"},
                "messages": refs(&server, "#/channels/socket/messages"),
            }
        },
        "components": {"schemas": schemas, "messages": msgs}
    });
    doc
}

/// The document in YAML (block style; strings are JSON-quoted, which YAML reads the same),
/// built once per process.
pub fn to_yaml() -> &'static str {
    static YAML: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    YAML.get_or_init(|| {
        let mut out = String::new();
        write_yaml(&document(), 0, &mut out);
        out
    })
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => serde_json::to_string(s).expect("a string serialises"),
        other => other.to_string(),
    }
}

/// A mapping key, plain when YAML reads it as the same string, else JSON-quoted.
fn key(k: &str) -> String {
    let plain = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '$' || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || "$_-./".contains(c));
    if plain {
        k.to_owned()
    } else {
        scalar(&Value::String(k.to_owned()))
    }
}

fn write_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let key = self::key(key);
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write_yaml(v, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write_yaml(v, indent, out);
                    }
                    Value::Object(_) => out.push_str(&format!("{pad}{key}: {{}}\n")),
                    Value::Array(_) => out.push_str(&format!("{pad}{key}: []\n")),
                    scalar_value => out.push_str(&format!("{pad}{key}: {}\n", scalar(scalar_value))),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut nested = String::new();
                        write_yaml(item, indent + 2, &mut nested);
                        // The first key goes on the dash's line.
                        let nested = nested.trim_start().to_owned();
                        out.push_str(&format!("{pad}- {nested}"));
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}-\n"));
                        write_yaml(item, indent + 2, out);
                    }
                    Value::Object(_) => out.push_str(&format!("{pad}- {{}}\n")),
                    Value::Array(_) => out.push_str(&format!("{pad}- []\n")),
                    other => out.push_str(&format!("{pad}- {}\n", scalar(other))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frame_type_is_a_message() {
        let doc = document();
        let messages = doc["components"]["messages"].as_object().unwrap();
        let names: Vec<&str> = messages.values().map(|m| m["name"].as_str().unwrap()).collect();
        for frame in [
            "subscribe",
            "unsubscribe",
            "send",
            "edit",
            "delete",
            "react",
            "unreact",
            "typing",
            "read",
            "ping",
            "auth",
            "hello",
            "ok",
            "error",
            "pong",
            "event",
            "presence",
            "subscribe_notifications",
            "view",
            "notification",
            "notifications_read",
            "message_unlocked",
        ] {
            assert!(names.contains(&frame), "{frame} missing from {names:?}");
        }
        assert_eq!(names.len(), 13 + 11, "13 client frames and 11 server frames");
    }

    #[test]
    fn the_yaml_is_block_style_with_plain_keys_and_quoted_values() {
        // Parsed and validated against the AsyncAPI schema by api/scripts/contract.sh.
        let yaml = to_yaml();
        assert!(yaml.starts_with("asyncapi: \"3.0.0\"\n"));
        assert!(yaml.contains("channels:\n  socket:\n"));
    }
}
