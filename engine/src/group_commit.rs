//! Group commit: one task writes what many callers submit, many items per transaction.
//!
//! Why: SQLite has one writer and every commit pays a disk sync. Dozens of tasks committing on
//! their own queue on that lock and each pays its own sync; one writer taking whatever has piled
//! up since its last commit pays one sync per batch and never contends (PostgreSQL gains too:
//! one WAL flush per batch). A caller's item is durable only once the reply arrives, i.e. after
//! its batch committed; a failed batch fails every caller in it, and nothing of it is stored.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};

use crate::EngineError;

type Reply<Out> = oneshot::Sender<Result<Out, String>>;

/// Submits items to a writer task; cheap to clone. The task ends when the last clone is dropped.
pub struct GroupCommit<In, Out> {
    jobs: mpsc::Sender<(In, Reply<Out>)>,
}

impl<In, Out> Clone for GroupCommit<In, Out> {
    fn clone(&self) -> Self {
        GroupCommit {
            jobs: self.jobs.clone(),
        }
    }
}

impl<In, Out> std::fmt::Debug for GroupCommit<In, Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl<In: Send + 'static, Out: Send + 'static> GroupCommit<In, Out> {
    /// Starts the writer: `write(with, items)` stores up to `most` items in one transaction and
    /// answers one output per item, in order. `with` is what it writes with (the store).
    pub fn start<With, W, F>(most: usize, with: With, write: W) -> Self
    where
        With: Clone + Send + 'static,
        W: Fn(With, Vec<In>) -> F + Send + 'static,
        F: Future<Output = Result<Vec<Out>, EngineError>> + Send,
    {
        let (jobs, mut queue) = mpsc::channel::<(In, Reply<Out>)>(most * 4);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(most);
            while queue.recv_many(&mut batch, most).await > 0 {
                let (items, replies): (Vec<In>, Vec<Reply<Out>>) = batch.drain(..).unzip();
                match write(with.clone(), items).await {
                    Ok(outputs) => {
                        for (reply, output) in replies.into_iter().zip(outputs) {
                            let _ = reply.send(Ok(output));
                        }
                    }
                    Err(error) => {
                        let error = error.to_string();
                        for reply in replies {
                            let _ = reply.send(Err(error.clone()));
                        }
                    }
                }
            }
        });
        GroupCommit { jobs }
    }

    /// Stores `item` with whatever else is waiting; returns once its transaction committed.
    pub async fn submit(&self, item: In) -> Result<Out, EngineError> {
        let stopped = || EngineError::Internal("the group-commit writer has stopped".into());
        let (reply, answer) = oneshot::channel();
        self.jobs.send((item, reply)).await.map_err(|_| stopped())?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(EngineError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[tokio::test]
    async fn items_submitted_together_share_one_write_and_get_their_own_answer() {
        let batches: Arc<Mutex<Vec<usize>>> = Arc::default();
        let seen = batches.clone();
        let doubler = GroupCommit::start(8, seen, |seen, items: Vec<u32>| {
            seen.lock().unwrap().push(items.len());
            async move { Ok(items.into_iter().map(|n| n * 2).collect()) }
        });
        let submitted: Vec<_> = (0..20)
            .map(|n| {
                let doubler = doubler.clone();
                tokio::spawn(async move { doubler.submit(n).await })
            })
            .collect();
        let mut answers = Vec::new();
        for answer in submitted {
            answers.push(answer.await.unwrap().unwrap());
        }
        assert_eq!(answers, (0..20).map(|n| n * 2).collect::<Vec<_>>());
        let batches = batches.lock().unwrap();
        assert_eq!(batches.iter().sum::<usize>(), 20);
        assert!(batches.iter().all(|&n| n <= 8), "{batches:?}");
        assert!(batches.len() < 20, "items were grouped: {batches:?}");
    }

    #[tokio::test]
    async fn a_failed_write_fails_every_item_of_its_batch() {
        let failing = GroupCommit::start(8, (), |(), _: Vec<u32>| async {
            Err::<Vec<u32>, _>(EngineError::Internal("disk full".into()))
        });
        let error = failing.submit(1).await.unwrap_err();
        assert!(error.to_string().contains("disk full"), "{error}");
    }
}
