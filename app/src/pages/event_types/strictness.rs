//! Whether the project's catalogue is strict (ingest refuses events of undeclared types and
//! events whose data fails their type's schema) or lenient (accepts and flags them), and the
//! button that changes it. A form posted to the server function, so it works before the page
//! hydrates too; the engine lets only the project's admins change it.

use engine::account::Project;
use leptos::{form::ActionForm, prelude::*};

use crate::{
    api::projects::{get_project, SetProjectStrict},
    components::{use_toasts, Loaded},
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
                view! {
                    <ActionForm action=set attr:class="card strictness" attr:data-strict=found.strict.to_string()>
                        <input type="hidden" name="project" value=found.name.clone() />
                        <input type="hidden" name="strict" value=(!found.strict).to_string() />
                        <p><strong>{mode}</strong> " " {what}</p>
                        <button type="submit" disabled=move || set.pending().get()>
                            {match found.strict {
                                true => "Accept and flag them instead",
                                false => "Refuse them instead",
                            }}
                        </button>
                    </ActionForm>
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
