//! Scenarios: people, devices, servers, links, messages and observers, read from RON files in
//! `scenes/`. Parse, then validate: [`ScenarioFile`] is the plain serde mirror of the file;
//! [`Scenario::parse`] and [`Scenario::load`] turn it into a [`Scenario`] with every name
//! resolved and every route computed, or a [`ScenarioError`] naming file, line and column.

mod error;
mod file;
mod group;
pub mod limits;
mod reach;
mod read;
mod route;
mod trust;
mod types;
mod validate;

use std::path::Path;

pub use error::{ScenarioError, ScenarioErrorKind};
pub use file::{
    AdminFile, DeviceKindFile, LayoutFile, LinkFile, Locator, MessageFile, ObserverFile,
    PersonFile, ScenarioFile, ServerFile, Str, TlsFile, WebClientFile,
};
pub use group::group_scene;
pub use reach::ReachText;
pub use read::read_capped;
pub use types::*;

/// The scenarios shipped in `scenes/`, embedded in the binary: `(file name, RON text)`, in
/// teaching order. A test checks that every file in `scenes/` is listed here.
pub const SHIPPED: &[(&str, &str)] = &[
    ("e2e.ron", include_str!("../scenes/e2e.ron")),
    (
        "e2e-web-client.ron",
        include_str!("../scenes/e2e-web-client.ron"),
    ),
    (
        "sealed-sender.ron",
        include_str!("../scenes/sealed-sender.ron"),
    ),
    ("plain-web.ron", include_str!("../scenes/plain-web.ron")),
    (
        "server-encrypted.ron",
        include_str!("../scenes/server-encrypted.ron"),
    ),
    (
        "mastodon-federation.ron",
        include_str!("../scenes/mastodon-federation.ron"),
    ),
    (
        "big-platform.ron",
        include_str!("../scenes/big-platform.ron"),
    ),
    (
        "self-host-alice.ron",
        include_str!("../scenes/self-host-alice.ron"),
    ),
    (
        "self-host-both.ron",
        include_str!("../scenes/self-host-both.ron"),
    ),
    (
        "multi-device.ron",
        include_str!("../scenes/multi-device.ron"),
    ),
    (
        "multi-device-synced.ron",
        include_str!("../scenes/multi-device-synced.ron"),
    ),
    (
        "multi-device-linked.ron",
        include_str!("../scenes/multi-device-linked.ron"),
    ),
    (
        "key-substitution.ron",
        include_str!("../scenes/key-substitution.ron"),
    ),
    (
        "key-substitution-verified.ron",
        include_str!("../scenes/key-substitution-verified.ron"),
    ),
    (
        "chain-of-command.ron",
        include_str!("../scenes/chain-of-command.ron"),
    ),
    (
        "nation-state.ron",
        include_str!("../scenes/nation-state.ron"),
    ),
    (
        "compromised-device.ron",
        include_str!("../scenes/compromised-device.ron"),
    ),
    ("email.ron", include_str!("../scenes/email.ron")),
    ("pgp-mail.ron", include_str!("../scenes/pgp-mail.ron")),
    ("group-dm.ron", include_str!("../scenes/group-dm.ron")),
    (
        "group-dm-bagged.ron",
        include_str!("../scenes/group-dm-bagged.ron"),
    ),
    (
        "group-sender-keys.ron",
        include_str!("../scenes/group-sender-keys.ron"),
    ),
];

/// Shipped scenes of a real group's size, embedded like [`SHIPPED`] and opened by name
/// (`plainsight view big-group`), but kept out of the classroom list and of the tests that
/// walk every step of every classroom scene: a 1,000-device group has 23,000 steps. Their own
/// tests are in tests/big_group.rs.
pub const LARGE: &[(&str, &str)] = &[("big-group.ron", include_str!("../scenes/big-group.ron"))];

/// Reads RON text into the plain [`ScenarioFile`] without validating it (the designer edits
/// that); syntax errors and the size limit are located as [`Scenario::parse`] locates them.
pub fn read_file(source: &str, file: &str) -> Result<ScenarioFile, ScenarioError> {
    if source.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(ScenarioError {
            file: file.to_string(),
            line: 1,
            column: 1,
            kind: ScenarioErrorKind::Limit,
            message: format!(
                "text of {} bytes is {}",
                source.len(),
                read::larger_than_the_limit()
            ),
            line_text: None,
        });
    }
    file::reset_ordinals();
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(limits::MAX_NESTING);
    options.from_str(source).map_err(|e| {
        let at = (e.span.start.line.max(1), e.span.start.col.max(1));
        ScenarioError::at(
            file,
            source,
            at,
            ScenarioErrorKind::Syntax,
            e.code.to_string(),
        )
    })
}

/// The scene the viewer opens when given none.
pub const DEFAULT_SCENE: &str = "e2e.ron";

impl Scenario {
    /// Parses and validates RON text. `file` names the source in errors.
    pub fn parse(source: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let parsed = read_file(source, file)?;
        validate::validate(parsed, file, source)
    }

    /// Reads and validates a scenario file through [`read_capped`]: never more than the size
    /// limit is read, and a leading byte order mark is dropped.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let source = read_capped(path)?;
        Scenario::parse(&source, &path.display().to_string())
    }

    /// A shipped scenario ([`SHIPPED`] or [`LARGE`]) by file name (`e2e.ron`) or stem (`e2e`).
    pub fn shipped(name: &str) -> Option<Scenario> {
        let (file, text) = SHIPPED
            .iter()
            .chain(LARGE)
            .find(|(f, _)| *f == name || f.strip_suffix(".ron") == Some(name))?;
        Scenario::parse(text, &format!("scenes/{file}")).ok()
    }
}
