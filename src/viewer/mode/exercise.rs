//! Exercise mode (E, or `plainsight view --exercise F`): predict, then reveal. The class marks
//! each observer for the question shown (reads, or cannot); Reveal shows the key the core
//! computed ([`crate::exercise::solve`]), the class's score and the tool's reason for every
//! observer. Nothing here decides who can read: the key comes from the run.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::Run;
use crate::exercise::{self, Answers, Ask, ExerciseFile, Scored, Solved};
use crate::viewer::draw::{Layer, Painter, palette as p};
use crate::viewer::layout::{Rect, chars_fit};
use crate::viewer::panel::Panel;
use crate::viewer::playback::{Cursor, Runs, Scroll, Shown, ViewOptions};
use crate::viewer::side_column::{Para, SideDraw, TallButton, button, inside, titled_column};

const LAYER: Layer = Layer::Classroom(2);
/// The panel's depth: the column at `Z`, its text and buttons just above.
const Z: f32 = 13.0;

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
    /// Tap an observer's row (index) for the question shown: unanswered "?" becomes yes
    /// (reads), yes becomes no (cannot), no becomes unanswered again.
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
    /// Per question, per row, the class's mark: `None` until they answer that row, then
    /// `Some(true)` (reads, or yes) or `Some(false)` (cannot, or no).
    pub marks: Vec<Vec<Option<bool>>>,
    /// The question shown.
    pub question: usize,
    /// Per question, the score, once revealed.
    pub scored: Option<Vec<Scored>>,
    /// Per question, the rows the class answers: every observer, in scenario order, or for a
    /// cost question every fan-out (as the key lists them).
    pub rows: Vec<Vec<String>>,
    /// The rows as drawn: an observer's short form (the scene's `short:`), else the name.
    pub shorts: Vec<Vec<String>>,
}

impl Loaded {
    /// An exercise over a run of its scene: the key is solved now and kept hidden.
    pub fn new(name: String, file: ExerciseFile, run: &Run) -> Result<Loaded, String> {
        let solved = exercise::solve(&file, run).map_err(|e| format!("{name}: {e}"))?;
        let rows: Vec<Vec<String>> = solved
            .iter()
            .map(|s| s.reasons.iter().map(|(n, _)| n.clone()).collect())
            .collect();
        let short = |n: &String| {
            run.scenario.observer_named(n).map_or(n.clone(), |o| {
                run.scenario.observers[o].short_name().to_string()
            })
        };
        let shorts = rows.iter().map(|r| r.iter().map(short).collect()).collect();
        let marks = rows.iter().map(|r| vec![None; r.len()]).collect();
        Ok(Loaded {
            name,
            file,
            solved,
            marks,
            question: 0,
            scored: None,
            rows,
            shorts,
        })
    }

    /// The class's marks as answers (the key's format): the rows marked yes. A row left
    /// unanswered is not in the answer; [`Loaded::unanswered`] counts it apart.
    pub fn answers(&self) -> Answers {
        let names = |(marks, rows): (&Vec<Option<bool>>, &Vec<String>)| {
            marks
                .iter()
                .zip(rows)
                .filter(|(m, _)| **m == Some(true))
                .map(|(_, n)| n.clone())
                .collect()
        };
        Answers {
            answers: self.marks.iter().zip(&self.rows).map(names).collect(),
        }
    }

    /// How many questions the class got right, once revealed: every row answered, and
    /// answered as the key says. A question with a row left unanswered is not right.
    pub fn correct(&self) -> Option<usize> {
        let scored = self.scored.as_ref()?;
        let right = scored
            .iter()
            .zip(&self.marks)
            .filter(|(s, marks)| s.correct && marks.iter().all(Option::is_some))
            .count();
        Some(right)
    }

    /// How many rows of question `q` the class left unanswered ("?").
    pub fn unanswered(&self, q: usize) -> usize {
        self.marks
            .get(q)
            .map_or(0, |m| m.iter().filter(|m| m.is_none()).count())
    }

