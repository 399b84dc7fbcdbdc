//! Reports for people and programs: the who-can-read matrix, the step-by-step trace, and the
//! reasons behind a verdict, as aligned text or JSON. Strings only: the binary prints them.

use serde_json::{Value, json};

use crate::exposure::{Content, IfActing, MessageExposure, MetaField};
use crate::layers::{self, Layer};
use crate::power::PowerId;
use crate::run::Run;
use crate::scenario::Reach;
use crate::sim::Step;
use crate::wire;

/// Hex of up to `max` bytes, with an ellipsis and the total when cut.
pub fn hex_preview(bytes: &[u8], max: usize) -> String {
    let shown: String = bytes.iter().take(max).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > max {
        format!("{shown}… ({} bytes)", bytes.len())
    } else {
        shown
    }
}

/// What a step's bytes look like to someone with no keys: text where the words are in the
/// clear, a description and hex where they are sealed.
pub fn describe_bytes(step: &Step) -> String {
    if step.bytes.is_empty() {
        return "(no bytes: a decision, not data)".into();
    }
    let parts = step
        .layers
        .iter()
        .filter_map(|layer| match layer {
            // The header shows in the trace's own columns; the body says what the post is.
            Layer::Header(_) | Layer::Signed { .. } => None,
            Layer::Key(blob) => Some(format!("[key] {}", key_name(blob))),
            Layer::Tls { sealed, .. } => Some(format!("[TLS record] {}", hex_preview(sealed, 16))),
            Layer::Words(t) => Some(format!("“{t}”")),
            Layer::Envelope { bytes, .. } => {
                Some(format!("[e2e envelope] {}", hex_preview(bytes, 16)))
            }
            // The row's size, then a sample of its ciphertext (past the key id in the clear),
            // the same sample the viewer's card shows.
            Layer::AtRest { bytes, .. } => Some(format!(
                "[at-rest row, {} B] {}",
                bytes.len(),
                hex_preview(layer.sealed_bytes().unwrap_or_default(), 16)
            )),
            Layer::Served(keys) => Some(format!(
                "[keys] {}",
                crate::words::joined(&keys.iter().map(key_name).collect::<Vec<_>>(), ", ", "keys")
            )),
            Layer::KeyRequest(names) => Some(format!(
                "[key request] {}",
                crate::words::joined(names, ", ", "devices")
            )),
            Layer::Code(code) => Some(match &code.changed_by {
                Some(who) => format!("[code] {}'s web client, changed by {who}", code.server),
                None => format!("[code] {}'s web client", code.server),
            }),
            Layer::Unreadable(_) => Some(hex_preview(&step.bytes, 24)),
        })
        .collect::<Vec<_>>();
    crate::words::joined(&parts, " + ", "parts")
}

fn key_name(blob: &wire::KeyBlob) -> String {
    match blob {
        // A public key is shown with its fingerprint (safety number) so lookups can be compared.
        wire::KeyBlob::Public { key, .. } => format!("{} {}", blob.label(), key.fingerprint()),
        _ => blob.label(),
    }
}

fn meta_names(fields: &[MetaField]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name()).collect()
}

fn place_label(run: &Run, place: Reach) -> String {
    run.scenario.reach_label(place)
}

fn message_json(run: &Run, mx: &MessageExposure) -> Value {
    json!({
        "id": run.scenario.messages[mx.message].id,
        "content": mx.content.name(),
        "metadata": meta_names(&mx.metadata),
        "first_plaintext_at": mx.first_plaintext_at.map(|r| place_label(run, r)),
        "why": mx.why,
        "could_forge": mx.could_forge.as_ref().map(|f| f.possible),
        "could_forge_why": mx.could_forge.as_ref().map(|f| &f.why),
        "if_acting": mx.if_acting.as_ref().map(|a| json!({
            "content": a.content.name(),
            "metadata": meta_names(&a.metadata),
            "powers": a.powers.iter().map(|p| p.name()).collect::<Vec<_>>(),
            "could_forge": a.could_forge.possible,
            "could_forge_why": a.could_forge.why,
            "why": a.why,
        })),
    })
}

