//! Event catalogue operations: read tokens see a project's types, write tokens declare, change
//! and remove them. Every change is announced, so that ingest's compiled catalogues (here and in
//! other processes) are read again.

use serde_json::json;

use super::{events::parse_cursor, Engine};
use crate::{
    account::{Caller, Role},
    catalogue::{schema::TypeSchema, EventTypeIn, EventTypeOut, EventTypePatch},
    event::{EventIn, Ingested},
    page::{PageRequest, Paged},
    store::event_types as rows,
    EngineError, FieldErrors,
};

impl Engine {
    /// One page of the project's event types, in name order.
    pub async fn list_event_types(
        &self,
        caller: &Caller,
        project: &str,
        page: PageRequest,
    ) -> Result<Paged<EventTypeOut>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let page = page.validate()?;
        let after: Option<String> = parse_cursor(page.cursor.as_deref())?;
        let data = rows::list(&self.store, project, after.as_deref(), page.limit + 1).await?;
        Ok(Paged::from_overfetch(data, page.limit, |t| t.name.clone()))
    }

    pub async fn get_event_type(
        &self,
        caller: &Caller,
        project: &str,
        name: &str,
    ) -> Result<EventTypeOut, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        rows::get(&self.store, project, name)
            .await?
            .ok_or(EngineError::NotFound("event type"))
    }

    /// Declares a type; a name the project already declares is a `Conflict`.
    pub async fn create_event_type(
        &self,
        caller: &Caller,
        project: &str,
        input: EventTypeIn,
    ) -> Result<EventTypeOut, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let input = checked(input).await?;
        rows::insert(&self.store, project_id, &input).await?;
        self.bus.catalogue_changed(project_id);
        self.audit_event_type(caller, project, "event_type.created", &input.name)
            .await;
        self.get_event_type(caller, project, &input.name).await
    }

    /// Changes the fields the patch names; the result is checked as a whole (an example must
    /// pass a changed schema).
    pub async fn update_event_type(
        &self,
        caller: &Caller,
        project: &str,
        name: &str,
        patch: EventTypePatch,
    ) -> Result<EventTypeOut, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let stored = rows::get(&self.store, project_id, name)
            .await?
            .ok_or(EngineError::NotFound("event type"))?;
        let input = checked(patch.apply(&stored)).await?;
        if !rows::update(&self.store, project_id, &input).await? {
            return Err(EngineError::NotFound("event type"));
        }
        self.bus.catalogue_changed(project_id);
        self.audit_event_type(caller, project, "event_type.updated", name)
            .await;
        self.get_event_type(caller, project, name).await
    }

    /// Ingests the type's example as an event of that type (and group), as its producer would
    /// send it: it goes through the catalogue and to the subscriptions like any other.
    pub async fn send_example(
        &self,
        caller: &Caller,
        project: &str,
        name: &str,
    ) -> Result<Ingested, EngineError> {
        let declared = self.get_event_type(caller, project, name).await?;
        let event = EventIn {
            event_type: declared.name,
            group: declared.group,
            data: declared.example,
            ..Default::default()
        };
        self.ingest_event(caller, project, event).await
    }

    pub async fn delete_event_type(
        &self,
        caller: &Caller,
        project: &str,
        name: &str,
    ) -> Result<(), EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        if !rows::delete(&self.store, project_id, name).await? {
            return Err(EngineError::NotFound("event type"));
        }
        self.bus.catalogue_changed(project_id);
        self.audit_event_type(caller, project, "event_type.deleted", name)
            .await;
        Ok(())
    }

    async fn audit_event_type(&self, caller: &Caller, project: &str, action: &str, name: &str) {
        self.audit(
            &caller.username,
            Some(project),
            action,
            name,
            json!({"name": name}),
        )
        .await;
    }
}

/// The type's own rules, then its schema compiled and its example checked against it. Off the
/// async threads: a schema may be 64 KiB of patterns to compile.
async fn checked(input: EventTypeIn) -> Result<EventTypeIn, EngineError> {
    let input = input.validate()?;
    let Some(schema) = input.schema.clone() else {
        return Ok(input);
    };
    tokio::task::spawn_blocking(move || {
        let mut errors = FieldErrors::default();
        match TypeSchema::compile(&schema) {
            Err(reason) => errors.add("schema", reason),
            Ok(compiled) => {
                if let Some(example) = &input.example {
                    compiled.check(example, "example", &mut errors);
                }
            }
        }
        errors.into_result(input)
    })
    .await
    .map_err(|e| EngineError::internal_from("compiling an event type's schema", e))?
    .map_err(EngineError::from)
}
