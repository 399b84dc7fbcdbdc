//! The who-can-read matrix (X): observers by messages, each cell as `plainsight matrix` prints
//! it (`READS [srzt]`, `cipher [szte] / READS if acting`), from the core's report, with the
//! legend under it. A cell where acting gives more is framed in black.

use bevy::prelude::*;

use super::super::draw::{Layer, palette as p};
use super::super::layout::{FONT, Rect, chars_fit};
use super::super::playback::{Runs, Scroll, Shown};
use super::super::text::wrap;
use super::{Panel, add_panel, frame, painter};
use crate::exposure::Content;
use crate::report;

/// One row of the table: the observer's name lines, and each cell's lines.
struct Row {
    name: Vec<String>,
    cells: Vec<(Vec<String>, Content, bool)>,
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
    let line_h = size * 1.2;
    let inner = r.inset(8.0);
    // The legend at the bottom, wrapped.
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

    let cols = sc.messages.len().max(1);
    let name_w = (inner.w * 0.3).min(320.0);
    let cw = ((inner.w - name_w) / cols as f32).min(360.0);
    let name_chars = chars_fit(name_w - 10.0, size);
    let cell_chars = chars_fit(cw - 10.0, size);
    let rows: Vec<Row> = run
        .exposure
        .observers
        .iter()
        .map(|ox| Row {
            name: wrap(&sc.observers[ox.observer].name, name_chars),
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
        .collect();

    let top = inner.y + 32.0;
    for (m, msg) in sc.messages.iter().enumerate() {
        let x = inner.x + name_w + m as f32 * cw;
        for (i, l) in wrap(&msg.id, cell_chars).iter().take(1).enumerate() {
            pt.text(
                x + 4.0,
                top - 26.0 + i as f32 * line_h,
                l,
                FONT,
                p::INK,
                10.2,
            );
        }
    }
    let room = legend_top - 6.0 - top;
    let heights: Vec<f32> = rows
        .iter()
        .map(|row| {
            let n = row
                .cells
                .iter()
                .map(|c| c.0.len())
                .chain(std::iter::once(row.name.len()))
                .max()
                .unwrap_or(1);
            n as f32 * line_h + 6.0
        })
        .collect();
    let (first, last) = visible(&heights, room, scroll.panel);
    let mut y = top;
    for (row, h) in rows.iter().zip(&heights).skip(first).take(last - first) {
        for (i, l) in row.name.iter().enumerate() {
            pt.text(
                inner.x + 2.0,
                y + 3.0 + i as f32 * line_h,
                l,
                size,
                p::INK,
                10.2,
            );
        }
        for (m, (lines, content, acting)) in row.cells.iter().enumerate() {
            let c = Rect::new(inner.x + name_w + m as f32 * cw, y, cw - 4.0, h - 3.0);
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
                    c.y + 3.0 + i as f32 * line_h,
                    l,
                    size,
                    p::INK,
                    10.4,
                );
            }
        }
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
