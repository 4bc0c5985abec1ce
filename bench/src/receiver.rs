//! The bench's receiver: answers 200 at once and notes when each `webhook-id` first arrived.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{extract::State, http::HeaderMap, Router};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
pub struct Receiver {
    /// First arrival of each webhook-id; the lock guards one insert at a time.
    arrivals: Arc<Mutex<HashMap<String, Instant>>>,
    pub url: String,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let mut receiver = Receiver::default();
        let app = Router::new()
            .fallback(record)
            .with_state(receiver.arrivals.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        receiver.url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    pub fn count(&self) -> usize {
        self.arrivals.lock().unwrap().len()
    }

    pub fn arrival(&self, id: &str) -> Option<Instant> {
        self.arrivals.lock().unwrap().get(id).copied()
    }

    pub fn last_arrival(&self) -> Option<Instant> {
        self.arrivals.lock().unwrap().values().max().copied()
    }
}

async fn record(State(arrivals): State<Arc<Mutex<HashMap<String, Instant>>>>, headers: HeaderMap) {
    let now = Instant::now();
    if let Some(id) = headers.get("webhook-id").and_then(|v| v.to_str().ok()) {
        arrivals.lock().unwrap().entry(id.to_owned()).or_insert(now);
    }
}
