//! The frame of every project page: the project's sections as tabs, then the page itself.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use super::params::project_param;

#[component]
pub fn ProjectLayout() -> impl IntoView {
    let project = project_param();
    let tab = move |section: &'static str, label: &'static str| {
        let href = move || match section {
            "" => format!("/projects/{}", project.get()),
            _ => format!("/projects/{}/{section}", project.get()),
        };
        // The overview's path prefixes every other tab's: it is current only on itself.
        view! { <A href=href exact=section.is_empty() attr:class="tab">{label}</A> }
    };
    view! {
        <nav class="tabs" aria-label="Project">
            {tab("", "Overview")}
            {tab("subscriptions", "Subscriptions")}
            {tab("events", "Events")}
            {tab("deliveries", "Deliveries")}
            {tab("event-types", "Event types")}
            {tab("inbound", "Inbound")}
        </nav>
        <Outlet />
    }
}
