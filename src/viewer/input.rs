//! Keys and clicks to [`ViewerCommand`]s, and the window's size to the [`Canvas`]. Only in the
//! window: tests and `render` send commands or set the canvas directly.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::observer::ObserverChip;
use super::panels::EventLine;
use super::playback::{Canvas, ViewerCommand};

const KEYS: [(KeyCode, ViewerCommand); 20] = [
    (KeyCode::Space, ViewerCommand::TogglePlay),
    (KeyCode::ArrowRight, ViewerCommand::StepForward),
    (KeyCode::ArrowLeft, ViewerCommand::StepBack),
    (KeyCode::Home, ViewerCommand::Restart),
    (KeyCode::Equal, ViewerCommand::Faster),
    (KeyCode::NumpadAdd, ViewerCommand::Faster),
    (KeyCode::Minus, ViewerCommand::Slower),
    (KeyCode::NumpadSubtract, ViewerCommand::Slower),
    (KeyCode::Tab, ViewerCommand::NextObserver),
    (KeyCode::Escape, ViewerCommand::Neutral),
    (KeyCode::KeyM, ViewerCommand::CycleModel),
    (KeyCode::KeyC, ViewerCommand::ToggleLanes),
    (KeyCode::KeyX, ViewerCommand::ToggleMatrix),
    (KeyCode::KeyH, ViewerCommand::ToggleKeys),
    (KeyCode::KeyL, ViewerCommand::ToggleLanes),
    (KeyCode::KeyO, ViewerCommand::NextObserver),
    (KeyCode::KeyP, ViewerCommand::TogglePresenter),
    (KeyCode::KeyA, ViewerCommand::ToggleActing),
    // Presentation clickers send Page Down and Page Up.
    (KeyCode::PageDown, ViewerCommand::StepForward),
    (KeyCode::PageUp, ViewerCommand::StepBack),
];

fn keyboard(keys: Res<ButtonInput<KeyCode>>, mut out: MessageWriter<ViewerCommand>) {
    for (key, command) in KEYS {
        if keys.just_pressed(key) {
            out.write(command);
        }
    }
}

fn hit(world: Vec2, tf: &Transform, sprite: &Sprite) -> bool {
    let size = sprite.custom_size.unwrap_or(Vec2::ZERO);
    let d = world - tf.translation.truncate();
    d.x.abs() <= size.x / 2.0 && d.y.abs() <= size.y / 2.0
}

fn clicks(
    buttons: Res<ButtonInput<MouseButton>>,
    window: Query<&Window, With<PrimaryWindow>>,
    lines: Query<(&EventLine, &Transform, &Sprite)>,
    chips: Query<(&ObserverChip, &Transform, &Sprite)>,
    mut out: MessageWriter<ViewerCommand>,
) {
    if !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let Ok(window) = window.single() else {
        return;
    };
    let Some(pos) = window.cursor_position() else {
        return;
    };
    let world = Vec2::new(pos.x - window.width() / 2.0, window.height() / 2.0 - pos.y);
    if let Some((line, ..)) = lines.iter().find(|(_, tf, s)| hit(world, tf, s)) {
        out.write(ViewerCommand::GoTo(line.0));
    } else if let Some((chip, ..)) = chips.iter().find(|(_, tf, s)| hit(world, tf, s)) {
        out.write(ViewerCommand::ViewAs(chip.0));
    }
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
            (keyboard, clicks, resize).in_set(super::ViewerSet::Input),
        );
    }
}
