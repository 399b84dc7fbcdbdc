//! The resolved scenario: every name turned into an index, every route computed.

use std::collections::BTreeMap;

use crate::crypto::Fanout;
/// A protection model: an entry of the registry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Model(pub(crate) u8);

/// A `--model` choice: a model, and for end-to-end models optionally a fan-out
/// (`e2e-bagged`). Without one, the scene's own fan-out is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelChoice {
    /// The model.
    pub model: Model,
    /// The fan-out, if the name chose one.
    pub fanout: Option<Fanout>,
}

/// The model together with its e2e options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Protection {
    /// The model.
    pub model: Model,
    /// The fan-out scheme (used under e2e).
    pub fanout: Fanout,
    /// Whether senders verified recipients' keys out of band.
    pub keys_verified: bool,
}

impl Protection {
    /// The fan-out, if the model is e2e.
    pub fn e2e_fanout(&self) -> Option<Fanout> {
        self.model.end_to_end().then_some(self.fanout)
    }

    /// A short label: `plain-web`, `server-encrypted`, `e2e (bagged)`.
    pub fn label(&self) -> String {
        match self.e2e_fanout() {
            Some(f) => format!("e2e ({f})"),
            None => self.model.name().to_string(),
        }
    }
}

/// A part of a server: a place where bytes can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Terminates TLS (a load balancer): sees what the link carried, decrypted.
    TlsFront,
    /// The application's memory, where requests are handled.
    AppMemory,
    /// The database.
    Database,
    /// Backups of the database.
    Backup,
    /// Where the server keeps keys (the at-rest database key, key backups).
    KeyVault,
    /// The public-key directory that hands out device keys.
    KeyDirectory,
}

impl Part {
    /// Every part, in the order a request meets them.
    pub const ALL: [Part; 6] = [
        Part::TlsFront,
        Part::AppMemory,
        Part::Database,
        Part::Backup,
        Part::KeyVault,
        Part::KeyDirectory,
    ];

    /// The part's name in files and location labels.
    pub fn name(self) -> &'static str {
        match self {
            Part::TlsFront => "tls-front",
            Part::AppMemory => "app-memory",
            Part::Database => "database",
            Part::Backup => "backup",
            Part::KeyVault => "key-vault",
            Part::KeyDirectory => "key-directory",
        }
    }

    /// Parses a part name.
    pub fn parse(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A part of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DevicePart {
    /// The app's memory and screen: where the message is typed and read.
    Memory,
    /// Where the device keeps its private key.
    Keystore,
}

impl DevicePart {
    /// The part's name.
    pub fn name(self) -> &'static str {
        match self {
            DevicePart::Memory => "memory",
            DevicePart::Keystore => "keystore",
        }
    }
}

/// What kind of device it is: only its picture in the viewer depends on it (a scene's
/// `device_kinds`; a web client is a browser unless it says otherwise, every other device a
/// phone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum DeviceKind {
    /// A phone or tablet (the default).
    #[default]
    Phone,
    /// A laptop or desktop computer.
    Laptop,
    /// A web browser (a web client's tab).
    Browser,
}

impl DeviceKind {
    /// Every kind, in the order the scene format lists them.
    pub const ALL: [DeviceKind; 3] = [DeviceKind::Phone, DeviceKind::Laptop, DeviceKind::Browser];

    /// The kind's name in scene files.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::Phone => "phone",
            DeviceKind::Laptop => "laptop",
            DeviceKind::Browser => "browser",
        }
    }

    /// The kind with this name.
    pub fn parse(name: &str) -> Option<DeviceKind> {
        DeviceKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What an admin can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// Production access: the TLS front, the application's memory, the key directory.
    ProductionAccess,
    /// Reads the database and its backups.
    DatabaseRead,
    /// Holds the database keys (the key vault).
    DatabaseKeys,
}

impl Capability {
    /// Every capability.
    pub const ALL: [Capability; 3] = [
        Capability::ProductionAccess,
        Capability::DatabaseRead,
        Capability::DatabaseKeys,
    ];

