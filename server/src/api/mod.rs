//! The native JSON API under `/api/v1`, one module per resource, and its OpenAPI document.
//!
//! Every route is registered through `utoipa_axum::routes!`, which takes the route's path and
//! method from the handler's `#[utoipa::path]`: the router and the document come from the same
//! declaration, so a route cannot exist without being documented.

mod channels;
mod deliveries;
mod event_types;
mod events;
mod live;
mod objects;
mod overview;
mod probes;
mod projects;
mod subscriptions;
mod tokens;
mod users;

use axum::{http::StatusCode, routing::get, Json, Router};
use engine::ErrorBody;
use serde::Serialize;
use utoipa::{
    openapi::{
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        OpenApi as Document, RefOr, Response, ResponseBuilder,
    },
    Modify, OpenApi, ToSchema,
};
use utoipa_axum::router::OpenApiRouter;

use crate::{error::ApiError, state::AppState};

/// How many deliveries an operation queued.
#[derive(Serialize, ToSchema)]
struct Queued {
    queued: u64,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hookhub",
        description = "Webhook subscriptions, events and durable deliveries. Every route needs an \
            API token (create one in the dashboard or with `hookhub token create`).",
    ),
    servers((url = "/api/v1")),
    security(("bearer" = []), ("token" = []), ("x_auth_token" = []), ("api_key" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "projects", description = "The unit of tenancy"),
        (name = "subscriptions", description = "Where events are delivered"),
        (name = "events", description = "What happened, to be delivered"),
        (name = "event-types", description = "The project's event catalogue: declared types and their data schemas"),
        (name = "deliveries", description = "One event to one subscription, with every attempt"),
        (name = "live", description = "What happens in a project, as it happens"),
        (name = "tests", description = "On-demand endpoint tests"),
        (name = "channels", description = "Registered delivery services"),
        (name = "inbound", description = "Objects and the secret URLs that act on them"),
        (name = "tokens", description = "API credentials"),
        (name = "users", description = "Accounts and the audit log"),
    )
)]
struct ApiDoc;

/// Adds what every operation shares: the credential schemes, and the error answers each route
/// can give (with the `{code, detail, fields}` body).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        let header = |name: &str, description: &str| {
            let mut value = ApiKeyValue::new(name);
            value.description = Some(description.to_owned());
            SecurityScheme::ApiKey(ApiKey::Header(value))
        };
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "token",
            header("Authorization", "`Authorization: Token <token>`"),
        );
        components.add_security_scheme("x_auth_token", header("X-Auth-Token", "The token alone"));
        components.add_security_scheme(
            "api_key",
            header(
                "Authorization",
                "`Authorization: ApiKey <username>:<token>`",
            ),
        );
        let errors = [
            ("400", "Malformed query or unreadable body"),
            ("401", "No valid credentials (see `WWW-Authenticate`)"),
            ("403", "The credentials' role does not allow this"),
            ("404", "No such thing, or not visible to these credentials"),
            ("413", "Body larger than the configured limit"),
            ("422", "Invalid fields; `fields` says which and why"),
            (
                "429",
                "Too many requests with this token (see `Retry-After`)",
            ),
        ];
        for item in doc.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                for (status, description) in errors {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error_response(description));
                }
            }
        }
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// The API's routes and its OpenAPI document.
pub fn router() -> (Router<AppState>, Document) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(projects::router())
        .merge(subscriptions::router())
        .merge(events::router())
        .merge(event_types::router())
        .merge(live::router())
        .merge(deliveries::router())
        .merge(overview::router())
        .merge(probes::router())
        .merge(objects::router())
        .merge(channels::router())
        .merge(tokens::router())
        .merge(users::router())
        .split_for_parts();
    // After the merge: the conventions apply to every route's operation.
    Conventions.modify(&mut doc);
    let published = doc.clone();
    let router = router
        .route("/openapi.json", get(move || async move { Json(published) }))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API route")
        });
    (router, doc)
}

#[cfg(test)]
mod tests {
    /// A plain `.route(` in a resource module would add a route the document does not describe:
    /// each one registers its routes through `routes!` only. Every module in the folder is read,
    /// so a new one is checked without being listed anywhere. (`mod.rs` routes the document
    /// itself.)
    #[test]
    fn resource_modules_register_routes_only_through_the_documenting_macro() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
        let modules: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| !path.ends_with("mod.rs"))
            .collect();
        assert!(modules.iter().any(|path| path.ends_with("events.rs")));
        for path in modules {
            let source = std::fs::read_to_string(&path).unwrap();
            assert!(
                !source.contains(".route("),
                "{}: an undocumented route; register it with routes!",
                path.display()
            );
        }
    }
}
