//! The dashboard's subscription form: every field as typed text, read into a [`SubscriptionIn`]
//! (to create) or a full [`SubscriptionPatch`] (to edit), and written back from a stored
//! [`Subscription`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Header, Labels, Subscription, SubscriptionIn, SubscriptionPatch};
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

/// A header row of the form. A protected header's stored value is never sent to the form: left
/// blank, it keeps the stored value; typed, it replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderForm {
    pub key: String,
    pub value: String,
    pub protected: bool,
}

/// Every field as the text a person typed (lists comma separated, JSON as text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubscriptionForm {
    pub name: String,
    pub url: String,
    pub description: String,
    pub enabled: bool,
    pub timeout_seconds: String,
    pub labels: String,
    pub event_types: String,
    pub event_groups: String,
    pub object_type: String,
    pub object_name: String,
    pub object_version: String,
    pub filter: String,
    pub headers: Vec<HeaderForm>,
    pub content_type: String,
    pub method: String,
    pub retry: bool,
    pub include_result: bool,
    pub rate_limit: String,
    pub channel: String,
    pub channel_config: String,
    pub payload_format: String,
}

impl Default for SubscriptionForm {
    /// A new subscription's form: what [`SubscriptionIn`] defaults to, as text.
    fn default() -> Self {
        SubscriptionForm {
            name: String::new(),
            url: String::new(),
            description: String::new(),
            enabled: true,
            timeout_seconds: String::new(),
            labels: String::new(),
            event_types: String::new(),
            event_groups: String::new(),
            object_type: String::new(),
            object_name: String::new(),
            object_version: String::new(),
            filter: String::new(),
            headers: Vec::new(),
            content_type: super::ContentType::default().as_str().to_owned(),
            method: "POST".to_owned(),
            retry: true,
            include_result: false,
            rate_limit: String::new(),
            channel: "http".to_owned(),
            channel_config: String::new(),
            payload_format: super::PayloadFormat::default().as_str().to_owned(),
        }
    }
}

impl From<&Subscription> for SubscriptionForm {
    fn from(s: &Subscription) -> Self {
        let optional = |value: &Option<String>| value.clone().unwrap_or_default();
        let json = |value: &Value| serde_json::to_string_pretty(value).unwrap_or_default();
        SubscriptionForm {
            name: s.name.clone(),
            url: s.url.clone(),
            description: s.description.clone(),
            enabled: s.enabled,
            timeout_seconds: s.timeout_seconds.to_string(),
            labels: format_labels(&s.labels),
            event_types: s.event_types.join(", "),
            event_groups: s.event_groups.join(", "),
            object_type: optional(&s.object_type),
            object_name: optional(&s.object_name),
            object_version: optional(&s.object_version),
            filter: s.filter.as_ref().map(json).unwrap_or_default(),
            headers: s
                .headers
                .iter()
                .map(|h| HeaderForm {
                    key: h.key.clone(),
                    value: h.value.clone().unwrap_or_default(),
                    protected: h.protected,
                })
                .collect(),
            content_type: s.content_type.as_str().to_owned(),
            method: s.method.clone(),
            retry: s.retry,
            include_result: s.include_result,
            rate_limit: s.rate_limit.map(|r| r.to_string()).unwrap_or_default(),
            channel: s.channel.clone(),
            channel_config: match &s.channel_config {
                Value::Object(map) if map.is_empty() => String::new(),
                config => json(config),
            },
            payload_format: s.payload_format.as_str().to_owned(),
        }
    }
}

