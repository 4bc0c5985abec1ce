//! Server functions for accounts: the project switcher's list, API tokens and users.

use engine::{
    account::{ApiToken, NewToken, Project, User},
    ids::{TokenId, UserId},
    page::Paged,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// The projects the caller can reach, for the project switcher; none before logging in (the
/// switcher is on every page, the login page too, which must not answer 401 for it).
#[server(prefix = "/_hookhub")]
pub async fn list_projects() -> Result<Vec<Project>, AppError> {
    let Some(caller) = crate::auth::logged_in() else {
        return Ok(Vec::new());
    };
    let engine = crate::context::engine()?;
    let page = engine::page::PageRequest {
        limit: Some(engine::page::MAX_PAGE_SIZE.into()),
        cursor: None,
    };
    Ok(engine.list_projects(&caller, page).await?.data)
}

#[server(prefix = "/_hookhub")]
pub async fn list_tokens(cursor: Option<String>) -> Result<Paged<ApiToken>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let page = engine::page::PageRequest {
        limit: None,
        cursor,
    };
    Ok(engine.list_tokens(&caller, page).await?)
}

/// Creates a token for the logged-in user; `project` blank means every project.
#[server(prefix = "/_hookhub")]
pub async fn create_token(
    name: String,
    project: String,
    role: String,
) -> Result<NewToken, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let input = engine::account::TokenIn::from_form(name, project, &role)?;
    Ok(engine.create_token(&caller, input).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn revoke_token(id: TokenId) -> Result<(), AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.revoke_token(&caller, id).await?)
}

/// Users in username order; admins only.
#[server(prefix = "/_hookhub")]
pub async fn list_users(cursor: Option<String>) -> Result<Paged<User>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let page = engine::page::PageRequest {
        limit: None,
        cursor,
    };
    Ok(engine.list_users(&caller, page).await?)
}

/// Creates a user; admins only. `is_admin` is the checkbox's presence.
#[server(prefix = "/_hookhub")]
pub async fn create_user(
    username: String,
    full_name: String,
    email: String,
    password: String,
    #[server(default)] is_admin: Option<String>,
) -> Result<User, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let input = engine::account::UserIn {
        username,
        full_name,
        email,
        password,
        is_admin: is_admin.is_some(),
    };
    Ok(engine.create_user(Some(&caller), input).await?)
}

/// Makes a user an administrator or a member, or disables or enables them; admins only. Only
/// what is given changes.
#[server(prefix = "/_hookhub")]
pub async fn update_user(
    id: UserId,
    is_admin: Option<bool>,
    disabled: Option<bool>,
) -> Result<User, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let patch = engine::account::UserPatch {
        is_admin,
        disabled,
        ..Default::default()
    };
    Ok(engine.update_user(&caller, id, patch).await?)
}

/// Sets the password an administrator chose for a user; admins only.
#[server(prefix = "/_hookhub")]
pub async fn reset_password(id: UserId, password: String) -> Result<(), AppError> {
    let (engine, caller) = engine_and_caller()?;
    let input = engine::account::PasswordIn { password };
    Ok(engine.reset_password(&caller, id, input).await?)
}
