//! The scenario designer (D): a palette beside the network. Tap nodes, links and observer
//! chips to select them, drag a device or server to move it, and press the palette's buttons
//! to add people, devices, servers, links, messages and observers, remove or rename what is
//! selected, set an observer's role and reach, and save or load the RON file. Every edit is a
//! core [`Edit`] applied by a [`Designer`], which validates the file again; a valid scenario
//! is run by the core and drawn, an invalid one keeps the last drawing and shows the located
//! error.

use std::path::PathBuf;

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::Run;
use crate::designer::{Designer, Edit};
use crate::scenario::{Node, Role, Scenario};
use crate::viewer::draw::{Layer, Painter, palette as p};
use crate::viewer::layout::{Layout, Rect};
use crate::viewer::panel::Panel;
use crate::viewer::playback::{Cursor, Runs, Shown};
use crate::viewer::side_column::{Para, SideDraw, button, inside, titled_column};

mod files;
mod menus;
mod tools;

pub use tools::{Selected, Tool};

const LAYER: Layer = Layer::Classroom(3);
/// The panel's depth: the column at `Z`, its text and buttons just above.
const Z: f32 = 14.0;

/// What a person (or a test) can ask of the designer.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum DesignCommand {
    /// A palette button.
    Tool(Tool),
    /// One edit, as the palette would send it.
    Edit(Edit),
    /// A tap at a virtual-canvas point: a button, a node, an observer chip or a link.
    ClickAt(f32, f32),
    /// A drag from one virtual point to another: moves the node under the first.
    Drag(f32, f32, f32, f32),
    /// Where Save writes and Load reads.
    SetPath(PathBuf),
    /// Text typed while renaming; Enter commits (`'\n'`), Backspace deletes (`'\u{8}'`).
    Type(char),
}

/// The scenario being designed and the palette's state.
#[derive(Resource, Debug, Default)]
pub struct DesignMode {
    /// The designer (`None` until the panel is first opened).
    pub designer: Option<Designer>,
    /// The last things tapped, newest last (at most two).
    pub selected: Vec<Selected>,
    /// Where Save writes and Load reads.
    pub path: Option<PathBuf>,
    /// What the last action did.
    pub status: String,
    /// The located error of the scenario as it stands, if it is not valid.
    pub error: Option<String>,
    /// The rename (or, with `saving_as`, the file name) being typed.
    pub typing: Option<String>,
    /// What is typed names the file to save.
    pub saving_as: bool,
    /// The on-screen shift: the next letter is a capital.
    pub caps: bool,
    /// The role list is open in the palette's place.
    pub roles_open: bool,
    /// The role the next observer gets (index into [`Role::ALL`]).
    pub role: usize,
    /// The palette's buttons, in virtual pixels.
    pub buttons: Vec<(Rect, Tool)>,
}

impl DesignMode {
    /// Applies an edit, validates, and shows the scenario when it is valid.
    pub fn edit(&mut self, edit: Edit, runs: &mut Runs, cursor: &mut Cursor) {
        let Some(d) = self.designer.as_mut() else {
            return;
        };
        match d.apply(edit) {
            Ok(()) => self.sync(runs, cursor),
            Err(e) => self.status = format!("Not done: {e}"),
        }
    }

