//! Standard Webhooks signatures: `webhook-id`, `webhook-timestamp` and `webhook-signature`.
//!
//! A secret is `whsec_` followed by base64 of the key bytes. The signature is
//! `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`; while a rotated-out secret is still
//! valid, both sign and the header carries both, separated by a space.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const PREFIX: &str = "whsec_";
const KEY_BYTES: usize = 32;

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
}
