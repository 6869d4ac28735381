//! Padding so the server sees only size buckets, not exact message lengths.
//!
//! padded = u32 big-endian length ‖ data ‖ zeros, to max(256, Padmé(4 + len)) bytes.
//! Padmé (Nikitin et al., 2019) leaks O(log log n) bits of the length with at most 12 %
//! overhead.

use crate::error::{ProtocolError, Result};

const MIN_BUCKET: usize = 256;

/// The Padmé bucket for a length.
pub fn padme(len: usize) -> usize {
    padme_u64(len as u64) as usize
}

/// Padmé over u64, for file sizes beyond a 32-bit `usize` (wasm32).
pub fn padme_u64(len: u64) -> u64 {
    if len < 2 {
        return len;
    }
    let e = u64::BITS - 1 - len.leading_zeros(); // floor(log2 len)
    let s = u32::BITS - e.leading_zeros(); // floor(log2 e) + 1
    let mask = (1u64 << (e - s)) - 1;
    (len + mask) & !mask
}

pub fn pad(data: &[u8]) -> Result<Vec<u8>> {
    let len = u32::try_from(data.len()).map_err(|_| ProtocolError::Malformed("too long to pad"))?;
    let total = padme(4 + data.len()).max(MIN_BUCKET);
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(data);
    out.resize(total, 0);
    Ok(out)
}

pub fn unpad(padded: &[u8]) -> Result<&[u8]> {
    let bad = ProtocolError::Malformed("bad padding");
    let len_bytes: [u8; 4] = padded
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or(bad.clone())?;
    let len = u32::from_be_bytes(len_bytes) as usize;
    let data = padded
        .get(4..4usize.checked_add(len).ok_or(bad.clone())?)
        .ok_or(bad.clone())?;
    if padded[4 + len..].iter().any(|&b| b != 0) {
        return Err(bad);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padme_buckets() {
        assert_eq!(padme(256), 256);
        assert_eq!(padme(257), 272);
        assert_eq!(padme(1000), 1024);
        for n in 2..5000usize {
            let p = padme(n);
            assert!(p >= n && (p - n) * 100 <= n * 12 + 100, "{n} -> {p}");
        }
    }

    #[test]
    fn pad_round_trip() {
        for n in [0usize, 1, 251, 252, 253, 1000, 70_000] {
            let data = vec![0xa5; n];
            let p = pad(&data).unwrap();
            assert!(p.len() >= 256 && p.len() >= n + 4);
            assert_eq!(unpad(&p).unwrap(), &data[..]);
        }
        assert!(unpad(&[0, 0, 1]).is_err());
        assert!(unpad(&[0, 0, 0, 9, 1]).is_err());
        let mut p = pad(b"hi").unwrap();
        p[10] = 1;
        assert!(unpad(&p).is_err(), "non-zero padding is refused");
    }
}
