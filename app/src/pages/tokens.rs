//! The API tokens page: create a token (its secret shown once), see them, revoke one.

use engine::{
    account::{ApiToken, NewToken},
    ids::TokenId,
    page::Paged,
};
use leptos::{form::ActionForm, prelude::*};

use super::params::query_param;
use crate::{
    api::accounts::{list_tokens, CreateToken, RevokeToken},
    components::{
        errors_of, form_error_of, format::maybe_when, use_toasts, ConfirmButton, CopyButton,
        DataTable, FormError, FormField, Loaded, PageHead, Pager,
    },
};

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    // A token revoked here no longer shows its secret in the "copy it now" box.
    let revoked = RwSignal::new(Vec::<TokenId>::new());
    use_toasts().on_result(revoke.value(), |_| "Token revoked".to_owned());
    let cursor = query_param("cursor");
    let tokens = Resource::new(
        move || (cursor.get(), create.version().get(), revoke.version().get()),
        |(cursor, ..)| list_tokens(cursor),
    );
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "API tokens".to_owned()) />
            <p class="muted">
                "Send one as " <code>"Authorization: Bearer <token>"</code>
                " — see the " <a href="/api/docs">"API reference"</a> "."
            </p>
            <CreateTokenForm create revoked />
            <Loaded resource=tokens what="tokens" let:page>
                <TokenTable page revoke revoked />
            </Loaded>
        </section>
    }
}

#[component]
fn CreateTokenForm(
    create: ServerAction<CreateToken>,
    revoked: RwSignal<Vec<TokenId>>,
) -> impl IntoView {
    let errors = errors_of(create.value());
    let created = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|new| !revoked.read().contains(&new.token.id))
    };
    view! {
        <details class="card" open=true>
            <summary>"New token"</summary>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <div class="form-grid">
                    <FormField label="Name" name="name" errors required=true placeholder="ci-deploy" />
                    <FormField label="Project" name="project" errors placeholder="default" hint="blank: every project" />
                    <div class="field">
                        <label for="field-role">"Role"</label>
                        <select id="field-role" name="role">
                            <option value="read">"read"</option>
                            <option value="write" selected=true>"write"</option>
                            <option value="admin">"admin"</option>
                        </select>
                    </div>
                </div>
                <FormError message=form_error_of(create.value()) fields=errors />
                <button type="submit" class="primary" disabled=move || create.pending().get()>"Create token"</button>
            </ActionForm>
            {move || created().map(|token| view! { <NewTokenNotice token /> })}
        </details>
    }
}

/// The secret of a token just created: shown this once, with a copy button.
#[component]
fn NewTokenNotice(token: NewToken) -> impl IntoView {
    view! {
        <div class="notice success" role="status">
            <p>"Token " <strong>{token.token.name}</strong> " created. Copy it now: it is not shown again."</p>
            <code class="secret" data-testid="new-token">{token.secret.clone()}</code>
            <CopyButton text=token.secret />
        </div>
    }
}

#[component]
fn TokenTable(
    page: Paged<ApiToken>,
    revoke: ServerAction<RevokeToken>,
    revoked: RwSignal<Vec<TokenId>>,
) -> impl IntoView {
    let is_empty = page.data.is_empty();
    let rows = page
        .data
        .into_iter()
        .map(|token| {
            let id = token.id;
            let label = format!("Revoke {}", token.name);
            let question = format!("Revoke “{}”? Whatever uses it stops working.", token.name);
            let marker = token.name.clone();
            let revoke_it = Callback::new(move |()| {
                revoked.update(|ids| ids.push(id));
                revoke.dispatch(RevokeToken { id });
            });
            view! {
                <tr data-token=marker>
                    <td class="name">{token.name.clone()}</td>
                    <td><code>{token.prefix} "…"</code></td>
                    <td>{token.username}</td>
                    <td>{token.project.unwrap_or_else(|| "every project".to_owned())}</td>
                    <td>{token.role.as_str()}</td>
                    <td>{maybe_when(token.last_used_at)}</td>
                    <td class="actions">
                        <ConfirmButton
                            label="Revoke"
                            aria_label=label
                            question
                            yes="Yes, revoke"
                            group="Confirm revoking"
                            on_confirm=revoke_it
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=&["Name", "Token", "User", "Project", "Role", "Last used", ""] is_empty empty="No tokens yet.">
            {rows}
        </DataTable>
        <Pager next_cursor=page.next_cursor />
    }
}
