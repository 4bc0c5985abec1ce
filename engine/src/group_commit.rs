//! Group commit: one task writes what many callers submit, many items per transaction.
//!
//! Why: SQLite has one writer and every commit pays a disk sync. Dozens of tasks committing on
//! their own queue on that lock and each pays its own sync; one writer taking whatever has piled
//! up since its last commit pays one sync per batch and never contends (PostgreSQL gains too:
//! one WAL flush per batch). A caller's item is durable only once the reply arrives, i.e. after
//! its batch committed.
//!
//! One bad item must not sink its neighbours: when a batch fails (or its write panics), each of
//! its items is written again on its own, so only the item that cannot be stored fails — unless
//! the database itself is unavailable, which would only fail each item again, slowly. Each write
//! runs as a task of its own, so a panic fails that write, never the writer.

use std::{future::Future, sync::Arc};

use tokio::sync::{mpsc, oneshot};

use crate::EngineError;

type Reply<Out> = oneshot::Sender<Result<Out, Failure>>;

/// Why a write failed, as every caller in its batch is told: shared, since an error is not
/// `Clone` and a batch has many callers.
#[derive(Debug, Clone)]
struct Failure(Arc<EngineError>);

impl Failure {
    /// The database could not be reached (nothing about the items is wrong).
    fn unavailable(&self) -> bool {
        matches!(*self.0, EngineError::Unavailable(_))
    }
}

impl From<Failure> for EngineError {
    /// The write's own error when this caller is the only one told of it; otherwise, for each of
    /// a batch's callers, an error of the same kind behind which it stands.
    fn from(Failure(shared): Failure) -> Self {
        Arc::try_unwrap(shared).unwrap_or_else(|shared| match &*shared {
            EngineError::Unavailable(message) => EngineError::Unavailable(message.clone()),
            _ => EngineError::internal_from("the batch was not written", shared),
        })
    }
}

/// Submits items to a writer task; cheap to clone. The task ends when the last clone is dropped.
pub struct GroupCommit<In, Out> {
    jobs: mpsc::Sender<(Arc<In>, Reply<Out>)>,
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

impl<In: Send + Sync + 'static, Out: Send + 'static> GroupCommit<In, Out> {
    /// Starts the writer: `write(with, items)` stores up to `most` items in one transaction and
    /// answers one output per item, in order. `with` is what it writes with (the store).
    pub fn start<With, W, F>(most: usize, with: With, write: W) -> Self
    where
        With: Clone + Send + 'static,
        W: Fn(With, Vec<Arc<In>>) -> F + Send + 'static,
        F: Future<Output = Result<Vec<Out>, EngineError>> + Send + 'static,
    {
        let (jobs, mut queue) = mpsc::channel::<(Arc<In>, Reply<Out>)>(most * 4);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(most);
            while queue.recv_many(&mut batch, most).await > 0 {
                let (items, replies): (Vec<Arc<In>>, Vec<Reply<Out>>) = batch.drain(..).unzip();
                let written = run(write(with.clone(), items.clone())).await;
                match written {
                    Ok(outputs) => answer(replies, outputs),
                    Err(failure) if items.len() > 1 && !failure.unavailable() => {
                        for (item, reply) in items.into_iter().zip(replies) {
                            let alone = run(write(with.clone(), vec![item])).await;
                            let _ = reply.send(alone.map(|mut out| out.remove(0)));
                        }
                    }
                    Err(failure) => {
                        for reply in replies {
                            let _ = reply.send(Err(failure.clone()));
                        }
                    }
                }
            }
        });
        GroupCommit { jobs }
    }

    /// Stores `item` with whatever else is waiting; returns once its transaction committed.
    /// (Shared, so that a caller can keep reading what it submitted.)
    pub async fn submit(&self, item: impl Into<Arc<In>>) -> Result<Out, EngineError> {
        let stopped = || EngineError::internal("the group-commit writer has stopped");
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((item.into(), reply))
            .await
            .map_err(|_| stopped())?;
        Ok(answer.await.map_err(|_| stopped())??)
    }

    /// Whether the writer still takes items (for readiness checks).
    pub fn is_running(&self) -> bool {
        !self.jobs.is_closed()
    }
}

