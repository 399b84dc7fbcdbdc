//! What-if switches (W): click a link to turn its TLS on or off; buttons for keys verified,
//! keys in person, key sync, the fan-out (under e2e), each sending device as a web page, and
//! letting the viewed observer act. Every switch is an edit from the core ([`crate::whatif`]); the core re-runs the scenario
//! and the matrix cells that changed are listed, highlighted, with what they were before. An
//! edit the core refuses is a message on screen.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::draw::{Layer, Painter, palette as p};
use super::layout::{FONT, Layout, Rect, chars_fit};
use super::panel::Panel;
use super::playback::{Cursor, Runs, Shown, ViewOptions, ViewerCommand};
use super::side_column::{Para, SideDraw, TallButton, inside, titled_column};
use crate::Run;
use crate::scenario::{Protection, Scenario};
use crate::whatif::{self, CellChange, Switch, WhatIf};

const LAYER: Layer = Layer::Classroom(1);
/// The panel's depth: the column at `Z`, its text and buttons just above.
const Z: f32 = 12.0;

/// What a person (or a test) can ask of the what-if panel.
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub enum WhatIfCommand {
    /// W: open or close the panel.
    Toggle,
    /// Flip one switch; the core re-runs.
    Flip(Switch),
    /// Back to the scenario as loaded.
    Reset,
    /// Let the viewed observer act (the viewer's A).
    Act,
    /// A click or pen tap at a virtual-canvas point: a button, or a link.
    ClickAt(f32, f32),
}

/// The switches, the scenario as loaded, and what the last flip changed.
#[derive(Resource, Debug, Clone, Default)]
pub struct WhatIfState {
    /// The scenario as loaded (switches apply to it); `None` until the first frame.
    pub base: Option<Scenario>,
    /// The switches flipped.
    pub switches: WhatIf,
    /// Matrix cells the last flip changed.
    pub changes: Vec<CellChange>,
    /// Why the last flip was refused.
    pub message: Option<String>,
    /// The panel's buttons, in virtual pixels, for clicks.
    pub buttons: Vec<(Rect, WhatIfCommand)>,
    /// The runs were replaced by a flip (not by the picker).
    ours: bool,
}

/// The scenario as loaded follows the picker: a new scenario clears the switches.
fn track_base(runs: Res<Runs>, mut st: ResMut<WhatIfState>) {
    if !runs.is_changed() {
        return;
    }
    if std::mem::take(&mut st.ours) {
        return;
    }
    let sc = &runs.honest().scenario;
    let same = st
        .base
        .as_ref()
        .is_some_and(|b| b.source == sc.source && b.title == sc.title);
    if !same {
        st.base = Some(sc.clone());
        st.switches = WhatIf::default();
        st.changes.clear();
        st.message = None;
    }
}

fn apply(
    mut commands: MessageReader<WhatIfCommand>,
    mut st: ResMut<WhatIfState>,
    mut runs: ResMut<Runs>,
    mut cursor: ResMut<Cursor>,
    shown: Option<Res<Shown>>,
    state: Res<State<Panel>>,
    mut viewer: MessageWriter<ViewerCommand>,
) {
    let open = *state.get() == Panel::WhatIf;
    for &c in commands.read() {
        let c = match c {
            WhatIfCommand::ClickAt(..) if !open => continue,
            WhatIfCommand::ClickAt(x, y) => match hit(&st, shown.as_deref(), x, y) {
                Some(c) => c,
                None => continue,
            },
            c => c,
        };
        let next = match c {
            WhatIfCommand::Toggle => {
                viewer.write(ViewerCommand::TogglePanel(Panel::WhatIf));
                continue;
            }
            WhatIfCommand::Act => {
                viewer.write(ViewerCommand::ToggleActing);
                continue;
            }
            WhatIfCommand::ClickAt(..) => continue,
            WhatIfCommand::Reset => WhatIf::default(),
            WhatIfCommand::Flip(s) => flipped(&st, &runs, s),
        };
        rerun(&mut st, &mut runs, &mut cursor, next);
    }
}

