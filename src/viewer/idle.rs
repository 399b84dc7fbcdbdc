//! A window that idles: Bevy updates, and so draws, only while something moves (playing, or a
//! change still being laid out) and when a person acts, instead of as fast as it can; paused,
//! the viewer costs next to no CPU. Also the frame times behind `plainsight view --frame-times`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bevy::prelude::*;
use bevy::text::TextLayoutInfo;
use bevy::window::RequestRedraw;
use bevy::winit::{UpdateMode, WinitSettings};

use super::compute::Computing;
use super::panel::Panel;
use super::picker::Picker;
use super::playback::{Cursor, Scroll, Shown};

/// Longest sleep between two updates when nothing happens. Input and window events wake the
/// viewer at once; this only bounds how stale a periodic frame-times line can be.
const IDLE_WAIT: Duration = Duration::from_secs(5);
/// Most frames drawn after a change while waiting for its text to be laid out.
const SETTLE_LIMIT: u32 = 120;
/// Frames drawn after a change once every text is laid out. Bevy renders a frame one update
/// late (pipelined rendering), so the last change needs a couple more updates to reach the
/// screen.
const SETTLE_AFTER_LAYOUT: u32 = 3;
/// How often `--frame-times` logs a line while the window is open.
const REPORT_EVERY: Duration = Duration::from_secs(10);

/// Reactive updates for the window, and the system that keeps frames coming while they are
/// needed.
pub struct IdlePlugin;

impl Plugin for IdlePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(WinitSettings {
            focused_mode: UpdateMode::reactive_low_power(IDLE_WAIT),
            unfocused_mode: UpdateMode::reactive_low_power(IDLE_WAIT),
        })
        .add_systems(
            Last,
            (
                keep_drawing,
                record_frame_times,
                log_first_frame,
                wake_while_computing,
            ),
        );
    }
}

/// How often the window wakes while the core runs off the frame loop, to see whether it is
/// done (and keep the "computing..." mark on screen).
const COMPUTING_WAIT: Duration = Duration::from_millis(100);

/// While a core run is under way, wakes every [`COMPUTING_WAIT`] instead of sleeping until
/// the next input.
fn wake_while_computing(computing: Res<Computing>, mut settings: ResMut<WinitSettings>) {
    let wait = match computing.busy() {
        Some(_) => COMPUTING_WAIT,
        None => IDLE_WAIT,
    };
    let mode = UpdateMode::reactive_low_power(wait);
    if settings.focused_mode != mode {
        settings.focused_mode = mode;
        settings.unfocused_mode = mode;
    }
}

/// Whether every non-empty 2D text has its glyphs laid out.
fn texts_laid_out(texts: &Query<(&Text2d, Option<&TextLayoutInfo>)>) -> bool {
    texts
        .iter()
        .all(|(t, info)| t.0.trim().is_empty() || info.is_some_and(|i| !i.glyphs.is_empty()))
}

/// The open panel, and the one asked for.
type PanelStates<'w> = (
    Option<Res<'w, State<Panel>>>,
    Option<Res<'w, NextState<Panel>>>,
);

/// Asks for the next frame while playing, and for a few frames after anything shown changed.
fn keep_drawing(
    cursor: Res<Cursor>,
    shown: Option<Res<Shown>>,
    (picker, scroll): (Option<Res<Picker>>, Option<Res<Scroll>>),
    (panel, next): PanelStates,
    texts: Query<(&Text2d, Option<&TextLayoutInfo>)>,
    mut settle: Local<u32>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let changed = shown.is_some_and(|s| s.is_changed())
        || picker.is_some_and(|p| p.is_changed())
        || panel.is_some_and(|p| p.is_changed())
        // A panel asked for opens at the start of the next update: ask for that update.
        || next.is_some_and(|n| !matches!(*n, NextState::Unchanged))
        || scroll.is_some_and(|s| s.is_changed());
    if changed {
        *settle = SETTLE_LIMIT;
    }
    if *settle > 0 {
        *settle -= 1;
        if texts_laid_out(&texts) {
            *settle = (*settle).min(SETTLE_AFTER_LAYOUT);
        }
    }
    if cursor.playing || *settle > 0 {
        redraw.write(RequestRedraw);
    }
}

