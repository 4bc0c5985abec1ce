//! How times, rates and durations read on the dashboard.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn when(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub fn maybe_when(time: Option<DateTime<Utc>>) -> String {
    time.map_or_else(|| "never".to_owned(), when)
}

pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1} %", r * 100.0))
}

pub fn millis(value: Option<u64>) -> String {
    value.map_or_else(|| "—".to_owned(), |ms| format!("{ms} ms"))
}

/// `later - earlier` in words: "45 s", "12 min", "3 h".
pub fn span(earlier: DateTime<Utc>, later: DateTime<Utc>) -> String {
    let seconds = (later - earlier).num_seconds().max(0);
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

/// The exact time, to the millisecond: "2026-12-04 16:38:33.123 UTC" (a batch of events shares
/// its second, rarely its millisecond).
pub fn exact(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string()
}

/// The time as `<time datetime>` wants it: RFC 3339 with milliseconds.
pub fn machine_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// How long before `now` `time` was, in the largest whole unit: "12 s ago", "3 min ago",
/// "5 h ago", "2 d ago"; under a second "just now". A time after `now` (clocks disagree) reads
/// "in 12 s".
pub fn ago(time: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let millis = (now - time).num_milliseconds();
    let seconds = millis.abs() / 1000;
    if seconds == 0 {
        return "just now".to_owned();
    }
    let amount = match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 48 * 3600 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    };
    if millis < 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(percent(Some(0.9876)), "98.8 %");
        assert_eq!(percent(None), "—");
        assert_eq!(millis(Some(12)), "12 ms");
        let t = DateTime::from_timestamp(1_000_000, 0).unwrap();
        assert_eq!(span(t, t + chrono::Duration::seconds(45)), "45 s");
        assert_eq!(span(t, t + chrono::Duration::seconds(900)), "15 min");
        assert_eq!(span(t, t + chrono::Duration::seconds(10_800)), "3 h");
        assert_eq!(maybe_when(None), "never");
    }

    #[test]
    fn relative_times_use_the_largest_whole_unit() {
        let now = DateTime::from_timestamp_millis(1_764_866_313_123).unwrap();
        let before = |ms: i64| now - chrono::Duration::milliseconds(ms);
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(before(999), now), "just now");
        assert_eq!(ago(before(12_400), now), "12 s ago");
        assert_eq!(ago(before(59_999), now), "59 s ago");
        assert_eq!(ago(before(60_000), now), "1 min ago");
        assert_eq!(ago(before(3 * 60_000 + 5_000), now), "3 min ago");
        assert_eq!(ago(before(5 * 3_600_000), now), "5 h ago");
        assert_eq!(ago(before(47 * 3_600_000), now), "47 h ago");
        assert_eq!(ago(before(3 * 86_400_000), now), "3 d ago");
        assert_eq!(ago(before(-12_000), now), "in 12 s");
    }

    #[test]
    fn exact_times_keep_the_millisecond() {
        let time = DateTime::from_timestamp_millis(1_764_866_313_007).unwrap();
        assert_eq!(exact(time), "2025-12-04 16:38:33.007 UTC");
        assert_eq!(machine_time(time), "2025-12-04T16:38:33.007Z");
    }
}
