//! Whether the project's catalogue is strict (ingest refuses events of undeclared types and
//! events whose data fails their type's schema) or lenient (accepts and flags them), and the
//! button that changes it, for administrators. A form posted to the server function, so it works
//! before the page hydrates too.

use engine::account::Project;
use leptos::{form::ActionForm, prelude::*};

use crate::{
    api::projects::{get_project, SetProjectStrict},
    components::{use_toasts, AdminOnly, Loaded},
};

#[component]
pub fn Strictness(project: Signal<String>) -> impl IntoView {
    let set = ServerAction::<SetProjectStrict>::new();
    use_toasts().on_result(set.value(), |changed: &Project| {
        format!("{}: {}", changed.name, explain(changed.strict).0)
    });
    let found = Resource::new(
        move || (project.get(), set.version().get()),
        |(project, _)| get_project(project),
    );
    view! {
        <Loaded resource=found what="the project" let:found>
            {
                let (mode, what) = explain(found.strict);
                // Stored: the administrators' form is built anew whenever it is shown.
                let (name, strict) = (StoredValue::new(found.name), found.strict);
                view! {
                    <div class="card strictness" data-strict=strict.to_string()>
                        <p><strong>{mode}</strong> " " {what}</p>
                        <AdminOnly>
                            <ActionForm action=set>
                                <input type="hidden" name="project" value=name.get_value() />
                                <input type="hidden" name="strict" value=(!strict).to_string() />
                                <button type="submit" disabled=move || set.pending().get()>
                                    {match strict {
                                        true => "Accept and flag them instead",
                                        false => "Refuse them instead",
                                    }}
                                </button>
                            </ActionForm>
                        </AdminOnly>
                    </div>
                }
            }
        </Loaded>
    }
}

/// The mode's name and what it does with events the catalogue does not accept.
fn explain(strict: bool) -> (&'static str, &'static str) {
    match strict {
        true => (
            "Strict.",
            "Events of types not declared here, or whose data fails their type's schema, are refused (422).",
        ),
        false => (
            "Lenient.",
            "Events of types not declared here, or whose data fails their type's schema, are accepted and flagged.",
        ),
    }
}
