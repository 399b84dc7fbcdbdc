//! The designer's palette: each button turns the selection into one core [`Edit`].

use super::DesignMode;
use crate::designer::{Designer, Edit, Item};
use crate::scenario::{DeviceKind, Role};
use crate::viewer::playback::{Cursor, Runs};

/// Something tapped in the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    /// A device or server, by name.
    Node(String),
    /// A link, by its ends.
    Link(String, String),
    /// An observer, by name.
    Observer(String),
}

impl Selected {
    /// How the palette names it.
    pub fn label(&self) -> String {
        match self {
            Selected::Node(n) | Selected::Observer(n) => n.clone(),
            Selected::Link(a, b) => format!("{a} -> {b}"),
        }
    }
}

/// A palette button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// A person with a phone, linked to the server selected (asks which when there are two).
    AddPerson,
    /// Another device for the selected device's owner.
    AddDevice,
    /// A server with an admin.
    AddServer,
    /// A link between the two nodes tapped last.
    AddLink,
    /// A message from the first person to everyone else.
    AddMessage,
    /// An observer with the role shown, reaching what is selected.
    AddObserver,
    /// Opens (or closes) the role list.
    Roles,
    /// A role from the list (index into [`Role::ALL`]), for the selected observer or the
    /// next one added.
    PickRole(usize),
    /// A key of the on-screen keys (renaming, naming the file): a character, or `'\n'`
    /// Enter, `'\u{8}'` delete, `'\u{1b}'` cancel, `super::menus::SHIFT` a capital next.
    Key(char),
    /// The selected node or link added to (or taken from) the observer tapped before it.
    ToggleReach,
    /// The selected link's TLS on or off.
    ToggleTls,
    /// Removes what is selected.
    Remove,
    /// Renames what is selected (type, then Enter).
    Rename,
    /// Writes the RON file.
    Save,
    /// Names the file, then writes it.
    SaveAs,
    /// Reads the RON file back.
    Load,
    /// An empty scenario.
    New,
}

impl Tool {
    /// Every button, in palette order.
    pub const ALL: [Tool; 15] = [
        Tool::AddPerson,
        Tool::AddDevice,
        Tool::AddServer,
        Tool::AddLink,
        Tool::AddMessage,
        Tool::AddObserver,
        Tool::ToggleReach,
        Tool::ToggleTls,
        Tool::Remove,
        Tool::Rename,
        Tool::New,
        Tool::Save,
        Tool::SaveAs,
        Tool::Load,
        Tool::Roles,
    ];

    /// The button's words (`role` is the role the next observer gets).
    pub fn label(self, role: &str) -> String {
        match self {
            Tool::AddPerson => "+ person".into(),
            Tool::AddDevice => "+ device".into(),
            Tool::AddServer => "+ server".into(),
            Tool::AddLink => "+ link: tap 2".into(),
            Tool::AddMessage => "+ message".into(),
            Tool::AddObserver => "+ observer".into(),
            Tool::Roles => format!("role: {role}"),
            Tool::PickRole(i) => Role::ALL[i % Role::ALL.len()].name().into(),
            Tool::Key(c) => c.to_string(),
            Tool::SaveAs => "save as".into(),
            Tool::ToggleReach => "reach +/-".into(),
            Tool::ToggleTls => "TLS on/off".into(),
            Tool::Remove => "remove".into(),
            Tool::Rename => "rename".into(),
            Tool::New => "new (empty)".into(),
            Tool::Save => "save".into(),
            Tool::Load => "load".into(),
        }
    }
}

/// Names for new servers' admins, as the shipped scenes name theirs.
const ADMINS: [&str; 8] = ["Sam", "Dana", "Mo", "Hal", "Priya", "Omar", "Lee", "Ken"];

const NAMES: [&str; 8] = [
    "Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi",
];

fn last_node(selected: &[Selected]) -> Option<String> {
    selected.iter().rev().find_map(|s| match s {
        Selected::Node(n) => Some(n.clone()),
        _ => None,
    })
}

/// Why a button makes no edit of its own.
enum NoEdit {
    /// It needs something first: the palette says what.
    Say(String),
    /// It did what it does already (or nothing).
    Done,
}

/// The edit a button makes, or why none.
type Made = Result<Edit, NoEdit>;

fn say(s: &str) -> NoEdit {
    NoEdit::Say(s.into())
}

