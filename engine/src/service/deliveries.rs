//! Finding deliveries (filters and search), reading their attempt logs, retrying many at once.

use serde::Deserialize;
use uuid::Uuid;

use super::{events::parse_cursor, Engine};
use crate::{
    account::{Caller, Role},
    delivery::{
        Attempt, Delivery, DeliveryDetail, DeliveryStatus, RetriedMany, RetryMany, RETRY_MAX_IDS,
        SEARCH_MAX_CHARS,
    },
    event::TypePattern,
    ids::{DeliveryId, SubscriptionId},
    page::{parse_time, PageRequest, Paged},
    store::{
        attempts,
        deliveries::{self as rows, DeliveryQuery, Search},
        to_millis,
    },
    subscription::EVENT_TYPE_MAX_CHARS,
    EngineError, FieldErrors,
};

/// Filters of the delivery list. Blank values are no filter (as a GET form sends them).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default)]
pub struct DeliveryFilter {
    /// Only deliveries to this subscription (its id).
    #[cfg_attr(feature = "openapi", param(value_type = Option<uuid::Uuid>))]
    pub subscription_id: Option<String>,
    /// Only deliveries of this event (its id).
    #[cfg_attr(feature = "openapi", param(value_type = Option<uuid::Uuid>))]
    pub event_id: Option<String>,
    /// Only deliveries of events of this type, written as subscriptions write theirs:
    /// `order.paid` exactly, `order.*` every type that starts `order.`, `*` every type.
    pub event_type: Option<String>,
    /// `pending`, `sending`, `succeeded`, `failed`, `cancelled` or `held`.
    pub status: Option<String>,
    /// Only deliveries created at or after this time (RFC 3339, or `2026-11-23T14:30` as UTC).
    pub since: Option<String>,
    /// Only deliveries created before this time (RFC 3339, or `2026-11-23T14:30` as UTC).
    pub until: Option<String>,
    /// Search: an event id or idempotency key (exactly), or text in the event's data (any
    /// part, ignoring case); at most 256 characters.
    pub q: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub page: PageRequest,
}

impl DeliveryFilter {
    /// The storage query this filter asks for, or every field it cannot use, by name.
    fn query(self) -> Result<DeliveryQuery, FieldErrors> {
        let mut errors = FieldErrors::default();
        let page = self
            .page
            .validate()
            .map_err(|e| e.iter().for_each(|(f, m)| errors.add(f, m)))
            .ok();
        let before = parse_cursor(page.as_ref().and_then(|p| p.cursor.as_deref()))
            .map_err(|e| e.iter().for_each(|(f, m)| errors.add(f, m)))
            .ok()
            .flatten();
        let subscription = id_of(&mut errors, "subscription_id", self.subscription_id);
        let event = id_of(&mut errors, "event_id", self.event_id);
        let status = blank_is_none(self.status).and_then(|text| {
            let status = DeliveryStatus::parse(&text);
            if status.is_none() {
                let names: Vec<_> = DeliveryStatus::ALL.iter().map(|s| s.as_str()).collect();
                errors.add("status", format!("must be one of {}", names.join(", ")));
            }
            status
        });
        let event_type = blank_is_none(self.event_type);
        if event_type
            .as_ref()
            .is_some_and(|t| t.trim().chars().count() > EVENT_TYPE_MAX_CHARS + 1)
        {
            errors.add(
                "event_type",
                format!("must be a type of at most {EVENT_TYPE_MAX_CHARS} characters, or a prefix and `*`"),
            );
        }
        let mut time = |field: &str, text: Option<String>| {
            parse_time(text.as_deref().unwrap_or_default())
                .map_err(|e| errors.add(field, e))
                .ok()
                .flatten()
                .map(to_millis)
        };
        let (since, until) = (time("since", self.since), time("until", self.until));
        let search = blank_is_none(self.q.map(|q| q.trim().to_owned()));
        if search
            .as_ref()
            .is_some_and(|q| q.chars().count() > SEARCH_MAX_CHARS)
        {
            errors.add(
                "q",
                format!("must be at most {SEARCH_MAX_CHARS} characters"),
            );
        }
        let limit = page.map_or(0, |p| p.limit + 1);
        errors.into_result(DeliveryQuery {
            subscription,
            event,
            status,
            types: TypePattern::parse(event_type.as_deref()),
            since,
            until,
            search: search.as_deref().map(Search::new),
            before,
            limit,
        })
    }
}

