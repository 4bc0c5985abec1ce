//! Subscription operations: validate, then store.

use super::Engine;
use crate::{
    account::{Caller, Role},
    ids::SubscriptionId,
    page::Paged,
    signing::generate_secret,
    store::subscriptions as rows,
    subscription::{
        Naming, Subscription, SubscriptionFilter, SubscriptionPatch, SubscriptionSpec,
        ValidSubscription,
    },
    EngineError, FieldErrors,
};

/// Whether a write first checks that the endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verify {
    No,
    Ping,
}

/// How many subscriptions a filtered list reads per query.
const SCAN_BATCH: u32 = 500;

impl Engine {
    /// The spec's own rules, then the ones that need the running engine: the channel must be
    /// registered and accept its config, and an HTTP target must not be an internal address.
    pub(super) async fn checked(
        &self,
        spec: SubscriptionSpec,
    ) -> Result<ValidSubscription, FieldErrors> {
        let fields = spec.validate()?;
        let mut errors = FieldErrors::default();
        if let Err((field, reason)) = self.channels.check(&fields.channel, &fields.channel_config) {
            errors.add(field, reason);
        }
        if let Ok(url) = url::Url::parse(&fields.url) {
            let (host, port) = (
                url.host_str().unwrap_or_default(),
                url.port_or_known_default().unwrap_or(80),
            );
            if let Err(reason) = self.settings.targets.check_host(host, port).await {
                errors.add("url", reason);
            }
        }
        errors.into_result(fields)
    }

