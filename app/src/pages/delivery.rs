//! A delivery's page: its summary, retry and replay, and every attempt's request and response
//! side by side.

use engine::{
    delivery::{Attempt, DeliveryDetail},
    ids::DeliveryId,
};
use leptos::prelude::*;
use leptos_router::components::A;

use super::params::{fetch_by_id, id_param, project_param};
use crate::{
    api::{
        deliveries::{get_delivery, RetryDelivery},
        events::ReplayEvent,
    },
    components::{
        format::{maybe_when, when},
        use_toasts, JsonView, Loaded, PageHead, StatusBadge,
    },
};

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let project = project_param();
    let id = id_param::<DeliveryId>("id");
    let retry = ServerAction::<RetryDelivery>::new();
    let replay = ServerAction::<ReplayEvent>::new();
    let toasts = use_toasts();
    toasts.on_result(retry.value(), |_| "Retry queued".to_owned());
    toasts.on_result(replay.value(), |n| format!("Replay queued ({n} delivery)"));
    let delivery = Resource::new(
        move || {
            (
                project.get(),
                id.get(),
                retry.version().get(),
                replay.version().get(),
            )
        },
        |(project, id, ..)| fetch_by_id("delivery", id, move |id| get_delivery(project, id)),
    );
    view! {
        <section class="page">
            <Loaded resource=delivery what="the delivery" let:detail>
                <DeliveryView detail project=project.get_untracked() retry replay />
            </Loaded>
        </section>
    }
}

#[component]
fn DeliveryView(
    detail: DeliveryDetail,
    project: String,
    retry: ServerAction<RetryDelivery>,
    replay: ServerAction<ReplayEvent>,
) -> impl IntoView {
    let DeliveryDetail {
        delivery,
        attempts_log,
    } = detail;
    let base = format!("/projects/{project}");
    let (id, event, subscription) = (delivery.id, delivery.event_id, delivery.subscription_id);
    let retry_now = {
        let project = project.clone();
        move |_| {
            retry.dispatch(RetryDelivery {
                project: project.clone(),
                id,
            });
        }
    };
    let replay_event = move |_| {
        replay.dispatch(ReplayEvent {
            project: project.clone(),
            id: event,
            subscription: Some(subscription),
        });
    };
    let attempts = attempts_log
        .into_iter()
        .rev()
        .map(|attempt| view! { <AttemptView attempt /> })
        .collect_view();
    view! {
        <PageHead
            title=Signal::derive(move || format!("Delivery {id}"))
            trail=vec![("Deliveries".to_owned(), format!("{base}/deliveries"))]
        >
            <StatusBadge status=delivery.status.as_str() />
            <button type="button" on:click=retry_now disabled=move || retry.pending().get()>"Retry now"</button>
            <button type="button" on:click=replay_event disabled=move || replay.pending().get()>"Replay event"</button>
        </PageHead>
        <dl class="card summary">
            <div><dt>"Event"</dt><dd><A href=format!("{base}/events/{event}")>{event.to_string()}</A></dd></div>
            <div><dt>"Subscription"</dt><dd><A href=format!("{base}/subscriptions/{subscription}")>{subscription.to_string()}</A></dd></div>
            <div><dt>"Attempts"</dt><dd>{delivery.attempts}</dd></div>
            <div><dt>"Next attempt"</dt><dd>{maybe_when(delivery.next_attempt_at)}</dd></div>
            <div><dt>"Replay"</dt><dd>{if delivery.manual { "yes (tried once)" } else { "no" }}</dd></div>
            <div><dt>"Created"</dt><dd>{when(delivery.created_at)}</dd></div>
        </dl>
        <h2>"Attempts, latest first"</h2>
        {if delivery.attempts == 0 { Some(view! { <p class="empty">"Not tried yet."</p> }) } else { None }}
        {attempts}
    }
}

/// One attempt: the request as sent beside the response as received.
#[component]
fn AttemptView(attempt: Attempt) -> impl IntoView {
    let outcome = match (&attempt.error_kind, attempt.response_status) {
        (None, _) => "succeeded".to_owned(),
        (Some(kind), Some(status)) => format!("{} {status}", kind.as_str()),
        (Some(kind), None) => kind.as_str().to_owned(),
    };
    let headers = |pairs: Vec<(String, String)>| {
        view! {
            <table class="headers-table">
                <tbody>
                    {pairs.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <article class="card attempt" data-attempt=attempt.attempt_number>
            <header>
                <strong>"Attempt " {attempt.attempt_number}</strong>
                <StatusBadge status=if attempt.error_kind.is_none() { "succeeded" } else { "failed" } />
                <span class="muted">{outcome} " · " {attempt.duration_ms} " ms · " {when(attempt.created_at)} " · " {attempt.worker}</span>
            </header>
            <div class="side-by-side">
                <section>
                    <h3>"Request"</h3>
                    <p><code>{attempt.request_method} " " {attempt.request_url}</code></p>
                    {headers(attempt.request_headers)}
                    <JsonView text=attempt.request_body />
                </section>
                <section>
                    <h3>"Response"</h3>
                    <p>{attempt.response_status.map_or("no response".to_owned(), |s| format!("HTTP {s}"))}</p>
                    {attempt.error_message.map(|e| view! { <p class="field-error">{e}</p> })}
                    {attempt.response_headers.map(headers)}
                    {attempt.response_body.map(|b| view! { <JsonView text=b /> })}
                </section>
            </div>
        </article>
    }
}
