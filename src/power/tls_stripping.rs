//! TLS stripping: on a link whose TLS is opportunistic (STARTTLS without MTA-STS or DANE, as
//! between mail servers), an attacker on the path can remove the server's offer of STARTTLS,
//! and the two ends fall back to sending in the clear. A passive tap sees ciphertext; an active
//! one sees, and can change, whatever the link carries inside: messages, key answers, code.

use crate::scenario::{Reach, Scenario};

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

    fn strips_tls(&self, sc: &Scenario, o: usize, link: usize) -> bool {
        sc.links[link].tls && sc.links[link].opportunistic && sc.reaches(o, Reach::Wire(link))
    }
}
