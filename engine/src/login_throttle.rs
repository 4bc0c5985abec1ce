//! Login throttling: how many wrong passwords a username, and a client address, may try before
//! they must wait, and how long.
//!
//! Each key (a username, a client address) may fail a few times freely; after that every failure
//! doubles its wait, up to a cap, and a wait in progress refuses the login before any password
//! is hashed, so a flood costs nothing but this map. A success clears the username's count.
//! Counts live in the process: with several instances each counts what it sees.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures a username may make before it must wait.
const FREE_PER_USER: u32 = 5;
/// Failures a client address may make before it must wait: more than a user's, since many
/// people may share one address.
const FREE_PER_ADDRESS: u32 = 20;
/// The first wait; each further failure doubles it.
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// A key without failures for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Above this many keys, forgotten ones are swept out on the next failure.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    User(String),
    /// IPv6 clients are counted per /64, which one client usually holds whole.
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
}

fn keys(username: &str, client: Option<IpAddr>) -> Vec<(Key, u32)> {
    let mut keys = vec![(Key::User(username.to_lowercase()), FREE_PER_USER)];
    if let Some(ip) = client {
        let ip = match ip {
            IpAddr::V6(v6) => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
            v4 => v4,
        };
        keys.push((Key::Address(ip), FREE_PER_ADDRESS));
    }
    keys
}

impl LoginThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `Err(wait)` while the username or the address must still wait.
    pub fn check(
        &self,
        username: &str,
        client: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let failures = self.lock();
        let wait = keys(username, client)
            .iter()
            .filter_map(|(key, _)| failures.get(key))
            .map(|f| f.wait_until.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait)
        }
    }

    /// Counts a wrong password; returns how long the next try must wait (zero while free).
    pub fn failed(&self, username: &str, client: Option<IpAddr>, now: Instant) -> Duration {
        let mut failures = self.lock();
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, f| now.saturating_duration_since(f.last) < FORGET_AFTER);
        }
        let mut longest = Duration::ZERO;
        for (key, free) in keys(username, client) {
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
            let wait = if over == 0 {
                Duration::ZERO
            } else {
                FIRST_WAIT
                    .saturating_mul(1 << (over - 1).min(20))
                    .min(MAX_WAIT)
            };
            entry.wait_until = now + wait;
            longest = longest.max(wait);
        }
        longest
    }

    /// A right password: the username starts afresh (its address keeps its count, so that one
    /// good account does not open the way to guessing others).
    pub fn succeeded(&self, username: &str) {
        self.lock().remove(&Key::User(username.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_fails_freely_then_waits_longer_each_time() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..FREE_PER_USER {
            assert!(throttle.check("ada", None, start).is_ok());
            assert_eq!(throttle.failed("ada", None, start), Duration::ZERO);
        }
        assert_eq!(throttle.failed("ada", None, start), Duration::from_secs(1));
        assert_eq!(
            throttle.check("ADA", None, start),
            Err(Duration::from_secs(1))
        );
        let later = start + Duration::from_secs(1);
        assert!(throttle.check("ada", None, later).is_ok());
        assert_eq!(throttle.failed("ada", None, later), Duration::from_secs(2));
        assert_eq!(throttle.failed("ada", None, later), Duration::from_secs(4));
        assert!(
            throttle.check("grace", None, later).is_ok(),
            "other users are not held"
        );
        throttle.succeeded("ada");
        assert!(throttle.check("ada", None, later).is_ok());
    }

    #[test]
    fn waits_are_capped_and_forgotten_after_a_quiet_hour() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        let mut wait = Duration::ZERO;
        for _ in 0..100 {
            wait = throttle.failed("ada", None, start);
        }
        assert_eq!(wait, MAX_WAIT);
        let much_later = start + FORGET_AFTER + MAX_WAIT;
        assert_eq!(throttle.failed("ada", None, much_later), Duration::ZERO);
    }

    #[test]
    fn one_address_guessing_many_usernames_is_held_too() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        for i in 0..FREE_PER_ADDRESS {
            throttle.failed(&format!("user{i}"), Some(client), now);
        }
        assert!(throttle.check("someone-else", Some(client), now).is_ok());
        throttle.failed("someone-else", Some(client), now);
        assert!(throttle.check("another", Some(client), now).is_err());
        let neighbour: IpAddr = "203.0.113.10".parse().unwrap();
        assert!(throttle.check("another", Some(neighbour), now).is_ok());
        // IPv6: one /64 is one client.
        let a: IpAddr = "2001:4860:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:4860:1:2:ffff::9".parse().unwrap();
        for i in 0..=FREE_PER_ADDRESS {
            throttle.failed(&format!("v6-{i}"), Some(a), now);
        }
        assert!(throttle.check("fresh", Some(b), now).is_err());
    }
}
