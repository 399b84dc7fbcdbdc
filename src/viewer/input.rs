//! Keys, clicks and the mouse wheel to [`ViewerCommand`]s, and the window's size to the
//! [`Canvas`]. Only in the window: tests and `render` send commands or set the canvas directly.
//!
//! Keys are read from the keyboard's messages, one command per press, not from
//! `ButtonInput::just_pressed`: a presentation clicker can send two presses within one frame,
//! and `just_pressed` counts those as one (issue 13 measured 20 presses moving 17 steps).

use bevy::input::ButtonState;
use bevy::input::keyboard::KeyboardInput;
use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::chrome::EventLine;
use super::controls::ControlButton;
use super::observer::ObserverChip;
use super::panel::Panel;
use super::playback::{Canvas, Shown, ViewerCommand};

/// One control: the keys that give it, the command, and what it does (for the help panel).
pub struct Control {
    /// The keys, as the help shows them.
    pub keys: &'static str,
    /// The key codes.
    pub codes: &'static [KeyCode],
    /// The command sent.
    pub command: ViewerCommand,
    /// What it does.
    pub does: &'static str,
}

/// Every key of the viewer but the panels' (those are in [`Panel::ALL`]) and the scenario
/// picker's `[` and `]`.
pub const CONTROLS: [Control; 15] = [
    Control {
        keys: "Space",
        codes: &[KeyCode::Space],
        command: ViewerCommand::TogglePlay,
        does: "play / pause",
    },
    Control {
        keys: "Right, PgDn",
        codes: &[KeyCode::ArrowRight, KeyCode::PageDown],
        command: ViewerCommand::StepForward,
        does: "one step forward (Page Down: presentation clickers)",
    },
    Control {
        keys: "Left, PgUp",
        codes: &[KeyCode::ArrowLeft, KeyCode::PageUp],
        command: ViewerCommand::StepBack,
        does: "one step back",
    },
    Control {
        keys: "Home",
        codes: &[KeyCode::Home],
        command: ViewerCommand::Restart,
        does: "back to the first step",
    },
    Control {
        keys: "+",
        codes: &[KeyCode::Equal, KeyCode::NumpadAdd],
        command: ViewerCommand::Faster,
        does: "play faster",
    },
    Control {
        keys: "-",
        codes: &[KeyCode::Minus, KeyCode::NumpadSubtract],
        command: ViewerCommand::Slower,
        does: "play slower",
    },
    Control {
        keys: "V",
        codes: &[KeyCode::KeyV],
        command: ViewerCommand::CycleSpeed,
        does: "the next speed: 0.5, 0.8, 1.5, 3 steps a second, round (the Speed button)",
    },
    Control {
        keys: "N",
        codes: &[KeyCode::KeyN],
        command: ViewerCommand::NextMessage,
        does: "jump to the next message's first step",
    },
    Control {
        keys: "Tab, O",
        codes: &[KeyCode::Tab, KeyCode::KeyO],
        command: ViewerCommand::NextObserver,
        does: "view as the next observer (or click an observer)",
    },
    Control {
        keys: "M",
        codes: &[KeyCode::KeyM],
        command: ViewerCommand::CycleModel,
        // The help adds the models' names from their registry.
        does: "the next model (the core re-runs)",
    },
    Control {
        keys: "A",
        codes: &[KeyCode::KeyA],
        command: ViewerCommand::ToggleActing,
        does: "play the viewed observer's active run (they use their powers); again: honest run",
    },
    Control {
        keys: "P",
        codes: &[KeyCode::KeyP],
        command: ViewerCommand::TogglePresenter,
        does: "presenter mode: bigger text, the step's sentence as a caption",
    },
    Control {
        keys: "Up, Down",
        codes: &[KeyCode::ArrowDown],
        command: ViewerCommand::Scroll(1),
        does: "scroll the open panel, else the inspector (also the mouse wheel)",
    },
    Control {
        keys: "",
        codes: &[KeyCode::ArrowUp],
        command: ViewerCommand::Scroll(-1),
        does: "",
    },
    Control {
        keys: "Esc",
        codes: &[KeyCode::Escape],
        command: ViewerCommand::Back,
        does: "",
    },
];

/// The command a key gives, if any.
pub fn command_for(key: KeyCode) -> Option<ViewerCommand> {
    CONTROLS
        .iter()
        .find(|c| c.codes.contains(&key))
        .map(|c| c.command)
        .or_else(|| {
            Panel::ALL
                .iter()
                .find(|info| info.codes.contains(&key))
                .map(|info| ViewerCommand::TogglePanel(info.panel))
        })
}

