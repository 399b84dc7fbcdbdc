//! The Bevy visual simulator (feature `viewer`). It animates a [`Run`]'s trace and decides
//! nothing itself about who can read what.
//!
//! PLACEHOLDER: being written on the `viewer` branch; until it lands, both entry points say so.

use std::path::PathBuf;

use crate::Run;

/// Why the viewer could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ViewerError {
    /// Not available in this build.
    #[error("the viewer is not in this build yet; use `plainsight trace` or `plainsight matrix`")]
    Unavailable,
}

/// What `plainsight render` draws.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The step to show.
    pub step: usize,
    /// View as this observer (index into the scenario's observers).
    pub observer: Option<usize>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The PNG to write.
    pub out: PathBuf,
}

/// Opens the viewer window.
pub fn open(_run: Run) -> Result<(), ViewerError> {
    Err(ViewerError::Unavailable)
}

/// Draws one frame to a PNG, without a window.
pub fn render_png(_run: Run, _options: RenderOptions) -> Result<(), ViewerError> {
    Err(ViewerError::Unavailable)
}
