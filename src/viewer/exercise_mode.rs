//! Exercise mode (E, or `plainsight view --exercise F`): predict, then reveal. The class marks
//! each observer for the question shown (reads, or cannot); Reveal shows the key the core
//! computed ([`crate::exercise::solve`]), the class's score and the tool's reason for every
//! observer. Nothing here decides who can read: the key comes from the run.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::draw::{Layer, Painter, clear, palette as p};
use super::layout::{FONT, Rect, chars_fit, fit};
use super::panel::Panel;
use super::playback::{Cursor, Runs, Shown};
use super::whatif::wrap;
use crate::Run;
use crate::exercise::{self, Answers, ExerciseFile, Scored, Solved};

const LAYER: Layer = Layer::Classroom(2);

/// What a person (or a test) can ask of exercise mode.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum ExerciseCommand {
    /// E: open the panel (the first shipped exercise if none is loaded), or close it.
    Toggle,
    /// Load a shipped exercise ([`exercise::SHIPPED`]) by index.
    OpenShipped(usize),
    /// The next shipped exercise.
    NextExercise,
    /// Show question `n` (0-based).
    Question(usize),
    /// Mark or unmark an observer (index) for the question shown.
    Mark(usize),
    /// Show the key, the score and the reasons.
    Reveal,
    /// A click or pen tap at a virtual-canvas point.
    ClickAt(f32, f32),
}

/// A loaded exercise and the class's marks.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Its name (a file name).
    pub name: String,
    /// The exercise.
    pub file: ExerciseFile,
    /// The computed key, per question (hidden until the reveal).
    pub solved: Vec<Solved>,
    /// Per question, the observers the class marked (indices).
    pub marks: Vec<Vec<usize>>,
    /// The question shown.
    pub question: usize,
    /// Per question, the score, once revealed.
    pub scored: Option<Vec<Scored>>,
    /// Observer names, in scenario order.
    pub observers: Vec<String>,
}

impl Loaded {
    /// An exercise over a run of its scene: the key is solved now and kept hidden.
    pub fn new(name: String, file: ExerciseFile, run: &Run) -> Result<Loaded, String> {
        let solved = exercise::solve(&file, run).map_err(|e| format!("{name}: {e}"))?;
        let marks = vec![Vec::new(); solved.len()];
        let observers = run
            .scenario
            .observers
            .iter()
            .map(|o| o.name.clone())
            .collect();
        Ok(Loaded {
            name,
            file,
            solved,
            marks,
            question: 0,
            scored: None,
            observers,
        })
    }

    /// The class's marks as answers (the key's format).
    pub fn answers(&self) -> Answers {
        let names = |marks: &Vec<usize>| {
            marks
                .iter()
                .filter_map(|&o| self.observers.get(o).cloned())
                .collect()
        };
        Answers {
            answers: self.marks.iter().map(names).collect(),
        }
    }

    /// How many questions the class got right, once revealed.
    pub fn correct(&self) -> Option<usize> {
        Some(self.scored.as_ref()?.iter().filter(|s| s.correct).count())
    }
}

/// Exercise mode: open or not, the exercise, the last error, the buttons for clicks.
#[derive(Resource, Debug, Clone, Default)]
pub struct ExerciseMode {
    /// The exercise loaded.
    pub loaded: Option<Loaded>,
    /// Which shipped exercise is loaded, if one is.
    pub shipped: Option<usize>,
    /// Why the last exercise could not be loaded.
    pub message: Option<String>,
    /// Buttons in virtual pixels.
    pub buttons: Vec<(Rect, ExerciseCommand)>,
}

/// Whether the class is still predicting: an exercise is open and not yet revealed. Until
/// Reveal the screen must not answer for them, so observer chips show names and roles only.
pub fn predicting(mode: Option<&ExerciseMode>, panel: Option<&State<Panel>>) -> bool {
    panel.is_some_and(|p| *p.get() == Panel::Exercise)
        && mode
            .and_then(|m| m.loaded.as_ref())
            .is_some_and(|l| l.scored.is_none())
}

/// An exercise given on the command line, opened at start-up over the run given.
#[derive(Resource, Debug, Clone)]
pub struct ExerciseStart(pub String, pub ExerciseFile);

