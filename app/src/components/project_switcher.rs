//! The top bar's project picker: lists the projects the user can reach and goes to the one
//! chosen, on the same kind of page; its last choice leads to the projects page.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::accounts::list_projects;

/// The switcher's choice that opens the projects page rather than a project (not a valid
/// project name, so no project can shadow it).
const ALL_PROJECTS: &str = "*all";

/// The project a path is about, if any (`/projects/<name>/…`).
pub fn project_in(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/projects/")?;
    let name = rest.split('/').next().filter(|n| !n.is_empty())?;
    Some(name.to_owned())
}

/// The same kind of page in project `to`: the section of `path` (subscriptions, events …) and
/// its "new" form, but not an id, which names something of the project left behind.
pub fn same_page_in(path: &str, to: &str) -> String {
    let mut parts = path
        .strip_prefix("/projects/")
        .unwrap_or_default()
        .split('/')
        .skip(1)
        .filter(|part| !part.is_empty());
    match (parts.next(), parts.next()) {
        (Some(section), Some("new")) => format!("/projects/{to}/{section}/new"),
        (Some(section), _) => format!("/projects/{to}/{section}"),
        (None, _) => format!("/projects/{to}"),
    }
}

#[component]
pub fn ProjectSwitcher() -> impl IntoView {
    let location = use_location();
    let current = Memo::new(move |_| project_in(&location.pathname.get()));
    // Asked again on navigation, so that logging in (or creating a project) shows at once.
    let projects = Resource::new(move || location.pathname.get(), |_| list_projects());
    let navigate = StoredValue::new(use_navigate());
    let choose = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let target = match name.as_str() {
            ALL_PROJECTS => "/projects".to_owned(),
            _ => same_page_in(&location.pathname.get_untracked(), &name),
        };
        navigate.with_value(|go| go(&target, Default::default()));
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let projects = projects.await.ok()?;
                let current = current.get();
                Some(view! {
                    <label class="switcher">
                        <span class="visually-hidden">"Current project"</span>
                        <select on:change=choose aria-label="Current project" data-testid="project-switcher">
                            {current.is_none().then(|| view! { <option value="" selected=true>"Choose a project"</option> })}
                            {projects
                                .into_iter()
                                .map(|p| {
                                    let selected = current.as_deref() == Some(p.name.as_str());
                                    view! { <option value=p.name.clone() selected=selected>{p.name.clone()}</option> }
                                })
                                .collect_view()}
                            <option value=ALL_PROJECTS>"All projects…"</option>
                        </select>
                    </label>
                })
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::{project_in, same_page_in};

    #[test]
    fn the_project_is_read_from_the_path() {
        assert_eq!(
            project_in("/projects/shop/events/1").as_deref(),
            Some("shop")
        );
        assert_eq!(project_in("/projects/shop").as_deref(), Some("shop"));
        assert_eq!(project_in("/projects/"), None);
        assert_eq!(project_in("/tokens"), None);
    }

    #[test]
    fn switching_keeps_the_kind_of_page_but_not_ids() {
        let to = |path| same_page_in(path, "shop");
        assert_eq!(
            to("/projects/a/subscriptions"),
            "/projects/shop/subscriptions"
        );
        assert_eq!(
            to("/projects/a/subscriptions/01a2/edit"),
            "/projects/shop/subscriptions"
        );
        assert_eq!(
            to("/projects/a/subscriptions/new"),
            "/projects/shop/subscriptions/new"
        );
        assert_eq!(to("/projects/a/events/01a2"), "/projects/shop/events");
        assert_eq!(to("/projects/a"), "/projects/shop");
        assert_eq!(to("/tokens"), "/projects/shop");
    }
}
