//! Server functions for subscriptions: list (with health), read, save, switch, rotate, test,
//! delete.

use engine::{
    delivery::ChannelInfo,
    filter::Verdict,
    ids::{SubscriptionId, TestId},
    overview::SubscriptionHealth,
    page::Paged,
    probe::EndpointTest,
    subscription::{Subscription, SubscriptionFilter, SubscriptionForm},
};
use leptos::{prelude::*, server_fn::codec::Json};

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// One page of subscriptions with each one's health over the last day.
#[server(prefix = "/_hookhub", input = Json)]
pub async fn list_subscriptions(
    project: String,
    filter: SubscriptionFilter,
) -> Result<(Paged<Subscription>, Vec<SubscriptionHealth>), AppError> {
    let (engine, caller) = engine_and_caller()?;
    let page = engine.list_subscriptions(&caller, &project, filter).await?;
    let ids: Vec<_> = page.data.iter().map(|s| s.id).collect();
    let health = engine.subscription_health(&caller, &project, &ids).await?;
    Ok((page, health))
}

#[server(prefix = "/_hookhub")]
pub async fn get_subscription(
    project: String,
    id: SubscriptionId,
) -> Result<Subscription, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.get_subscription(&caller, &project, id).await?)
}

/// Creates a subscription (no `id`) or replaces every field of one. Form-encoded, so that the
/// editor's plain `<form method="post">` reaches it before the page hydrates (or without
/// JavaScript): such a post goes on to the saved subscription's page, or back to the form with
/// the error in its address (server_fn's form redirects).
#[server(prefix = "/_hookhub")]
pub async fn save_subscription(
    project: String,
    id: Option<SubscriptionId>,
    form: SubscriptionForm,
) -> Result<Subscription, AppError> {
    let saved = save(&project, id, form).await;
    crate::context::answer_plain_post(&saved, |saved| {
        format!("/projects/{project}/subscriptions/{}", saved.id)
    });
    saved
}

#[cfg(feature = "ssr")]
async fn save(
    project: &str,
    id: Option<SubscriptionId>,
    form: SubscriptionForm,
) -> Result<Subscription, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(match id {
        None => {
            let spec = form.into_spec()?;
            engine.create_subscription(&caller, project, spec).await?
        }
        Some(id) => {
            let patch = form.into_patch()?;
            engine
                .update_subscription(&caller, project, id, patch)
                .await?
        }
    })
}

#[server(prefix = "/_hookhub")]
pub async fn set_subscription_enabled(
    project: String,
    id: SubscriptionId,
    enabled: bool,
) -> Result<Subscription, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let patch = engine::subscription::SubscriptionPatch::default().set("enabled", enabled);
    Ok(engine
        .update_subscription(&caller, &project, id, patch)
        .await?)
}

#[server(prefix = "/_hookhub")]
pub async fn delete_subscription(project: String, id: SubscriptionId) -> Result<(), AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.delete_subscription(&caller, &project, id).await?)
}

/// The current signing secret (write role: whoever holds it can sign as Hookhub).
#[server(prefix = "/_hookhub")]
pub async fn reveal_secret(project: String, id: SubscriptionId) -> Result<String, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.subscription_secret(&caller, &project, id).await?)
}

/// A new signing secret; the old one keeps signing beside it for the default overlap.
#[server(prefix = "/_hookhub")]
pub async fn rotate_secret(project: String, id: SubscriptionId) -> Result<String, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let overlap = engine::service::DEFAULT_ROTATION_OVERLAP;
    Ok(engine.rotate_secret(&caller, &project, id, overlap).await?)
}

/// Starts a test delivery to the subscription; poll [`get_test`] for its outcome.
#[server(prefix = "/_hookhub")]
pub async fn start_test(project: String, id: SubscriptionId) -> Result<EndpointTest, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let input = engine::probe::TestIn {
        subscription_id: Some(id),
        ..Default::default()
    };
    Ok(engine.start_test(&caller, &project, input).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn get_test(project: String, id: TestId) -> Result<EndpointTest, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.get_test(&caller, &project, id).await?)
}

/// The delivery channels this server has, with their config keys.
#[server(prefix = "/_hookhub")]
pub async fn list_channels() -> Result<Vec<ChannelInfo>, AppError> {
    let (engine, _) = engine_and_caller()?;
    Ok(engine.channels().list())
}

/// What the filter (JSON text; blank: none) says about the sample event (JSON text).
#[server(prefix = "/_hookhub")]
pub async fn try_filter(filter: String, sample: String) -> Result<Verdict, AppError> {
    crate::auth::caller()?;
    Ok(engine::filter::try_on_sample(&filter, &sample)?)
}
