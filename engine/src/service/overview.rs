//! The figures the dashboard shows: a project's overview, its subscriptions' health (a line per
//! subscription for lists, a panel for one), and the event types it has seen (to suggest when
//! subscribing).

use chrono::Utc;

use super::Engine;
use crate::{
    account::{Caller, Role},
    delivery::ErrorKind,
    event::OPERATIONAL_TYPES,
    ids::{ProjectId, SubscriptionId},
    overview::{
        failures_in_a_row, lay_out, percentile, rate, totals, Bucket, Counted, EndpointHealth,
        Overview, SubscriptionHealth, Window, ATTENTION_LIMIT, HEALTH_HOURS, LATENCY_SAMPLE,
    },
    page::MAX_PAGE_SIZE,
    store::{event_types, from_millis, stats, subscriptions},
    EngineError,
};

/// How many of the latest events the type suggestions are drawn from.
const EVENT_TYPE_SAMPLE: i64 = 1_000;
const HOUR_MS: i64 = 3_600_000;

impl Engine {
    /// Attempts over the window, latency, the queue and the subscriptions needing attention.
    pub async fn overview(
        &self,
        caller: &Caller,
        project: &str,
        window: Window,
    ) -> Result<Overview, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let now = Utc::now();
        let width = window.bucket_seconds() * 1000;
        // From the start of the oldest slice shown, so that it is counted whole.
        let since =
            (now.timestamp_millis().div_euclid(width) - window.buckets() as i64 + 1) * width;
        // Counted per subscription too; laying out adds up each slice's counts.
        let counted: Vec<_> = stats::subscription_slices(&self.store, project, since, width)
            .await?
            .into_iter()
            .map(|(_, counted)| counted)
            .collect();
        let buckets = lay_out(&counted, now.timestamp_millis(), width, window.buckets());
        let (succeeded, failed) = totals(&buckets);
        let mut durations =
            stats::recent_durations(&self.store, project, since, LATENCY_SAMPLE).await?;
        let (queue_depth, oldest) = stats::queue(&self.store, project).await?;
        let (has_subscriptions, has_events) = stats::holds_anything(&self.store, project).await?;
        Ok(Overview {
            window,
            generated_at: now,
            buckets,
            success_rate: rate(succeeded, failed),
            latency_p50_ms: percentile(&mut durations, 50.0),
            latency_p95_ms: percentile(&mut durations, 95.0),
            queue_depth,
            oldest_pending_at: oldest.map(from_millis),
            attention: stats::needing_attention(&self.store, project, ATTENTION_LIMIT).await?,
            has_subscriptions,
            has_events,
        })
    }

    /// The last day's record of each of `ids` (another project's subscription shows no attempts).
    pub async fn subscription_health(
        &self,
        caller: &Caller,
        project: &str,
        ids: &[SubscriptionId],
    ) -> Result<Vec<SubscriptionHealth>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let day = LastDay::now();
        let slices = stats::subscription_slices(&self.store, project, day.since, HOUR_MS).await?;
        let mut health = Vec::with_capacity(ids.len());
        for &id in ids {
            health.push(
                self.summary(project, id, &day.hours_of(&slices, id))
                    .await?,
            );
        }
        Ok(health)
    }

    /// One subscription's health panel: its last day hour by hour, latency, its latest failure,
    /// its last success and the failures since. Another project's subscription is not found.
    pub async fn endpoint_health(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
    ) -> Result<EndpointHealth, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let subscription = subscriptions::get(&self.store, project, id)
            .await?
            .ok_or(EngineError::NotFound("subscription"))?;
        let day = LastDay::now();
        let slices = stats::subscription_slices(&self.store, project, day.since, HOUR_MS).await?;
        let hours = day.hours_of(&slices, id);
        let latest = stats::latest_outcomes(&self.store, project, id, LATENCY_SAMPLE).await?;
        let mut durations: Vec<u64> = latest
            .iter()
            .filter(|o| o.at_ms >= day.since)
            .map(|o| o.duration_ms)
            .collect();
        let (succeeded, failed) = totals(&hours);
        Ok(EndpointHealth {
            summary: self.summary(project, id, &hours).await?,
            succeeded,
            failed,
            latency_p50_ms: percentile(&mut durations, 50.0),
            latency_p95_ms: percentile(&mut durations, 95.0),
            last_failure: stats::last_failure(&self.store, project, id, LATENCY_SAMPLE).await?,
            last_success_at: subscription.last_delivery_at,
            consecutive_failures: failures_in_a_row(latest.iter().map(|o| !o.failed)),
            failing_since: subscription.failing_since,
            hours,
        })
    }

    /// A subscription's list-row health from its hours and its latest attempt.
    async fn summary(
        &self,
        project: ProjectId,
        id: SubscriptionId,
        hours: &[Bucket],
    ) -> Result<SubscriptionHealth, EngineError> {
        let (succeeded, failed) = totals(hours);
        let last = stats::last_attempt(&self.store, project, id).await?;
        Ok(SubscriptionHealth {
            id,
            last_status: last
                .as_ref()
                .and_then(|(status, _)| status.and_then(|s| u16::try_from(s).ok())),
            last_error: last
                .and_then(|(_, kind)| kind)
                .and_then(|kind| ErrorKind::parse(&kind)),
            success_rate: rate(succeeded, failed),
            hourly: hours.iter().map(|b| rate(b.succeeded, b.failed)).collect(),
        })
    }

    /// Event types worth suggesting: the catalogue's (its first page: a suggestion list, not an
    /// index), those among the project's latest events, and Hookhub's own.
    pub async fn known_event_types(
        &self,
        caller: &Caller,
        project: &str,
    ) -> Result<Vec<String>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let declared = event_types::list(&self.store, project, None, MAX_PAGE_SIZE).await?;
        let mut types = stats::recent_event_types(&self.store, project, EVENT_TYPE_SAMPLE).await?;
        types.extend(declared.into_iter().map(|t| t.name));
        types.extend(OPERATIONAL_TYPES.iter().map(|t| (*t).to_owned()));
        types.sort();
        types.dedup();
        Ok(types)
    }
}

/// The hours the health figures cover: the last [`HEALTH_HOURS`], the current one included.
struct LastDay {
    now_ms: i64,
    /// The start of the oldest hour, so that it is counted whole.
    since: i64,
}

impl LastDay {
    fn now() -> LastDay {
        let now_ms = Utc::now().timestamp_millis();
        let since = (now_ms.div_euclid(HOUR_MS) - HEALTH_HOURS as i64 + 1) * HOUR_MS;
        LastDay { now_ms, since }
    }

    /// `id`'s attempts hour by hour, from the project's per-subscription hourly counts.
    fn hours_of(&self, slices: &[(SubscriptionId, Counted)], id: SubscriptionId) -> Vec<Bucket> {
        let counted: Vec<_> = slices
            .iter()
            .filter(|(s, _)| *s == id)
            .map(|(_, c)| *c)
            .collect();
        lay_out(&counted, self.now_ms, HOUR_MS, HEALTH_HOURS)
    }
}
