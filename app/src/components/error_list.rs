//! What an `<ErrorBoundary>` shows when a view fails to load: the errors, or — when the session
//! ended (logged out in another tab, expired) — the way back to the login, which returns here.

use leptos::prelude::*;
use leptos_router::{
    hooks::{use_location, use_navigate},
    location::Location,
    NavigateOptions,
};

use crate::{auth::login_returning_to, error::AppError};

#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let session_ended = {
        let errors = errors.clone();
        move || {
            errors.read().iter().any(|(_, error)| {
                error
                    .downcast_ref::<AppError>()
                    .is_some_and(AppError::is_unauthenticated)
            })
        }
    };
    view! {
        <Show when=session_ended fallback=move || view! { <Errors errors=errors.clone() /> }>
            <SessionEnded />
        </Show>
    }
}

#[component]
fn Errors(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="notice error" role="alert">
            <strong>"Something went wrong."</strong>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{described(&error)}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// The error's words, and for invalid input each field with what is wrong with it (a filter in
/// the address, say), since no form is there to show them beside.
fn described(error: &leptos::error::Error) -> String {
    let fields = error
        .downcast_ref::<AppError>()
        .map(|e| {
            e.fields()
                .iter()
                .map(|(field, message)| format!("; {field} {message}"))
                .collect::<String>()
        })
        .unwrap_or_default();
    format!("{error}{fields}")
}

/// The login page, returning to where the user is now.
fn login_from_here(location: &Location) -> String {
    let (path, query) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    match query.is_empty() {
        true => login_returning_to(&path),
        false => login_returning_to(&format!("{path}?{query}")),
    }
}

/// Goes to the login (which returns to where the user is then), replacing the page in history.
pub fn use_login_redirect() -> impl Fn() + Clone + 'static {
    let location = use_location();
    let navigate = use_navigate();
    move || {
        let options = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        navigate(&login_from_here(&location), options);
    }
}

/// Goes to the login at once, with a link for the moment before (or without) the browser's help.
#[component]
pub fn SessionEnded() -> impl IntoView {
    let login = login_from_here(&use_location());
    let go = use_login_redirect();
    Effect::new(move |_| go());
    view! {
        <div class="notice" role="alert">
            "Your session has ended. " <a href=login>"Log in again"</a>
        </div>
    }
}
