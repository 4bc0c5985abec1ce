//! Sending on demand, outside the queue: pings (answered at once) and endpoint tests (run in the
//! background, polled by id). Neither is retried nor stored as an event.

use chrono::Utc;
use serde_json::json;

use super::Engine;
use crate::{
    account::{Caller, Role},
    channel::Outcome,
    delivery::ErrorKind,
    dispatch::target::Target,
    event::{event_name_rule, is_event_name, Event},
    ids::{EventId, ProjectId, SubscriptionId, TestId},
    probe::{EndpointTest, TestIn, TestStatus},
    signing::generate_secret,
    store::{probes, to_millis},
    subscription::{SubscriptionSpec, ValidSubscription},
    EngineError, FieldErrors,
};

impl Engine {
    /// Sends a `ping` event to the subscription now; `Unreachable` unless it answers 2xx.
    pub async fn ping_subscription(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
    ) -> Result<(), EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let target = self.target_of(caller, project, id).await?;
        self.ping(&target, project, project_id).await.map(|_| ())
    }

    /// Pings the endpoint `fields` describe, signed with `secrets`; `Unreachable` unless it
    /// answers 200 OK exactly: registering an endpoint takes a plain yes.
    pub(super) async fn ping_target(
        &self,
        fields: &ValidSubscription,
        secrets: Vec<String>,
        project: &str,
        project_id: ProjectId,
    ) -> Result<(), EngineError> {
        let target = Target::of_valid(fields.clone(), secrets);
        let status = self.ping(&target, project, project_id).await?;
        match status {
            Some(200) => Ok(()),
            Some(other) => Err(EngineError::Unreachable(format!(
                "the endpoint answered {other}, not 200 OK"
            ))),
            None => Err(EngineError::Unreachable(
                "the endpoint did not answer".into(),
            )),
        }
    }

    /// Sends a `ping` event to `target` now; `Unreachable` unless it answers 2xx. Returns the
    /// status it answered.
    async fn ping(
        &self,
        target: &Target,
        project: &str,
        project_id: ProjectId,
    ) -> Result<Option<u16>, EngineError> {
        let outcome = self
            .send_now(target, &probe_event(project, "ping"), project_id)
            .await;
        match outcome.error {
            None => Ok(outcome.status),
            Some((_, reason)) => Err(EngineError::Unreachable(reason)),
        }
    }

    /// Starts a test delivery in the background; poll [`Engine::get_test`] for the result.
    pub async fn start_test(
        &self,
        caller: &Caller,
        project: &str,
        input: TestIn,
    ) -> Result<EndpointTest, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let event_type = input
            .event_type
            .clone()
            .unwrap_or_else(|| "test".to_owned());
        if !is_event_name(&event_type) {
            let mut errors = FieldErrors::default();
            errors.add("event_type", event_name_rule());
            return Err(errors.into());
        }
        let (target, secret) = match (input.subscription_id, input.url) {
            (Some(id), _) => (self.target_of(caller, project, id).await?, None),
            (None, Some(url)) => {
                let defaults = SubscriptionSpec::default();
                let fields = self
                    .checked(SubscriptionSpec {
                        name: "test".into(),
                        url,
                        headers: input.headers,
                        timeout_seconds: input.timeout_seconds.unwrap_or(defaults.timeout_seconds),
                        payload_format: input.payload_format.unwrap_or_default(),
                        include_result: input.include_result,
                        ..defaults
                    })
                    .await?;
                let secret = generate_secret();
                let target = Target::of_valid(fields, vec![secret.clone()]);
                (target, Some(secret))
            }
            (None, None) => {
                let mut errors = FieldErrors::default();
                errors.add("url", "give a url or a subscription_id");
                return Err(errors.into());
            }
        };
        let mut event = probe_event(project, &event_type);
        if let Some(kind) = input.object_type {
            event.object = Some(crate::event::ObjectRef {
                kind,
                name: input.object_name,
                version: input.object_version,
            });
        }
        let id = TestId::generate();
        let now = Utc::now();
        probes::insert(&self.store, project_id, id, to_millis(now)).await?;
        let engine = self.clone();
        tokio::spawn(async move {
            let outcome = engine.send_now(&target, &event, project_id).await;
            let status = if outcome.error.is_none() {
                TestStatus::Completed
            } else {
                TestStatus::Failed
            };
            let message = outcome.error.as_ref().map(|(_, m)| m.as_str());
            let finished = probes::finish(
                &engine.store,
                id,
                status,
                outcome.status,
                outcome.status.map(|_| outcome.body.as_str()),
                message,
                Utc::now().timestamp_millis(),
            )
            .await;
            if let Err(error) = finished {
                tracing::warn!(test = %id, %error, "could not record the test result");
            }
        });
        Ok(EndpointTest {
            id,
            status: TestStatus::Pending,
            response_status: None,
            response_body: None,
            error_message: None,
            created_at: now,
            completed_at: None,
            secret,
        })
    }

    pub async fn get_test(
        &self,
        caller: &Caller,
        project: &str,
        id: TestId,
    ) -> Result<EndpointTest, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        probes::get(&self.store, project, id)
            .await?
            .ok_or(EngineError::NotFound("test"))
    }

    /// Where a stored subscription's deliveries go, with its headers and secrets.
    async fn target_of(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
    ) -> Result<Target, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let member = self
            .roster
            .member(project, id.0)
            .await?
            .ok_or(EngineError::NotFound("subscription"))?;
        Ok(Target::of_member(&member, Utc::now().timestamp_millis()))
    }

    async fn send_now(&self, target: &Target, event: &Event, origin: ProjectId) -> Outcome {
        let Some(channel) = self.channels.get(&target.spec.channel) else {
            let reason = format!("channel {:?} is not registered", target.spec.channel);
            return Outcome {
                error: Some((ErrorKind::Channel, reason)),
                ..Outcome::default()
            };
        };
        let request = target.request(event, origin);
        channel.deliver(&request).await
    }
}

/// A test or ping event: not stored, never retried.
fn probe_event(project: &str, event_type: &str) -> Event {
    let now = Utc::now();
    Event {
        id: EventId::generate(),
        project: project.to_owned(),
        event_type: event_type.to_owned(),
        group: None,
        object: None,
        data: json!({}),
        message: format!("{event_type} from Hookhub"),
        level: "info".to_owned(),
        occurred_at: now,
        idempotency_key: None,
        created_at: now,
        schema_errors: None,
    }
}
