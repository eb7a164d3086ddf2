//! An SVG of cost against N for load, save and sweep: our store beside the baselines.

use std::path::Path;

use plotters::prelude::*;

use reports::plot::{colour, CAPTION, PANEL_HEIGHT};

use crate::report::{Report, Row};

/// (panel title, operation): every implementation measured for it is drawn.
const PANELS: [(&str, &str); 3] = [
    ("load (live session)", "load (live)"),
    ("save", "save"),
    ("sweep of 1,000 expired", "sweep 1,000 expired"),
];

fn points(row: &Row) -> Vec<(f64, f64)> {
    row.micros.iter().map(|(&n, &v)| (n as f64, v)).collect()
}

/// Draws the three panels side by side into `path`.
pub fn draw(report: &Report, path: &Path) -> anyhow::Result<()> {
    let counts = &report.session_counts;
    let (x_min, x_max) = match (counts.first(), counts.last()) {
        (Some(&a), Some(&b)) if b > a => (a as f64 / 1.5, b as f64 * 1.5),
        (Some(&a), _) => (a as f64 / 2.0, a as f64 * 2.0),
        _ => anyhow::bail!("no benchmark results to plot"),
    };
    let root = SVGBackend::new(path, (1500, PANEL_HEIGHT + 160)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, PANELS.len()));
    for (area, (title, operation)) in panels.iter().zip(PANELS) {
        let series: Vec<(&str, Vec<(f64, f64)>)> = report
            .rows
            .iter()
            .filter(|r| r.operation == operation)
            .map(|r| (r.implementation.as_str(), points(r)))
            .collect();
        let values = series.iter().flat_map(|(_, p)| p.iter().map(|&(_, y)| y));
        let (y_min, y_max) =
            values.fold((f64::MAX, f64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
        if y_min > y_max {
            continue;
        }
        let mut chart = ChartBuilder::on(area)
            .caption(title, CAPTION)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(
                (x_min..x_max).log_scale(),
                (y_min / 2.0..y_max * 12.0).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("live sessions (N)")
            .y_desc("µs per operation")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y}"))
            .draw()?;
        for (i, (name, pts)) in series.into_iter().enumerate() {
            let colour = colour(i);
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                });
            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
