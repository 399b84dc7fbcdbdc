//! The report as an SVG chart for a slide: time to encrypt against recipient devices, log axes,
//! one line per scheme (floors dashed), one panel per message size.
//!
//! plotters is built with its SVG backend only and no font feature: text becomes SVG `<text>`
//! elements in the viewer's `sans-serif`, laid out with plotters' built-in width estimate, so no
//! system font library is needed.

use plotters::prelude::*;

use super::render::duration;
use super::{BenchError, BenchReport, BenchScheme, format_size};
use crate::crypto::Fanout;

const PANEL: (u32, u32) = (560, 420);

fn chart_err(e: impl std::fmt::Display) -> BenchError {
    BenchError::Chart(e.to_string())
}

/// A fixed colour per scheme, the same in every panel.
fn colour(scheme: BenchScheme) -> RGBColor {
    match scheme {
        BenchScheme::Fanout(Fanout::PerRecipient) => RGBColor(214, 39, 40), // red
        BenchScheme::Fanout(Fanout::Bagged) => RGBColor(31, 119, 180),      // blue
        BenchScheme::Fanout(Fanout::BaggedSharedEphemeral) => RGBColor(44, 160, 44), // green
        BenchScheme::Floor => RGBColor(60, 60, 60),                         // dark grey
        BenchScheme::FloorEphemeral => RGBColor(23, 190, 207),              // cyan
        BenchScheme::SenderKeys => RGBColor(148, 103, 189),                 // purple
        BenchScheme::Mls => RGBColor(255, 127, 14),                         // orange
        _ => RGBColor(150, 150, 150), // floor on one thread: light grey
    }
}

impl BenchReport {
    /// Draws the chart as an SVG document (for the largest thread count measured).
    pub fn to_svg(&self) -> Result<String, BenchError> {
        let mut sizes: Vec<usize> = self.results.iter().map(|r| r.message_bytes).collect();
        sizes.sort_unstable();
        sizes.dedup();
        if sizes.is_empty() {
            return Err(BenchError::Chart("the report is empty".into()));
        }
        let mut svg = String::new();
        {
            // At most three panels side by side, so the chart still fits a slide.
            let columns = sizes.len().min(3);
            let rows = sizes.len().div_ceil(columns);
            let (w, h) = (
                u32::try_from(columns).map_err(chart_err)?,
                u32::try_from(rows).map_err(chart_err)?,
            );
            let root =
                SVGBackend::with_string(&mut svg, (PANEL.0 * w, PANEL.1 * h)).into_drawing_area();
            root.fill(&WHITE).map_err(chart_err)?;
            for (panel, &size) in root.split_evenly((rows, columns)).iter().zip(&sizes) {
                self.draw_panel(panel, size)?;
            }
            root.present().map_err(chart_err)?;
        }
        Ok(svg)
    }

    fn draw_panel(
        &self,
        panel: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        size: usize,
    ) -> Result<(), BenchError> {
        let threads = self.results.iter().map(|r| r.threads).max().unwrap_or(1);
        let points: Vec<_> = self
            .results
            .iter()
            .filter(|r| r.threads == threads && r.message_bytes == size && r.encrypt_ns > 0)
            .collect();
        let (xs, ys) = axes(&points);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{} message", format_size(size)), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(46)
            .y_label_area_size(78)
            .build_cartesian_2d(xs.log_scale(), ys.log_scale())
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .x_desc("recipient devices (log)")
            .y_desc("time to encrypt (log)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| duration(*y).replace(".0 ", " "))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(chart_err)?;
        let mut schemes: Vec<BenchScheme> = points.iter().map(|r| r.scheme).collect();
        schemes.sort_unstable();
        schemes.dedup();
        for scheme in schemes {
            let line: Vec<(f64, f64)> = points
                .iter()
                .filter(|r| r.scheme == scheme)
                .map(|r| (r.devices() as f64, r.encrypt_ns as f64))
                .collect();
            draw_line(&mut chart, scheme, line)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(chart_err)?;
        Ok(())
    }
}

/// The axes' ranges (devices, nanoseconds) around the points, with room at both ends; a single
/// recipient count still gets an axis a decade wide.
fn axes(points: &[&super::PointResult]) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let xs = points.iter().map(|r| r.devices() as f64);
    let ys = points.iter().map(|r| r.encrypt_ns as f64);
    let (x0, x1) = (
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(0.0, f64::max),
    );
    let (y0, y1) = (
        ys.clone().fold(f64::INFINITY, f64::min),
        ys.fold(0.0, f64::max),
    );
    let (x0, x1) = if x1 > x0 {
        (x0 / 1.3, x1 * 1.3)
    } else {
        (x0 / 3.0, x1 * 3.0)
    };
    (x0..x1, y0 / 1.6..y1 * 1.6)
}

/// The chart's coordinates: both axes logarithmic.
type LogLog = Cartesian2d<LogCoord<f64>, LogCoord<f64>>;

/// One scheme's line (dashed for a floor), its legend entry and its points.
fn draw_line(
    chart: &mut ChartContext<'_, SVGBackend<'_>, LogLog>,
    scheme: BenchScheme,
    line: Vec<(f64, f64)>,
) -> Result<(), BenchError> {
    let style = colour(scheme).stroke_width(2);
    let legend = move |(x, y): (i32, i32)| PathElement::new(vec![(x, y), (x + 20, y)], style);
    if scheme.is_floor() {
        chart
            .draw_series(DashedLineSeries::new(line.clone(), 6, 4, style))
            .map_err(chart_err)?
            .label(scheme.name())
            .legend(legend);
    } else {
        chart
            .draw_series(LineSeries::new(line.clone(), style))
            .map_err(chart_err)?
            .label(scheme.name())
            .legend(legend);
    }
    chart
        .draw_series(
            line.iter()
                .map(|&p| Circle::new(p, 3, colour(scheme).filled())),
        )
        .map_err(chart_err)?;
    Ok(())
}
