//! Scale-out on PostgreSQL: three instances share one database and its queue. One is SIGKILLed
//! mid-run; every delivery still arrives, and no delivery is claimed by two live instances at
//! once. Runs only when HOOKHUB_TEST_POSTGRES_URL is set (SQLite is for one instance).

use std::{collections::HashSet, time::Duration};

use engine::{Engine, WorkerConfig};
use serde_json::json;
use sqlx::Connection;

use crate::{
    database::TestDatabase,
    delivery::subscribe,
    helpers::{spawn_app_without_worker, test_settings},
    process::{arrivals, authorised_client, serve, subscribe_and_send},
    receiver::Receiver,
};

const EVENTS: usize = 5_000;
const CONCURRENCY: usize = 16;

#[tokio::test]
async fn three_instances_share_the_work_and_survive_losing_one() {
    let database = TestDatabase::new().await;
    if !database.is_postgres() {
        eprintln!("skipped: set HOOKHUB_TEST_POSTGRES_URL to run the scale-out test");
        return;
    }
    let receiver = Receiver::start_slow(Duration::from_millis(2)).await;
    let client = authorised_client(&database.url).await;
    let (_first, url) = serve(&database.url, CONCURRENCY).await;
    let (mut doomed, _) = serve(&database.url, CONCURRENCY).await;
    let (_third, _) = serve(&database.url, CONCURRENCY).await;

    let ids = subscribe_and_send(&client, &url, &receiver, EVENTS).await;
    while receiver.received().len() < EVENTS / 5 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    doomed.kill().await.unwrap();

    // Every event arrives; repeats only for what the killed instance had in flight.
    let counts = arrivals(&receiver, &ids).await;
    let repeats: usize = counts.values().map(|n| n - 1).sum();
    assert!(
        repeats <= CONCURRENCY,
        "{repeats} repeats, more than the {CONCURRENCY} the killed instance had in flight"
    );

    // The attempt log: every instance worked, and no delivery's attempt was made twice (two
    // instances holding the same claim would both record the same attempt number).
    let mut db = sqlx::PgConnection::connect(&database.url).await.unwrap();
    let workers: Vec<String> = sqlx::query_scalar("SELECT DISTINCT worker FROM attempts")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(
        workers.iter().collect::<HashSet<_>>().len(),
        3,
        "{workers:?}"
    );
    let doubled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT delivery_id, attempt_number FROM attempts
                               GROUP BY delivery_id, attempt_number HAVING COUNT(*) > 1) d",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(
        doubled, 0,
        "attempts recorded twice: a delivery was claimed twice"
    );
    let unfinished: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE status <> 'succeeded'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(unfinished, 0);
    db.close().await.unwrap();
}

#[tokio::test]
async fn a_worker_in_another_process_starts_at_once_not_at_its_next_poll() {
    let app = spawn_app_without_worker().await;
    if !app.database.is_postgres() {
        eprintln!("skipped: set HOOKHUB_TEST_POSTGRES_URL to run the scale-out test");
        return;
    }
    // A worker of its own engine (its own pool, as another process would have) that would
    // otherwise look for work once an hour.
    let other = Engine::open(&app.database.url, test_settings())
        .await
        .unwrap();
    let lazy = WorkerConfig {
        idle_poll: Duration::from_secs(3600),
        ..WorkerConfig::default()
    };
    let shutdown = app.shutdown.clone();
    tokio::spawn(async move { other.run_worker(lazy, shutdown).await });
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await; // the worker is idle and listening

    let ingested = app.ingest(json!({"type": "t"})).await;

    // `settled` gives up after 10 s: only the database's notification can wake the worker.
    app.settled(&ingested, "succeeded").await;
}
