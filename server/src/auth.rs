//! Who is calling: API credentials in any of the accepted header formats, turned into the
//! engine's [`Caller`], and the per-token request rate limit.
//!
//! Accepted: `Authorization: Token <t>`, `Authorization: Bearer <t>`, `X-Auth-Token: <t>` and
//! `Authorization: ApiKey <username>:<t>`. Deciding what the caller may do is the engine's job.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{extract::FromRequestParts, http::request::Parts};
use engine::{account::Caller, dispatch::limits::Bucket, ids::TokenId, Engine, EngineError};

use crate::{error::ApiError, state::AppState};

/// A request whose credentials checked out.
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(Authenticated(caller.clone()));
        }
        let caller = authenticate(&state.engine, parts).await?;
        if let Some(token) = caller.token {
            state.rate_limiter.admit(token)?;
        }
        parts.extensions.insert(caller.clone());
        Ok(Authenticated(caller))
    }
}

/// The presented credential, as the header carried it.
#[derive(Debug, PartialEq, Eq)]
struct Presented<'a> {
    token: &'a str,
    username: Option<&'a str>,
}

fn presented(parts: &Parts) -> Option<Presented<'_>> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(token) = header("x-auth-token") {
        return Some(Presented {
            token: token.trim(),
            username: None,
        });
    }
    let (scheme, value) = header("authorization")?.trim().split_once(' ')?;
    let value = value.trim();
    match scheme.to_ascii_lowercase().as_str() {
        "token" | "bearer" => Some(Presented {
            token: value,
            username: None,
        }),
        "apikey" => value.split_once(':').map(|(user, token)| Presented {
            token,
            username: Some(user),
        }),
        _ => None,
    }
}

async fn authenticate(engine: &Engine, parts: &Parts) -> Result<Caller, ApiError> {
    let presented = presented(parts).ok_or(EngineError::Unauthenticated(
        "send an API token: Authorization: Bearer <token> (or Token, ApiKey user:token, X-Auth-Token)",
    ))?;
    Ok(engine
        .token_caller(presented.token, presented.username)
        .await?)
}

/// Requests per second each API token may make, as a token bucket (one second of burst).
#[derive(Clone, Debug)]
pub struct RateLimiter {
    per_second: u32,
    buckets: Arc<Mutex<HashMap<TokenId, Bucket>>>,
}

impl RateLimiter {
    /// `per_second` = 0 turns the limit off.
    pub fn new(per_second: u32) -> RateLimiter {
        RateLimiter {
            per_second,
            buckets: Arc::default(),
        }
    }

    fn admit(&self, token: TokenId) -> Result<(), ApiError> {
        if self.per_second == 0 {
            return Ok(());
        }
        let now = Instant::now();
        // The lock guards one map update; it is never held across an await.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        buckets
            .entry(token)
            .or_insert_with(|| Bucket::full(self.per_second, now))
            .take(self.per_second, now)
            .map_err(ApiError::too_many_requests)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    fn parts(name: &str, value: &str) -> Parts {
        Request::builder()
            .header(name, value)
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[test]
    fn every_accepted_header_format_yields_the_token() {
        let plain = |token| Presented {
            token,
            username: None,
        };
        let cases = [
            ("authorization", "Token abc", plain("abc")),
            ("authorization", "Bearer abc", plain("abc")),
            ("authorization", "bearer  abc ", plain("abc")),
            ("x-auth-token", "abc", plain("abc")),
            (
                "authorization",
                "ApiKey ada:abc",
                Presented {
                    token: "abc",
                    username: Some("ada"),
                },
            ),
        ];
        for (name, value, expected) in cases {
            assert_eq!(presented(&parts(name, value)), Some(expected), "{value}");
        }
        assert_eq!(presented(&parts("authorization", "Basic YTpi")), None);
        assert_eq!(presented(&parts("authorization", "ApiKey no-colon")), None);
    }
}
