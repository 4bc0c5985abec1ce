//! Login throttling: how many wrong passwords may be tried before the next try must wait, and
//! how long.
//!
//! Attempts are counted under three keys: the username from one client address (the usual
//! guesser), the username from anywhere (a guesser spread over many addresses) and the address
//! for any username (one client trying many accounts). Each key may fail a few times freely;
//! after that every failure doubles its wait, up to a cap. An attempt is counted *before* its
//! password is checked and refunded if it was right, so that many guesses sent at once are
//! counted at once, and a wait in progress refuses the login before any password is hashed: a
//! flood costs nothing but this map, whose keys are fixed-size and whose size is capped.
//!
//! Counts live in the process: with several instances each counts what it sees.

use std::{
    collections::HashMap,
    hash::{BuildHasher, RandomState},
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures of one username from one address before it must wait.
const FREE_PER_USER_AND_ADDRESS: u32 = 5;
/// Failures of one username from anywhere before it must wait: more, so that a stranger cannot
/// easily lock an account for everybody.
const FREE_PER_USER: u32 = 20;
/// Failures from one address for any username before it must wait: more than a user's, since
/// many people may share one address.
const FREE_PER_ADDRESS: u32 = 20;
/// The first wait; each further failure doubles it.
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// A key without failures for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// The most keys kept; beyond it, forgotten ones are swept out and then those not waiting.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// A username (hashed: keys stay small whatever is typed) from one address.
    UserAt(u64, IpAddr),
    User(u64),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    wait_until: Instant,
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, Failures>>,
    /// Random per process, so that nobody can pick usernames that share a key with another's.
    hasher: RandomState,
}

impl LoginThrottle {
    fn keys(&self, username: &str, client: Option<IpAddr>) -> Vec<(Key, u32)> {
        let user = self.hasher.hash_one(username.to_lowercase());
        let mut keys = vec![(Key::User(user), FREE_PER_USER)];
        if let Some(ip) = client {
            // IPv6 clients are counted per /64, which one client usually holds whole.
            let ip = match ip {
                IpAddr::V6(v6) => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    IpAddr::V6(segments.into())
                }
                v4 => v4,
            };
            keys.push((Key::UserAt(user, ip), FREE_PER_USER_AND_ADDRESS));
            keys.push((Key::Address(ip), FREE_PER_ADDRESS));
        }
        keys
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts an attempt about to be checked, as a failure until [`LoginThrottle::succeeded`]
    /// says otherwise; `Err(wait)` (and nothing counted) while any of its keys must still wait.
    pub fn attempt(
        &self,
        username: &str,
        client: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let keys = self.keys(username, client);
        let mut failures = self.lock();
        let wait = keys
            .iter()
            .filter_map(|(key, _)| failures.get(key))
            .map(|f| f.wait_until.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if !wait.is_zero() {
            return Err(wait);
        }
        if failures.len() + keys.len() > MAX_KEYS {
            failures.retain(|_, f| now.saturating_duration_since(f.last) < FORGET_AFTER);
        }
        if failures.len() + keys.len() > MAX_KEYS {
            failures.retain(|_, f| f.wait_until > now);
        }
        for (key, free) in keys {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
                wait_until: now,
            });
            if now.saturating_duration_since(entry.last) >= FORGET_AFTER {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last = now;
            let over = entry.count.saturating_sub(free);
            let wait = match over {
                0 => Duration::ZERO,
                n => FIRST_WAIT
                    .saturating_mul(1 << (n - 1).min(20))
                    .min(MAX_WAIT),
            };
            entry.wait_until = now + wait;
        }
        Ok(())
    }

    /// The password was right: the username starts afresh, and the address gets this attempt
    /// back (it keeps its other failures, so that one good account does not open the way to
    /// guessing others).
    pub fn succeeded(&self, username: &str, client: Option<IpAddr>) {
        let keys = self.keys(username, client);
        let mut failures = self.lock();
        for (key, _) in keys {
            match key {
                Key::Address(_) => {
                    if let Some(entry) = failures.get_mut(&key) {
                        entry.count = entry.count.saturating_sub(1);
                    }
                }
                _ => {
                    failures.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn a_guesser_fails_freely_then_waits_longer_each_time() {
        let throttle = LoginThrottle::default();
        let (start, from) = (Instant::now(), ip("203.0.113.9"));
        for _ in 0..=FREE_PER_USER_AND_ADDRESS {
            assert!(throttle.attempt("ada", from, start).is_ok());
        }
        // The sixth attempt, counted before its check, set a wait of one second.
        assert_eq!(throttle.attempt("ADA", from, start), Err(FIRST_WAIT));
        let later = start + FIRST_WAIT;
        assert!(throttle.attempt("ada", from, later).is_ok());
        assert_eq!(
            throttle.attempt("ada", from, later),
            Err(Duration::from_secs(2))
        );
        assert!(
            throttle.attempt("grace", from, later).is_ok(),
            "other users go on"
        );
        assert!(
            throttle.attempt("ada", ip("198.51.100.7"), later).is_ok(),
            "the user goes on from elsewhere"
        );
    }

    #[test]
    fn a_right_password_refunds_its_attempt() {
        let throttle = LoginThrottle::default();
        let (now, from) = (Instant::now(), ip("203.0.113.9"));
        for _ in 0..100 {
            throttle.attempt("ada", from, now).unwrap();
            throttle.succeeded("ada", from);
        }
        assert!(throttle.attempt("ada", from, now).is_ok());
    }

    #[test]
    fn waits_are_capped_and_forgotten_after_a_quiet_hour() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        let mut now = start;
        for _ in 0..100 {
            if let Err(wait) = throttle.attempt("ada", None, now) {
                assert!(wait <= MAX_WAIT);
                now += wait;
            }
        }
        let much_later = now + FORGET_AFTER + MAX_WAIT;
        assert!(throttle.attempt("ada", None, much_later).is_ok());
    }

    #[test]
    fn spread_guessing_and_one_address_guessing_many_are_held_too() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..FREE_PER_USER {
            let from = ip(&format!("198.51.100.{i}"));
            throttle.attempt("ada", from, now).unwrap();
        }
        throttle.attempt("ada", ip("198.51.100.200"), now).unwrap();
        assert!(throttle.attempt("ada", ip("192.0.2.1"), now).is_err());

        let client = ip("203.0.113.9");
        for i in 0..=FREE_PER_ADDRESS {
            throttle.attempt(&format!("user{i}"), client, now).unwrap();
        }
        assert!(throttle.attempt("someone-else", client, now).is_err());
        assert!(throttle
            .attempt("someone-else", ip("203.0.113.10"), now)
            .is_ok());
        // IPv6: one /64 is one client.
        let (a, b) = (ip("2001:4860:1:2::1"), ip("2001:4860:1:2:ffff::9"));
        for i in 0..=FREE_PER_ADDRESS {
            throttle.attempt(&format!("v6-{i}"), a, now).unwrap();
        }
        assert!(throttle.attempt("fresh", b, now).is_err());
    }

    #[test]
    fn the_map_stays_bounded() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..(MAX_KEYS + 10) {
            let _ = throttle.attempt(&i.to_string(), None, now);
        }
        assert!(throttle.lock().len() <= MAX_KEYS);
    }
}
