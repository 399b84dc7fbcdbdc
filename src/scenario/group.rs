//! A generated group scene: `people` people with `devices` devices each on one server, the
//! first person sending `messages` messages to everyone else, and four observers (a production
//! admin, a database admin, a tap on the sender's uplink, a state that compels the server).
//! For measuring the core at a real group's size (`benches/core.rs`, docs/benchmarks.md) and
//! for tests; RON text, parsed like any scene.

use std::fmt::Write as _;

/// The scene's RON text under e2e with `fanout` (`per-recipient`, `bagged`, `sender-keys`).
pub fn group_scene(people: usize, devices: usize, messages: usize, fanout: &str) -> String {
    let mut who = String::new();
    let mut links = String::new();
    for p in 0..people {
        let names: Vec<String> = (0..devices).map(|d| format!("\"p{p}-d{d}\"")).collect();
        let _ = write!(who, "(name: \"P{p}\", devices: [{}]),", names.join(", "));
        for d in 0..devices {
            let _ = write!(links, "(from: \"p{p}-d{d}\", to: \"s\", tls: true),");
        }
    }
    let to: Vec<String> = (1..people).map(|p| format!("\"P{p}\"")).collect();
    let to = to.join(", ");
    let mut msgs = String::new();
    for m in 0..messages {
        let _ = write!(
            msgs,
            "(id: \"m{}\", from: \"P0\", to: [{to}], text: \"message {}\"),",
            m + 1,
            m + 1
        );
    }
    format!(
        r#"(title: "A group of {people} people, {devices} devices each", model: "e2e", fanout: "{fanout}",
 people: [{who}],
 servers: [(name: "s", parts: ["tls-front", "app-memory", "database", "key-vault", "key-directory"],
   admins: [(name: "Sam", can: ["production-access"]), (name: "Dana", can: ["database-read"])])],
 links: [{links}],
 messages: [{msgs}],
 observers: [(name: "admin", role: "server-admin", admin: "Sam"),
   (name: "dba", role: "database-admin", admin: "Dana"),
   (name: "uplink tap", role: "wire-eavesdropper", reaches: ["p0-d0 -> s"]),
   (name: "state", role: "nation-state", compels: ["s"])])"#
    )
}
