//! Plain web: text typed into a website reaches the server as plaintext; the server stores and
//! forwards it as it arrived. TLS (where a link has it) protects only the wire.

use crate::sim::{Parcel, Sim, SimError};
use crate::wire::Body;

use super::ThreatModel;

/// The plain-web model.
pub(crate) struct PlainWeb;

impl ThreatModel for PlainWeb {
    fn name(&self) -> &'static str {
        "plain-web"
    }

    fn help(&self) -> &'static str {
        "text typed into a website: plaintext to the server, stored and forwarded as is"
    }

    fn prepare(&self, sim: &mut Sim<'_>, mi: usize, _t: u64) -> Result<Vec<Parcel>, SimError> {
        Ok(vec![words_for_everyone(sim, mi)])
    }
}

/// The words, to every recipient device: what a client sends when nothing is sealed on it.
pub(super) fn words_for_everyone(sim: &Sim<'_>, mi: usize) -> Parcel {
    let m = &sim.sc.messages[mi];
    Parcel {
        body: Body::Text(m.text.clone()),
        devices: m.routes.iter().map(|r| r.device).collect(),
    }
}
