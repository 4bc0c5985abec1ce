//! Ingest: events in, one durable delivery per matching subscription; and reading events back.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::Engine;
use crate::{
    account::{Caller, Role},
    event::{Event, EventIn, BATCH_MAX},
    ids::{EventId, ProjectId},
    matching::Receiver,
    page::{PageRequest, Paged},
    store::{
        events::{self as rows, EventQuery, Incoming, Recipient, Stored},
        projects, subscriptions, to_millis,
    },
    EngineError, FieldErrors,
};

pub use crate::event::Ingested;

/// Filters of the event list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default)]
pub struct EventFilter {
    /// Only events of exactly this type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// Only events received at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Only events received before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub page: PageRequest,
}

impl Engine {
    pub async fn ingest_event(
        &self,
        caller: &Caller,
        project: &str,
        input: EventIn,
    ) -> Result<Ingested, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let event = input.validate("")?;
        let mut results = self.ingest(project_id, project, vec![event]).await?;
        Ok(results.remove(0))
    }

    /// Ingests up to [`BATCH_MAX`] events at once, all or none.
    pub async fn ingest_events(
        &self,
        caller: &Caller,
        project: &str,
        inputs: Vec<EventIn>,
    ) -> Result<Vec<Ingested>, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        self.ingest_batch(project_id, project, inputs).await
    }

    /// Hookhub's own operational events: the engine reports on itself, so there is no caller.
    pub(crate) async fn ingest_operational(
        &self,
        project: &str,
        inputs: Vec<EventIn>,
    ) -> Result<Vec<Ingested>, EngineError> {
        let project_id = projects::id_by_name(&self.store, project)
            .await?
            .ok_or(EngineError::NotFound("project"))?;
        self.ingest_batch(project_id, project, inputs).await
    }

    pub(super) async fn ingest_batch(
        &self,
        project_id: ProjectId,
        project: &str,
        inputs: Vec<EventIn>,
    ) -> Result<Vec<Ingested>, EngineError> {
        let mut errors = FieldErrors::default();
        if inputs.is_empty() || inputs.len() > BATCH_MAX {
            errors.add("events", format!("must hold 1 to {BATCH_MAX} events"));
        }
        let mut valid = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            match input.validate(&format!("events.{i}.")) {
                Ok(event) => valid.push(event),
                Err(event_errors) => event_errors.iter().for_each(|(f, m)| errors.add(f, m)),
            }
        }
        let valid = errors.into_result(valid)?;
        self.ingest(project_id, project, valid).await
    }

    async fn ingest(
        &self,
        project_id: ProjectId,
        project: &str,
        inputs: Vec<EventIn>,
    ) -> Result<Vec<Ingested>, EngineError> {
        let receivers = self.receivers(project_id).await?;
        let now = Utc::now();
        let events: Vec<Event> = inputs
            .into_iter()
            .map(|input| Event {
                id: EventId::generate(),
                project: project.to_owned(),
                event_type: input.event_type,
                group: input.group,
                object: input.object,
                data: input
                    .data
                    .unwrap_or_else(|| Value::Object(Default::default())),
                message: input.message,
                level: input.level.unwrap_or_else(|| "info".to_owned()),
                occurred_at: input.occurred_at.unwrap_or(now),
                idempotency_key: input.idempotency_key,
                created_at: now,
            })
            .collect();
        let batch = recipients_of(events, receivers).await?;
        let incoming = std::sync::Arc::new(Incoming {
            project: project_id,
            events: batch,
        });
        let stored = self.ingester.submit(incoming.clone()).await?;
        let created = stored
            .iter()
            .filter(|s| matches!(s, Stored::Created(..)))
            .count();
        self.metrics.events_ingested(created as u64);
        if stored
            .iter()
            .any(|s| matches!(s, Stored::Created(n) if *n > 0))
        {
            self.work_queued();
        }
        Ok(stored
            .into_iter()
            .zip(&incoming.events)
            .map(|(s, (event, _))| match s {
                Stored::Created(matched) => Ingested {
                    event: event.clone(),
                    matched,
                    repeated: false,
                },
                Stored::Repeated(event) => Ingested {
                    event,
                    matched: 0,
                    repeated: true,
                },
            })
            .collect())
    }

    /// The project's subscriptions ready to judge events. One whose stored filter cannot be used
    /// receives nothing (see [`Receiver::wants`]) and is marked failed with the reason, so that
    /// people see it.
    pub(super) async fn receivers(&self, project: ProjectId) -> Result<Vec<Receiver>, EngineError> {
        let receivers: Vec<Receiver> = subscriptions::of_project(&self.store, project)
            .await?
            .into_iter()
            .map(Receiver::new)
            .collect();
        for receiver in &receivers {
            let subscription = &receiver.subscription;
            if let (Some(reason), false) = (receiver.broken_filter(), subscription.failed) {
                tracing::error!(subscription = %subscription.id, reason, "stored filter unusable");
                let reason = format!("its filter cannot be used: {reason}");
                subscriptions::mark_failed(&self.store, subscription.id, &reason).await?;
            }
        }
        Ok(receivers)
    }

    pub async fn get_event(
        &self,
        caller: &Caller,
        project: &str,
        id: EventId,
    ) -> Result<Event, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        rows::get(&self.store, project, id)
            .await?
            .ok_or(EngineError::NotFound("event"))
    }

    /// One page of the project's events, newest first.
    pub async fn list_events(
        &self,
        caller: &Caller,
        project: &str,
        filter: EventFilter,
    ) -> Result<Paged<Event>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let page = filter.page.validate()?;
        let before = parse_cursor(page.cursor.as_deref())?;
        let query = EventQuery {
            event_type: filter.event_type.filter(|t| !t.is_empty()),
            since: filter.since.map(to_millis),
            until: filter.until.map(to_millis),
            before,
            limit: page.limit + 1,
        };
        let events = rows::list(&self.store, project, &query).await?;
        Ok(Paged::from_overfetch(events, page.limit, |e| {
            e.id.to_string()
        }))
    }
}

/// Matching more than this many (event, subscription) pairs runs off the async threads, so that
/// a project with many filtered subscriptions cannot stall other requests.
const INLINE_MATCHES: usize = 256;

/// Each event with the subscriptions it goes to, and whether each holds it.
async fn recipients_of(
    events: Vec<Event>,
    receivers: Vec<Receiver>,
) -> Result<Vec<(Event, Vec<Recipient>)>, EngineError> {
    let work = events.len() * receivers.len();
    let judge = move || {
        events
            .into_iter()
            .map(|event| {
                let document = event.document();
                let recipients = receivers
                    .iter()
                    .filter(|r| r.wants(&event, &document))
                    .map(|r| Recipient {
                        subscription: r.subscription.id,
                        held: r.holds(),
                    })
                    .collect();
                (event, recipients)
            })
            .collect()
    };
    if work <= INLINE_MATCHES {
        return Ok(judge());
    }
    tokio::task::spawn_blocking(judge)
        .await
        .map_err(|e| EngineError::Internal(format!("matching task: {e}")))
}

/// A cursor is the id of the last item of the previous page.
pub(super) fn parse_cursor<T: std::str::FromStr>(
    cursor: Option<&str>,
) -> Result<Option<T>, FieldErrors> {
    cursor
        .map(|c| {
            c.parse().map_err(|_| {
                let mut errors = FieldErrors::default();
                errors.add("cursor", "is not a cursor this list returned");
                errors
            })
        })
        .transpose()
}