/// What a button does with the selection.
pub fn press(tool: Tool, mode: &mut DesignMode, runs: &mut Runs, cursor: &mut Cursor) {
    let Some(d) = mode.designer.as_ref() else {
        return;
    };
    let role = Role::ALL[mode.role % Role::ALL.len()];
    let made = match tool {
        Tool::AddPerson => match add_person(d, &mode.selected) {
            Ok((person, link)) => {
                mode.edit(person, runs, cursor);
                link.ok_or(NoEdit::Done)
            }
            Err(e) => Err(e),
        },
        Tool::AddDevice => add_device(d, &mode.selected),
        Tool::AddServer => Ok(add_server(d)),
        Tool::AddLink => add_link(&mode.selected),
        Tool::AddMessage => message(d).ok_or_else(|| say("A message needs two people")),
        Tool::AddObserver => add_observer(d, &mode.selected, role),
        Tool::Roles => {
            mode.roles_open = !mode.roles_open;
            Err(NoEdit::Done)
        }
        Tool::PickRole(i) => pick_role(mode, i),
        Tool::Key(c) => {
            super::menus::key(c, mode, runs, cursor);
            Err(NoEdit::Done)
        }
        Tool::SaveAs => {
            mode.saving_as = true;
            mode.typing = Some(String::new());
            Err(NoEdit::Done)
        }
        Tool::ToggleReach => toggle_reach(&mode.selected),
        Tool::ToggleTls => toggle_tls(d, &mode.selected),
        Tool::Remove => match mode.selected.pop() {
            Some(sel) => Ok(Edit::Remove(item_of(d, &sel))),
            None => Err(say("Tap what to remove first")),
        },
        Tool::Rename => rename(mode),
        Tool::Save => {
            super::files::save(mode);
            Err(NoEdit::Done)
        }
        Tool::Load => {
            super::files::load(mode, runs, cursor);
            Err(NoEdit::Done)
        }
        Tool::New => {
            new(mode, runs, cursor);
            Err(NoEdit::Done)
        }
    };
    match made {
        Ok(edit) => {
            mode.status = format!("Done: {}", tool.label(role.name()));
            mode.edit(edit, runs, cursor);
        }
        Err(NoEdit::Say(s)) => mode.status = s,
        Err(NoEdit::Done) => {}
    }
}

/// A person with a phone named from [`NAMES`], and the phone's link to the server selected
/// last, else to the only server; with two servers or more and none selected, it asks which.
fn add_person(d: &Designer, selected: &[Selected]) -> Result<(Edit, Option<Edit>), NoEdit> {
    let servers: Vec<&str> = d
        .file
        .servers
        .iter()
        .map(|s| s.name.text.as_str())
        .collect();
    let chosen = last_node(selected).filter(|n| servers.contains(&n.as_str()));
    let server = match (chosen, servers.as_slice()) {
        (Some(s), _) => Some(s),
        (None, [only]) => Some(only.to_string()),
        (None, []) => None,
        (None, _) => return Err(say("Which server? Tap it, then + person")),
    };
    let name = NAMES
        .iter()
        .map(|n| n.to_string())
        .find(|n| d.free_name(n) == *n)
        .unwrap_or_else(|| d.free_name("Person"));
    let device = d.free_name(&format!("{}-phone", name.to_lowercase().replace(' ', "-")));
    let link = server.map(|to| Edit::AddLink {
        from: device.clone(),
        to,
        tls: true,
    });
    Ok((Edit::AddPerson { name, device }, link))
}

/// A laptop for the owner of the device selected last, else for the first person.
fn add_device(d: &Designer, selected: &[Selected]) -> Made {
    let owner = last_node(selected)
        .and_then(|n| {
            d.file
                .people
                .iter()
                .find(|p| p.devices.iter().any(|x| x.text == n))
        })
        .or(d.file.people.first());
    let Some(owner) = owner else {
        return Err(say("Add a person first"));
    };
    let person = owner.name.text.clone();
    let name = d.free_name(&format!(
        "{}-laptop",
        person.to_lowercase().replace(' ', "-")
    ));
    // The tool's second device is a laptop (a phone and a laptop is the common pair).
    let kind = DeviceKind::Laptop;
    Ok(Edit::AddDevice { person, name, kind })
}