    /// The capability's name in files.
    pub fn name(self) -> &'static str {
        match self {
            Capability::ProductionAccess => "production-access",
            Capability::DatabaseRead => "database-read",
            Capability::DatabaseKeys => "database-keys",
        }
    }

    /// The server parts this capability reaches.
    pub fn parts(self) -> &'static [Part] {
        match self {
            Capability::ProductionAccess => &[Part::TlsFront, Part::AppMemory, Part::KeyDirectory],
            Capability::DatabaseRead => &[Part::Database, Part::Backup],
            Capability::DatabaseKeys => &[Part::KeyVault],
        }
    }
}

/// An observer's role, from DESIGN.md's fixed vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The sender's own device.
    SenderDevice,
    /// A recipient's device.
    RecipientDevice,
    /// An admin of a server.
    ServerAdmin,
    /// An admin with database access.
    DatabaseAdmin,
    /// Someone who can compel admins.
    AdminBoss,
    /// Someone holding a copy of a database, without keys.
    DatabaseThief,
    /// Someone listening on a link.
    WireEavesdropper,
    /// A state that compels servers in its jurisdiction and taps links.
    NationState,
    /// A server operator that substitutes keys in its directory.
    MaliciousServer,
    /// An attacker in control of a device.
    CompromisedDevice,
    /// Another user of the service.
    OtherUser,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 11] = [
        Role::SenderDevice,
        Role::RecipientDevice,
        Role::ServerAdmin,
        Role::DatabaseAdmin,
        Role::AdminBoss,
        Role::DatabaseThief,
        Role::WireEavesdropper,
        Role::NationState,
        Role::MaliciousServer,
        Role::CompromisedDevice,
        Role::OtherUser,
    ];

    /// The role's name.
    pub fn name(self) -> &'static str {
        match self {
            Role::SenderDevice => "sender-device",
            Role::RecipientDevice => "recipient-device",
            Role::ServerAdmin => "server-admin",
            Role::DatabaseAdmin => "database-admin",
            Role::AdminBoss => "admin-boss",
            Role::DatabaseThief => "database-thief",
            Role::WireEavesdropper => "wire-eavesdropper",
            Role::NationState => "nation-state",
            Role::MaliciousServer => "malicious-server",
            Role::CompromisedDevice => "compromised-device",
            Role::OtherUser => "other-user",
        }
    }

    /// Parses a role name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A node of the network: a device or a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    /// A device, by index.
    Device(usize),
    /// A server, by index.
    Server(usize),
}

/// Where senders get a person's device keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// The key directories on the way: the recipient's home directory holds the keys, any
    /// directory nearer the sender hands them on.
    Directories,
    /// One server's key directory (a keyserver, or WKD at a mail provider).
    Server(usize),
    /// Exchanged in person: nothing is looked up.
    InPerson,
}

/// How a person's devices come to share one key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySync {
    /// Each device has its own key pair.
    None,
    /// The private key is uploaded to the service in the clear and downloaded by the others.
    Escrow,
    /// A new device shows a one-time key (a QR code); an old device seals the private key to it
    /// and the service relays ciphertext.
    DeviceLink,
    /// The private key is sealed under a key derived from a passphrase the service never sees,
    /// and stored by the service as a backup.
    PassphraseBackup,
}

impl KeySync {
    /// Every mode.
    pub const ALL: [KeySync; 4] = [
        KeySync::None,
        KeySync::Escrow,
        KeySync::DeviceLink,
        KeySync::PassphraseBackup,
    ];

    /// The mode's name in files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            KeySync::None => "none",
            KeySync::Escrow => "escrow",
            KeySync::DeviceLink => "device-link",
            KeySync::PassphraseBackup => "passphrase-backup",
        }
    }
}

/// A person.
#[derive(Debug, Clone)]
pub struct Person {
    /// Name.
    pub name: String,
    /// Their devices (indices into [`Scenario::devices`]).
    pub devices: Vec<usize>,
    /// Where senders get their device keys.
    pub keys_from: KeySource,
}

/// A device.
#[derive(Debug, Clone)]
pub struct Device {
    /// Name.
    pub name: String,
    /// Owner (index into [`Scenario::people`]).
    pub owner: usize,
    /// For a web client: the server whose page it runs (that code holds its keys).
    pub code_from: Option<usize>,
    /// What kind of device it is (its picture).
    pub kind: DeviceKind,
}

