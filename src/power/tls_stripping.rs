//! TLS stripping: on a link whose TLS is opportunistic (STARTTLS without MTA-STS or DANE, as
//! between mail servers), an attacker on the path can remove the server's offer of STARTTLS,
//! and the two ends fall back to sending in the clear. A passive tap sees ciphertext; an active
//! one sees whatever the link carries inside.

use crate::scenario::{Protection, Reach, Scenario};
use crate::sim::Sim;

use super::Power;

/// The TLS-stripping power.
pub(crate) struct TlsStripping;

impl Power for TlsStripping {
    fn name(&self) -> &'static str {
        "tls-stripping"
    }

    fn help(&self) -> &'static str {
        "strips opportunistic TLS (STARTTLS without MTA-STS or DANE) on a link it sits on"
    }

    fn grip(&self, sc: &Scenario, _p: Protection, o: usize, m: usize) -> Option<Vec<String>> {
        let mut links: Vec<usize> = sc.messages[m]
            .routes
            .iter()
            .flat_map(|r| r.links.iter().copied())
            .filter(|&l| sc.links[l].opportunistic && sc.reaches(o, Reach::Wire(l)))
            .collect();
        links.sort_unstable();
        links.dedup();
        let why: Vec<String> = links
            .into_iter()
            .map(|l| {
                format!(
                    "sits on {}{}, whose TLS is opportunistic (STARTTLS without MTA-STS or DANE) -> could strip it",
                    sc.link_label(l),
                    sc.via_words(o, Reach::Wire(l))
                )
            })
            .collect();
        (!why.is_empty()).then_some(why)
    }

    fn strips_tls(&self, sim: &Sim<'_>, o: usize, link: usize) -> bool {
        sim.sc.links[link].opportunistic && sim.sc.reaches(o, Reach::Wire(link))
    }
}
