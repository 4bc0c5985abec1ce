//! Subscription operations: validate, then store.

use super::Engine;
use crate::{
    ids::SubscriptionId,
    page::{PageRequest, Paged},
    signing::generate_secret,
    store::subscriptions as rows,
    subscription::{Subscription, SubscriptionIn, SubscriptionPatch},
    EngineError, FieldErrors,
};

impl Engine {
    /// One page of the project's subscriptions, oldest first.
    pub async fn list_subscriptions(
        &self,
        project: &str,
        page: PageRequest,
    ) -> Result<Paged<Subscription>, EngineError> {
        let page = page.validate()?;
        let after = match page.cursor.as_deref() {
            None => None,
            Some(cursor) => Some(cursor.parse::<SubscriptionId>().map_err(|_| {
                let mut errors = FieldErrors::default();
                errors.add("cursor", "is not a cursor this list returned");
                errors
            })?),
        };
        let project = self.project_id(project).await?;
        // One extra row tells whether another page follows.
        let mut data = rows::list(&self.store, project, after, page.limit + 1).await?;
        let next_cursor = if data.len() > page.limit as usize {
            data.truncate(page.limit as usize);
            data.last().map(|s| s.id.to_string())
        } else {
            None
        };
        Ok(Paged { data, next_cursor })
    }

    pub async fn get_subscription(
        &self,
        project: &str,
        id: SubscriptionId,
    ) -> Result<Subscription, EngineError> {
        let project = self.project_id(project).await?;
        rows::get(&self.store, project, id)
            .await?
            .ok_or(EngineError::NotFound("subscription"))
    }

    pub async fn create_subscription(
        &self,
        project: &str,
        input: SubscriptionIn,
    ) -> Result<Subscription, EngineError> {
        let fields = input.validate()?;
        let project_id = self.project_id(project).await?;
        let id = rows::insert(&self.store, project_id, &fields, &generate_secret()).await?;
        self.get_subscription(project, id).await
    }

    /// Applies `patch` on top of the stored subscription and validates the result as a whole.
    /// Enabling a subscription (`"enabled": true`) also clears its failed state.
    pub async fn update_subscription(
        &self,
        project: &str,
        id: SubscriptionId,
        patch: SubscriptionPatch,
    ) -> Result<Subscription, EngineError> {
        let current = self.get_subscription(project, id).await?;
        let stored = rows::secrets_and_headers(&self.store, id)
            .await?
            .ok_or(EngineError::NotFound("subscription"))?;
        let reactivate = patch.enabled == Some(true);
        let fields = current.patched(patch, &stored.headers).validate()?;
        let project_id = self.project_id(project).await?;
        if !rows::update(&self.store, project_id, id, &fields, reactivate).await? {
            return Err(EngineError::NotFound("subscription"));
        }
        self.get_subscription(project, id).await
    }

    pub async fn delete_subscription(
        &self,
        project: &str,
        id: SubscriptionId,
    ) -> Result<(), EngineError> {
        let project = self.project_id(project).await?;
        if rows::delete(&self.store, project, id).await? {
            Ok(())
        } else {
            Err(EngineError::NotFound("subscription"))
        }
    }
}