/// An admin.
#[derive(Debug, Clone)]
pub struct Admin {
    /// Name.
    pub name: String,
    /// Capabilities.
    pub can: Vec<Capability>,
}

/// A server.
#[derive(Debug, Clone)]
pub struct Server {
    /// Name.
    pub name: String,
    /// Parts, in [`Part::ALL`] order; always includes the application's memory.
    pub parts: Vec<Part>,
    /// Admins.
    pub admins: Vec<Admin>,
    /// A personal instance: its address names its one user.
    pub single_user: bool,
}

impl Server {
    /// Whether the server has this part.
    pub fn has(&self, part: Part) -> bool {
        self.parts.contains(&part)
    }
}

/// A link.
#[derive(Debug, Clone)]
pub struct Link {
    /// One end, as written in the file.
    pub from: Node,
    /// The other end.
    pub to: Node,
    /// Whether TLS protects it.
    pub tls: bool,
    /// Whether that TLS is opportunistic (STARTTLS without MTA-STS or DANE): an attacker on
    /// the link can strip it.
    pub opportunistic: bool,
}

impl Link {
    /// A link between two nodes with every setting at its default (no TLS). Build links from
    /// it (`Link { tls, ..Link::between(a, b) }`), so a new per-link field is defaulted here
    /// once, not at every place that makes a link.
    pub fn between(from: Node, to: Node) -> Link {
        Link {
            from,
            to,
            tls: false,
            opportunistic: false,
        }
    }
}

/// How one copy of a message reaches one recipient device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The recipient device.
    pub device: usize,
    /// Nodes from the sender's device to the recipient's device.
    pub nodes: Vec<Node>,
    /// Links crossed, in order (`nodes.len() - 1` of them).
    pub links: Vec<usize>,
}

/// A message.
#[derive(Debug, Clone)]
pub struct Message {
    /// Id, e.g. `m1`.
    pub id: String,
    /// Sending person.
    pub from: usize,
    /// Sending device.
    pub from_device: usize,
    /// Recipient people, in file order.
    pub to: Vec<usize>,
    /// One route per recipient device, in a stable order.
    pub routes: Vec<Route>,
    /// The words.
    pub text: String,
}

/// A place an observer can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// One part of a server.
    ServerPart(usize, Part),
    /// One part of a device.
    DevicePart(usize, DevicePart),
    /// The wire of a link.
    Wire(usize),
}

/// How an observer reaches a place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    /// Their own access: their admin capabilities, their device, a tap they placed.
    Own,
    /// Through someone they compel: an admin or a whole server, by name.
    Compels(String),
}

/// An observer, resolved.
#[derive(Debug, Clone)]
pub struct Observer {
    /// Display name.
    pub name: String,
    /// A shorter form of the name for tight places (an observer's chip), if the file gives
    /// one; validated shorter than the name and at most [`super::limits::MAX_SHORT_CHARS`].
    pub short: Option<String>,
    /// Role.
    pub role: Role,
    /// Everything they reach, sorted.
    pub reach: Vec<Reach>,
    /// Servers they control entirely (every part of them).
    pub controls: Vec<usize>,
    /// How they reach each place they reach (their own access, or through someone they
    /// compel), sorted like `reach`.
    pub via: Vec<(Reach, Via)>,
    /// The server they belong to, if one (an admin's server, or the one server they reach).
    pub server: Option<usize>,
}

impl Observer {
    /// The name where room is short: the file's `short:` form, else the name.
    pub fn short_name(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.name)
    }
}

/// A validated scenario with every name resolved.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Where it came from (a path, or `<embedded>`).
    pub source: String,
    /// Title.
    pub title: String,
    /// What it shows.
    pub about: String,
    /// The scenario's own model.
    pub protection: Protection,
    /// Whether device private keys pass through the service in the clear (`key_sync` escrow).
    pub keys_synced_via_server: bool,
    /// How each person's devices share one key pair.
    pub key_sync: KeySync,
    /// Under e2e, whether the sender's identity travels inside the envelope only.
    pub sealed_sender: bool,
    /// RNG seed.
    pub seed: u64,
    /// People.
    pub people: Vec<Person>,
    /// Devices.
    pub devices: Vec<Device>,
    /// Servers.
    pub servers: Vec<Server>,
    /// Links.
    pub links: Vec<Link>,
    /// Messages.
    pub messages: Vec<Message>,
    /// Observers.
    pub observers: Vec<Observer>,
    /// Layout hints by node.
    pub layout: BTreeMap<Node, (f32, f32)>,
    /// Why this scene (whose own model needs no key lookups) cannot run under end-to-end
    /// encryption: where a recipient's keys would come from is missing. Located in the file.
    pub no_e2e: Option<Box<super::ScenarioError>>,
}

