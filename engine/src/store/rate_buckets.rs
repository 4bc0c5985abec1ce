//! Rate limits kept in the database, so that every instance delivering to a subscription draws
//! from the same bucket: it holds up to one second's worth of deliveries and refills at the rate.

use std::time::Duration;

use super::{on_pool, Store};
use crate::{ids::SubscriptionId, EngineError};

/// Takes a token from the subscription's bucket at `now` (epoch ms), or says how long until one
/// is there. One statement: the refill and the take happen atomically, whichever instance asks.
pub async fn take(
    store: &Store,
    subscription: SubscriptionId,
    rate: u32,
    now: i64,
) -> Result<Result<(), Duration>, EngineError> {
    let rate = f64::from(rate.max(1));
    let per_ms = rate / 1000.0;
    // The refilled level, capped at one second's worth; written out twice because the SET and
    // the WHERE clause cannot share an alias.
    let taken: Option<f64> = on_pool!(store, pool => {
        sqlx::query_scalar(
            "INSERT INTO rate_buckets (subscription_id, tokens, refilled_at) VALUES ($1, $2 - 1, $4)
             ON CONFLICT (subscription_id) DO UPDATE SET
                 tokens = (CASE
                     WHEN rate_buckets.tokens + ($4 - rate_buckets.refilled_at) * $3 > $2 THEN $2
                     ELSE rate_buckets.tokens + ($4 - rate_buckets.refilled_at) * $3 END) - 1,
                 refilled_at = $4
             WHERE (CASE
                     WHEN rate_buckets.tokens + ($4 - rate_buckets.refilled_at) * $3 > $2 THEN $2
                     ELSE rate_buckets.tokens + ($4 - rate_buckets.refilled_at) * $3 END) >= 1
             RETURNING tokens",
        )
        .bind(subscription.0)
        .bind(rate)
        .bind(per_ms)
        .bind(now)
        .fetch_optional(pool)
        .await?
    });
    if taken.is_some() {
        return Ok(Ok(()));
    }
    let (tokens, refilled_at): (f64, i64) = on_pool!(store, pool => {
        sqlx::query_as("SELECT tokens, refilled_at FROM rate_buckets WHERE subscription_id = $1")
            .bind(subscription.0)
            .fetch_one(pool)
            .await?
    });
    let level = (tokens + (now - refilled_at) as f64 * per_ms).min(rate);
    Ok(Err(Duration::from_secs_f64(
        ((1.0 - level) / rate).max(0.001),
    )))
}
