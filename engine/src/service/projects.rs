//! Project operations: everyone sees the projects in their scope; only admins change them.

use serde_json::json;

use super::{events::parse_cursor, Engine};
use crate::{
    account::{Caller, Project, ProjectIn, ProjectPatch, Role},
    page::{PageRequest, Paged},
    store::projects as rows,
    EngineError, FieldErrors,
};

impl Engine {
    pub async fn list_projects(
        &self,
        caller: &Caller,
        page: PageRequest,
    ) -> Result<Paged<Project>, EngineError> {
        let page = page.validate()?;
        let after: Option<String> = parse_cursor(page.cursor.as_deref())?;
        let data = rows::list(
            &self.store,
            caller.project,
            after.as_deref(),
            page.limit + 1,
        )
        .await?;
        Ok(Paged::from_overfetch(data, page.limit, |p| p.name.clone()))
    }

    pub async fn get_project(&self, caller: &Caller, name: &str) -> Result<Project, EngineError> {
        self.authorize(caller, name, Role::Read).await?;
        rows::by_name(&self.store, name)
            .await?
            .ok_or(EngineError::NotFound("project"))
    }

    pub async fn create_project(
        &self,
        caller: &Caller,
        input: ProjectIn,
    ) -> Result<Project, EngineError> {
        caller.require(Role::Admin)?;
        if caller.project.is_some() {
            return Err(EngineError::Forbidden(
                "a token limited to one project cannot create projects".into(),
            ));
        }
        let project = rows::insert(&self.store, &input.validate()?).await?;
        self.audit(
            &caller.username,
            Some(&project.name),
            "project.created",
            &project.id.to_string(),
            json!({}),
        )
        .await;
        Ok(project)
    }

    pub async fn update_project(
        &self,
        caller: &Caller,
        name: &str,
        patch: ProjectPatch,
    ) -> Result<Project, EngineError> {
        let id = self.authorize(caller, name, Role::Admin).await?;
        let patch = patch.validate()?;
        if let Some(description) = &patch.description {
            rows::set_description(&self.store, id, description).await?;
        }
        if let Some(strict) = patch.strict {
            rows::set_strict(&self.store, id, strict).await?;
            self.bus.catalogue_changed(id);
        }
        self.audit(
            &caller.username,
            Some(name),
            "project.updated",
            &id.to_string(),
            json!(patch),
        )
        .await;
        self.get_project(caller, name).await
    }

    /// Deletes the project and everything in it. `confirm` must repeat the project's name, so a
    /// stray request cannot wipe a project.
    pub async fn delete_project(
        &self,
        caller: &Caller,
        name: &str,
        confirm: Option<&str>,
    ) -> Result<(), EngineError> {
        let id = self.authorize(caller, name, Role::Admin).await?;
        if confirm != Some(name) {
            let mut errors = FieldErrors::default();
            errors.add(
                "confirm",
                "must repeat the project's name to delete it and all its data",
            );
            return Err(errors.into());
        }
        rows::delete(&self.store, id).await?;
        self.bus.projects_changed();
        self.audit(
            &caller.username,
            Some(name),
            "project.deleted",
            &id.to_string(),
            json!({}),
        )
        .await;
        Ok(())
    }
}
