//! Users (admins only): who can log in, and a form to add someone.

use engine::{account::User, page::Paged};
use leptos::{form::ActionForm, prelude::*};

use super::params::query_param;
use crate::{
    api::accounts::{list_users, CreateUser},
    components::{
        errors_of, form_error_of, format::when, use_toasts, DataTable, FormError, FormField,
        Loaded, PageHead, Pager,
    },
};

#[component]
pub fn UsersPage() -> impl IntoView {
    let cursor = query_param("cursor");
    let create = ServerAction::<CreateUser>::new();
    use_toasts().on_result(create.value(), |u| format!("User {} created", u.username));
    let users = Resource::new(
        move || (cursor.get(), create.version().get()),
        |(cursor, _)| list_users(cursor),
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
                <UserTable page />
            </Loaded>
        </section>
    }
}

#[component]
fn UserTable(page: Paged<User>) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let rows = page
        .data
        .into_iter()
        .map(|u| {
            let marker = u.username.clone();
            view! {
                <tr data-user=marker>
                    <td class="name">{u.username}</td>
                    <td>{u.full_name}</td>
                    <td>{u.email}</td>
                    <td>{if u.is_admin { "admin" } else { "member" }}</td>
                    <td>{when(u.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=&["Username", "Name", "Email", "Role", "Created"] is_empty empty="No users.">
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}