/// Runs one write as a task of its own: a panic in it is that write's error.
async fn run<Out: Send + 'static>(
    write: impl Future<Output = Result<Vec<Out>, EngineError>> + Send + 'static,
) -> Result<Vec<Out>, Failure> {
    match tokio::spawn(write).await {
        Ok(Ok(outputs)) => Ok(outputs),
        Ok(Err(error)) => Err(Failure(Arc::new(error))),
        Err(panicked) => {
            let error = EngineError::internal_from("the write failed unexpectedly", panicked);
            tracing::error!(error = %crate::error::chain(&error), "a group-commit write panicked");
            Err(Failure(Arc::new(error)))
        }
    }
}

fn answer<Out>(replies: Vec<Reply<Out>>, outputs: Vec<Out>) {
    for (reply, output) in replies.into_iter().zip(outputs) {
        let _ = reply.send(Ok(output));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[tokio::test]
    async fn items_submitted_together_share_one_write_and_get_their_own_answer() {
        let batches: Arc<Mutex<Vec<usize>>> = Arc::default();
        let seen = batches.clone();
        let doubler = GroupCommit::start(8, seen, |seen, items: Vec<Arc<u32>>| {
            seen.lock().unwrap().push(items.len());
            async move { Ok(items.iter().map(|n| **n * 2).collect()) }
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

    /// A write that refuses the item 13 (an error) and panics on 666, as a whole batch would.
    fn picky() -> GroupCommit<u32, u32> {
        GroupCommit::start(64, (), |(), items: Vec<Arc<u32>>| async move {
            if items.iter().any(|n| **n == 666) {
                panic!("cannot write 666");
            }
            if items.iter().any(|n| **n == 13) {
                return Err(EngineError::internal("13 is unlucky"));
            }
            Ok(items.iter().map(|n| **n).collect())
        })
    }

    #[tokio::test]
    async fn a_bad_item_fails_alone_and_its_batch_neighbours_are_stored() {
        let writer = picky();
        let submitted: Vec<_> = [1, 13, 2, 666, 3]
            .into_iter()
            .map(|n| {
                let writer = writer.clone();
                tokio::spawn(async move { (n, writer.submit(n).await) })
            })
            .collect();
        for task in submitted {
            let (n, answer) = task.await.unwrap();
            match n {
                13 => assert!(answer.unwrap_err().to_string().contains("unlucky")),
                666 => assert!(answer.is_err()),
                n => assert_eq!(answer.unwrap(), n),
            }
        }
    }

    #[tokio::test]
    async fn an_unavailable_database_fails_the_batch_without_retrying_each_item() {
        let writes: Arc<Mutex<usize>> = Arc::default();
        let counted = writes.clone();
        let down = GroupCommit::start(64, counted, |counted, _: Vec<Arc<u32>>| {
            *counted.lock().unwrap() += 1;
            async { Err::<Vec<u32>, _>(EngineError::Unavailable("connection refused".into())) }
        });
        let submitted: Vec<_> = (0..10)
            .map(|n| {
                let down = down.clone();
                tokio::spawn(async move { down.submit(n).await })
            })
            .collect();
        for task in submitted {
            let answer = task.await.unwrap();
            assert!(matches!(answer, Err(EngineError::Unavailable(_))));
        }
        assert!(
            *writes.lock().unwrap() < 10,
            "batches were not split into single writes"
        );
    }

    #[tokio::test]
    async fn a_panicking_write_leaves_the_writer_running() {
        let writer = picky();
        assert!(writer.submit(666).await.is_err());
        assert!(writer.is_running());
        assert_eq!(writer.submit(7).await.unwrap(), 7);
    }
}