/// The matrix of one run as the JSON object DESIGN.md specifies.
pub fn matrix_json(run: &Run) -> Value {
    let sc = &run.scenario;
    let p = run.trace.protection;
    let observers: Vec<Value> = run
        .exposure
        .observers
        .iter()
        .map(|ox| {
            let o = &sc.observers[ox.observer];
            json!({
                "name": o.name,
                "role": o.role.name(),
                "server": o.server.map(|s| sc.servers[s].name.clone()),
                "messages": ox.messages.iter().map(|mx| message_json(run, mx)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "scene": sc.source,
        "title": sc.title,
        "model": p.model.name(),
        "fanout": p.e2e_fanout().map(|f| f.name()),
        "keys_verified": p.keys_verified,
        "keys_synced_via_server": sc.keys_synced_via_server,
        "key_sync": sc.key_sync.name(),
        "sealed_sender": sc.sealed_sender,
        "observers": observers,
    })
}

fn word(content: Content) -> &'static str {
    match content {
        Content::Plaintext => "READS",
        Content::Ciphertext => "cipher",
        Content::None => "-",
    }
}

/// One cell of the who-can-read matrix, as `plainsight matrix` prints it and the viewer's
/// matrix panel shows it: `READS [srzt]`, `cipher [szte] / READS if acting`; the metadata by
/// acting shows where it grows: `cipher [zte] / cipher [srzte] if acting`.
pub fn matrix_cell(mx: &MessageExposure) -> String {
    let looking = meta_cell(mx.content, &mx.metadata);
    match &mx.if_acting {
        Some(a) if a.metadata != mx.metadata => {
            format!(
                "{looking} / {} if acting",
                meta_cell(a.content, &a.metadata)
            )
        }
        Some(a) => format!("{looking} / {} if acting", word(a.content)),
        None => looking,
    }
}

fn meta_cell(content: Content, metadata: &[MetaField]) -> String {
    let word = word(content);
    let meta: String = metadata
        .iter()
        .map(|m| match m {
            MetaField::Sender => 's',
            MetaField::Recipients => 'r',
            MetaField::Size => 'z',
            MetaField::Time => 't',
            MetaField::Endpoints => 'e',
        })
        .collect();
    if meta.is_empty() {
        word.to_string()
    } else {
        format!("{word} [{meta}]")
    }
}

/// What the matrix's cells mean, one line each: printed under `plainsight matrix` and shown in
/// the viewer's matrix panel.
pub const MATRIX_LEGEND: [&str; 2] = [
    "READS = opened it, can read the words; cipher = holds the bytes, cannot open them; - = never sees it",
    "metadata learned: s = sender, r = recipients, z = size, t = time, e = endpoints (which machines talk)",
];

/// The who-can-read table of one run, for a terminal.
pub fn matrix_text(run: &Run) -> String {
    let sc = &run.scenario;
    let p = run.trace.protection;
    let mut out = String::new();
    out.push_str(&format!("{} — {}\n", sc.source, sc.title));
    out.push_str(&format!(
        "model: {}   keys verified: {}   key sync: {}{}\n\n",
        p.label(),
        if p.keys_verified { "yes" } else { "no" },
        sc.key_sync.name(),
        if sc.sealed_sender && p.model.end_to_end() {
            "   sealed sender"
        } else {
            ""
        }
    ));
    out.push_str(&matrix_table(run));
    let reasons = matrix_reasons(run);
    if !reasons.is_empty() {
        out.push_str("\nwhy:\n");
        out.push_str(&reasons.join("\n"));
        out.push('\n');
    }
    out.push('\n');
    for line in MATRIX_LEGEND {
        out.push_str(line);
        out.push('\n');
    }
    let powers = powers_in(run);
    if !powers.is_empty() {
        out.push_str(&powers_legend(&powers));
    }
    out
}

/// The table itself: a header row, then one row per observer, columns padded to line up.
fn matrix_table(run: &Run) -> String {
    let sc = &run.scenario;
    let mut rows: Vec<Vec<String>> = vec![
        ["observer".to_string(), "role".to_string()]
            .into_iter()
            .chain(sc.messages.iter().map(|m| m.id.clone()))
            .collect(),
    ];
    for ox in &run.exposure.observers {
        let o = &sc.observers[ox.observer];
        let mut row = vec![o.name.clone(), o.role.name().to_string()];
        row.extend(ox.messages.iter().map(matrix_cell));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, w)| format!("{text}{}", " ".repeat(w - text.chars().count())))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// One line per verdict that needs a reason: who reads what (and where), then who could read
/// more by acting.
fn matrix_reasons(run: &Run) -> Vec<String> {
    let sc = &run.scenario;
    let cells = || {
        run.exposure
            .observers
            .iter()
            .flat_map(|ox| ox.messages.iter().map(move |mx| (ox, mx)))
    };
    let reads = cells().filter_map(|(ox, mx)| {
        let at = mx.first_plaintext_at?;
        Some(format!(
            "  {} reads {} at {}: {}",
            sc.observers[ox.observer].name,
            sc.messages[mx.message].id,
            place_label(run, at),
            mx.why.join(" -> ")
        ))
    });
    let acting = cells().filter_map(|(ox, mx)| {
        let a = mx.if_acting.as_ref()?;
        a.content.more_than(mx.content).then(|| {
            format!(
                "  {} could read {} by acting: {}",
                sc.observers[ox.observer].name,
                sc.messages[mx.message].id,
                a.why.join(" -> ")
            )
        })
    });
    reads.chain(acting).collect()
}

/// The powers that give someone something in this run, for the legend.
fn powers_in(run: &Run) -> Vec<PowerId> {
    let mut used: Vec<PowerId> = run
        .exposure
        .observers
        .iter()
        .flat_map(|ox| ox.messages.iter())
        .filter_map(|mx| mx.if_acting.as_ref())
        .flat_map(|a| a.powers.iter().copied())
        .collect();
    used.sort();
    used.dedup();
    used
}

fn powers_legend(powers: &[PowerId]) -> String {
    let lines: Vec<String> = powers
        .iter()
        .map(|p| format!("{}: {}", p.name(), p.help()))
        .collect();
    format!(
        "X / Y if acting = X by looking, Y if they use their powers ({})\n",
        lines.join("; ")
    )
}

/// What an observer sees at a step they reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sees {
    /// The content: the words, or only ciphertext ([`Content`]).
    Content(Content),
    /// Key material, no content.
    Keys,
    /// Only metadata.
    Metadata,
}

impl Sees {
    fn name(self) -> &'static str {
        match self {
            Sees::Content(c) => c.name(),
            Sees::Keys => "keys",
            Sees::Metadata => "metadata",
        }
    }
}