    /// Validates the file as it stands; runs and shows it if valid.
    pub fn sync(&mut self, runs: &mut Runs, cursor: &mut Cursor) {
        let Some(d) = self.designer.as_ref() else {
            return;
        };
        match d.check().map(|sc| Run::new(sc, None)) {
            Ok(Ok(run)) => {
                self.error = None;
                *runs = Runs::new(run);
                let last = runs.run().trace.steps.len().saturating_sub(1);
                cursor.step = cursor.step.min(last);
            }
            Ok(Err(e)) => self.error = Some(format!("The run failed: {e}")),
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

/// Opening the panel the first time starts from the scenario shown (its file).
fn on_enter(mut mode: ResMut<DesignMode>, runs: Res<Runs>) {
    if mode.designer.is_some() {
        return;
    }
    mode.role = Role::ALL
        .iter()
        .position(|&r| r == Role::WireEavesdropper)
        .unwrap_or(0);
    let source = runs.honest().scenario.source.clone();
    let text = source_text(&source);
    mode.designer = Some(
        text.and_then(|t| Designer::load(&t, &source).ok())
            .unwrap_or_default(),
    );
    mode.status = format!("Designing a copy of {source}");
}

/// The text of the scene a run came from: the file at its source path, or where there is none,
/// a shipped scene's own text when the source is exactly the name shipped scenes are given
/// (`scenes/e2e.ron`). A suffix match once opened the shipped `e2e.ron` for a user's
/// `my-e2e.ron` or `my/scenes/e2e.ron`.
fn source_text(source: &str) -> Option<String> {
    crate::scenario::read_capped(source).ok().or_else(|| {
        crate::scenario::SHIPPED
            .iter()
            .find(|(f, _)| source == format!("scenes/{f}"))
            .map(|(_, t)| t.to_string())
    })
}

fn apply(
    mut commands: MessageReader<DesignCommand>,
    mut mode: ResMut<DesignMode>,
    mut runs: ResMut<Runs>,
    mut cursor: ResMut<Cursor>,
    shown: Option<Res<Shown>>,
) {
    for c in commands.read() {
        match c.clone() {
            DesignCommand::Tool(t) => tools::press(t, &mut mode, &mut runs, &mut cursor),
            DesignCommand::Edit(e) => mode.edit(e, &mut runs, &mut cursor),
            DesignCommand::SetPath(p) => mode.path = Some(p),
            DesignCommand::Type(ch) => menus::typed(ch, &mut mode, &mut runs, &mut cursor),
            DesignCommand::ClickAt(x, y) => {
                if let Some(t) = mode
                    .buttons
                    .iter()
                    .find(|(r, _)| inside(r, x, y))
                    .map(|b| b.1)
                {
                    tools::press(t, &mut mode, &mut runs, &mut cursor);
                } else if let Some(sel) = shown.as_deref().and_then(|s| pick(s, &runs, x, y)) {
                    mode.status = format!("Selected {}", sel.label());
                    mode.selected.retain(|s| *s != sel);
                    mode.selected.push(sel);
                    if mode.selected.len() > 2 {
                        mode.selected.remove(0);
                    }
                }
            }
            DesignCommand::Drag(x0, y0, x1, y1) => {
                let Some(shown) = shown.as_deref() else {
                    continue;
                };
                if let Some(Selected::Node(node)) = pick(shown, &runs, x0, y0) {
                    let st = shown.layout.stage;
                    let (x, y) = ((x1 - st.x) / st.w, (y1 - st.y) / st.h);
                    mode.edit(Edit::Move { node, x, y }, &mut runs, &mut cursor);
                }
            }
        }
    }
}

/// What is under a point of the network: a device or server, an observer chip, or a link.
fn pick(shown: &Shown, runs: &Runs, x: f32, y: f32) -> Option<Selected> {
    let sc = &runs.honest().scenario;
    let l = &shown.layout;
    if !inside(&l.stage, x, y) {
        return None;
    }
    for d in 0..sc.devices.len() {
        if inside(&l.node_rect(Node::Device(d)), x, y) {
            return Some(Selected::Node(sc.devices[d].name.clone()));
        }
    }
    for s in 0..sc.servers.len() {
        if inside(&l.node_rect(Node::Server(s)), x, y) {
            return Some(Selected::Node(sc.servers[s].name.clone()));
        }
    }
    if let Some(o) = l.observers.iter().position(|r| inside(r, x, y)) {
        return sc
            .observers
            .get(o)
            .map(|o| Selected::Observer(o.name.clone()));
    }
    let link = crate::whatif::nearest_link(&l.links, (x, y), 14.0)?;
    let ln = &sc.links[link];
    Some(Selected::Link(
        sc.node_name(ln.from).to_string(),
        sc.node_name(ln.to).to_string(),
    ))
}

fn draw(mut side: SideDraw, mut mode: ResMut<DesignMode>, runs: Res<Runs>) {
    let changed = mode.is_changed();
    let forget = || mode.buttons.clear();
    let Some((mut pt, shown)) = side.begin(Panel::Designer, LAYER, changed, forget) else {
        return;
    };
    let l = &shown.layout;
    let col = crate::viewer::side_column::column(l);
    titled_column(&mut pt, col, Panel::Designer, "Designer", Z);
    // A pen renames and names files with on-screen keys; the role list is one tap a role.
    let top = col.y + 36.0;
    let bottom = if mode.typing.is_some() {
        menus::draw_keys(&mut pt, &mut mode, col, top)
    } else if mode.roles_open {
        menus::draw_roles(&mut pt, &mut mode, col, top)
    } else {
        draw_tools(&mut pt, &mut mode, col)
    };
    let sel: Vec<String> = mode.selected.iter().map(Selected::label).collect();
    let text = format!(
        "Selected: {}. {}",
        if sel.is_empty() {
            "nothing (tap a node, link or chip)".into()
        } else {
            sel.join(", then ")
        },
        mode.status
    );
    let para = Para::in_column(col, 18.0, 21.0, Z + 0.1).until(col.bottom() - 20.0);
    para.draw(&mut pt, bottom + 4.0, &[text]);
    outline_selected(&mut pt, &runs.honest().scenario, l, &mode.selected);
    draw_status(&mut pt, &mode, l.inspector);
}

/// The palette's buttons, two to a row under the title; returns the bottom of the last row.
fn draw_tools(pt: &mut Painter, mode: &mut DesignMode, col: Rect) -> f32 {
    let half = (col.w - 24.0) / 2.0;
    let role = Role::ALL[mode.role % Role::ALL.len()].name();
    for (i, tool) in Tool::ALL.iter().enumerate() {
        // The role button, last, takes a whole row: role names are long.
        let (w, x, row) = if *tool == Tool::Roles {
            (col.w - 16.0, col.x + 8.0, i.div_ceil(2))
        } else {
            (half, col.x + 8.0 + (i % 2) as f32 * (half + 8.0), i / 2)
        };
        let r = Rect::new(x, col.y + 36.0 + row as f32 * 32.0, w, 28.0);
        button(pt, r, &tool.label(role), 18.0, Z);
        mode.buttons.push((r, *tool));
    }
    col.y + 36.0 + (Tool::ALL.len() + 1).div_ceil(2) as f32 * 32.0
}

/// A highlight round each selected device or server, and along each selected link (a wide
/// yellow halo with a black edge round its band: a shape, not only a colour).
fn outline_selected(pt: &mut Painter, sc: &Scenario, l: &Layout, selected: &[Selected]) {
    for s in selected {
        if let Selected::Link(a, b) = s {
            let named = |k: usize| {
                let (x, y) = (sc.node_name(sc.links[k].from), sc.node_name(sc.links[k].to));
                (x == a && y == b) || (x == b && y == a)
            };
            if let Some(path) = (0..sc.links.len())
                .find(|&k| named(k))
                .and_then(|k| l.links.get(k))
            {
                // Under the link's own band (z 0.5) and over nothing else: a halo round it.
                for w in path.windows(2) {
                    pt.line(w[0], w[1], p::INK, 30.0, 0.44);
                    pt.line(w[0], w[1], p::HIGHLIGHT, 26.0, 0.45);
                }
            }
            continue;
        }
        let Selected::Node(n) = s else {
            continue;
        };
        let node = (0..sc.devices.len())
            .find(|&d| sc.devices[d].name == *n)
            .map(Node::Device)
            .or_else(|| {
                (0..sc.servers.len())
                    .find(|&k| sc.servers[k].name == *n)
                    .map(Node::Server)
            });
        if let Some(node) = node {
            pt.outline(l.node_rect(node).inset(-4.0), p::HIGHLIGHT, 5.0, Z);
        }
    }
}

/// The file's state in the inspector's place: the rename being typed, the located error, or
/// that `plainsight check` accepts it.
fn draw_status(pt: &mut Painter, mode: &DesignMode, area: Rect) {
    pt.boxed(area, p::PAPER, p::INK, 3.0, Z);
    let path = mode
        .path
        .as_ref()
        .map_or("designed.ron".into(), |p| p.display().to_string());
    let text = match (&mode.typing, &mode.error) {
        (Some(t), _) if mode.saving_as => {
            format!("Save as: {t}_ .ron   (tap the keys or type; Enter saves, Esc cancels)")
        }
        (Some(t), _) => {
            format!("Rename to: {t}_   (tap the keys or type; Enter keeps it, Esc cancels)")
        }
        (None, Some(e)) => {
            format!("Not valid yet (the viewer still shows the last valid one):\n{e}")
        }
        (None, None) => format!("Valid: plainsight check accepts it. Save writes {path}"),
    };
    let para = Para::in_column(area, 18.0, 21.0, Z + 0.1).until(area.bottom() - 18.0);
    let lines: Vec<&str> = text.lines().collect();
    para.draw(pt, area.y + 6.0, &lines);
}

/// Taps, drags and typing while the panel is open, taken before the other panels see them.
#[allow(clippy::too_many_arguments)]
fn input(
    buttons: Option<ResMut<ButtonInput<MouseButton>>>,
    keys: Option<ResMut<Messages<KeyboardInput>>>,
    window: Query<&Window, With<PrimaryWindow>>,
    mode: Res<DesignMode>,
    shown: Option<Res<Shown>>,
    state: Option<Res<State<Panel>>>,
    mut press: Local<Option<(f32, f32)>>,
    mut out: MessageWriter<DesignCommand>,
) {
    if !state.is_some_and(|s| *s.get() == Panel::Designer) {
        return;
    }
    if mode.typing.is_some()
        && let Some(mut keys) = keys
    {
        // While renaming, letters are text, not the viewer's keys.
        for k in keys.drain() {
            if k.state != ButtonState::Pressed {
                continue;
            }
            let ch = match &k.logical_key {
                Key::Enter => Some('\n'),
                Key::Backspace => Some('\u{8}'),
                Key::Escape => Some('\u{1b}'),
                Key::Space => Some(' '),
                Key::Character(c) => c.chars().next(),
                _ => None,
            };
            if let Some(ch) = ch {
                out.write(DesignCommand::Type(ch));
            }
        }
    }
    let (Some(mut buttons), Some(shown)) = (buttons, shown) else {
        return;
    };
    let Some(pos) = window.single().ok().and_then(Window::cursor_position) else {
        return;
    };
    let (x, y) = shown.fit.to_virtual(pos.x, pos.y);
    let l = &shown.layout;
    let ours = crate::viewer::side_column::owns_click(l, x, y)
        || inside(&l.inspector, x, y)
        || inside(&l.stage, x, y);
    if buttons.just_pressed(MouseButton::Left) && ours {
        *press = Some((x, y));
        buttons.clear_just_pressed(MouseButton::Left);
    }
    if buttons.just_released(MouseButton::Left)
        && let Some((x0, y0)) = press.take()
    {
        if (x - x0).abs() + (y - y0).abs() > 20.0 {
            out.write(DesignCommand::Drag(x0, y0, x, y));
        } else {
            out.write(DesignCommand::ClickAt(x0, y0));
        }
    }
}

/// The designer plugin.
pub struct DesignPlugin;

impl Plugin for DesignPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<DesignMode>()
            .add_message::<DesignCommand>()
            .add_systems(PreUpdate, input.after(bevy::input::InputSystems))
            .add_systems(OnEnter(Panel::Designer), on_enter)
            .add_systems(
                Update,
                apply
                    .in_set(crate::viewer::ViewerSet::State)
                    .before(crate::viewer::playback::refresh_shown),
            )
            .add_systems(Update, draw.in_set(crate::viewer::ViewerSet::Draw))
            .add_systems(
                Update,
                files::uploaded
                    .run_if(crate::viewer::page::in_browser)
                    .in_set(crate::viewer::ViewerSet::State)
                    .before(crate::viewer::playback::refresh_shown),
            );
    }
}

#[cfg(test)]
mod tests {
    use super::source_text;

    #[test]
    fn a_users_file_named_like_a_shipped_scene_opens_its_own_text_in_the_designer() {
        // `source.ends_with("e2e.ron")` opened the shipped e2e scene for these files.
        let dir = std::env::temp_dir().join("plainsight-design-source");
        let nested = dir.join("my").join("scenes");
        std::fs::create_dir_all(&nested).expect("a temp dir");
        for path in [dir.join("my-e2e.ron"), nested.join("e2e.ron")] {
            std::fs::write(&path, "(title: \"mine\")").expect("writes");
            let source = path.to_str().expect("utf-8");
            assert_eq!(source_text(source).as_deref(), Some("(title: \"mine\")"));
        }
        let shipped = source_text("scenes/e2e.ron").expect("the shipped scene");
        assert!(shipped.contains("model:"), "{shipped}");
        assert_eq!(source_text("elsewhere/none-such-e2e.ron"), None);
    }
}
