//! The Waldur dialect (`/api/hooks-web/`): web hooks with event types and groups, authors,
//! json/form content, Django REST framework's page-number lists (`Link` and `X-Result-Count`).
//!
//! A Waldur hook has no name; Hookhub names it after a random id (names must be unique). Its
//! deliveries use Waldur's payload `{timestamp, message, type, context, levelname}`.

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use chrono::{DateTime, Utc};
use engine::{
    ids::{SubscriptionId, UserId},
    subscription::{Subscription, SubscriptionFilter, SubscriptionIn, SubscriptionPatch},
    Engine, EngineError,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::base_url;
use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

/// Waldur's names for the engine's fields, for validation messages.
const FIELD_NAMES: [(&str, &str); 2] = [("url", "destination_url"), ("enabled", "is_active")];
/// Django REST framework's defaults in Waldur: 10 a page, at most 100.
const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 100;
const RESULT_COUNT: HeaderName = HeaderName::from_static("x-result-count");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/hooks-web/", get(list).post(create))
        .route(
            "/api/hooks-web/{uuid}/",
            get(read).put(update).patch(update).delete(remove),
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
            is_active: s.enabled,
            author_uuid: author.id.0.simple().to_string(),
            event_types: s.event_types,
            event_groups: s.event_groups,
            created: s.created_at,
            modified: s.updated_at,
            hook_type: "webhook",
            author_fullname: author.full_name,
            author_username: author.username,
            author_email: author.email,
            destination_url: s.url,
            content_type: s.content_type.as_str(),
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
    content_type: Option<String>,
}

fn waldur(error: EngineError) -> ApiError {
    error.renamed(&FIELD_NAMES).into()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    author_uuid: Option<Uuid>,
    author_username: Option<String>,
    author_fullname: Option<String>,
    author_email: Option<String>,
    destination_url: Option<String>,
    #[serde(deserialize_with = "engine::page::lenient")]
    is_active: Option<bool>,
    /// `1` json, `2` form.
    #[serde(deserialize_with = "engine::page::lenient")]
    content_type: Option<u8>,
    /// Text in the author's name, username or email.
    query: Option<String>,
    /// Hooks that published (delivered) at or after this time.
    last_published: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "engine::page::lenient")]
    page: Option<usize>,
    #[serde(deserialize_with = "engine::page::lenient")]
    page_size: Option<usize>,
}

/// A bare array of one page, with the total in `X-Result-Count` and the other pages in `Link`.
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let content_type = match query.content_type {
        None => None,
        Some(1) => Some("json".to_owned()),
        Some(2) => Some("form".to_owned()),
        Some(_) => {
            let detail = "content_type must be 1 (json) or 2 (form)";
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                detail,
            ));
        }
    };
    let filter = SubscriptionFilter {
        author_id: query.author_uuid.map(UserId),
        author_username: query.author_username,
        author_full_name: query.author_fullname,
        author_email: query.author_email,
        author_query: query.query,
        delivered_since: query.last_published,
        url: query.destination_url,
        enabled: query.is_active,
        content_type,
        ..SubscriptionFilter::default()
    };
    let project = engine.home_project(&caller).await?;
    let all = engine.all_subscriptions(&caller, &project, filter).await?;
    let size = query
        .page_size
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE);
    let pages = all.len().div_ceil(size).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let base = base_url(&headers);
    let total = all.len();
    let items: Vec<WebHook> = all
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|s| WebHook::of(s, &base))
        .collect();
    let link = |n: usize, rel: &str| {
        format!("<{base}/api/hooks-web/?page={n}&page_size={size}>; rel=\"{rel}\"")
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

async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ApiJson(input): ApiJson<WebHookIn>,
) -> Result<(StatusCode, ApiJson<WebHook>), ApiError> {
    let subscription = SubscriptionIn {
        name: format!("hooks-web-{}", Uuid::new_v4().simple()),
        url: input.destination_url.unwrap_or_default(),
        enabled: input.is_active.unwrap_or(true),
        event_types: input.event_types.unwrap_or_default(),
        event_groups: input.event_groups.unwrap_or_default(),
        content_type: input.content_type,
        payload_format: Some("waldur".into()),
        ..SubscriptionIn::default()
    };
    let project = engine.home_project(&caller).await?;
    let created = engine
        .create_subscription(&caller, &project, subscription)
        .await
        .map_err(waldur)?;
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

/// PUT and PATCH alike: the fields sent change, the others stay.
async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<SubscriptionId>,
    ApiJson(input): ApiJson<WebHookIn>,
) -> Result<ApiJson<WebHook>, ApiError> {
    let patch = SubscriptionPatch {
        url: input.destination_url,
        enabled: input.is_active,
        event_types: input.event_types,
        event_groups: input.event_groups,
        content_type: input.content_type,
        ..SubscriptionPatch::default()
    };
    let project = engine.home_project(&caller).await?;
    let updated = engine
        .update_subscription(&caller, &project, id, patch)
        .await
        .map_err(waldur)?;
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
