//! The subscription form, for creating and for editing: every field the engine has, grouped by
//! what it decides, with the engine's field errors inline and a box to try the payload filter
//! against a sample event. It is a real `<form method="post">` to the save function, named the
//! way that function reads a form (`form[url]`, `form[headers][0][key]`), so it works before the
//! page hydrates; once hydrated, the app sends it instead and shows the result in place.

use engine::{
    ids::SubscriptionId,
    subscription::{
        ContentType, HeaderForm, PayloadFormat, Subscription, SubscriptionForm, METHODS,
    },
    FieldErrors,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_navigate;

use super::super::params::{fetch_by_id, id_param, project_param};
use crate::{
    api::subscriptions::{get_subscription, list_channels, SaveSubscription, TryFilter},
    components::{
        errors_of, field_id, form_error_of, posted_name, use_toasts, EventTypeOptions, Field,
        FormError, Loaded, PageHead, StatusBadge,
    },
};

#[component]
pub fn NewSubscriptionPage() -> impl IntoView {
    let project = project_param();
    view! {
        <section class="page">
            <PageHead
                title=Signal::derive(|| "New subscription".to_owned())
                trail=vec![("Subscriptions".to_owned(), format!("/projects/{}/subscriptions", project.get_untracked()))]
            />
            <SubscriptionEditor project=project.get_untracked() id=None initial=SubscriptionForm::default() />
        </section>
    }
}

#[component]
pub fn EditSubscriptionPage() -> impl IntoView {
    let project = project_param();
    let id = id_param::<SubscriptionId>("id");
    let subscription = Resource::new(
        move || (project.get(), id.get()),
        |(project, id)| fetch_by_id("subscription", id, move |id| get_subscription(project, id)),
    );
    view! {
        <section class="page">
            <Loaded resource=subscription what="the subscription" let:subscription>
                <EditorFor subscription project=project.get_untracked() />
            </Loaded>
        </section>
    }
}

#[component]
fn EditorFor(subscription: Subscription, project: String) -> impl IntoView {
    let detail = format!("/projects/{project}/subscriptions/{}", subscription.id);
    let title = format!("Edit {}", subscription.spec.name);
    view! {
        <PageHead
            title=Signal::derive(move || title.clone())
            trail=vec![
                ("Subscriptions".to_owned(), format!("/projects/{project}/subscriptions")),
                (subscription.spec.name.clone(), detail),
            ]
        />
        <SubscriptionEditor project id=Some(subscription.id) initial=SubscriptionForm::from(&subscription) />
    }
}

/// Reads and writes one field of the form, so controls can be declared in one line.
macro_rules! access {
    ($field:ident: $type:ty) => {
        (
            (|f: &SubscriptionForm| f.$field.clone()) as fn(&SubscriptionForm) -> $type,
            (|f: &mut SubscriptionForm, v: $type| f.$field = v) as fn(&mut SubscriptionForm, $type),
        )
    };
}

#[component]
fn SubscriptionEditor(
    project: String,
    id: Option<SubscriptionId>,
    initial: SubscriptionForm,
) -> impl IntoView {
    let form = RwSignal::new(initial);
    let save = ServerAction::<SaveSubscription>::new();
    let errors = errors_of(save.value());
    let form_error = form_error_of(save.value());
    let toasts = use_toasts();
    let navigate = use_navigate();
    let list_href = format!("/projects/{project}/subscriptions");
    Effect::new({
        let project = project.clone();
        move |_| {
            if let Some(Ok(saved)) = save.value().get() {
                toasts.success(format!("Saved {}", saved.spec.name));
                navigate(
                    &format!("/projects/{project}/subscriptions/{}", saved.id),
                    Default::default(),
                );
            }
        }
    });
    let submit = {
        let project = project.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save.dispatch(SaveSubscription {
                project: project.clone(),
                id,
                form: form.get_untracked(),
            });
        }
    };
    let type_options = Signal::stored(project.clone());
    let channels = Resource::new(|| (), |_| list_channels());
    let choice = |options: Vec<String>| {
        options
            .into_iter()
            .map(|o| (o.clone(), o))
            .collect::<Vec<_>>()
    };

    // Each fieldset is erased to `AnyView`: the whole form as one type nests deeper than the
    // compiler's query limit in release builds.
    view! {
        <form class="form editor" method="post" action=SaveSubscription::PATH novalidate=true on:submit=submit>
            <input type="hidden" name="project" value=project />
            {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
            {view! { <fieldset class="card">
                <legend>"Endpoint"</legend>
                <div class="form-grid">
                    <TextControl form errors label="Name" name="name" access=access!(name: String) placeholder="orders-to-crm" />
                    <TextControl form errors label="Endpoint URL" name="url" access=access!(url: String) input_type="url" placeholder="https://example.com/webhooks" />
                    <TextControl form errors label="Description" name="description" access=access!(description: String) wide=true />
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let names = channels.await.map(|c| c.into_iter().map(|c| c.name).collect()).unwrap_or_else(|_| vec!["http".to_owned()]);
                            view! { <ChoiceControl form errors label="Channel" name="channel" access=access!(channel: String) options=choice(names) /> }
                        })}
                    </Transition>
                    <TextControl form errors label="Channel config (JSON)" name="channel_config" access=access!(channel_config: String) multiline=true placeholder=r#"{"body": "{{ event_name }}"}"# hint="Keys each channel takes are listed under Channels" />
                </div>
            </fieldset> }.into_any()}
            {view! { <fieldset class="card">
                <legend>"What it receives"</legend>
                <div class="form-grid">
                    <TextControl form errors label="Event types" name="event_types" access=access!(event_types: String) list="event-type-suggestions" placeholder="order.paid, refund.*" hint="comma separated; blank: every event; * and prefix.* are wildcards" />
                    <EventTypeOptions project=type_options id="event-type-suggestions" />
                    <TextControl form errors label="Event groups" name="event_groups" access=access!(event_groups: String) placeholder="deployments" hint="comma separated" />
                    <TextControl form errors label="Object type" name="object_type" access=access!(object_type: String) placeholder="service" />
                    <TextControl form errors label="Object name" name="object_name" access=access!(object_name: String) />
                    <TextControl form errors label="Object version" name="object_version" access=access!(object_version: String) />
                    <TextControl form errors label="Payload filter (JSON)" name="filter" access=access!(filter: String) multiline=true wide=true placeholder=r#"{"data.amount": {"$gte": 100}}"# hint="blank: no filter" />
                    <FilterTryout form />
                </div>
            </fieldset> }.into_any()}
            {view! { <fieldset class="card">
                <legend>"How it is delivered"</legend>
                <div class="form-grid">
                    <ChoiceControl form errors label="Method" name="method" access=access!(method: String) options=METHODS.iter().map(|m| ((*m).to_owned(), (*m).to_owned())).collect() />
                    <ChoiceControl form errors label="Content type" name="content_type" access=access!(content_type: String) options=ContentType::ALL.iter().map(|c| (c.as_str().to_owned(), c.as_str().to_owned())).collect() />
                    <ChoiceControl form errors label="Payload format" name="payload_format" access=access!(payload_format: String) options=PayloadFormat::ALL.iter().map(|p| (p.as_str().to_owned(), p.as_str().to_owned())).collect() />
                    <TextControl form errors label="Timeout (seconds)" name="timeout_seconds" access=access!(timeout_seconds: String) input_type="number" placeholder=engine::subscription::DEFAULT_TIMEOUT_SECONDS.to_string() hint="1 to 30" />
                    <TextControl form errors label="Rate limit (per second)" name="rate_limit" access=access!(rate_limit: String) input_type="number" hint="blank: unlimited" />
                    <CheckControl form label="Retry failed deliveries" name="retry" access=access!(retry: bool) />
                    <CheckControl form label="Include the result" name="include_result" access=access!(include_result: bool) />
                    <HeadersEditor form errors />
                </div>
            </fieldset> }.into_any()}
            {view! { <fieldset class="card">
                <legend>"Labels and state"</legend>
                <div class="form-grid">
                    <TextControl form errors label="Labels" name="labels" access=access!(labels: String) placeholder="env:prod, team:core" hint="key:value, comma separated" />
                    <CheckControl form label="Enabled" name="enabled" access=access!(enabled: bool) />
                </div>
            </fieldset> }.into_any()}
            <FormError message=form_error fields=errors />
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else if id.is_some() { "Save changes" } else { "Create subscription" }}
                </button>
                <a href=list_href class="button secondary">"Cancel"</a>
            </div>
        </form>
    }
}

