//! The roster: each project's subscriptions in memory, ready to match events and to be sent to
//! (filters parsed and patterns compiled once, secrets and header values at hand), so that
//! neither ingest nor a delivery reads a subscription from the database.
//!
//! A project's entry is read whole, on first use, and forgotten whenever one of its
//! subscriptions changes: at once in this process, and in every other process through the
//! database's change announcements ([`crate::bus`]). As a safety net for changes no announcement
//! carries (another process on the same SQLite file, a lost notification), an entry is also read
//! again once it is older than [`Roster::new`]'s `max_age`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use uuid::Uuid;

use crate::{
    ids::ProjectId,
    matching::Receiver,
    signing::Keyring,
    store::{subscriptions, Store},
    subscription::SubscriptionSpec,
    EngineError,
};

/// One subscription as the roster keeps it.
#[derive(Debug)]
pub struct Member {
    pub receiver: Receiver,
    pub keyring: Keyring,
    /// Its settings with header values in clear, for sending.
    pub clear_spec: Arc<SubscriptionSpec>,
}

/// A project's subscriptions, by id and in id order.
#[derive(Debug)]
pub struct Members {
    pub all: Vec<Arc<Member>>,
    by_id: HashMap<Uuid, Arc<Member>>,
    read_at: Instant,
}

impl Members {
    pub fn get(&self, subscription: Uuid) -> Option<&Arc<Member>> {
        self.by_id.get(&subscription)
    }
}

#[derive(Debug, Clone)]
pub struct Roster {
    store: Store,
    max_age: Duration,
    known: Arc<Mutex<Known>>,
}

#[derive(Debug, Default)]
struct Known {
    projects: HashMap<ProjectId, Arc<Members>>,
    /// Counts forgets: a read that a forget overtook is used once but not kept, since it may
    /// predate the change that was announced.
    forgets: u64,
}

impl Roster {
    pub fn new(store: Store, max_age: Duration) -> Roster {
        Roster {
            store,
            max_age,
            known: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The project's subscriptions, read from the database only when not known (or too old).
    pub async fn members(&self, project: ProjectId) -> Result<Arc<Members>, EngineError> {
        let (known, forgets) = {
            let known = self.lock();
            (known.projects.get(&project).cloned(), known.forgets)
        };
        if let Some(members) = known.filter(|m| m.read_at.elapsed() < self.max_age) {
            return Ok(members);
        }
        let read_at = Instant::now();
        let all: Vec<Arc<Member>> = subscriptions::with_secrets_of_project(&self.store, project)
            .await?
            .into_iter()
            .map(|(subscription, keyring, clear_spec)| {
                Arc::new(Member {
                    receiver: Receiver::new(subscription),
                    keyring,
                    clear_spec: Arc::new(clear_spec),
                })
            })
            .collect();
        let by_id = all
            .iter()
            .map(|m| (m.receiver.subscription.id.0, m.clone()))
            .collect();
        let members = Arc::new(Members {
            all,
            by_id,
            read_at,
        });
        let mut known = self.lock();
        if known.forgets == forgets {
            known.projects.insert(project, members.clone());
        }
        Ok(members)
    }

    /// One subscription of the project, as the roster knows it; `None` when it does not exist.
    pub async fn member(
        &self,
        project: ProjectId,
        subscription: Uuid,
    ) -> Result<Option<Arc<Member>>, EngineError> {
        Ok(self.members(project).await?.get(subscription).cloned())
    }

    /// Forgets what the roster knows of `project` (one of its subscriptions changed).
    pub fn forget(&self, project: ProjectId) {
        let mut known = self.lock();
        known.forgets += 1;
        known.projects.remove(&project);
    }

    /// Forgets everything (announcements may have been missed).
    pub fn forget_all(&self) {
        let mut known = self.lock();
        known.forgets += 1;
        known.projects.clear();
    }
}