fn start(
    mut commands: Commands,
    start: Option<Res<ExerciseStart>>,
    runs: Res<Runs>,
    mut mode: ResMut<ExerciseMode>,
    mut cursor: ResMut<Cursor>,
    mut next: ResMut<NextState<Panel>>,
) {
    let Some(start) = start else {
        return;
    };
    commands.remove_resource::<ExerciseStart>();
    match Loaded::new(start.0.clone(), start.1.clone(), runs.honest()) {
        Ok(l) => {
            cursor.step = l.file.step.unwrap_or(0);
            mode.loaded = Some(l);
        }
        Err(e) => mode.message = Some(e),
    }
    next.set(Panel::Exercise);
}

/// Entering the panel with no exercise loaded loads the first shipped one.
fn on_enter(mut mode: ResMut<ExerciseMode>, mut runs: ResMut<Runs>, mut cursor: ResMut<Cursor>) {
    if mode.loaded.is_none() {
        open_shipped(0, &mut mode, &mut runs, &mut cursor);
    }
}

/// Loads a shipped exercise: its scene under its model becomes the run shown.
fn open_shipped(i: usize, mode: &mut ExerciseMode, runs: &mut Runs, cursor: &mut Cursor) {
    let Some((name, text)) = exercise::SHIPPED.get(i) else {
        return;
    };
    let loaded = ExerciseFile::parse(text, name)
        .and_then(|f| Ok((f.run_shipped()?, f)))
        .map_err(|e| format!("{name}: {e}"))
        .and_then(|(run, f)| Ok((Loaded::new(name.to_string(), f, &run)?, run)));
    match loaded {
        Ok((l, run)) => {
            *runs = Runs::new(run);
            cursor.step = l.file.step.unwrap_or(0);
            cursor.playing = false;
            mode.loaded = Some(l);
            mode.shipped = Some(i);
            mode.message = None;
        }
        Err(e) => mode.message = Some(e),
    }
}

fn apply(
    mut commands: MessageReader<ExerciseCommand>,
    mut mode: ResMut<ExerciseMode>,
    mut runs: ResMut<Runs>,
    mut cursor: ResMut<Cursor>,
    state: Res<State<Panel>>,
    mut next: ResMut<NextState<Panel>>,
) {
    let open = *state.get() == Panel::Exercise;
    for c in commands.read() {
        let c = match c {
            ExerciseCommand::ClickAt(x, y) if open => {
                match mode.buttons.iter().find(|(r, _)| inside(r, *x, *y)) {
                    Some((_, c)) => c.clone(),
                    None => continue,
                }
            }
            c => c.clone(),
        };
        match c {
            ExerciseCommand::Toggle => {
                next.set(if open { Panel::Closed } else { Panel::Exercise });
            }
            ExerciseCommand::OpenShipped(i) => {
                next.set(Panel::Exercise);
                open_shipped(i, &mut mode, &mut runs, &mut cursor);
            }
            ExerciseCommand::NextExercise => {
                let next = mode
                    .shipped
                    .map_or(0, |i| (i + 1) % exercise::SHIPPED.len());
                open_shipped(next, &mut mode, &mut runs, &mut cursor);
            }
            ExerciseCommand::Question(q) => {
                if let Some(l) = mode.loaded.as_mut() {
                    l.question = q.min(l.solved.len().saturating_sub(1));
                }
            }
            ExerciseCommand::Mark(o) => {
                if let Some(l) = mode.loaded.as_mut().filter(|l| l.scored.is_none()) {
                    let marks = &mut l.marks[l.question];
                    match marks.iter().position(|&m| m == o) {
                        Some(i) => {
                            marks.remove(i);
                        }
                        None if o < l.observers.len() => marks.push(o),
                        None => {}
                    }
                }
            }
            ExerciseCommand::Reveal => {
                if let Some(l) = mode.loaded.as_mut() {
                    l.scored = exercise::score(&l.solved, &l.answers()).ok();
                }
            }
            ExerciseCommand::ClickAt(..) => {}
        }
    }
}

fn inside(r: &Rect, x: f32, y: f32) -> bool {
    x >= r.x && x <= r.right() && y >= r.y && y <= r.bottom()
}