/// How a control reads and writes its field of the form.
type Access<T> = (fn(&SubscriptionForm) -> T, fn(&mut SubscriptionForm, T));

#[component]
fn TextControl(
    form: RwSignal<SubscriptionForm>,
    errors: Signal<FieldErrors>,
    label: &'static str,
    name: &'static str,
    access: Access<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] list: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] wide: bool,
) -> impl IntoView {
    let (read, write) = access;
    let id = field_id(name);
    // `prop:` values are set in the browser only: the attribute (and a text area's text) is what
    // the server renders, so the form shows its values before hydration and without JavaScript.
    let rendered = form.with_untracked(read);
    let value = move || form.with(read);
    let on_input = move |ev: leptos::ev::Event| form.update(|f| write(f, event_target_value(&ev)));
    let invalid = move || errors.with(|e| e.get(name).is_some()).to_string();
    let described = format!("{id}-error");
    let control = if multiline {
        view! {
            <textarea id=id name=posted_name(name) rows="4" placeholder=placeholder prop:value=value on:input=on_input aria-invalid=invalid aria-describedby=described spellcheck="false">{rendered}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id name=posted_name(name) type=input_type placeholder=placeholder list=(!list.is_empty()).then_some(list) value=rendered prop:value=value on:input=on_input aria-invalid=invalid aria-describedby=described />
        }
        .into_any()
    };
    view! { <Field label name errors hint wide=wide || multiline>{control}</Field> }
}

