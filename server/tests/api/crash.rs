//! Nothing lost: SIGKILL the real binary with deliveries in flight, restart it, and every event
//! arrives; repeats only for what was in flight, recognisable by `webhook-id`.

use std::time::Duration;

use crate::{
    database::TestDatabase,
    process::{arrivals, authorised_client, serve, subscribe_and_send},
    receiver::Receiver,
};

const EVENTS: usize = 1_000;
const CONCURRENCY: usize = 16;

#[tokio::test]
async fn a_killed_server_redelivers_everything_after_restart() {
    // Arrange: a slow receiver so that deliveries are in flight when the process dies.
    let receiver = Receiver::start_slow(Duration::from_millis(5)).await;
    let database = TestDatabase::new().await;
    let client = authorised_client(&database.url).await;
    let (mut first, url) = serve(&database.url, CONCURRENCY).await;
    let ids = subscribe_and_send(&client, &url, &receiver, EVENTS).await;

    // Act: kill it mid-run, then start it again on the same database.
    while receiver.received().len() < 100 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().await.unwrap();
    let delivered_before_kill = receiver.received().len();
    assert!(
        delivered_before_kill < EVENTS,
        "the kill came too late to test anything"
    );
    let (_second, _) = serve(&database.url, CONCURRENCY).await;

    // Assert: every event arrives; repeats at most what one worker had in flight.
    let counts = arrivals(&receiver, &ids).await;
    let repeats: usize = counts.values().map(|n| n - 1).sum();
    assert!(
        repeats <= CONCURRENCY,
        "{repeats} repeats, more than the {CONCURRENCY} in flight"
    );
}