impl SubscriptionForm {
    /// Turns typed text into an input, reporting text that cannot even be read as its type; the
    /// engine's validation judges the rest.
    pub fn into_input(self) -> Result<SubscriptionIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        let timeout_seconds = whole_number(&mut errors, "timeout_seconds", &self.timeout_seconds);
        let rate_limit = whole_number(&mut errors, "rate_limit", &self.rate_limit);
        let labels = parse_labels(&self.labels).unwrap_or_else(|e| {
            errors.add("labels", e);
            Labels::new()
        });
        let filter = json_text(&mut errors, "filter", &self.filter);
        let channel_config = json_text(&mut errors, "channel_config", &self.channel_config);
        let headers = self
            .headers
            .into_iter()
            .filter(|h| !(h.key.trim().is_empty() && h.value.is_empty()))
            .map(|h| Header {
                key: h.key.trim().to_owned(),
                // Blank and protected: keep what is stored (an edit) or ask for it (a create).
                value: (!(h.protected && h.value.is_empty())).then_some(h.value),
                protected: h.protected,
            })
            .collect();
        errors.into_result(SubscriptionIn {
            name: self.name,
            url: self.url.trim().to_owned(),
            description: self.description,
            enabled: self.enabled,
            timeout_seconds,
            labels,
            event_types: list(&self.event_types),
            event_groups: list(&self.event_groups),
            object_type: blank_is_none(self.object_type),
            object_name: blank_is_none(self.object_name),
            object_version: blank_is_none(self.object_version),
            filter,
            headers,
            content_type: blank_is_none(self.content_type),
            method: blank_is_none(self.method),
            retry: self.retry,
            include_result: self.include_result,
            channel: blank_is_none(self.channel),
            channel_config,
            payload_format: blank_is_none(self.payload_format),
            rate_limit,
            ..SubscriptionIn::default()
        })
    }

    /// The form as an edit that sets every field (blank optional fields clear theirs).
    pub fn into_patch(self) -> Result<SubscriptionPatch, FieldErrors> {
        let input = self.into_input()?;
        Ok(SubscriptionPatch {
            name: Some(input.name),
            url: Some(input.url),
            description: Some(input.description),
            enabled: Some(input.enabled),
            timeout_seconds: input.timeout_seconds,
            labels: Some(input.labels),
            event_types: Some(input.event_types),
            event_groups: Some(input.event_groups),
            object_type: Some(input.object_type),
            object_name: Some(input.object_name),
            object_version: Some(input.object_version),
            filter: Some(input.filter),
            headers: Some(input.headers),
            content_type: input.content_type,
            method: input.method,
            retry: Some(input.retry),
            include_result: Some(input.include_result),
            channel: input.channel,
            channel_config: Some(
                input
                    .channel_config
                    .unwrap_or_else(|| Value::Object(Default::default())),
            ),
            payload_format: input.payload_format,
            rate_limit: Some(input.rate_limit),
        })
    }
}

/// Comma- or space-separated words.
fn list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

fn blank_is_none(text: String) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn whole_number(errors: &mut FieldErrors, field: &str, text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse::<i64>()
        .map_err(|_| errors.add(field, "must be a whole number"))
        .ok()
}

fn json_text(errors: &mut FieldErrors, field: &str, text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    serde_json::from_str(text)
        .map_err(|e| errors.add(field, format!("is not JSON: {e}")))
        .ok()
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

    #[test]
    fn a_stored_subscription_round_trips_through_its_form() {
        let valid = SubscriptionIn {
            name: "orders".into(),
            url: "https://example.com/hook".into(),
            event_types: vec!["order.*".into(), "refund.created".into()],
            filter: Some(serde_json::json!({"data.amount": {"$gte": 100}})),
            headers: vec![Header {
                key: "authorization".into(),
                value: Some("secret".into()),
                protected: true,
            }],
            rate_limit: Some(5),
            ..SubscriptionIn::default()
        }
        .validate()
        .unwrap();
        let stored = crate::subscription::test_support::subscription_from(valid);
        let form = SubscriptionForm::from(&stored);
        assert_eq!(form.event_types, "order.*, refund.created");
        assert_eq!(
            form.headers[0].value, "",
            "a protected value never reaches the form"
        );
        let patch = form.into_patch().unwrap();
        assert_eq!(patch.event_types, Some(stored.event_types.clone()));
        assert_eq!(patch.filter, Some(stored.filter.clone()));
        assert_eq!(patch.rate_limit, Some(Some(5)));
        assert_eq!(
            patch.headers.unwrap()[0].value,
            None,
            "blank keeps the stored value"
        );
        let input = stored.patched(
            form_patch(&stored),
            &[Header {
                key: "authorization".into(),
                value: Some("secret".into()),
                protected: true,
            }],
        );
        assert_eq!(input.headers[0].value.as_deref(), Some("secret"));
    }

    fn form_patch(stored: &Subscription) -> SubscriptionPatch {
        SubscriptionForm::from(stored).into_patch().unwrap()
    }

    #[test]
    fn unreadable_json_and_numbers_are_field_errors() {
        let form = SubscriptionForm {
            filter: "{nope".into(),
            channel_config: "[".into(),
            rate_limit: "many".into(),
            ..SubscriptionForm::default()
        };
        let errors = form.into_input().unwrap_err();
        for field in ["filter", "channel_config", "rate_limit"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