#[component]
fn ChoiceControl(
    form: RwSignal<SubscriptionForm>,
    errors: Signal<FieldErrors>,
    label: &'static str,
    name: &'static str,
    access: Access<String>,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
) -> impl IntoView {
    let (read, write) = access;
    let current = form.with_untracked(read);
    view! {
        <Field label name errors>
            <select id=field_id(name) name=posted_name(name) on:change=move |ev| form.update(|f| write(f, event_target_value(&ev)))>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = value == current;
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </Field>
    }
}

#[component]
fn CheckControl(
    form: RwSignal<SubscriptionForm>,
    label: &'static str,
    name: &'static str,
    access: Access<bool>,
) -> impl IntoView {
    let (read, write) = access;
    view! {
        <label class="check">
            <input
                type="checkbox"
                name=posted_name(name)
                value="true"
                checked=form.with_untracked(read)
                prop:checked=move || form.with(read)
                on:change=move |ev| form.update(|f| write(f, event_target_checked(&ev)))
            />
            {label}
        </label>
    }
}

/// Header rows: key, value (protected values are never shown: blank keeps the stored one),
/// whether it is protected, and a remove button.
#[component]
fn HeadersEditor(form: RwSignal<SubscriptionForm>, errors: Signal<FieldErrors>) -> impl IntoView {
    // Only the number of rows re-renders the list; typing updates values in place.
    let count = Memo::new(move |_| form.with(|f| f.headers.len()));
    let add = move |_| form.update(|f| f.headers.push(HeaderForm::default()));
    view! {
        <div class="field wide headers">
            <span class="label">"Headers"</span>
            {move || (0..count.get()).map(|i| view! { <HeaderRow form errors i /> }).collect_view()}
            <button type="button" class="secondary" on:click=add>"Add header"</button>
            <p class="field-error" role="alert">{move || errors.with(|e| e.get("headers").map(str::to_owned))}</p>
        </div>
    }
}

