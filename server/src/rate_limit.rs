//! The per-token request rate limits (`--rate-limit`, `--ingest-rate-limit`): token buckets kept
//! in this process, charged once per authenticated request ([`crate::auth`]).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use engine::{ids::TokenId, rate::Bucket};

use crate::error::ApiError;

/// Which of a token's two allowances a request draws on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Budget {
    Management,
    Ingest,
}

/// Requests per second each API token may make, per [`Budget`], as token buckets (one second of
/// burst).
#[derive(Clone, Debug)]
pub struct RateLimiter {
    management: u32,
    ingest: u32,
    buckets: Arc<Mutex<HashMap<(TokenId, Budget), Bucket>>>,
}

impl RateLimiter {
    /// Requests per second per token for each budget; 0 turns that limit off.
    pub fn new(management: u32, ingest: u32) -> RateLimiter {
        RateLimiter {
            management,
            ingest,
            buckets: Arc::default(),
        }
    }

    /// Charges one request of `token` to `budget`; 429 when its bucket is empty.
    pub(crate) fn admit(&self, token: TokenId, budget: Budget) -> Result<(), ApiError> {
        let per_second = match budget {
            Budget::Management => self.management,
            Budget::Ingest => self.ingest,
        };
        if per_second == 0 {
            return Ok(());
        }
        let now = Instant::now();
        // The lock guards one map update; it is never held across an await.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        buckets
            .entry((token, budget))
            .or_insert_with(|| Bucket::full(per_second, now))
            .take(per_second, now)
            .map_err(ApiError::too_many_requests)
    }
}
