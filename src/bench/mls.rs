//! MLS (RFC 9420) through OpenMLS 0.9, for the `mls` benchmark scheme: ciphersuite
//! MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519, OpenMLS's RustCrypto provider and its
//! in-memory storage.
//!
//! [`MlsGroupBench::new`] builds a group of the sender and `n` recipient devices with one commit
//! that adds them all, as a group is created in one go. Parents off the sender's path are then
//! blank, so a commit's path secrets are encrypted to every leaf below them: each commit costs
//! O(n) HPKE encryptions until members have committed themselves and filled the tree (O(log n)
//! then). The figures measure that freshly created group, MLS's costly case.
//!
//! OpenMLS draws its own randomness (the provider's), so `--seed` does not reach it.

use std::time::{Duration, Instant};

use openmls::prelude::tls_codec::Deserialize as _;
use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;

use super::BenchError;

/// The one ciphersuite measured.
pub const CIPHERSUITE: Ciphersuite =
    Ciphersuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519;

fn mls_err(what: &'static str) -> impl Fn(&dyn std::fmt::Display) -> BenchError {
    move |e| BenchError::Mls(format!("{what}: {e}"))
}

/// One member's identity: a basic credential and its Ed25519 signing key.
fn identity(name: &str) -> Result<(SignatureKeyPair, CredentialWithKey), BenchError> {
    let signer = SignatureKeyPair::new(CIPHERSUITE.signature_algorithm())
        .map_err(|e| mls_err("making a signing key")(&format!("{e:?}")))?;
    let credential = CredentialWithKey {
        credential: BasicCredential::new(name.as_bytes().to_vec()).into(),
        signature_key: signer.to_public_vec().into(),
    };
    Ok((signer, credential))
}

/// A key package for a new device, its private half kept in `provider`'s storage.
fn key_package(provider: &OpenMlsRustCrypto, name: &str) -> Result<KeyPackage, BenchError> {
    let (signer, credential) = identity(name)?;
    let bundle = KeyPackage::builder()
        .build(CIPHERSUITE, provider, &signer, credential)
        .map_err(|e| mls_err("making a key package")(&e))?;
    Ok(bundle.key_package().clone())
}

/// The sender's side of an MLS group, ready to time.
pub struct MlsGroupBench {
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    group: MlsGroup,
    /// Holds the recipient devices' key packages (and so can join as the first of them).
    devices: OpenMlsRustCrypto,
    /// The first recipient device's welcome, to check that a device reads what is sent.
    welcome: Option<Welcome>,
    /// Key packages for the device added and removed again while measuring.
    newcomers: Vec<KeyPackage>,
    turn: usize,
}