/// Logs once when the first complete frame is drawn: the scenario shown and every text laid
/// out. The browser test times the page's first frame by this line.
fn log_first_frame(
    shown: Option<Res<Shown>>,
    texts: Query<(&Text2d, Option<&TextLayoutInfo>)>,
    time: Res<Time<Real>>,
    mut done: Local<bool>,
) {
    if *done || shown.is_none() || texts.is_empty() || !texts_laid_out(&texts) {
        return;
    }
    *done = true;
    let line = format!(
        "plainsight: first frame drawn, {:.2} s after the app started",
        time.elapsed_secs()
    );
    tracing::info!("{line}");
    // The page has no log plugin (web/test.sh reads this line from its console).
    super::page::console_log(&line);
}

/// What `--frame-times` gathers: the duration of every frame drawn while playing, and how many
/// frames were drawn while paused (ideally next to none).
#[derive(Debug, Clone, Default)]
pub struct FrameStats {
    /// Seconds each frame took while playing, in order.
    pub playing: Vec<f32>,
    /// Frames drawn while paused.
    pub paused: u64,
    /// Seconds the window was open.
    pub elapsed: f32,
}

impl FrameStats {
    /// One line: frames while playing with their mean, median, 95th percentile and longest
    /// durations, and the frames drawn while paused.
    pub fn summary(&self) -> String {
        let mut sorted = self.playing.clone();
        sorted.sort_by(f32::total_cmp);
        let at = |q: f32| sorted[((sorted.len() - 1) as f32 * q).round() as usize] * 1000.0;
        let playing = if sorted.is_empty() {
            "no frames while playing".to_string()
        } else {
            let mean = sorted.iter().sum::<f32>() / sorted.len() as f32;
            format!(
                "{} frames while playing: mean {:.1} ms ({:.1} fps), median {:.1} ms, 95th percentile {:.1} ms, longest {:.1} ms",
                sorted.len(),
                mean * 1000.0,
                1.0 / mean.max(f32::EPSILON),
                at(0.5),
                at(0.95),
                at(1.0),
            )
        };
        format!(
            "frame times over {:.1} s: {playing}; {} frames while paused",
            self.elapsed, self.paused
        )
    }
}

/// The frame times of a window, shared with whoever opened it (it reads them after the window
/// closes). Present only with `--frame-times`.
#[derive(Resource, Debug, Clone, Default)]
pub struct FrameTimes(pub Arc<Mutex<FrameStats>>);

/// What the last periodic line covered, to log only what came after.
#[derive(Default)]
struct Reported {
    at: Duration,
    playing: usize,
    paused: u64,
}

/// Frames left out at the start of playing: Bevy times a frame from the render before it
/// (pipelined rendering), so the first two durations still hold the idle wait before Space.
const PLAY_WARMUP: u32 = 2;

/// Records this frame's duration.
fn record_frame_times(
    times: Option<Res<FrameTimes>>,
    time: Res<Time<Real>>,
    cursor: Res<Cursor>,
    mut playing_for: Local<u32>,
    mut reported: Local<Reported>,
) {
    let Some(times) = times else {
        return;
    };
    let Ok(mut stats) = times.0.lock() else {
        return;
    };
    *playing_for = if cursor.playing { *playing_for + 1 } else { 0 };
    if *playing_for > PLAY_WARMUP {
        stats.playing.push(time.delta_secs());
    } else if !cursor.playing {
        stats.paused += 1;
    }
    stats.elapsed = time.elapsed_secs();
    if time.elapsed() >= reported.at + REPORT_EVERY {
        let recent = FrameStats {
            playing: stats.playing[reported.playing..].to_vec(),
            paused: stats.paused - reported.paused,
            elapsed: (time.elapsed() - reported.at).as_secs_f32(),
        };
        tracing::info!("{}", recent.summary());
        *reported = Reported {
            at: time.elapsed(),
            playing: stats.playing.len(),
            paused: stats.paused,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_gives_mean_median_and_95th_percentile() {
        let stats = FrameStats {
            playing: (1..=20).map(|ms| ms as f32 / 1000.0).collect(),
            paused: 2,
            elapsed: 12.0,
        };
        let line = stats.summary();
        assert!(line.contains("20 frames while playing"), "{line}");
        assert!(line.contains("mean 10.5 ms"), "{line}");
        assert!(line.contains("median 11.0 ms"), "{line}");
        assert!(line.contains("95th percentile 19.0 ms"), "{line}");
        assert!(line.ends_with("2 frames while paused"), "{line}");
        assert!(
            FrameStats::default()
                .summary()
                .contains("no frames while playing")
        );
    }
}
