//! Encrypted files: an age-style stream, sealed and opened piece by piece so neither the
//! browser nor the server ever holds a whole file (docs/PROTOCOL.md, "Files").
//!
//! ```text
//! blob        = header ‖ chunk₀ ‖ … ‖ chunkₙ
//! header      = version 1 ‖ log2 chunk size 16 ‖ nonce (32) ‖ commitment (32)
//! commitment  = HKDF-SHA256(ikm = file key, info = "hearth/v1/file/commit")
//! payload key = HKDF-SHA256(ikm = file key, salt = nonce, info = "hearth/v1/file/payload")
//! chunkᵢ      = AES-256-GCM(payload key, i as 11-byte big-endian ‖ last, plainᵢ) ‖ tag
//! ```
//! The plaintext is the file followed by zeros up to Padmé(size), so the blob shows only
//! a size bucket. Every chunk holds 64 KiB but the last, which holds 1..=64 KiB (none
//! only for an empty file). The counter stops reordering and dropping, the last flag
//! stops truncation, and the opener refuses any byte after the last chunk.

use super::{hkdf, random_array, redacted_debug};
use crate::bytes::fixed;
use crate::error::{ProtocolError, Result};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub const FILE_VERSION: u8 = 1;
const CHUNK_LOG2: u8 = 16;
/// Plaintext bytes per chunk.
pub const CHUNK: usize = 1 << CHUNK_LOG2;
const TAG: usize = 16;
/// Header bytes before the first chunk.
pub const HEADER: usize = 2 + 32 + 32;
/// Chunks sealed per call to [`Sealer::seal_next`]: 4 MiB of plaintext, one upload piece.
pub const SEGMENT_CHUNKS: usize = 64;

/// The random key of one file; it travels inside the (encrypted) message.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileKey(#[serde(with = "fixed")] pub [u8; 32]);
redacted_debug!(FileKey);

impl FileKey {
    pub fn random() -> Result<Self> {
        Ok(Self(random_array()?))
    }

    fn commitment(&self) -> Result<[u8; 32]> {
        Ok(*hkdf::<32>(None, &self.0, &[b"hearth/v1/file/commit"])?)
    }

    fn payload_key(&self, nonce: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>> {
        hkdf::<32>(Some(nonce), &self.0, &[b"hearth/v1/file/payload"])
    }

    fn cipher(&self, nonce: &[u8; 32]) -> Result<Aes256Gcm> {
        Aes256Gcm::new_from_slice(self.payload_key(nonce)?.as_ref())
            .map_err(|_| ProtocolError::Encrypt)
    }
}

/// Sizes are capped here (1 PiB) so no arithmetic on a size a message claims can
/// overflow; a blob can never match a larger claim, so it just does not open.
pub const MAX_SIZE: u64 = 1 << 50;

/// The plaintext length once padded: Padmé of the file size.
pub fn padded_len(size: u64) -> u64 {
    super::pad::padme_u64(size.min(MAX_SIZE))
}

/// The size of the encrypted blob for a file of `size` bytes: what an upload declares.
pub fn blob_len(size: u64) -> u64 {
    let padded = padded_len(size);
    let chunks = padded.div_ceil(CHUNK as u64).max(1);
    HEADER as u64 + padded + chunks * TAG as u64
}

fn chunk_nonce(counter: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    n
}

/// One segment laid out for sealing: the header (first segment only), then each chunk is
/// AES-256-GCM of its plaintext under the payload key with its nonce, ciphertext ‖ tag.
/// [`Sealer::seal_next`] does that here; a browser may hand the chunks to WebCrypto
/// instead ([`Sealer::plan_next`]), which has AES instructions that WASM lacks.
pub struct Segment {
    pub header: Vec<u8>,
    plain: Zeroizing<Vec<u8>>,
    nonces: Vec<[u8; 12]>,
}

impl Segment {
    /// Each chunk's plaintext and nonce, in order.
    pub fn chunks(&self) -> impl Iterator<Item = (&[u8], &[u8; 12])> {
        // An empty file is one empty chunk.
        let pieces = self
            .plain
            .chunks(CHUNK)
            .chain(self.plain.is_empty().then_some(&[][..]));
        pieces.zip(&self.nonces)
    }

