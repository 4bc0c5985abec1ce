//! A subscription's page: what it is, its actions (edit, enable/disable, test, rotate the
//! secret, recover failures, delete), how its endpoint is doing, the deliveries it holds while
//! paused, and its deliveries.

use std::time::Duration;

use engine::{
    ids::SubscriptionId,
    overview::{EndpointHealth, FailedAttempt},
    subscription::{format_labels, Subscription},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_navigate};

use super::{
    super::{
        overview::Stat,
        params::{fetch_by_id, id_param, project_param},
    },
    test_panel::TestPanel,
};
use crate::{
    api::{
        deliveries::{held_deliveries, DiscardHeldDeliveries, RecoverFailed},
        overview::get_endpoint_health,
        subscriptions::{
            get_subscription, DeleteSubscription, RevealSecret, RotateSecret,
            SetSubscriptionEnabled,
        },
    },
    components::{
        errors_of, form_error_of,
        format::{maybe_when, millis, percent, when},
        use_ticker, use_toasts, AttemptsChart, ConfirmButton, CopyButton, FormError, FormField,
        Loaded, PageHead, StatusBadge, StatusCode,
    },
    pages::deliveries::DeliveryList,
};

#[component]
pub fn SubscriptionPage() -> impl IntoView {
    let project = project_param();
    let id = id_param::<SubscriptionId>("id");
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
    let subscription = Resource::new(
        move || (project.get(), id.get(), set_enabled.version().get()),
        |(project, id, _)| fetch_by_id("subscription", id, move |id| get_subscription(project, id)),
    );
    view! {
        <section class="page">
            <Loaded resource=subscription what="the subscription" let:subscription>
                <Detail subscription project=project.get_untracked() set_enabled />
            </Loaded>
        </section>
    }
}

#[component]
fn Detail(
    subscription: Subscription,
    project: String,
    set_enabled: ServerAction<SetSubscriptionEnabled>,
) -> impl IntoView {
    let id = subscription.id;
    let enabled = subscription.spec.enabled;
    let name = subscription.spec.name.clone();
    let list = format!("/projects/{project}/subscriptions");
    let (switch_label, switch_to) = super::switch_of(enabled, subscription.failed);
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
    let (delete_project, delete_name) = (project.clone(), subscription.spec.name.clone());
    let edit_href = format!("{list}/{id}/edit");
    let state = subscription.state();
    view! {
        <PageHead
            title=Signal::derive(move || name.clone())
            trail=vec![("Subscriptions".to_owned(), list.clone())]
        >
            <StatusBadge status=state />
            <A href=edit_href attr:class="button">"Edit"</A>
            <button type="button" on:click=toggle>{switch_label}</button>
            <DeleteButton project=delete_project id name=delete_name />
        </PageHead>
        {subscription.disabled_reason.clone().map(|r| view! { <p class="notice error">{r}</p> })}
        {subscription.holds_deliveries().then(|| view! { <Held project=project.clone() id /> })}
        <Summary subscription=subscription.clone() />
        <HealthPanel project=project.clone() id />
        <div class="columns">
            <TestPanel project=project.clone() id />
            <SigningSecret project=project.clone() id />
        </div>
        <Recover project=project.clone() id />
        <div class="card">
            <h2>"Deliveries"</h2>
            <DeliveryList project subscription=id />
        </div>
    }
}

#[component]
fn Summary(subscription: Subscription) -> impl IntoView {
    let or_all = |items: &[String], all: &str| {
        if items.is_empty() {
            all.to_owned()
        } else {
            items.join(", ")
        }
    };
    let scope = [
        &subscription.spec.object_type,
        &subscription.spec.object_name,
        &subscription.spec.object_version,
    ]
    .iter()
    .filter_map(|part| part.as_deref())
    .collect::<Vec<_>>()
    .join(" / ");
    let headers = subscription
        .spec
        .headers
        .iter()
        .map(|h| format!("{}: {}", h.key, h.value.as_deref().unwrap_or("•••")))
        .collect::<Vec<_>>();
    let rows: Vec<(&'static str, String)> = vec![
        (
            "Endpoint",
            format!("{} {}", subscription.spec.method, subscription.spec.url),
        ),
        ("Description", subscription.spec.description.clone()),
        (
            "Event types",
            or_all(&subscription.spec.event_types, "every event"),
        ),
        ("Event groups", or_all(&subscription.spec.event_groups, "—")),
        (
            "Object",
            if scope.is_empty() {
                "any".to_owned()
            } else {
                scope
            },
        ),
        (
            "Payload filter",
            subscription
                .spec
                .filter
                .as_ref()
                .map_or("none".to_owned(), |f| f.to_string()),
        ),
        (
            "Headers",
            if headers.is_empty() {
                "—".to_owned()
            } else {
                headers.join("\n")
            },
        ),
        (
            "Content type",
            subscription.spec.content_type.as_str().to_owned(),
        ),
        (
            "Payload format",
            subscription.spec.payload_format.as_str().to_owned(),
        ),
        (
            "Channel",
            format!(
                "{} {}",
                subscription.spec.channel, subscription.spec.channel_config
            ),
        ),
        (
            "Timeout",
            format!("{} s", subscription.spec.timeout_seconds),
        ),
        (
            "Retries",
            if subscription.spec.retry { "on" } else { "off" }.to_owned(),
        ),
        (
            "Rate limit",
            subscription
                .spec
                .rate_limit
                .map_or("none".to_owned(), |r| format!("{r}/s")),
        ),
        ("Labels", format_labels(&subscription.spec.labels)),
        ("Last delivery", maybe_when(subscription.last_delivery_at)),
        (
            "Created by",
            subscription
                .author
                .as_ref()
                .map_or("—".to_owned(), |a| a.username.clone()),
        ),
    ];
    view! {
        <dl class="card summary">
            {rows
                .into_iter()
                .map(|(term, value)| view! { <div><dt>{term}</dt><dd>{value}</dd></div> })
                .collect_view()}
        </dl>
    }
}