fn blank_is_none(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

/// An id given as query text; a malformed one is an error of `field`.
fn id_of<T: std::str::FromStr>(
    errors: &mut FieldErrors,
    field: &str,
    text: Option<String>,
) -> Option<T> {
    let text = blank_is_none(text)?;
    let id = text.trim().parse().ok();
    if id.is_none() {
        errors.add(field, "is not an id");
    }
    id
}

impl Engine {
    /// One page of the project's deliveries, newest first.
    pub async fn list_deliveries(
        &self,
        caller: &Caller,
        project: &str,
        filter: DeliveryFilter,
    ) -> Result<Paged<Delivery>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let query = filter.query()?;
        let limit = query.limit - 1;
        let deliveries = rows::list(&self.store, project, &query).await?;
        Ok(Paged::from_overfetch(deliveries, limit, |d| {
            d.id.to_string()
        }))
    }

    /// Makes each of the deliveries due now, as [`Engine::retry_delivery`] does one: a delivery
    /// being sent at this moment is skipped, not an error. One audit entry for all.
    pub async fn retry_deliveries(
        &self,
        caller: &Caller,
        project: &str,
        request: RetryMany,
    ) -> Result<RetriedMany, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let mut ids: Vec<DeliveryId> = Vec::with_capacity(request.ids.len());
        for id in request.ids {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() || ids.len() > RETRY_MAX_IDS {
            let mut errors = FieldErrors::default();
            errors.add(
                "ids",
                format!("must hold 1 to {RETRY_MAX_IDS} delivery ids"),
            );
            return Err(errors.into());
        }
        let raw: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let now = chrono::Utc::now().timestamp_millis();
        let (queued, found) = rows::retry_many(&self.store, project_id, &raw, now).await?;
        let (skipped, not_found): (Vec<DeliveryId>, Vec<DeliveryId>) = ids
            .into_iter()
            .filter(|id| !queued.contains(&id.0))
            .partition(|id| found.contains(&id.0));
        if !queued.is_empty() {
            self.bus.work_queued();
        }
        let result = RetriedMany {
            queued: queued.len() as u64,
            skipped,
            not_found,
        };
        self.audit(
            &caller.username,
            Some(project),
            "deliveries.retried",
            project,
            serde_json::json!({
                "queued": result.queued,
                "skipped": result.skipped.len(),
                "not_found": result.not_found.len(),
            }),
        )
        .await;
        Ok(result)
    }

    /// A delivery with every attempt made so far.
    pub async fn get_delivery(
        &self,
        caller: &Caller,
        project: &str,
        id: DeliveryId,
    ) -> Result<DeliveryDetail, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let delivery = rows::get(&self.store, project, id)
            .await?
            .ok_or(EngineError::NotFound("delivery"))?;
        let attempts_log = attempts::of_delivery(&self.store, id).await?;
        Ok(DeliveryDetail {
            delivery,
            attempts_log,
        })
    }
}

impl Engine {
    /// How many of the subscription's deliveries wait, held, while it is disabled or failed.
    pub async fn held_deliveries(
        &self,
        caller: &Caller,
        project: &str,
        subscription: SubscriptionId,
    ) -> Result<u64, EngineError> {
        let project_id = self.authorize(caller, project, Role::Read).await?;
        self.get_subscription(caller, project, subscription).await?;
        rows::count_held(&self.store, project_id, subscription).await
    }

    /// Cancels every held delivery of the subscription: the only way held deliveries are
    /// dropped, because a person asked. Returns how many.
    pub async fn discard_held_deliveries(
        &self,
        caller: &Caller,
        project: &str,
        subscription: SubscriptionId,
    ) -> Result<u64, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        self.get_subscription(caller, project, subscription).await?;
        let reason = format!("discarded while held, by {}", caller.username);
        let now = chrono::Utc::now().timestamp_millis();
        let discarded =
            rows::discard_held(&self.store, project_id, subscription, &reason, now).await?;
        self.audit(
            &caller.username,
            Some(project),
            "deliveries.discarded",
            &subscription.to_string(),
            serde_json::json!({"discarded": discarded}),
        )
        .await;
        Ok(discarded)
    }

    /// One page of a subscription's attempts, newest first: its delivery log.
    pub async fn list_attempts(
        &self,
        caller: &Caller,
        project: &str,
        subscription: SubscriptionId,
        page: PageRequest,
    ) -> Result<Paged<Attempt>, EngineError> {
        self.get_subscription(caller, project, subscription).await?;
        let page = page.validate()?;
        let before = parse_cursor(page.cursor.as_deref())?;
        let data =
            attempts::of_subscription(&self.store, subscription, before, page.limit + 1).await?;
        Ok(Paged::from_overfetch(data, page.limit, |a| {
            a.id.to_string()
        }))
    }
}
