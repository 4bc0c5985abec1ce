//! The loading and failure states of every async view: a skeleton while the data comes, a
//! readable error if it fails, the view once it is there.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use super::ErrorList;
use crate::error::AppError;

#[component]
pub fn Loaded<T, F, V>(
    resource: Resource<Result<T, AppError>>,
    /// What is loading, for the placeholder's accessible text.
    what: &'static str,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || {
            view! {
                <div class="skeleton" aria-busy="true" role="status">
                    <span class="visually-hidden">"Loading " {what} "…"</span>
                </div>
            }
        }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {
                    let children = children.clone();
                    move || {
                        let children = children.clone();
                        Suspend::new(async move { resource.await.map(children) })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}
