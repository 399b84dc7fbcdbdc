//! Active powers: what an observer can *do* to the bytes they can open on their way, beyond
//! looking. One file each, listed once in `POWERS`.
//!
//! No power is granted by a rule about a kind of place or a role. The simulation carries every
//! message, key answer and web client's code over the links of its route; at each place it
//! passes, an acting observer who reaches that place *and can open the bytes there* (a server
//! part they control or compel, a wire in the clear, or one whose opportunistic TLS they strip)
//! is offered the cargo (`crate::cargo::Cargo`) and each power may change it
//! (`Power::act`). Whether acting pays is never declared: the active run is simulated and the
//! exposure analysis tries to decrypt it, as for any run.
//!
//! To add one: write a file beside these implementing `Power` and add one line to `POWERS`.

mod code_shipping;
mod key_substitution;
mod tls_stripping;

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;

use crate::cargo::Cargo;
use crate::crypto::{PublicKey, SealError, SecretKey};
use crate::scenario::{Protection, Reach, Scenario};
use crate::trace::Action;

/// What a power sees and may use where it acts: the scenario, the place, and the acting
/// observer's own workshop (the keys they made, the randomness of the run).
pub(crate) struct Workshop<'a> {
    /// The scenario.
    pub sc: &'a Scenario,
    /// The run's model.
    pub p: Protection,
    /// The run's randomness.
    pub rng: &'a mut StdRng,
    /// The key pair each acting observer made to pose as devices (one each, made on first use).
    pub made: &'a mut BTreeMap<usize, (SecretKey, PublicKey)>,
    /// `(observer, device)`: whom each has handed their key out as.
    pub posed: &'a mut BTreeSet<(usize, usize)>,
    /// Envelopes acting observers sealed themselves (by fingerprint): not worth opening again.
    pub resealed: &'a mut BTreeSet<u64>,
    /// Every device's real public key (to seal again to what a recipient really holds).
    pub real: &'a [PublicKey],
    /// Per `(device, other device)`: the key a device accepted as the other's so far.
    pub known: &'a BTreeMap<(usize, usize), PublicKey>,
    /// The acting observer.
    pub o: usize,
    /// The power acting (for what it leaves behind to act later, e.g. changed code).
    pub power: PowerId,
    /// Where the bytes are.
    pub at: Reach,
    /// The message they belong to, if any.
    pub mi: Option<usize>,
    /// Logical time.
    pub t: u64,
}

impl Workshop<'_> {
    /// The key this observer poses with as device `d` (one key pair for every device they pose
    /// as, made on first use), its public half, and whether it was made just now.
    pub fn posing_key(&mut self, d: usize) -> (SecretKey, PublicKey, bool) {
        self.posed.insert((self.o, d));
        if let Some((k, p)) = self.made.get(&self.o) {
            return (k.clone(), *p, false);
        }
        let key = SecretKey::generate(self.rng);
        let public = key.public();
        self.made.insert(self.o, (key.clone(), public));
        (key, public, true)
    }

    /// The key pair this observer handed out as device `d`'s, if they did.
    pub fn posed_as(&self, d: usize) -> Option<&(SecretKey, PublicKey)> {
        self.posed
            .contains(&(self.o, d))
            .then(|| self.made.get(&self.o))
            .flatten()
    }

    /// "social.example/key-directory (compels Mo)".
    pub fn place(&self) -> String {
        format!(
            "{}{}",
            self.sc.reach_label(self.at),
            self.sc.via_words(self.o, self.at)
        )
    }

    /// The acting observer's name.
    pub fn who(&self) -> &str {
        &self.sc.observers[self.o].name
    }
}

/// One thing an acting observer did where the bytes were: a step of the run.
pub(crate) struct Deed {
    /// What happened.
    pub action: Action,
    /// The bytes they left there (a key they made, what they read, what they sent on).
    pub bytes: Vec<u8>,
    /// One sentence.
    pub note: String,
}

/// An active power.
pub(crate) trait Power: Sync {
    /// The power's name in JSON and reports, e.g. `key-substitution`.
    fn name(&self) -> &'static str;
    /// One line for the docs and the viewer's legend.
    fn help(&self) -> &'static str;
    /// Whether observer `o`, sitting on `link`'s wire, strips its TLS offer in an active run
    /// (before any bytes cross it).
    fn strips_tls(&self, _sc: &Scenario, _o: usize, _link: usize) -> bool {
        false
    }
    /// The cargo passes a place where the acting observer can open it: change it, and say
    /// what was done.
    fn act(&self, _w: &mut Workshop<'_>, _cargo: &mut Cargo) -> Result<Vec<Deed>, SealError> {
        Ok(Vec::new())
    }
}

/// Every active power. One line each.
pub(crate) static POWERS: &[&dyn Power] = &[
    &key_substitution::KeySubstitution,
    &code_shipping::CodeShipping,
    &tls_stripping::TlsStripping,
];

pub use crate::trace::PowerId;

// The handle lives with the trace (a step names the power used); what it names lives here.
impl PowerId {
    pub(crate) fn def(self) -> &'static dyn Power {
        POWERS[usize::from(self.0)]
    }

    /// Every power.
    pub fn all() -> impl Iterator<Item = PowerId> {
        (0..POWERS.len()).map(|i| PowerId(u8::try_from(i).expect("a handful of powers")))
    }

    /// The power of this name.
    pub fn named(name: &str) -> Option<PowerId> {
        PowerId::all().find(|p| p.name() == name)
    }

    /// The power's name, e.g. `key-substitution`.
    pub fn name(self) -> &'static str {
        self.def().name()
    }

    /// One line saying what it does.
    pub fn help(self) -> &'static str {
        self.def().help()
    }
}

impl std::fmt::Debug for PowerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
