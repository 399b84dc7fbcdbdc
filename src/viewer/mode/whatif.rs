//! What-if switches (W): click a link to turn its TLS on or off; buttons for keys verified,
//! keys in person, key sync, the fan-out (under e2e), each sending device as a web page, and
//! letting the viewed observer act. Every switch is an edit from the core ([`crate::whatif`]); the core re-runs the scenario
//! and the matrix cells that changed are listed, highlighted, with what they were before. An
//! edit the core refuses is a message on screen.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::Run;
use crate::scenario::{Protection, Scenario};
use crate::viewer::compute::Computing;
use crate::viewer::draw::{Layer, Painter, palette as p};
use crate::viewer::layout::{FONT, Layout, Rect, chars_fit};
use crate::viewer::panel::Panel;
use crate::viewer::playback::{Cursor, Runs, Shown, ViewOptions, ViewerCommand};
use crate::viewer::side_column::{Para, SideDraw, TallButton, inside, titled_column};
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
    /// What sending cost before and after the last flip (the fan-out changes this, not who
    /// reads).
    pub cost: Option<(Cost, Cost)>,
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
    runs: Res<Runs>,
    mut computing: ResMut<Computing>,
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
            // One run at a time: a switch waits for the run under way.
            _ if computing.busy().is_some() => {
                st.message = Some("Wait: the core is still computing the last switch".into());
                continue;
            }
            WhatIfCommand::Reset => WhatIf::default(),
            WhatIfCommand::Flip(s) => flipped(&st, &runs, s),
        };
        rerun(&mut st, &runs, &mut computing, next);
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

/// What sending costs in a run, from its trace: the first message's upload (the sender's
/// first wire step: how many envelopes or cards, how many bytes) and the bytes on every wire
/// over the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Envelopes, content and key cards the first message's sender uploads.
    pub cards: usize,
    /// In how many uploads.
    pub posts: usize,
    /// Bytes of the first message's upload.
    pub upload: usize,
    /// Bytes on every wire, the whole run.
    pub wire: usize,
    /// Public-key operations the first message's sender did to seal it (the core's reading of
    /// the envelopes it made: [`crate::whatif::public_key_work`]).
    pub public_key: crate::layers::PublicKeyWork,
}

impl Cost {
    /// The cost of `run`.
    pub fn of(run: &Run) -> Cost {
        let on_wire = |s: &crate::sim::Step| matches!(s.place, crate::scenario::Reach::Wire(_));
        let wire = run
            .trace
            .steps
            .iter()
            .filter(|s| on_wire(s))
            .map(|s| s.bytes.len())
            .sum();
        // The upload: every wire step that carries the first message's content away from
        // its sender's device (one post of a fan-out, or one per recipient).
        let sender = run
            .scenario
            .messages
            .first()
            .map(|m| crate::scenario::Node::Device(m.from_device));
        let content = |t: &crate::viewer::state::Token| {
            matches!(
                t.look,
                crate::viewer::state::Look::Words(_) | crate::viewer::state::Look::Sealed { .. }
            )
        };
        let (cards, upload, posts) = run
            .trace
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| on_wire(s) && s.message == Some(0) && s.travel.map(|t| t.0) == sender)
            .filter_map(|(k, s)| {
                let tokens = crate::viewer::state::step_tokens(run, k);
                tokens
                    .iter()
                    .any(content)
                    .then_some((tokens.len(), s.bytes.len()))
            })
            .fold((0, 0, 0), |(c, b, n), (tc, tb)| (c + tc, b + tb, n + 1));
        Cost {
            cards,
            posts,
            upload,
            wire,
            public_key: crate::whatif::public_key_work(run, 0),
        }
    }

    /// What changed between `before` and `self`, in words; `None` when nothing did.
    pub fn change(&self, before: &Cost, first: &str) -> Option<String> {
        if self == before {
            return None;
        }
        let upload = |c: &Cost| {
            format!(
                "{} card(s) in {} upload(s), {} B",
                c.cards, c.posts, c.upload
            )
        };
        Some(format!(
            "Cost: {first} leaves its sender as {} (was {}); public-key operations to seal it: {} (was {}); bytes on every wire, whole run: {} B (was {} B)",
            upload(self),
            upload(before),
            self.public_key.words(),
            before.public_key.words(),
            self.wire,
            before.wire
        ))
    }
}

