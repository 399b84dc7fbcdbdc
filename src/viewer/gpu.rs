//! Finding a graphics adapter before Bevy does. Bevy 0.19 panics ("Unable to find a GPU!") when
//! wgpu finds no adapter, so `render` and `view` ask wgpu first, in the order of [`Surface`]'s
//! candidates, and hand Bevy the backend that answered, or return
//! [`ViewerError::NoAdapter`] with what to install.

use bevy::render::settings::{RenderCreation, WgpuSettings};
use wgpu::Backends;

use super::ViewerError;

/// What the frames are drawn into: that decides which backends can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// An image off-screen (`render`): Vulkan, then OpenGL ES through EGL, which Mesa serves
    /// without a display.
    Image,
    /// A window (`view`): Vulkan (Metal, DirectX 12) only. Bevy 0.19 opens its wgpu instance
    /// without the window's display, and wgpu's OpenGL ES backend cannot then draw into an X11
    /// window.
    Window,
}

impl Surface {
    /// The backend sets to try, in order, among those compiled in. `WGPU_BACKEND` (wgpu's own
    /// variable, e.g. `WGPU_BACKEND=gl`) replaces the list with the one set it names; a window
    /// never gets OpenGL ES (it would panic in Bevy's surface setup).
    fn candidates(self) -> Vec<Backends> {
        let built = wgpu::Instance::enabled_backend_features();
        let sets = match (Backends::from_env(), self) {
            (Some(chosen), Surface::Image) => vec![chosen],
            (Some(chosen), Surface::Window) if chosen != Backends::GL => {
                vec![chosen - Backends::GL]
            }
            (_, Surface::Image) => vec![Backends::PRIMARY, Backends::GL],
            (_, Surface::Window) => vec![Backends::PRIMARY],
        };
        sets.into_iter().map(|b| b & built).collect()
    }
}

/// Whether wgpu finds an adapter among `backends`.
fn has_adapter(backends: Backends) -> bool {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let request = instance.request_adapter(&wgpu::RequestAdapterOptions::default());
    bevy::tasks::block_on(request).is_ok()
}

/// How a backend set is named in messages.
fn describe(backends: Backends) -> String {
    let names = [
        (Backends::VULKAN, "Vulkan"),
        (Backends::METAL, "Metal"),
        (Backends::DX12, "DirectX 12"),
        (Backends::GL, "OpenGL ES (EGL)"),
    ];
    let found: Vec<&str> = names
        .iter()
        .filter(|(b, _)| backends.contains(*b))
        .map(|&(_, name)| name)
        .collect();
    if found.is_empty() {
        format!("{backends:?}")
    } else {
        found.join(" or ")
    }
}

/// Bevy's renderer settings for the first backend set, in `surface`'s order, where wgpu finds an
/// adapter; [`ViewerError::NoAdapter`] naming what was tried when none has one.
pub fn render_creation(surface: Surface) -> Result<RenderCreation, ViewerError> {
    let tried = surface.candidates();
    for &backends in &tried {
        if has_adapter(backends) {
            return Ok(WgpuSettings {
                backends: Some(backends),
                ..Default::default()
            }
            .into());
        }
    }
    let tried: Vec<String> = tried.into_iter().map(describe).collect();
    Err(ViewerError::NoAdapter(tried.join(", then ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_sets_are_named_for_people() {
        assert_eq!(describe(Backends::GL), "OpenGL ES (EGL)");
        assert_eq!(
            describe(Backends::VULKAN | Backends::GL),
            "Vulkan or OpenGL ES (EGL)"
        );
    }
}
