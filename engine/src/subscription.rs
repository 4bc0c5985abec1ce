//! Webhook subscriptions: what a caller may send, the rules it must pass, and what is stored.

use std::{collections::BTreeMap, ops::RangeInclusive};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ids::SubscriptionId, FieldErrors};

pub const TIMEOUT_SECONDS: RangeInclusive<i64> = 1..=30;
pub const DEFAULT_TIMEOUT_SECONDS: u32 = 10;
pub const NAME_MAX_CHARS: usize = 128;
pub const URL_MAX_CHARS: usize = 2048;
pub const DESCRIPTION_MAX_CHARS: usize = 1024;
pub const LABELS_MAX: usize = 32;
pub const LABEL_KEY_MAX_CHARS: usize = 63;
pub const LABEL_VALUE_MAX_CHARS: usize = 256;

/// Free-form `key → value` tags, e.g. `env → prod`.
pub type Labels = BTreeMap<String, String>;

/// A stored subscription, as every adapter returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub project: String,
    pub name: String,
    pub url: String,
    pub description: String,
    pub enabled: bool,
    pub timeout_seconds: u32,
    pub labels: Labels,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A request to create a subscription, not yet validated.
///
/// Every field has a default so that a missing field is reported by [`SubscriptionIn::validate`]
/// next to the others, instead of failing deserialisation on the first one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubscriptionIn {
    pub name: String,
    pub url: String,
    pub description: String,
    pub enabled: bool,
    pub timeout_seconds: Option<i64>,
    pub labels: Labels,
}

impl Default for SubscriptionIn {
    fn default() -> Self {
        SubscriptionIn {
            name: String::new(),
            url: String::new(),
            description: String::new(),
            enabled: true,
            timeout_seconds: None,
            labels: Labels::new(),
        }
    }
}

/// A partial update: absent fields keep their stored value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubscriptionPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub timeout_seconds: Option<i64>,
    pub labels: Option<Labels>,
}

/// A subscription's fields after validation: the only form storage accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSubscription {
    pub name: String,
    pub url: String,
    pub description: String,
    pub enabled: bool,
    pub timeout_seconds: u32,
    pub labels: Labels,
    _validated: (),
}

impl SubscriptionIn {
    /// Checks every field and reports all problems at once.
    pub fn validate(self) -> Result<ValidSubscription, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = self.name.trim().to_owned();
        check_name(&name, &mut errors);
        let url = self.url.trim().to_owned();
        check_url(&url, &mut errors);
        if self.description.chars().count() > DESCRIPTION_MAX_CHARS {
            errors.add(
                "description",
                format!("must be at most {DESCRIPTION_MAX_CHARS} characters"),
            );
        }
        let timeout_seconds = match self.timeout_seconds {
            None => DEFAULT_TIMEOUT_SECONDS,
            Some(t) if TIMEOUT_SECONDS.contains(&t) => t as u32,
            Some(_) => {
                errors.add(
                    "timeout_seconds",
                    format!(
                        "must be between {} and {} seconds",
                        TIMEOUT_SECONDS.start(),
                        TIMEOUT_SECONDS.end()
                    ),
                );
                DEFAULT_TIMEOUT_SECONDS
            }
        };
        check_labels(&self.labels, &mut errors);
        errors.into_result(ValidSubscription {
            name,
            url,
            description: self.description,
            enabled: self.enabled,
            timeout_seconds,
            labels: self.labels,
            _validated: (),
        })
    }
}