fn flipped(st: &WhatIfState, runs: &Runs, s: Switch) -> WhatIf {
    let mut next = st.switches.clone();
    // Flip from what is shown, which is the model M chose.
    let mut shown = runs.honest().scenario.clone();
    shown.protection = runs.honest().trace.protection;
    next.flip(&shown, s);
    next
}

/// Applies the switches to the loaded scenario and re-runs the core under the model shown.
fn rerun(st: &mut WhatIfState, runs: &mut Runs, cursor: &mut Cursor, next: WhatIf) {
    let Some(mut base) = st.base.clone() else {
        return;
    };
    let shown = runs.honest().trace.protection;
    // The model shown (M may have changed it) decides whether a fan-out applies.
    base.protection.model = shown.model;
    let edited = match next.apply(&base) {
        Ok(sc) => sc,
        Err(e) => {
            st.message = Some(format!("Not switched: {e}"));
            return;
        }
    };
    // A fan-out switched now or before (then a reset restores the file's) replaces M's.
    let fanout = if next.fanout.is_some() || st.switches.fanout.is_some() {
        edited.protection.fanout
    } else {
        shown.fanout
    };
    let protection = Protection {
        keys_verified: edited.protection.keys_verified,
        fanout,
        ..shown
    };
    match Run::with(edited, protection) {
        Ok(run) => {
            st.changes = whatif::changes(runs.honest(), &run);
            st.switches = next;
            st.message = None;
            st.ours = true;
            *runs = Runs::new(run);
            let last = runs.run().trace.steps.len().saturating_sub(1);
            cursor.step = cursor.step.min(last);
        }
        Err(e) => st.message = Some(format!("Not switched: the run failed: {e}")),
    }
}

/// What a click at a virtual point means: a button of the panel, else the nearest link.
fn hit(st: &WhatIfState, shown: Option<&Shown>, x: f32, y: f32) -> Option<WhatIfCommand> {
    if let Some((_, c)) = st.buttons.iter().find(|(r, _)| inside(r, x, y)) {
        return Some(*c);
    }
    let shown = shown?;
    if !inside(&shown.layout.stage, x, y) {
        return None;
    }
    let links = &shown.layout.links;
    whatif::nearest_link(links, (x, y), 14.0).map(|l| WhatIfCommand::Flip(Switch::LinkTls(l)))
}

/// The most "is a web page" switches the panel lists.
const MAX_WEB_SWITCHES: usize = 4;

/// The buttons' labels, from the scenario shown.
fn button_rows(sc: &Scenario, runs: &Runs, options: &ViewOptions) -> Vec<(String, WhatIfCommand)> {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut rows = vec![
        (
            format!("keys verified: {}", yes(sc.protection.keys_verified)),
            WhatIfCommand::Flip(Switch::KeysVerified),
        ),
        (
            format!("keys in person: {}", yes(whatif::keys_in_person(sc))),
            WhatIfCommand::Flip(Switch::KeysInPerson),
        ),
        (
            format!("key sync: {}", sc.key_sync.name()),
            WhatIfCommand::Flip(Switch::NextKeySync),
        ),
    ];
    if let Some(fanout) = runs.honest().trace.protection.e2e_fanout() {
        rows.push((
            format!("fan-out: {}", fanout.name()),
            WhatIfCommand::Flip(Switch::NextFanout),
        ));
    }
    // One switch per device that sends, in the order they first send (at most four: the rest
    // of a big group's devices only receive).
    let mut senders: Vec<usize> = Vec::new();
    for m in &sc.messages {
        if !senders.contains(&m.from_device) && senders.len() < MAX_WEB_SWITCHES {
            senders.push(m.from_device);
        }
    }
    for d in senders {
        let web = sc.devices[d].code_from.is_some();
        rows.push((
            format!("{} is a web page: {}", sc.devices[d].name, yes(web)),
            WhatIfCommand::Flip(Switch::WebClient(d)),
        ));
    }
    let actor = runs.acting.or_else(|| runs.actor_for(options.observer));
    if let Some(o) = actor {
        let label = format!(
            "let {} act (A): {}",
            sc.observers[o].name,
            yes(runs.acting.is_some())
        );
        rows.push((label, WhatIfCommand::Act));
    }
    rows.push(("reset: as loaded".to_string(), WhatIfCommand::Reset));
    rows
}

