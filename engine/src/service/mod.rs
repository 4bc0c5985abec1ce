//! [`Engine`]: the operations every adapter (API, dialects, dashboard) calls.
//!
//! Each operation validates its input, applies the business rules and goes to storage; adapters
//! only translate wire formats to and from these calls.

mod subscriptions;

use crate::{
    ids::ProjectId,
    store::{projects, Store},
    EngineError,
};

/// The project every fresh installation starts with.
pub const DEFAULT_PROJECT: &str = "default";

/// Hookhub's engine; cheap to clone, shared by every request handler.
#[derive(Clone, Debug)]
pub struct Engine {
    store: Store,
}

impl Engine {
    /// Opens the database, brings its schema up to date and makes sure the default project exists.
    pub async fn open(database_url: &str) -> Result<Engine, EngineError> {
        let store = Store::open(database_url).await?;
        store.migrate().await?;
        projects::ensure(&store, DEFAULT_PROJECT).await?;
        Ok(Engine { store })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Resolves a project name; an unknown project is `NotFound`.
    async fn project_id(&self, project: &str) -> Result<ProjectId, EngineError> {
        projects::id_by_name(&self.store, project)
            .await?
            .ok_or(EngineError::NotFound("project"))
    }
}