fn add_server(d: &Designer) -> Edit {
    let name = if d.file.servers.is_empty() {
        "chat.example".to_string()
    } else {
        d.free_name(&format!("server{}.example", d.file.servers.len() + 1))
    };
    // Admins get names of their own, never a user's ("Alice admin" read as Alice's account).
    let admin = d.free_name(ADMINS[d.file.servers.len() % ADMINS.len()]);
    Edit::AddServer { name, admin }
}

fn add_link(selected: &[Selected]) -> Made {
    let nodes: Vec<String> = selected
        .iter()
        .filter_map(|s| match s {
            Selected::Node(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let [from, to] = nodes.as_slice() else {
        return Err(say("Tap two nodes, then + link"));
    };
    Ok(Edit::AddLink {
        from: from.clone(),
        to: to.clone(),
        tls: true,
    })
}

fn add_observer(d: &Designer, selected: &[Selected], role: Role) -> Made {
    let Some(place) = selected
        .last()
        .filter(|s| !matches!(s, Selected::Observer(_)))
    else {
        return Err(say(
            "Tap the node or link the observer reaches, then + observer",
        ));
    };
    let name = d.free_name(&format!("{} at {}", role.name(), place.label()));
    Ok(Edit::AddObserver {
        name,
        role: role.name().into(),
        reaches: vec![place.label()],
    })
}

/// The next role, for the observer selected last or else the next one added.
/// A role from the list: the selected observer's, else the next observer's.
fn pick_role(mode: &mut DesignMode, i: usize) -> Made {
    mode.role = i % Role::ALL.len();
    mode.roles_open = false;
    let role = Role::ALL[mode.role].name().to_string();
    match mode.selected.last() {
        Some(Selected::Observer(o)) => Ok(Edit::SetRole {
            observer: o.clone(),
            role,
        }),
        _ => Err(NoEdit::Say(format!("The next observer is a {role}"))),
    }
}

fn toggle_reach(selected: &[Selected]) -> Made {
    match selected {
        [Selected::Observer(o), place] if !matches!(place, Selected::Observer(_)) => {
            Ok(Edit::ToggleReach {
                observer: o.clone(),
                place: place.label(),
            })
        }
        _ => Err(say(
            "Tap an observer's chip, then a node or link, then reach",
        )),
    }
}

fn toggle_tls(d: &Designer, selected: &[Selected]) -> Made {
    let Some(Selected::Link(a, b)) = selected.last() else {
        return Err(say("Tap a link first"));
    };
    let on = d.file.links.iter().any(|l| {
        ((l.from.text == *a && l.to.text == *b) || (l.from.text == *b && l.to.text == *a))
            && l.tls == crate::scenario::TlsFile::Flag(true)
    });
    Ok(Edit::SetTls {
        from: a.clone(),
        to: b.clone(),
        tls: !on,
    })
}

/// Starts typing a new name for what is selected last.
fn rename(mode: &mut DesignMode) -> Made {
    if mode.selected.last().is_none() {
        return Err(say("Tap what to rename first"));
    }
    mode.typing = Some(String::new());
    Err(NoEdit::Done)
}

/// Starts over from an empty scenario.
fn new(mode: &mut DesignMode, runs: &mut Runs, cursor: &mut Cursor) {
    mode.designer = Some(Designer::new());
    mode.selected.clear();
    mode.status = "An empty scenario: + server, then + person twice, then + message".into();
    mode.sync(runs, cursor);
}

/// A message from the first person to everyone else, if there are two people.
fn message(d: &Designer) -> Option<Edit> {
    let people: Vec<String> = d.file.people.iter().map(|p| p.name.text.clone()).collect();
    let id = (1..)
        .map(|i| format!("m{i}"))
        .find(|id| d.free_name(id) == *id)
        .expect("an unbounded range finds a free id");
    let (from, to) = people.split_first().filter(|(_, rest)| !rest.is_empty())?;
    let text = format!("Hello from {from}");
    Some(Edit::AddMessage {
        id,
        from: from.clone(),
        to: to.to_vec(),
        text,
    })
}

/// The designer's item for a selection: a node is a device or a server.
pub(super) fn item_of(d: &Designer, sel: &Selected) -> Item {
    match sel {
        Selected::Node(n) if d.file.servers.iter().any(|s| s.name.text == *n) => {
            Item::Server(n.clone())
        }
        Selected::Node(n) => Item::Device(n.clone()),
        Selected::Link(a, b) => Item::Link(a.clone(), b.clone()),
        Selected::Observer(o) => Item::Observer(o.clone()),
    }
}
