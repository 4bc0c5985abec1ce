//! Server functions: the dashboard's calls into the engine. Each one only translates arguments
//! and passes on the logged-in caller; the engine decides what the caller may do.

use engine::{ids::SubscriptionId, page::Paged, subscription::Subscription};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::caller;
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) fn engine() -> Result<engine::Engine, AppError> {
    use_context::<engine::Engine>()
        .ok_or_else(|| engine::EngineError::Internal("engine missing from context".into()).into())
}

#[server(prefix = "/_hookhub")]
pub async fn list_subscriptions(
    project: String,
    cursor: Option<String>,
) -> Result<Paged<Subscription>, AppError> {
    let filter = engine::subscription::SubscriptionFilter {
        page: engine::page::PageRequest {
            limit: None,
            cursor,
        },
        ..Default::default()
    };
    Ok(engine()?
        .list_subscriptions(&caller()?, &project, filter)
        .await?)
}

/// Creates a subscription from the form's text fields.
#[server(prefix = "/_hookhub")]
pub async fn create_subscription(
    project: String,
    name: String,
    url: String,
    description: String,
    timeout_seconds: String,
    labels: String,
) -> Result<Subscription, AppError> {
    let form = engine::subscription::SubscriptionForm {
        name,
        url,
        description,
        timeout_seconds,
        labels,
    };
    Ok(engine()?
        .create_subscription(&caller()?, &project, form.into_input()?)
        .await?)
}

#[server(prefix = "/_hookhub")]
pub async fn set_subscription_enabled(
    project: String,
    id: SubscriptionId,
    enabled: bool,
) -> Result<Subscription, AppError> {
    let patch = engine::subscription::SubscriptionPatch {
        enabled: Some(enabled),
        ..Default::default()
    };
    Ok(engine()?
        .update_subscription(&caller()?, &project, id, patch)
        .await?)
}

#[server(prefix = "/_hookhub")]
pub async fn delete_subscription(project: String, id: SubscriptionId) -> Result<(), AppError> {
    Ok(engine()?
        .delete_subscription(&caller()?, &project, id)
        .await?)
}

#[server(prefix = "/_hookhub")]
pub async fn list_tokens(
    cursor: Option<String>,
) -> Result<Paged<engine::account::ApiToken>, AppError> {
    let page = engine::page::PageRequest {
        limit: None,
        cursor,
    };
    Ok(engine()?.list_tokens(&caller()?, page).await?)
}

/// Creates a token for the logged-in user; `project` blank means every project.
#[server(prefix = "/_hookhub")]
pub async fn create_token(
    name: String,
    project: String,
    role: String,
) -> Result<engine::account::NewToken, AppError> {
    let input = engine::account::TokenIn::from_form(name, project, &role)?;
    Ok(engine()?.create_token(&caller()?, input).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn revoke_token(id: engine::ids::TokenId) -> Result<(), AppError> {
    Ok(engine()?.revoke_token(&caller()?, id).await?)
}
