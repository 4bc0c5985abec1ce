//! The Waldur dialect (`/api/hooks-web/`): web hooks with event types and groups, authors,
//! json/form content, Django REST framework's page-number lists (`Link` and `X-Result-Count`)
//! and its errors (`{"field": ["message"]}`, `{"detail": "…"}`).
//!
//! A Waldur hook has no name; Hookhub names it after a random id. Its deliveries use Waldur's
//! payload `{timestamp, message, type, context, levelname}`.

mod choices;
mod query;

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use chrono::{DateTime, Utc};
use engine::{
    ids::{SubscriptionId, UserId},
    subscription::{ContentType, PayloadFormat, Subscription, SubscriptionPatch, SubscriptionSpec},
    Engine, ErrorBody, FieldErrors,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    base_url,
    body::{require, Body},
    shape::{nested, shaped, Shape, WHOLE_BODY},
};
use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

const RESULT_COUNT: HeaderName = HeaderName::from_static("x-result-count");

/// Django REST framework's shape: field errors as `{"field": ["message"]}`, anything else as
/// `{"detail": "…"}`.
struct Waldur;

impl Shape for Waldur {
    const FIELD_NAMES: &'static [(&'static str, &'static str)] = &[
        ("url", "destination_url"),
        ("enabled", "is_active"),
        (WHOLE_BODY, "non_field_errors"),
    ];

    fn body(error: &ErrorBody) -> Value {
        match error.fields.is_empty() {
            true => json!({ "detail": error.detail }),
            false => nested(&error.fields, |message| json!([message])),
        }
    }
}

pub fn router() -> Router<AppState> {
    shaped::<Waldur>(
        Router::new()
            .route("/api/hooks-web/", get(list).post(create))
            .route(
                "/api/hooks-web/{uuid}/",
                get(read).put(update).patch(update).delete(remove),
            ),
    )
}

/// `WebHook`.
#[derive(Serialize)]
struct WebHook {
    url: String,
    uuid: String,
    is_active: bool,
    author_uuid: String,
    event_types: Vec<String>,
    event_groups: Vec<String>,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
    hook_type: &'static str,
    author_fullname: String,
    author_username: String,
    author_email: String,
    destination_url: String,
    content_type: &'static str,
}

impl WebHook {
    fn of(s: Subscription, base: &str) -> WebHook {
        let uuid = s.id.0.simple().to_string();
        let author = s.author.unwrap_or_else(|| engine::subscription::Author {
            id: UserId(Uuid::nil()),
            username: String::new(),
            full_name: String::new(),
            email: String::new(),
        });
        WebHook {
            url: format!("{base}/api/hooks-web/{uuid}/"),
            uuid,
            is_active: s.spec.enabled,
            author_uuid: author.id.0.simple().to_string(),
            event_types: s.spec.event_types,
            event_groups: s.spec.event_groups,
            created: s.created_at,
            modified: s.updated_at,
            hook_type: "webhook",
            author_fullname: author.full_name,
            author_username: author.username,
            author_email: author.email,
            destination_url: s.spec.url,
            content_type: s.spec.content_type.as_str(),
        }
    }
}

/// `WebHookRequest` / `PatchedWebHookRequest`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct WebHookIn {
    is_active: Option<bool>,
    event_types: Option<Vec<String>>,
    event_groups: Option<Vec<String>>,
    destination_url: Option<String>,
    content_type: Option<ContentType>,
}

impl WebHookIn {
    /// Waldur's own rules: its fields' choices, and `destination_url` for a whole hook (POST,
    /// PUT) rather than a change (PATCH).
    fn check(&self, whole: bool) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if whole {
            require(
                &mut errors,
                "destination_url",
                self.destination_url.is_some(),
            );
        }
        choices::check_events(
            &mut errors,
            self.event_types.as_deref(),
            self.event_groups.as_deref(),
        );
        errors.into_result(())
    }

    fn into_patch(self) -> SubscriptionPatch {
        SubscriptionPatch::default()
            .set_given("url", self.destination_url)
            .set_given("enabled", self.is_active)
            .set_given("event_types", self.event_types)
            .set_given("event_groups", self.event_groups)
            .set_given("content_type", self.content_type)
    }
}

