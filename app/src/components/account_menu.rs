//! The logged-in user's name and a logout button, for the top bar.

use leptos::{form::ActionForm, prelude::*};

use crate::auth::{whoami, Logout};

#[component]
pub fn AccountMenu() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let user = Resource::new(|| (), |_| whoami());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                user.await
                    .ok()
                    .map(|name| {
                        view! {
                            <div class="account">
                                <span class="muted" data-testid="username">{name}</span>
                                <ActionForm action=logout>
                                    <button type="submit" class="secondary">"Log out"</button>
                                </ActionForm>
                            </div>
                        }
                    })
            })}
        </Transition>
    }
}
