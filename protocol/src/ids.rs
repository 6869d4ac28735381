//! Newtype identifiers, so a conversation id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user, chosen at random by the browser at registration: the identity key signature
/// and the key wrap bind it, so it must exist before the server ever sees the account.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub [u8; 16]);

/// A message id chosen by the sending browser; the server stores a (sender, id) pair once,
/// so a resend after a lost acknowledgement cannot duplicate a message.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientMsgId(pub [u8; 16]);

/// A conversation, numbered by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConversationId(pub i64);

/// A stored message, numbered by the server in commit order: clients resume after the
/// highest id they have seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(pub i64);

macro_rules! hex_id {
    ($t:ident) => {
        impl $t {
            pub fn random() -> crate::error::Result<Self> {
                Ok(Self(crate::crypto::random_array()?))
            }
            pub fn to_hex(&self) -> String {
                self.0.iter().map(|b| format!("{b:02x}")).collect()
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self.to_hex())
            }
        }
        impl FromStr for $t {
            type Err = crate::ProtocolError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let bad = || crate::ProtocolError::Malformed(concat!("bad ", stringify!($t)));
                if s.len() != 32 || !s.is_ascii() {
                    return Err(bad());
                }
                let mut out = [0u8; 16];
                for (i, o) in out.iter_mut().enumerate() {
                    *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
                }
                Ok(Self(out))
            }
        }
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_hex())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// An uploaded encrypted file, named at random by the server.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub [u8; 16]);

/// A call, chosen at random by the caller's browser: every signal of the call names it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub [u8; 16]);

hex_id!(UserId);
hex_id!(FileId);
hex_id!(ClientMsgId);
hex_id!(CallId);

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_hex_round_trip() {
        let id = UserId([0xab; 16]);
        assert_eq!(id.to_string().parse::<UserId>(), Ok(id));
        assert!("zz".parse::<UserId>().is_err());
        assert!("é".repeat(16).parse::<UserId>().is_err());
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
    }
}
