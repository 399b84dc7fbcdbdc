//! Helpers the test modules share: a shipped scene's run, and a headless viewer app.

use plainsight::Run;
use plainsight::scenario::{ModelChoice, Scenario};

/// A shipped scene, by file name (`e2e.ron`) or name (`e2e`).
pub fn shipped(name: &str) -> Scenario {
    Scenario::shipped(name).expect("a shipped scene that parses")
}

/// A shipped scene's run, under its own model or the one chosen.
#[cfg_attr(not(feature = "viewer"), allow(dead_code))]
pub fn shipped_run(name: &str, choice: Option<ModelChoice>) -> Run {
    Run::new(shipped(name), choice).expect("shipped scenes simulate")
}

/// The whole viewer without a window or renderer (`MinimalPlugins`), one frame in.
#[cfg(feature = "viewer")]
pub fn viewer_app(run: Run) -> bevy::prelude::App {
    use bevy::prelude::*;
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, plainsight::viewer::ViewerPlugin::new(run)));
    app.update();
    app
}

/// Every 2D text the viewer draws now.
#[cfg(feature = "viewer")]
pub fn texts(app: &mut bevy::prelude::App) -> Vec<String> {
    let world = app.world_mut();
    world
        .query::<&bevy::prelude::Text2d>()
        .iter(world)
        .map(|t| t.0.clone())
        .collect()
}
