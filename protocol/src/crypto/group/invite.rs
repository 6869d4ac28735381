//! Invites by link or code.
//!
//! token   = 15 random bytes, shown as 24 Crockford base32 characters; the link carries
//!           it after `#`, so the browser never sends it to the server.
//! id      = hex(SHA-256(lp(`hearth/v1/invite-id`, token))[..12]): what the server sees.
//! key     = Ed25519 key from seed HKDF-SHA256(ikm = token, info = `hearth/v1/invite-key`).
//! invite  = signed by an admin: lp(`hearth/v1/invite`, group, id, key, expires, uses).
//! proof   = the joiner signs lp(`hearth/v1/join`, group, id, joiner, joiner's Ed25519 key)
//!           with the invite key, so the server (which knows only the id and the public
//!           key) cannot add anyone by itself.

use crate::bytes::fixed;
use crate::crypto::base32;
use crate::crypto::identity::IdentityKeys;
use crate::crypto::{hkdf, length_prefixed, random_array, redacted_debug};
use crate::error::{ProtocolError, Result};
use crate::ids::{ConversationId, UserId};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

#[derive(Zeroize, ZeroizeOnDrop)]
pub struct InviteToken([u8; 15]);
redacted_debug!(InviteToken);

/// What the admin signs; the server keeps it and counts the uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub group: ConversationId,
    pub id: String,
    #[serde(with = "fixed")]
    pub key: [u8; 32],
    pub by: UserId,
    /// Milliseconds since the Unix epoch.
    pub expires: i64,
    pub uses: u32,
    #[serde(with = "fixed")]
    pub signature: [u8; 64],
}

/// The invite plus the joiner's signature with the invite key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinProof {
    pub invite: Invite,
    #[serde(with = "fixed")]
    pub signature: [u8; 64],
}

impl InviteToken {
    pub fn generate() -> Result<Self> {
        Ok(Self(random_array()?))
    }

    /// `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`.
    pub fn to_code(&self) -> Zeroizing<String> {
        base32::encode(&self.0)
    }

    /// Reads a code (or the part of a link after `#`).
    pub fn parse(text: &str) -> Result<Self> {
        // A whole link (`…/#join=CODE`) works as well as the code.
        let code = text.rsplit('#').next().unwrap_or(text);
        let code = code.trim().strip_prefix("join=").unwrap_or(code);
        base32::decode::<15>(code)
            .map(|t| Self(*t))
            .ok_or_else(|| ProtocolError::Invalid("That is not an invite code.".into()))
    }

    pub fn id(&self) -> String {
        let h = Sha256::digest(length_prefixed(&[b"hearth/v1/invite-id", &self.0]));
        h[..12].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key that seals the group's names for whoever holds this code (`seal`).
    pub fn settings_key(&self) -> Result<Zeroizing<[u8; 32]>> {
        hkdf::<32>(None, &self.0, &[b"hearth/v2/invite-settings"])
    }

    fn signing_key(&self) -> Result<SigningKey> {
        let seed = hkdf::<32>(None, &self.0, &[b"hearth/v1/invite-key"])?;
        Ok(SigningKey::from_bytes(&seed))
    }

    /// The invite an admin (`keys`, user `by`) signs.
    pub fn invite(
        &self,
        group: ConversationId,
        by: UserId,
        keys: &IdentityKeys,
        expires: i64,
        uses: u32,
    ) -> Result<Invite> {
        let mut inv = Invite {
            group,
            id: self.id(),
            key: self.signing_key()?.verifying_key().to_bytes(),
            by,
            expires,
            uses,
            signature: [0; 64],
        };
        inv.signature = keys.sign(&inv.signed_bytes());
        Ok(inv)
    }

    /// Whether `invite` is the one this code belongs to (its id and key come from the
    /// code, which the server never saw).
    pub fn matches(&self, invite: &Invite) -> Result<bool> {
        Ok(invite.id == self.id() && invite.key == self.signing_key()?.verifying_key().to_bytes())
    }

    /// The joiner's proof for `invite`.
    pub fn prove(&self, invite: Invite, joiner: &UserId, signing: &[u8; 32]) -> Result<JoinProof> {
        if invite.id != self.id() {
            return Err(ProtocolError::Invalid(
                "That invite is for another code.".into(),
            ));
        }
        let signature = self
            .signing_key()?
            .sign(&join_bytes(&invite, joiner, signing))
            .to_bytes();
        Ok(JoinProof { invite, signature })
    }
}

fn join_bytes(invite: &Invite, joiner: &UserId, signing: &[u8; 32]) -> Vec<u8> {
    length_prefixed(&[
        b"hearth/v1/join",
        &invite.group.0.to_be_bytes(),
        invite.id.as_bytes(),
        &joiner.0,
        signing,
    ])
}

fn verify(key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> Result<()> {
    VerifyingKey::from_bytes(key)
        .map_err(|_| ProtocolError::InvalidKey)?
        .verify_strict(msg, &Signature::from_bytes(sig))
        .map_err(|_| ProtocolError::BadSignature)
}

impl Invite {
    fn signed_bytes(&self) -> Vec<u8> {
        length_prefixed(&[
            b"hearth/v1/invite",
            &self.group.0.to_be_bytes(),
            self.id.as_bytes(),
            &self.key,
            &self.by.0,
            &self.expires.to_be_bytes(),
            &self.uses.to_be_bytes(),
        ])
    }

    /// Checks the admin's signature (`by_signing` is their Ed25519 key).
    pub fn check(&self, by_signing: &[u8; 32]) -> Result<()> {
        verify(by_signing, &self.signed_bytes(), &self.signature)
    }
}

impl JoinProof {
    /// Checks that the holder of the invite's secret vouched for this joiner.
    pub fn check(&self, joiner: &UserId, signing: &[u8; 32]) -> Result<()> {
        verify(
            &self.invite.key,
            &join_bytes(&self.invite, joiner, signing),
            &self.signature,
        )
    }
}
