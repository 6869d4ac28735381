//! Encrypting and decrypting direct messages for the chat page, with the direction keys
//! cached per conversation (one X25519 and HKDF per direction, not per message).

use super::keyring::Keyring;
use protocol::api::call::Signal;
use protocol::api::{MessageContent, Person};
use protocol::crypto::call;
use protocol::crypto::envelope::{self, Direction, DirectionKey};
use protocol::frames::StoredMessage;
use protocol::{ClientMsgId, ConversationId, ProtocolError, UserId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// Encryption for the signed-in user.
pub struct Dm {
    ring: Arc<Keyring>,
    keys: RefCell<HashMap<(ConversationId, UserId), Arc<DirectionKey>>>,
}

impl Dm {
    pub fn new(ring: Arc<Keyring>) -> Self {
        Self {
            ring,
            keys: RefCell::default(),
        }
    }

    /// Forgets the cached direction keys: someone's identity keys changed.
    pub fn forget_keys(&self) {
        self.keys.borrow_mut().clear();
    }

    pub fn me(&self) -> UserId {
        self.ring.me.id
    }

    /// The direction from `sender` in a conversation with `peer`.
    fn direction(
        &self,
        conversation: ConversationId,
        peer: &Person,
        sender: UserId,
    ) -> Result<Direction, ProtocolError> {
        // The peer's agreement key is used only if their root key signed it for them.
        peer.identity.verify()?;
        if peer.identity.user != peer.id {
            return Err(ProtocolError::BadSignature);
        }
        let me = &self.ring.identity;
        let out = Direction {
            conversation,
            sender: me.user,
            recipient: peer.id,
            sender_key: me.agreement,
            recipient_key: peer.identity.agreement,
        };
        if sender == me.user {
            Ok(out)
        } else if sender == peer.id {
            Ok(out.reversed())
        } else {
            Err(ProtocolError::Invalid(
                "a message from someone outside this conversation".into(),
            ))
        }
    }

    fn key(&self, dir: &Direction, peer: &Person) -> Result<Arc<DirectionKey>, ProtocolError> {
        let slot = (dir.conversation, dir.sender);
        if let Some(k) = self.keys.borrow().get(&slot) {
            return Ok(k.clone());
        }
        let k = Arc::new(dir.key(self.ring.keys.agreement_secret(), &peer.identity.agreement)?);
        self.keys.borrow_mut().insert(slot, k.clone());
        Ok(k)
    }

    /// Encrypts a message for `peer`; returns the new client message id and the envelope.
    pub fn seal(
        &self,
        conversation: ConversationId,
        peer: &Person,
        content: &MessageContent,
    ) -> Result<(ClientMsgId, Vec<u8>), ProtocolError> {
        let dir = self.direction(conversation, peer, self.me())?;
        let key = self.key(&dir, peer)?;
        let id = ClientMsgId::random()?;
        let padded = content.to_padded()?;
        Ok((id, envelope::seal(&key, &dir, &id, &padded)?))
    }

    /// Decrypts a stored message of the conversation with `peer`.
    pub fn open(&self, peer: &Person, m: &StoredMessage) -> Result<MessageContent, ProtocolError> {
        let dir = self.direction(m.conversation, peer, m.sender)?;
        let key = self.key(&dir, peer)?;
        let padded = envelope::open(&key, &dir, &m.client_id, m.envelope.as_slice())?;
        MessageContent::from_padded(&padded)
    }

    /// Seals a call signal for `peer` (`protocol::crypto::call`).
    pub fn seal_signal(
        &self,
        conversation: ConversationId,
        peer: &Person,
        signal: &Signal,
    ) -> Result<Vec<u8>, ProtocolError> {
        let dir = self.direction(conversation, peer, self.me())?;
        call::seal(&*self.key(&dir, peer)?, &dir, signal)
    }

    /// Opens a call signal from `sender`: the peer, or another tab of the user's own.
    pub fn open_signal(
        &self,
        conversation: ConversationId,
        peer: &Person,
        sender: UserId,
        sealed: &[u8],
    ) -> Result<Signal, ProtocolError> {
        let dir = self.direction(conversation, peer, sender)?;
        call::open(&*self.key(&dir, peer)?, &dir, sealed)
    }
}
