//! The Subscriptions page: list, create, enable/disable and delete a project's subscriptions.

use engine::{
    page::Paged,
    subscription::{format_labels, Subscription, DEFAULT_TIMEOUT_SECONDS},
    FieldErrors,
};
use leptos::{form::ActionForm, html, prelude::*};
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use crate::{
    api::{list_subscriptions, CreateSubscription, DeleteSubscription, SetSubscriptionEnabled},
    components::{ErrorList, FormField},
};

#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let project = Signal::derive(move || params.read().get("project").unwrap_or_default());
    let cursor = Signal::derive(move || query.read().get("cursor"));

    let create = ServerAction::<CreateSubscription>::new();
    let set_enabled = ServerAction::<SetSubscriptionEnabled>::new();
    let delete = ServerAction::<DeleteSubscription>::new();
    // Refetch whenever any action completes.
    let subscriptions = Resource::new(
        move || {
            (
                project.get(),
                cursor.get(),
                create.version().get(),
                set_enabled.version().get(),
                delete.version().get(),
            )
        },
        |(project, cursor, ..)| list_subscriptions(project, cursor),
    );

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Subscriptions"</h1>
                <p class="muted">"Project " <code>{project}</code></p>
            </div>
            <CreateSubscriptionForm project create />
            <Transition fallback=|| view! { <p class="loading">"Loading subscriptions…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        subscriptions
                            .await
                            .map(|page| view! { <SubscriptionTable page project set_enabled delete /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn CreateSubscriptionForm(
    project: Signal<String>,
    create: ServerAction<CreateSubscription>,
) -> impl IntoView {
    let form_ref = NodeRef::<html::Form>::new();
    let result = create.value();
    let errors = Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(e)) => e.fields().clone(),
            _ => FieldErrors::default(),
        })
    });
    // A failure that is not about one field (e.g. a duplicate name) is shown above the button.
    let form_error = move || {
        result.with(|r| match r {
            Some(Err(e)) if e.fields().is_empty() => Some(e.to_string()),
            _ => None,
        })
    };
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(_))) {
            if let Some(form) = form_ref.get() {
                form.reset();
            }
        }
    });

    view! {
        <details class="card" open=true>
            <summary>"New subscription"</summary>
            <ActionForm action=create node_ref=form_ref attr:class="form" attr:novalidate=true>
                <input type="hidden" name="project" value=project />
                <div class="form-grid">
                    <FormField label="Name" name="name" errors required=true placeholder="orders-to-crm" />
                    <FormField
                        label="Endpoint URL"
                        name="url"
                        errors
                        required=true
                        input_type="url"
                        placeholder="https://example.com/webhooks"
                    />
                    <FormField label="Description" name="description" errors />
                    <FormField
                        label="Timeout (seconds)"
                        name="timeout_seconds"
                        errors
                        input_type="number"
                        placeholder=DEFAULT_TIMEOUT_SECONDS.to_string()
                        hint="1 to 30"
                    />
                    <FormField
                        label="Labels"
                        name="labels"
                        errors
                        placeholder="env:prod, team:core"
                        hint="key:value, comma separated"
                    />
                </div>
                {move || form_error().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create subscription" }}
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn SubscriptionTable(
    page: Paged<Subscription>,
    project: Signal<String>,
    set_enabled: ServerAction<SetSubscriptionEnabled>,
    delete: ServerAction<DeleteSubscription>,
) -> impl IntoView {
    if page.data.is_empty() {
        return view! { <p class="empty">"No subscriptions yet. Create the first one above."</p> }
            .into_any();
    }
    let next = page.next_cursor.map(|cursor| {
        let href = format!(
            "/projects/{}/subscriptions?cursor={cursor}",
            project.get_untracked()
        );
        view! { <A href=href attr:class="pager-next">"Next page →"</A> }
    });
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Endpoint"</th>
                        <th scope="col">"Timeout"</th>
                        <th scope="col">"Labels"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {page
                        .data
                        .into_iter()
                        .map(|subscription| view! { <SubscriptionRow subscription project set_enabled delete /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {next}
    }
    .into_any()
}

#[component]
fn SubscriptionRow(
    subscription: Subscription,
    project: Signal<String>,
    set_enabled: ServerAction<SetSubscriptionEnabled>,
    delete: ServerAction<DeleteSubscription>,
) -> impl IntoView {
    let Subscription {
        id,
        name,
        url,
        enabled,
        timeout_seconds,
        labels,
        ..
    } = subscription;
    let confirming = RwSignal::new(false);
    let toggle = move |_| {
        set_enabled.dispatch(SetSubscriptionEnabled {
            project: project.get_untracked(),
            id,
            enabled: !enabled,
        });
    };
    let confirm_delete = move |_| {
        delete.dispatch(DeleteSubscription {
            project: project.get_untracked(),
            id,
        });
    };
    let toggle_label = format!("{} {name}", if enabled { "Disable" } else { "Enable" });
    let delete_label = format!("Delete {name}");
    let confirm_text = format!("Delete “{name}”?");

    view! {
        <tr data-subscription=name.clone()>
            <td class="name">{name.clone()}</td>
            <td class="url"><code>{url}</code></td>
            <td>{timeout_seconds} " s"</td>
            <td class="labels">{format_labels(&labels)}</td>
            <td>
                <span class="badge" class:on=enabled>
                    {if enabled { "Enabled" } else { "Disabled" }}
                </span>
            </td>
            <td class="actions">
                <button type="button" on:click=toggle aria-label=toggle_label>
                    {if enabled { "Disable" } else { "Enable" }}
                </button>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button
                            type="button"
                            class="danger"
                            aria-label=delete_label.clone()
                            on:click=move |_| confirming.set(true)
                        >
                            "Delete"
                        </button>
                    }
                >
                    <span class="confirm" role="group" aria-label="Confirm deletion">
                        <span>{confirm_text.clone()}</span>
                        <button type="button" class="danger" on:click=confirm_delete>
                            "Yes, delete"
                        </button>
                        <button type="button" on:click=move |_| confirming.set(false)>
                            "Cancel"
                        </button>
                    </span>
                </Show>
            </td>
        </tr>
    }
}