impl Scenario {
    /// A node's name.
    pub fn node_name(&self, node: Node) -> &str {
        match node {
            Node::Device(d) => &self.devices[d].name,
            Node::Server(s) => &self.servers[s].name,
        }
    }

    /// A link's label, `a -> b`.
    pub fn link_label(&self, link: usize) -> String {
        let l = &self.links[link];
        format!("{} -> {}", self.node_name(l.from), self.node_name(l.to))
    }

    /// The label of a reachable place: `server/part`, `device/part` or `a -> b/wire`.
    pub fn reach_label(&self, reach: Reach) -> String {
        match reach {
            Reach::ServerPart(s, p) => format!("{}/{}", self.servers[s].name, p.name()),
            Reach::DevicePart(d, p) => format!("{}/{}", self.devices[d].name, p.name()),
            Reach::Wire(l) => format!("{}/wire", self.link_label(l)),
        }
    }

    /// The home server of a device: the server its first link goes to.
    pub fn home_server(&self, device: usize) -> Option<usize> {
        self.links.iter().find_map(|l| match (l.from, l.to) {
            (Node::Device(d), Node::Server(s)) | (Node::Server(s), Node::Device(d))
                if d == device =>
            {
                Some(s)
            }
            _ => None,
        })
    }

    /// Whether an observer reaches a place.
    pub fn reaches(&self, observer: usize, place: Reach) -> bool {
        self.observers[observer].reach.binary_search(&place).is_ok()
    }

    /// "(compels Mo)" when an observer reaches a place through someone they compel, else "".
    pub fn via_words(&self, observer: usize, place: Reach) -> String {
        let o = &self.observers[observer];
        match o.via.iter().find(|(r, _)| *r == place).map(|(_, v)| v) {
            Some(Via::Compels(who)) => format!(" (compels {who})"),
            _ => String::new(),
        }
    }

    /// The key directories a sender's lookup of the route's recipient device passes, the one
    /// that holds the key first. By default every server on the route that runs a key
    /// directory: the recipient's home directory holds the key; directories nearer the sender
    /// (the sender's own instance, in a federation) fetch it and hand it on, so each of them
    /// could change it. A person whose keys come from one named server (a keyserver, WKD) or
    /// in person overrides that.
    pub fn key_sources(&self, route: &Route) -> Vec<usize> {
        match self.people[self.devices[route.device].owner].keys_from {
            KeySource::InPerson => return Vec::new(),
            KeySource::Server(s) => return vec![s],
            KeySource::Directories => {}
        }
        route
            .nodes
            .iter()
            .rev()
            .filter_map(|n| match n {
                Node::Server(s) if self.servers[*s].has(Part::KeyDirectory) => Some(*s),
                _ => None,
            })
            .collect()
    }

    /// The shortest chain of links between two nodes, relaying only through servers (a key
    /// lookup's way to a directory, a page load's way from a server): nodes and links.
    pub fn path(&self, from: Node, to: Node) -> Option<(Vec<Node>, Vec<usize>)> {
        super::route::path(&self.links, from, to)
    }

    /// The people whose devices are at home on a server.
    pub fn home_users(&self, server: usize) -> Vec<usize> {
        let mut users: Vec<usize> = (0..self.devices.len())
            .filter(|&d| self.home_server(d) == Some(server))
            .map(|d| self.devices[d].owner)
            .collect();
        users.sort_unstable();
        users.dedup();
        users
    }

    /// Finds an observer by name.
    pub fn observer_named(&self, name: &str) -> Option<usize> {
        self.observers.iter().position(|o| o.name == name)
    }
}
