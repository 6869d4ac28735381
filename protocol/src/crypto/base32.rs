//! Crockford base32 for secrets people copy by hand (recovery keys, invite codes):
//! groups of 4, case-insensitive, O read as 0 and I or L as 1.

use zeroize::{Zeroize, Zeroizing};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `XXXX-XXXX-…`. The length of `bytes` must be a multiple of 5 (no padding).
pub fn encode(bytes: &[u8]) -> Zeroizing<String> {
    let mut bits: u64 = 0;
    let mut n = 0;
    let mut chars = Zeroizing::new(Vec::with_capacity(bytes.len() * 8 / 5));
    for &b in bytes {
        bits = (bits << 8) | b as u64;
        n += 8;
        while n >= 5 {
            n -= 5;
            chars.push(ALPHABET[((bits >> n) & 31) as usize]);
        }
    }
    bits.zeroize();
    let groups: Vec<&str> = chars
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    Zeroizing::new(groups.join("-"))
}

/// Exactly N bytes from what the person typed (spaces and dashes ignored), or None.
pub fn decode<const N: usize>(text: &str) -> Option<Zeroizing<[u8; N]>> {
    let mut out = Zeroizing::new([0u8; N]);
    let (mut bits, mut n, mut i): (u64, u32, usize) = (0, 0, 0);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        let v = ALPHABET.iter().position(|&a| a as char == c)? as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            *out.get_mut(i)? = (bits >> n) as u8;
            i += 1;
        }
    }
    bits.zeroize();
    (i == N && n == 0).then_some(out)
}
