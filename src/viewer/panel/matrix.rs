//! The who-can-read matrix (X): observers by messages, each cell as `plainsight matrix` prints
//! it (`READS [srzt]`, `cipher [szte] / READS if acting`), from the core's report, with the
//! legend under it. A cell where acting gives more is framed in black.

use bevy::prelude::*;

use super::super::draw::{Layer, Painter, palette as p};
use super::super::layout::{FONT, Rect, chars_fit};
use super::super::playback::{Runs, Scroll, Shown};
use super::super::text::wrap;
use super::{Panel, add_panel, frame, painter};
use crate::Run;
use crate::exposure::Content;
use crate::report;

/// One row of the table: the observer's name lines, and each cell's lines.
struct Row {
    name: Vec<String>,
    cells: Vec<(Vec<String>, Content, bool)>,
}

/// The table's geometry: its area, text size and line height, and its columns' widths.
struct Grid {
    inner: Rect,
    size: f32,
    line_h: f32,
    name_w: f32,
    cw: f32,
}

impl Grid {
    /// The characters that fit in a message's column.
    fn cell_chars(&self) -> usize {
        chars_fit(self.cw - 10.0, self.size)
    }

    /// Where message `m`'s column starts.
    fn column_x(&self, m: usize) -> f32 {
        self.inner.x + self.name_w + m as f32 * self.cw
    }
}

fn draw(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Option<Res<Shown>>,
    runs: Res<Runs>,
    scroll: Res<Scroll>,
) {
    let Some(shown) = shown else {
        return;
    };
    let run = runs.run();
    let sc = &run.scenario;
    let mut pt = painter(&mut commands, &drawn, &shown);
    let r = frame(
        &mut pt,
        &shown,
        Panel::Matrix,
        &format!("Who can read what, model {}", run.trace.protection.label()),
    );
    let size = shown.fit.body_font();
    let inner = r.inset(8.0);
    let legend_top = draw_legend(&mut pt, inner, size);
    let cols = sc.messages.len().max(1);
    let name_w = (inner.w * 0.3).min(320.0);
    let g = Grid {
        inner,
        size,
        line_h: size * 1.2,
        name_w,
        cw: ((inner.w - name_w) / cols as f32).min(360.0),
    };
    let rows = table_rows(run, &g);
    // Column headers under the title bar, then the rows.
    let heads = inner.y + super::TITLE_H - 4.0;
    let top = draw_message_ids(&mut pt, run, &g, heads) + 4.0;
    let heights: Vec<f32> = rows.iter().map(|row| row_height(row, g.line_h)).collect();
    let (first, last) = visible(&heights, legend_top - 6.0 - top, scroll.panel);
    let mut y = top;
    for (row, h) in rows.iter().zip(&heights).skip(first).take(last - first) {
        draw_table_row(&mut pt, &g, row, y, *h);
        y += h;
    }
    if first > 0 || last < rows.len() {
        let note = format!(
            "observers {}-{} of {}: Up/Down or the mouse wheel scrolls",
            first + 1,
            last,
            rows.len()
        );
        pt.text(inner.x + 2.0, y + 2.0, &note, size, p::MUTED, 10.2);
    }
}

/// The legend at the bottom of `inner`, wrapped; returns where it starts.
fn draw_legend(pt: &mut Painter, inner: Rect, size: f32) -> f32 {
    let line_h = size * 1.2;
    let legend: Vec<String> = report::MATRIX_LEGEND
        .iter()
        .chain(std::iter::once(
            &"framed = the observer could read more by acting (A plays it)",
        ))
        .flat_map(|l| wrap(l, chars_fit(inner.w, size)))
        .collect();
    let legend_top = inner.bottom() - legend.len() as f32 * line_h;
    for (i, l) in legend.iter().enumerate() {
        pt.text(
            inner.x,
            legend_top + i as f32 * line_h,
            l,
            size,
            p::MUTED,
            10.2,
        );
    }
    legend_top
}

/// Each observer's row: their name and every message's cell, wrapped to the columns.
fn table_rows(run: &Run, g: &Grid) -> Vec<Row> {
    let name_chars = chars_fit(g.name_w - 10.0, g.size);
    let cell_chars = g.cell_chars();
    run.exposure
        .observers
        .iter()
        .map(|ox| Row {
            name: wrap(&run.scenario.observers[ox.observer].name, name_chars),
            cells: ox
                .messages
                .iter()
                .map(|mx| {
                    let acting = mx
                        .if_acting
                        .as_ref()
                        .is_some_and(|a| a.content.more_than(mx.content));
                    (
                        wrap(&report::matrix_cell(mx), cell_chars),
                        mx.content,
                        acting,
                    )
                })
                .collect(),
        })
        .collect()
}

