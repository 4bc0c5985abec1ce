//! A page's heading with its breadcrumbs: where this page sits, each step a link back. The
//! heading also names the browser tab.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// `trail` holds the steps above this page, as (label, href), outermost first.
#[component]
pub fn PageHead(
    #[prop(into)] title: Signal<String>,
    #[prop(optional)] trail: Vec<(String, String)>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let crumbs = (!trail.is_empty()).then(|| {
        view! {
            <nav class="breadcrumbs" aria-label="Breadcrumbs">
                <ol>
                    {trail
                        .into_iter()
                        .map(|(label, href)| view! { <li><A href=href>{label}</A></li> })
                        .collect_view()}
                    <li aria-current="page">{title}</li>
                </ol>
            </nav>
        }
    });
    view! {
        <Title text=move || title.get() />
        <div class="page-head">
            {crumbs}
            <div class="page-title">
                <h1>{title}</h1>
                {children.map(|c| view! { <div class="page-actions">{c()}</div> })}
            </div>
        </div>
    }
}
