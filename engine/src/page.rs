//! Keyset pagination: a bounded page size and an opaque cursor.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 250;

/// What a caller asks for: at most `limit` items after `cursor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct PageRequest {
    /// Items per page, 1 to 250 (default 50).
    #[serde(default, deserialize_with = "lenient")]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    pub cursor: Option<String>,
}

impl PageRequest {
    pub fn validate(self) -> Result<Page, FieldErrors> {
        let mut errors = FieldErrors::default();
        let limit = match self.limit {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=i64::from(MAX_PAGE_SIZE)).contains(&n) => n as u32,
            Some(_) => {
                errors.add("limit", format!("must be between 1 and {MAX_PAGE_SIZE}"));
                DEFAULT_PAGE_SIZE
            }
        };
        let cursor = self.cursor.filter(|c| !c.is_empty());
        errors.into_result(Page { limit, cursor })
    }
}

/// One page of results and the cursor for the next page (absent on the last page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Paged<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Paged<T> {
    /// Builds a page from a query that fetched one row more than `limit`: that extra row only
    /// says whether another page follows, and the cursor is the last kept item's.
    pub fn from_overfetch(
        mut data: Vec<T>,
        limit: u32,
        cursor_of: impl Fn(&T) -> String,
    ) -> Paged<T> {
        let next_cursor = if data.len() > limit as usize {
            data.truncate(limit as usize);
            data.last().map(cursor_of)
        } else {
            None
        };
        Paged { data, next_cursor }
    }
}

/// Reads an optional value given natively (JSON) or as text (a query string). Query strings carry
/// only text, and a struct that flattens another (as filters flatten [`PageRequest`]) loses
/// the query deserializer's own parsing, so numbers and booleans in query filters use this.
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr + Deserialize<'de>,
    T::Err: std::fmt::Display,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NativeOrText<T> {
        Native(T),
        Text(String),
    }
    match Option::<NativeOrText<T>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(NativeOrText::Native(value)) => Ok(Some(value)),
        Some(NativeOrText::Text(text)) => text.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// A time typed into a form: RFC 3339, or `YYYY-MM-DDTHH:MM[:SS]` (what a `datetime-local`
/// input sends) read as UTC. Blank is no time.
pub fn parse_time(text: &str) -> Result<Option<DateTime<Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|time| Some(time.and_utc()))
        .ok_or_else(|| "must be a time like 2026-11-23T14:30 (UTC)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_times_are_read_as_utc() {
        assert_eq!(parse_time(" "), Ok(None));
        let time = parse_time("2026-11-23T14:30").unwrap().unwrap();
        assert_eq!(time.to_rfc3339(), "2026-11-23T14:30:00+00:00");
        let time = parse_time("2026-11-23T15:30:00+01:00").unwrap().unwrap();
        assert_eq!(time.to_rfc3339(), "2026-11-23T14:30:00+00:00");
        assert!(parse_time("yesterday").is_err());
    }
}
