//! Controls only administrators may use, shown to administrators alone. The engine refuses
//! everyone else either way; this spares them a button that can only fail.

use leptos::prelude::*;

use crate::auth::is_admin;

#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let admin = Resource::new(|| (), |_| is_admin());
    view! {
        <Transition fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move { matches!(admin.await, Ok(true)).then(|| children()) })
            }}
        </Transition>
    }
}