    /// The sealed segment's length.
    pub fn sealed_len(&self) -> usize {
        self.header.len() + self.plain.len() + self.nonces.len() * TAG
    }

    fn seal(self, cipher: &Aes256Gcm) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.sealed_len());
        out.extend_from_slice(&self.header);
        for (piece, nonce) in self.chunks() {
            let at = out.len();
            out.extend_from_slice(piece);
            let tag = cipher
                .encrypt_inout_detached(nonce.into(), b"", (&mut out[at..]).into())
                .map_err(|_| ProtocolError::Encrypt)?;
            out.extend_from_slice(&tag);
        }
        Ok(out)
    }
}

/// Seals a file of known size, one segment (up to [`SEGMENT_CHUNKS`] chunks) at a time.
pub struct Sealer {
    cipher: Aes256Gcm,
    payload_key: Zeroizing<[u8; 32]>,
    header: Option<Vec<u8>>,
    size: u64,
    padded: u64,
    /// Position in the padded plaintext.
    pos: u64,
    counter: u64,
    finished: bool,
}

impl Sealer {
    pub fn new(key: &FileKey, size: u64) -> Result<Self> {
        Self::with_nonce(key, size, random_array()?)
    }

    /// With a chosen header nonce: for test vectors only; a real file takes a random one.
    pub fn with_nonce(key: &FileKey, size: u64, nonce: [u8; 32]) -> Result<Self> {
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(&[FILE_VERSION, CHUNK_LOG2]);
        header.extend_from_slice(&nonce);
        header.extend_from_slice(&key.commitment()?);
        Ok(Self {
            cipher: key.cipher(&nonce)?,
            payload_key: key.payload_key(&nonce)?,
            header: Some(header),
            size,
            padded: padded_len(size),
            pos: 0,
            counter: 0,
            finished: false,
        })
    }

    pub fn blob_len(&self) -> u64 {
        blob_len(self.size)
    }

    /// The AES-256-GCM key every chunk is sealed under, for a cipher outside this crate.
    pub fn payload_key(&self) -> &[u8; 32] {
        &self.payload_key
    }

    /// True once the last chunk has been sealed.
    pub fn done(&self) -> bool {
        self.finished
    }

    fn segment_end(&self) -> u64 {
        (self.pos + (SEGMENT_CHUNKS * CHUNK) as u64).min(self.padded)
    }

    /// The byte range of the file the next segment seals (empty where only padding is
    /// left): read exactly these bytes and pass them to [`Sealer::seal_next`].
    pub fn next_range(&self) -> (u64, u64) {
        (self.pos.min(self.size), self.segment_end().min(self.size))
    }

    /// Seals the next segment from the file bytes [`Sealer::next_range`] named; the first
    /// segment starts with the header.
    pub fn seal_next(&mut self, file_bytes: &[u8]) -> Result<Vec<u8>> {
        self.plan_next(file_bytes)?.seal(&self.cipher)
    }

    /// The next segment from the file bytes [`Sealer::next_range`] named, laid out for
    /// sealing elsewhere (chunk by chunk under [`Sealer::payload_key`]).
    pub fn plan_next(&mut self, file_bytes: &[u8]) -> Result<Segment> {
        let (start, end) = self.next_range();
        if self.finished || file_bytes.len() as u64 != end - start {
            return Err(ProtocolError::Invalid(
                "the file changed while it was being encrypted".into(),
            ));
        }
        let seg_end = self.segment_end();
        let plain_len = (seg_end - self.pos) as usize;
        let chunks = plain_len.div_ceil(CHUNK).max(1);
        let mut plain = Zeroizing::new(Vec::with_capacity(plain_len));
        plain.extend_from_slice(file_bytes);
        plain.resize(plain_len, 0);
        let mut nonces = Vec::with_capacity(chunks);
        for i in 0..chunks {
            let len = (plain_len - (i * CHUNK).min(plain_len)).min(CHUNK) as u64;
            let last = self.pos + len == self.padded && i + 1 == chunks;
            nonces.push(chunk_nonce(self.counter, last));
            self.counter += 1;
            self.pos += len;
            self.finished = last;
        }
        Ok(Segment {
            header: self.header.take().unwrap_or_default(),
            plain,
            nonces,
        })
    }
}

mod open;
pub use open::{Opener, SealedChunk, altered};

#[cfg(test)]
mod tests;