/// One command per key press (auto-repeat ignored, as before), however many presses arrive in
/// one frame.
fn keyboard(mut keys: MessageReader<KeyboardInput>, mut out: MessageWriter<ViewerCommand>) {
    for key in keys.read() {
        if key.state == ButtonState::Pressed
            && !key.repeat
            && let Some(command) = command_for(key.key_code)
        {
            out.write(command);
        }
    }
}

fn hit(world: Vec2, tf: &Transform, sprite: &Sprite) -> bool {
    let size = sprite.custom_size.unwrap_or(Vec2::ZERO);
    let d = world - tf.translation.truncate();
    d.x.abs() <= size.x / 2.0 && d.y.abs() <= size.y / 2.0
}

/// The cursor in world coordinates (centre origin, y up), if it is over the window.
fn cursor_world(window: &Window) -> Option<Vec2> {
    let pos = window.cursor_position()?;
    Some(Vec2::new(
        pos.x - window.width() / 2.0,
        window.height() / 2.0 - pos.y,
    ))
}

type ButtonQuery<'w, 's> =
    Query<'w, 's, (&'static ControlButton, &'static Transform, &'static Sprite)>;
type LineQuery<'w, 's> = Query<'w, 's, (&'static EventLine, &'static Transform, &'static Sprite)>;

/// A click on a button, a step of the list, or an observer's chip.
fn clicks(
    buttons: Res<ButtonInput<MouseButton>>,
    window: Query<&Window, With<PrimaryWindow>>,
    panel: Res<State<Panel>>,
    (buttons_on_screen, lines): (ButtonQuery, LineQuery),
    chips: Query<(&ObserverChip, &Transform, &Sprite)>,
    mut out: MessageWriter<ViewerCommand>,
) {
    if !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let Some(world) = window.single().ok().and_then(cursor_world) else {
        return;
    };
    if let Some((button, ..)) = buttons_on_screen
        .iter()
        .find(|(_, tf, s)| hit(world, tf, s))
    {
        out.write(button.0);
    } else if let Some((line, ..)) = lines.iter().find(|(_, tf, s)| hit(world, tf, s)) {
        out.write(ViewerCommand::GoTo(line.0));
    } else if *panel.get() == Panel::Closed
        && let Some((chip, ..)) = chips.iter().find(|(_, tf, s)| hit(world, tf, s))
    {
        // With a panel open the chips are under it.
        out.write(ViewerCommand::ViewAs(chip.0));
    }
}

/// The mouse wheel: over the step list it scrolls the list, elsewhere the open panel or the
/// inspector.
fn wheel(
    mut wheel: MessageReader<MouseWheel>,
    window: Query<&Window, With<PrimaryWindow>>,
    shown: Option<Res<Shown>>,
    mut out: MessageWriter<ViewerCommand>,
) {
    let mut lines = 0.0;
    for w in wheel.read() {
        lines += match w.unit {
            MouseScrollUnit::Line => w.y,
            MouseScrollUnit::Pixel => w.y / 24.0,
        };
    }
    let n = -(lines.round() as i32);
    if n == 0 {
        return;
    }
    let over_list = window
        .single()
        .ok()
        .and_then(|w| w.cursor_position())
        .zip(shown)
        .is_some_and(|(pos, shown)| {
            let (x, y) = shown.fit.to_virtual(pos.x, pos.y);
            let ev = shown.layout.events;
            x >= ev.x && x <= ev.right() && y >= ev.y && y <= ev.bottom()
        });
    out.write(if over_list {
        ViewerCommand::ScrollList(n)
    } else {
        ViewerCommand::Scroll(n)
    });
}

fn resize(window: Query<&Window, With<PrimaryWindow>>, mut canvas: ResMut<Canvas>) {
    let Ok(window) = window.single() else {
        return;
    };
    let (w, h) = (window.width(), window.height());
    if w >= 1.0 && h >= 1.0 && (canvas.width != w || canvas.height != h) {
        canvas.width = w;
        canvas.height = h;
    }
}

/// The input plugin.
pub struct InputPlugin;

impl Plugin for InputPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (keyboard, clicks, wheel, resize).in_set(super::ViewerSet::Input),
        );
    }
}
