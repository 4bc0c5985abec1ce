//! Standard Webhooks signatures: `webhook-id`, `webhook-timestamp` and `webhook-signature`.
//!
//! A secret is `whsec_` followed by base64 of the key bytes. The signature is
//! `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`; while a rotated-out secret is still
//! valid, both sign and the header carries both, separated by a space.

use std::time::Duration;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{EngineError, FieldErrors};

const PREFIX: &str = "whsec_";
const KEY_BYTES: usize = 32;

/// Secrets that sign at once at most: the current one and this many rotated-out ones less one.
pub const MAX_SIGNING_SECRETS: usize = 5;
/// The longest a rotated-out secret keeps signing.
pub const MAX_ROTATION_OVERLAP: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// A rotated-out secret, signing beside the current one until `expires_at` (epoch ms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retired {
    pub secret: String,
    pub expires_at: i64,
}

/// A subscription's signing secrets: the current one and those still in their overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyring {
    pub current: String,
    pub retired: Vec<Retired>,
}

impl Keyring {
    /// Every secret that signs at `now`, the current one first.
    pub fn signing(&self, now: i64) -> Vec<String> {
        std::iter::once(self.current.clone())
            .chain(
                self.retired
                    .iter()
                    .filter(|r| r.expires_at > now)
                    .map(|r| r.secret.clone()),
            )
            .collect()
    }

    /// The keyring after a rotation at `now`: a new current secret, and the old one signing
    /// beside it for `overlap`. Every earlier secret keeps its own overlap; expired ones are
    /// dropped. At most [`MAX_SIGNING_SECRETS`] sign at once: a rotation beyond that is a
    /// conflict until one expires (or with no overlap).
    pub fn rotated(&self, now: i64, overlap: Duration) -> Result<Keyring, EngineError> {
        if overlap > MAX_ROTATION_OVERLAP {
            let mut errors = FieldErrors::default();
            errors.add(
                "overlap_seconds",
                format!(
                    "must be at most {} seconds (30 days)",
                    MAX_ROTATION_OVERLAP.as_secs()
                ),
            );
            return Err(errors.into());
        }
        let mut retired: Vec<Retired> = self
            .retired
            .iter()
            .filter(|r| r.expires_at > now)
            .cloned()
            .collect();
        if !overlap.is_zero() {
            retired.push(Retired {
                secret: self.current.clone(),
                expires_at: now + overlap.as_millis() as i64,
            });
        }
        if retired.len() >= MAX_SIGNING_SECRETS {
            let soonest = retired.iter().map(|r| r.expires_at).min().unwrap_or(now);
            return Err(EngineError::Conflict(format!(
                "{} secrets would sign at once (at most {MAX_SIGNING_SECRETS}); rotate again \
                 after {}, or with overlap_seconds 0",
                retired.len() + 1,
                chrono::DateTime::from_timestamp_millis(soonest).unwrap_or_default()
            )));
        }
        Ok(Keyring {
            current: generate_secret(),
            retired,
        })
    }
}

/// A new random signing secret.
pub fn generate_secret() -> String {
    let mut key = [0u8; KEY_BYTES];
    rand::rng().fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The key bytes of a `whsec_…` secret (a secret without the prefix is taken as base64 too).
fn key_of(secret: &str) -> Vec<u8> {
    let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret);
    STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| encoded.as_bytes().to_vec())
}

/// `v1,<signature>` for one secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key_of(secret)).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The `webhook-signature` header value: one signature per valid secret.
pub fn signature_header<'a>(
    secrets: impl IntoIterator<Item = &'a str>,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .into_iter()
        .map(|secret| sign(secret, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from the Standard Webhooks specification's test vectors.
    #[test]
    fn matches_the_specification_example() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_are_random_and_prefixed() {
        let (a, b) = (generate_secret(), generate_secret());
        assert!(a.starts_with(PREFIX));
        assert_ne!(a, b);
        assert_eq!(key_of(&a).len(), KEY_BYTES);
    }

    #[test]
    fn two_secrets_give_two_signatures() {
        let header = signature_header(["whsec_AAAA", "whsec_BBBB"], "id", 1, b"{}");
        let parts: Vec<_> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], sign("whsec_AAAA", "id", 1, b"{}"));
    }

    #[test]
    fn every_rotated_out_secret_signs_until_its_own_overlap_ends() {
        let day = Duration::from_secs(86_400);
        let first = Keyring {
            current: generate_secret(),
            retired: vec![],
        };
        let second = first.rotated(0, day).unwrap();
        // A second rotation within the first overlap keeps the first secret too.
        let third = second.rotated(1_000, day).unwrap();
        let signing = third.signing(2_000);
        assert_eq!(signing.len(), 3);
        assert_eq!(signing[0], third.current);
        assert!(signing.contains(&first.current) && signing.contains(&second.current));
        // Each one leaves when its own overlap ends.
        let after_first = 86_400_000 + 1;
        assert_eq!(
            third.signing(after_first),
            [third.current.clone(), second.current.clone()]
        );
        assert_eq!(
            third.signing(86_401_000 + 1),
            std::slice::from_ref(&third.current)
        );
    }

    #[test]
    fn rotations_are_bounded_in_count_and_overlap() {
        let mut keyring = Keyring {
            current: generate_secret(),
            retired: vec![],
        };
        for _ in 1..MAX_SIGNING_SECRETS {
            keyring = keyring.rotated(0, Duration::from_secs(60)).unwrap();
        }
        assert!(matches!(
            keyring.rotated(0, Duration::from_secs(60)),
            Err(EngineError::Conflict(_))
        ));
        assert!(
            keyring.rotated(0, Duration::ZERO).is_ok(),
            "no overlap adds none"
        );
        assert!(
            keyring.rotated(61_000, Duration::from_secs(60)).is_ok(),
            "once they expire"
        );
        assert!(matches!(
            keyring.rotated(0, MAX_ROTATION_OVERLAP + Duration::from_secs(1)),
            Err(EngineError::Invalid(_))
        ));
    }
}
