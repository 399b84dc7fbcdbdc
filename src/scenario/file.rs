//! The plain serde mirror of a scenario's RON file, before any name is resolved.
//!
//! Every string in the file is read as a [`Str`], which remembers its place in the order of
//! string literals; [`Locator`] maps that place back to a line and column, so validation errors
//! point at the offending text although RON itself keeps no spans.

use std::cell::Cell;

use serde::Deserialize;

thread_local! {
    /// How many string literals the current parse has read so far.
    static NEXT_STRING: Cell<usize> = const { Cell::new(0) };
}

/// A string from the scenario file, with its ordinal among the file's string literals.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Restarts string numbering before a parse.
pub(crate) fn reset_ordinals() {
    NEXT_STRING.with(|n| n.set(0));
}

/// The whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// A title shown in the viewer and the reports.
    pub title: Str,
    /// What the scenario shows and what to look for.
    #[serde(default)]
    pub about: Option<Str>,
    /// `plain-web`, `server-encrypted` or `e2e`.
    pub model: Str,
    /// For e2e: `per-recipient` (default), `bagged` or `bagged-shared-ephemeral`.
    #[serde(default)]
    pub fanout: Option<Str>,
    /// Whether senders verified recipients' keys out of band (safety numbers).
    #[serde(default)]
    pub keys_verified: bool,
    /// Whether device private keys are backed up to, and synced through, the service (the
    /// same as `key_sync: "escrow"`).
    #[serde(default)]
    pub keys_synced_via_server: bool,
    /// How a person's devices share one key pair: `none` (each device its own, the default),
    /// `escrow`, `device-link` or `passphrase-backup`.
    #[serde(default)]
    pub key_sync: Option<Str>,
    /// Under e2e, the sender's identity travels inside the envelope, not in the post's header.
    #[serde(default)]
    pub sealed_sender: bool,
    /// Devices that are web pages: the code that holds their keys comes from a server.
    #[serde(default)]
    pub web_clients: Vec<WebClientFile>,
    /// Seed of the simulation's RNG.
    #[serde(default)]
    pub seed: Option<u64>,
    /// People and their devices.
    pub people: Vec<PersonFile>,
    /// Servers (instances).
    #[serde(default)]
    pub servers: Vec<ServerFile>,
    /// Links between devices and servers, and between servers.
    pub links: Vec<LinkFile>,
    /// The messages sent, in order.
    pub messages: Vec<MessageFile>,
    /// Who is watching.
    pub observers: Vec<ObserverFile>,
    /// Optional positions for the viewer.
    #[serde(default)]
    pub layout: Vec<LayoutFile>,
}

/// A person.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonFile {
    /// The person's name.
    pub name: Str,
    /// Names of the person's devices (at least one).
    pub devices: Vec<Str>,
    /// Where senders get this person's device keys: a server's key directory (a keyserver, or
    /// WKD at a mail provider), or `in-person`. Default: the key directories on the way.
    #[serde(default)]
    pub keys_from: Option<Str>,
}

/// A device that is a web page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebClientFile {
    /// The device (a browser tab).
    pub device: Str,
    /// The server whose page it runs: that server's code holds the keys.
    pub code_from: Str,
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

/// A server or instance.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerFile {
    /// Host name, e.g. `social.example`.
    pub name: Str,
    /// Parts: `tls-front`, `app-memory`, `database`, `backup`, `key-vault`, `key-directory`.
    /// Omitted: all but `tls-front` and `backup`.
    #[serde(default)]
    pub parts: Option<Vec<Str>>,
    /// The server's admins.
    #[serde(default)]
    pub admins: Vec<AdminFile>,
    /// A personal instance with one user: its address (and TLS server name) names that person.
    #[serde(default)]
    pub single_user: bool,
}

/// An admin of a server.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminFile {
    /// The admin's name (unique in the scenario).
    pub name: Str,
    /// `production-access`, `database-read`, `database-keys`.
    pub can: Vec<Str>,
}

/// A link between two nodes (devices or servers).
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObserverFile {
    /// Display name.
    pub name: Str,
    /// A role from the fixed vocabulary.
    pub role: Str,
    /// Acts with this admin's capabilities.
    #[serde(default)]
    pub admin: Option<Str>,
    /// Compels these admins or servers (a boss, a nation state).
    #[serde(default)]
    pub compels: Vec<Str>,
    /// Holds this device (its owner, or an attacker who compromised it).
    #[serde(default)]
    pub device: Option<Str>,
    /// Further locations: `server`, `server/part`, `device`, `device/part`, `a -> b` (a link).
    #[serde(default)]
    pub reaches: Vec<Str>,
}

/// A layout hint: where the viewer should put a node (0..1 in both axes).
#[derive(Debug, Deserialize)]
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
        let chars: Vec<char> = source.chars().collect();
        let mut strings = Vec::new();
        let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
        // Advances one char, keeping line and column.
        let step = |i: &mut usize, line: &mut usize, col: &mut usize| {
            if chars.get(*i) == Some(&'\n') {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
            *i += 1;
        };
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if c == '/' && next == Some('/') {
                while i < chars.len() && chars[i] != '\n' {
                    step(&mut i, &mut line, &mut col);
                }
            } else if c == '/' && next == Some('*') {
                let mut depth = 0usize;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        step(&mut i, &mut line, &mut col);
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        step(&mut i, &mut line, &mut col);
                        if depth == 0 {
                            step(&mut i, &mut line, &mut col);
                            break;
                        }
                    }
                    step(&mut i, &mut line, &mut col);
                }
            } else if c == '"' {
                strings.push((line, col));
                step(&mut i, &mut line, &mut col);
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        step(&mut i, &mut line, &mut col);
                    }
                    step(&mut i, &mut line, &mut col);
                }
                step(&mut i, &mut line, &mut col);
            } else if c == 'r'
                && (next == Some('"') || next == Some('#'))
                && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
            {
                let start = (line, col);
                step(&mut i, &mut line, &mut col);
                let mut hashes = 0;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    step(&mut i, &mut line, &mut col);
                }
                if chars.get(i) != Some(&'"') {
                    continue;
                }
                strings.push(start);
                step(&mut i, &mut line, &mut col);
                'raw: while i < chars.len() {
                    if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                        for _ in 0..=hashes {
                            step(&mut i, &mut line, &mut col);
                        }
                        break 'raw;
                    }
                    step(&mut i, &mut line, &mut col);
                }
            } else if c == '\'' {
                // A char literal: 'x' or '\n'; skip it so a quote inside does not start a string.
                step(&mut i, &mut line, &mut col);
                if chars.get(i) == Some(&'\\') {
                    step(&mut i, &mut line, &mut col);
                }
                step(&mut i, &mut line, &mut col);
                if chars.get(i) == Some(&'\'') {
                    step(&mut i, &mut line, &mut col);
                }
            } else {
                step(&mut i, &mut line, &mut col);
            }
        }
        Locator { strings }
    }

    /// Line and column of a string from the file; (1, 1) if unknown.
    pub fn position(&self, s: &Str) -> (usize, usize) {
        self.strings.get(s.ordinal).copied().unwrap_or((1, 1))
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
