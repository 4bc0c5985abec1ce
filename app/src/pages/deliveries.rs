//! Deliveries: the project's list, and the one a subscription or event page embeds, filtered by
//! status.

use engine::{
    delivery::{Delivery, DeliveryStatus},
    ids::{EventId, SubscriptionId},
    page::Paged,
};
use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::params::{project_param, query_param};
use crate::{
    api::deliveries::list_deliveries,
    components::{
        format::{maybe_when, when},
        use_live, DataTable, LiveControls, Loaded, PageHead, Pager, StatusBadge, StatusCode, Watch,
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
/// in the URL query; new ones appear as they arrive (see [`use_live`]).
#[component]
pub fn DeliveryList(
    project: String,
    #[prop(optional)] subscription: Option<SubscriptionId>,
    #[prop(optional)] event: Option<EventId>,
) -> impl IntoView {
    let status = query_param("status");
    let cursor = query_param("cursor");
    let live = use_live(
        project.clone(),
        Watch::Deliveries {
            subscription,
            event,
        },
    );
    let deliveries = {
        let project = project.clone();
        Resource::new(
            move || (status.get(), cursor.get(), live.version.get()),
            move |(status, cursor, _)| {
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
        <LiveControls live />
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
