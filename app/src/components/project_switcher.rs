//! The top bar's project picker: lists the projects the user can reach and goes to the one
//! chosen, on the same kind of page.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::accounts::list_projects;

/// The project a path is about, if any (`/projects/<name>/…`).
pub fn project_in(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/projects/")?;
    let name = rest.split('/').next().filter(|n| !n.is_empty())?;
    Some(name.to_owned())
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
        navigate.with_value(|go| go(&format!("/projects/{name}"), Default::default()));
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
                        </select>
                    </label>
                })
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::project_in;

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
}
