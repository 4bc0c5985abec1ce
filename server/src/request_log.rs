//! What the request log may say about a request: its path with the secret parts blanked out.
//!
//! An inbound handler's URL is its credential (`/api/v1/inbound/{object}/{handler}`, and Tutum's
//! `…/webhook/handler/{handler}/…`): whoever reads the log must not be able to call it.

use axum::http::Uri;

/// Stands in for a secret path segment.
const HIDDEN: &str = "…";

/// The request's path and query as the log shows them.
pub fn loggable(uri: &Uri) -> String {
    let path = uri.path();
    let mut segments: Vec<&str> = path.split('/').collect();
    let mut hide = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            // /api/v1/inbound/{object}/{handler}
            "inbound" => hide.push(i + 2),
            // Tutum: /api/v1/service/{uuid}/webhook/handler/{handler}/[call/]
            "handler" => hide.push(i + 1),
            _ => {}
        }
    }
    for i in hide {
        if let Some(segment) = segments.get_mut(i) {
            if !segment.is_empty() {
                *segment = HIDDEN;
            }
        }
    }
    let mut shown = segments.join("/");
    if let Some(query) = uri.query() {
        shown.push('?');
        shown.push_str(query);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(uri: &str) -> String {
        loggable(&uri.parse().unwrap())
    }

    #[test]
    fn handler_ids_in_call_urls_are_hidden() {
        assert_eq!(
            shown("/api/v1/inbound/0190/5f1c-secret"),
            "/api/v1/inbound/0190/…"
        );
        assert_eq!(
            shown("/api/v1/service/abc/webhook/handler/5f1c-secret/call/"),
            "/api/v1/service/abc/webhook/handler/…/call/"
        );
        assert_eq!(
            shown("/api/v1/service/abc/webhook/handler/?limit=5"),
            "/api/v1/service/abc/webhook/handler/?limit=5"
        );
        assert_eq!(
            shown("/api/v1/projects/default/subscriptions?limit=5"),
            "/api/v1/projects/default/subscriptions?limit=5"
        );
    }
}
