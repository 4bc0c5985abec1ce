//! Logging in and out of the dashboard, and the session every other server function acts as.
//!
//! The server's gate (`server::session`) resolves the session cookie before any server function
//! runs and leaves the [`engine::account::Caller`] in the request; [`caller`] hands it on to the
//! engine, which authorizes it exactly like an API token.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::error::AppError;

/// The session cookie: HttpOnly, SameSite=Lax, Secure when served over HTTPS.
pub const SESSION_COOKIE: &str = "hookhub_session";
pub const LOGIN_PATH: &str = "/login";
/// The server functions reachable without a session: logging in, and asking whether one is.
/// Their paths come from the functions themselves, so renaming one cannot lock it away.
pub const PUBLIC_SERVER_FNS: [&str; 2] = [Login::PATH, Whoami::PATH];

/// The login page, returning to `path` (a local path with its query) once logged in.
pub fn login_returning_to(path: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    format!("{LOGIN_PATH}?next={next}")
}

/// The caller the server's gate found for this request; an error (401) when there is none.
#[cfg(feature = "ssr")]
pub fn caller() -> Result<engine::account::Caller, AppError> {
    logged_in().ok_or_else(|| engine::EngineError::Unauthenticated("not logged in").into())
}

/// The caller, if the request has a session. (Unlike [`caller`], its absence is not an error,
/// so it does not turn the response into a 401.)
#[cfg(feature = "ssr")]
pub(crate) fn logged_in() -> Option<engine::account::Caller> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<engine::account::Caller>().cloned())
}

/// Checks the password, sets the session cookie and goes to `next` (a local path) or home.
#[server(prefix = "/_hookhub", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let engine = crate::context::engine()?;
    let client = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<engine::account::ClientAddress>()
            .map(|client| client.0)
    });
    let session = engine.login(&username, &password, client).await?;
    set_session_cookie(&session, engine::service::SESSION_LIFETIME.as_secs());
    leptos_axum::redirect(engine::account::local_return_path(next.as_deref()));
    Ok(())
}

#[server(prefix = "/_hookhub", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let engine = crate::context::engine()?;
    if let Some(session) = session_cookie() {
        engine.logout(&session).await?;
    }
    set_session_cookie("", 0);
    leptos_axum::redirect(LOGIN_PATH);
    Ok(())
}

/// Whether the logged-in user is an administrator: pages show the controls only administrators
/// may use (the engine refuses them to anyone else either way) to them alone.
#[server(prefix = "/_hookhub", endpoint = "is_admin")]
pub async fn is_admin() -> Result<bool, AppError> {
    Ok(logged_in().is_some_and(|caller| caller.role == engine::account::Role::Admin))
}

/// The logged-in user's name; `None` before logging in.
#[server(prefix = "/_hookhub", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<String>, AppError> {
    Ok(logged_in().map(|caller| caller.username))
}

#[cfg(feature = "ssr")]
fn session_cookie() -> Option<String> {
    session_in(&use_context::<http::request::Parts>()?.headers)
}

/// The session cookie's value among a request's headers; the server's gate reads it here too.
#[cfg(feature = "ssr")]
pub fn session_in(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Sets (or, with `max_age` 0, clears) the session cookie.
#[cfg(feature = "ssr")]
fn set_session_cookie(value: &str, max_age: u64) {
    let https = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.uri.scheme_str() == Some("https")
            || parts
                .headers
                .get("x-forwarded-proto")
                .is_some_and(|proto| proto == "https")
    });
    let secure = if https { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    if let (Some(response), Ok(cookie)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, cookie);
    }
}
