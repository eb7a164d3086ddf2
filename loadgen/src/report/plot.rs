//! SVGs of a run (throughput and latency over time) and of a comparison (by backend).

use std::path::Path;

use plotters::prelude::*;
use reports::plot::{CAPTION, PANEL_HEIGHT, WIDTH};

use super::{compare::Comparison, RunReport};

const BLUE: RGBColor = reports::plot::PALETTE[0];
const ORANGE: RGBColor = reports::plot::PALETTE[1];
const RED: RGBColor = reports::plot::PALETTE[2];

/// Throughput per second above, p50 and p99 (corrected, ms) below, and the server's resident
/// memory under them when it was sampled.
pub fn timeline(report: &RunReport, path: &Path) -> anyhow::Result<()> {
    let with_rss = !report.server_rss_samples.is_empty();
    let panels = if with_rss { 3 } else { 2 };
    let root = SVGBackend::new(path, (WIDTH, panels * PANEL_HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, rest) = root.split_vertically(PANEL_HEIGHT);
    let (bottom, rss_area) = rest.split_vertically(PANEL_HEIGHT);
    if with_rss {
        server_rss(report, &rss_area)?;
    }
    let seconds = report.timeline.len().max(1) as f64;
    let max_rps = report
        .timeline
        .iter()
        .map(|p| p.requests)
        .max()
        .unwrap_or(1) as f64;
    let mut chart = ChartBuilder::on(&top)
        .caption(format!("{}: requests per second", report.label()), CAPTION)
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..seconds, 0f64..max_rps * 1.1)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_desc("second of the measured phase")
        .y_desc("req/s")
        .draw()?;
    chart.draw_series(LineSeries::new(
        report
            .timeline
            .iter()
            .map(|p| (p.second as f64, p.requests as f64)),
        BLUE.stroke_width(2),
    ))?;
    let max_ms = report.timeline.iter().map(|p| p.p99_us).max().unwrap_or(1) as f64 / 1e3;
    let mut chart = ChartBuilder::on(&bottom)
        .caption("latency from intended start (ms)", CAPTION)
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..seconds, 0f64..max_ms * 1.1)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .x_desc("second of the measured phase")
        .y_desc("ms")
        .draw()?;
    for (name, colour, pick) in [("p50", BLUE, 0usize), ("p99", RED, 1)] {
        chart
            .draw_series(LineSeries::new(
                report
                    .timeline
                    .iter()
                    .map(|p| (p.second as f64, [p.p50_us, p.p99_us][pick] as f64 / 1e3)),
                colour.stroke_width(2),
            ))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()?;
    root.present()?;
    Ok(())
}

/// The server's RSS from the start of the warm-up (negative seconds) to the end.
fn server_rss<DB: DrawingBackend>(
    report: &RunReport,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let samples = &report.server_rss_samples;
    let first = samples.first().map_or(0.0, |s| s.second.min(0.0));
    let last = samples.last().map_or(1.0, |s| s.second.max(1.0));
    let top = samples.iter().map(|s| s.bytes).max().unwrap_or(1) as f64 / 1e6;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "server resident memory (MB); the warm-up is left of 0",
            CAPTION,
        )
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(70)
        .build_cartesian_2d(first..last, 0f64..top * 1.1)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_desc("second of the measured phase")
        .y_desc("MB")
        .draw()?;
    chart.draw_series(LineSeries::new(
        samples.iter().map(|s| (s.second, s.bytes as f64 / 1e6)),
        ORANGE.stroke_width(2),
    ))?;
    Ok(())
}

/// Throughput and p99 latency per backend, as bars.
pub fn comparison(comparison: &Comparison, path: &Path) -> anyhow::Result<()> {
    let root = SVGBackend::new(path, (WIDTH, PANEL_HEIGHT + 100)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, 2));
    let names: Vec<&str> = comparison.runs.iter().map(|r| r.backend.as_str()).collect();
    let values: [(&str, Vec<f64>, RGBColor); 2] = [
        (
            "throughput (req/s)",
            comparison.runs.iter().map(|r| r.throughput_rps).collect(),
            BLUE,
        ),
        (
            "p99 latency (ms)",
            comparison
                .runs
                .iter()
                .map(|r| {
                    r.latency_us
                        .as_ref()
                        .map_or(0.0, |l| l.corrected.p99 as f64 / 1e3)
                })
                .collect(),
            ORANGE,
        ),
    ];
    for (area, (title, data, colour)) in panels.iter().zip(values) {
        let top = data.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.15;
        let mut chart = ChartBuilder::on(area)
            .caption(title, CAPTION)
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(70)
            // `a..b` segmented has a segment for every value up to and including `b`.
            .build_cartesian_2d(
                (0..names.len().saturating_sub(1)).into_segmented(),
                0f64..top,
            )?;
        let labels = names.clone();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_label_formatter(&|y| {
                if *y >= 100.0 {
                    format!("{y:.0}")
                } else {
                    format!("{y:.1}")
                }
            })
            .x_label_formatter(&move |x| match x {
                SegmentValue::CenterOf(i) => {
                    labels.get(*i).map_or(String::new(), |s| (*s).to_owned())
                }
                _ => String::new(),
            })
            .draw()?;
        chart.draw_series(data.iter().enumerate().map(|(i, &v)| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), v),
                ],
                colour.filled(),
            );
            bar.set_margin(0, 0, 12, 12);
            bar
        }))?;
    }
    root.present()?;
    Ok(())
}