fn draw(
    mut side: SideDraw,
    mut st: ResMut<WhatIfState>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
) {
    let changed = st.is_changed() || runs.is_changed() || options.is_changed();
    let forget = || st.buttons.clear();
    let Some((mut pt, shown)) = side.begin(Panel::WhatIf, LAYER, changed, forget) else {
        return;
    };
    let sc = &runs.honest().scenario;
    let l = &shown.layout;
    let tags = draw_link_tags(&mut pt, sc, l);
    let col = super::side_column::column(l);
    titled_column(&mut pt, col, Panel::WhatIf, "What if?", Z);
    let intro = ["Tap a link's yellow tag to turn its TLS on or off"];
    let mut y = Para::in_column(col, 18.0, 21.0, Z + 0.1).draw(&mut pt, col.y + 36.0, &intro);
    y += 4.0;
    for (label, c) in button_rows(sc, &runs, &options) {
        let r = SWITCH.draw(
            &mut pt,
            (col.x + 8.0, y, col.w - 16.0),
            &label,
            (p::PANEL, 2.0),
            Z,
        );
        st.buttons.push((r, c));
        y += r.h + 6.0;
    }
    st.buttons.extend(tags);
    if let Some(base) = &st.base {
        draw_switched(&mut pt, st.switches.describe(base, sc), col, y);
    }
    draw_changes(&mut pt, &st, &runs, l.inspector);
}

/// How a switch is drawn: a button as tall as its wrapped label.
const SWITCH: TallButton = TallButton {
    size: 18.0,
    line_h: 20.0,
    inset: (6.0, 3.0),
    margin: 10.0,
    pad: 6.0,
};

/// Every link carries a switch, a tag with its TLS state in words, placed on the link clear of
/// boxes and other tags where it can be ([`Layout::tag_rect`]); tapping the tag flips it.
fn draw_link_tags(pt: &mut Painter, sc: &Scenario, l: &Layout) -> Vec<(Rect, WhatIfCommand)> {
    let mut tags: Vec<(Rect, WhatIfCommand)> = Vec::new();
    for (i, link) in sc.links.iter().enumerate() {
        let placed: Vec<Rect> = tags.iter().map(|(r, _)| *r).collect();
        let (r, on) = l.tag_rect(i, (72.0, 22.0), &placed);
        let word = if link.tls { "TLS on" } else { "TLS off" };
        if !r.contains_point(on) {
            pt.line(r.center(), on, p::INK, 2.0, Z - 0.01);
        }
        pt.boxed(r, p::HIGHLIGHT, p::INK, 2.0, Z);
        pt.text(r.x + 5.0, r.y + 2.0, word, 18.0, p::INK, Z + 0.1);
        tags.push((r, WhatIfCommand::Flip(Switch::LinkTls(i))));
    }
    tags
}

/// The switches flipped so far, in words, under the buttons (from `y`).
fn draw_switched(pt: &mut Painter, lines: Vec<String>, col: Rect, mut y: f32) {
    if !lines.is_empty() {
        pt.text(col.x + 8.0, y + 2.0, "Switched:", 18.0, p::INK, Z + 0.1);
        y += 22.0;
    }
    let para = Para {
        x: col.x + 14.0,
        width: col.w - 20.0,
        size: 15.0,
        line_h: 20.0,
        stop: col.bottom() - 22.0,
        z: Z + 0.1,
    };
    para.draw(pt, y, &lines);
}

