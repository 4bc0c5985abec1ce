//! Inbound operations: register objects, give them handlers, and turn a call on a handler's
//! secret URL into an event on its object.

use serde_json::json;

use super::{events::parse_cursor, Engine};
use crate::{
    account::{Caller, Role},
    event::{EventIn, ObjectRef},
    ids::{HandlerId, ObjectId},
    inbound::{id_range, Call, Handler, HandlerFilter, HandlerIn, ObjectIn, ProjectObject},
    page::{PageRequest, Paged, MAX_PAGE_SIZE},
    store::{inbound as rows, projects},
    EngineError, FieldErrors,
};

impl Engine {
    pub async fn create_object(
        &self,
        caller: &Caller,
        project: &str,
        input: ObjectIn,
    ) -> Result<ProjectObject, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let id = rows::insert_object(&self.store, project_id, &input.validate()?).await?;
        let object = self.get_object(caller, project, id).await?;
        let detail = json!({"type": object.object_type, "name": object.name});
        self.audit(
            &caller.username,
            Some(project),
            "object.created",
            &id.to_string(),
            detail,
        )
        .await;
        Ok(object)
    }

    /// One page of the project's objects, of one type if `object_type` is given, oldest first.
    pub async fn list_objects(
        &self,
        caller: &Caller,
        project: &str,
        object_type: Option<&str>,
        page: PageRequest,
    ) -> Result<Paged<ProjectObject>, EngineError> {
        let project_id = self.authorize(caller, project, Role::Read).await?;
        let page = page.validate()?;
        let after = parse_cursor(page.cursor.as_deref())?;
        let data =
            rows::objects(&self.store, project_id, object_type, after, page.limit + 1).await?;
        Ok(Paged::from_overfetch(data, page.limit, |o| {
            o.id.to_string()
        }))
    }

    pub async fn get_object(
        &self,
        caller: &Caller,
        project: &str,
        id: ObjectId,
    ) -> Result<ProjectObject, EngineError> {
        let project_id = self.authorize(caller, project, Role::Read).await?;
        rows::object(&self.store, Some(project_id), id)
            .await?
            .ok_or(EngineError::NotFound("object"))
    }

    /// Deletes the object and its handlers (their URLs stop working).
    pub async fn delete_object(
        &self,
        caller: &Caller,
        project: &str,
        id: ObjectId,
    ) -> Result<(), EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        if !rows::delete_object(&self.store, project_id, id).await? {
            return Err(EngineError::NotFound("object"));
        }
        self.audit(
            &caller.username,
            Some(project),
            "object.deleted",
            &id.to_string(),
            json!({}),
        )
        .await;
        Ok(())
    }

    /// Gives the object new handlers, all or none. With several, field errors are numbered
    /// (`1.name`).
    pub async fn create_handlers(
        &self,
        caller: &Caller,
        project: &str,
        object: ObjectId,
        inputs: Vec<HandlerIn>,
    ) -> Result<Vec<Handler>, EngineError> {
        self.authorize(caller, project, Role::Write).await?;
        self.get_object(caller, project, object).await?;
        let mut errors = FieldErrors::default();
        if inputs.is_empty() || inputs.len() > MAX_PAGE_SIZE as usize {
            errors.add("handlers", format!("must be 1 to {MAX_PAGE_SIZE} handlers"));
        }
        let numbered = inputs.len() > 1;
        let mut valid = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            match input.validate() {
                Ok(handler) => valid.push(handler),
                Err(found) => found.iter().for_each(|(field, message)| match numbered {
                    true => errors.add(format!("{i}.{field}"), message),
                    false => errors.add(field, message),
                }),
            }
        }
        let valid = errors.into_result(valid)?;
        let created = rows::insert_handlers(&self.store, object, &valid).await?;
        for handler in &created {
            let detail = json!({"object_id": object, "name": handler.name});
            let id = handler.id.to_string();
            self.audit(
                &caller.username,
                Some(project),
                "handler.created",
                &id,
                detail,
            )
            .await;
        }
        Ok(created)
    }

    /// One page of the object's handlers (oldest first) and how many it has in all. A handler's
    /// id is the secret part of its call URL, so reading handlers takes the write role.
    pub async fn list_handlers(
        &self,
        caller: &Caller,
        project: &str,
        object: ObjectId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<Handler>, i64), EngineError> {
        let everything = HandlerFilter::default();
        self.find_handlers(caller, project, object, &everything, offset, limit)
            .await
    }

    /// One page of the object's handlers that pass `filter` (oldest first), and how many pass.
    pub async fn find_handlers(
        &self,
        caller: &Caller,
        project: &str,
        object: ObjectId,
        filter: &HandlerFilter,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<Handler>, i64), EngineError> {
        self.authorize(caller, project, Role::Write).await?;
        self.get_object(caller, project, object).await?;
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            let mut errors = FieldErrors::default();
            errors.add("limit", format!("must be between 1 and {MAX_PAGE_SIZE}"));
            return Err(errors.into());
        }
        let ids = match filter.id_prefix.as_deref().map(id_range) {
            None => None,
            Some(Some(range)) => Some(range),
            Some(None) => return Ok((Vec::new(), 0)),
        };
        let selection = rows::HandlerSelection {
            object,
            name: filter.name.as_deref(),
            ids,
        };
        rows::handlers(&self.store, &selection, offset, limit).await
    }

    pub async fn get_handler(
        &self,
        caller: &Caller,
        project: &str,
        object: ObjectId,
        id: HandlerId,
    ) -> Result<Handler, EngineError> {
        self.authorize(caller, project, Role::Write).await?;
        self.get_object(caller, project, object).await?;
        rows::handler(&self.store, object, id)
            .await?
            .ok_or(EngineError::NotFound("handler"))
    }

    /// Deletes the handler; its URL answers 404 from then on.
    pub async fn delete_handler(
        &self,
        caller: &Caller,
        project: &str,
        object: ObjectId,
        id: HandlerId,
    ) -> Result<(), EngineError> {
        self.authorize(caller, project, Role::Write).await?;
        self.get_object(caller, project, object).await?;
        if !rows::delete_handler(&self.store, object, id).await? {
            return Err(EngineError::NotFound("handler"));
        }
        self.audit(
            &caller.username,
            Some(project),
            "handler.deleted",
            &id.to_string(),
            json!({}),
        )
        .await;
        Ok(())
    }

    /// A call on a handler's URL: the URL is the credential, so there is no caller. Performs the
    /// handler's operation by emitting `<object type>.<operation>` about the object, delivered
    /// to every subscription that matches it.
    pub async fn call_handler(
        &self,
        object: ObjectId,
        handler: HandlerId,
    ) -> Result<Call, EngineError> {
        let handler = rows::record_call(&self.store, object, handler)
            .await?
            .ok_or(EngineError::NotFound("handler"))?;
        let object = rows::object(&self.store, None, object)
            .await?
            .ok_or(EngineError::NotFound("handler"))?;
        let project_id = projects::id_by_name(&self.store, &object.project)
            .await?
            .ok_or(EngineError::NotFound("handler"))?;
        let event_type = format!("{}.{}", object.object_type, handler.operation);
        let event = EventIn {
            event_type: event_type.clone(),
            object: Some(ObjectRef {
                kind: object.object_type.clone(),
                name: Some(object.name.clone()),
                version: None,
            }),
            data: Some(json!({
                "object_id": object.id,
                // Never the handler's id: it is the secret part of its call URL, and events are
                // read by read tokens and sent to receivers.
                "handler": {"name": handler.name},
            })),
            message: format!(
                "{} of {} {} requested through inbound handler {}",
                handler.operation, object.object_type, object.name, handler.name
            ),
            ..EventIn::default()
        };
        let mut ingested = self
            .ingest_batch(
                project_id,
                &object.project,
                vec![event],
                super::events::Catalogued::Exempt,
            )
            .await?;
        let ingested = ingested.remove(0);
        Ok(Call {
            event_id: ingested.event.id,
            matched: ingested.matched,
            event_type,
            handler,
            object,
        })
    }
}
