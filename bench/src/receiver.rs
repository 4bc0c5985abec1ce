//! The bench's receiver: answers 200 at once and notes when each delivery first arrived. A
//! delivery is its path (one per subscription) and `webhook-id` (one per event); a second
//! arrival of the same pair is a duplicate.

use std::{
    collections::{hash_map::Entry, HashMap},
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{extract::State, http::HeaderMap, http::Uri, Router};
use tokio::net::TcpListener;

#[derive(Default)]
struct Arrivals {
    first: HashMap<String, Instant>,
    duplicates: usize,
}

#[derive(Clone, Default)]
pub struct Receiver {
    /// The lock guards one insert at a time.
    arrivals: Arc<Mutex<Arrivals>>,
    /// The receiver's base; subscriptions add their own path.
    pub url: String,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let mut receiver = Receiver::default();
        let app = Router::new()
            .fallback(record)
            .with_state(receiver.arrivals.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        receiver.url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    /// Distinct deliveries that arrived.
    pub fn count(&self) -> usize {
        self.arrivals.lock().unwrap().first.len()
    }

    /// Arrivals beyond the first of a delivery.
    pub fn duplicates(&self) -> usize {
        self.arrivals.lock().unwrap().duplicates
    }

    /// When the event `id` first arrived at `path`.
    pub fn arrival(&self, path: &str, id: &str) -> Option<Instant> {
        let key = format!("{path} {id}");
        self.arrivals.lock().unwrap().first.get(&key).copied()
    }

    pub fn last_arrival(&self) -> Option<Instant> {
        self.arrivals.lock().unwrap().first.values().max().copied()
    }
}

async fn record(State(arrivals): State<Arc<Mutex<Arrivals>>>, uri: Uri, headers: HeaderMap) {
    let now = Instant::now();
    if let Some(id) = headers.get("webhook-id").and_then(|v| v.to_str().ok()) {
        let key = format!("{} {id}", uri.path());
        let mut guard = arrivals.lock().unwrap();
        let arrivals = &mut *guard;
        match arrivals.first.entry(key) {
            Entry::Occupied(_) => arrivals.duplicates += 1,
            Entry::Vacant(first) => {
                first.insert(now);
            }
        }
    }
}
