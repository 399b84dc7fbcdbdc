//! The designer's file: Save, Save as (a name typed with the on-screen keys) and Load. In a
//! web page there is no file system: Save downloads the file, Load uploads one
//! ([`crate::viewer::page`]).

use super::DesignMode;
use crate::designer::Designer;
use crate::viewer::page;
use crate::viewer::playback::{Cursor, Runs};

/// Saves to the file named (`.ron` added when missing), in the folder of the file saved or
/// loaded before (else the current folder), and makes it Save's and Load's file.
pub(super) fn save_as(mode: &mut DesignMode, name: &str) {
    if name.is_empty() {
        mode.status = "Not saved: the file needs a name".into();
        return;
    }
    let file = if name.ends_with(".ron") {
        name.to_string()
    } else {
        format!("{name}.ron")
    };
    let dir = mode
        .path
        .as_ref()
        .and_then(|p| p.parent())
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    mode.path = Some(dir.join(file));
    save(mode);
}

/// Writes the file to Save's path (`designed.ron` in the current folder until named).
pub(super) fn save(mode: &mut DesignMode) {
    let Some(d) = mode.designer.as_ref() else {
        return;
    };
    let path = mode.path.clone().unwrap_or_else(|| "designed.ron".into());
    if page::in_browser() {
        let name = path
            .file_name()
            .map_or("designed.ron".into(), |n| n.to_string_lossy().into_owned());
        page::download(&name, &d.to_ron());
        mode.status = format!("Downloaded {name}: upload it with load");
        return;
    }
    mode.status = match std::fs::write(&path, d.to_ron()) {
        Ok(()) if mode.error.is_none() => format!("Saved {}", path.display()),
        Ok(()) => format!("Saved {}, not valid yet", path.display()),
        Err(e) => format!("Could not save {}: {e}", path.display()),
    };
}

/// Reads Save's file back.
pub(super) fn load(mode: &mut DesignMode, runs: &mut Runs, cursor: &mut Cursor) {
    if page::in_browser() {
        page::ask_upload();
        mode.status = "Choose a scene file (.ron) in the page's file picker".into();
        return;
    }
    let path = mode.path.clone().unwrap_or_else(|| "designed.ron".into());
    let name = path.display().to_string();
    let loaded = crate::scenario::read_capped(&path)
        .map_err(|e| format!("Could not read {name}: {}", e.message))
        .and_then(|t| Designer::load(&t, &name).map_err(|e| e.to_string()));
    match loaded {
        Ok(d) => {
            mode.designer = Some(d);
            mode.selected.clear();
            mode.status = format!("Loaded {name}");
            mode.sync(runs, cursor);
        }
        Err(e) => mode.status = e,
    }
}

/// A scene the learner uploaded in the page, loaded into the designer when it arrives.
pub(super) fn uploaded(
    mut mode: bevy::prelude::ResMut<DesignMode>,
    mut runs: bevy::prelude::ResMut<Runs>,
    mut cursor: bevy::prelude::ResMut<Cursor>,
) {
    let Some((name, text)) = page::take_upload() else {
        return;
    };
    match Designer::load(&text, &name) {
        Ok(d) => {
            mode.designer = Some(d);
            mode.selected.clear();
            mode.path = Some(name.clone().into());
            mode.status = format!("Uploaded {name}");
            mode.sync(&mut runs, &mut cursor);
        }
        Err(e) => mode.status = format!("Could not load {name}: {e}"),
    }
}