fn readers(run: &Run, step: &Step) -> Vec<(String, Sees)> {
    run.exposure
        .observers
        .iter()
        .filter_map(|ox| {
            let r = ox.reading(step.index)?;
            let what = if r.plaintext.is_some() {
                Sees::Content(Content::Plaintext)
            } else if r.carries_content {
                Sees::Content(Content::Ciphertext)
            } else if !r.keys.is_empty() {
                Sees::Keys
            } else {
                Sees::Metadata
            };
            Some((run.scenario.observers[ox.observer].name.clone(), what))
        })
        .collect()
}

/// Every step, for a terminal: place, action, bytes (text or hex), who reads there.
pub fn trace_text(run: &Run) -> String {
    let sc = &run.scenario;
    let mut out = format!(
        "{} — {}\nmodel: {}   seed: {}\n\n",
        sc.source,
        sc.title,
        run.trace.protection.label(),
        run.trace.seed
    );
    for step in &run.trace.steps {
        let place = place_label(run, step.place);
        let detail = step
            .detail
            .as_ref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let message = step
            .message
            .map(|m| format!("[{}] ", sc.messages[m].id))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:>3}  t={:<4} {message}{place}{detail}  {}\n",
            step.index,
            step.time,
            step.action.name()
        ));
        out.push_str(&format!("       {}\n", step.note));
        out.push_str(&format!(
            "       {} bytes: {}\n",
            step.bytes.len(),
            describe_bytes(step)
        ));
        let who = readers(run, step);
        if !who.is_empty() {
            let list: Vec<String> = who
                .iter()
                .map(|(n, w)| format!("{n} ({})", w.name()))
                .collect();
            out.push_str(&format!("       reachable by: {}\n", list.join(", ")));
        }
    }
    out
}

