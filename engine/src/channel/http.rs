//! The `http` channel: one shared client, the subscription's timeout, redirects not followed.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::{redirect, Client, Method};
use serde_json::Value;

use super::{only_keys, BoxFuture, Channel, Outbound, Outcome, RESPONSE_BODY_CAP};
use crate::{
    delivery::ErrorKind,
    retry::parse_retry_after,
    ssrf::{GuardedResolver, TargetPolicy, REFUSAL_MARK},
    template,
};

const CONFIG_KEYS: &[(&str, &str)] = &[
    (
        "verify_certificate",
        "false to accept any TLS certificate (default true)",
    ),
    (
        "body",
        "a body template instead of the payload format: {{ event_name }}, {{ event_id }}, \
         {{ event.<field> }}, {{ object }}, {{ message }}, {{ timestamp }}, {{ wazo_uuid }}",
    ),
];

pub struct HttpChannel {
    client: Client,
    /// For subscriptions that turn certificate checks off.
    lenient_client: Client,
    /// Checked here for URLs with a literal IP address, which skip the resolver.
    policy: Arc<TargetPolicy>,
}

impl HttpChannel {
    /// A channel whose connections all pass `policy`: host names through the guarded resolver,
    /// literal addresses before connecting. Proxies from the environment are ignored (a proxy
    /// would resolve and connect where the guard cannot see); only the policy's own is used.
    pub fn new(policy: Arc<TargetPolicy>) -> Result<HttpChannel, reqwest::Error> {
        let resolver = Arc::new(GuardedResolver(policy.clone()));
        let proxy = policy
            .proxy
            .as_deref()
            .map(reqwest::Proxy::all)
            .transpose()?;
        let configure = |b: reqwest::ClientBuilder| {
            let b = b
                .dns_resolver(resolver.clone())
                .redirect(redirect::Policy::none())
                .user_agent(concat!("Hookhub/", env!("CARGO_PKG_VERSION")))
                .pool_idle_timeout(Duration::from_secs(60))
                .no_proxy();
            match &proxy {
                Some(proxy) => b.proxy(proxy.clone()),
                None => b,
            }
        };
        Ok(HttpChannel {
            client: configure(Client::builder()).build()?,
            lenient_client: configure(Client::builder())
                .danger_accept_invalid_certs(true)
                .build()?,
            policy,
        })
    }
}

impl Channel for HttpChannel {
    fn name(&self) -> &'static str {
        "http"
    }

    fn description(&self) -> &'static str {
        "HTTP request to the subscription's URL, signed with Standard Webhooks headers"
    }

    fn config_keys(&self) -> &'static [(&'static str, &'static str)] {
        CONFIG_KEYS
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        let object = only_keys(config, CONFIG_KEYS)?;
        match object.get("verify_certificate") {
            None | Some(Value::Bool(_)) => {}
            Some(_) => return Err("verify_certificate must be true or false".into()),
        }
        match object.get("body") {
            None => Ok(()),
            Some(Value::String(template)) => {
                template::check(template).map_err(|reason| format!("body: {reason}"))
            }
            Some(_) => Err("body must be a text template".into()),
        }
    }

    fn deliver<'a>(&'a self, request: &'a Outbound) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            if let Some(refusal) = self.refused_literal(&request.url) {
                return Outcome {
                    error: Some((ErrorKind::RefusedByPolicy, refusal)),
                    ..Outcome::default()
                };
            }
            let verify = request.config.get("verify_certificate") != Some(&Value::Bool(false));
            let client = if verify {
                &self.client
            } else {
                &self.lenient_client
            };
            let method = Method::from_bytes(request.method.as_bytes()).unwrap_or(Method::POST);
            let mut builder = client
                .request(method, &request.url)
                .timeout(request.timeout)
                .body(request.body.clone());
            for (key, value) in &request.headers {
                builder = builder.header(key, value);
            }
            let started = Instant::now();
            match builder.send().await {
                Err(error) => Outcome {
                    error: Some(classify(&error)),
                    ..Outcome::default()
                },
                Ok(response) => {
                    read_response(response, request.timeout.saturating_sub(started.elapsed())).await
                }
            }
        })
    }
}

impl HttpChannel {
    fn refused_literal(&self, url: &str) -> Option<String> {
        let host = reqwest::Url::parse(url)
            .ok()?
            .host_str()?
            .trim_matches(['[', ']'])
            .to_owned();
        let ip: std::net::IpAddr = host.parse().ok()?;
        (!self.policy.permits(ip)).then(|| format!("{ip} is an internal address ({REFUSAL_MARK})"))
    }
}

async fn read_response(mut response: reqwest::Response, time_left: Duration) -> Outcome {
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    // Only the first RESPONSE_BODY_CAP bytes are kept; a receiver that trickles its body is cut
    // off when the subscription's timeout runs out.
    let mut body = Vec::new();
    let read = tokio::time::timeout(time_left, async {
        while body.len() < RESPONSE_BODY_CAP {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
    })
    .await;
    body.truncate(RESPONSE_BODY_CAP);
    let error = if read.is_err() {
        Some((
            ErrorKind::Timeout,
            "timed out reading the response body".to_owned(),
        ))
    } else if status.is_success() {
        None
    } else {
        Some((
            ErrorKind::HttpStatus,
            format!("the receiver answered {status}"),
        ))
    };
    Outcome {
        status: Some(status.as_u16()),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        error,
        retry_after,
    }
}

/// Names the failure the way the attempt log reports it.
fn classify(error: &reqwest::Error) -> (ErrorKind, String) {
    let chain = error_chain(error);
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else if chain.contains(REFUSAL_MARK) {
        ErrorKind::RefusedByPolicy
    } else if chain.to_ascii_lowercase().contains("certificate") || chain.contains("tls") {
        ErrorKind::Tls
    } else {
        ErrorKind::Connect
    };
    (kind, chain)
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn refused(url: &str) -> Outcome {
        // A real listener, so that a refusal can only come from the policy.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let channel = HttpChannel::new(Arc::new(TargetPolicy::default())).unwrap();
        let request = Outbound {
            project: crate::ids::ProjectId::generate(),
            url: url.replace("PORT", &port.to_string()),
            method: "POST".into(),
            headers: vec![],
            logged_headers: vec![],
            body: b"{}".to_vec(),
            timeout: Duration::from_secs(2),
            config: Value::Object(Default::default()),
        };
        channel.deliver(&request).await
    }

    #[tokio::test]
    async fn internal_targets_are_refused_when_connecting() {
        for url in [
            "http://127.0.0.1:PORT/",
            "http://localhost:PORT/",
            "http://[::ffff:127.0.0.1]:PORT/",
        ] {
            let outcome = refused(url).await;
            let (kind, message) = outcome.error.expect("refused");
            assert_eq!(kind, ErrorKind::RefusedByPolicy, "{url}: {message}");
            assert_eq!(outcome.status, None);
        }
    }
}