impl MlsGroupBench {
    /// A group of the sender and `devices` recipient devices, created with one commit.
    pub fn new(devices: usize) -> Result<MlsGroupBench, BenchError> {
        let provider = OpenMlsRustCrypto::default();
        let (signer, credential) = identity("sender")?;
        let config = MlsGroupCreateConfig::builder()
            .ciphersuite(CIPHERSUITE)
            .build();
        let mut group = MlsGroup::new(&provider, &signer, &config, credential)
            .map_err(|e| mls_err("creating the group")(&e))?;
        let others = OpenMlsRustCrypto::default();
        let packages = (0..devices)
            .map(|i| key_package(&others, &format!("device {i}")))
            .collect::<Result<Vec<_>, _>>()?;
        let (_, welcome, _) = group
            .add_members(&provider, &signer, &packages)
            .map_err(|e| mls_err("adding the devices")(&e))?;
        group
            .merge_pending_commit(&provider)
            .map_err(|e| mls_err("merging the commit")(&e))?;
        let welcome = match MlsMessageIn::from(welcome).extract() {
            MlsMessageBodyIn::Welcome(welcome) => Some(welcome),
            _ => None,
        };
        let spare = OpenMlsRustCrypto::default();
        let newcomers = (0..2)
            .map(|i| key_package(&spare, &format!("newcomer {i}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MlsGroupBench {
            provider,
            signer,
            group,
            devices: others,
            welcome,
            newcomers,
            turn: 0,
        })
    }

    /// Encrypts one application message to the group; returns the bytes on the wire.
    pub fn encrypt(&mut self, message: &[u8]) -> Result<Vec<u8>, BenchError> {
        self.group
            .create_message(&self.provider, &self.signer, message)
            .map_err(|e| mls_err("encrypting a message")(&e))?
            .to_bytes()
            .map_err(|e| mls_err("serialising a message")(&e))
    }

    /// Joins as the first recipient device (from its welcome) and opens one message sent now:
    /// the harness refuses to time a group whose members cannot read. Call it once, before any
    /// other commit (the welcome is for the group as created).
    pub fn check(&mut self, message: &[u8]) -> Result<Vec<u8>, BenchError> {
        let welcome = self
            .welcome
            .take()
            .ok_or_else(|| BenchError::Mls("the group was checked already".into()))?;
        let tree = self.group.export_ratchet_tree();
        let join = MlsGroupJoinConfig::default();
        let mut device =
            StagedWelcome::new_from_welcome(&self.devices, &join, welcome, Some(tree.into()))
                .map_err(|e| mls_err("reading the welcome")(&e))?
                .into_group(&self.devices)
                .map_err(|e| mls_err("joining the group")(&e))?;
        // Through the bytes on the wire, as a device receives it.
        let sent = self.encrypt(message)?;
        let received = MlsMessageIn::tls_deserialize_exact(&sent)
            .map_err(|e| mls_err("reading a message")(&e))?;
        let received =
            ProtocolMessage::try_from(received).map_err(|e| mls_err("reading a message")(&e))?;
        let processed = device
            .process_message(&self.devices, received)
            .map_err(|e| mls_err("a device opening a message")(&e))?;
        match processed.into_content() {
            ProcessedMessageContent::ApplicationMessage(app) => Ok(app.into_bytes()),
            _ => Err(BenchError::Mls(
                "a device read something else than a message".into(),
            )),
        }
    }

    /// Adds one device (a commit with its welcome, merged) and removes it again; returns the
    /// time of each. The group is back to its size afterwards.
    pub fn add_then_remove(&mut self) -> Result<(Duration, Duration), BenchError> {
        let newcomer = self.newcomers[self.turn % self.newcomers.len()].clone();
        self.turn += 1;
        let key = newcomer.leaf_node().signature_key().as_slice().to_vec();
        let started = Instant::now();
        self.group
            .add_members(&self.provider, &self.signer, &[newcomer])
            .map_err(|e| mls_err("adding a device")(&e))?;
        self.group
            .merge_pending_commit(&self.provider)
            .map_err(|e| mls_err("merging the add")(&e))?;
        let added = started.elapsed();
        let leaf = self
            .group
            .members()
            .find(|m| m.signature_key == key)
            .ok_or_else(|| BenchError::Mls("the added device is not in the group".into()))?
            .index;
        let started = Instant::now();
        self.group
            .remove_members(&self.provider, &self.signer, &[leaf])
            .map_err(|e| mls_err("removing a device")(&e))?;
        self.group
            .merge_pending_commit(&self.provider)
            .map_err(|e| mls_err("merging the removal")(&e))?;
        Ok((added, started.elapsed()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_group_reads_what_is_sent_and_survives_membership_changes() {
        let mut bench = MlsGroupBench::new(3).expect("builds");
        // The welcome is for the group as created: check before any other commit.
        assert_eq!(bench.check(b"hello group").expect("opens"), b"hello group");
        for _ in 0..3 {
            bench.add_then_remove().expect("adds and removes");
        }
        assert_eq!(bench.group.members().count(), 4);
        assert!(bench.encrypt(b"hello").expect("encrypts").len() > 5);
    }
}
