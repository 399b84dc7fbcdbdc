//! The web page around the viewer (`web/index.html`): which shipped scene a link opens
//! (`?scene=NAME`), and the designer's file, downloaded and uploaded, since a page has no file
//! system. The page defines the functions (`plainsightScene`, `plainsightDownload`,
//! `plainsightUpload`, `plainsightTakeUpload`); the viewer calls them by name. Off the web
//! there is no page: every call answers `None`.

/// Calls the page's global function `name` with string arguments; its string answer, if any.
#[cfg(target_arch = "wasm32")]
fn call(name: &str, args: &[&str]) -> Option<String> {
    use wasm_bindgen::{JsCast, JsValue};
    let global = js_sys::global();
    let f = js_sys::Reflect::get(&global, &JsValue::from_str(name)).ok()?;
    let f: js_sys::Function = f.dyn_into().ok()?;
    let list = js_sys::Array::new();
    for a in args {
        list.push(&JsValue::from_str(a));
    }
    f.apply(&global, &list).ok()?.as_string()
}

/// Off the web there is no page.
#[cfg(not(target_arch = "wasm32"))]
fn call(_: &str, _: &[&str]) -> Option<String> {
    None
}

/// Whether the viewer runs in a web page.
pub fn in_browser() -> bool {
    cfg!(target_arch = "wasm32")
}

/// The shipped scene the page's address names (`?scene=group-dm`), if any.
pub fn scene_asked() -> Option<String> {
    call("plainsightScene", &[]).filter(|s| !s.trim().is_empty())
}

/// Offers `text` to the learner as a file named `name` to download.
pub fn download(name: &str, text: &str) {
    call("plainsightDownload", &[name, text]);
}

/// Opens the page's file picker for a scene to upload; [`take_upload`] gets it once read.
pub fn ask_upload() {
    call("plainsightUpload", &[]);
}

/// A file the learner uploaded since the last call: its name and text.
pub fn take_upload() -> Option<(String, String)> {
    let name = call("plainsightTakeUploadName", &[])?;
    let text = call("plainsightTakeUpload", &[])?;
    Some((name, text))
}

/// Writes a line to the page's console (the web build has no log plugin); off the web,
/// nothing (Bevy's log plugin shows the same line).
pub fn console_log(line: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsValue;
        let console = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("console"));
        let log = console
            .as_ref()
            .ok()
            .and_then(|c| js_sys::Reflect::get(c, &JsValue::from_str("log")).ok());
        if let (Ok(console), Some(log)) = (console, log)
            && let Ok(f) = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(log)
        {
            let _ = f.call1(&console, &JsValue::from_str(line));
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = line;
}
