//! Tastypie's lists as Tutum served them: a window (`limit`, default 20, `0` for as many as
//! allowed; `offset`) over the handlers that pass the filters Tutum offers (`name`,
//! `uuid__startswith`), in `{"meta", "objects"}` with links to the neighbouring windows that
//! keep the filters. Any other filter is refused with Tastypie's message.

use engine::{inbound::HandlerFilter, page::MAX_PAGE_SIZE};
use serde::Serialize;
use url::form_urlencoded;

use crate::error::ApiError;

/// Tastypie's default page.
const DEFAULT_LIMIT: u32 = 20;
/// Tastypie's query parameter that is neither a window nor a filter.
const FORMAT: &str = "format";
/// The fields Tutum filters handlers by (`name` exactly, `uuid` by its start).
const FILTERED_FIELDS: [&str; 2] = ["name", "uuid"];

/// Which handlers a list shows.
#[derive(Debug, PartialEq)]
pub struct Window {
    pub filter: HandlerFilter,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Serialize)]
pub struct Listing<T> {
    meta: Meta,
    objects: Vec<T>,
}

#[derive(Serialize)]
struct Meta {
    limit: u32,
    offset: u32,
    total_count: i64,
    next: Option<String>,
    previous: Option<String>,
}

impl Window {
    /// The window a query string asks for; 400 with Tastypie's message for a filter Tutum does
    /// not offer or a limit or offset that is not a number.
    pub fn read(query: Option<&str>) -> Result<Window, ApiError> {
        let mut window = Window::everything(DEFAULT_LIMIT as usize);
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match key.as_ref() {
                "limit" => {
                    let limit = number("limit", &value)?;
                    // Tastypie: 0 is "all", and no window is larger than its maximum.
                    window.limit = if limit == 0 {
                        MAX_PAGE_SIZE
                    } else {
                        limit.min(MAX_PAGE_SIZE)
                    };
                }
                "offset" => window.offset = number("offset", &value)?,
                FORMAT => {}
                filter => {
                    let (field, lookup) = filter.split_once("__").unwrap_or((filter, "exact"));
                    match (field, lookup) {
                        ("name", "exact") => window.filter.name = Some(value.into_owned()),
                        ("uuid", "startswith") => {
                            window.filter.id_prefix = Some(value.into_owned())
                        }
                        _ => return Err(refused(field, lookup)),
                    }
                }
            }
        }
        Ok(window)
    }

    /// One window holding `count` handlers.
    pub fn everything(count: usize) -> Window {
        Window {
            filter: HandlerFilter::default(),
            limit: u32::try_from(count).unwrap_or(u32::MAX),
            offset: 0,
        }
    }

    /// `objects`, the window at `offset` of `total` handlers under `base` (the list's path).
    pub fn listing<T>(&self, base: &str, objects: Vec<T>, total: i64) -> Listing<T> {
        let page = |offset: u32| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("limit", &self.limit.to_string());
            query.append_pair("offset", &offset.to_string());
            if let Some(name) = &self.filter.name {
                query.append_pair("name", name);
            }
            if let Some(prefix) = &self.filter.id_prefix {
                query.append_pair("uuid__startswith", prefix);
            }
            format!("{base}?{}", query.finish())
        };
        let shown = self.offset.saturating_add(objects.len() as u32);
        Listing {
            meta: Meta {
                limit: self.limit,
                offset: self.offset,
                total_count: total,
                next: (i64::from(shown) < total).then(|| page(shown)),
                previous: (self.offset > 0).then(|| page(self.offset.saturating_sub(self.limit))),
            },
            objects,
        }
    }
}

fn number(name: &str, value: &str) -> Result<u32, ApiError> {
    value.parse().map_err(|_| {
        let detail =
            format!("Invalid {name} '{value}' provided. Please provide a positive integer.");
        ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_query", detail)
    })
}

/// Tastypie's refusal of a filter: a lookup the field does not allow, or a field that allows none.
fn refused(field: &str, lookup: &str) -> ApiError {
    let detail = match FILTERED_FIELDS.contains(&field) {
        true => format!("'{lookup}' is not an allowed filter on the '{field}' field."),
        false => format!("The '{field}' field does not allow filtering."),
    };
    ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_query", detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutums_filters_are_read_and_others_refused() {
        let window = Window::read(Some(
            "name=deploy&uuid__startswith=82d4&limit=0&offset=5&format=json",
        ))
        .unwrap();
        assert_eq!(window.filter.name.as_deref(), Some("deploy"));
        assert_eq!(window.filter.id_prefix.as_deref(), Some("82d4"));
        assert_eq!((window.limit, window.offset), (MAX_PAGE_SIZE, 5));
        for refused in [
            "state=Running",
            "name__startswith=d",
            "uuid=82d4",
            "limit=ten",
            "offset=-1",
        ] {
            assert!(Window::read(Some(refused)).is_err(), "{refused}");
        }
    }

    #[test]
    fn neighbouring_windows_keep_the_filters() {
        let window = Window::read(Some("name=a b&limit=2&offset=2")).unwrap();
        let listing = window.listing("/h/", vec![1, 2], 5);
        assert_eq!(
            listing.meta.next.as_deref(),
            Some("/h/?limit=2&offset=4&name=a+b")
        );
        assert_eq!(
            listing.meta.previous.as_deref(),
            Some("/h/?limit=2&offset=0&name=a+b")
        );
    }
}
