//! A project's overview: attempts over the last hour or day, success rate, latency, the queue,
//! and the subscriptions that need attention. Polls while open, so it moves without a reload.
//! A project with neither subscriptions nor events shows the first steps instead.

use std::time::Duration;

use engine::overview::{Overview, Window};
use leptos::prelude::*;
use leptos_router::components::A;

use super::params::{project_param, query_param};
use crate::{
    api::overview::project_overview,
    components::{
        curl::curl_command,
        format::{millis, percent, span},
        use_ticker, AttemptsChart, CopyButton, Loaded, PageHead, StatusBadge,
    },
};

/// How often an open overview asks for fresh figures.
const REFRESH: Duration = Duration::from_secs(5);

#[component]
pub fn OverviewPage() -> impl IntoView {
    let project = project_param();
    let window_text = query_param("window");
    let window = Signal::derive(move || Window::parse(&window_text.get().unwrap_or_default()));
    let tick = use_ticker(REFRESH);
    let overview = Resource::new(
        move || (project.get(), window.get(), tick.get()),
        |(project, window, _)| project_overview(project, window),
    );
    let title = Signal::derive(move || format!("Overview of {}", project.get()));
    let tab = move |target: Window, label: &'static str| {
        view! {
            <A
                href=format!("?window={}", target.as_str())
                attr:class=move || if window.get() == target { "tab current" } else { "tab" }
            >
                {label}
            </A>
        }
    };
    view! {
        <section class="page">
            <PageHead title>
                <nav class="segmented" aria-label="Time window">
                    {tab(Window::Hour, "Last hour")}
                    {tab(Window::Day, "Last day")}
                </nav>
            </PageHead>
            <Loaded resource=overview what="the overview" let:overview>
                {if overview.has_subscriptions || overview.has_events {
                    view! { <Figures overview project=project.get_untracked() /> }.into_any()
                } else {
                    view! { <FirstSteps project=project.get_untracked() /> }.into_any()
                }}
            </Loaded>
        </section>
    }
}

#[component]
fn Figures(overview: Overview, project: String) -> impl IntoView {
    let caption = match overview.window {
        Window::Hour => "Attempts per minute, last hour",
        Window::Day => "Attempts per 15 minutes, last day",
    };
    let oldest = overview
        .oldest_pending_at
        .map_or_else(|| "—".to_owned(), |at| span(at, overview.generated_at));
    let attention = overview.attention;
    view! {
        <div class="stats">
            <Stat label="Success rate" value=percent(overview.success_rate) />
            <Stat label="Latency p50" value=millis(overview.latency_p50_ms) />
            <Stat label="Latency p95" value=millis(overview.latency_p95_ms) />
            <Stat label="Queued deliveries" value=overview.queue_depth.to_string() />
            <Stat label="Oldest queued" value=oldest />
        </div>
        <div class="card">
            <AttemptsChart buckets=overview.buckets caption />
        </div>
        <div class="card">
            <h2>"Needing attention"</h2>
            {if attention.is_empty() {
                view! { <p class="empty">"Every subscription is enabled and healthy."</p> }.into_any()
            } else {
                view! {
                    <ul class="attention" data-testid="attention">
                        {attention
                            .into_iter()
                            .map(|s| {
                                let href = format!("/projects/{project}/subscriptions/{}", s.id);
                                let state = if s.failed { "failed" } else { "disabled" };
                                view! {
                                    <li>
                                        <A href=href>{s.name}</A>
                                        " "
                                        <StatusBadge status=state />
                                        <span class="muted">{s.disabled_reason.unwrap_or_default()}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </div>
    }
}

/// What a new project needs: a subscription, an event sent with an API token (as a curl command
/// against this very server), and a look at the deliveries that follow.
#[component]
fn FirstSteps(project: String) -> impl IntoView {
    let base = format!("/projects/{project}");
    // The page's own address, for a full URL; known once the page runs in a browser.
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(window().location().origin().unwrap_or_default()));
    let command = Memo::new(move |_| {
        let url = format!("{}/api/v1/projects/{project}/events", origin.get());
        let headers = [
            ("authorization", "Bearer YOUR_TOKEN"),
            ("content-type", "application/json"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
        let body = r#"{"type": "hello.world", "data": {"greeting": "hello"}}"#;
        curl_command("POST", &url, &headers, body)
    });
    view! {
        <div class="card first-steps" data-testid="first-steps">
            <h2>"First steps"</h2>
            <p class="muted">"This project has no subscriptions and no events yet. Three steps get it going:"</p>
            <ol>
                <li>
                    <strong>"Create a subscription"</strong>
                    ": the URL Hookhub delivers to, and which events it wants (all of them by default). "
                    <A href=format!("{base}/subscriptions/new")>"New subscription"</A>
                </li>
                <li>
                    <strong>"Send a test event"</strong>
                    " to the API, with an API token in place of "<code>"YOUR_TOKEN"</code>" ("
                    <A href="/tokens">"create a token"</A>
                    "):"
                    <pre class="json" data-testid="first-event-curl">{command}</pre>
                    {move || view! { <CopyButton text=command.get() label="Copy command" /> }}
                </li>
                <li>
                    <strong>"Watch the deliveries"</strong>
                    ": each attempt with its request and response, retried until the endpoint takes it. "
                    <A href=format!("{base}/deliveries")>"Deliveries"</A>
                </li>
            </ol>
        </div>
    }
}

/// One labelled figure (the subscription page's health panel shows them too).
#[component]
pub(crate) fn Stat(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="stat">
            <span class="stat-label">{label}</span>
            <strong class="stat-value" data-stat=label>{value}</strong>
        </div>
    }
}
