//! Authorization: the one place that decides whether a caller may act in a project.

use serde_json::Value;

use super::Engine;
use crate::{
    account::{AuditEntry, AuditFilter, Caller, Role},
    error::chain,
    ids::ProjectId,
    page::Paged,
    store::{audit, projects},
    EngineError,
};

impl Engine {
    /// The project's id if `caller` may act in it with `needed`. A project outside the caller's
    /// scope is `NotFound`, exactly like one that does not exist, so its existence stays hidden.
    pub async fn authorize(
        &self,
        caller: &Caller,
        project: &str,
        needed: Role,
    ) -> Result<ProjectId, EngineError> {
        let id = match self.directory.project(project) {
            Some(id) => id,
            None => {
                let read_at = std::time::Instant::now();
                let id = projects::id_by_name(&self.store, project)
                    .await?
                    .ok_or(EngineError::NotFound("project"))?;
                self.directory.keep_project(project, id, read_at);
                id
            }
        };
        if !caller.reaches(id) {
            return Err(EngineError::NotFound("project"));
        }
        caller.require(needed)?;
        Ok(id)
    }

    /// The project a dialect without projects in its paths acts in: the one a token is limited
    /// to, otherwise `default`.
    pub async fn home_project(&self, caller: &Caller) -> Result<String, EngineError> {
        let Some(id) = caller.project else {
            return Ok(super::DEFAULT_PROJECT.to_owned());
        };
        projects::name_of(&self.store, id)
            .await?
            .ok_or(EngineError::NotFound("project"))
    }

    /// Appends to the audit log. The change it describes has already happened, so a failure to
    /// record it is logged rather than reported as the change failing.
    pub(super) async fn audit(
        &self,
        actor: &str,
        project: Option<&str>,
        action: &str,
        target_id: &str,
        detail: Value,
    ) {
        if let Err(error) =
            audit::insert(&self.store, project, actor, action, target_id, &detail).await
        {
            tracing::error!(error = %chain(&error), action, target_id, "audit entry lost");
        }
    }

    /// The audit log, newest first, as `filter` narrows it; admins only. An admin whose
    /// credentials reach one project reads only that project's entries: the rest of the
    /// installation stays out of sight, and asking for another project is `NotFound`.
    pub async fn list_audit(
        &self,
        caller: &Caller,
        filter: AuditFilter,
    ) -> Result<Paged<AuditEntry>, EngineError> {
        caller.require(Role::Admin)?;
        let filter = filter.validate()?;
        let page = filter.page.validate()?;
        let before = super::events::parse_cursor(page.cursor.as_deref())?;
        let project = match caller.project {
            Some(id) => {
                let own = projects::name_of(&self.store, id)
                    .await?
                    .ok_or(EngineError::NotFound("project"))?;
                if filter.project.as_ref().is_some_and(|asked| *asked != own) {
                    return Err(EngineError::NotFound("project"));
                }
                Some(own)
            }
            // Entries keep a deleted project's name, so any name may be asked for.
            None => filter.project,
        };
        let only = audit::Only {
            project: project.as_deref(),
            action: filter.action.as_deref(),
            actor: filter.actor.as_deref(),
        };
        let data = audit::list(&self.store, only, before, page.limit + 1).await?;
        Ok(Paged::from_overfetch(data, page.limit, |e| {
            e.id.to_string()
        }))
    }
}