/// A bare array of one page, with the total in `X-Result-Count` and the other pages in `Link`.
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    uri: axum::http::Uri,
    ApiQuery(query): ApiQuery<query::ListQuery>,
) -> Result<Response, ApiError> {
    let listing = query.read()?;
    let project = engine.home_project(&caller).await?;
    let all = engine
        .all_subscriptions(&caller, &project, listing.filter)
        .await?;
    let size = listing.page_size;
    let pages = all.len().div_ceil(size).max(1);
    let page = query::page_number(listing.page.as_deref(), pages)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "Invalid page."))?;
    let base = base_url(&headers);
    let total = all.len();
    let items: Vec<WebHook> = all
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|s| WebHook::of(s, &base))
        .collect();
    // Every page link keeps the request's filters, as Django REST framework's do.
    let filters: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .filter(|(key, _)| key != "page" && key != "page_size")
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
    let link = |n: usize, rel: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&filters)
            .append_pair("page", &n.to_string())
            .append_pair("page_size", &size.to_string())
            .finish();
        format!("<{base}/api/hooks-web/?{query}>; rel=\"{rel}\"")
    };
    let mut links = vec![link(1, "first")];
    if page > 1 {
        links.push(link(page - 1, "prev"));
    }
    if page < pages {
        links.push(link(page + 1, "next"));
    }
    links.push(link(pages, "last"));
    let mut response = ApiJson(items).into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(RESULT_COUNT, HeaderValue::from(total));
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        response_headers.insert(header::LINK, value);
    }
    Ok(response)
}

/// A new hook names event types or groups (Waldur's rule for the whole request, checked once
/// its fields are valid).
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    Body(input): Body<WebHookIn>,
) -> Result<(StatusCode, ApiJson<WebHook>), ApiError> {
    input.check(true)?;
    if input.event_types.is_none() && input.event_groups.is_none() {
        let mut errors = FieldErrors::default();
        errors.add(
            WHOLE_BODY,
            "Please specify list of event_types or event_groups.",
        );
        return Err(errors.into());
    }
    let subscription = SubscriptionSpec {
        name: format!("hooks-web-{}", Uuid::new_v4().simple()),
        url: input.destination_url.unwrap_or_default(),
        enabled: input.is_active.unwrap_or(true),
        event_types: input.event_types.unwrap_or_default(),
        event_groups: input.event_groups.unwrap_or_default(),
        content_type: input.content_type.unwrap_or_default(),
        payload_format: PayloadFormat::Waldur,
        ..SubscriptionSpec::default()
    };
    let project = engine.home_project(&caller).await?;
    let created = engine
        .create_subscription(&caller, &project, subscription)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(WebHook::of(created, &base_url(&headers))),
    ))
}

async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<SubscriptionId>,
) -> Result<ApiJson<WebHook>, ApiError> {
    let project = engine.home_project(&caller).await?;
    let found = engine.get_subscription(&caller, &project, id).await?;
    Ok(ApiJson(WebHook::of(found, &base_url(&headers))))
}

/// PUT and PATCH: the fields sent change, the others stay; PUT needs `destination_url`.
async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    method: Method,
    headers: HeaderMap,
    ApiPath(id): ApiPath<SubscriptionId>,
    Body(input): Body<WebHookIn>,
) -> Result<ApiJson<WebHook>, ApiError> {
    input.check(method == Method::PUT)?;
    let project = engine.home_project(&caller).await?;
    let updated = engine
        .update_subscription(&caller, &project, id, input.into_patch())
        .await?;
    Ok(ApiJson(WebHook::of(updated, &base_url(&headers))))
}

async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<SubscriptionId>,
) -> Result<StatusCode, ApiError> {
    let project = engine.home_project(&caller).await?;
    engine.delete_subscription(&caller, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
