//! The recorder: one task that writes attempt results for every worker of this process, many per
//! transaction (group commit).
//!
//! Why: each result is a small write transaction, and SQLite has one writer. Dozens of workers
//! committing on their own queue on that lock and each pays a disk sync; one writer taking whatever
//! has piled up since its last commit pays one sync per batch and never contends. A delivery is
//! only final once its batch commits; a crash before then leaves it leased, and it is sent again.

use tokio::sync::{mpsc, oneshot};

use crate::{
    store::{attempts, Store},
    EngineError,
};

/// The most results written in one transaction.
const BATCH: usize = 256;

struct Job {
    finished: attempts::Finished,
    /// Whether the attempt turned its subscription failed.
    reply: oneshot::Sender<Result<bool, String>>,
}

#[derive(Debug, Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.finished.fmt(f)
    }
}

impl Recorder {
    /// Starts the writer task; it ends when the last `Recorder` clone is dropped.
    pub fn start(store: Store) -> Recorder {
        let (jobs, mut queue) = mpsc::channel::<Job>(BATCH * 4);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while queue.recv_many(&mut batch, BATCH).await > 0 {
                let finished: Vec<_> = batch.iter().map(|job| job.finished.clone()).collect();
                match attempts::record(&store, &finished).await {
                    Ok(flipped) => {
                        for (job, flipped) in batch.drain(..).zip(flipped) {
                            let _ = job.reply.send(Ok(flipped));
                        }
                    }
                    Err(error) => {
                        for job in batch.drain(..) {
                            let _ = job.reply.send(Err(error.to_string()));
                        }
                    }
                }
            }
        });
        Recorder { jobs }
    }

    /// Records one attempt with the others waiting; returns whether it turned its subscription
    /// failed.
    pub async fn record(&self, finished: attempts::Finished) -> Result<bool, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { finished, reply })
            .await
            .map_err(|_| EngineError::Internal("the recorder has stopped".into()))?;
        answer
            .await
            .map_err(|_| EngineError::Internal("the recorder has stopped".into()))?
            .map_err(EngineError::Internal)
    }
}