/// Applies the switches to the loaded scenario and re-runs the core under the model shown,
/// off the frame loop ([`Computing`]); the new runs replace the shown ones when done.
fn rerun(st: &mut WhatIfState, runs: &Runs, computing: &mut Computing, next: WhatIf) {
    let Some(mut base) = st.base.clone() else {
        return;
    };
    let shown = runs.honest().trace.protection;
    // The model shown (M may have changed it) decides whether a fan-out applies. A fan-out
    // switched earlier, under e2e, is kept for when M comes back to it but not applied under a
    // model without e2e (it used to refuse every later flip); switched now, it is refused.
    base.protection.model = shown.model;
    let carried = !shown.model.end_to_end() && next.fanout == st.switches.fanout;
    let applied = WhatIf {
        fanout: next.fanout.filter(|_| !carried),
        ..next.clone()
    };
    let edited = match applied.apply(&base) {
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
    // What sending costs, before and after, is counted in the background too (a group's
    // thousand uploads), so neither the frame of the tap nor the one the result arrives in
    // waits for it.
    let shown_run = std::sync::Arc::clone(&runs.runs[runs.current]);
    computing.start("re-running the core with the switch", move || {
        let done = Run::with(edited, protection).map(|run| {
            let (before, after) = rayon::join(|| Cost::of(&shown_run), || Cost::of(&run));
            (Runs::new(run), (before, after))
        });
        Box::new(move |world: &mut World| rerun_done(world, done, next))
    });
}

/// A re-run finished: the changed cells and cost against what was shown, and the new runs
/// shown (or why it failed).
fn rerun_done(
    world: &mut World,
    done: Result<(Runs, (Cost, Cost)), crate::sim::SimError>,
    next: WhatIf,
) {
    let (new, cost) = match done {
        Ok(new) => new,
        Err(e) => {
            world.resource_mut::<WhatIfState>().message =
                Some(format!("Not switched: the run failed: {e}"));
            return;
        }
    };
    let before = world.resource::<Runs>().honest();
    let changes = whatif::changes(before, new.honest());
    let last = new.run().trace.steps.len().saturating_sub(1);
    let mut st = world.resource_mut::<WhatIfState>();
    st.changes = changes;
    st.cost = Some(cost);
    st.switches = next;
    st.message = None;
    st.ours = true;
    *world.resource_mut::<Runs>() = new;
    let mut cursor = world.resource_mut::<Cursor>();
    cursor.step = cursor.step.min(last);
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
    scroll: Res<crate::viewer::playback::Scroll>,
) {
    let changed =
        st.is_changed() || runs.is_changed() || options.is_changed() || scroll.is_changed();
    let forget = || st.buttons.clear();
    let Some((mut pt, shown)) = side.begin(Panel::WhatIf, LAYER, changed, forget) else {
        return;
    };
    let sc = &runs.honest().scenario;
    let l = &shown.layout;
    let tags = draw_link_tags(&mut pt, sc, l);
    let col = crate::viewer::side_column::column(l);
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
    let _ = y;
    draw_changes(&mut pt, &st, &runs, l.inspector, scroll.panel);
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
        // A crowd's links are drawn as one line, not each with a switch of its own.
        if l.in_crowd(link.from) || l.in_crowd(link.to) {
            continue;
        }
        let placed: Vec<Rect> = tags.iter().map(|(r, _)| *r).collect();
        let (r, on) = l.tag_rect(i, crate::viewer::layout::TAG_SIZE, &placed);
        let word = if link.tls { "TLS on" } else { "TLS off" };
        if !r.contains_point(on) {
            pt.line(r.center(), on, p::INK, 2.0, Z - 0.01);
        }
        pt.boxed(r, p::HIGHLIGHT, p::INK, 2.0, Z);
        pt.text(r.x + 3.0, r.y + 2.0, word, 18.0, p::INK, Z + 0.1);
        tags.push((r, WhatIfCommand::Flip(Switch::LinkTls(i))));
    }
    tags
}

