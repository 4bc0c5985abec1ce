//! The SIGKILL drill: the real binary is killed while delivering and started again on the same
//! database; every event must still arrive, repeats only for what was in flight.

use std::{path::Path, time::Duration};

use crate::{
    hookhub,
    load::{send_batches, until_arrived},
    receiver::Receiver,
};

/// Short, so the restarted process claims the dead one's deliveries soon; above any attempt here.
const LEASE: &str = "5s";

/// What arrived of `events` events sent to one subscription when the server was killed after
/// a fifth of them arrived.
pub struct Drill {
    pub expected: usize,
    pub delivered: usize,
    pub duplicates: usize,
}

pub async fn drill(binary: &Path, database_url: &str, events: usize, concurrency: usize) -> Drill {
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", hookhub::token(binary, database_url).await);
    let flags = ["--lease", LEASE];
    let mut first = hookhub::serve(binary, database_url, concurrency, &flags).await;
    let receiver = Receiver::start().await;
    first.subscribe(&client, &auth, &receiver.url, 1).await;
    let (_, expected) = send_batches(&client, &first.events_url(), &auth, events, 64).await;

    until_arrived(&receiver, expected / 5, Duration::from_secs(300)).await;
    first.child.kill().await.expect("SIGKILL");
    let _second = hookhub::serve(binary, database_url, concurrency, &flags).await;
    until_arrived(&receiver, expected, Duration::from_secs(600)).await;
    // Repeats are the dead process's in-flight deliveries, re-sent with the rest: a moment more.
    tokio::time::sleep(Duration::from_secs(1)).await;
    Drill {
        expected,
        delivered: receiver.count(),
        duplicates: receiver.duplicates(),
    }
}
