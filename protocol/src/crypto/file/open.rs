//! Opening a blob as it streams in (the format is in the parent module).

use super::{CHUNK, CHUNK_LOG2, FILE_VERSION, FileKey, HEADER, TAG, chunk_nonce, padded_len};
use crate::error::{ProtocolError, Result};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, Tag};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

/// The error for a chunk that does not open: every way a blob can be tampered with.
pub fn altered() -> ProtocolError {
    ProtocolError::File("a part of it is missing, out of order, cut off or altered")
}

/// One chunk of a blob, taken out to be opened: [`SealedChunk::sealed`] (ciphertext ‖
/// tag) opens under the payload key with [`SealedChunk::nonce`] (AES-256-GCM, no
/// associated data). [`Opener::open`] does that here; a browser may use WebCrypto and
/// give what it opened to [`SealedChunk::accept`].
pub struct SealedChunk {
    sealed: Vec<u8>,
    nonce: [u8; 12],
    /// How many of its plaintext bytes are the file's (the rest is padding).
    keep: usize,
}

impl SealedChunk {
    pub fn sealed(&self) -> &[u8] {
        &self.sealed
    }

    pub fn nonce(&self) -> &[u8; 12] {
        &self.nonce
    }

    /// The file bytes of the opened chunk; the padding after them must be zeros. Only for
    /// plaintext an AES-GCM open of [`SealedChunk::sealed`] gave, its tag checked: this
    /// authenticates nothing itself.
    pub fn accept(&self, plain: Vec<u8>) -> Result<Vec<u8>> {
        file_bytes(self.sealed.len(), self.keep, plain)
    }
}

/// The first `keep` bytes of a chunk's plaintext, checking its length and that the rest
/// (padding) is zeros.
fn file_bytes(sealed_len: usize, keep: usize, mut plain: Vec<u8>) -> Result<Vec<u8>> {
    if plain.len() + TAG != sealed_len || keep > plain.len() {
        plain.zeroize();
        return Err(altered());
    }
    if plain[keep..].iter().any(|&b| b != 0) {
        plain.zeroize();
        return Err(ProtocolError::File("its padding is not empty"));
    }
    plain.truncate(keep);
    Ok(plain)
}

/// Opens a blob as it streams in: feed it any pieces with [`Opener::push`], then call
/// [`Opener::finish`]. Only the file's own bytes come out, never the padding. (Or take
/// the chunks out with [`Opener::take`] and [`Opener::take_last`] to open them elsewhere.)
pub struct Opener {
    key: FileKey,
    cipher: Option<(Aes256Gcm, Zeroizing<[u8; 32]>)>,
    size: u64,
    padded: u64,
    buf: Vec<u8>,
    pos: u64,
    counter: u64,
}

impl Opener {
    /// `size` is the file size the message states; the blob must match it exactly.
    pub fn new(key: &FileKey, size: u64) -> Self {
        Self {
            key: key.clone(),
            cipher: None,
            size,
            padded: padded_len(size),
            buf: Vec::new(),
            pos: 0,
            counter: 0,
        }
    }

    /// The AES-256-GCM key of every chunk, once the header has been read.
    pub fn payload_key(&self) -> Option<&[u8; 32]> {
        self.cipher.as_ref().map(|c| &*c.1)
    }

    fn header(&mut self) -> Result<()> {
        if self.cipher.is_some() || self.buf.len() < HEADER {
            return Ok(());
        }
        if self.buf[0] != FILE_VERSION || self.buf[1] != CHUNK_LOG2 {
            return Err(ProtocolError::File(
                "it is not a Hearth file of a known version",
            ));
        }
        let nonce: [u8; 32] = self.buf[2..34]
            .try_into()
            .map_err(|_| ProtocolError::Decrypt)?;
        let commitment = self.key.commitment()?;
        if !bool::from(commitment.ct_eq(&self.buf[34..HEADER])) {
            return Err(ProtocolError::File(
                "it was not sealed with this message's key",
            ));
        }
        self.cipher = Some((self.key.cipher(&nonce)?, self.key.payload_key(&nonce)?));
        self.buf.drain(..HEADER);
        Ok(())
    }

    /// The chunk at `buf[off..off + len]`, numbered next.
    fn chunk(&mut self, off: usize, len: usize, last: bool) -> SealedChunk {
        let plain_len = len - TAG;
        let keep = self.size.saturating_sub(self.pos).min(plain_len as u64) as usize;
        let chunk = SealedChunk {
            sealed: self.buf[off..off + len].to_vec(),
            nonce: chunk_nonce(self.counter, last),
            keep,
        };
        self.counter += 1;
        self.pos += plain_len as u64;
        chunk
    }

    /// Opens a chunk taken out with [`Opener::take`] or [`Opener::take_last`].
    pub fn open(&self, chunk: SealedChunk) -> Result<Vec<u8>> {
        let (cipher, _) = self.cipher.as_ref().ok_or(ProtocolError::Decrypt)?;
        let SealedChunk {
            sealed: mut bytes,
            nonce,
            keep,
        } = chunk;
        let len = bytes.len();
        let plain_len = len.checked_sub(TAG).ok_or_else(altered)?;
        let (ct, tag) = bytes.split_at_mut(plain_len);
        let tag = Tag::<Aes256Gcm>::try_from(&*tag).map_err(|_| ProtocolError::Decrypt)?;
        cipher
            .decrypt_inout_detached(&nonce.into(), b"", ct.into(), &tag)
            .map_err(|_| altered())?;
        bytes.truncate(plain_len);
        file_bytes(len, keep, bytes)
    }

    /// Takes the next bytes of the blob; returns the chunks they completed.
    pub fn take(&mut self, data: &[u8]) -> Result<Vec<SealedChunk>> {
        self.buf.extend_from_slice(data);
        self.header()?;
        let mut out = Vec::new();
        let mut off = 0;
        // A full chunk is known not to be the last only once more bytes follow it.
        while self.cipher.is_some() && self.buf.len() - off > CHUNK + TAG {
            if self.pos + CHUNK as u64 >= self.padded {
                return Err(ProtocolError::File("it has bytes after its end"));
            }
            out.push(self.chunk(off, CHUNK + TAG, false));
            off += CHUNK + TAG;
        }
        // One move per push, not one per chunk.
        self.buf.drain(..off);
        Ok(out)
    }

    /// The end of the blob: the last chunk, once nothing is missing.
    pub fn take_last(&mut self) -> Result<SealedChunk> {
        self.header()?;
        let cut = ProtocolError::File("it was cut off before its end");
        if self.cipher.is_none() || self.buf.len() < TAG {
            return Err(cut);
        }
        let plain_len = (self.buf.len() - TAG) as u64;
        if self.pos + plain_len != self.padded {
            return Err(if self.pos + plain_len > self.padded {
                ProtocolError::File("it has bytes after its end")
            } else {
                cut
            });
        }
        if plain_len == 0 && self.counter > 0 {
            return Err(cut);
        }
        let len = self.buf.len();
        let last = self.chunk(0, len, true);
        self.buf.zeroize();
        self.buf.clear();
        Ok(last)
    }

    /// Takes the next bytes of the blob; returns the file bytes they completed.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for chunk in self.take(data)? {
            out.extend(self.open(chunk)?);
        }
        Ok(out)
    }

    /// The end of the blob: opens the last chunk and checks nothing is missing.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        let last = self.take_last()?;
        self.open(last)
    }
}

impl Drop for Opener {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}