/// The column headers from `y`: `observer`, then each message's id and sender over its
/// column (`m1, from Alice`), wrapped; returns where the rows start.
fn draw_message_ids(pt: &mut Painter, run: &Run, g: &Grid, y: f32) -> f32 {
    let sc = &run.scenario;
    pt.text(g.inner.x + 2.0, y, "observer", FONT, p::MUTED, 10.2);
    let mut bottom = y + g.line_h;
    for (m, msg) in sc.messages.iter().enumerate() {
        let x = g.column_x(m);
        let from = sc
            .devices
            .get(msg.from_device)
            .map(|d| sc.people[d.owner].name.clone())
            .unwrap_or_default();
        let head = format!("{}, from {from}", msg.id);
        let lines = wrap(&head, g.cell_chars());
        for (i, l) in lines.iter().enumerate() {
            pt.text(x + 4.0, y + i as f32 * g.line_h, l, FONT, p::INK, 10.2);
        }
        bottom = bottom.max(y + lines.len() as f32 * g.line_h);
    }
    // A rule under the headers, as in a printed table.
    pt.rect(
        Rect::new(g.inner.x, bottom + 1.0, g.inner.w, 2.0),
        p::INK,
        10.15,
    );
    bottom + 3.0
}

/// A row's height: its tallest cell (or name), plus a margin.
fn row_height(row: &Row, line_h: f32) -> f32 {
    let n = row
        .cells
        .iter()
        .map(|c| c.0.len())
        .chain(std::iter::once(row.name.len()))
        .max()
        .unwrap_or(1);
    n as f32 * line_h + 6.0
}

/// One observer's row at `y`, `h` high: their name, then each cell filled by what they get,
/// framed in black where acting gives more.
fn draw_table_row(pt: &mut Painter, g: &Grid, row: &Row, y: f32, h: f32) {
    for (i, l) in row.name.iter().enumerate() {
        pt.text(
            g.inner.x + 2.0,
            y + 3.0 + i as f32 * g.line_h,
            l,
            g.size,
            p::INK,
            10.2,
        );
    }
    for (m, (lines, content, acting)) in row.cells.iter().enumerate() {
        let c = Rect::new(g.column_x(m), y, g.cw - 4.0, h - 3.0);
        let fill = match content {
            Content::Plaintext => p::PLAIN_TINT,
            Content::Ciphertext => p::SEALED_TINT,
            Content::None => p::PANEL,
        };
        let (border, t) = if *acting {
            (p::INK, 3.0)
        } else {
            (p::MUTED, 1.0)
        };
        pt.boxed(c, fill, border, t, 10.3);
        for (i, l) in lines.iter().enumerate() {
            pt.text(
                c.x + 5.0,
                c.y + 3.0 + i as f32 * g.line_h,
                l,
                g.size,
                p::INK,
                10.4,
            );
        }
    }
}

/// The rows `first..last` that fit in `room` starting at `offset` (clamped so the last row
/// shows), leaving a line for the scroll note when not all fit.
pub fn visible(heights: &[f32], room: f32, offset: usize) -> (usize, usize) {
    if heights.iter().sum::<f32>() <= room {
        return (0, heights.len());
    }
    let room = room - FONT * 1.3;
    // The lowest start that still shows the last row.
    let mut lowest = heights.len();
    let mut used = 0.0;
    while lowest > 0 && used + heights[lowest - 1] <= room {
        used += heights[lowest - 1];
        lowest -= 1;
    }
    let first = offset.min(lowest).min(heights.len().saturating_sub(1));
    let mut last = first;
    let mut used = 0.0;
    while last < heights.len() && used + heights[last] <= room {
        used += heights[last];
        last += 1;
    }
    (first, last.max(first + 1).min(heights.len()))
}

/// The matrix panel.
pub struct MatrixPanel;

impl Plugin for MatrixPanel {
    fn build(&self, app: &mut App) {
        add_panel(app, Panel::Matrix, draw);
    }
}
