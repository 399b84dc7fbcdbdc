//! Frames for slides: a run of steps as an animated GIF or a numbered PNG sequence, drawn by
//! [`render_frames`](super::render_frames) in one Bevy app run.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, DynamicImage, Frame};

use super::ViewerError;
use super::playback::ViewOptions;
use super::render::{RgbImage, render_frames};
use crate::Run;

/// What `plainsight render --frames A..B` draws and where it writes it.
#[derive(Debug, Clone)]
pub struct FramesOptions {
    /// The first step.
    pub first: usize,
    /// The last step (inclusive).
    pub last: usize,
    /// View as this observer (index into the scenario's observers).
    pub observer: Option<usize>,
    /// Presenter mode.
    pub presenter: bool,
    /// Show the observer's active run (they use their powers).
    pub acting: bool,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Write an animated GIF here.
    pub gif: Option<PathBuf>,
    /// Write `step-000.png`, `step-001.png`, .. (named by step) into this folder.
    pub out_dir: Option<PathBuf>,
    /// How long each frame of the GIF shows, in milliseconds.
    pub delay_ms: u32,
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> ViewerError {
    ViewerError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Draws steps `first..=last` and writes the GIF and/or the PNG sequence.
pub fn render_sequence(run: Run, options: FramesOptions) -> Result<Vec<PathBuf>, ViewerError> {
    let steps: Vec<usize> = (options.first..=options.last).collect();
    let view = ViewOptions {
        observer: options.observer,
        presenter: options.presenter,
        acting: options.acting,
        ..Default::default()
    };
    let frames = render_frames(run, &steps, (options.width, options.height), view)?;
    let mut written = Vec::new();
    if let Some(dir) = &options.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
        for (step, frame) in steps.iter().zip(&frames) {
            let path = dir.join(format!("step-{step:03}.png"));
            frame.save(&path).map_err(|e| write_err(&path, e))?;
            written.push(path);
        }
    }
    if let Some(path) = &options.gif {
        write_gif(&frames, path, options.delay_ms)?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Writes frames as an animated GIF that loops.
pub fn write_gif(frames: &[RgbImage], path: &Path, delay_ms: u32) -> Result<(), ViewerError> {
    let file = File::create(path).map_err(|e| write_err(path, e))?;
    // Speed 30 is the quantiser's fastest: our frames are flat colours and text.
    let mut encoder = GifEncoder::new_with_speed(BufWriter::new(file), 30);
    encoder
        .set_repeat(Repeat::Infinite)
        .map_err(|e| write_err(path, e))?;
    for frame in frames {
        let rgba = DynamicImage::ImageRgb8(frame.clone()).to_rgba8();
        let delay = Delay::from_numer_denom_ms(delay_ms, 1);
        encoder
            .encode_frame(Frame::from_parts(rgba, 0, 0, delay))
            .map_err(|e| write_err(path, e))?;
    }
    Ok(())
}