/// How often an open subscription page asks for fresh health figures.
const HEALTH_REFRESH: Duration = Duration::from_secs(10);

/// How the endpoint is doing over the last day: success rate and counts, latency, its last
/// success, its latest failure (linked to its delivery), the failures in a row since the last
/// success, and attempts hour by hour. Refreshes while the page is open.
#[component]
fn HealthPanel(project: String, id: SubscriptionId) -> impl IntoView {
    let tick = use_ticker(HEALTH_REFRESH);
    let health = {
        let project = project.clone();
        Resource::new(
            move || tick.get(),
            move |_| get_endpoint_health(project.clone(), id),
        )
    };
    let deliveries = format!("/projects/{project}/deliveries");
    view! {
        <div class="card endpoint-health" data-testid="endpoint-health">
            <h2>"Health, last 24 hours"</h2>
            <Loaded resource=health what="the endpoint's health" let:health>
                <HealthFigures health deliveries=deliveries.clone() />
            </Loaded>
        </div>
    }
}

#[component]
fn HealthFigures(health: EndpointHealth, deliveries: String) -> impl IntoView {
    let attempts = format!("{} ok · {} failed", health.succeeded, health.failed);
    let failing_since = health.failing_since.map_or_else(|| "—".to_owned(), when);
    view! {
        <div class="stats">
            <Stat label="Success rate" value=percent(health.summary.success_rate) />
            <Stat label="Attempts" value=attempts />
            <Stat label="Latency p50" value=millis(health.latency_p50_ms) />
            <Stat label="Latency p95" value=millis(health.latency_p95_ms) />
            <Stat label="Last success" value=maybe_when(health.last_success_at) />
            <Stat label="Failures in a row" value=health.consecutive_failures.to_string() />
            <Stat label="Failing since" value=failing_since />
        </div>
        <LastFailure failure=health.last_failure deliveries />
        <AttemptsChart buckets=health.hours caption="Attempts per hour, last day" />
    }
}

/// The endpoint's latest failed attempt: why, what it answered, when, and a link to its delivery.
#[component]
fn LastFailure(failure: Option<FailedAttempt>, deliveries: String) -> impl IntoView {
    let Some(failure) = failure else {
        return view! {
            <p class="muted" data-testid="last-failure">"No failed attempt among the latest ones."</p>
        }
        .into_any();
    };
    let href = format!("{deliveries}/{}", failure.delivery_id);
    view! {
        <div class="notice error last-failure" data-testid="last-failure">
            <strong>"Last error: " {failure.kind.as_str()}</strong>
            " · "
            {match failure.status {
                Some(code) => view! { <StatusCode code /> }.into_any(),
                None => view! { <span>"no response"</span> }.into_any(),
            }}
            " · " {when(failure.at)} " · "
            <A href=href>{format!("its delivery (attempt {})", failure.attempt_number)}</A>
            {failure.message.map(|m| view! { <p class="failure-message">{m}</p> })}
        </div>
    }
    .into_any()
}

/// Delete, after a second click that names what goes.
#[component]
fn DeleteButton(project: String, id: SubscriptionId, name: String) -> impl IntoView {
    let delete = ServerAction::<DeleteSubscription>::new();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let list = format!("/projects/{project}/subscriptions");
    let gone = name.clone();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success(format!("Deleted {gone}"));
            navigate(&list, Default::default());
        }
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    view! {
        <ConfirmButton
            label="Delete"
            question=format!("Delete “{name}” and its deliveries?")
            yes="Yes, delete"
            group="Confirm deletion"
            disabled=delete.pending()
            on_confirm=Callback::new(move |()| {
                delete.dispatch(DeleteSubscription { project: project.clone(), id });
            })
        />
    }
}

