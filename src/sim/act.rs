//! The one place where an acting observer touches bytes. Wherever the simulation carries
//! cargo past a place, it calls [`Sim::touch`]: every acting observer who reaches that place
//! and can open the bytes there is offered the cargo, and each of their powers may change it.
//! Nothing here knows a kind of server part or a role beyond what opening means.

use crate::cargo::Cargo;
use crate::power::{PowerId, Workshop};
use crate::scenario::{Node, Part, Reach, Scenario};

use super::{Action, Sim, SimError};

/// Whether someone who reaches `at` can open bytes in transit there: inside a server part
/// that handles them (a TLS front, the application, a key directory), or on a wire that
/// carries them in the clear (no TLS, or TLS that was stripped).
pub(crate) fn opens(sc: &Scenario, at: Reach, in_clear: bool) -> bool {
    match at {
        Reach::ServerPart(_, part) => {
            matches!(part, Part::TlsFront | Part::AppMemory | Part::KeyDirectory)
        }
        Reach::Wire(l) => !sc.links[l].tls || in_clear,
        Reach::DevicePart(..) => false,
    }
}

impl Sim<'_> {
    /// Per opportunistic link, the first acting observer who strips its TLS (and with which
    /// power).
    pub(super) fn strippers(&self) -> std::collections::BTreeMap<usize, (usize, PowerId)> {
        let mut out = std::collections::BTreeMap::new();
        for link in 0..self.sc.links.len() {
            let first = self.acting.iter().find_map(|a| {
                a.powers
                    .iter()
                    .find(|id| id.def().strips_tls(self.sc, a.observer, link))
                    .map(|&id| (a.observer, id))
            });
            if let Some(who) = first {
                out.insert(link, who);
            }
        }
        out
    }

    /// Whether bytes on `link` travel in the clear in this run (no TLS, or TLS stripped).
    pub(crate) fn in_clear(&self, link: usize) -> bool {
        !self.sc.links[link].tls || self.stripped.contains_key(&link)
    }

    /// The cargo is at `at` (message `mi`, time `t`): every acting observer who can open it
    /// there may change it. Their deeds become steps, marked as theirs.
    pub(crate) fn touch(
        &mut self,
        at: Reach,
        (mi, t): (Option<usize>, u64),
        travel: Option<(Node, Node)>,
        cargo: &mut Cargo,
    ) -> Result<(), SimError> {
        if self.acting.is_empty() {
            return Ok(());
        }
        let in_clear = matches!(at, Reach::Wire(l) if self.in_clear(l));
        if !opens(self.sc, at, in_clear) {
            return Ok(());
        }
        for a in self.acting.clone() {
            if !self.sc.reaches(a.observer, at) {
                continue;
            }
            for id in a.powers {
                let mut w = Workshop {
                    sc: self.sc,
                    p: self.p,
                    rng: &mut self.rng,
                    made: &mut self.made,
                    posed: &mut self.posed,
                    resealed: &mut self.resealed,
                    real: &self.real,
                    known: &self.known,
                    o: a.observer,
                    power: id,
                    at,
                    mi,
                    t,
                };
                let deeds = id
                    .def()
                    .act(&mut w, cargo)
                    .map_err(|source| SimError::Seal {
                        message: mi.map_or_else(String::new, |m| self.sc.messages[m].id.clone()),
                        source,
                    })?;
                for deed in deeds {
                    self.push(t, at, deed.action, mi, deed.bytes, deed.note, travel, None);
                    self.by(a.observer, id);
                }
            }
        }
        Ok(())
    }
}

impl Action {
    /// Whether this is something an actor does in their own hands (not bytes on their way):
    /// nobody else sees it, whoever else reaches the place.
    pub fn in_own_hands(self) -> bool {
        matches!(
            self,
            Action::KeySubstituted | Action::MitmOpen | Action::MitmReseal | Action::CodeChanged
        )
    }

    /// Whether this is an act of someone acting (rather than of the honest protocol).
    pub fn is_deed(self) -> bool {
        matches!(
            self,
            Action::KeySubstituted
                | Action::MitmOpen
                | Action::MitmReseal
                | Action::CodeChanged
                | Action::Exfiltrate
        )
    }
}
