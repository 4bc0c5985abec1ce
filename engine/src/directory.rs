//! The directory: API tokens (by their hash) and projects (by name) in memory, so that a request
//! does not read the database twice just to learn who is calling and in which project.
//!
//! Like the roster, an entry is forgotten whenever what it says changes — at once in this
//! process, and elsewhere through the database's announcements ([`crate::bus`]) — and is read
//! again once it is older than its `max_age` in any case. Only what exists is kept: an unknown
//! token or project is looked up every time, so that one created by another process (the
//! command line, say) works at once.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::{account::Caller, ids::ProjectId};

/// Entries kept at most per kind; beyond it the kind starts afresh.
const MOST: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Token {
    pub caller: Caller,
    /// When its use was last written down (epoch ms).
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Default)]
struct Known {
    tokens: HashMap<String, (Token, Instant)>,
    projects: HashMap<String, (ProjectId, Instant)>,
}

#[derive(Debug)]
pub struct Directory {
    max_age: Duration,
    known: Mutex<Known>,
}

impl Directory {
    pub fn new(max_age: Duration) -> Directory {
        Directory {
            max_age,
            known: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The token whose hash is `hash`, if known and fresh.
    pub fn token(&self, hash: &str) -> Option<Token> {
        let known = self.lock();
        let (token, read_at) = known.tokens.get(hash)?;
        (read_at.elapsed() < self.max_age).then(|| token.clone())
    }

    pub fn keep_token(&self, hash: &str, token: Token, read_at: Instant) {
        let mut known = self.lock();
        if known.tokens.len() >= MOST {
            known.tokens.clear();
        }
        known.tokens.insert(hash.to_owned(), (token, read_at));
    }

    /// The token's use was written down at `at`.
    pub fn touched(&self, hash: &str, at: i64) {
        if let Some((token, _)) = self.lock().tokens.get_mut(hash) {
            token.last_used_at = Some(at);
        }
    }

    /// The project called `name`, if known and fresh.
    pub fn project(&self, name: &str) -> Option<ProjectId> {
        let known = self.lock();
        let (id, read_at) = known.projects.get(name)?;
        (read_at.elapsed() < self.max_age).then_some(*id)
    }

    pub fn keep_project(&self, name: &str, id: ProjectId, read_at: Instant) {
        let mut known = self.lock();
        if known.projects.len() >= MOST {
            known.projects.clear();
        }
        known.projects.insert(name.to_owned(), (id, read_at));
    }

    /// A token was revoked, or a user changed: every token is read again.
    pub fn forget_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// A project was deleted (and its tokens with it): everything is read again.
    pub fn forget_all(&self) {
        let mut known = self.lock();
        known.tokens.clear();
        known.projects.clear();
    }
}
