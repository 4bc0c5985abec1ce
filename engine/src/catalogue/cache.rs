//! Each project's event catalogue in memory, schemas compiled, for ingest: the hot path must not
//! read the database for every event, least of all in the common case of a project without a
//! catalogue.
//!
//! Kept like the roster ([`crate::roster`]): a project's entry is read whole (one query) on first
//! use and forgotten whenever one of its types or its strict flag changes — at once in this
//! process, and in every other process sharing PostgreSQL through the change announcements
//! ([`crate::bus`]). As a safety net for changes no announcement carries (another process on the
//! same SQLite file, a lost notification), an entry is read again once it is older than
//! `max_age`; a schema that did not change keeps its compiled validator across such reads.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::Value;

use super::schema::TypeSchema;
use crate::{
    event::EventIn,
    ids::ProjectId,
    store::{event_types, Store},
    EngineError, FieldErrors,
};

/// What a declared type asks of its events' data.
#[derive(Debug)]
enum Rule {
    /// No schema: any data.
    Any,
    Schema(Value, Arc<TypeSchema>),
    /// A stored schema this binary cannot compile (it was accepted by another version): events
    /// of the type are flagged (or, in a strict project, refused) with the reason, so that
    /// people see it.
    Broken(Value, String),
}

impl Rule {
    fn schema(&self) -> Option<&Value> {
        match self {
            Rule::Any => None,
            Rule::Schema(schema, _) | Rule::Broken(schema, _) => Some(schema),
        }
    }
}

/// One project's catalogue, ready to check events.
#[derive(Debug)]
pub struct Catalogue {
    pub strict: bool,
    types: HashMap<String, Arc<Rule>>,
    read_at: Instant,
}

impl Catalogue {
    /// Whether checking can find anything: a project that is not strict and declares no types
    /// accepts every event as it is.
    pub fn is_inert(&self) -> bool {
        !self.strict && self.types.is_empty()
    }

    /// Records why the catalogue does not accept `event`, under field names after `prefix`
    /// (`type`, `data.amount`, …): an undeclared type (when the project declares any, or is
    /// strict), or data that fails the type's schema.
    pub fn check(&self, event: &EventIn, prefix: &str, errors: &mut FieldErrors) {
        if self.is_inert() {
            return;
        }
        match self.types.get(&event.event_type).map(|r| &**r) {
            None => errors.add(
                format!("{prefix}type"),
                "is not declared in the project's event catalogue",
            ),
            Some(Rule::Any) => {}
            Some(Rule::Schema(_, schema)) => {
                let empty = Value::Object(Default::default());
                schema.check(
                    event.data.as_ref().unwrap_or(&empty),
                    &format!("{prefix}data"),
                    errors,
                );
            }
            Some(Rule::Broken(_, reason)) => errors.add(
                format!("{prefix}data"),
                format!("cannot be checked: the type's stored schema {reason}"),
            ),
        }
    }
}

/// Every project's catalogue this process has read; cheap to clone.
#[derive(Debug, Clone)]
pub struct Catalogues {
    store: Store,
    max_age: Duration,
    known: Arc<Mutex<Known>>,
}

#[derive(Debug, Default)]
struct Known {
    projects: HashMap<ProjectId, Arc<Catalogue>>,
    /// Counts forgets: a read that a forget overtook is used once but not kept, since it may
    /// predate the change that was announced.
    forgets: u64,
}

impl Catalogues {
    pub fn new(store: Store, max_age: Duration) -> Catalogues {
        Catalogues {
            store,
            max_age,
            known: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The project's catalogue, read from the database only when not known (or too old).
    pub async fn get(&self, project: ProjectId) -> Result<Arc<Catalogue>, EngineError> {
        let (known, forgets) = {
            let known = self.lock();
            (known.projects.get(&project).cloned(), known.forgets)
        };
        if let Some(catalogue) = known
            .as_ref()
            .filter(|c| c.read_at.elapsed() < self.max_age)
        {
            return Ok(catalogue.clone());
        }
        let read_at = Instant::now();
        let stored = event_types::catalogue(&self.store, project)
            .await?
            .ok_or(EngineError::NotFound("project"))?;
        let previous = known.map(|c| c.types.clone()).unwrap_or_default();
        let strict = stored.strict;
        let compiling = stored
            .types
            .iter()
            .any(|(name, schema)| schema.is_some() && kept(&previous, name, schema).is_none());
        let build = move || {
            stored
                .types
                .into_iter()
                .map(|(name, schema)| {
                    let rule = kept(&previous, &name, &schema)
                        .unwrap_or_else(|| Arc::new(compile(schema)));
                    (name, rule)
                })
                .collect::<HashMap<_, _>>()
        };
        // Compiling is CPU work (a schema may be 64 KiB): off the async threads when there is
        // any to do.
        let types = if compiling {
            tokio::task::spawn_blocking(build)
                .await
                .map_err(|e| EngineError::internal_from("compiling event type schemas", e))?
        } else {
            build()
        };
        let catalogue = Arc::new(Catalogue {
            strict,
            types,
            read_at,
        });
        let mut known = self.lock();
        if known.forgets == forgets {
            known.projects.insert(project, catalogue.clone());
        }
        Ok(catalogue)
    }

    /// Forgets what is known of `project` (its types or strict flag changed).
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

/// The rule already compiled for `name` when its schema has not changed.
fn kept(
    previous: &HashMap<String, Arc<Rule>>,
    name: &str,
    schema: &Option<Value>,
) -> Option<Arc<Rule>> {
    previous
        .get(name)
        .filter(|rule| rule.schema() == schema.as_ref())
        .cloned()
}

fn compile(schema: Option<Value>) -> Rule {
    match schema {
        None => Rule::Any,
        Some(schema) => match TypeSchema::compile(&schema) {
            Ok(compiled) => Rule::Schema(schema, Arc::new(compiled)),
            Err(reason) => {
                tracing::error!(reason, "a stored event type schema does not compile");
                Rule::Broken(schema, reason)
            }
        },
    }
}
