//! On-screen controls for a mouse or an interactive whiteboard's pen: buttons at the foot of the
//! step list for play/pause, step, back, speed, model, observer and each panel. Each button is
//! a box with a text label (no meaning in colour alone: the open panel's button is framed thick
//! and says "open"), large enough for a pen, and sends the same [`ViewerCommand`] as its key.

use bevy::prelude::*;

use crate::viewer::draw::{Painter, palette as p};
use crate::viewer::layout::{Layout, Rect, chars_fit};
use crate::viewer::panel::Panel;
use crate::viewer::playback::ViewerCommand;
use crate::viewer::text::wrap;

/// A button on screen: the command a click sends.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlButton(pub ViewerCommand);

/// Buttons per row: three, so two lines of 18 px text fit each ("Who reads / (open)").
const PER_ROW: usize = 3;
/// A button's height in virtual pixels (44 px at 1280 x 720).
pub const BUTTON_H: f32 = 44.0;
/// A button label's text size: 18 px at 1280 x 720, for the back row.
const LABEL: f32 = 18.0;

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
        ("Speed".to_string(), ViewerCommand::CycleSpeed, false),
        (
            "Next message".to_string(),
            ViewerCommand::NextMessage,
            false,
        ),
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

/// Buttons per row: the four kept under a side panel share one row (short labels wrap to two
/// lines: "<<" over "Back"); the whole set goes three to a row.
fn per_row(count: usize) -> usize {
    if count == SIDE_BUTTONS {
        SIDE_BUTTONS
    } else {
        PER_ROW
    }
}

/// Where the buttons go: the foot of the step list (nothing in presenter mode, which has no
/// list; the clicker and keys drive it).
pub fn bar(layout: &Layout, count: usize) -> Rect {
    let ev = layout.events;
    if layout.presenter || ev.w < 1.0 {
        return Rect::new(ev.x, ev.bottom(), ev.w, 0.0);
    }
    let rows = count.div_ceil(per_row(count)) as f32;
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
    let per_row = per_row(all.len());
    let w = (b.w - 4.0) / per_row as f32;
    for (i, (label, command, on)) in all.iter().enumerate() {
        let (row, col) = (i / per_row, i % per_row);
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

/// A button's label in at most two lines of 18 px (what a 44-pixel button holds; a test checks
/// every label on every shipped scene's layout).
fn label_lines(label: &str, width: f32) -> (f32, Vec<String>) {
    (LABEL, wrap(label, chars_fit(width, LABEL)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::SHIPPED;

    /// Every button's label, with any panel open ("Who reads (open)"), fits its 44-pixel
    /// button in two lines of 18 px on every shipped scene's layout, words whole.
    #[test]
    fn every_label_fits_its_button_in_two_lines() {
        for (file, text) in SHIPPED {
            let sc = crate::scenario::Scenario::parse(text, file).expect("parses");
            let layout = Layout::new(&sc);
            for info in Panel::ALL {
                let all = buttons(true, info.panel);
                let b = bar(&layout, all.len());
                let width = (b.w - 4.0) / per_row(all.len()) as f32 - 4.0 - 6.0;
                for (label, _, _) in all {
                    let (size, lines) = label_lines(&label, width);
                    let whole = lines
                        .iter()
                        .all(|l| label.split(' ').any(|w| w == l) || label.contains(l.as_str()));
                    assert!(
                        size >= 18.0
                            && whole
                            && lines.len() <= 2
                            && size * 1.15 * lines.len() as f32 <= BUTTON_H,
                        "{file}: {label:?} in {width} px: {lines:?}"
                    );
                }
            }
        }
    }
}
