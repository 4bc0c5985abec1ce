//! A project's overview: attempts over the last hour or day, success rate, latency, the queue,
//! and the subscriptions that need attention. Polls while open, so it moves without a reload.

use std::time::Duration;

use engine::overview::{Overview, Window};
use leptos::prelude::*;
use leptos_router::components::A;

use super::params::{project_param, query_param};
use crate::{
    api::overview::project_overview,
    components::{
        format::{millis, percent, span},
        use_ticker, AttemptsChart, Loaded, PageHead, StatusBadge,
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
                <Figures overview project=project.get_untracked() />
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

#[component]
fn Stat(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="stat">
            <span class="stat-label">{label}</span>
            <strong class="stat-value" data-stat=label>{value}</strong>
        </div>
    }
}
