//! `/api/docs`: the API reference as one HTML page, rendered here from the OpenAPI document.
//!
//! Nothing is loaded from elsewhere (no CDN, no script): the page works offline and behind any
//! firewall, and it can never disagree with `/api/v1/openapi.json` because both are the same
//! document. Its one `<style>` carries the request's CSP nonce (see [`crate::security_headers`]).

use std::{fmt::Write, sync::Arc};

use axum::{response::Html, routing::get, Extension, Router};
use leptos::nonce::Nonce;
use serde_json::Value;
use utoipa::openapi::OpenApi;

use crate::state::AppState;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub fn router(document: OpenApi) -> Router<AppState> {
    let page: Arc<str> = render(&serde_json::to_value(&document).unwrap_or_default()).into();
    Router::new().route(
        "/api/docs",
        get(move |Extension(nonce): Extension<Nonce>| async move {
            Html(page.replacen(NONCE, &nonce, 1))
        }),
    )
}

/// Where the page's nonce goes.
const NONCE: &str = "{nonce}";

fn render(doc: &Value) -> String {
    let text = |v: &Value| escape(v.as_str().unwrap_or_default());
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{} API</h1><p>{}</p><p>The machine-readable document: \
         <a href=\"/api/v1/openapi.json\"><code>/api/v1/openapi.json</code></a> (OpenAPI {}).</p>",
        text(&doc["info"]["title"]),
        text(&doc["info"]["description"]),
        text(&doc["openapi"]),
    );
    body.push_str("<h2 id=\"auth\">Authentication</h2><ul>");
    if let Some(schemes) = doc["components"]["securitySchemes"].as_object() {
        for (name, scheme) in schemes {
            let how = match scheme["type"].as_str() {
                Some("http") => format!("HTTP <code>{}</code>", text(&scheme["scheme"])),
                _ => format!("header <code>{}</code>", text(&scheme["name"])),
            };
            let _ = write!(
                body,
                "<li><b>{}</b>: {how}. {}</li>",
                escape(name),
                text(&scheme["description"])
            );
        }
    }
    body.push_str("</ul>");
    let base = doc["servers"][0]["url"].as_str().unwrap_or_default();
    let empty = serde_json::Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    for tag in doc["tags"].as_array().into_iter().flatten() {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            body,
            "<h2 id=\"{0}\">{0}</h2><p>{1}</p>",
            escape(name),
            text(&tag["description"])
        );
        for (path, item) in paths {
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                if operation["tags"][0] == name {
                    operation_html(&mut body, base, path, method, operation);
                }
            }
        }
    }
    body.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let pretty = serde_json::to_string_pretty(schema).unwrap_or_default();
            let _ = write!(
                body,
                "<h3 id=\"schema-{0}\">{0}</h3><pre>{1}</pre>",
                escape(name),
                escape(&pretty)
            );
        }
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\"><title>Hookhub API</title>\
         <style nonce=\"{NONCE}\">{STYLE}</style></head><body><main>{body}</main></body></html>"
    )
}

fn operation_html(out: &mut String, base: &str, path: &str, method: &str, operation: &Value) {
    let text = |v: &Value| escape(v.as_str().unwrap_or_default());
    let _ = write!(
        out,
        "<section class=\"op\"><h3><span class=\"method {method}\">{}</span> <code>{}{}</code></h3>\
         <p><b>{}</b></p><p>{}</p>",
        method.to_uppercase(),
        escape(base),
        escape(path),
        text(&operation["summary"]),
        text(&operation["description"]),
    );
    if let Some(parameters) = operation["parameters"].as_array() {
        out.push_str(
            "<table><tr><th>parameter</th><th>in</th><th>required</th><th>about</th></tr>",
        );
        for p in parameters {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(&p["name"]),
                text(&p["in"]),
                if p["required"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                },
                text(&p["description"]),
            );
        }
        out.push_str("</table>");
    }
    if let Some(schema) = operation["requestBody"]["content"]["application/json"].get("schema") {
        let _ = write!(out, "<p>Body: {}</p>", schema_link(schema));
    }
    out.push_str("<ul class=\"responses\">");
    if let Some(responses) = operation["responses"].as_object() {
        for (status, response) in responses {
            let schema = response["content"]["application/json"]
                .get("schema")
                .map(schema_link)
                .unwrap_or_default();
            let _ = write!(
                out,
                "<li><code>{}</code> {} {schema}</li>",
                escape(status),
                text(&response["description"])
            );
        }
    }
    out.push_str("</ul></section>");
}

/// A link to the schema a `$ref` names, or the inline schema's JSON.
fn schema_link(schema: &Value) -> String {
    let reference = schema["$ref"]
        .as_str()
        .or_else(|| schema["items"]["$ref"].as_str());
    match reference.and_then(|r| r.rsplit('/').next()) {
        Some(name) => {
            let list = if schema["items"].is_object() {
                "list of "
            } else {
                ""
            };
            format!("{list}<a href=\"#schema-{0}\">{0}</a>", escape(name))
        }
        None => format!("<code>{}</code>", escape(&schema.to_string())),
    }
}

/// Escapes `text` for HTML, and shows the `backticked` parts of doc comments as code.
fn escape(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    escaped
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{part}</code>"),
            _ => part.to_owned(),
        })
        .collect()
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0}main{max-width:960px;\
margin:0 auto;padding:1.5rem}pre{overflow:auto;padding:.75rem;border:1px solid #8884;\
border-radius:6px}table{border-collapse:collapse}td,th{border:1px solid #8884;padding:.25rem .5rem;\
text-align:left}.op{border-top:1px solid #8884;padding-top:.5rem}.method{font-family:monospace;\
padding:.1rem .4rem;border-radius:4px;background:#8883}.get{background:#2b8a3e44}\
.post{background:#1864ab44}.patch{background:#e6770044}.delete{background:#c92a2a44}";
