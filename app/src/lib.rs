//! Hookhub's dashboard: the Leptos application, rendered on the server and hydrated in the browser.
//!
//! Pages call the server functions in [`api`], which are thin adapters over the engine; no
//! business rule lives in a component.

// Deeply nested view types exceed the default limit in builds without `erase_components`.
#![recursion_limit = "256"]

pub mod api;
pub mod auth;
mod components;
#[cfg(feature = "ssr")]
mod context;
pub mod error;
mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes, A},
    path,
};

use crate::{
    components::{AccountMenu, ProjectSwitcher, Toaster, Toasts},
    pages::*,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="data:," />
                // Both name the assets with their content hashes when cargo-leptos hashed them.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let toasts = Toasts::provide();
    // Effects run only in the browser: the attribute tells tests (and people) hydration finished.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        // Each page names the tab after itself (see `PageHead`), e.g. "Subscriptions · Hookhub".
        <Title formatter=|page: String| match page.is_empty() {
            true => "Hookhub".to_owned(),
            false => format!("{page} · Hookhub"),
        } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <A href="/" attr:class="brand">"Hookhub"</A>
                <ProjectSwitcher />
                <nav aria-label="Main">
                    <A href="/projects">"Projects"</A>
                    <A href="/tokens">"API tokens"</A>
                    <A href="/users">"Users"</A>
                    <A href="/audit">"Audit log"</A>
                    <A href="/channels">"Channels"</A>
                    <a href="/api/docs">"API reference"</a>
                </nav>
                <AccountMenu />
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route
                        path=path!("/")
                        view=|| view! { <Redirect path="/projects/default" /> }
                    />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/tokens") view=TokensPage />
                    <Route path=path!("/users") view=UsersPage />
                    <Route path=path!("/audit") view=AuditPage />
                    <Route path=path!("/projects") view=ProjectsPage />
                    <Route path=path!("/channels") view=ChannelsPage />
                    <ParentRoute path=path!("/projects/:project") view=ProjectLayout>
                        <Route path=path!("") view=OverviewPage />
                        <Route path=path!("subscriptions") view=SubscriptionsPage />
                        <Route path=path!("subscriptions/new") view=NewSubscriptionPage />
                        <Route path=path!("subscriptions/:id") view=SubscriptionPage />
                        <Route path=path!("subscriptions/:id/edit") view=EditSubscriptionPage />
                        <Route path=path!("events") view=EventsPage />
                        <Route path=path!("events/:id") view=EventPage />
                        <Route path=path!("deliveries") view=DeliveriesPage />
                        <Route path=path!("deliveries/:id") view=DeliveryPage />
                        <Route path=path!("event-types") view=EventTypesPage />
                        <Route path=path!("inbound") view=InboundPage />
                    </ParentRoute>
                </Routes>
            </main>
            <Toaster toasts />
        </Router>
    }
}