fn button(pt: &mut Painter, mode: &mut ExerciseMode, r: Rect, label: &str, c: ExerciseCommand) {
    pt.boxed(r, p::PANEL, p::INK, 2.0, 13.1);
    let n = chars_fit(r.w - 8.0, 16.0);
    pt.text(r.x + 5.0, r.y + 5.0, &fit(label, n), 16.0, p::INK, 13.2);
    mode.buttons.push((r, c));
}

fn draw(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    mut mode: ResMut<ExerciseMode>,
    shown: Option<Res<Shown>>,
    state: Res<State<Panel>>,
) {
    let Some(shown) = shown else {
        return;
    };
    if !(mode.is_changed() || shown.is_changed() || state.is_changed()) {
        return;
    }
    clear(&mut commands, &drawn, LAYER);
    mode.buttons.clear();
    if *state.get() != Panel::Exercise {
        return;
    }
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: LAYER,
    };
    let col = shown.layout.events;
    pt.boxed(col, p::PAPER, p::INK, 3.0, 13.0);
    pt.rect(Rect::new(col.x, col.y, col.w, 30.0), p::INK, 13.05);
    pt.text(
        col.x + 8.0,
        col.y + 5.0,
        "Exercise (E closes)",
        FONT,
        p::PAPER,
        13.1,
    );
    let Some(l) = mode.loaded.clone() else {
        let m = mode.message.clone().unwrap_or_default();
        for (i, line) in wrap(&m, chars_fit(col.w - 16.0, 16.0)).iter().enumerate() {
            pt.text(
                col.x + 8.0,
                col.y + 40.0 + i as f32 * 20.0,
                line,
                16.0,
                p::INK,
                13.1,
            );
        }
        return;
    };
    let half = (col.w - 24.0) / 2.0;
    let top = Rect::new(col.x + 8.0, col.y + 36.0, col.w - 16.0, 28.0);
    button(
        &mut pt,
        &mut mode,
        top,
        "next exercise",
        ExerciseCommand::NextExercise,
    );
    let q = &l.file.questions[l.question];
    let n = chars_fit(col.w - 16.0, 15.0);
    let mut y = col.y + 70.0;
    let head = format!(
        "{} ({})  Q{} of {}: {}",
        l.file.title,
        l.name.rsplit('/').next().unwrap_or(&l.name),
        l.question + 1,
        l.solved.len(),
        q.text
    );
    for line in wrap(&head, n) {
        pt.text(col.x + 8.0, y, &line, 15.0, p::INK, 13.1);
        y += 18.0;
    }
    y += 4.0;
    let yes_word = if q.ask == "who-reads" { "reads" } else { "yes" };
    let scored = l.scored.as_ref().map(|s| &s[l.question]);
    let key = &l.solved[l.question].observers;
    for (o, name) in l.observers.iter().enumerate() {
        let marked = l.marks[l.question].contains(&o);
        let word = if marked { yes_word } else { "cannot" };
        let mut label = format!("[{word}] {name}");
        if scored.is_some() {
            let right = key.contains(name) == marked;
            label = format!("{} {label}", if right { "right:" } else { "WRONG:" });
        }
        let lines = wrap(&label, chars_fit(col.w - 24.0, 15.0));
        let h = lines.len() as f32 * 17.0 + 6.0;
        let r = Rect::new(col.x + 8.0, y, col.w - 16.0, h);
        let fill = if marked { p::PLAIN_TINT } else { p::PAPER };
        pt.boxed(r, fill, p::INK, if marked { 3.0 } else { 1.0 }, 13.1);
        for (i, line) in lines.iter().enumerate() {
            pt.text(
                r.x + 5.0,
                r.y + 3.0 + i as f32 * 17.0,
                line,
                15.0,
                p::INK,
                13.2,
            );
        }
        mode.buttons.push((r, ExerciseCommand::Mark(o)));
        y += h + 3.0;
    }
    let by = col.bottom() - 70.0;
    let prev_q = l.question.saturating_sub(1);
    let next_q = (l.question + 1).min(l.solved.len().saturating_sub(1));
    button(
        &mut pt,
        &mut mode,
        Rect::new(col.x + 8.0, by, half, 28.0),
        "< question",
        ExerciseCommand::Question(prev_q),
    );
    button(
        &mut pt,
        &mut mode,
        Rect::new(col.x + 16.0 + half, by, half, 28.0),
        "question >",
        ExerciseCommand::Question(next_q),
    );
    let reveal = match l.correct() {
        Some(c) => format!("score: {c} of {} right", l.solved.len()),
        None => "Reveal the answers".to_string(),
    };
    button(
        &mut pt,
        &mut mode,
        Rect::new(col.x + 8.0, by + 34.0, col.w - 16.0, 28.0),
        &reveal,
        ExerciseCommand::Reveal,
    );
    if let Some(s) = scored {
        draw_reveal(&mut pt, &l, s, shown.layout.stage, shown.layout.inspector);
    }
}

