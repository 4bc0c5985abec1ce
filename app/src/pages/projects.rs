//! Projects: the ones the user reaches, each leading to its overview, and (for administrators)
//! a form to create one. The engine checks the name and who may create.

use engine::{account::Project, page::Paged};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::A;

use super::params::query_param;
use crate::{
    api::projects::{project_page, CreateProject},
    components::{
        errors_of, form_error_of, format::when, use_toasts, AdminOnly, DataTable, FormError,
        FormField, Loaded, PageHead, Pager,
    },
};

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let cursor = query_param("cursor");
    let create = ServerAction::<CreateProject>::new();
    use_toasts().on_result(create.value(), |p| format!("Project {} created", p.name));
    let projects = Resource::new(
        move || (cursor.get(), create.version().get()),
        |(cursor, _)| project_page(cursor),
    );
    let errors = errors_of(create.value());
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Projects".to_owned()) />
            <AdminOnly>
                <details class="card">
                    <summary>"New project"</summary>
                    <ActionForm action=create attr:class="form" attr:novalidate=true>
                        <div class="form-grid">
                            <FormField label="Name" name="name" errors required=true placeholder="team-a" hint="a-z, 0-9, - and _; used in URLs" />
                            <FormField label="Description" name="description" errors />
                        </div>
                        <FormError message=form_error_of(create.value()) fields=errors />
                        <button type="submit" class="primary" disabled=move || create.pending().get()>"Create project"</button>
                    </ActionForm>
                    {move || created().map(|p| view! {
                        <p class="notice success" role="status">
                            "Project " <A href=format!("/projects/{}", p.name)>{p.name.clone()}</A> " created."
                        </p>
                    })}
                </details>
            </AdminOnly>
            <Loaded resource=projects what="projects" let:page>
                <ProjectTable page />
            </Loaded>
        </section>
    }
}

#[component]
fn ProjectTable(page: Paged<Project>) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let rows = page
        .data
        .into_iter()
        .map(|p| {
            let href = format!("/projects/{}", p.name);
            let marker = p.name.clone();
            view! {
                <tr data-project=marker>
                    <td class="name"><A href=href>{p.name}</A></td>
                    <td>{p.description}</td>
                    <td>{when(p.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=&["Name", "Description", "Created"] is_empty empty="No projects.">
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}
