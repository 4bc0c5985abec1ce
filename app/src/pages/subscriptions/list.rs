//! The subscription list: server-side pages, text search and filters kept in the URL query (so a
//! view can be shared and survives a reload), health per row, enable/disable in place.

use engine::{
    overview::SubscriptionHealth,
    page::{PageRequest, Paged},
    subscription::{format_labels, Subscription, SubscriptionFilter, SubscriptionSpec},
};
use leptos::prelude::*;
use leptos_router::{
    components::{Form, A},
    hooks::use_query_map,
};

use super::super::params::project_param;
use crate::{
    api::subscriptions::{list_subscriptions, SetSubscriptionEnabled},
    components::{
        format::percent, use_toasts, DataTable, Loaded, PageHead, Pager, Sparkline, StatusBadge,
        StatusCode,
    },
};

#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let project = project_param();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        let text = |name: &str| query.get(name).filter(|v| !v.trim().is_empty());
        SubscriptionFilter {
            query: text("query"),
            event_type: text("event_type"),
            label: text("label"),
            channel: text("channel"),
            enabled: text("enabled").and_then(|v| v.parse().ok()),
            failed: text("failed").and_then(|v| v.parse().ok()),
            page: PageRequest {
                limit: None,
                cursor: text("cursor"),
            },
            ..SubscriptionFilter::default()
        }
    });
    let set_enabled = ServerAction::<SetSubscriptionEnabled>::new();
    use_toasts().on_result(set_enabled.value(), |s| {
        format!(
            "{} {}",
            s.spec.name,
            if s.spec.enabled {
                "enabled"
            } else {
                "disabled"
            }
        )
    });
    let subscriptions = Resource::new(
        move || (project.get(), filter.get(), set_enabled.version().get()),
        |(project, filter, _)| list_subscriptions(project, filter),
    );
    let new_href = move || format!("/projects/{}/subscriptions/new", project.get());
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Subscriptions".to_owned())>
                <A href=new_href attr:class="button primary">"New subscription"</A>
            </PageHead>
            <FilterBar filter />
            <Loaded resource=subscriptions what="subscriptions" let:listed>
                <SubscriptionTable listed project=project.get_untracked() set_enabled />
            </Loaded>
        </section>
    }
}

/// A GET form: submitting it puts the filters in the URL, which the list reads back.
#[component]
fn FilterBar(filter: Memo<SubscriptionFilter>) -> impl IntoView {
    let current = filter.get_untracked();
    let flag = |value: Option<bool>,
                yes: &'static str,
                no: &'static str,
                name: &'static str,
                label: &'static str| {
        let selected = |option: Option<bool>| value == option;
        view! {
            <label class="filter">
                <span>{label}</span>
                <select name=name>
                    <option value="" selected=selected(None)>"any"</option>
                    <option value="true" selected=selected(Some(true))>{yes}</option>
                    <option value="false" selected=selected(Some(false))>{no}</option>
                </select>
            </label>
        }
    };
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <label class="filter grow">
                <span>"Search"</span>
                <input type="search" name="query" value=current.query.clone() placeholder="name, URL or description" />
            </label>
            <label class="filter">
                <span>"Event type"</span>
                <input name="event_type" value=current.event_type.clone() placeholder="order.paid" />
            </label>
            <label class="filter">
                <span>"Label"</span>
                <input name="label" value=current.label.clone() placeholder="env:prod" />
            </label>
            <label class="filter">
                <span>"Channel"</span>
                <input name="channel" value=current.channel.clone() placeholder="http" />
            </label>
            {flag(current.enabled, "enabled", "disabled", "enabled", "Enabled")}
            {flag(current.failed, "failed", "healthy", "failed", "Failed")}
            <button type="submit">"Filter"</button>
        </Form>
    }
}

#[component]
fn SubscriptionTable(
    listed: (Paged<Subscription>, Vec<SubscriptionHealth>),
    project: String,
    set_enabled: ServerAction<SetSubscriptionEnabled>,
) -> impl IntoView {
    let (page, health) = listed;
    let is_empty = page.data.is_empty();
    let rows = page
        .data
        .into_iter()
        .map(|subscription| {
            let health = health.iter().find(|h| h.id == subscription.id).cloned();
            view! { <SubscriptionRow subscription health project=project.clone() set_enabled /> }
        })
        .collect_view();
    view! {
        <DataTable
            columns=&["Name", "Endpoint", "Receives", "Labels", "Health (24 h)", "State", ""]
            is_empty
            empty="No subscriptions match. Create one, or loosen the filters."
        >
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}

#[component]
fn SubscriptionRow(
    subscription: Subscription,
    health: Option<SubscriptionHealth>,
    project: String,
    set_enabled: ServerAction<SetSubscriptionEnabled>,
) -> impl IntoView {
    let state = subscription.state();
    let Subscription {
        id, spec, failed, ..
    } = subscription;
    let SubscriptionSpec {
        name,
        url,
        enabled,
        labels,
        event_types,
        ..
    } = spec;
    let (switch_label, switch_to) = super::switch_of(enabled, failed);
    let toggle = {
        let project = project.clone();
        move |_| {
            set_enabled.dispatch(SetSubscriptionEnabled {
                project: project.clone(),
                id,
                enabled: switch_to,
            });
        }
    };
    let receives = if event_types.is_empty() {
        "every event".to_owned()
    } else {
        event_types.join(", ")
    };
    let health_view = health.map(|h| {
        let last = match (h.last_status, h.last_error) {
            (Some(code), _) => view! { <StatusCode code /> }.into_any(),
            (None, Some(kind)) => {
                view! { <span class="status-code bad">{kind.as_str()}</span> }.into_any()
            }
            (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
        };
        view! {
            <span class="health">
                <span title="Last status">{last}</span>
                <Sparkline values=h.hourly />
                <span>{percent(h.success_rate)}</span>
            </span>
        }
    });
    let toggle_label = format!("{switch_label} {name}");
    let marker = name.clone();
    view! {
        <tr data-subscription=marker>
            <td class="name">
                <A href=format!("/projects/{project}/subscriptions/{id}")>{name}</A>
            </td>
            <td class="url"><code>{url}</code></td>
            <td>{receives}</td>
            <td class="labels">{format_labels(&labels)}</td>
            <td>{health_view}</td>
            <td><StatusBadge status=state /></td>
            <td class="actions">
                <button type="button" on:click=toggle aria-label=toggle_label>
                    {switch_label}
                </button>
            </td>
        </tr>
    }
}
