//! Where and how one delivery is sent, taken from a stored subscription or from an ad-hoc test,
//! and the signed request it becomes.

use std::{sync::Arc, time::Duration};

use chrono::Utc;

use super::payload;
use crate::{
    channel::Outbound,
    delivery::HeaderPair,
    event::Event,
    ids::ProjectId,
    roster::Member,
    signing,
    subscription::{SubscriptionSpec, ValidSubscription},
};

/// Shown in the attempt log instead of a protected header's value.
const MASK: &str = "********";

#[derive(Debug, Clone)]
pub struct Target {
    /// Where and how to send: the subscription's settings, header values in clear.
    pub spec: Arc<SubscriptionSpec>,
    /// Every secret that signs; none for an unsigned test.
    pub secrets: Vec<String>,
}

impl Target {
    /// Where a stored subscription's deliveries go at `now` (epoch ms), signed with every
    /// secret valid then.
    pub fn of_member(member: &Member, now: i64) -> Target {
        Target {
            spec: member.clear_spec.clone(),
            secrets: member.keyring.signing(now),
        }
    }

    /// A target that exists only for one test delivery or ping, signed with `secrets`.
    pub fn of_valid(fields: ValidSubscription, secrets: Vec<String>) -> Target {
        Target {
            spec: Arc::new(fields.into_spec()),
            secrets,
        }
    }

    /// The signed request for `event`, sent on behalf of the project `origin`.
    pub fn request(&self, event: &Event, origin: ProjectId) -> Outbound {
        let spec = &*self.spec;
        let body = payload::render(spec, event, origin);
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
        for header in &spec.headers {
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
            url: spec.url.clone(),
            method: spec.method.clone(),
            headers: sent,
            logged_headers: logged,
            body: body.bytes,
            timeout: Duration::from_secs(u64::from(spec.timeout_seconds)),
            config: spec.channel_config.clone(),
        }
    }
}
