//! Where and how one delivery is sent, taken from a stored subscription or from an ad-hoc test,
//! and the signed request it becomes.

use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use super::payload;
use crate::{
    channel::Outbound,
    delivery::HeaderPair,
    event::Event,
    ids::ProjectId,
    roster::Member,
    signing,
    subscription::{ContentType, Header, PayloadFormat, ValidSubscription},
};

/// Shown in the attempt log instead of a protected header's value.
const MASK: &str = "********";

#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub method: String,
    pub timeout: Duration,
    pub channel: String,
    pub channel_config: Value,
    pub format: PayloadFormat,
    pub content_type: ContentType,
    pub include_result: bool,
    /// Values in clear.
    pub headers: Vec<Header>,
    /// Every secret that signs; none for an unsigned test.
    pub secrets: Vec<String>,
}

impl Target {
    /// Where a stored subscription's deliveries go at `now` (epoch ms), signed with every
    /// secret valid then.
    pub fn of_member(member: &Member, now: i64) -> Target {
        let subscription = &member.receiver.subscription;
        Target {
            url: subscription.url.clone(),
            method: subscription.method.clone(),
            timeout: Duration::from_secs(u64::from(subscription.timeout_seconds)),
            channel: subscription.channel.clone(),
            channel_config: subscription.channel_config.clone(),
            format: subscription.payload_format,
            content_type: subscription.content_type,
            include_result: subscription.include_result,
            headers: member.clear_headers.clone(),
            secrets: member.keyring.signing(now),
        }
    }

    /// A target that exists only for one test delivery.
    pub fn of_valid(fields: ValidSubscription) -> Target {
        Target {
            url: fields.url,
            method: fields.method,
            timeout: Duration::from_secs(u64::from(fields.timeout_seconds)),
            channel: fields.channel,
            channel_config: fields.channel_config,
            format: fields.payload_format,
            content_type: fields.content_type,
            include_result: fields.include_result,
            headers: fields.headers,
            secrets: Vec::new(),
        }
    }

    /// The signed request for `event`, sent on behalf of the project `origin`.
    pub fn request(&self, event: &Event, origin: ProjectId) -> Outbound {
        let body = payload::render(self, event, origin);
        let id = event.id.to_string();
        let timestamp = Utc::now().timestamp();
        let mut sent: Vec<HeaderPair> = vec![
            ("content-type".into(), body.content_type.into()),
            ("webhook-id".into(), id.clone()),
            ("webhook-timestamp".into(), timestamp.to_string()),
        ];
        if !self.secrets.is_empty() {
            let signature = signing::signature_header(
                self.secrets.iter().map(String::as_str),
                &id,
                timestamp,
                &body.bytes,
            );
            sent.push(("webhook-signature".into(), signature));
        }
        let mut logged = sent.clone();
        for header in &self.headers {
            let value = header.value.clone().unwrap_or_default();
            let shown = if header.protected {
                MASK.to_owned()
            } else {
                value.clone()
            };
            sent.push((header.key.clone(), value));
            logged.push((header.key.clone(), shown));
        }
        Outbound {
            project: origin,
            url: self.url.clone(),
            method: self.method.clone(),
            headers: sent,
            logged_headers: logged,
            body: body.bytes,
            timeout: self.timeout,
            config: self.channel_config.clone(),
        }
    }
}
