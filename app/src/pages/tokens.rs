//! The API tokens page: create a token (its secret shown once), see them, revoke one.

use engine::{
    account::{ApiToken, NewToken},
    page::Paged,
    FieldErrors,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::{list_tokens, CreateToken, RevokeToken},
    components::{ErrorList, FormField},
};

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let query = use_query_map();
    let cursor = Signal::derive(move || query.read().get("cursor"));
    let tokens = Resource::new(
        move || (cursor.get(), create.version().get(), revoke.version().get()),
        |(cursor, ..)| list_tokens(cursor),
    );
    view! {
        <section class="page">
            <div class="page-head">
                <h1>"API tokens"</h1>
                <p class="muted">
                    "Send one as " <code>"Authorization: Bearer <token>"</code>
                    " — see the " <a href="/api/docs">"API reference"</a> "."
                </p>
            </div>
            <CreateTokenForm create />
            <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                    {move || Suspend::new(async move {
                        tokens.await.map(|page| view! { <TokenTable page revoke /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn CreateTokenForm(create: ServerAction<CreateToken>) -> impl IntoView {
    let result = create.value();
    let errors = Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(e)) => e.fields().clone(),
            _ => FieldErrors::default(),
        })
    });
    let form_error = move || {
        result.with(|r| match r {
            Some(Err(e)) if e.fields().is_empty() => Some(e.to_string()),
            _ => None,
        })
    };
    let created = move || result.get().and_then(Result::ok);
    view! {
        <details class="card" open=true>
            <summary>"New token"</summary>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <div class="form-grid">
                    <FormField label="Name" name="name" errors required=true placeholder="ci-deploy" />
                    <FormField
                        label="Project"
                        name="project"
                        errors
                        placeholder="default"
                        hint="blank: every project"
                    />
                    <div class="field">
                        <label for="field-role">"Role"</label>
                        <select id="field-role" name="role">
                            <option value="read">"read"</option>
                            <option value="write" selected=true>"write"</option>
                            <option value="admin">"admin"</option>
                        </select>
                    </div>
                </div>
                {move || form_error().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    "Create token"
                </button>
            </ActionForm>
            {move || created().map(|token| view! { <NewTokenNotice token /> })}
        </details>
    }
}

/// The secret of a token just created: shown this once, with a copy button.
#[component]
fn NewTokenNotice(token: NewToken) -> impl IntoView {
    let secret = token.secret;
    let copied = RwSignal::new(false);
    let copy = {
        let secret = secret.clone();
        move |_| {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&secret);
            copied.set(true);
        }
    };
    view! {
        <div class="notice success" role="status">
            <p>
                "Token " <strong>{token.token.name}</strong>
                " created. Copy it now: it is not shown again."
            </p>
            <code class="secret" data-testid="new-token">{secret.clone()}</code>
            <button type="button" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
    }
}

#[component]
fn TokenTable(page: Paged<ApiToken>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if page.data.is_empty() {
        return view! { <p class="empty">"No tokens yet."</p> }.into_any();
    }
    let next = page.next_cursor.map(|cursor| {
        let href = format!("/tokens?cursor={cursor}");
        view! { <A href=href attr:class="pager-next">"Next page →"</A> }
    });
    let tokens = page.data;
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Token"</th>
                        <th scope="col">"User"</th>
                        <th scope="col">"Project"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {tokens
                        .into_iter()
                        .map(|token| {
                            let id = token.id;
                            let name = token.name;
                            let label = format!("Revoke {name}");
                            let last_used = token
                                .last_used_at
                                .map_or("never".to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string());
                            view! {
                                <tr data-token=name.clone()>
                                    <td class="name">{name.clone()}</td>
                                    <td><code>{token.prefix} "…"</code></td>
                                    <td>{token.username}</td>
                                    <td>{token.project.unwrap_or_else(|| "every project".to_owned())}</td>
                                    <td>{token.role.as_str()}</td>
                                    <td>{last_used}</td>
                                    <td class="actions">
                                        <button
                                            type="button"
                                            class="danger"
                                            aria-label=label
                                            on:click=move |_| {
                                                revoke.dispatch(RevokeToken { id });
                                            }
                                        >
                                            "Revoke"
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {next}
    }
    .into_any()
}
