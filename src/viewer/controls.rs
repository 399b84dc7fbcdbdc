//! On-screen controls for a mouse or an interactive whiteboard's pen: buttons at the foot of the
//! step list for play/pause, step, back, speed, model, observer and each panel. Each button is
//! a box with a text label (no meaning in colour alone: the open panel's button is framed thick
//! and says "open"), large enough for a pen, and sends the same [`ViewerCommand`] as its key.

use bevy::prelude::*;

use super::draw::{Painter, palette as p};
use super::layout::{Layout, Rect, chars_fit};
use super::panel::Panel;
use super::playback::ViewerCommand;
use super::text::wrap;

/// A button on screen: the command a click sends.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlButton(pub ViewerCommand);

/// Buttons per row.
const PER_ROW: usize = 4;
/// A button's height in virtual pixels (40 px at 1280 x 720).
pub const BUTTON_H: f32 = 40.0;

/// How many buttons stay under a side panel: Back, Play, Step and Close.
pub const SIDE_BUTTONS: usize = 4;

/// The buttons, in order: label and command. `playing` names the play button; `panel` marks
/// the open panel's button. With a side panel open (what-if, exercise, designer) in the step
/// list's place, one row stays under it: Back, Play, Step and Close.
pub fn buttons(playing: bool, panel: Panel) -> Vec<(String, ViewerCommand, bool)> {
    if panel.is_side() {
        return vec![
            ("<< Back".to_string(), ViewerCommand::StepBack, false),
            (
                if playing { "Pause" } else { "Play" }.to_string(),
                ViewerCommand::TogglePlay,
                playing,
            ),
            ("Step >>".to_string(), ViewerCommand::StepForward, false),
            ("Close".to_string(), ViewerCommand::TogglePanel(panel), true),
        ];
    }
    let mut out = vec![
        ("<< Back".to_string(), ViewerCommand::StepBack, false),
        (
            if playing { "Pause" } else { "Play" }.to_string(),
            ViewerCommand::TogglePlay,
            playing,
        ),
        ("Step >>".to_string(), ViewerCommand::StepForward, false),
        ("Slower".to_string(), ViewerCommand::Slower, false),
        ("Faster".to_string(), ViewerCommand::Faster, false),
        ("Model".to_string(), ViewerCommand::CycleModel, false),
        ("Observer".to_string(), ViewerCommand::NextObserver, false),
    ];
    for info in Panel::ALL {
        let open = panel == info.panel;
        let label = if open {
            format!("{} (open)", info.label)
        } else {
            info.label.to_string()
        };
        out.push((label, ViewerCommand::TogglePanel(info.panel), open));
    }
    out
}

/// Where the buttons go: the foot of the step list (nothing in presenter mode, which has no
/// list; the clicker and keys drive it).
pub fn bar(layout: &Layout, count: usize) -> Rect {
    let ev = layout.events;
    if layout.presenter || ev.w < 1.0 {
        return Rect::new(ev.x, ev.bottom(), ev.w, 0.0);
    }
    let rows = count.div_ceil(PER_ROW) as f32;
    let h = rows * (BUTTON_H + 4.0) + 4.0;
    Rect::new(ev.x, ev.bottom() - h, ev.w, h)
}

/// The step list's room above the buttons.
pub fn list_rect(layout: &Layout) -> Rect {
    let b = bar(layout, buttons(false, Panel::Closed).len());
    let ev = layout.events;
    Rect::new(ev.x, ev.y, ev.w, b.y - ev.y)
}

/// Draws the buttons.
pub fn draw(pt: &mut Painter, layout: &Layout, playing: bool, panel: Panel) {
    let all = buttons(playing, panel);
    let b = bar(layout, all.len());
    if b.h < 1.0 {
        return;
    }
    pt.boxed(b, p::PANEL, p::INK, 2.0, 0.1);
    let w = (b.w - 4.0) / PER_ROW as f32;
    for (i, (label, command, on)) in all.iter().enumerate() {
        let (row, col) = (i / PER_ROW, i % PER_ROW);
        let r = Rect::new(
            b.x + 4.0 + col as f32 * w,
            b.y + 4.0 + row as f32 * (BUTTON_H + 4.0),
            w - 4.0,
            BUTTON_H,
        );
        let e = pt.boxed(
            r,
            if *on { p::HIGHLIGHT } else { p::PAPER },
            p::INK,
            if *on { 4.0 } else { 1.5 },
            0.3,
        );
        pt.commands.entity(e).insert(ControlButton(*command));
        let (size, lines) = label_lines(label, r.w - 6.0);
        let top = r.center().1 - lines.len() as f32 * size * 0.6;
        for (j, l) in lines.iter().enumerate() {
            let x = r.center().0 - l.chars().count() as f32 * size * 0.3;
            pt.text(x, top + j as f32 * size * 1.15, l, size, p::INK, 0.4);
        }
    }
}

/// A button's label in at most two lines (what a 40-pixel button holds): at the usual size if it
/// fits, else a little smaller ("Who reads (open)" on a narrow list).
fn label_lines(label: &str, width: f32) -> (f32, Vec<String>) {
    let fit = |size: f32| wrap(label, chars_fit(width, size));
    [14.0, 12.5, 11.0]
        .into_iter()
        .map(|size| (size, fit(size)))
        .find(|(_, lines)| lines.len() <= 2)
        .unwrap_or_else(|| (11.0, fit(11.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::SHIPPED;

    /// Every button's label, with any panel open ("Who reads (open)"), fits its 40-pixel
    /// button in two lines on every shipped scene's layout.
    #[test]
    fn every_label_fits_its_button_in_two_lines() {
        for (file, text) in SHIPPED {
            let sc = crate::scenario::Scenario::parse(text, file).expect("parses");
            let layout = Layout::new(&sc);
            let b = bar(&layout, buttons(false, Panel::Closed).len());
            let width = (b.w - 4.0) / PER_ROW as f32 - 4.0 - 6.0;
            for info in Panel::ALL {
                for (label, _, _) in buttons(true, info.panel) {
                    let (size, lines) = label_lines(&label, width);
                    assert!(
                        lines.len() <= 2 && size * 1.15 * lines.len() as f32 <= BUTTON_H,
                        "{file}: {label:?} in {width} px: {lines:?}"
                    );
                }
            }
        }
    }
}