/// What a paused (disabled or failed) subscription holds: how many deliveries wait to go out
/// when it is enabled again, and discarding them, after a second click that says how many go.
#[component]
fn Held(project: String, id: SubscriptionId) -> impl IntoView {
    let discard = ServerAction::<DiscardHeldDeliveries>::new();
    use_toasts().on_result(discard.value(), |n| format!("Discarded {}", deliveries(*n)));
    let held = {
        let project = project.clone();
        Resource::new(
            move || discard.version().get(),
            move |_| held_deliveries(project.clone(), id),
        )
    };
    let discard_all = Callback::new(move |()| {
        discard.dispatch(DiscardHeldDeliveries {
            project: project.clone(),
            subscription: id,
        });
    });
    view! {
        <div class="card" data-testid="held">
            <h2>"Held deliveries"</h2>
            <Loaded resource=held what="the held deliveries" let:count>
                <p>
                    <strong data-testid="held-count">{count}</strong>
                    {if count == 1 { " delivery waits" } else { " deliveries wait" }}
                    " while the subscription is paused; they go out when it is enabled again."
                </p>
                {(count > 0).then(|| view! {
                    <ConfirmButton
                        label="Discard held deliveries"
                        question=format!("Discard {}? They will never be sent.", deliveries(count))
                        yes="Yes, discard"
                        group="Confirm discarding"
                        disabled=discard.pending()
                        on_confirm=discard_all
                    />
                })}
            </Loaded>
        </div>
    }
}

/// "1 held delivery", "3 held deliveries".
fn deliveries(count: u64) -> String {
    match count {
        1 => "1 held delivery".to_owned(),
        n => format!("{n} held deliveries"),
    }
}

/// The signing secret: hidden until asked for (it signs as Hookhub), then shown with a copy
/// button; rotated after a confirmation, the new one shown in its place.
#[component]
fn SigningSecret(project: String, id: SubscriptionId) -> impl IntoView {
    let reveal = ServerAction::<RevealSecret>::new();
    let rotate = ServerAction::<RotateSecret>::new();
    let toasts = use_toasts();
    toasts.on_result(rotate.value(), |_| "Secret rotated".to_owned());
    toasts.on_result(reveal.value(), |_| "Secret revealed".to_owned());
    // Whichever came last: the secret just revealed or the one just rotated to.
    let shown = RwSignal::new(None::<String>);
    for action_value in [reveal.value(), rotate.value()] {
        Effect::new(move |_| {
            if let Some(Ok(secret)) = action_value.get() {
                shown.set(Some(secret));
            }
        });
    }
    let reveal_it = {
        let project = project.clone();
        move |_| {
            reveal.dispatch(RevealSecret {
                project: project.clone(),
                id,
            });
        }
    };
    let rotate_it = Callback::new(move |()| {
        rotate.dispatch(RotateSecret {
            project: project.clone(),
            id,
        });
    });
    view! {
        <div class="card">
            <h2>"Signing secret"</h2>
            <p class="muted">
                "Receivers check " <code>"webhook-signature"</code> " with it. After a rotation the old secret keeps signing beside the new one for a day."
            </p>
            <div class="actions">
                <Show
                    when=move || shown.get().is_some()
                    fallback=move || view! {
                        <button type="button" disabled=move || reveal.pending().get() on:click=reveal_it.clone()>
                            "Reveal secret"
                        </button>
                    }
                >
                    <button type="button" on:click=move |_| shown.set(None)>"Hide secret"</button>
                </Show>
                <ConfirmButton
                    label="Rotate secret"
                    question="Rotate the signing secret? Receivers need the new one within a day."
                    yes="Yes, rotate"
                    group="Confirm rotating"
                    disabled=rotate.pending()
                    on_confirm=rotate_it
                />
            </div>
            {move || shown.get().map(|secret| view! {
                <div class="notice" role="status">
                    <code class="secret" data-testid="signing-secret">{secret.clone()}</code>
                    <CopyButton text=secret />
                </div>
            })}
        </div>
    }
}

/// Queues again every failed delivery since a time, with progress while it runs.
#[component]
fn Recover(project: String, id: SubscriptionId) -> impl IntoView {
    let recover = ServerAction::<RecoverFailed>::new();
    let errors = errors_of(recover.value());
    let form_error = form_error_of(recover.value());
    use_toasts().on_result(recover.value(), |n| {
        format!("{n} failed deliveries queued again")
    });
    view! {
        <div class="card">
            <h2>"Recover failed deliveries"</h2>
            <ActionForm action=recover attr:class="form inline" attr:novalidate=true>
                <input type="hidden" name="project" value=project />
                <input type="hidden" name="subscription" value=id.to_string() />
                <FormField label="Failed since (UTC)" name="since" errors input_type="datetime-local" required=true />
                <button type="submit" disabled=move || recover.pending().get()>"Recover"</button>
                {move || recover.pending().get().then(|| view! { <progress aria-label="Recovering"></progress> })}
            </ActionForm>
            <FormError message=form_error fields=errors />
            {move || recover.value().get().and_then(Result::ok).map(|n| view! {
                <p class="muted" data-testid="recovered">{n} " deliveries queued again."</p>
            })}
        </div>
    }
}
