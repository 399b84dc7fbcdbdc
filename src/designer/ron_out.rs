//! Writes a [`ScenarioFile`] as RON in the shipped scenes' style: one line per person, server,
//! link, message, observer and layout hint, optional fields left out when they say nothing.

use std::fmt::Write;

use crate::scenario::{
    DeviceKindFile, LayoutFile, LinkFile, MessageFile, ObserverFile, PersonFile, ScenarioFile,
    ServerFile, Str, TlsFile, WebClientFile,
};

/// A RON string literal; control characters other than newline and tab are dropped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[Str]) -> String {
    let q: Vec<String> = items.iter().map(|s| quote(s.as_str())).collect();
    format!("[{}]", q.join(", "))
}

/// The scenario file as RON text that [`crate::scenario::Scenario::parse`] reads back.
pub fn write(f: &ScenarioFile) -> String {
    let mut o = String::from("(\n");
    settings(&mut o, f);
    block(&mut o, "web_clients", f.web_clients.iter().map(web_client));
    block(
        &mut o,
        "device_kinds",
        f.device_kinds.iter().map(device_kind),
    );
    block(&mut o, "people", f.people.iter().map(person));
    block(&mut o, "servers", f.servers.iter().map(server));
    block(&mut o, "links", f.links.iter().map(link));
    block(&mut o, "messages", f.messages.iter().map(message));
    block(&mut o, "observers", f.observers.iter().map(observer));
    block(&mut o, "layout", f.layout.iter().map(hint));
    o.push_str(")\n");
    o
}

/// The one-value fields: title, about, model and the settings that differ from the default.
fn settings(o: &mut String, f: &ScenarioFile) {
    let mut field = |name: &str, value: String| {
        let _ = writeln!(o, "    {name}: {value},");
    };
    field("title", quote(f.title.as_str()));
    if let Some(a) = &f.about {
        field("about", quote(a.as_str()));
    }
    field("model", quote(f.model.as_str()));
    if let Some(x) = &f.fanout {
        field("fanout", quote(x.as_str()));
    }
    if f.keys_verified {
        field("keys_verified", "true".into());
    }
    if f.keys_synced_via_server {
        field("keys_synced_via_server", "true".into());
    }
    if let Some(k) = &f.key_sync {
        field("key_sync", quote(k.as_str()));
    }
    if f.sealed_sender {
        field("sealed_sender", "true".into());
    }
    if let Some(seed) = f.seed {
        field("seed", seed.to_string());
    }
}

fn web_client(w: &WebClientFile) -> String {
    format!(
        "(device: {}, code_from: {})",
        quote(w.device.as_str()),
        quote(w.code_from.as_str())
    )
}

fn device_kind(k: &DeviceKindFile) -> String {
    format!(
        "(device: {}, kind: {})",
        quote(k.device.as_str()),
        quote(k.kind.as_str())
    )
}

fn person(p: &PersonFile) -> String {
    let mut s = format!(
        "(name: {}, devices: {}",
        quote(p.name.as_str()),
        list(&p.devices)
    );
    if let Some(k) = &p.keys_from {
        let _ = write!(s, ", keys_from: {}", quote(k.as_str()));
    }
    s + ")"
}

fn server(sv: &ServerFile) -> String {
    let mut s = format!("(name: {}", quote(sv.name.as_str()));
    if let Some(parts) = &sv.parts {
        let _ = write!(s, ", parts: {}", list(parts));
    }
    if !sv.admins.is_empty() {
        let admins: Vec<String> = sv
            .admins
            .iter()
            .map(|a| format!("(name: {}, can: {})", quote(a.name.as_str()), list(&a.can)))
            .collect();
        let _ = write!(s, ", admins: [{}]", admins.join(", "));
    }
    if sv.single_user {
        s.push_str(", single_user: true");
    }
    s + ")"
}

fn link(l: &LinkFile) -> String {
    let tls = match &l.tls {
        TlsFile::Flag(b) => b.to_string(),
        TlsFile::Word(w) => quote(w.as_str()),
    };
    format!(
        "(from: {}, to: {}, tls: {tls})",
        quote(l.from.as_str()),
        quote(l.to.as_str())
    )
}

fn message(m: &MessageFile) -> String {
    format!(
        "(id: {}, from: {}, to: {}, text: {})",
        quote(m.id.as_str()),
        quote(m.from.as_str()),
        list(&m.to),
        quote(m.text.as_str())
    )
}

fn observer(ob: &ObserverFile) -> String {
    let mut s = format!(
        "(name: {}, role: {}",
        quote(ob.name.as_str()),
        quote(ob.role.as_str())
    );
    if let Some(short) = &ob.short {
        let _ = write!(s, ", short: {}", quote(short.as_str()));
    }
    if let Some(a) = &ob.admin {
        let _ = write!(s, ", admin: {}", quote(a.as_str()));
    }
    if !ob.compels.is_empty() {
        let _ = write!(s, ", compels: {}", list(&ob.compels));
    }
    if let Some(d) = &ob.device {
        let _ = write!(s, ", device: {}", quote(d.as_str()));
    }
    if !ob.reaches.is_empty() {
        let _ = write!(s, ", reaches: {}", list(&ob.reaches));
    }
    s + ")"
}

fn hint(h: &LayoutFile) -> String {
    format!(
        "(node: {}, x: {:.3}, y: {:.3})",
        quote(h.node.as_str()),
        h.x,
        h.y
    )
}

/// A list field, one entry a line; required lists are written even when empty.
fn block(o: &mut String, name: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    let optional = matches!(name, "web_clients" | "servers" | "layout");
    if items.is_empty() && optional {
        return;
    }
    if items.is_empty() {
        let _ = writeln!(o, "    {name}: [],");
        return;
    }
    let _ = writeln!(o, "    {name}: [");
    for i in items {
        let _ = writeln!(o, "        {i},");
    }
    let _ = writeln!(o, "    ],");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_what_ron_needs() {
        assert_eq!(quote("a \"b\" \\ c\nd\u{7}"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }
}
