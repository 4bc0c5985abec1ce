//! The figures the dashboard shows: a project's overview, its subscriptions' health, and the
//! event types it has seen (to suggest when subscribing).

use chrono::Utc;

use super::Engine;
use crate::{
    account::{Caller, Role},
    delivery::ErrorKind,
    event::OPERATIONAL_TYPES,
    ids::SubscriptionId,
    overview::{
        lay_out, percentile, rate, Overview, SubscriptionHealth, Window, ATTENTION_LIMIT,
        HEALTH_HOURS, LATENCY_SAMPLE,
    },
    store::{from_millis, stats},
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
        let (succeeded, failed) = buckets
            .iter()
            .fold((0, 0), |(s, f), b| (s + b.succeeded, f + b.failed));
        let mut durations =
            stats::recent_durations(&self.store, project, since, LATENCY_SAMPLE).await?;
        let (queue_depth, oldest) = stats::queue(&self.store, project).await?;
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
        })
    }

    /// The last day's record of each of `ids` (subscriptions of other projects are skipped).
    pub async fn subscription_health(
        &self,
        caller: &Caller,
        project: &str,
        ids: &[SubscriptionId],
    ) -> Result<Vec<SubscriptionHealth>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let now = Utc::now().timestamp_millis();
        let since = (now.div_euclid(HOUR_MS) - HEALTH_HOURS as i64 + 1) * HOUR_MS;
        let slices = stats::subscription_slices(&self.store, project, since, HOUR_MS).await?;
        let mut health = Vec::with_capacity(ids.len());
        for &id in ids {
            let counted: Vec<_> = slices
                .iter()
                .filter(|(s, _)| *s == id)
                .map(|(_, c)| *c)
                .collect();
            let hours = lay_out(&counted, now, HOUR_MS, HEALTH_HOURS);
            let (succeeded, failed) = hours
                .iter()
                .fold((0, 0), |(s, f), b| (s + b.succeeded, f + b.failed));
            let last = stats::last_attempt(&self.store, id).await?;
            health.push(SubscriptionHealth {
                id,
                last_status: last
                    .as_ref()
                    .and_then(|(status, _)| status.and_then(|s| u16::try_from(s).ok())),
                last_error: last
                    .and_then(|(_, kind)| kind)
                    .and_then(|kind| ErrorKind::parse(&kind)),
                success_rate: rate(succeeded, failed),
                hourly: hours.iter().map(|b| rate(b.succeeded, b.failed)).collect(),
            });
        }
        Ok(health)
    }

    /// Event types worth suggesting: those among the project's latest events, and Hookhub's own.
    pub async fn known_event_types(
        &self,
        caller: &Caller,
        project: &str,
    ) -> Result<Vec<String>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let mut types = stats::recent_event_types(&self.store, project, EVENT_TYPE_SAMPLE).await?;
        types.extend(OPERATIONAL_TYPES.iter().map(|t| (*t).to_owned()));
        types.sort();
        types.dedup();
        Ok(types)
    }
}
