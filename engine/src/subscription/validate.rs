//! The rules a subscription's spec must pass before it is stored. Every problem is reported at once,
//! keyed by field.

use std::ops::RangeInclusive;

use super::{Header, Labels, SubscriptionSpec, METHODS};
use crate::{
    event::{event_name_rule, is_event_name},
    filter::Filter,
    FieldErrors,
};

pub const TIMEOUT_SECONDS: RangeInclusive<u32> = 1..=30;
pub const DEFAULT_TIMEOUT_SECONDS: u32 = 10;
pub const NAME_MAX_CHARS: usize = 128;
pub const URL_MAX_CHARS: usize = 2048;
pub const DESCRIPTION_MAX_CHARS: usize = 1024;
pub const LABELS_MAX: usize = 32;
pub const LABEL_KEY_MAX_CHARS: usize = 63;
pub const LABEL_VALUE_MAX_CHARS: usize = 256;
pub const EVENT_TYPES_MAX: usize = 64;
pub const EVENT_TYPE_MAX_CHARS: usize = 128;
pub const OBJECT_FIELD_MAX_CHARS: usize = 256;
pub const HEADERS_MAX: usize = 32;
pub const HEADER_VALUE_MAX_CHARS: usize = 4096;
pub const RATE_LIMIT: RangeInclusive<u32> = 1..=10_000;
pub const DEFAULT_CHANNEL: &str = "http";

/// Headers Hookhub sets itself on every delivery; a subscription cannot override them.
pub const RESERVED_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
];

/// A spec that passed [`SubscriptionSpec::validate`], normalised (trimmed, deduplicated,
/// upper-case method): the only form storage accepts. Its field is private, so no code outside
/// this module can make one without validating. Header values are in clear: this is what is
/// stored and sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSubscription(SubscriptionSpec);

impl ValidSubscription {
    pub fn into_spec(self) -> SubscriptionSpec {
        self.0
    }
}

impl std::ops::Deref for ValidSubscription {
    type Target = SubscriptionSpec;

    fn deref(&self) -> &SubscriptionSpec {
        &self.0
    }
}

impl SubscriptionSpec {
    /// Checks every field and reports all problems at once. Blank choices (method, channel) are
    /// their defaults.
    ///
    /// Rules that need the running engine (the channel's own config, where a URL resolves to)
    /// are checked by the engine on top of these.
    pub fn validate(self) -> Result<ValidSubscription, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        let name = self.name.trim().to_owned();
        check_name(&name, &mut errors);
        let channel = match self.channel.trim() {
            "" => DEFAULT_CHANNEL.to_owned(),
            channel => channel.to_owned(),
        };
        let url = self.url.trim().to_owned();
        // Other channels may not deliver over HTTP at all; a URL is only needed for `http`.
        if channel == DEFAULT_CHANNEL || !url.is_empty() {
            check_url(&url, &mut errors);
        }
        if self.description.chars().count() > DESCRIPTION_MAX_CHARS {
            errors.add(
                "description",
                format!("must be at most {DESCRIPTION_MAX_CHARS} characters"),
            );
        }
        check_range(
            "timeout_seconds",
            Some(self.timeout_seconds),
            &TIMEOUT_SECONDS,
            "seconds",
            &mut errors,
        );
        check_labels(&self.labels, &mut errors);
        let event_types = clean_list(self.event_types);
        check_event_types("event_types", &event_types, true, &mut errors);
        let event_groups = clean_list(self.event_groups);
        check_event_types("event_groups", &event_groups, false, &mut errors);
        let object_type = clean_optional("object_type", self.object_type, &mut errors);
        let object_name = clean_optional("object_name", self.object_name, &mut errors);
        let object_version = clean_optional("object_version", self.object_version, &mut errors);
        let filter = self.filter.filter(|f| !f.is_null());
        if let Some(filter) = &filter {
            if let Err(reason) = Filter::parse(filter) {
                errors.add("filter", reason);
            }
        }
        check_headers(&self.headers, &mut errors);
        let method = match self.method.trim() {
            "" => "POST".to_owned(),
            method => method.to_ascii_uppercase(),
        };
        if !METHODS.contains(&method.as_str()) {
            errors.add("method", format!("must be one of {}", METHODS.join(", ")));
        }
        if !self.channel_config.is_object() {
            errors.add("channel_config", "must be a JSON object");
        }
        check_range(
            "rate_limit",
            self.rate_limit,
            &RATE_LIMIT,
            "deliveries per second",
            &mut errors,
        );
        errors.into_result(ValidSubscription(SubscriptionSpec {
            name,
            url,
            event_types,
            event_groups,
            object_type,
            object_name,
            object_version,
            filter,
            method,
            channel,
            ..self
        }))
    }
}

