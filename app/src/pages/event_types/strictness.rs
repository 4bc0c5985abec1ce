//! Whether the project's catalogue is strict (ingest refuses events of undeclared types and
//! events whose data fails their type's schema) or lenient (accepts and flags them), and, for
//! administrators, the button that changes it: a form posted to the server function, so it works
//! before the page hydrates too.

use engine::account::Project;
use leptos::{form::ActionForm, prelude::*};

use crate::{
    api::projects::{get_project, SetProjectStrict},
    auth::is_admin,
    components::{use_toasts, Loaded},
};

#[component]
pub fn Strictness(project: Signal<String>) -> impl IntoView {
    let set = ServerAction::<SetProjectStrict>::new();
    use_toasts().on_result(set.value(), |changed: &Project| {
        format!("{}: {}", changed.name, explain(changed.strict).0)
    });
    // The project and whether the caller may switch it, together: one `Loaded`, no second
    // suspense nested in the first, and the button is not rebuilt empty by each switch.
    let found = Resource::new(
        move || (project.get(), set.version().get()),
        |(project, _)| async move {
            let found = get_project(project).await?;
            Ok((found, is_admin().await.unwrap_or(false)))
        },
    );
    view! {
        <Loaded resource=found what="the project" let:found>
            {
                let (found, admin) = found;
                let strict = found.strict;
                let (mode, what) = explain(strict);
                view! {
                    <div class="card strictness">
                        <p data-strict=strict.to_string()><strong>{mode}</strong> " " {what}</p>
                        {admin.then(|| view! {
                            <ActionForm action=set>
                                <input type="hidden" name="project" value=found.name />
                                <input type="hidden" name="strict" value=(!strict).to_string() />
                                <button type="submit" disabled=move || set.pending().get()>
                                    {match strict {
                                        true => "Accept and flag them instead",
                                        false => "Refuse them instead",
                                    }}
                                </button>
                            </ActionForm>
                        })}
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