#[component]
fn HeaderRow(
    form: RwSignal<SubscriptionForm>,
    errors: Signal<FieldErrors>,
    i: usize,
) -> impl IntoView {
    let header = move || form.with(|f| f.headers.get(i).cloned().unwrap_or_default());
    let edit = move |change: fn(&mut HeaderForm, leptos::ev::Event), ev: leptos::ev::Event| {
        form.update(|f| {
            if let Some(h) = f.headers.get_mut(i) {
                change(h, ev);
            }
        });
    };
    let error =
        move |part: &str| errors.with(|e| e.get(&format!("headers.{i}.{part}")).map(str::to_owned));
    let remove = move |_| {
        form.update(|f| {
            if i < f.headers.len() {
                f.headers.remove(i);
            }
        })
    };
    let n = i + 1;
    let part = move |name: &str| format!("form[headers][{i}][{name}]");
    let rendered = header();
    view! {
        <div class="header-row" data-header=i>
            <input
                name=part("key")
                aria-label=format!("Header {n} name")
                placeholder="Authorization"
                value=rendered.key
                prop:value=move || header().key
                on:input=move |ev| edit(|h, ev| h.key = event_target_value(&ev), ev)
            />
            <input
                name=part("value")
                aria-label=format!("Header {n} value")
                value=rendered.value
                type=move || if header().protected { "password" } else { "text" }
                placeholder=move || if header().protected { "••• stored — type to replace" } else { "value" }
                prop:value=move || header().value
                on:input=move |ev| edit(|h, ev| h.value = event_target_value(&ev), ev)
            />
            <label class="check">
                <input
                    type="checkbox"
                    name=part("protected")
                    value="true"
                    checked=rendered.protected
                    prop:checked=move || header().protected
                    on:change=move |ev| edit(|h, ev| h.protected = event_target_checked(&ev), ev)
                />
                "Protected"
            </label>
            <button type="button" class="secondary" aria-label=format!("Remove header {n}") on:click=remove>"Remove"</button>
            <p class="field-error" role="alert">{move || error("key").or_else(|| error("value"))}</p>
        </div>
    }
}

const SAMPLE_EVENT: &str = r#"{"type": "order.paid", "data": {"amount": 120}}"#;

/// Tries the filter in the form against a sample event with the engine's own evaluation: match
/// or no match, and the first condition that failed. (On the server: the regular expression
/// engine would more than double the WebAssembly.)
#[component]
fn FilterTryout(form: RwSignal<SubscriptionForm>) -> impl IntoView {
    let sample = RwSignal::new(SAMPLE_EVENT.to_owned());
    let try_filter = ServerAction::<TryFilter>::new();
    let run = move |_| {
        try_filter.dispatch(TryFilter {
            filter: form.with_untracked(|f| f.filter.clone()),
            sample: sample.get_untracked(),
        });
    };
    let shown = move || {
        try_filter.value().get().map(|outcome| match outcome {
            Ok(v) => view! {
                <p class="verdict" data-testid="filter-verdict">
                    <StatusBadge status=if v.matches { "match" } else { "no match" } />
                    " " {v.reason}
                </p>
            }
            .into_any(),
            Err(error) => {
                let text: Vec<_> = error.fields().iter().map(|(field, message)| format!("{field} {message}")).collect();
                view! { <p class="verdict field-error" data-testid="filter-verdict">{text.join("; ")}</p> }.into_any()
            }
        })
    };
    view! {
        <div class="field wide tryout">
            <label for="filter-sample">"Try the filter against a sample event"</label>
            <textarea id="filter-sample" rows="3" spellcheck="false" prop:value=move || sample.get() on:input=move |ev| sample.set(event_target_value(&ev))></textarea>
            <button type="button" class="secondary" on:click=run>"Try it"</button>
            {shown}
        </div>
    }
}