/// Every step as JSON: full bytes in hex, text where it is plaintext.
pub fn trace_json(run: &Run) -> Value {
    let sc = &run.scenario;
    let steps: Vec<Value> = run
        .trace
        .steps
        .iter()
        .map(|step| {
            let plaintext = layers::words(&step.layers);
            json!({
                "index": step.index,
                "time": step.time,
                "place": place_label(run, step.place),
                "detail": step.detail,
                "action": step.action.name(),
                "message": step.message.map(|m| sc.messages[m].id.clone()),
                "note": step.note,
                "size": step.bytes.len(),
                "plaintext": plaintext,
                "hex": hex_preview(&step.bytes, usize::MAX),
                "actor": step.actor.map(|o| sc.observers[o].name.clone()),
                "power": step.power.map(|p| p.name()),
                "readers": readers(run, step).into_iter().map(|(n, w)| json!({"observer": n, "sees": w.name()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "scene": sc.source,
        "model": run.trace.protection.model.name(),
        "fanout": run.trace.protection.e2e_fanout().map(|f| f.name()),
        "keys_verified": run.trace.protection.keys_verified,
        "seed": run.trace.seed,
        "wire_bytes": run.trace.wire_bytes(),
        "steps": steps,
    })
}

/// The reasons behind one observer's verdicts, for a terminal.
pub fn explain_text(run: &Run, observer: usize) -> String {
    let sc = &run.scenario;
    let ox = &run.exposure.observers[observer];
    let o = &sc.observers[observer];
    let mut out = format!(
        "{} ({}) under {} — reads {} of {} messages\n",
        o.name,
        o.role.name(),
        run.trace.protection.label(),
        ox.plaintext_count(),
        sc.messages.len()
    );
    let reach: Vec<String> = o.reach.iter().map(|r| sc.reach_label(*r)).collect();
    out.push_str(&format!("reaches: {}\n", reach.join(", ")));
    let keys: Vec<String> = ox
        .keys
        .iter()
        .map(|k| format!("{} (from {})", k.describe(), k.source(sc)))
        .collect();
    out.push_str(&format!(
        "holds: {}\n",
        if keys.is_empty() {
            "no keys".to_string()
        } else {
            keys.join(", ")
        }
    ));
    for mx in &ox.messages {
        let meta = meta_names(&mx.metadata);
        out.push_str(&format!(
            "\n{} -> {}{}\n  {}\n",
            sc.messages[mx.message].id,
            mx.content.name(),
            if meta.is_empty() {
                String::new()
            } else {
                format!("   (metadata: {})", meta.join(", "))
            },
            mx.why.join(" -> ")
        ));
        let sender = &sc.people[sc.messages[mx.message].from].name;
        if let Some(f) = &mx.could_forge {
            out.push_str(&forge_line(sender, "", f));
        }
        if let Some(a) = &mx.if_acting {
            out.push_str(&acting_lines(a));
            out.push_str(&forge_line(sender, " by acting", &a.could_forge));
        }
    }
    out
}

fn forge_line(sender: &str, how: &str, f: &crate::exposure::Forgery) -> String {
    format!(
        "  could forge it as {sender}'s{how}: {} -> {}\n",
        if f.possible { "yes" } else { "no" },
        f.why.join(" -> ")
    )
}

fn acting_lines(a: &IfActing) -> String {
    let powers: Vec<&str> = a.powers.iter().map(|p| p.name()).collect();
    let meta = meta_names(&a.metadata);
    format!(
        "  if acting ({}) -> {}{}\n  {}\n",
        powers.join(", "),
        a.content.name(),
        if meta.is_empty() {
            String::new()
        } else {
            format!("   (metadata: {})", meta.join(", "))
        },
        a.why.join(" -> ")
    )
}

/// A one-sentence caption for a step, for presenter mode and slides: what happened, and who
/// could read the words there (from the exposure analysis, not from the step itself).
pub fn caption(run: &Run, step: usize) -> String {
    let Some(s) = run.trace.steps.get(step) else {
        return String::new();
    };
    let who = readers(run, s);
    let readers: Vec<&str> = who
        .iter()
        .filter(|(_, w)| *w == Sees::Content(Content::Plaintext))
        .map(|(n, _)| n.as_str())
        .collect();
    let sealed: Vec<&str> = who
        .iter()
        .filter(|(_, w)| *w == Sees::Content(Content::Ciphertext))
        .map(|(n, _)| n.as_str())
        .collect();
    let mut out = s.note.clone();
    if !readers.is_empty() {
        out.push_str(&format!(
            ": readable here by {}",
            crate::words::and_list(&readers, "observers")
        ));
    } else if !sealed.is_empty() {
        let verb = if sealed.len() == 1 { "sees" } else { "see" };
        out.push_str(&format!(
            ": {} {verb} only ciphertext here",
            crate::words::and_list(&sealed, "observers")
        ));
    }
    out.push('.');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ModelChoice, Scenario};

    #[test]
    fn captions_name_who_can_read_from_the_analysis() {
        let sc = Scenario::shipped("mastodon-federation").expect("shipped");
        let plain = Run::new(sc.clone(), None).expect("runs");
        let store = plain
            .trace
            .steps
            .iter()
            .position(|s| {
                s.action == crate::sim::Action::Store
                    && plain.scenario.reach_label(s.place) == "hachyderm.example/database"
            })
            .expect("a store step");
        let text = caption(&plain, store);
        assert!(
            text.starts_with("hachyderm.example stores it in its database"),
            "{text}"
        );
        assert!(
            text.contains("readable here by hachyderm.example admin"),
            "{text}"
        );
        let e2e = Run::new(sc, ModelChoice::parse("e2e")).expect("runs");
        let store = e2e
            .trace
            .steps
            .iter()
            .position(|s| {
                s.action == crate::sim::Action::Store
                    && e2e.scenario.reach_label(s.place) == "hachyderm.example/database"
            })
            .expect("a store step");
        assert!(
            caption(&e2e, store).contains("see only ciphertext here"),
            "{}",
            caption(&e2e, store)
        );
    }
}
