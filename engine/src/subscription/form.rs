//! The dashboard's subscription form: every field as typed text, read into a
//! [`SubscriptionSpec`] (to create) or a [`SubscriptionPatch`] that sets every field (to edit),
//! and written back from a stored [`Subscription`].

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;

use super::{Header, Labels, Subscription, SubscriptionPatch, SubscriptionSpec};
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
/// blank, it keeps the stored value; typed, it replaces it. (Defaults: a plain form post leaves
/// an unticked checkbox out.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeaderForm {
    pub key: String,
    pub value: String,
    pub protected: bool,
}

/// Every field as the text a person typed (lists comma separated, JSON as text). A field left
/// out takes its new subscription's default, except the checkboxes: a plain form post (the page
/// not hydrated yet, or no JavaScript) leaves an unticked one out, so missing is `false`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubscriptionForm {
    pub name: String,
    pub url: String,
    pub description: String,
    #[serde(default)]
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
    #[serde(default)]
    pub retry: bool,
    #[serde(default)]
    pub include_result: bool,
    pub rate_limit: String,
    pub channel: String,
    pub channel_config: String,
    pub payload_format: String,
}

impl Default for SubscriptionForm {
    /// A new subscription's form: what [`SubscriptionSpec`] defaults to, as text.
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
    fn from(subscription: &Subscription) -> Self {
        let s = &subscription.spec;
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
    /// Turns typed text into a spec, reporting text that cannot even be read as its type; the
    /// engine's validation judges the rest. Blank fields are their defaults.
    pub fn into_spec(self) -> Result<SubscriptionSpec, FieldErrors> {
        let mut errors = FieldErrors::default();
        let defaults = SubscriptionSpec::default();
        let timeout_seconds = whole_number(&mut errors, "timeout_seconds", &self.timeout_seconds);
        let rate_limit = whole_number(&mut errors, "rate_limit", &self.rate_limit);
        let labels = parse_labels(&self.labels).unwrap_or_else(|e| {
            errors.add("labels", e);
            Labels::new()
        });
        let filter = json_text(&mut errors, "filter", &self.filter);
        let channel_config = json_text(&mut errors, "channel_config", &self.channel_config);
        let content_type = choice(&mut errors, "content_type", &self.content_type);
        let payload_format = choice(&mut errors, "payload_format", &self.payload_format);
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
        errors.into_result(SubscriptionSpec {
            name: self.name,
            url: self.url.trim().to_owned(),
            description: self.description,
            enabled: self.enabled,
            timeout_seconds: timeout_seconds.unwrap_or(defaults.timeout_seconds),
            labels,
            event_types: list(&self.event_types),
            event_groups: list(&self.event_groups),
            object_type: blank_is_none(self.object_type),
            object_name: blank_is_none(self.object_name),
            object_version: blank_is_none(self.object_version),
            filter,
            headers,
            content_type,
            method: self.method,
            retry: self.retry,
            include_result: self.include_result,
            channel: self.channel,
            channel_config: channel_config.unwrap_or(defaults.channel_config),
            payload_format,
            rate_limit,
        })
    }

    /// The form as an edit that sets every field it shows (blank optional fields clear theirs);
    /// settings the form does not show keep their values.
    pub fn into_patch(self) -> Result<SubscriptionPatch, FieldErrors> {
        let shown = match serde_json::to_value(&self) {
            Ok(Value::Object(fields)) => fields,
            _ => unreachable!("a struct serialises to an object"),
        };
        let everything = SubscriptionPatch::replacing(&self.into_spec()?);
        Ok(everything.retain(|field| shown.contains_key(field)))
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

fn whole_number(errors: &mut FieldErrors, field: &str, text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse::<u32>()
        .map_err(|_| errors.add(field, "must be a whole number of at least 0"))
        .ok()
}

/// One of an enumeration's names, as its JSON form spells it; blank is its default.
fn choice<T: DeserializeOwned + Default>(errors: &mut FieldErrors, field: &str, text: &str) -> T {
    let text = text.trim();
    if text.is_empty() {
        return T::default();
    }
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|e| errors.add(field, e.to_string()))
        .unwrap_or_default()
}

pub(crate) fn json_text(errors: &mut FieldErrors, field: &str, text: &str) -> Option<Value> {
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

    /// What a plain form post carries: unticked checkboxes are absent, so they read as off,
    /// while text fields left out keep a new subscription's defaults.
    #[test]
    fn a_checkbox_left_out_is_off() {
        let posted: SubscriptionForm = serde_json::from_value(serde_json::json!({
            "name": "n",
            "headers": [{"key": "X-Team", "value": "core"}],
        }))
        .unwrap();
        assert!(!posted.enabled && !posted.retry && !posted.include_result);
        assert!(!posted.headers[0].protected);
        assert_eq!(posted.method, SubscriptionForm::default().method);
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
    fn form_text_is_parsed_with_field_errors() {
        let form = SubscriptionForm {
            name: "n".into(),
            url: "https://example.com".into(),
            timeout_seconds: "ten".into(),
            labels: "oops".into(),
            ..SubscriptionForm::default()
        };
        let errors = form.into_spec().unwrap_err();
        assert!(errors.get("timeout_seconds").is_some());
        assert!(errors.get("labels").is_some());

        let form = SubscriptionForm {
            name: "n".into(),
            url: "https://example.com".into(),
            timeout_seconds: " 12 ".into(),
            labels: "a:b".into(),
            ..SubscriptionForm::default()
        };
        let spec = form.into_spec().unwrap();
        assert_eq!(spec.timeout_seconds, 12);
        assert_eq!(spec.labels.len(), 1);
    }

    #[test]
    fn a_stored_subscription_round_trips_through_its_form() {
        let valid = SubscriptionSpec {
            name: "orders".into(),
            url: "https://example.com/hook".into(),
            event_types: vec!["order.*".into(), "refund.created".into()],
            filter: Some(serde_json::json!({"data.amount": {"$gte": 100}})),
            headers: valid_headers(),
            rate_limit: Some(5),
            ..SubscriptionSpec::default()
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
        let clear = valid_headers();
        let stored_clear = SubscriptionSpec {
            headers: clear.clone(),
            ..stored.spec.clone()
        };
        let edited = form.into_patch().unwrap().apply(&stored_clear).unwrap();
        assert_eq!(edited, stored_clear, "an unchanged form changes nothing");
        assert_eq!(edited.headers[0].value.as_deref(), Some("secret"));
    }

    fn valid_headers() -> Vec<Header> {
        vec![Header {
            key: "authorization".into(),
            value: Some("secret".into()),
            protected: true,
        }]
    }

    #[test]
    fn unreadable_json_and_numbers_are_field_errors() {
        let form = SubscriptionForm {
            filter: "{nope".into(),
            channel_config: "[".into(),
            rate_limit: "many".into(),
            timeout_seconds: "-1".into(),
            content_type: "xml".into(),
            ..SubscriptionForm::default()
        };
        let errors = form.into_spec().unwrap_err();
        for field in [
            "filter",
            "channel_config",
            "rate_limit",
            "timeout_seconds",
            "content_type",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
