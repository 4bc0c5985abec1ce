//! Short messages about what just happened ("Secret rotated", "Retry queued"), shown for a few
//! seconds in one live region that screen readers announce.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use super::error_list::use_login_redirect;
use crate::error::AppError;

const SHOWN_FOR: Duration = Duration::from_secs(6);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Toast {
    id: u64,
    text: String,
    error: bool,
    link: Option<Link>,
}

/// What a toast links to, as (label, href): where to see what just happened.
pub type Link = (String, String);

/// The page's toasts; provided once by the app, used through [`use_toasts`].
#[derive(Debug, Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    issued: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() -> Toasts {
        let toasts = Toasts {
            shown: RwSignal::new(Vec::new()),
            issued: StoredValue::new(0),
        };
        provide_context(toasts);
        toasts
    }

    pub fn success(self, text: impl Into<String>) {
        self.push(text.into(), false, None);
    }

    pub fn error(self, text: impl Into<String>) {
        self.push(text.into(), true, None);
    }

    fn push(self, text: String, error: bool, link: Option<Link>) {
        self.issued.update_value(|n| *n += 1);
        let id = self.issued.get_value();
        self.shown.update(|shown| {
            shown.push(Toast {
                id,
                text,
                error,
                link,
            })
        });
        set_timeout(
            move || self.shown.update(|shown| shown.retain(|t| t.id != id)),
            SHOWN_FOR,
        );
    }

    /// Toasts an action's outcome whenever it completes: `message` for a success, the error's
    /// own words for a failure. An action refused for want of a session goes to the login.
    pub fn on_result<T, S>(self, result: S, message: impl Fn(&T) -> String + 'static)
    where
        T: Clone + 'static,
        S: With<Value = Option<Result<T, AppError>>> + 'static,
    {
        self.on_result_linked(result, move |value| (message(value), None));
    }

    /// As [`Toasts::on_result`], with a link in a success's toast (to what it made, say).
    pub fn on_result_linked<T, S>(
        self,
        result: S,
        message: impl Fn(&T) -> (String, Option<Link>) + 'static,
    ) where
        T: Clone + 'static,
        S: With<Value = Option<Result<T, AppError>>> + 'static,
    {
        let log_in = use_login_redirect();
        Effect::new(move |_| match result.with(Clone::clone) {
            Some(Ok(value)) => {
                let (text, link) = message(&value);
                self.push(text, false, link);
            }
            Some(Err(error)) if error.is_unauthenticated() => log_in(),
            Some(Err(error)) => self.error(error.to_string()),
            None => {}
        });
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn Toaster(toasts: Toasts) -> impl IntoView {
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.shown.get() key=|toast| toast.id let:toast>
                <p class="toast" class:error=toast.error data-testid="toast">
                    {toast.text}
                    {toast.link.map(|(label, href)| view! { " " <A href=href>{label}</A> })}
                </p>
            </For>
        </div>
    }
}
