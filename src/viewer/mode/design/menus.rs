//! The palette's two menus for a pen: the role list (one tap sets a role, rather than cycling
//! eleven) and the on-screen keys for renaming and for naming the file to save.

use super::{DesignMode, Tool, Z};
use crate::designer::Edit;
use crate::scenario::Role;
use crate::viewer::draw::Painter;
use crate::viewer::layout::{CHAR_W, Rect};
use crate::viewer::playback::{Cursor, Runs};
use crate::viewer::side_column::button;

/// The keys, row by row; the last row's keys are drawn wider ([`SPECIAL`]).
const ROWS: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm.'_"];

/// Shift, space, delete, Enter and cancel, as the characters [`super::tools::typed`] reads.
const SPECIAL: [(char, &str); 5] = [
    (SHIFT, "Aa"),
    (' ', "space"),
    ('\u{8}', "del"),
    ('\n', "Enter"),
    ('\u{1b}', "Esc"),
];

/// The shift key: the next letter tapped is a capital.
pub const SHIFT: char = '\u{f}';

/// Draws the on-screen keys under `top` in `col`; returns the bottom of the last row.
pub fn draw_keys(pt: &mut Painter, mode: &mut DesignMode, col: Rect, top: f32) -> f32 {
    let gap = 3.0;
    let w = (col.w - 16.0 - 9.0 * gap) / 10.0;
    let mut y = top;
    for row in ROWS {
        for (i, ch) in row.chars().enumerate() {
            let shown = if mode.caps {
                ch.to_ascii_uppercase()
            } else {
                ch
            };
            let r = Rect::new(col.x + 8.0 + i as f32 * (w + gap), y, w, 28.0);
            button(pt, r, &shown.to_string(), 18.0, Z);
            mode.buttons.push((r, Tool::Key(ch)));
        }
        y += 32.0;
    }
    // Each as wide as its whole label at 18 px.
    let mut x = col.x + 8.0;
    for (ch, label) in SPECIAL {
        let label = if ch == SHIFT && mode.caps {
            "AA"
        } else {
            label
        };
        let r = Rect::new(x, y, label.len() as f32 * 18.0 * CHAR_W + 16.0, 28.0);
        button(pt, r, label, 18.0, Z);
        mode.buttons.push((r, Tool::Key(ch)));
        x = r.right() + gap + 4.0;
    }
    y + 32.0
}

/// Draws the role list under `top` in `col`, one role a row and `cancel` last; returns the
/// bottom of the last row.
pub fn draw_roles(pt: &mut Painter, mode: &mut DesignMode, col: Rect, top: f32) -> f32 {
    let mut y = top;
    let current = mode.role % Role::ALL.len();
    for (i, role) in Role::ALL.iter().enumerate() {
        let mark = if i == current { ">> " } else { "" };
        let r = Rect::new(col.x + 8.0, y, col.w - 16.0, 26.0);
        button(pt, r, &format!("{mark}{}", role.name()), 18.0, Z);
        mode.buttons.push((r, Tool::PickRole(i)));
        y += 29.0;
    }
    let r = Rect::new(col.x + 8.0, y, col.w - 16.0, 26.0);
    button(pt, r, "cancel", 18.0, Z);
    mode.buttons.push((r, Tool::Roles));
    y + 29.0
}

/// An on-screen key: shift makes the next letter a capital; the rest are typed.
pub(super) fn key(c: char, mode: &mut DesignMode, runs: &mut Runs, cursor: &mut Cursor) {
    if c == super::menus::SHIFT {
        mode.caps = !mode.caps;
        return;
    }
    let c = if mode.caps && c.is_alphabetic() {
        mode.caps = false;
        c.to_ascii_uppercase()
    } else {
        c
    };
    typed(c, mode, runs, cursor);
}

/// A key typed while renaming or naming the file to save.
pub fn typed(ch: char, mode: &mut DesignMode, runs: &mut Runs, cursor: &mut Cursor) {
    let Some(buf) = mode.typing.as_mut() else {
        return;
    };
    match ch {
        '\u{8}' => {
            buf.pop();
        }
        '\u{1b}' => {
            mode.typing = None;
            mode.saving_as = false;
        }
        '\n' if mode.saving_as => {
            let name = mode.typing.take().unwrap_or_default();
            mode.saving_as = false;
            super::files::save_as(mode, name.trim());
        }
        '\n' => {
            let to = mode.typing.take().unwrap_or_default();
            let (Some(sel), Some(d)) = (mode.selected.pop(), mode.designer.as_ref()) else {
                return;
            };
            let item = super::tools::item_of(d, &sel);
            mode.edit(Edit::Rename(item, to.trim().to_string()), runs, cursor);
        }
        c if !c.is_control() && buf.chars().count() < 40 => buf.push(c),
        _ => {}
    }
}
