//! The app's icons as PNG (phones want PNG for the home screen), drawn here from the same
//! shape as `style/icon.svg`: a cream flame on the accent colour. Made once, on first use.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::io::Write as _;
use std::sync::OnceLock;

const ACCENT: [u8; 3] = [0xc2, 0x41, 0x0c];
const CREAM: [u8; 3] = [0xff, 0xf7, 0xed];
/// Samples per pixel along each axis (16 per pixel in all) for smooth edges.
const SUB: usize = 4;

/// The icons served under /icons/: name, size, and whether it is "maskable" (full-bleed
/// background, the flame inside the safe zone, for Android's shaped icons).
const ICONS: [(&str, u32, bool); 4] = [
    ("icon-192.png", 192, false),
    ("icon-512.png", 512, false),
    ("maskable-512.png", 512, true),
    ("apple-touch-icon.png", 180, true),
];

pub async fn serve(Path(name): Path<String>) -> Response {
    static MADE: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let Some(i) = ICONS.iter().position(|(n, ..)| *n == name) else {
        return (StatusCode::NOT_FOUND, "No such icon.").into_response();
    };
    let made = MADE.get_or_init(|| ICONS.iter().map(|&(_, s, m)| icon(s, m)).collect());
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        made[i].clone(),
    )
        .into_response()
}

/// The flame of icon.svg (a 64-unit box), as a polygon.
fn flame() -> Vec<(f32, f32)> {
    let mut pts = vec![(32.0, 12.0)];
    cubic(&mut pts, (38.0, 21.0), (46.0, 26.0), (46.0, 37.0));
    // The round bottom: half a circle of radius 14 around (32, 37), through (32, 51).
    for i in 1..=32 {
        let a = std::f32::consts::PI * i as f32 / 32.0;
        pts.push((32.0 + 14.0 * a.cos(), 37.0 + 14.0 * a.sin()));
    }
    cubic(&mut pts, (18.0, 31.0), (21.0, 27.0), (24.0, 24.0));
    cubic(&mut pts, (24.0, 29.0), (26.0, 32.0), (29.0, 33.0));
    cubic(&mut pts, (28.0, 25.0), (30.0, 18.0), (32.0, 12.0));
    pts
}

fn cubic(pts: &mut Vec<(f32, f32)>, c1: (f32, f32), c2: (f32, f32), end: (f32, f32)) {
    let start = *pts.last().unwrap_or(&(0.0, 0.0));
    for i in 1..=16 {
        let t = i as f32 / 16.0;
        let u = 1.0 - t;
        let f = |a: f32, b: f32, c: f32, d: f32| {
            u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d
        };
        pts.push((f(start.0, c1.0, c2.0, end.0), f(start.1, c1.1, c2.1, end.1)));
    }
}

/// A square with corners of radius `r` (64-unit box).
fn rounded(r: f32) -> Vec<(f32, f32)> {
    let mut pts = Vec::new();
    let corners = [
        (64.0 - r, 64.0 - r, 0.0),
        (r, 64.0 - r, 90.0),
        (r, r, 180.0),
        (64.0 - r, r, 270.0),
    ];
    for (cx, cy, from) in corners {
        for i in 0..=8 {
            let a = (from + 90.0 * i as f32 / 8.0).to_radians();
            pts.push((cx + r * a.cos(), cy + r * a.sin()));
        }
    }
    pts
}

/// How much of each pixel the polygon covers (0 to SUB²), by scanlines: for each
/// sub-row, where the edges cross it, filled between pairs (even-odd).
fn coverage(poly: &[(f32, f32)], size: usize, scale: f32, offset: f32) -> Vec<u16> {
    let mut cov = vec![0u16; size * size];
    let n = size * SUB;
    let mut xs = Vec::new();
    for sy in 0..n {
        let y = (sy as f32 + 0.5) / SUB as f32;
        xs.clear();
        for (i, &(x0, y0)) in poly.iter().enumerate() {
            let (x1, y1) = poly[(i + 1) % poly.len()];
            let (x0, y0, x1, y1) = (
                x0 * scale + offset,
                y0 * scale + offset,
                x1 * scale + offset,
                y1 * scale + offset,
            );
            if (y0 <= y) != (y1 <= y) {
                xs.push(x0 + (y - y0) / (y1 - y0) * (x1 - x0));
            }
        }
        xs.sort_by(f32::total_cmp);
        for pair in xs.chunks_exact(2) {
            let from = ((pair[0] * SUB as f32).round().max(0.0) as usize).min(n);
            let to = ((pair[1] * SUB as f32).round().max(0.0) as usize).min(n);
            for sx in from..to {
                cov[(sy / SUB) * size + sx / SUB] += 1;
            }
        }
    }
    cov
}

/// One icon as RGBA PNG.
fn icon(size: u32, maskable: bool) -> Vec<u8> {
    let s = size as usize;
    let px = size as f32 / 64.0;
    // Maskable icons fill the square and keep the flame inside the middle 60%.
    let bg = if maskable {
        rounded(0.01)
    } else {
        rounded(14.0)
    };
    let (fscale, foffset) = if maskable {
        (px * 0.7, size as f32 * 0.15)
    } else {
        (px, 0.0)
    };
    let back = coverage(&bg, s, px, 0.0);
    let front = coverage(&flame(), s, fscale, foffset);
    let full = (SUB * SUB) as f32;
    let mut rgba = Vec::with_capacity(s * s * 4);
    for (b, f) in back.iter().zip(&front) {
        let (b, f) = (*b as f32 / full, (*f as f32 / full).min(*b as f32 / full));
        for c in 0..3 {
            let v = ACCENT[c] as f32 * (b - f) + CREAM[c] as f32 * f;
            rgba.push(if b > 0.0 { (v / b).round() as u8 } else { 0 });
        }
        rgba.push((b * 255.0).round() as u8);
    }
    png(size, &rgba)
}

/// A minimal PNG: one IHDR, one zlib-compressed IDAT (filter 0 on every row), IEND.
fn png(size: u32, rgba: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(rgba.len() + size as usize);
    for row in rgba.chunks_exact(size as usize * 4) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to memory cannot fail.
    let _ = z.write_all(&raw);
    let data = z.finish().unwrap_or_default();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&size.to_be_bytes());
    ihdr.extend_from_slice(&size.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    for (kind, body) in [
        (b"IHDR", &ihdr[..]),
        (b"IDAT", &data[..]),
        (b"IEND", &[][..]),
    ] {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(body);
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_pngs_with_a_flame_on_the_accent() {
        let p = icon(64, false);
        assert!(p.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&p[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes([p[16], p[17], p[18], p[19]]), 64);
        // Decoded by hand: inflate the IDAT and look at three pixels.
        let idat_len = u32::from_be_bytes([p[33], p[34], p[35], p[36]]) as usize;
        assert_eq!(&p[37..41], b"IDAT");
        let mut raw = Vec::new();
        use std::io::Read as _;
        flate2::read::ZlibDecoder::new(&p[41..41 + idat_len])
            .read_to_end(&mut raw)
            .expect("zlib");
        let at = |x: usize, y: usize| {
            let i = y * (64 * 4 + 1) + 1 + x * 4;
            [raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]
        };
        assert_eq!(at(0, 0)[3], 0, "the rounded corner is transparent");
        assert_eq!(
            at(4, 32),
            [ACCENT[0], ACCENT[1], ACCENT[2], 255],
            "the background"
        );
        assert_eq!(at(32, 40), [CREAM[0], CREAM[1], CREAM[2], 255], "the flame");
        // Maskable: no transparent corner.
        let m = icon(64, true);
        assert_ne!(m, p);
    }
}
