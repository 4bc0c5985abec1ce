//! The list's query parameters, read as Waldur reads them: django-filter's filters (a value
//! that does not parse is a 400 naming the filter, except booleans, which ignore what they do
//! not understand) and Django REST framework's page-number pages (a page that does not exist is
//! a 404; a bad page size falls back to the default).

use engine::{ids::UserId, page::parse_time, subscription::SubscriptionFilter, FieldErrors};
use serde::Deserialize;
use uuid::Uuid;

/// Django REST framework's defaults in Waldur: 10 a page, at most 100.
const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 100;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    author_uuid: Option<String>,
    author_username: Option<String>,
    author_fullname: Option<String>,
    author_email: Option<String>,
    destination_url: Option<String>,
    is_active: Option<String>,
    /// `1` json, `2` form.
    content_type: Option<String>,
    /// Text in the author's name, username or email.
    query: Option<String>,
    /// Hooks that published (delivered) at or after this time.
    last_published: Option<String>,
    page: Option<String>,
    page_size: Option<String>,
}

/// What the list shows.
pub struct Listing {
    pub filter: SubscriptionFilter,
    /// The page asked for, as given (the first when absent).
    pub page: Option<String>,
    pub page_size: usize,
}

impl ListQuery {
    pub fn read(self) -> Result<Listing, FieldErrors> {
        let mut errors = FieldErrors::default();
        let author_id = self
            .author_uuid
            .and_then(|text| match Uuid::try_parse(&text) {
                Ok(id) => Some(UserId(id)),
                Err(_) => {
                    errors.add("author_uuid", "Enter a valid UUID.");
                    None
                }
            });
        let content_type = self.content_type.and_then(|text| match text.as_str() {
            "1" => Some("json".to_owned()),
            "2" => Some("form".to_owned()),
            _ => {
                let message =
                    format!("Select a valid choice. {text} is not one of the available choices.");
                errors.add("content_type", message);
                None
            }
        });
        let delivered_since = self
            .last_published
            .and_then(|text| match parse_time(&text) {
                Ok(time) => time,
                Err(_) => {
                    errors.add("last_published", "Enter a valid date/time.");
                    None
                }
            });
        let filter = SubscriptionFilter {
            author_id,
            author_username: self.author_username,
            author_full_name: self.author_fullname,
            author_email: self.author_email,
            author_query: self.query,
            delivered_since,
            url: self.destination_url,
            enabled: self.is_active.as_deref().and_then(boolean),
            content_type,
            ..SubscriptionFilter::default()
        };
        let page_size = self
            .page_size
            .and_then(|text| text.parse::<usize>().ok())
            .filter(|size| *size > 0)
            .map_or(DEFAULT_PAGE_SIZE, |size| size.min(MAX_PAGE_SIZE));
        errors.into_result(Listing {
            filter,
            page: self.page,
            page_size,
        })
    }
}

/// django-filter's boolean widget: anything else means no filter.
fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// The 1-based page `asked` names among `pages` (`last` is the last one), or `None` for a page
/// that does not exist.
pub fn page_number(asked: Option<&str>, pages: usize) -> Option<usize> {
    match asked {
        None => Some(1),
        Some("last") => Some(pages),
        Some(text) => text.parse().ok().filter(|n| (1..=pages).contains(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_that_do_not_parse_are_named_and_booleans_are_lenient() {
        let query = ListQuery {
            author_uuid: Some("nope".into()),
            content_type: Some("7".into()),
            last_published: Some("yesterday".into()),
            ..ListQuery::default()
        };
        let Err(errors) = query.read() else {
            panic!("the query is refused")
        };
        for field in ["author_uuid", "content_type", "last_published"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let query = ListQuery {
            is_active: Some("maybe".into()),
            content_type: Some("2".into()),
            page_size: Some("500".into()),
            ..ListQuery::default()
        };
        let Ok(listing) = query.read() else {
            panic!("the query is read")
        };
        assert_eq!(listing.filter.enabled, None);
        assert_eq!(listing.filter.content_type.as_deref(), Some("form"));
        assert_eq!(listing.page_size, MAX_PAGE_SIZE);
    }

    #[test]
    fn only_existing_pages_are_pages() {
        assert_eq!(page_number(None, 1), Some(1));
        assert_eq!(page_number(Some("last"), 3), Some(3));
        assert_eq!(page_number(Some("2"), 3), Some(2));
        for missing in ["0", "4", "two", "-1"] {
            assert_eq!(page_number(Some(missing), 3), None, "{missing}");
        }
    }
}
