//! How times, rates and durations read on the dashboard.

use chrono::{DateTime, Utc};

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
}
