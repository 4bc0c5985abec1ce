//! The dashboard's create form: fields as typed text, read into a [`SubscriptionIn`].

use serde::{Deserialize, Serialize};

use super::{Labels, SubscriptionIn};
use crate::FieldErrors;

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

/// Every field as the text a person typed.
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
            timeout_seconds,
            labels,
            ..SubscriptionIn::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