impl Subscription {
    /// The full input this subscription would have after `patch`, ready to be validated again.
    pub fn patched(&self, patch: SubscriptionPatch) -> SubscriptionIn {
        SubscriptionIn {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            url: patch.url.unwrap_or_else(|| self.url.clone()),
            description: patch
                .description
                .unwrap_or_else(|| self.description.clone()),
            enabled: patch.enabled.unwrap_or(self.enabled),
            timeout_seconds: Some(
                patch
                    .timeout_seconds
                    .unwrap_or(i64::from(self.timeout_seconds)),
            ),
            labels: patch.labels.unwrap_or_else(|| self.labels.clone()),
        }
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

/// Parses labels written as `key:value` pairs separated by commas (the form filters and the
/// dashboard use), e.g. `env:prod, team:core`. Blank input is no labels.
pub fn parse_labels(text: &str) -> Result<Labels, String> {
    let mut labels = Labels::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = pair.split_once(':') else {
            return Err(format!("{pair:?} is not of the form key:value"));
        };
        labels.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(labels)
}

/// Writes labels back in the form [`parse_labels`] reads.
pub fn format_labels(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The dashboard's create form: every field as the text a person typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionForm {
    pub name: String,
    pub url: String,
    pub description: String,
    pub timeout_seconds: String,
    pub labels: String,
}

impl SubscriptionForm {
    /// Turns typed text into an input, reporting text that cannot even be read as its type.
    pub fn into_input(self) -> Result<SubscriptionIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        let timeout_text = self.timeout_seconds.trim();
        let timeout_seconds = if timeout_text.is_empty() {
            None
        } else {
            timeout_text.parse::<i64>().map(Some).unwrap_or_else(|_| {
                errors.add("timeout_seconds", "must be a whole number of seconds");
                None
            })
        };
        let labels = parse_labels(&self.labels).unwrap_or_else(|e| {
            errors.add("labels", e);
            Labels::new()
        });
        errors.into_result(SubscriptionIn {
            name: self.name,
            url: self.url,
            description: self.description,
            enabled: true,
            timeout_seconds,
            labels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_input() -> SubscriptionIn {
        SubscriptionIn {
            name: "orders".into(),
            url: "https://example.com/hook".into(),
            ..SubscriptionIn::default()
        }
    }

    fn errors_of(input: SubscriptionIn) -> FieldErrors {
        input.validate().expect_err("input should be rejected")
    }

    #[test]
    fn valid_input_gets_defaults() {
        let valid = valid_input().validate().unwrap();
        assert_eq!(valid.timeout_seconds, DEFAULT_TIMEOUT_SECONDS);
        assert!(valid.enabled);
    }

    #[test]
    fn missing_name_and_url_are_both_reported() {
        let errors = errors_of(SubscriptionIn::default());
        assert_eq!(errors.get("name"), Some("is required"));
        assert_eq!(errors.get("url"), Some("is required"));
    }

    #[test]
    fn timeout_bounds_are_inclusive() {
        for ok in [1, 30] {
            let input = SubscriptionIn {
                timeout_seconds: Some(ok),
                ..valid_input()
            };
            assert_eq!(input.validate().unwrap().timeout_seconds, ok as u32);
        }
        for bad in [0, 31, -1] {
            let input = SubscriptionIn {
                timeout_seconds: Some(bad),
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
            let input = SubscriptionIn {
                url: bad.into(),
                ..valid_input()
            };
            assert!(errors_of(input).get("url").is_some(), "{bad} accepted");
        }
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX_CHARS));
        let input = SubscriptionIn {
            url: long,
            ..valid_input()
        };
        assert!(errors_of(input).get("url").unwrap().contains("at most"));
    }

    #[test]
    fn name_length_and_characters_are_limited() {
        let at_limit = SubscriptionIn {
            name: "n".repeat(NAME_MAX_CHARS),
            ..valid_input()
        };
        assert!(at_limit.validate().is_ok());
        for bad in ["n".repeat(NAME_MAX_CHARS + 1), "a\nb".into(), "   ".into()] {
            let input = SubscriptionIn {
                name: bad,
                ..valid_input()
            };
            assert!(errors_of(input).get("name").is_some());
        }
    }

    #[test]
    fn labels_are_checked() {
        let mut labels = Labels::new();
        labels.insert("bad key".into(), "x".into());
        let input = SubscriptionIn {
            labels,
            ..valid_input()
        };
        assert!(errors_of(input).get("labels").is_some());

        let too_many = (0..=LABELS_MAX)
            .map(|i| (format!("k{i}"), "v".into()))
            .collect();
        let input = SubscriptionIn {
            labels: too_many,
            ..valid_input()
        };
        assert!(errors_of(input).get("labels").is_some());
    }

    #[test]
    fn labels_round_trip_through_text() {
        let labels = parse_labels(" env:prod ,team: core,").unwrap();
        assert_eq!(labels.get("env").map(String::as_str), Some("prod"));
        assert_eq!(labels.get("team").map(String::as_str), Some("core"));
        assert_eq!(parse_labels(&format_labels(&labels)).unwrap(), labels);
        assert!(parse_labels("novalue").is_err());
        assert!(parse_labels("  ").unwrap().is_empty());
    }

    #[test]
    fn patch_keeps_absent_fields() {
        let stored = Subscription {
            id: SubscriptionId::generate(),
            project: "default".into(),
            name: "a".into(),
            url: "https://example.com/".into(),
            description: "d".into(),
            enabled: true,
            timeout_seconds: 7,
            labels: Labels::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let input = stored.patched(SubscriptionPatch {
            enabled: Some(false),
            ..SubscriptionPatch::default()
        });
        assert_eq!(input.name, "a");
        assert_eq!(input.timeout_seconds, Some(7));
        assert!(!input.enabled);
    }

    #[test]
    fn form_text_is_parsed_with_field_errors() {
        let form = SubscriptionForm {
            name: "n".into(),
            url: "https://example.com".into(),
            timeout_seconds: "ten".into(),
            labels: "oops".into(),
            ..SubscriptionForm::default()
        };
        let errors = form.into_input().unwrap_err();
        assert!(errors.get("timeout_seconds").is_some());
        assert!(errors.get("labels").is_some());

        let form = SubscriptionForm {
            name: "n".into(),
            url: "https://example.com".into(),
            timeout_seconds: " 12 ".into(),
            labels: "a:b".into(),
            ..SubscriptionForm::default()
        };
        let input = form.into_input().unwrap();
        assert_eq!(input.timeout_seconds, Some(12));
        assert_eq!(input.labels.len(), 1);
    }
}
