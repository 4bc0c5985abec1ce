//! Users (admins only): who can log in, a form to add someone, and per user their role, whether
//! they may log in at all, and a new password. The engine keeps the rules (nobody demotes or
//! disables themself; the last administrator stays); the page shows its refusals.

use engine::{account::User, page::Paged};
use leptos::{form::ActionForm, prelude::*};

use super::params::query_param;
use crate::{
    api::accounts::{list_users, CreateUser, ResetPassword, UpdateUser},
    components::{
        errors_of, form_error_of, format::when, use_toasts, ConfirmButton, DataTable, FormError,
        FormField, Loaded, PageHead, Pager,
    },
};

#[component]
pub fn UsersPage() -> impl IntoView {
    let cursor = query_param("cursor");
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let toasts = use_toasts();
    toasts.on_result(create.value(), |u| format!("User {} created", u.username));
    toasts.on_result(update.value(), |u: &User| {
        let standing = match (u.is_enabled(), u.is_admin) {
            (false, _) => "disabled",
            (true, true) => "an administrator",
            (true, false) => "a member",
        };
        format!("{} is now {standing}", u.username)
    });
    // Refetched after every change, refused ones too, so each row shows what is stored.
    let users = Resource::new(
        move || (cursor.get(), create.version().get(), update.version().get()),
        |(cursor, ..)| list_users(cursor),
    );
    let errors = errors_of(create.value());
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Users".to_owned()) />
            <details class="card">
                <summary>"New user"</summary>
                <ActionForm action=create attr:class="form" attr:novalidate=true>
                    <div class="form-grid">
                        <FormField label="Username" name="username" errors required=true />
                        <FormField label="Full name" name="full_name" errors />
                        <FormField label="Email" name="email" errors input_type="email" />
                        <FormField label="Password" name="password" errors input_type="password" required=true hint="at least 8 characters" />
                        <label class="check"><input type="checkbox" name="is_admin" value="on" />"Administrator"</label>
                    </div>
                    <FormError message=form_error_of(create.value()) fields=errors />
                    <button type="submit" class="primary" disabled=move || create.pending().get()>"Create user"</button>
                </ActionForm>
            </details>
            <Loaded resource=users what="users" let:page>
                <UserTable page update />
            </Loaded>
        </section>
    }
}

#[component]
fn UserTable(page: Paged<User>, update: ServerAction<UpdateUser>) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let users = page.data;
    // Every change refetches the list; rows keyed by that change are built anew rather than
    // patched, so a refused change puts back what is stored: a patch would leave a select where
    // the user left it, since its stored value (hence its markup) did not change.
    let change = update.version().get_untracked();
    view! {
        <DataTable columns=&["Username", "Name", "Email", "Role", "Status", "Created", ""] is_empty empty="No users.">
            <For each=move || users.clone() key=move |user| (user.id, change) let:user>
                <UserRow user update />
            </For>
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}

#[component]
fn UserRow(user: User, update: ServerAction<UpdateUser>) -> impl IntoView {
    let id = user.id;
    let name = user.username.clone();
    let enabled = user.is_enabled();
    let set_role = move |ev: leptos::ev::Event| {
        let is_admin = Some(event_target_value(&ev) == "admin");
        update.dispatch(UpdateUser {
            id,
            is_admin,
            disabled: None,
        });
    };
    let (label, question, yes, group) = if enabled {
        (
            "Disable",
            format!("Disable {name}? They are logged out and their API tokens stop working."),
            "Yes, disable",
            "Confirm disabling",
        )
    } else {
        (
            "Enable",
            format!("Enable {name}? They can log in and use their API tokens again."),
            "Yes, enable",
            "Confirm enabling",
        )
    };
    let toggle = Callback::new(move |()| {
        update.dispatch(UpdateUser {
            id,
            is_admin: None,
            disabled: Some(enabled),
        });
    });
    let status = match user.disabled_at {
        None => "enabled".to_owned(),
        Some(at) => format!("disabled {}", when(at)),
    };
    let role_label = format!("Role of {name}");
    let toggle_label = format!("{label} {name}");
    let (marker, shown) = (name.clone(), name.clone());
    view! {
        <tr data-user=marker class:disabled=!enabled>
            <td class="name">{shown}</td>
            <td>{user.full_name}</td>
            <td>{user.email}</td>
            <td>
                <select aria-label=role_label on:change=set_role data-testid="role">
                    <option value="member" selected=!user.is_admin>"member"</option>
                    <option value="admin" selected=user.is_admin>"admin"</option>
                </select>
            </td>
            <td data-testid="status">{status}</td>
            <td>{when(user.created_at)}</td>
            <td class="actions">
                <ConfirmButton
                    label
                    aria_label=toggle_label
                    question
                    yes
                    group
                    on_confirm=toggle
                />
                <PasswordReset user=name id />
            </td>
        </tr>
    }
}

/// A new password for one user, chosen by the administrator, who tells it to them.
#[component]
fn PasswordReset(user: String, id: engine::ids::UserId) -> impl IntoView {
    let reset = ServerAction::<ResetPassword>::new();
    {
        let user = user.clone();
        use_toasts().on_result(reset.value(), move |_| {
            format!("Password of {user} set; their sessions have ended")
        });
    }
    let errors = errors_of(reset.value());
    let scope = format!("{user}-");
    view! {
        <details class="password-reset">
            <summary aria-label=format!("Reset the password of {user}")>"Reset password"</summary>
            <ActionForm action=reset attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <FormField label="New password" name="password" scope errors input_type="password" required=true hint="at least 8 characters" />
                <FormError message=form_error_of(reset.value()) fields=errors />
                <button type="submit" disabled=move || reset.pending().get()>"Set password"</button>
            </ActionForm>
        </details>
    }
}
