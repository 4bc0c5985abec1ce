//! Deliveries: the project's list (and the one a subscription or event page embeds), filtered by
//! status, and a delivery's page with every attempt's request and response side by side.

use engine::{
    delivery::{Attempt, Delivery, DeliveryDetail, DeliveryStatus},
    ids::{DeliveryId, EventId, SubscriptionId},
    page::Paged,
};
use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::params::{fetch_by_id, id_param, project_param, query_param};
use crate::{
    api::{
        deliveries::{get_delivery, list_deliveries, RetryDelivery},
        events::ReplayEvent,
    },
    components::{
        format::{maybe_when, when},
        use_toasts, DataTable, JsonView, Loaded, PageHead, Pager, StatusBadge, StatusCode,
    },
};

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let project = project_param();
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Deliveries".to_owned()) />
            <DeliveryList project=project.get_untracked() />
        </section>
    }
}

/// Deliveries newest first, of one subscription or event if given, with a status filter kept
/// in the URL query.
#[component]
pub fn DeliveryList(
    project: String,
    #[prop(optional)] subscription: Option<SubscriptionId>,
    #[prop(optional)] event: Option<EventId>,
) -> impl IntoView {
    let status = query_param("status");
    let cursor = query_param("cursor");
    let deliveries = {
        let project = project.clone();
        Resource::new(
            move || (status.get(), cursor.get()),
            move |(status, cursor)| {
                list_deliveries(project.clone(), subscription, event, status, cursor)
            },
        )
    };
    let current = status.get_untracked().unwrap_or_default();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <label class="filter">
                <span>"Status"</span>
                <select name="status">
                    <option value="" selected=current.is_empty()>"any"</option>
                    {DeliveryStatus::ALL
                        .iter()
                        .map(|s| view! { <option value=s.as_str() selected=current == s.as_str()>{s.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">"Filter"</button>
        </Form>
        <Loaded resource=deliveries what="deliveries" let:page>
            <DeliveryTable page project=project.clone() />
        </Loaded>
    }
}

#[component]
fn DeliveryTable(page: Paged<Delivery>, project: String) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let base = format!("/projects/{project}");
    let rows = page
        .data
        .into_iter()
        .map(|d| {
            view! {
                <tr data-delivery=d.id.to_string()>
                    <td><A href=format!("{base}/deliveries/{}", d.id)>{when(d.created_at)}</A></td>
                    <td><StatusBadge status=d.status.as_str() /></td>
                    <td>{d.attempts}</td>
                    <td>
                        {match (d.last_status_code, d.last_error.clone()) {
                            (Some(code), _) => view! { <StatusCode code /> }.into_any(),
                            (None, error) => view! { <span class="status-code bad">{error}</span> }.into_any(),
                        }}
                    </td>
                    <td>{if d.status == DeliveryStatus::Pending { maybe_when(d.next_attempt_at) } else { String::new() }}</td>
                    <td><A href=format!("{base}/subscriptions/{}", d.subscription_id)>"subscription"</A></td>
                    <td><A href=format!("{base}/events/{}", d.event_id)>"event"</A></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable
            columns=&["Created", "Status", "Attempts", "Last result", "Next attempt", "To", "Of"]
            is_empty
            empty="No deliveries here."
        >
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}

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
