//! Charts drawn as SVG from the data: a stacked bar chart of attempts over time and a sparkline
//! of success rates.
//!
//! Why our own: two shapes are all the dashboard needs, SVG renders on the server (so the chart
//! is there before any WebAssembly loads) and adds nothing to the wasm beyond this file, while
//! chart crates for wasm draw on a canvas after hydration or pull in a JavaScript library.

use engine::overview::Bucket;
use leptos::prelude::*;

/// One bar's rectangles, in the chart's coordinates (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    /// The succeeded part, at the bottom.
    pub succeeded_y: f64,
    pub succeeded_height: f64,
    /// The failed part, stacked on top.
    pub failed_y: f64,
    pub failed_height: f64,
}

/// Lays out one bar per `(succeeded, failed)` pair across `width`, scaled so that the tallest
/// total fills `height`; a one-unit gap separates bars.
pub fn bars(counts: &[(u64, u64)], width: f64, height: f64) -> Vec<Bar> {
    let tallest = counts.iter().map(|(s, f)| s + f).max().unwrap_or(0).max(1) as f64;
    let slot = width / counts.len().max(1) as f64;
    counts
        .iter()
        .enumerate()
        .map(|(i, &(succeeded, failed))| {
            let succeeded_height = succeeded as f64 / tallest * height;
            let failed_height = failed as f64 / tallest * height;
            Bar {
                x: i as f64 * slot,
                width: (slot - 1.0).max(1.0),
                succeeded_y: height - succeeded_height,
                succeeded_height,
                failed_y: height - succeeded_height - failed_height,
                failed_height,
            }
        })
        .collect()
}

/// Points of a line through `values` (0 to 1) across `width`, split where a value is missing.
pub fn line_segments(values: &[Option<f64>], width: f64, height: f64) -> Vec<Vec<(f64, f64)>> {
    let step = width / (values.len().max(2) - 1) as f64;
    let mut segments = vec![Vec::new()];
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let y = height - v.clamp(0.0, 1.0) * height;
                if let Some(segment) = segments.last_mut() {
                    segment.push((i as f64 * step, y));
                }
            }
            None => segments.push(Vec::new()),
        }
    }
    segments.retain(|s| !s.is_empty());
    segments
}

const CHART_WIDTH: f64 = 600.0;
const CHART_HEIGHT: f64 = 160.0;

/// Succeeded (green) and failed (red) attempts per slice of time, oldest on the left.
#[component]
pub fn AttemptsChart(buckets: Vec<Bucket>, #[prop(into)] caption: String) -> impl IntoView {
    let counts: Vec<_> = buckets.iter().map(|b| (b.succeeded, b.failed)).collect();
    let tallest = counts.iter().map(|(s, f)| s + f).max().unwrap_or(0);
    let total: u64 = counts.iter().map(|(s, f)| s + f).sum();
    let label = format!("{caption}: {total} attempts, at most {tallest} in one slice");
    let first = buckets
        .first()
        .map(|b| b.start.format("%H:%M UTC").to_string())
        .unwrap_or_default();
    let shapes = bars(&counts, CHART_WIDTH, CHART_HEIGHT)
        .into_iter()
        .zip(&buckets)
        .map(|(bar, bucket)| {
            let tip = format!(
                "{}: {} succeeded, {} failed",
                bucket.start.format("%H:%M UTC"),
                bucket.succeeded,
                bucket.failed
            );
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="ok" x=bar.x y=bar.succeeded_y width=bar.width height=bar.succeeded_height />
                    <rect class="failed" x=bar.x y=bar.failed_y width=bar.width height=bar.failed_height />
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=label
                data-testid="attempts-chart"
            >
                {shapes}
            </svg>
            <div class="axis" aria-hidden="true">
                <span>{first}</span>
                <span>"now"</span>
            </div>
            <figcaption>
                <span class="legend ok">"succeeded"</span>
                <span class="legend failed">"failed"</span>
                <span class="muted">{caption} " · peak " {tallest}</span>
            </figcaption>
        </figure>
    }
}

const SPARK_WIDTH: f64 = 96.0;
const SPARK_HEIGHT: f64 = 20.0;

/// A small line of success rates (0–100 %), one point per hour.
#[component]
pub fn Sparkline(values: Vec<Option<f64>>) -> impl IntoView {
    let label = match values.iter().flatten().count() {
        0 => "no attempts in the last day".to_owned(),
        hours => format!("success rate over the last day ({hours} hours with attempts)"),
    };
    let lines = line_segments(&values, SPARK_WIDTH, SPARK_HEIGHT)
        .into_iter()
        .map(|points| {
            let text = points
                .iter()
                .map(|(x, y)| format!("{x:.1},{y:.1}"))
                .collect::<Vec<_>>()
                .join(" ");
            view! { <polyline points=text /> }
        })
        .collect_view();
    view! {
        <svg
            class="sparkline"
            viewBox=format!("0 -2 {SPARK_WIDTH} {}", SPARK_HEIGHT + 4.0)
            role="img"
            aria-label=label
        >
            {lines}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stack_failures_on_successes_scaled_to_the_tallest() {
        let laid = bars(&[(2, 2), (0, 0), (1, 0)], 30.0, 100.0);
        assert_eq!(laid.len(), 3);
        assert_eq!(laid[0].x, 0.0);
        assert_eq!(laid[1].x, 10.0);
        assert_eq!(laid[0].width, 9.0);
        assert_eq!(
            (laid[0].succeeded_y, laid[0].succeeded_height),
            (50.0, 50.0)
        );
        assert_eq!((laid[0].failed_y, laid[0].failed_height), (0.0, 50.0));
        assert_eq!(laid[1].succeeded_height + laid[1].failed_height, 0.0);
        assert_eq!(
            (laid[2].succeeded_y, laid[2].succeeded_height),
            (75.0, 25.0)
        );
    }

    #[test]
    fn no_attempts_draw_empty_bars_not_a_division_by_zero() {
        let laid = bars(&[(0, 0); 4], 40.0, 10.0);
        assert!(laid
            .iter()
            .all(|b| b.succeeded_height == 0.0 && b.failed_y == 10.0));
        assert!(bars(&[], 40.0, 10.0).is_empty());
    }

    #[test]
    fn lines_break_where_values_are_missing() {
        let segments = line_segments(&[Some(1.0), Some(0.0), None, Some(0.5)], 30.0, 10.0);
        assert_eq!(
            segments,
            vec![vec![(0.0, 0.0), (10.0, 10.0)], vec![(30.0, 5.0)]]
        );
        assert!(line_segments(&[None, None], 30.0, 10.0).is_empty());
    }
}
