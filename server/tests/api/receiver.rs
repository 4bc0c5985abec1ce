//! A real HTTP receiver on port 0 that records every request and answers as scripted.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    Router,
};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: std::time::Instant,
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    /// How long each answer takes.
    delay: std::time::Duration,
    in_flight: usize,
    max_in_flight: usize,
    /// Statuses (with headers and body) to answer with, in order; 200 once they run out.
    script: VecDeque<Answer>,
}

type Answer = (u16, Vec<(&'static str, &'static str)>, &'static [u8]);

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::start_slow(std::time::Duration::ZERO).await
    }

    /// A receiver that takes `delay` to answer each request.
    pub async fn start_slow(delay: std::time::Duration) -> Receiver {
        let inner = Arc::new(Mutex::new(Inner {
            delay,
            ..Inner::default()
        }));
        let app = Router::new().fallback(record).with_state(inner.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, inner }
    }

    /// Answers the next requests with these statuses (and headers), then 200.
    pub fn answer(&self, status: u16, headers: &[(&'static str, &'static str)]) {
        self.answer_with_body(status, headers, b"ok");
    }

    /// Answers the next request with this status, headers and body.
    pub fn answer_with_body(
        &self,
        status: u16,
        headers: &[(&'static str, &'static str)],
        body: &'static [u8],
    ) {
        self.inner
            .lock()
            .unwrap()
            .script
            .push_back((status, headers.to_vec(), body));
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// The most requests that were being answered at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.inner.lock().unwrap().max_in_flight
    }
}

async fn record(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let delay = {
        let mut inner = inner.lock().unwrap();
        inner.in_flight += 1;
        inner.max_in_flight = inner.max_in_flight.max(inner.in_flight);
        inner.delay
    };
    tokio::time::sleep(delay).await;
    let mut inner = inner.lock().unwrap();
    inner.in_flight -= 1;
    let at = std::time::Instant::now();
    inner.received.push(Received { headers, body, at });
    let (status, extra, body) = inner.script.pop_front().unwrap_or((200, Vec::new(), b"ok"));
    let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
    for (key, value) in extra {
        response.headers_mut().insert(key, value.parse().unwrap());
    }
    response
}
