//! Ingest: events in, one durable delivery per matching subscription; and reading events back.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use std::sync::Arc;

use uuid::Uuid;

use super::Engine;
use crate::{
    account::{Caller, Role},
    delivery::DeliveryStatus,
    dispatch::Job,
    event::{Event, EventIn, TypePattern, BATCH_MAX},
    ids::{DeliveryId, EventId, ProjectId, SubscriptionId},
    live::{Live, LiveDelivery, LiveEvent},
    page::{PageRequest, Paged},
    roster::Members,
    store::{
        events::{self as rows, EventQuery, Incoming, Lease, Recipient, Start, Stored},
        projects, subscriptions, to_millis,
    },
    EngineError, FieldErrors,
};

pub use crate::event::Ingested;

/// Whether ingest checks events against the project's event catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Catalogued {
    /// Events a producer sends through the native API or the dashboard.
    Checked,
    /// Events Hookhub makes itself (its operational reports, inbound handler calls of the
    /// dialects): the catalogue describes what producers send, and these are accepted as the
    /// systems Hookhub stands in for accept them.
    Exempt,
}

/// Filters of the event list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default)]
pub struct EventFilter {
    /// Only events of this type, written as subscriptions write theirs: `order.paid` exactly,
    /// `order.*` every type that starts `order.`, `*` every type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// Leave out Hookhub's own reports (group `hookhub`: `delivery.exhausted`, …).
    #[serde(deserialize_with = "crate::page::lenient")]
    pub hide_operational: Option<bool>,
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
        let checked = self
            .catalogue_check(project_id, vec![event], |_| String::new())
            .await?;
        let mut results = self.ingest(project_id, project, checked).await?;
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
        self.ingest_batch(project_id, project, inputs, Catalogued::Checked)
            .await
    }

    /// Hookhub's own operational events: the engine reports on itself, so there is no caller.
    pub(crate) async fn ingest_operational(
        &self,
        project_id: ProjectId,
        inputs: Vec<EventIn>,
    ) -> Result<Vec<Ingested>, EngineError> {
        let project = projects::name_of(&self.store, project_id)
            .await?
            .ok_or(EngineError::NotFound("project"))?;
        // Hookhub's own reports are not the producers' to declare.
        self.ingest_batch(project_id, &project, inputs, Catalogued::Exempt)
            .await
    }

    pub(super) async fn ingest_batch(
        &self,
        project_id: ProjectId,
        project: &str,
        inputs: Vec<EventIn>,
        catalogued: Catalogued,
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
        let checked = match catalogued {
            Catalogued::Checked => {
                self.catalogue_check(project_id, valid, |i| format!("events.{i}."))
                    .await?
            }
            Catalogued::Exempt => valid.into_iter().map(|event| (event, None)).collect(),
        };
        self.ingest(project_id, project, checked).await
    }

    /// The events as the project's event catalogue judges them, before anything is stored: in
    /// a strict project any violation refuses the whole request (422, each failing path named
    /// after `prefix(position)`); otherwise each event carries its own violations (named from
    /// the event itself: `type`, `data.amount`) to be stored with it. The catalogue comes from
    /// memory, so a project without one costs no database round trip.
    async fn catalogue_check(
        &self,
        project_id: ProjectId,
        events: Vec<EventIn>,
        prefix: impl Fn(usize) -> String,
    ) -> Result<Vec<(EventIn, Option<FieldErrors>)>, EngineError> {
        let catalogue = self.catalogues.get(project_id).await?;
        if catalogue.is_inert() {
            return Ok(events.into_iter().map(|event| (event, None)).collect());
        }
        if catalogue.strict {
            let mut errors = FieldErrors::default();
            for (i, event) in events.iter().enumerate() {
                catalogue.check(event, &prefix(i), &mut errors);
            }
            let events = errors.into_result(events)?;
            return Ok(events.into_iter().map(|event| (event, None)).collect());
        }
        Ok(events
            .into_iter()
            .map(|event| {
                let mut errors = FieldErrors::default();
                catalogue.check(&event, "", &mut errors);
                let flagged = (!errors.is_empty()).then_some(errors);
                (event, flagged)
            })
            .collect())
    }

    async fn ingest(
        &self,
        project_id: ProjectId,
        project: &str,
        inputs: Vec<(EventIn, Option<FieldErrors>)>,
    ) -> Result<Vec<Ingested>, EngineError> {
        let members = self.receivers(project_id).await?;
        let now = Utc::now();
        let events: Vec<Arc<Event>> = inputs
            .into_iter()
            .map(|(input, schema_errors)| {
                Arc::new(Event {
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
                    schema_errors,
                })
            })
            .collect();
        let matched = match_events(events.clone(), members).await?;

        // Born claimed: the deliveries this process's worker has room for are leased to it in
        // the same transaction that stores them, and handed over once it commits.
        let local = self.local.read().unwrap_or_else(|e| e.into_inner()).clone();
        let sending: Vec<Uuid> = matched
            .iter()
            .flatten()
            .filter(|(_, held)| !held)
            .map(|(subscription, _)| *subscription)
            .collect();
        let reservation = local.as_ref().map(|l| l.queue.reserve(&sending));
        let mut place = 0;
        let batch = events
            .iter()
            .zip(matched)
            .map(|(event, recipients)| {
                let recipients = recipients
                    .into_iter()
                    .map(|(subscription, held)| {
                        let start = if held {
                            Start::Held
                        } else {
                            place += 1;
                            match &reservation {
                                Some(r) if r.granted(place - 1) => Start::Leased,
                                _ => Start::Pending,
                            }
                        };
                        Recipient {
                            delivery: DeliveryId::generate(),
                            subscription: SubscriptionId(subscription),
                            start,
                        }
                    })
                    .collect();
                (event.clone(), recipients)
            })
            .collect();
        let lease = local.as_ref().map(|l| Lease {
            worker: l.worker_id.clone(),
            until: now.timestamp_millis() + l.lease.as_millis() as i64,
        });
        let incoming = Arc::new(Incoming {
            project: project_id,
            events: batch,
            lease,
        });
        let stored = self.ingester.submit(incoming.clone()).await?;

        let created: Vec<&(Arc<Event>, Vec<Recipient>)> = stored
            .iter()
            .zip(&incoming.events)
            .filter(|(s, _)| matches!(s, Stored::Created))
            .map(|(_, e)| e)
            .collect();
        self.metrics.events_ingested(created.len() as u64);
        // Before the worker is handed them: a delivery's creation is published before its
        // first attempt can be.
        self.live.publish(project_id, || {
            created
                .iter()
                .flat_map(|(event, recipients)| live_entries(event, recipients))
        });
        if let Some(reservation) = reservation {
            let jobs = created
                .iter()
                .flat_map(|(event, recipients)| {
                    recipients
                        .iter()
                        .filter(|r| r.start == Start::Leased)
                        .map(|r| Job {
                            delivery: r.delivery.0,
                            project: project_id,
                            subscription: r.subscription.0,
                            event: event.clone(),
                            attempts: 0,
                            manual: false,
                        })
                })
                .collect();
            reservation.fill(jobs);
        }
        let queued = created
            .iter()
            .flat_map(|(_, recipients)| recipients)
            .any(|r| r.start == Start::Pending);
        match (queued, &local) {
            (false, _) => {}
            (true, None) => self.bus.work_queued(),
            (true, Some(_)) => self.bus.work_queued_elsewhere(),
        }
        Ok(stored
            .into_iter()
            .zip(&incoming.events)
            .map(|(s, (event, recipients))| match s {
                Stored::Created => Ingested {
                    event: Event::clone(event),
                    matched: recipients.len(),
                    repeated: false,
                },
                Stored::Repeated(first) => Ingested {
                    event: *first,
                    matched: 0,
                    repeated: true,
                },
            })
            .collect())
    }

    /// The project's subscriptions, from the roster. One whose stored filter cannot be used
    /// receives nothing (see [`Receiver::wants`](crate::matching::Receiver::wants)) and is marked
    /// failed with the reason, so that people see it.
    pub(super) async fn receivers(&self, project: ProjectId) -> Result<Arc<Members>, EngineError> {
        let members = self.roster.members(project).await?;
        for member in &members.all {
            let subscription = &member.receiver.subscription;
            if let (Some(reason), false) = (member.receiver.broken_filter(), subscription.failed) {
                tracing::error!(subscription = %subscription.id, reason, "stored filter unusable");
                let reason = format!("its filter cannot be used: {reason}");
                subscriptions::mark_failed(&self.store, subscription.id, &reason).await?;
                self.subscriptions_changed(project);
            }
        }
        Ok(members)
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
        let types = TypePattern::parse(filter.event_type.as_deref());
        let query = EventQuery {
            event_type: types.exact,
            type_prefix: types.prefix,
            hide_group: filter
                .hide_operational
                .unwrap_or_default()
                .then(|| crate::event::OPERATIONAL_GROUP.to_owned()),
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

/// An accepted event and the deliveries it created, as the live feed shows them.
fn live_entries(event: &Event, recipients: &[Recipient]) -> Vec<Live> {
    let accepted = Live::Event(LiveEvent {
        id: event.id,
        event_type: event.event_type.clone(),
        created_at: event.created_at,
    });
    let created = recipients.iter().map(|r| {
        Live::Delivery(LiveDelivery {
            id: r.delivery,
            event_id: event.id,
            subscription_id: r.subscription,
            status: match r.start {
                Start::Held => DeliveryStatus::Held,
                Start::Pending | Start::Leased => DeliveryStatus::Pending,
            },
            attempts: 0,
            last_status_code: None,
            at: event.created_at,
        })
    });
    std::iter::once(accepted).chain(created).collect()
}

/// Matching more than this many (event, subscription) pairs runs off the async threads, so that
/// a project with many filtered subscriptions cannot stall other requests.
const INLINE_MATCHES: usize = 256;

/// For each event, the subscriptions it goes to and whether each holds it.
async fn match_events(
    events: Vec<Arc<Event>>,
    members: Arc<Members>,
) -> Result<Vec<Vec<(Uuid, bool)>>, EngineError> {
    let work = events.len() * members.all.len();
    let judge = move || {
        events
            .iter()
            .map(|event| {
                let document = event.document();
                members
                    .all
                    .iter()
                    .map(|m| &m.receiver)
                    .filter(|r| r.wants(event, &document))
                    .map(|r| (r.subscription.id.0, r.holds()))
                    .collect()
            })
            .collect()
    };
    if work <= INLINE_MATCHES {
        return Ok(judge());
    }
    tokio::task::spawn_blocking(judge)
        .await
        .map_err(|e| EngineError::internal_from("matching task", e))
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
