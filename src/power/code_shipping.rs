//! Code shipping: a web client runs the code it is sent on every page load, and that code holds
//! the keys and shows the words. Whoever can open and change that code on its way (the server
//! that serves it, a TLS front or CDN in front of it, a tap on a link without TLS) can send the
//! device changed code that also hands them the words. Checking safety numbers does not help:
//! the keys are right, the code is not. An app, whose code is installed and updated through a
//! store that signs and publishes it, does not travel on page loads.

use crate::cargo::{Cargo, ChangedBy};
use crate::crypto::SealError;
use crate::trace::Action;
use crate::wire::{Body, CodeBundle, Post};

use super::{Deed, Power, Workshop};

/// The code-shipping power.
pub(crate) struct CodeShipping;

impl Power for CodeShipping {
    fn name(&self) -> &'static str {
        "code-shipping"
    }

    fn help(&self) -> &'static str {
        "changes a web client's code on its way (it serves it, fronts it, or sees it in the clear); verified keys do not help"
    }

    fn act(&self, w: &mut Workshop<'_>, cargo: &mut Cargo) -> Result<Vec<Deed>, SealError> {
        let Cargo::Code { server, changed_by } = cargo else {
            return Ok(Vec::new());
        };
        if changed_by.is_some() {
            return Ok(Vec::new());
        }
        *changed_by = Some(ChangedBy {
            observer: w.o,
            at: w.at,
            power: w.power,
        });
        let bundle = CodeBundle {
            server: w.sc.servers[*server].name.clone(),
            changed_by: Some(w.who().to_string()),
        };
        let bytes = Post {
            time: 0,
            sender: String::new(),
            recipients: Vec::new(),
            body: Body::Code(bundle),
        }
        .encode();
        let note = format!(
            "{} changes {}'s web client code at {}: the changed code will also send it the words",
            w.who(),
            w.sc.servers[*server].name,
            w.place()
        );
        Ok(vec![Deed {
            action: Action::CodeChanged,
            bytes,
            note,
        }])
    }
}