/// The changed cells, in the inspector's place: observer, message, the new verdict framed and
/// highlighted, and what it was.
fn draw_changes(pt: &mut Painter, st: &WhatIfState, runs: &Runs, area: Rect, offset: usize) {
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
        0 => "The last switch changed no cell of the who-can-read matrix (nor the metadata anyone learns)".to_string(),
        n => format!("The last switch changed {n} cell(s) of the who-can-read matrix, each with the core's reason:"),
    };
    let first = sc.messages.first().map_or("m1", |m| m.id.as_str());
    let cost = st
        .cost
        .as_ref()
        .and_then(|(before, after)| after.change(before, first));
    let mut lines: Vec<(String, Color, bool)> = Vec::new();
    let cols = chars_fit(area.w - 24.0, FONT);
    let mut push = |text: &str, color: Color, framed: bool| {
        for (i, l) in crate::viewer::text::wrap(text, cols)
            .into_iter()
            .enumerate()
        {
            let l = if i == 0 { l } else { format!("  {l}") };
            lines.push((l, color, framed && i == 0));
        }
    };
    push(&title, p::INK, false);
    // What is switched, whole, in the list's room (the column has none to spare).
    if let Some(base) = &st.base {
        let switched = st.switches.describe(base, sc);
        if !switched.is_empty() {
            push(&format!("Switched: {}", switched.join("; ")), p::INK, false);
        }
    }
    if let Some(cost) = &cost {
        push(cost, p::INK, false);
    }
    let run = runs.honest();
    for c in &st.changes {
        let who = &sc.observers[c.observer].name;
        let msg = &sc.messages[c.message].id;
        push(
            &format!("{who}, {msg}: {} (was {})", c.after.text(), c.before.text()),
            p::INK,
            true,
        );
        // One line of why, from the core's reasons for the new cell.
        let why = run
            .exposure
            .observers
            .get(c.observer)
            .and_then(|ox| ox.messages.get(c.message))
            .map(|mx| match (&mx.if_acting, c.after.if_acting) {
                (Some(a), Some(_)) => a.why.join(" -> "),
                _ => mx.why.join(" -> "),
            })
            .unwrap_or_default();
        if !why.is_empty() {
            push(
                &format!("why: {}", crate::viewer::chrome::ascii(&why)),
                p::MUTED,
                false,
            );
        }
    }
    let line_h = FONT * 1.2;
    let rows = ((area.h - 12.0) / line_h).floor().max(2.0) as usize;
    let shown_lines = crate::viewer::text::scrolled(
        lines.iter().map(|(l, c, _)| (l.clone(), *c)).collect(),
        rows,
        offset,
    );
    let off = if lines.len() > rows {
        offset.min(lines.len() - (rows - 1))
    } else {
        0
    };
    for (i, (l, color)) in shown_lines.iter().enumerate() {
        let y = area.y + 6.0 + i as f32 * line_h;
        // The scroll marker (a last line not in `lines`) is never framed.
        let framed = lines
            .get(off + i)
            .is_some_and(|(text, _, f)| *f && text == l);
        if framed {
            // The changed cell: framed and highlighted, not only coloured.
            let w = l.chars().count() as f32 * FONT * 0.6 + 8.0;
            pt.boxed(
                Rect::new(x - 4.0, y - 2.0, w.min(area.w - 8.0), line_h),
                p::HIGHLIGHT,
                p::INK,
                2.0,
                Z + 0.05,
            );
        }
        pt.text(x, y, l, FONT, *color, Z + 0.1);
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
        || crate::viewer::side_column::owns_click(&shown.layout, x, y)
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
                    .in_set(crate::viewer::ViewerSet::State)
                    .before(crate::viewer::playback::refresh_shown),
            )
            .add_systems(Update, draw.in_set(crate::viewer::ViewerSet::Draw));
    }
}