/// After the reveal: the computed key for the question shown, and the tool's reason for each
/// observer, over the network and the inspector.
fn draw_reveal(pt: &mut Painter, l: &Loaded, s: &Scored, stage: Rect, inspector: Rect) {
    let area = Rect::new(
        stage.x + 4.0,
        stage.y + 4.0,
        stage.w - 8.0,
        inspector.bottom() - stage.y - 8.0,
    );
    pt.boxed(area, p::PAPER, p::INK, 3.0, 13.0);
    let solved = &l.solved[l.question];
    let verdict = if s.correct { "right" } else { "not quite" };
    let title = format!(
        "Q{}: {verdict}. The key, computed by running the scene: {}",
        l.question + 1,
        if solved.observers.is_empty() {
            "nobody".to_string()
        } else {
            solved
                .observers
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let n = chars_fit(area.w - 16.0, 16.0);
    let mut y = area.y + 6.0;
    for line in wrap(&title, n) {
        pt.text(area.x + 8.0, y, &line, 16.0, p::INK, 13.1);
        y += 20.0;
    }
    y += 6.0;
    for (name, why) in &solved.reasons {
        if y > area.bottom() - 20.0 {
            break;
        }
        let yes = if solved.observers.contains(name) {
            "yes"
        } else {
            "no"
        };
        let flag = if s.missed.contains(name) {
            "  <- you left them out"
        } else if s.wrongly_named.contains(name) {
            "  <- you marked them"
        } else {
            ""
        };
        let line = format!("{yes}: {name}{flag}: {}", super::panels::ascii(why));
        for (i, part) in wrap(&line, chars_fit(area.w - 24.0, 15.0))
            .iter()
            .take(3)
            .enumerate()
        {
            let x = area.x + if i == 0 { 8.0 } else { 24.0 };
            pt.text(x, y, part, 15.0, p::INK, 13.1);
            y += 18.0;
        }
        y += 4.0;
    }
}

/// Clicks while the panel is open, taken before the other panels see them (E itself is the
/// panel's key in [`Panel::ALL`]).
fn input(
    buttons: Option<ResMut<ButtonInput<MouseButton>>>,
    window: Query<&Window, With<PrimaryWindow>>,
    mode: Res<ExerciseMode>,
    shown: Option<Res<Shown>>,
    state: Option<Res<State<Panel>>>,
    mut out: MessageWriter<ExerciseCommand>,
) {
    let (Some(mut buttons), Some(shown)) = (buttons, shown) else {
        return;
    };
    let open = state.is_some_and(|s| *s.get() == Panel::Exercise);
    if !open || !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let Some(pos) = window.single().ok().and_then(Window::cursor_position) else {
        return;
    };
    let (x, y) = shown.fit.to_virtual(pos.x, pos.y);
    let revealed = mode.loaded.as_ref().is_some_and(|l| l.scored.is_some());
    let l = &shown.layout;
    let on_panel = inside(&l.events, x, y)
        || (revealed && (inside(&l.stage, x, y) || inside(&l.inspector, x, y)));
    if on_panel {
        out.write(ExerciseCommand::ClickAt(x, y));
        buttons.clear_just_pressed(MouseButton::Left);
    }
}

/// The exercise-mode plugin.
pub struct ExercisePlugin;

impl Plugin for ExercisePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ExerciseMode>()
            .add_message::<ExerciseCommand>()
            .add_systems(PreUpdate, input.after(bevy::input::InputSystems))
            .add_systems(
                Update,
                (start, apply)
                    .chain()
                    .in_set(super::ViewerSet::State)
                    .before(super::playback::refresh_shown),
            )
            .add_systems(OnEnter(Panel::Exercise), on_enter)
            .add_systems(Update, draw.in_set(super::ViewerSet::Draw));
    }
}
