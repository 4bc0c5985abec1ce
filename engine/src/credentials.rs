//! Secrets people hold: passwords (argon2id) and bearer strings such as API tokens and session
//! cookies (random, stored as SHA-256).

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::EngineError;

/// How many characters of a token are kept in clear to recognise it in lists.
pub const TOKEN_PREFIX_LEN: usize = 10;

/// A new random bearer string: `prefix` then 32 random bytes, URL-safe base64.
pub fn random_bearer(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored for a bearer string: its SHA-256, hex.
pub fn bearer_hash(bearer: &str) -> String {
    Sha256::digest(bearer.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An argon2id PHC string for `password`. Slow on purpose: call it off the async threads.
pub fn hash_password(password: &str) -> Result<String, EngineError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    // argon2's errors are not `std::error::Error` without its `std` feature: their text is kept.
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| EngineError::internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| EngineError::internal(format!("password hashing: {e}")))
}

/// Whether `password` matches the stored PHC string (a malformed one matches nothing).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let stored = hash_password("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("wrong horse", &stored));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn bearers_are_random_and_hashed_deterministically() {
        let (a, b) = (random_bearer("hh_"), random_bearer("hh_"));
        assert_ne!(a, b);
        assert!(a.starts_with("hh_") && a.len() == 3 + 43);
        assert_eq!(bearer_hash(&a), bearer_hash(&a));
        assert_eq!(bearer_hash(&a).len(), 64);
        assert!(!bearer_hash(&a).contains(&a));
    }
}
