//! Epoch keys and how they reach members.
//!
//! epoch key  = 32 random bytes, made by the commit's author.
//! commitment = HKDF-SHA256(ikm = epoch key, info = `hearth/v1/epoch-commit`); the signed
//!              commit carries it, so a member cannot hand out a different key.
//! wrap       = HPKE (RFC 9180) Auth mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//!              AES-256-GCM, from the wrapper's X25519 identity key to the recipient's;
//!              info = lp(`hearth/v1/group-key`, group, epoch, recipient), aad = empty.
//!              Bytes: enc (32) ‖ ciphertext (48).
//! wraps hash = SHA-256(lp(`hearth/v1/wraps`, then recipient ‖ wrap for each, sorted)).

use super::commit::CommitBody;
use crate::bytes::Bytes;
use crate::crypto::identity::IdentityKeys;
use crate::crypto::{hkdf, length_prefixed, random_array, redacted_debug};
use crate::error::{ProtocolError, Result};
use crate::ids::{ConversationId, UserId};
use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

type Kem = X25519HkdfSha256;
pub const WRAP_LEN: usize = 32 + 32 + 16;

#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct EpochKey(pub(super) [u8; 32]);
redacted_debug!(EpochKey);

impl EpochKey {
    pub fn generate() -> Result<Self> {
        Ok(Self(random_array()?))
    }

    /// From known bytes: test vectors only.
    pub fn from_bytes(key: [u8; 32]) -> Self {
        Self(key)
    }

    pub fn commitment(&self) -> Result<[u8; 32]> {
        Ok(*hkdf::<32>(None, &self.0, &[b"hearth/v1/epoch-commit"])?)
    }

    pub fn commitment_bytes(&self) -> Result<Bytes> {
        Ok(Bytes(self.commitment()?.to_vec()))
    }
}

/// One epoch key wrapped for one member, as stored and handed out by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyWrap {
    pub epoch: u64,
    /// Who made the wrap (their X25519 key authenticates it).
    pub sender: UserId,
    pub recipient: UserId,
    pub wrap: Bytes,
}

fn info(group: ConversationId, epoch: u64, recipient: &UserId) -> Vec<u8> {
    length_prefixed(&[
        b"hearth/v1/group-key",
        &group.0.to_be_bytes(),
        &epoch.to_be_bytes(),
        &recipient.0,
    ])
}

/// A generator for HPKE's ephemeral key: HKDF over a fresh 32-byte seed from the system,
/// fetched fallibly up front (HPKE's own would panic if the system had none).
struct Drbg {
    seed: [u8; 32],
    counter: u64,
}

impl Drop for Drbg {
    fn drop(&mut self) {
        self.seed.zeroize();
    }
}

impl hpke::rand_core::TryRng for Drbg {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(32) {
            self.counter += 1;
            let block = hkdf::<32>(
                None,
                &self.seed,
                &[b"hearth/v1/drbg", &self.counter.to_be_bytes()],
            )
            .map(|b| *b)
            .unwrap_or_else(|_| [0; 32]); // HKDF for 32 bytes cannot fail
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}
impl hpke::rand_core::TryCryptoRng for Drbg {}

fn kem_keys(
    mine: &IdentityKeys,
) -> Result<(
    <Kem as hpke::Kem>::PrivateKey,
    <Kem as hpke::Kem>::PublicKey,
)> {
    let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(mine.agreement_secret().as_bytes())
        .map_err(|_| ProtocolError::InvalidKey)?;
    let pk = Kem::sk_to_pk(&sk);
    Ok((sk, pk))
}

fn public(key: &[u8; 32]) -> Result<<Kem as hpke::Kem>::PublicKey> {
    <Kem as hpke::Kem>::PublicKey::from_bytes(key).map_err(|_| ProtocolError::InvalidKey)
}

/// Wraps `key` for `recipient` (their X25519 identity key `to`), authenticated as `mine`.
pub fn wrap(
    key: &EpochKey,
    group: ConversationId,
    epoch: u64,
    recipient: &UserId,
    to: &[u8; 32],
    mine: &IdentityKeys,
) -> Result<Bytes> {
    wrap_with_seed(key, group, epoch, recipient, to, mine, random_array()?)
}

/// Deterministic form for test vectors.
pub fn wrap_with_seed(
    key: &EpochKey,
    group: ConversationId,
    epoch: u64,
    recipient: &UserId,
    to: &[u8; 32],
    mine: &IdentityKeys,
    seed: [u8; 32],
) -> Result<Bytes> {
    let mut rng = Drbg { seed, counter: 0 };
    let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm256, HkdfSha256, Kem>(
        &OpModeS::Auth(kem_keys(mine)?),
        &public(to)?,
        &info(group, epoch, recipient),
        &key.0,
        &[],
        &mut rng,
    )
    .map_err(|_| ProtocolError::Encrypt)?;
    Ok(Bytes([enc.to_bytes().as_slice(), &ct].concat()))
}

/// Opens a wrap made for `me` by the holder of the X25519 key `from`.
pub fn unwrap(
    wrap: &[u8],
    group: ConversationId,
    epoch: u64,
    me: &UserId,
    mine: &IdentityKeys,
    from: &[u8; 32],
) -> Result<EpochKey> {
    if wrap.len() != WRAP_LEN {
        return Err(ProtocolError::Malformed("key wrap"));
    }
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&wrap[..32])
        .map_err(|_| ProtocolError::Decrypt)?;
    let mut plain = hpke::single_shot_open::<AesGcm256, HkdfSha256, Kem>(
        &OpModeR::Auth(public(from)?),
        &kem_keys(mine)?.0,
        &enc,
        &info(group, epoch, me),
        &wrap[32..],
        &[],
    )
    .map_err(|_| ProtocolError::Decrypt)?;
    let key: [u8; 32] = plain
        .as_slice()
        .try_into()
        .map_err(|_| ProtocolError::Decrypt)?;
    plain.zeroize();
    Ok(EpochKey(key))
}

/// Opens a wrap and checks the key against the commitment in the epoch's signed commit.
pub fn unwrap_checked(
    w: &KeyWrap,
    commit: &CommitBody,
    mine: &IdentityKeys,
    from: &[u8; 32],
) -> Result<EpochKey> {
    let key = unwrap(
        w.wrap.as_slice(),
        commit.group,
        w.epoch,
        &w.recipient,
        mine,
        from,
    )?;
    if commit.epoch != w.epoch || commit.key_commitment() != Some(key.commitment()?) {
        return Err(ProtocolError::Invalid(
            "a group key that does not match its commit".into(),
        ));
    }
    Ok(key)
}

/// The hash a commit carries of the wraps sent with it.
pub fn wraps_hash(wraps: &[(UserId, Bytes)]) -> [u8; 32] {
    let mut sorted: Vec<&(UserId, Bytes)> = wraps.iter().collect();
    sorted.sort_by_key(|w| w.0);
    let mut parts: Vec<&[u8]> = vec![b"hearth/v1/wraps"];
    for (user, wrap) in &sorted {
        parts.push(&user.0);
        parts.push(wrap.as_slice());
    }
    Sha256::digest(length_prefixed(&parts)).into()
}
