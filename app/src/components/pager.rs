//! "Next page" and "First page" links that keep the rest of the URL query (filters) as it is.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

#[component]
pub fn Pager(next_cursor: Option<String>) -> impl IntoView {
    let location = use_location();
    let href = move |cursor: Option<&str>| {
        let mut query = location.query.get_untracked();
        query.remove("cursor");
        if let Some(cursor) = cursor {
            query.insert("cursor", cursor.to_owned());
        }
        format!(
            "{}{}",
            location.pathname.get_untracked(),
            query.to_query_string()
        )
    };
    let first = location
        .query
        .get_untracked()
        .get("cursor")
        .map(|_| view! { <A href=href(None)>"← First page"</A> });
    let next = next_cursor.map(|cursor| {
        view! { <A href=href(Some(&cursor)) attr:class="pager-next">"Next page →"</A> }
    });
    view! { <nav class="pager" aria-label="Pages">{first}{next}</nav> }
}
