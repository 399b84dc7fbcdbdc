//! Active powers: what an observer could *do* with what they reach, beyond looking. One file
//! each, listed once in [`POWERS`]. A power says over which messages an observer holds it (its
//! grip, with the reasons), and acts through hooks the simulation calls when that observer acts
//! in a run ([`crate::sim::simulate_acting`]). Whether acting pays is never declared: the active
//! run is simulated and the exposure analysis tries to decrypt it, as for any run.
//!
//! To add one: write a file beside these implementing [`Power`] and add one line to [`POWERS`].

mod code_shipping;
mod key_substitution;
mod tls_stripping;

use crate::crypto::PublicKey;
use crate::scenario::{Protection, Scenario};
use crate::sim::{Parcel, Sim, SimError};

/// An active power.
pub(crate) trait Power: Sync {
    /// The power's name in JSON and reports, e.g. `key-substitution`.
    fn name(&self) -> &'static str;
    /// One line for the docs and the viewer's legend.
    fn help(&self) -> &'static str;
    /// Whether observer `o` holds this power over message `m` under `p`: the reasons (where the
    /// grip comes from, e.g. "controls x/key-directory (compels Mo)"), or `None`.
    fn grip(&self, sc: &Scenario, p: Protection, o: usize, m: usize) -> Option<Vec<String>>;
    /// Hook: directory `dir` is about to hand out `served` as device `d`'s key for message
    /// `mi`. Returns another key to hand out instead, if `o` acts here.
    fn substitute(&self, _sim: &mut Sim<'_>, _o: usize, _at: &Lookup) -> Option<PublicKey> {
        None
    }
    /// Hook: whether `o` strips the opportunistic TLS of `link` in this run.
    fn strips_tls(&self, _sim: &Sim<'_>, _o: usize, _link: usize) -> bool {
        false
    }
    /// Hook: the words of message `mi` are on device `d`'s screen (typed, or opened).
    fn on_device_words(&self, _sim: &mut Sim<'_>, _o: usize, _mi: usize, _t: u64, _d: usize) {}
    /// Hook: a parcel of message `mi` reached server `s`. Returns what travels on.
    fn intercept(
        &self,
        _sim: &mut Sim<'_>,
        _o: usize,
        _at: &Arrival,
        parcel: Parcel,
    ) -> Result<Vec<Parcel>, SimError> {
        Ok(vec![parcel])
    }
}

/// Every active power. One line each.
pub(crate) static POWERS: &[&dyn Power] = &[
    &key_substitution::KeySubstitution,
    &code_shipping::CodeShipping,
    &tls_stripping::TlsStripping,
];

/// A key lookup in progress, as a power's hook sees it.
pub(crate) struct Lookup {
    /// The message.
    pub mi: usize,
    /// Logical time.
    pub t: u64,
    /// The device whose key is looked up.
    pub device: usize,
    /// The directory handing the key on.
    pub directory: usize,
}

/// A parcel arriving at a server, as a power's hook sees it.
pub(crate) struct Arrival {
    /// The message.
    pub mi: usize,
    /// Logical time.
    pub t: u64,
    /// The server.
    pub server: usize,
}

/// An entry of the registry of powers.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PowerId(u8);

impl PowerId {
    fn def(self) -> &'static dyn Power {
        POWERS[usize::from(self.0)]
    }

    /// Every power.
    pub fn all() -> impl Iterator<Item = PowerId> {
        (0..POWERS.len()).map(|i| PowerId(u8::try_from(i).expect("a handful of powers")))
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

/// The powers observer `o` holds over message `m`, each with its reasons.
pub fn grips(sc: &Scenario, p: Protection, o: usize, m: usize) -> Vec<(PowerId, Vec<String>)> {
    PowerId::all()
        .filter_map(|id| id.def().grip(sc, p, o, m).map(|why| (id, why)))
        .collect()
}

/// Whether observer `o` holds any power over any message.
pub fn has_any(sc: &Scenario, p: Protection, o: usize) -> bool {
    (0..sc.messages.len()).any(|m| !grips(sc, p, o, m).is_empty())
}

/// Every (acting observer, power they use) of a run.
fn in_use(sim: &Sim<'_>) -> Vec<(usize, &'static dyn Power)> {
    sim.acting
        .iter()
        .flat_map(|a| a.powers.iter().map(move |id| (a.observer, id.def())))
        .collect()
}

/// Lets every acting observer's powers act at a key lookup; returns the key handed on.
pub(crate) fn substitute(
    sim: &mut Sim<'_>,
    mi: usize,
    t: u64,
    device: usize,
    directory: usize,
    served: PublicKey,
) -> PublicKey {
    let at = Lookup {
        mi,
        t,
        device,
        directory,
    };
    let mut served = served;
    for (o, power) in in_use(sim) {
        if let Some(k) = power.substitute(sim, o, &at) {
            served = k;
        }
    }
    served
}

/// The first acting observer who strips an opportunistic link's TLS, if any.
pub(crate) fn strips_tls(sim: &Sim<'_>, link: usize) -> Option<usize> {
    in_use(sim)
        .into_iter()
        .find(|(o, p)| p.strips_tls(sim, *o, link))
        .map(|(o, _)| o)
}

/// Lets every acting observer's powers act where the words are on a device's screen.
pub(crate) fn on_device_words(sim: &mut Sim<'_>, mi: usize, t: u64, d: usize) {
    for (o, power) in in_use(sim) {
        power.on_device_words(sim, o, mi, t, d);
    }
}

/// Lets every acting observer's powers act on parcels reaching a server.
pub(crate) fn intercept(
    sim: &mut Sim<'_>,
    mi: usize,
    t: u64,
    server: usize,
    parcel: Parcel,
) -> Result<Vec<Parcel>, SimError> {
    let at = Arrival { mi, t, server };
    let mut parcels = vec![parcel];
    for (o, power) in in_use(sim) {
        let mut next = Vec::new();
        for p in parcels {
            next.extend(power.intercept(sim, o, &at, p)?);
        }
        parcels = next;
    }
    Ok(parcels)
}
