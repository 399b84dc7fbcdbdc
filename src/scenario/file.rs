//! The plain serde mirror of a scenario's RON file, before any name is resolved.
//!
//! Every string in the file is read as a [`Str`], which remembers its place in the order of
//! string literals; [`Locator`] maps that place back to a line and column, so validation errors
//! point at the offending text although RON itself keeps no spans.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

thread_local! {
    /// How many string literals the current parse has read so far.
    static NEXT_STRING: Cell<usize> = const { Cell::new(0) };
}

/// A string from the scenario file, with its ordinal among the file's string literals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str {
    /// The text.
    pub text: String,
    /// Its ordinal among the string literals of the file (0 = first).
    pub ordinal: usize,
}

impl Str {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let ordinal = NEXT_STRING.with(|n| {
            let current = n.get();
            n.set(current + 1);
            current
        });
        Ok(Str { text, ordinal })
    }
}

impl Serialize for Str {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Restarts string numbering before a parse.
pub(crate) fn reset_ordinals() {
    NEXT_STRING.with(|n| n.set(0));
}

/// The whole scenario file.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// A title shown in the viewer and the reports.
    pub title: Str,
    /// What the scenario shows and what to look for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<Str>,
    /// `plain-web`, `server-encrypted` or `e2e`.
    pub model: Str,
    /// For e2e: `per-recipient` (default), `bagged` or `bagged-shared-ephemeral`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fanout: Option<Str>,
    /// Whether senders verified recipients' keys out of band (safety numbers).
    #[serde(default, skip_serializing_if = "is_false")]
    pub keys_verified: bool,
    /// Whether device private keys are backed up to, and synced through, the service (the
    /// same as `key_sync: "escrow"`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub keys_synced_via_server: bool,
    /// How a person's devices share one key pair: `none` (each device its own, the default),
    /// `escrow`, `device-link` or `passphrase-backup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_sync: Option<Str>,
    /// Under e2e, the sender's identity travels inside the envelope, not in the post's header.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sealed_sender: bool,
    /// Devices that are web pages: the code that holds their keys comes from a server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub web_clients: Vec<WebClientFile>,
    /// What kind each device is, for its picture: `phone` (the default), `laptop` or
    /// `browser` (the default for a web client).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_kinds: Vec<DeviceKindFile>,
    /// Seed of the simulation's RNG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// People and their devices.
    pub people: Vec<PersonFile>,
    /// Servers (instances).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<ServerFile>,
    /// Links between devices and servers, and between servers.
    pub links: Vec<LinkFile>,
    /// The messages sent, in order.
    pub messages: Vec<MessageFile>,
    /// Who is watching.
    pub observers: Vec<ObserverFile>,
    /// Optional positions for the viewer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layout: Vec<LayoutFile>,
}

/// A person.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonFile {
    /// The person's name.
    pub name: Str,
    /// Names of the person's devices (at least one).
    pub devices: Vec<Str>,
    /// Where senders get this person's device keys: a server's key directory (a keyserver, or
    /// WKD at a mail provider), or `in-person`. Default: the key directories on the way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys_from: Option<Str>,
}

/// A device that is a web page.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebClientFile {
    /// The device (a browser tab).
    pub device: Str,
    /// The server whose page it runs: that server's code holds the keys.
    pub code_from: Str,
}

/// A device's kind (its picture in the viewer).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceKindFile {
    /// The device.
    pub device: Str,
    /// `phone`, `laptop` or `browser`.
    pub kind: Str,
}

/// A link's TLS: `true`, `false`, or `"opportunistic"` (STARTTLS without MTA-STS or DANE:
/// encrypted unless someone on the link strips it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFile {
    /// `true` or `false`.
    Flag(bool),
    /// A word, e.g. `"opportunistic"`.
    Word(Str),
}

impl<'de> Deserialize<'de> for TlsFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = TlsFile;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true, false or \"opportunistic\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<TlsFile, E> {
                Ok(TlsFile::Flag(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TlsFile, E> {
                let ordinal = NEXT_STRING.with(|n| {
                    let current = n.get();
                    n.set(current + 1);
                    current
                });
                Ok(TlsFile::Word(Str {
                    text: v.to_string(),
                    ordinal,
                }))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl Default for TlsFile {
    /// No TLS, as `Link::between` has it.
    fn default() -> Self {
        TlsFile::Flag(false)
    }
}

impl Serialize for TlsFile {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TlsFile::Flag(b) => serializer.serialize_bool(*b),
            TlsFile::Word(w) => w.serialize(serializer),
        }
    }
}

/// Leaves a `false` flag out of the written file: it says nothing the default does not.
fn is_false(b: &bool) -> bool {
    !*b
}

/// A server or instance.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerFile {
    /// Host name, e.g. `social.example`.
    pub name: Str,
    /// Parts: `tls-front`, `app-memory`, `database`, `backup`, `key-vault`, `key-directory`.
    /// Omitted: all but `tls-front` and `backup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<Str>>,
    /// The server's admins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admins: Vec<AdminFile>,
    /// A personal instance with one user: its address (and TLS server name) names that person.
    #[serde(default, skip_serializing_if = "is_false")]
    pub single_user: bool,
}

/// An admin of a server.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdminFile {
    /// The admin's name (unique in the scenario).
    pub name: Str,
    /// `production-access`, `database-read`, `database-keys`.
    pub can: Vec<Str>,
}

