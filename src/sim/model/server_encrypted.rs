//! Server-side encryption at rest: the server seals what it stores with a key it holds, so the
//! database holds ciphertext; plaintext is in its memory on the way in and on the way out.

use crate::crypto::SymmetricKey;
use crate::scenario::{Part, Reach};
use crate::sim::{Action, Parcel, Sim, SimError};
use crate::wire::{self, Body, KeyBlob};

use super::ThreatModel;

/// The server-encrypted model.
pub(crate) struct ServerEncrypted;

impl ThreatModel for ServerEncrypted {
    fn name(&self) -> &'static str {
        "server-encrypted"
    }

    fn help(&self) -> &'static str {
        "the server encrypts what it stores with a key it holds (encryption at rest)"
    }

    /// Every server with a database gets an at-rest key, in its key vault (if it has one) and
    /// loaded into its application's memory.
    fn setup(&self, sim: &mut Sim<'_>) {
        let sc = sim.sc;
        for (s, server) in sc.servers.iter().enumerate() {
            if !(server.has(Part::Database) || server.has(Part::Backup)) {
                continue;
            }
            let key = SymmetricKey::generate(&mut sim.rng);
            let blob = KeyBlob::AtRest {
                owner: server.name.clone(),
                key: key.clone(),
            }
            .encode();
            let name = &server.name;
            if server.has(Part::KeyVault) {
                let note = format!("{name}'s key vault holds the database's at-rest key");
                let place = Reach::ServerPart(s, Part::KeyVault);
                sim.push(
                    0,
                    place,
                    Action::AtRestKeyLoaded,
                    None,
                    blob.clone(),
                    note,
                    None,
                    None,
                );
            }
            let note = format!(
                "{name}'s application loads the at-rest key so it can encrypt and decrypt rows"
            );
            let place = Reach::ServerPart(s, Part::AppMemory);
            sim.push(
                0,
                place,
                Action::AtRestKeyLoaded,
                None,
                blob,
                note,
                None,
                None,
            );
            sim.at_rest.insert(s, key);
        }
    }

    fn prepare(&self, sim: &mut Sim<'_>, mi: usize, _t: u64) -> Result<Vec<Parcel>, SimError> {
        Ok(vec![super::plain_web::words_for_everyone(sim, mi)])
    }

    fn stored(&self, sim: &Sim<'_>, s: usize, row: u64, body: &Body) -> (Body, &'static str) {
        match sim.at_rest.get(&s) {
            Some(key) => (
                Body::AtRest(wire::seal_at_rest(&sim.sc.servers[s].name, key, row, body)),
                "encrypted with its at-rest key",
            ),
            None => (body.clone(), "as it arrived"),
        }
    }

    fn load_words(&self) -> &'static str {
        " and decrypts it"
    }
}
