//! Deliveries: the project's list, and the one a subscription or event page embeds. Filters and
//! a search live in the URL query; rows can be selected and retried together.

use chrono::{DateTime, Utc};
use engine::{
    delivery::{Delivery, DeliveryStatus},
    ids::{DeliveryId, EventId, SubscriptionId},
    page::Paged,
};
use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::params::{project_param, query_param};
use crate::{
    api::deliveries::{list_deliveries, subscription_choices, DeliverySearch, RetryDeliveries},
    components::{
        clock, use_live, use_now, use_toasts, ConfirmButton, DataTable, EventTypeOptions,
        LiveControls, Loaded, PageHead, Pager, StatusBadge, StatusCode, TimeAgo, Watch,
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

/// Deliveries newest first, of one subscription or event if given, narrowed by the filters in the
/// URL query (`subscription_id`, `event_type`, `status`, `since`, `until`, `q`); new ones appear
/// as they arrive (see [`use_live`]).
#[component]
pub fn DeliveryList(
    project: String,
    #[prop(optional)] subscription: Option<SubscriptionId>,
    #[prop(optional)] event: Option<EventId>,
) -> impl IntoView {
    let chosen_subscription = query_param("subscription_id");
    let (event_type, status, since, until, q, limit, cursor) = (
        query_param("event_type"),
        query_param("status"),
        query_param("since"),
        query_param("until"),
        query_param("q"),
        query_param("limit"),
        query_param("cursor"),
    );
    let search = Memo::new(move |_| DeliverySearch {
        subscription: subscription
            .map(|s| s.to_string())
            .or_else(|| chosen_subscription.get()),
        event: event.map(|e| e.to_string()),
        event_type: event_type.get(),
        status: status.get(),
        since: since.get(),
        until: until.get(),
        q: q.get(),
        limit: limit.get(),
        cursor: cursor.get(),
    });
    let live = use_live(
        project.clone(),
        Watch::Deliveries {
            subscription,
            event,
        },
    );
    let retry = ServerAction::<RetryDeliveries>::new();
    let selected = RwSignal::new(Vec::<DeliveryId>::new());
    // A selection belongs to the rows it was made on: new filters or a new page start afresh.
    Effect::new(move |_| {
        search.track();
        selected.set(Vec::new());
    });
    let toasts = use_toasts();
    toasts.on_result(retry.value(), |result| {
        let mut message = format!("{} deliveries queued again", result.queued);
        if !result.skipped.is_empty() {
            message += &format!(", {} skipped (being sent)", result.skipped.len());
        }
        if !result.not_found.is_empty() {
            message += &format!(", {} not found", result.not_found.len());
        }
        message
    });
    Effect::new(move |_| {
        if retry.value().with(|r| matches!(r, Some(Ok(_)))) {
            selected.set(Vec::new());
        }
    });
    // The time of fetching travels with the page, so that the server and the hydrating browser
    // read the same relative times (see `use_now`).
    let deliveries = {
        let project = project.clone();
        Resource::new(
            move || (search.get(), retry.version().get(), live.version.get()),
            move |(search, ..)| {
                let project = project.clone();
                async move {
                    let page = list_deliveries(project, search).await?;
                    Ok((page, clock()))
                }
            },
        )
    };
    let on_retry = {
        let project = project.clone();
        Callback::new(move |()| {
            retry.dispatch(RetryDeliveries {
                project: project.clone(),
                ids: selected.get_untracked(),
            });
        })
    };
    view! {
        <DeliveryFilters project=project.clone() pick_subscription=subscription.is_none() />
        <LiveControls live />
        <Loaded resource=deliveries what="deliveries" let:loaded>
            <DeliveryTable
                page=loaded.0
                as_of=loaded.1
                project=project.clone()
                selected
                on_retry
            />
        </Loaded>
    }
}

/// Page sizes to choose from; a bulk retry takes at most a page at a time.
const PAGE_SIZES: [&str; 3] = ["50", "100", "250"];

/// The filter form: a GET form, so that its values land in the URL query and a search can be
/// bookmarked or shared.
#[component]
fn DeliveryFilters(project: String, pick_subscription: bool) -> impl IntoView {
    let text = |name: &'static str| query_param(name).get_untracked().unwrap_or_default();
    let current_status = text("status");
    let current_limit = text("limit");
    let type_options = view! {
        <EventTypeOptions project=Signal::stored(project.clone()) id="delivery-event-types" />
    };
    let subscriptions = pick_subscription.then(|| {
        let current = text("subscription_id");
        let choices = Resource::new(move || project.clone(), subscription_choices);
        view! {
            <label class="filter">
                <span>"Subscription"</span>
                <Loaded resource=choices what="subscriptions" let:choices>
                    <select name="subscription_id">
                        <option value="" selected=current.is_empty()>"any"</option>
                        {choices
                            .into_iter()
                            .map(|(id, name)| {
                                let id = id.to_string();
                                let selected = id == current;
                                view! { <option value=id selected=selected>{name}</option> }
                            })
                            .collect_view()}
                    </select>
                </Loaded>
            </label>
        }
    });
    view! {
        <Form method="GET" action="" attr:class="filters delivery-filters" attr:role="search">
            <label class="filter grow">
                <span>"Search"</span>
                <input
                    name="q"
                    type="search"
                    maxlength="256"
                    value=text("q")
                    placeholder="event id, idempotency key or payload text"
                />
            </label>
            {subscriptions}
            <label class="filter">
                <span>"Event type"</span>
                <input name="event_type" list="delivery-event-types" value=text("event_type") placeholder="order.paid or order.*" />
                {type_options}
            </label>
            <label class="filter">
                <span>"Status"</span>
                <select name="status">
                    <option value="" selected=current_status.is_empty()>"any"</option>
                    {DeliveryStatus::ALL
                        .iter()
                        .map(|s| view! { <option value=s.as_str() selected=current_status == s.as_str()>{s.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="filter">
                <span>"Since (UTC)"</span>
                <input name="since" type="datetime-local" value=text("since") />
            </label>
            <label class="filter">
                <span>"Until (UTC)"</span>
                <input name="until" type="datetime-local" value=text("until") />
            </label>
            <label class="filter">
                <span>"Per page"</span>
                <select name="limit">
                    {PAGE_SIZES
                        .iter()
                        .map(|size| {
                            let selected = current_limit == *size
                                || (current_limit.is_empty() && *size == PAGE_SIZES[0]);
                            view! { <option value=*size selected=selected>{*size}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">"Filter"</button>
        </Form>
    }
}

#[component]
fn DeliveryTable(
    page: Paged<Delivery>,
    as_of: DateTime<Utc>,
    project: String,
    selected: RwSignal<Vec<DeliveryId>>,
    on_retry: Callback<()>,
) -> impl IntoView {
    let now = use_now(as_of);
    let is_empty = page.data.is_empty();
    let base = format!("/projects/{project}");
    let on_page: Vec<DeliveryId> = page.data.iter().map(|d| d.id).collect();
    let rows = page
        .data
        .into_iter()
        .map(|d| view! { <DeliveryRow delivery=d base=base.clone() now selected /> })
        .collect_view();
    view! {
        {(!is_empty).then(|| view! { <SelectionBar on_page selected on_retry /> })}
        <DataTable
            columns=&["", "Created", "Status", "Event", "Subscription", "Attempts", "Last result", "Next attempt"]
            is_empty
            empty="No deliveries here."
        >
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}

/// "Select all on this page" and "Retry selected (N)".
#[component]
fn SelectionBar(
    on_page: Vec<DeliveryId>,
    selected: RwSignal<Vec<DeliveryId>>,
    on_retry: Callback<()>,
) -> impl IntoView {
    let all = on_page.clone();
    let all_selected =
        move || selected.with(|s| !all.is_empty() && all.iter().all(|id| s.contains(id)));
    let select_all = move |ev| {
        let ids = if event_target_checked(&ev) {
            on_page.clone()
        } else {
            Vec::new()
        };
        selected.set(ids);
    };
    let count = Memo::new(move |_| selected.with(Vec::len));
    view! {
        <div class="selection-bar">
            <label class="filter check">
                <input type="checkbox" prop:checked=all_selected on:change=select_all />
                <span>"Select all on this page"</span>
            </label>
            // Built again when the count changes, so that the label says how many go.
            {move || {
                let n = count.get();
                view! {
                    <ConfirmButton
                        label=format!("Retry selected ({n})")
                        question=format!("Retry {n} deliveries now?")
                        yes="Yes, retry"
                        group="Confirm retry"
                        disabled=Signal::derive(move || n == 0)
                        on_confirm=on_retry
                    />
                }
            }}
        </div>
    }
}

#[component]
fn DeliveryRow(
    delivery: Delivery,
    base: String,
    now: Signal<DateTime<Utc>>,
    selected: RwSignal<Vec<DeliveryId>>,
) -> impl IntoView {
    let d = delivery;
    let id = d.id;
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        selected.update(|s| {
            s.retain(|other| *other != id);
            if on {
                s.push(id);
            }
        });
    };
    let next_attempt = d
        .next_attempt_at
        .filter(|_| d.status == DeliveryStatus::Pending)
        .map(|time| view! { <TimeAgo time now /> });
    view! {
        <tr data-delivery=id.to_string() data-status=d.status.as_str()>
            <td class="select">
                <input
                    type="checkbox"
                    aria-label=format!("Select delivery {id}")
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=toggle
                />
            </td>
            <td><A href=format!("{base}/deliveries/{id}")><TimeAgo time=d.created_at now /></A></td>
            <td><StatusBadge status=d.status.as_str() /></td>
            <td class="event-type"><A href=format!("{base}/events/{}", d.event_id)>{d.event_type}</A></td>
            <td class="subscription-name">
                <A href=format!("{base}/subscriptions/{}", d.subscription_id)>{d.subscription_name}</A>
            </td>
            <td>{d.attempts}</td>
            <td>
                {match (d.last_status_code, d.last_error) {
                    (Some(code), _) => view! { <StatusCode code /> }.into_any(),
                    (None, error) => view! { <span class="status-code bad">{error}</span> }.into_any(),
                }}
            </td>
            <td>{next_attempt}</td>
        </tr>
    }
}
