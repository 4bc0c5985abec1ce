//! The logged-in user's name and a logout button, for the top bar.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

use crate::auth::{whoami, Logout};

#[component]
pub fn AccountMenu() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    // Asked again on every navigation, so logging in or out shows at once.
    let location = use_location();
    let user = Resource::new(move || location.pathname.get(), |_| whoami());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                user.await
                    .ok()
                    .flatten()
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
