//! Server function for the audit log page.

use engine::{account::AuditEntry, page::Paged};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// One page of the audit log, newest first, narrowed by project, action and actor when given;
/// admins only.
#[server(prefix = "/_hookhub")]
pub async fn list_audit(
    project: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    cursor: Option<String>,
) -> Result<Paged<AuditEntry>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let filter = engine::account::AuditFilter {
        project,
        action,
        actor,
        page: engine::page::PageRequest {
            limit: None,
            cursor,
        },
    };
    Ok(engine.list_audit(&caller, filter).await?)
}
