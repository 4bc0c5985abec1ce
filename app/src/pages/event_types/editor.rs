//! The catalogue's form: declares a type, or changes the one a row's "Edit" loaded into it. The
//! schema and the example are JSON text; the engine's objections show beside their fields. It is
//! a real `<form method="post">` to the save function, its fields named the way that function
//! reads a form, so declaring works before the page hydrates (or without JavaScript); once
//! hydrated, the app sends it instead and shows the result in place.

use engine::catalogue::{form::EventTypeForm, EventTypeOut};
use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    api::event_types::SaveEventType,
    components::{errors_of, field_id, form_error_of, posted_name, use_toasts, Field, FormError},
};

#[component]
pub fn EventTypeEditor(
    project: Signal<String>,
    save: ServerAction<SaveEventType>,
    /// The type being changed; none: a new one is declared.
    editing: RwSignal<Option<EventTypeOut>>,
) -> impl IntoView {
    let form = RwSignal::new(EventTypeForm::default());
    let errors = errors_of(save.value());
    let card = NodeRef::<leptos::html::Details>::new();
    let toasts = use_toasts();
    // "Edit" on a row loads that type here (and a save or "Cancel" empties the form), in view.
    // Only on a change: a first run after hydration would wipe what was typed before it.
    Effect::watch(
        move || editing.get(),
        move |current, _, _| {
            form.set(current.as_ref().map(EventTypeForm::of).unwrap_or_default());
            if let (Some(_), Some(card)) = (current, card.get_untracked()) {
                card.set_open(true);
                card.scroll_into_view();
            }
        },
        false,
    );
    // A refusal stays in the form, beside its fields; a save empties it.
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            toasts.success(format!("Event type {} saved", saved.name));
            editing.set(None);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveEventType {
            project: project.get_untracked(),
            editing: editing.with_untracked(|e| e.as_ref().map(|t| t.name.clone())),
            form: form.get_untracked(),
        });
    };
    let is_editing = move || editing.with(Option::is_some);
    let heading = move || match editing.with(|e| e.as_ref().map(|t| t.name.clone())) {
        Some(name) => format!("Edit {name}"),
        None => "New event type".to_owned(),
    };
    let input = |label: &'static str,
                 name: &'static str,
                 placeholder: &'static str,
                 read: fn(&EventTypeForm) -> String,
                 write: fn(&mut EventTypeForm, String)| {
        view! {
            <Field label name errors>
                <input
                    id=field_id(name)
                    name=posted_name(name)
                    placeholder=placeholder
                    // The name is the type's key: it stays as it is while the rest changes.
                    readonly=move || name == "name" && is_editing()
                    prop:value=move || form.with(read)
                    on:input=move |ev| form.update(|f| write(f, event_target_value(&ev)))
                />
            </Field>
        }
    };
    let document = |label: &'static str,
                    name: &'static str,
                    hint: &'static str,
                    read: fn(&EventTypeForm) -> String,
                    write: fn(&mut EventTypeForm, String)| {
        view! {
            <Field label name errors hint wide=true>
                <textarea
                    id=field_id(name)
                    name=posted_name(name)
                    rows="8"
                    spellcheck="false"
                    prop:value=move || form.with(read)
                    on:input=move |ev| form.update(|f| write(f, event_target_value(&ev)))
                ></textarea>
            </Field>
        }
    };
    view! {
        <details class="card catalogue-editor" open=true node_ref=card>
            <summary>{heading}</summary>
            <form class="form" method="post" action=SaveEventType::PATH novalidate=true on:submit=submit>
                // Only declaring works as a plain post: "Edit" loads a type once the page is live.
                <input type="hidden" name="project" value=move || project.get() />
                <div class="form-grid">
                    {input("Name", "name", "order.paid", |f| f.name.clone(), |f, v| f.name = v)}
                    {input("Group", "group", "orders", |f| f.group.clone(), |f, v| f.group = v)}
                    <Field label="Description" name="description" errors wide=true>
                        <input
                            id=field_id("description")
                            name=posted_name("description")
                            prop:value=move || form.with(|f| f.description.clone())
                            on:input=move |ev| form.update(|f| f.description = event_target_value(&ev))
                        />
                    </Field>
                    {document("Schema (JSON Schema 2020-12)", "schema", "of the events' data; blank: any data", |f| f.schema.clone(), |f, v| f.schema = v)}
                    {document("Example (JSON)", "example", "an example of data; it must pass the schema", |f| f.example.clone(), |f, v| f.example = v)}
                    <label class="check">
                        <input
                            type="checkbox"
                            name=posted_name("deprecated")
                            value="true"
                            prop:checked=move || form.with(|f| f.deprecated)
                            on:change=move |ev| form.update(|f| f.deprecated = event_target_checked(&ev))
                        />
                        "Deprecated: producers should move off it"
                    </label>
                </div>
                <FormError message=form_error_of(save.value()) fields=errors />
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || save.pending().get()>
                        {move || if is_editing() { "Save changes" } else { "Declare type" }}
                    </button>
                    <Show when=is_editing>
                        <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                    </Show>
                </div>
            </form>
        </details>
    }
}
