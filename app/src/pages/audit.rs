//! The audit log (administrators): who did what to which object and when, newest first, across
//! every project or one, narrowed by action and actor through the URL query.

use engine::{account::AuditEntry, page::Paged};
use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::params::query_param;
use crate::{
    api::audit::list_audit,
    components::{format::when, DataTable, JsonView, Loaded, PageHead, Pager},
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let project = query_param("project");
    let action = query_param("action");
    let actor = query_param("actor");
    let cursor = query_param("cursor");
    let entries = Resource::new(
        move || (project.get(), action.get(), actor.get(), cursor.get()),
        |(project, action, actor, cursor)| list_audit(project, action, actor, cursor),
    );
    let current = |value: Signal<Option<String>>| value.get_untracked().unwrap_or_default();
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Audit log".to_owned()) />
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <label class="filter">
                    <span>"Project"</span>
                    <input name="project" value=current(project) placeholder="every project" />
                </label>
                <label class="filter">
                    <span>"Action"</span>
                    <input name="action" value=current(action) placeholder="user or user.updated" />
                </label>
                <label class="filter">
                    <span>"Actor"</span>
                    <input name="actor" value=current(actor) placeholder="username" />
                </label>
                <button type="submit">"Filter"</button>
            </Form>
            <Loaded resource=entries what="the audit log" let:page>
                <AuditTable page />
            </Loaded>
        </section>
    }
}

#[component]
fn AuditTable(page: Paged<AuditEntry>) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let rows = page
        .data
        .into_iter()
        .map(|entry| {
            let object = match object_page(&entry) {
                Some(href) => view! { <A href=href>{entry.target_id.clone()}</A> }.into_any(),
                None => view! { <span>{entry.target_id.clone()}</span> }.into_any(),
            };
            let (action, actor) = (entry.action.clone(), entry.actor.clone());
            view! {
                <tr data-action=action data-actor=actor>
                    <td>{when(entry.created_at)}</td>
                    <td class="name">{entry.actor}</td>
                    <td><code>{entry.action}</code></td>
                    <td class="object">{object}</td>
                    <td>{entry.project.unwrap_or_default()}</td>
                    <td>
                        <details>
                            <summary>"Details"</summary>
                            <JsonView text=entry.detail.to_string() />
                        </details>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=&["When", "Who", "Action", "Object", "Project", "Details"] is_empty empty="Nothing recorded here.">
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}

/// The dashboard page of the object an entry is about, when it has one and still exists.
fn object_page(entry: &AuditEntry) -> Option<String> {
    let (kind, verb) = entry.action.split_once('.')?;
    if verb == "deleted" {
        return None;
    }
    let project = entry.project.as_deref();
    match (kind, project) {
        ("user", _) => Some("/users".to_owned()),
        ("token", _) => Some("/tokens".to_owned()),
        ("project", Some(name)) => Some(format!("/projects/{name}")),
        ("subscription", Some(name)) => Some(format!(
            "/projects/{name}/subscriptions/{}",
            entry.target_id
        )),
        ("object" | "handler", Some(name)) => Some(format!("/projects/{name}/inbound")),
        ("deliveries", Some(name)) => Some(format!("/projects/{name}/deliveries")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::object_page;
    use engine::account::AuditEntry;

    fn entry(action: &str, project: Option<&str>) -> AuditEntry {
        AuditEntry {
            id: uuid::Uuid::nil(),
            project: project.map(str::to_owned),
            actor: "admin".into(),
            action: action.into(),
            target_id: "0191".into(),
            detail: serde_json::json!({}),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn entries_link_to_the_page_of_what_they_are_about() {
        let link = |action, project| object_page(&entry(action, project));
        assert_eq!(
            link("subscription.created", Some("shop")).as_deref(),
            Some("/projects/shop/subscriptions/0191")
        );
        assert_eq!(
            link("project.created", Some("shop")).as_deref(),
            Some("/projects/shop")
        );
        assert_eq!(link("user.updated", None).as_deref(), Some("/users"));
        assert_eq!(link("subscription.deleted", Some("shop")), None);
        assert_eq!(link("something", None), None);
    }
}