    /// One page of the project's subscriptions that pass `filter`, oldest first.
    pub async fn list_subscriptions(
        &self,
        caller: &Caller,
        project: &str,
        filter: SubscriptionFilter,
    ) -> Result<Paged<Subscription>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let selection = filter.selection()?;
        let page = filter.page.validate()?;
        let mut after = super::events::parse_cursor(page.cursor.as_deref())?;
        let wanted = page.limit as usize + 1;
        if selection.is_everything() {
            let data = rows::list(&self.store, project, after, page.limit + 1).await?;
            return Ok(Paged::from_overfetch(data, page.limit, |s| {
                s.id.to_string()
            }));
        }
        // Filters on labels and event types read JSON columns, which the two backends query
        // differently; a project holds few enough subscriptions to scan them in id order here
        // instead, which keeps the keyset cursor exact.
        let mut data = Vec::with_capacity(wanted);
        loop {
            let batch = rows::list(&self.store, project, after, SCAN_BATCH).await?;
            let exhausted = batch.len() < SCAN_BATCH as usize;
            after = batch.last().map(|s| s.id);
            data.extend(batch.into_iter().filter(|s| selection.admits(s)));
            if data.len() >= wanted || exhausted {
                break;
            }
        }
        data.truncate(wanted);
        Ok(Paged::from_overfetch(data, page.limit, |s| {
            s.id.to_string()
        }))
    }

    pub async fn get_subscription(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
    ) -> Result<Subscription, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        rows::get(&self.store, project, id)
            .await?
            .ok_or(EngineError::NotFound("subscription"))
    }

    /// Creates a subscription whose name is its own in the project.
    pub async fn create_subscription(
        &self,
        caller: &Caller,
        project: &str,
        spec: SubscriptionSpec,
    ) -> Result<Subscription, EngineError> {
        self.create(caller, project, spec, Naming::Unique, Verify::No)
            .await
    }

    /// Creates a subscription that may share its name with others (see [`Naming::Shared`]).
    pub async fn create_subscription_sharing_name(
        &self,
        caller: &Caller,
        project: &str,
        spec: SubscriptionSpec,
    ) -> Result<Subscription, EngineError> {
        self.create(caller, project, spec, Naming::Shared, Verify::No)
            .await
    }

    /// Like [`Engine::create_subscription`], but first pings the endpoint (signed, as a delivery
    /// would be) and refuses it (`Unreachable`) unless it answers 200 OK: for APIs that promise
    /// a hook is reachable when it is registered.
    pub async fn create_verified_subscription(
        &self,
        caller: &Caller,
        project: &str,
        spec: SubscriptionSpec,
    ) -> Result<Subscription, EngineError> {
        self.create(caller, project, spec, Naming::Unique, Verify::Ping)
            .await
    }

    async fn create(
        &self,
        caller: &Caller,
        project: &str,
        spec: SubscriptionSpec,
        naming: Naming,
        verify: Verify,
    ) -> Result<Subscription, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let fields = self.checked(spec).await?;
        let secret = generate_secret();
        if verify == Verify::Ping {
            self.ping_target(&fields, vec![secret.clone()], project, project_id)
                .await?;
        }
        let id = rows::insert(
            &self.store,
            project_id,
            &fields,
            naming,
            &secret,
            caller.user_id,
        )
        .await?;
        self.subscriptions_changed(project_id);
        let created = self.get_subscription(caller, project, id).await?;
        self.audit_subscription(caller, "subscription.created", &created)
            .await;
        Ok(created)
    }

    /// Applies `patch` on top of the stored subscription and validates the result as a whole.
    /// Enabling a subscription (`"enabled": true`) also clears its failed state.
    pub async fn update_subscription(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
        patch: SubscriptionPatch,
    ) -> Result<Subscription, EngineError> {
        self.update(caller, project, id, patch, Verify::No).await
    }

    /// Like [`Engine::update_subscription`], but when the patch changes the URL or enables the
    /// subscription, the endpoint must first answer a ping with 200 OK (else `Unreachable`).
    pub async fn update_verified_subscription(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
        patch: SubscriptionPatch,
    ) -> Result<Subscription, EngineError> {
        self.update(caller, project, id, patch, Verify::Ping).await
    }

    async fn update(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
        patch: SubscriptionPatch,
        verify: Verify,
    ) -> Result<Subscription, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let reactivate = patch.enables();
        // Read, change, write only if nobody wrote in between; otherwise start again from what
        // they wrote, so that two concurrent changes of different fields both stand.
        loop {
            let current = rows::editable(&self.store, project_id, id)
                .await?
                .ok_or(EngineError::NotFound("subscription"))?;
            let fields = self.checked(patch.apply(&current.spec)?).await?;
            let moves = fields.url != current.spec.url;
            if verify == Verify::Ping && (moves || reactivate) {
                let (keyring, _) = rows::keyring(&self.store, project_id, id)
                    .await?
                    .ok_or(EngineError::NotFound("subscription"))?;
                let secrets = keyring.signing(chrono::Utc::now().timestamp_millis());
                self.ping_target(&fields, secrets, project, project_id)
                    .await?;
            }
            if rows::update(
                &self.store,
                project_id,
                id,
                current.revision,
                &fields,
                reactivate,
            )
            .await?
            {
                break;
            }
        }
        self.subscriptions_changed(project_id);
        let updated = rows::get(&self.store, project_id, id)
            .await?
            .ok_or(EngineError::NotFound("subscription"))?;
        self.audit_subscription(caller, "subscription.updated", &updated)
            .await;
        Ok(updated)
    }

    pub async fn delete_subscription(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
    ) -> Result<(), EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        if !rows::delete(&self.store, project_id, id).await? {
            return Err(EngineError::NotFound("subscription"));
        }
        self.subscriptions_changed(project_id);
        let detail = serde_json::json!({});
        self.audit(
            &caller.username,
            Some(project),
            "subscription.deleted",
            &id.to_string(),
            detail,
        )
        .await;
        Ok(())
    }

    /// Records who created or changed a subscription, with its name and URL at that moment.
    async fn audit_subscription(&self, caller: &Caller, action: &str, subscription: &Subscription) {
        let detail =
            serde_json::json!({"name": subscription.spec.name, "url": subscription.spec.url});
        let id = subscription.id.to_string();
        self.audit(
            &caller.username,
            Some(&subscription.project),
            action,
            &id,
            detail,
        )
        .await;
    }

    /// The project's subscription called `name`, among those whose names are unique in it (see
    /// [`Naming`]).
    pub async fn subscription_named(
        &self,
        caller: &Caller,
        project: &str,
        name: &str,
    ) -> Result<Subscription, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        rows::named(&self.store, project, name)
            .await?
            .ok_or(EngineError::NotFound("subscription"))
    }

    /// The project's subscription with the short integer id `number`.
    pub async fn subscription_numbered(
        &self,
        caller: &Caller,
        project: &str,
        number: i64,
    ) -> Result<Subscription, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        rows::numbered(&self.store, project, number)
            .await?
            .ok_or(EngineError::NotFound("subscription"))
    }

    /// Every subscription that passes `filter`, for dialects whose lists are not paged.
    pub async fn all_subscriptions(
        &self,
        caller: &Caller,
        project: &str,
        mut filter: SubscriptionFilter,
    ) -> Result<Vec<Subscription>, EngineError> {
        filter.page.limit = Some(i64::from(crate::page::MAX_PAGE_SIZE));
        let mut all = Vec::new();
        loop {
            let page = self
                .list_subscriptions(caller, project, filter.clone())
                .await?;
            all.extend(page.data);
            match page.next_cursor {
                Some(cursor) => filter.page.cursor = Some(cursor),
                None => return Ok(all),
            }
        }
    }

    /// The current signing secret, for receivers to verify `webhook-signature`. Whoever holds
    /// it can sign webhooks as Hookhub, so reading it takes the write role.
    pub async fn subscription_secret(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
    ) -> Result<String, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let (keyring, _) = rows::keyring(&self.store, project_id, id)
            .await?
            .ok_or(EngineError::NotFound("subscription"))?;
        Ok(keyring.current)
    }
}
