use thiserror::Error;

/// Everything that can go wrong in the protocol layer. Messages are safe to show to a
/// user: they never contain key material, plaintext or ciphertext.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    #[error(
        "the key derivation parameters are too weak (at least {min_m_kib} KiB and {min_t} passes are required)"
    )]
    WeakKdfParams { min_m_kib: u32, min_t: u32 },
    #[error("the key derivation parameters are out of range")]
    KdfParamsOutOfRange,
    #[error("key derivation failed")]
    Kdf,
    #[error("no secure random numbers are available")]
    Random,
    #[error(
        "decryption failed: the data was altered, is not for this key, or is not for this place"
    )]
    Decrypt,
    #[error("encryption failed")]
    Encrypt,
    #[error("the public key is invalid")]
    InvalidKey,
    #[error("the public key gives a non-contributory shared secret")]
    NonContributory,
    #[error("the signature does not verify")]
    BadSignature,
    #[error("unsupported version {0}")]
    UnsupportedVersion(u16),
    #[error("malformed data: {0}")]
    Malformed(&'static str),
    #[error("malformed frame: {0}")]
    BadFrame(String),
    #[error("{0}")]
    Invalid(String),
    /// An encrypted file that does not open: cut short, reordered, altered or too long.
    #[error("the file cannot be decrypted: {0}")]
    File(&'static str),
}

pub type Result<T, E = ProtocolError> = std::result::Result<T, E>;