fn check_range(
    field: &str,
    value: Option<u32>,
    range: &RangeInclusive<u32>,
    unit: &str,
    errors: &mut FieldErrors,
) {
    if value.is_some_and(|v| !range.contains(&v)) {
        errors.add(
            field,
            format!(
                "must be between {} and {} {unit}",
                range.start(),
                range.end()
            ),
        );
    }
}

fn check_name(name: &str, errors: &mut FieldErrors) {
    if name.is_empty() {
        errors.add("name", "is required");
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.add(
            "name",
            format!("must be at most {NAME_MAX_CHARS} characters"),
        );
    } else if name.chars().any(char::is_control) {
        errors.add("name", "must not contain control characters");
    }
}

fn check_url(url: &str, errors: &mut FieldErrors) {
    if url.is_empty() {
        errors.add("url", "is required");
        return;
    }
    if url.chars().count() > URL_MAX_CHARS {
        errors.add("url", format!("must be at most {URL_MAX_CHARS} characters"));
        return;
    }
    match url::Url::parse(url) {
        Err(e) => errors.add("url", format!("is not a valid URL ({e})")),
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") => {
            errors.add("url", "must use http or https");
        }
        Ok(parsed) if parsed.host_str().is_none_or(str::is_empty) => {
            errors.add("url", "must name a host");
        }
        Ok(_) => {}
    }
}

fn check_labels(labels: &Labels, errors: &mut FieldErrors) {
    if labels.len() > LABELS_MAX {
        errors.add("labels", format!("at most {LABELS_MAX} labels are allowed"));
    }
    for (key, value) in labels {
        if !is_label_key(key) {
            errors.add(
                "labels",
                format!(
                    "label key {key:?} must be 1 to {LABEL_KEY_MAX_CHARS} letters, digits, '-', '_' or '.', starting with a letter or digit"
                ),
            );
        } else if value.chars().count() > LABEL_VALUE_MAX_CHARS
            || value.chars().any(char::is_control)
        {
            errors.add(
                "labels",
                format!("label {key:?} must have a value of at most {LABEL_VALUE_MAX_CHARS} printable characters"),
            );
        }
    }
}

fn is_label_key(key: &str) -> bool {
    let mut chars = key.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    first_ok
        && key.len() <= LABEL_KEY_MAX_CHARS
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Trimmed, without blanks and duplicates, in the order given.
fn clean_list(items: Vec<String>) -> Vec<String> {
    let mut cleaned: Vec<String> = Vec::with_capacity(items.len());
    for item in items.into_iter().map(|i| i.trim().to_owned()) {
        if !item.is_empty() && !cleaned.contains(&item) {
            cleaned.push(item);
        }
    }
    cleaned
}

/// Event types and groups: `letters digits _ - . :`, and (for types) a trailing `*` wildcard.
fn check_event_types(field: &str, items: &[String], wildcards: bool, errors: &mut FieldErrors) {
    if items.len() > EVENT_TYPES_MAX {
        errors.add(
            field,
            format!("at most {EVENT_TYPES_MAX} entries are allowed"),
        );
    }
    for item in items {
        let body = match item.strip_suffix('*') {
            Some(prefix) if wildcards => prefix,
            _ => item.as_str(),
        };
        // `*` alone is every type; otherwise what comes before a wildcard is a name.
        let valid = item.len() <= EVENT_TYPE_MAX_CHARS && (body.is_empty() || is_event_name(body));
        if !valid {
            let wildcard_note = if wildcards {
                " (a trailing * is a wildcard)"
            } else {
                ""
            };
            errors.add(
                field,
                format!("{item:?} {}{wildcard_note}", event_name_rule()),
            );
        }
    }
}

/// A blank optional text is no value.
fn clean_optional(field: &str, value: Option<String>, errors: &mut FieldErrors) -> Option<String> {
    let value = value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())?;
    if value.chars().count() > OBJECT_FIELD_MAX_CHARS {
        errors.add(
            field,
            format!("must be at most {OBJECT_FIELD_MAX_CHARS} characters"),
        );
    }
    Some(value)
}

