//! Who is calling: API credentials in any of the accepted header formats, turned into the
//! engine's [`Caller`] and charged to the token's request budget ([`crate::rate_limit`]).
//!
//! Accepted: `Authorization: Token <t>`, `Authorization: Bearer <t>`, `X-Auth-Token: <t>` and
//! `Authorization: ApiKey <username>:<t>`. Deciding what the caller may do is the engine's job.

use axum::{extract::FromRequestParts, http::request::Parts};
use engine::{account::Caller, Engine, EngineError};

use crate::{error::ApiError, rate_limit::Budget, state::AppState};

/// A request whose credentials checked out, counted against the token's management budget
/// (`--rate-limit`).
pub struct Authenticated(pub Caller);

/// A request whose credentials checked out, counted against the token's ingest budget
/// (`--ingest-rate-limit`): producers send events far more often than anyone manages anything,
/// and one must not starve the other.
pub struct Producer(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        caller_within(parts, state, Budget::Management)
            .await
            .map(Authenticated)
    }
}

impl FromRequestParts<AppState> for Producer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        caller_within(parts, state, Budget::Ingest)
            .await
            .map(Producer)
    }
}

/// The request's caller, authenticated once per request, its token's `budget` charged once.
async fn caller_within(
    parts: &mut Parts,
    state: &AppState,
    budget: Budget,
) -> Result<Caller, ApiError> {
    if let Some(caller) = parts.extensions.get::<Caller>() {
        return Ok(caller.clone());
    }
    let caller = authenticate(&state.engine, parts).await?;
    if let Some(token) = caller.token {
        state.rate_limiter.admit(token, budget)?;
    }
    parts.extensions.insert(caller.clone());
    Ok(caller)
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