    /// Row `o` of question `q` once revealed: `None` when left unanswered, else whether the
    /// class's mark agrees with the key.
    pub fn row_right(&self, q: usize, o: usize) -> Option<bool> {
        let mark = (*self.marks.get(q)?.get(o)?)?;
        let name = self.rows.get(q)?.get(o)?;
        Some(self.solved.get(q)?.observers.contains(name) == mark)
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
fn on_enter(
    mut mode: ResMut<ExerciseMode>,
    mut runs: ResMut<Runs>,
    mut cursor: ResMut<Cursor>,
    mut options: ResMut<ViewOptions>,
) {
    if mode.loaded.is_none() {
        open_shipped(0, &mut mode, &mut runs, &mut cursor);
        options.observer = None;
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
    (state, mut next): (Res<State<Panel>>, ResMut<NextState<Panel>>),
    mut scroll: ResMut<Scroll>,
    mut options: ResMut<ViewOptions>,
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
        if !matches!(c, ExerciseCommand::Mark(_)) {
            // A new question, exercise or reveal is read from its first line.
            scroll.panel = 0;
        }
        match c {
            ExerciseCommand::Toggle => {
                next.set(if open { Panel::Closed } else { Panel::Exercise });
            }
            ExerciseCommand::OpenShipped(i) => {
                next.set(Panel::Exercise);
                open_shipped(i, &mut mode, &mut runs, &mut cursor);
                // Observer indices belong to the scene shown before.
                options.observer = None;
            }
            ExerciseCommand::NextExercise => {
                let next = mode
                    .shipped
                    .map_or(0, |i| (i + 1) % exercise::SHIPPED.len());
                open_shipped(next, &mut mode, &mut runs, &mut cursor);
                options.observer = None;
            }
            ExerciseCommand::Question(q) => {
                if let Some(l) = mode.loaded.as_mut() {
                    l.question = q.min(l.solved.len().saturating_sub(1));
                }
            }
            ExerciseCommand::Mark(o) => {
                if let Some(l) = mode.loaded.as_mut().filter(|l| l.scored.is_none())
                    && let Some(m) = l.marks[l.question].get_mut(o)
                {
                    *m = match *m {
                        None => Some(true),
                        Some(true) => Some(false),
                        Some(false) => None,
                    };
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

fn draw(mut side: SideDraw, mut mode: ResMut<ExerciseMode>, scroll: Res<Scroll>) {
    let changed = mode.is_changed() || scroll.is_changed();
    let forget = || mode.buttons.clear();
    let Some((mut pt, shown)) = side.begin(Panel::Exercise, LAYER, changed, forget) else {
        return;
    };
    let col = crate::viewer::side_column::column(&shown.layout);
    titled_column(&mut pt, col, Panel::Exercise, "Exercise", Z);
    let Some(l) = mode.loaded.clone() else {
        let m = mode.message.clone().unwrap_or_default();
        Para::in_column(col, 18.0, 21.0, Z + 0.1).draw(&mut pt, col.y + 40.0, &[m]);
        return;
    };
    let buttons = &mut mode.buttons;
    // The exercise's title is in the header's band; here the question, the rows, the buttons.
    let y = draw_question(&mut pt, &l, col);
    draw_marks(&mut pt, buttons, &l, col, y + 4.0);
    draw_steps(&mut pt, buttons, &l, col);
    if let Some(s) = l.scored.as_ref().map(|s| &s[l.question]) {
        let areas = (shown.layout.stage, shown.layout.inspector);
        draw_reveal(&mut pt, &l, s, areas, scroll.panel);
    }
}

/// The panel's buttons as they are drawn, for clicks.
type Buttons = Vec<(Rect, ExerciseCommand)>;

fn add_button(pt: &mut Painter, buttons: &mut Buttons, r: Rect, label: &str, c: ExerciseCommand) {
    button(pt, r, label, 18.0, Z);
    buttons.push((r, c));
}

/// The exercise's title and the question shown, from under the top button; returns where the
/// next line would start.
fn draw_question(pt: &mut Painter, l: &Loaded, col: Rect) -> f32 {
    let head = format!(
        "Q{} of {}: {}",
        l.question + 1,
        l.solved.len(),
        l.file.questions[l.question].text
    );
    Para::in_column(col, 18.0, 21.0, Z + 0.1).draw(pt, col.y + 36.0, &[head])
}

/// How an observer's mark is drawn: a button as tall as its wrapped label.
const MARK: TallButton = TallButton {
    size: 18.0,
    line_h: 20.0,
    inset: (5.0, 2.0),
    margin: 8.0,
    pad: 4.0,
};

/// One button per observer, from `y`: the class's mark (`[?]` until they answer the row), and
/// once revealed whether it was right, wrong or left unanswered.
fn draw_marks(pt: &mut Painter, buttons: &mut Buttons, l: &Loaded, col: Rect, mut y: f32) {
    let q = &l.file.questions[l.question];
    let yes_word = if q.kind() == Some(Ask::WhoReads) {
        "reads"
    } else {
        "yes"
    };
    for (o, name) in l.shorts[l.question].iter().enumerate() {
        let mark = l.marks[l.question].get(o).copied().flatten();
        let word = match mark {
            None => "?",
            Some(true) => yes_word,
            Some(false) => "cannot",
        };
        let label = format!("[{word}] {name}");
        // Shape and words, not colour alone: yes is framed thick, cannot thin, "?" thinnest.
        // Once revealed, a wrong row is framed thickest; the reveal beside it says in words
        // which rows were right, wrong or unanswered (the column has no room for the words).
        let look = match (
            mark,
            l.scored.is_some() && l.row_right(l.question, o) == Some(false),
        ) {
            (_, true) => (p::HIGHLIGHT, 5.0),
            (Some(true), false) => (p::PLAIN_TINT, 3.0),
            (Some(false), false) => (p::PAPER, 1.5),
            (None, false) => (p::PANEL, 1.0),
        };
        let r = MARK.draw(pt, (col.x + 8.0, y, col.w - 16.0), &label, look, Z);
        buttons.push((r, ExerciseCommand::Mark(o)));
        y += r.h + 3.0;
    }
}

/// The height of the buttons at the column's foot.
pub const STEPS_H: f32 = 102.0;

/// The buttons at the column's foot: the previous and next question, Reveal (then the
/// score), and the next exercise.
fn draw_steps(pt: &mut Painter, buttons: &mut Buttons, l: &Loaded, col: Rect) {
    let half = (col.w - 24.0) / 2.0;
    let by = col.bottom() - STEPS_H;
    let next = Rect::new(col.x + 8.0, by + 68.0, col.w - 16.0, 28.0);
    add_button(
        pt,
        buttons,
        next,
        "next exercise",
        ExerciseCommand::NextExercise,
    );
    let prev_q = l.question.saturating_sub(1);
    let next_q = (l.question + 1).min(l.solved.len().saturating_sub(1));
    let left = Rect::new(col.x + 8.0, by, half, 28.0);
    add_button(
        pt,
        buttons,
        left,
        "< question",
        ExerciseCommand::Question(prev_q),
    );
    let right = Rect::new(col.x + 16.0 + half, by, half, 28.0);
    add_button(
        pt,
        buttons,
        right,
        "question >",
        ExerciseCommand::Question(next_q),
    );
    let reveal = match l.correct() {
        Some(c) => format!("score: {c}/{} questions right", l.solved.len()),
        None => "Reveal the answers".to_string(),
    };
    let r = Rect::new(col.x + 8.0, by + 34.0, col.w - 16.0, 28.0);
    add_button(pt, buttons, r, &reveal, ExerciseCommand::Reveal);
}

/// The reveal's lines for the question shown: the verdict and the computed key, then the
/// tool's reason for each observer, each whole (they wrap and scroll, never stop).
pub fn reveal_lines(l: &Loaded, s: &Scored) -> Vec<String> {
    let q = l.question;
    let solved = &l.solved[q];
    let unanswered = l.unanswered(q);
    let verdict = match (s.correct, unanswered) {
        (true, 0) => "right".to_string(),
        (_, 0) => "not quite".to_string(),
        (_, n) => format!("{n} row{} left unanswered", if n == 1 { "" } else { "s" }),
    };
    let key = if solved.observers.is_empty() {
        "nobody".to_string()
    } else {
        solved
            .observers
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = vec![format!(
        "Q{}: {verdict}. The key, computed by running the scene: {key}",
        q + 1
    )];
    for (o, (name, why)) in solved.reasons.iter().enumerate() {
        let yes = if solved.observers.contains(name) {
            "yes"
        } else {
            "no"
        };
        let flag = if l.row_right(q, o).is_none() {
            "  <- unanswered: you left this row [?]"
        } else if s.missed.contains(name) {
            "  <- WRONG: you left them out"
        } else if s.wrongly_named.contains(name) {
            "  <- WRONG: you marked them"
        } else {
            "  <- right"
        };
        lines.push(format!(
            "{yes}: {name}{flag}: {}",
            crate::viewer::chrome::ascii(why)
        ));
    }
    lines
}

/// After the reveal: the computed key for the question shown, and the tool's reason for each
/// observer, over the network and the inspector; scrolled from line `offset` (Up, Down, the
/// wheel) when they do not all fit.
fn draw_reveal(
    pt: &mut Painter,
    l: &Loaded,
    s: &Scored,
    (stage, inspector): (Rect, Rect),
    offset: usize,
) {
    let area = Rect::new(
        stage.x + 4.0,
        stage.y + 4.0,
        stage.w - 8.0,
        inspector.bottom() - stage.y - 8.0,
    );
    // The inspector under the column would show through beside the box: cover it.
    pt.rect(inspector, p::PAPER, Z - 0.05);
    pt.boxed(area, p::PAPER, p::INK, 3.0, Z);
    let size = 18.0;
    let line_h = 21.0;
    let cols = chars_fit(area.w - 32.0, size);
    let mut lines: Vec<(String, Color)> = Vec::new();
    for (i, item) in reveal_lines(l, s).iter().enumerate() {
        for (j, part) in crate::viewer::text::wrap(item, cols)
            .into_iter()
            .enumerate()
        {
            // An observer's reason continues indented under its first line.
            let indent = if i > 0 && j > 0 { "  " } else { "" };
            lines.push((format!("{indent}{part}"), p::INK));
        }
    }
    let rows = ((area.h - 12.0) / line_h).floor().max(2.0) as usize;
    for (i, (line, color)) in crate::viewer::text::scrolled(lines, rows, offset)
        .iter()
        .enumerate()
    {
        pt.text(
            area.x + 8.0,
            area.y + 6.0 + i as f32 * line_h,
            line,
            size,
            *color,
            Z + 0.1,
        );
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
    let on_panel = crate::viewer::side_column::owns_click(l, x, y)
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
                    .in_set(crate::viewer::ViewerSet::State)
                    .before(crate::viewer::playback::refresh_shown),
            )
            .add_systems(OnEnter(Panel::Exercise), on_enter)
            .add_systems(Update, draw.in_set(crate::viewer::ViewerSet::Draw));
    }
}