/// The changed cells, in the inspector's place: observer, message, the new verdict framed and
/// highlighted, and what it was.
fn draw_changes(pt: &mut Painter, st: &WhatIfState, runs: &Runs, area: Rect) {
    pt.boxed(area, p::PAPER, p::INK, 3.0, Z);
    let sc = &runs.honest().scenario;
    let x = area.x + 8.0;
    if let Some(m) = &st.message {
        Para::in_column(area, FONT, 24.0, Z + 0.1).draw(pt, area.y + 6.0, &[m]);
        return;
    }
    let title = match st.changes.len() {
        0 if st.switches.is_empty() => {
            "Flip a switch: the core re-runs, and the cells of the who-can-read matrix that change show here".to_string()
        }
        0 => "The last switch changed no cell of the who-can-read matrix".to_string(),
        n => format!("The last switch changed {n} cell(s) of the who-can-read matrix:"),
    };
    let n = chars_fit(area.w - 16.0, FONT);
    pt.fitted((x, area.y + 6.0), &title, n, FONT, p::INK, Z + 0.1);
    // One column across the whole width, so long observer names and cells are never cut.
    let rows = ((area.h - 58.0) / 26.0).floor().max(1.0) as usize;
    let width = area.w - 16.0;
    for (i, c) in st.changes.iter().take(rows).enumerate() {
        let cy = area.y + 32.0 + i as f32 * 26.0;
        let who = &sc.observers[c.observer].name;
        let msg = &sc.messages[c.message].id;
        let cell = format!("{}  (was {})", c.after.words(), c.before.words());
        let left = format!("{who}, {msg}:");
        let lw = ((left.chars().count() + 1) as f32 * 0.62 * 18.0).min(width * 0.5);
        pt.text(x, cy + 3.0, &left, 18.0, p::INK, Z + 0.1);
        let cw = ((cell.chars().count() + 2) as f32 * 0.62 * 18.0).min(width - lw - 8.0);
        let r = Rect::new(x + lw + 4.0, cy, cw, 24.0);
        pt.boxed(r, p::HIGHLIGHT, p::INK, 3.0, Z + 0.1);
        pt.text(r.x + 4.0, r.y + 3.0, &cell, 18.0, p::INK, Z + 0.2);
    }
    let extra = st.changes.len().saturating_sub(rows);
    if extra > 0 {
        let t = format!("and {extra} more: X shows the whole matrix");
        pt.text(x, area.bottom() - 22.0, &t, 18.0, p::MUTED, Z + 0.1);
    }
}

/// Clicks while the panel is open, taken before the other panels see them (W itself is the
/// panel's key in [`Panel::ALL`]).
fn input(
    buttons: Option<ResMut<ButtonInput<MouseButton>>>,
    window: Query<&Window, With<PrimaryWindow>>,
    st: Res<WhatIfState>,
    shown: Option<Res<Shown>>,
    state: Option<Res<State<Panel>>>,
    mut out: MessageWriter<WhatIfCommand>,
) {
    let (Some(mut buttons), Some(shown)) = (buttons, shown) else {
        return;
    };
    let open = state.is_some_and(|s| *s.get() == Panel::WhatIf);
    if !open || !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let Some(pos) = window.single().ok().and_then(Window::cursor_position) else {
        return;
    };
    let (x, y) = shown.fit.to_virtual(pos.x, pos.y);
    let on_panel = st.buttons.iter().any(|(r, _)| inside(r, x, y))
        || super::side_column::owns_click(&shown.layout, x, y)
        || inside(&shown.layout.inspector, x, y);
    out.write(WhatIfCommand::ClickAt(x, y));
    if on_panel {
        buttons.clear_just_pressed(MouseButton::Left);
    }
}

/// The what-if plugin.
pub struct WhatIfPlugin;

impl Plugin for WhatIfPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<WhatIfState>()
            .add_message::<WhatIfCommand>()
            .add_systems(PreUpdate, input.after(bevy::input::InputSystems))
            .add_systems(
                Update,
                (track_base, apply)
                    .chain()
                    .in_set(super::ViewerSet::State)
                    .before(super::playback::refresh_shown),
            )
            .add_systems(Update, draw.in_set(super::ViewerSet::Draw));
    }
}
