//! A delivery's page: its summary, retry and replay, and every attempt's request and response
//! side by side, with copy buttons for ids, bodies and the request as a curl command.

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
        curl::{curl_command, CurlCommand},
        format::{maybe_when, when},
        use_toasts, CopyButton, JsonView, Loaded, PageHead, StatusBadge,
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
    let latest_url = attempts_log
        .iter()
        .max_by_key(|a| a.attempt_number)
        .map(|a| a.request_url.clone());
    let title = title_of(id, delivery.attempts, latest_url.as_deref());
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
            title=Signal::derive(move || title.clone())
            trail=vec![("Deliveries".to_owned(), format!("{base}/deliveries"))]
        >
            <StatusBadge status=delivery.status.as_str() />
            <button type="button" on:click=retry_now disabled=move || retry.pending().get()>"Retry now"</button>
            <button type="button" on:click=replay_event disabled=move || replay.pending().get()>"Replay event"</button>
        </PageHead>
        <dl class="card summary">
            <div><dt>"Delivery"</dt><dd class="copyable"><code>{id.to_string()}</code> <CopyButton text=id.to_string() label="Copy delivery id" /></dd></div>
            <div><dt>"Event"</dt><dd class="copyable"><A href=format!("{base}/events/{event}")>{event.to_string()}</A> <CopyButton text=event.to_string() label="Copy event id" /></dd></div>
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

/// The page's title: where the delivery went and how many tries it took, from its latest
/// attempt's URL; a delivery not tried yet has only its id (shortened) to go by.
fn title_of(id: DeliveryId, attempts: u32, latest_url: Option<&str>) -> String {
    let host = latest_url.map(|url| {
        url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| url.to_owned())
    });
    let short: String = id.to_string().chars().take(8).collect();
    match (host, attempts) {
        (_, 0) => format!("Delivery {short}… · not tried yet"),
        (Some(host), n) => format!("Delivery to {host} · attempt {n}"),
        // Its attempts were pruned (retention): only their number is left.
        (None, n) => format!("Delivery {short}… · attempt {n}"),
    }
}

/// One attempt: the request as sent beside the response as received.
#[component]
fn AttemptView(attempt: Attempt) -> impl IntoView {
    let curl = curl_command(
        &attempt.request_method,
        &attempt.request_url,
        &attempt.request_headers,
        &attempt.request_body,
    );
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
                    <div class="actions">
                        <CopyButton text=attempt.request_body.clone() label="Copy body" />
                        <CurlCommand command=curl />
                    </div>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_where_the_delivery_went() {
        let id: DeliveryId = "0190a0b0-0000-7000-8000-000000000000".parse().unwrap();
        let url = Some("https://hooks.example.com:8443/in?x=1");
        assert_eq!(
            title_of(id, 3, url),
            "Delivery to hooks.example.com · attempt 3"
        );
        assert_eq!(title_of(id, 0, None), "Delivery 0190a0b0… · not tried yet");
        assert_eq!(title_of(id, 2, None), "Delivery 0190a0b0… · attempt 2");
        assert_eq!(
            title_of(id, 1, Some("not a url")),
            "Delivery to not a url · attempt 1"
        );
    }
}
