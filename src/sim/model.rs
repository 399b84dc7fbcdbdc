//! Protection models: one file each, listed once in `MODELS`. The list drives everything that
//! names a model: scene files, `--model` parsing and its help, the viewer's M cycle and the JSON.
//!
//! A model decides three things (see `ThreatModel`): which keys exist before any message, what
//! the sender's device does before sending, and what a server stores. Everything else (hops,
//! TLS, who reaches what, who acts) is the same under every model. To add one: write a file
//! beside these implementing the trait, and add one line to `MODELS`.

mod e2e;
mod key_sync;
mod plain_web;
pub(crate) mod sender_keys;
mod server_encrypted;

use crate::crypto::Fanout;
use crate::scenario::Protection;
pub use crate::scenario::{Model, ModelChoice};
use crate::sim::{Parcel, Sim, SimError};
use crate::wire::Body;

/// What a protection model decides in a simulation.
pub(crate) trait ThreatModel: Sync {
    /// The model's name in files, on the command line and in JSON.
    fn name(&self) -> &'static str;
    /// One line for `--help` and the docs.
    fn help(&self) -> &'static str;
    /// Whether the sender's device seals messages to recipient devices' keys (then a fan-out
    /// scheme applies and keys can be verified).
    fn end_to_end(&self) -> bool {
        false
    }
    /// Keys that exist before any message: published device keys, at-rest keys.
    fn setup(&self, _sim: &mut Sim<'_>) {}
    /// What the sender's device does with message `mi` before sending: the parcels that leave
    /// it, each for some recipient devices.
    fn prepare(&self, sim: &mut Sim<'_>, mi: usize, t: u64) -> Result<Vec<Parcel>, SimError>;
    /// What server `s` writes to its database for a body that arrived, and a few words on how.
    fn stored(&self, _sim: &Sim<'_>, _s: usize, _row: u64, body: &Body) -> (Body, &'static str) {
        (body.clone(), "as it arrived")
    }
    /// Words added when a server loads a row to deliver it (e.g. " and decrypts it").
    fn load_words(&self) -> &'static str {
        ""
    }
}

/// Every protection model, in teaching order. One line each.
pub(crate) static MODELS: &[&dyn ThreatModel] = &[
    &plain_web::PlainWeb,
    &server_encrypted::ServerEncrypted,
    &e2e::EndToEnd,
];

// The handles live with the scenario (a scene names its model); what they name lives here.
impl Model {
    pub(crate) fn def(self) -> &'static dyn ThreatModel {
        MODELS[usize::from(self.0)]
    }

    /// Every model, in teaching order.
    pub fn all() -> impl Iterator<Item = Model> {
        (0..MODELS.len()).map(|i| Model(u8::try_from(i).expect("a handful of models")))
    }

    /// The model of this name.
    pub fn named(name: &str) -> Option<Model> {
        Model::all().find(|m| m.name() == name)
    }

    /// The model's name in files, on the command line and in JSON.
    pub fn name(self) -> &'static str {
        self.def().name()
    }

    /// One line saying what the model does.
    pub fn help(self) -> &'static str {
        self.def().help()
    }

    /// Whether devices seal messages end to end.
    pub fn end_to_end(self) -> bool {
        self.def().end_to_end()
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl ModelChoice {
    /// Every accepted choice: each model, and each end-to-end model with each fan-out.
    pub fn all() -> Vec<ModelChoice> {
        let mut out = Vec::new();
        for model in Model::all() {
            out.push(ModelChoice {
                model,
                fanout: None,
            });
            if model.end_to_end() {
                out.extend(Fanout::ALL.map(|f| ModelChoice {
                    model,
                    fanout: Some(f),
                }));
            }
        }
        out
    }

    /// The choice's name: `e2e`, `e2e-bagged`.
    pub fn name(self) -> String {
        match self.fanout {
            Some(f) => format!("{}-{}", self.model.name(), f.name()),
            None => self.model.name().to_string(),
        }
    }

    /// Every accepted name, in order.
    pub fn names() -> Vec<String> {
        ModelChoice::all()
            .into_iter()
            .map(ModelChoice::name)
            .collect()
    }

    /// Parses a name from [`ModelChoice::names`].
    pub fn parse(name: &str) -> Option<ModelChoice> {
        ModelChoice::all().into_iter().find(|c| c.name() == name)
    }

    /// The plain choice of a model (its scene's fan-out kept).
    pub fn of(model: Model) -> ModelChoice {
        ModelChoice {
            model,
            fanout: None,
        }
    }

    /// Applies the choice to a scenario's own protection.
    pub fn apply(self, base: Protection) -> Protection {
        Protection {
            model: self.model,
            fanout: self.fanout.unwrap_or(base.fanout),
            keys_verified: base.keys_verified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_a_unique_name_and_parses_back() {
        let names = ModelChoice::names();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "{n} twice");
            assert_eq!(
                ModelChoice::parse(n).map(ModelChoice::name).as_ref(),
                Some(n)
            );
        }
        assert!(names.iter().any(|n| n == "e2e-bagged-shared-ephemeral"));
        assert_eq!(Model::all().count(), MODELS.len());
    }
}