fn check_headers(headers: &[Header], errors: &mut FieldErrors) {
    if headers.len() > HEADERS_MAX {
        errors.add(
            "headers",
            format!("at most {HEADERS_MAX} headers are allowed"),
        );
    }
    for (i, header) in headers.iter().enumerate() {
        let key = header.key.trim();
        let is_token = !key.is_empty()
            && key.len() <= 128
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !is_token {
            errors.add(
                format!("headers.{i}.key"),
                "must be a valid HTTP header name",
            );
        } else if RESERVED_HEADERS.contains(&key.to_ascii_lowercase().as_str()) {
            errors.add(
                format!("headers.{i}.key"),
                format!("{key} is set by Hookhub itself"),
            );
        } else if headers[..i]
            .iter()
            .any(|h| h.key.trim().eq_ignore_ascii_case(key))
        {
            errors.add(format!("headers.{i}.key"), format!("{key} is given twice"));
        }
        match &header.value {
            None => errors.add(format!("headers.{i}.value"), "is required"),
            Some(v) if v.chars().count() > HEADER_VALUE_MAX_CHARS => errors.add(
                format!("headers.{i}.value"),
                format!("must be at most {HEADER_VALUE_MAX_CHARS} characters"),
            ),
            Some(v) if v.chars().any(|c| c.is_control() && c != '\t') => {
                errors.add(
                    format!("headers.{i}.value"),
                    "must not contain control characters",
                );
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::subscription::{ContentType, PayloadFormat};

    fn valid_input() -> SubscriptionSpec {
        SubscriptionSpec {
            name: "orders".into(),
            url: "https://example.com/hook".into(),
            ..SubscriptionSpec::default()
        }
    }

    fn errors_of(input: SubscriptionSpec) -> FieldErrors {
        input.validate().expect_err("input should be rejected")
    }

    #[test]
    fn valid_input_gets_defaults() {
        let valid = valid_input().validate().unwrap();
        assert_eq!(valid.timeout_seconds, DEFAULT_TIMEOUT_SECONDS);
        assert!(valid.enabled && valid.retry && !valid.include_result);
        assert_eq!(valid.method, "POST");
        assert_eq!(valid.channel, "http");
        assert_eq!(valid.content_type, ContentType::Json);
        assert_eq!(valid.payload_format, PayloadFormat::Hookhub);
        assert_eq!(valid.channel_config, json!({}));
    }

    #[test]
    fn missing_name_and_url_are_both_reported() {
        let errors = errors_of(SubscriptionSpec::default());
        assert_eq!(errors.get("name"), Some("is required"));
        assert_eq!(errors.get("url"), Some("is required"));
    }

    #[test]
    fn a_url_is_only_required_for_the_http_channel() {
        let input = SubscriptionSpec {
            url: String::new(),
            channel: "log".into(),
            ..valid_input()
        };
        assert!(input.validate().is_ok());
    }

    #[test]
    fn timeout_bounds_are_inclusive() {
        for ok in [1, 30] {
            let input = SubscriptionSpec {
                timeout_seconds: ok,
                ..valid_input()
            };
            assert_eq!(input.validate().unwrap().timeout_seconds, ok);
        }
        for bad in [0, 31] {
            let input = SubscriptionSpec {
                timeout_seconds: bad,
                ..valid_input()
            };
            assert!(errors_of(input).get("timeout_seconds").is_some());
        }
    }

    #[test]
    fn urls_must_be_absolute_http() {
        for bad in [
            "not a url",
            "ftp://example.com/x",
            "/relative",
            "mailto:a@b.c",
        ] {
            let input = SubscriptionSpec {
                url: bad.into(),
                ..valid_input()
            };
            assert!(errors_of(input).get("url").is_some(), "{bad} accepted");
        }
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX_CHARS));
        let input = SubscriptionSpec {
            url: long,
            ..valid_input()
        };
        assert!(errors_of(input).get("url").unwrap().contains("at most"));
    }

    #[test]
    fn name_length_and_characters_are_limited() {
        let at_limit = SubscriptionSpec {
            name: "n".repeat(NAME_MAX_CHARS),
            ..valid_input()
        };
        assert!(at_limit.validate().is_ok());
        for bad in ["n".repeat(NAME_MAX_CHARS + 1), "a\nb".into(), "   ".into()] {
            let input = SubscriptionSpec {
                name: bad,
                ..valid_input()
            };
            assert!(errors_of(input).get("name").is_some());
        }
    }

    #[test]
    fn labels_are_checked() {
        let labels = Labels::from([("bad key".to_owned(), "x".to_owned())]);
        assert!(errors_of(SubscriptionSpec {
            labels,
            ..valid_input()
        })
        .get("labels")
        .is_some());
        let too_many = (0..=LABELS_MAX)
            .map(|i| (format!("k{i}"), "v".into()))
            .collect();
        assert!(errors_of(SubscriptionSpec {
            labels: too_many,
            ..valid_input()
        })
        .get("labels")
        .is_some());
    }

    #[test]
    fn event_types_allow_a_trailing_wildcard_and_are_cleaned() {
        let input = SubscriptionSpec {
            event_types: vec![
                " deployment.* ".into(),
                "".into(),
                "user_created".into(),
                "user_created".into(),
            ],
            ..valid_input()
        };
        assert_eq!(
            input.validate().unwrap().event_types,
            ["deployment.*", "user_created"]
        );
        for bad in ["a b", "x*y", "ü"] {
            let input = SubscriptionSpec {
                event_types: vec![bad.into()],
                ..valid_input()
            };
            assert!(
                errors_of(input).get("event_types").is_some(),
                "{bad} accepted"
            );
        }
        let input = SubscriptionSpec {
            event_groups: vec!["group*".into()],
            ..valid_input()
        };
        assert!(errors_of(input).get("event_groups").is_some());
    }

    #[test]
    fn filters_are_parsed_when_saved() {
        let input = SubscriptionSpec {
            filter: Some(json!({"data.x": {"$bogus": 1}})),
            ..valid_input()
        };
        assert!(errors_of(input).get("filter").unwrap().contains("$bogus"));
        let input = SubscriptionSpec {
            filter: Some(json!({"for_all": ["node"]})),
            ..valid_input()
        };
        assert!(input.validate().is_ok());
    }

    #[test]
    fn headers_must_be_valid_and_not_reserved() {
        let header = |key: &str, value: Option<&str>| Header {
            key: key.into(),
            value: value.map(str::to_owned),
            protected: false,
        };
        let input = SubscriptionSpec {
            headers: vec![
                header("X-Ok", Some("1")),
                header("bad header", Some("1")),
                header("Webhook-Signature", Some("forged")),
                header("x-ok", Some("2")),
                header("X-Missing", None),
                header("X-Newline", Some("a\r\nb")),
            ],
            ..valid_input()
        };
        let errors = errors_of(input);
        assert!(errors.get("headers.0.key").is_none());
        assert!(errors.get("headers.1.key").is_some());
        assert!(errors
            .get("headers.2.key")
            .unwrap()
            .contains("set by Hookhub"));
        assert!(errors.get("headers.3.key").unwrap().contains("twice"));
        assert_eq!(errors.get("headers.4.value"), Some("is required"));
        assert!(errors.get("headers.5.value").is_some());
    }

    #[test]
    fn choices_are_checked() {
        let input = SubscriptionSpec {
            method: "TRACE".into(),
            channel_config: json!([1]),
            rate_limit: Some(0),
            ..valid_input()
        };
        let errors = errors_of(input);
        for field in ["method", "channel_config", "rate_limit"] {
            assert!(errors.get(field).is_some(), "{field} not reported");
        }
        let input = SubscriptionSpec {
            content_type: ContentType::Form,
            payload_format: PayloadFormat::Waldur,
            method: " put ".into(),
            channel: " ".into(),
            ..valid_input()
        };
        let valid = input.validate().unwrap();
        assert_eq!(
            (
                valid.content_type,
                valid.payload_format,
                valid.method.as_str()
            ),
            (ContentType::Form, PayloadFormat::Waldur, "PUT")
        );
        assert_eq!(
            valid.channel, DEFAULT_CHANNEL,
            "a blank choice is its default"
        );
    }

    #[test]
    fn protected_values_are_withheld_when_shown() {
        let header = Header {
            key: "A".into(),
            value: Some("s".into()),
            protected: true,
        };
        assert_eq!(header.redacted().value, None);
        let open = Header {
            protected: false,
            ..header
        };
        assert_eq!(open.redacted().value.as_deref(), Some("s"));
    }
}