/// A link between two nodes (devices or servers). `Default` so that code making one (the
/// designer) need not name a field added later.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LinkFile {
    /// One end.
    pub from: Str,
    /// The other end.
    pub to: Str,
    /// Whether the link is protected by TLS: `true`, `false` or `"opportunistic"`.
    pub tls: TlsFile,
}

/// A message to send.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MessageFile {
    /// A short id, e.g. `m1`.
    pub id: Str,
    /// The sender: a person (their first device sends) or a device.
    pub from: Str,
    /// Recipients: people (all their devices) or devices.
    pub to: Vec<Str>,
    /// The words of the message.
    pub text: Str,
}

/// An observer: someone who might read the message.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObserverFile {
    /// Display name.
    pub name: Str,
    /// A shorter form of the name where room is short (an observer's chip), e.g.
    /// `"Carol (left, kept the DB)"`; the full name stays in the inspector and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<Str>,
    /// A role from the fixed vocabulary.
    pub role: Str,
    /// Acts with this admin's capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<Str>,
    /// Compels these admins or servers (a boss, a nation state).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compels: Vec<Str>,
    /// Holds this device (its owner, or an attacker who compromised it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Str>,
    /// Further locations: `server`, `server/part`, `device`, `device/part`, `a -> b` (a link).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reaches: Vec<Str>,
}

/// A layout hint: where the viewer should put a node (0..1 in both axes).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutFile {
    /// A device or server name.
    pub node: Str,
    /// 0 = left, 1 = right.
    pub x: f32,
    /// 0 = top, 1 = bottom.
    pub y: f32,
}

/// Maps string ordinals (and RON's own error positions) to lines and columns of the source.
#[derive(Debug, Clone)]
pub struct Locator {
    /// (line, column), 1-based, of each string literal's opening quote, in order.
    strings: Vec<(usize, usize)>,
}

impl Locator {
    /// Scans `source` for string literals, skipping comments and char literals.
    pub fn new(source: &str) -> Self {
        let mut scan = Scan {
            chars: source.chars().collect(),
            i: 0,
            line: 1,
            col: 1,
        };
        let mut strings = Vec::new();
        while let Some(c) = scan.at(0) {
            let next = scan.at(1);
            let word_before = scan.i > 0 && {
                let p = scan.chars[scan.i - 1];
                p.is_alphanumeric() || p == '_'
            };
            match c {
                '/' if next == Some('/') => scan.line_comment(),
                '/' if next == Some('*') => scan.block_comment(),
                '"' => {
                    strings.push((scan.line, scan.col));
                    scan.string();
                }
                'r' if matches!(next, Some('"' | '#')) && !word_before => {
                    if let Some(start) = scan.raw_string() {
                        strings.push(start);
                    }
                }
                '\'' => scan.char_literal(),
                _ => scan.step(),
            }
        }
        Locator { strings }
    }

    /// Line and column of a string from the file; (1, 1) if unknown.
    pub fn position(&self, s: &Str) -> (usize, usize) {
        self.strings.get(s.ordinal).copied().unwrap_or((1, 1))
    }
}

/// A cursor over RON source that keeps the line and column of where it is.
struct Scan {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
}

impl Scan {
    /// The char `k` ahead of the cursor.
    fn at(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    /// Advances one char, keeping line and column.
    fn step(&mut self) {
        if self.at(0) == Some('\n') {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        self.i += 1;
    }

    /// `// ...` up to (not past) the end of the line.
    fn line_comment(&mut self) {
        while self.at(0).is_some_and(|c| c != '\n') {
            self.step();
        }
    }

    /// `/* ... */`, nested.
    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.at(0) {
            if c == '/' && self.at(1) == Some('*') {
                depth += 1;
                self.step();
            } else if c == '*' && self.at(1) == Some('/') {
                depth -= 1;
                self.step();
                if depth == 0 {
                    self.step();
                    return;
                }
            }
            self.step();
        }
    }

    /// `"..."` with backslash escapes, from its opening quote.
    fn string(&mut self) {
        self.step();
        while self.at(0).is_some_and(|c| c != '"') {
            if self.at(0) == Some('\\') {
                self.step();
            }
            self.step();
        }
        self.step();
    }

    /// `r"..."` or `r#"..."#`, from the `r`; the start of the literal if it is one.
    fn raw_string(&mut self) -> Option<(usize, usize)> {
        let start = (self.line, self.col);
        self.step();
        let mut hashes = 0;
        while self.at(0) == Some('#') {
            hashes += 1;
            self.step();
        }
        if self.at(0) != Some('"') {
            return None;
        }
        self.step();
        while self.at(0).is_some() {
            if self.at(0) == Some('"') && (1..=hashes).all(|k| self.at(k) == Some('#')) {
                for _ in 0..=hashes {
                    self.step();
                }
                break;
            }
            self.step();
        }
        Some(start)
    }

    /// A char literal, `'x'` or `'\n'`, skipped so a quote inside does not start a string.
    fn char_literal(&mut self) {
        self.step();
        if self.at(0) == Some('\\') {
            self.step();
        }
        self.step();
        if self.at(0) == Some('\'') {
            self.step();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_skips_comments_and_finds_raw_strings() {
        let src = "// \"not a string\"\n( a: \"one\", /* \"no\" /* nested \"no\" */ */ b: r#\"two \"x\"\"#,\n c: '\"', d: \"th\\\"ree\")";
        let locator = Locator::new(src);
        assert_eq!(locator.strings, vec![(2, 6), (2, 45), (3, 13)]);
    }
}
