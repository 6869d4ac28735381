//! The browser's side of the crypto benchmarks: the same work as benches/crypto.rs, as
//! WASM in headless Chromium, built with the web client's size-tuned profile. A program
//! that prints figures, not a test: it is ignored unless asked for, and asserts nothing
//! about time.
//!
//! `cd protocol && CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --profile wasm-release --test browser_bench -- --include-ignored --nocapture`

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

#[path = "../benches/fixtures.rs"]
mod fixtures;

use protocol::crypto::envelope;
use protocol::crypto::file::FileKey;
use protocol::crypto::group::message;
use protocol::crypto::kdf::{KdfParams, Salt, derive_master};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds per run of `f`, over `n` runs.
fn time(n: u32, mut f: impl FnMut()) -> f64 {
    let t = now_ms();
    for _ in 0..n {
        f();
    }
    (now_ms() - t) / f64::from(n)
}

#[wasm_bindgen_test]
#[ignore]
fn browser_crypto_figures() {
    let kdf = time(3, || {
        let m = derive_master(fixtures::PASSWORD, &Salt([7; 16]), KdfParams::DEFAULT).unwrap();
        m.split().unwrap();
    });
    console_log!("login KDF (Argon2id, default parameters) + split: {kdf:.0} ms");

    let d = fixtures::dm();
    let p = &fixtures::PADDED;
    let seal = time(2000, || {
        envelope::seal(&d.key, &d.dir, &d.id, p).unwrap();
    });
    let sealed = envelope::seal(&d.key, &d.dir, &d.id, p).unwrap();
    let open = time(2000, || {
        envelope::open(&d.key, &d.dir, &d.id, &sealed).unwrap();
    });
    let derive = time(200, || {
        d.dir
            .key(d.keys.agreement_secret(), &d.dir.recipient_key)
            .unwrap();
    });
    console_log!(
        "direct message, 256 bytes padded: seal {:.1} µs, open {:.1} µs; direction key (X25519 + HKDF) {:.0} µs",
        seal * 1e3,
        open * 1e3,
        derive * 1e3
    );

    let g = fixtures::group();
    let seal = time(500, || {
        message::seal(&g.key, &g.place(), &g.owner, p).unwrap();
    });
    let sealed = message::seal(&g.key, &g.place(), &g.owner, p).unwrap();
    let open = time(500, || {
        message::open(
            &g.chain,
            |_| Some(g.key.clone()),
            g.conv,
            &g.me,
            &g.id,
            &sealed,
        )
        .unwrap();
    });
    console_log!(
        "group message, 256 bytes padded: seal + sign {:.0} µs, verify + open {:.0} µs",
        seal * 1e3,
        open * 1e3
    );

    const SIZE: usize = 32 << 20;
    let key = FileKey::random().unwrap();
    let file = vec![0x5a_u8; SIZE];
    let mut blob = Vec::new();
    let seal = time(1, || blob = fixtures::seal_file(&key, &file));
    let open = time(1, || {
        fixtures::open_file(&key, SIZE, &blob);
    });
    let mb = SIZE as f64 / 1e6;
    console_log!(
        "file, 32 MiB in memory: seal {:.0} MB/s, open {:.0} MB/s",
        mb / (seal / 1e3),
        mb / (open / 1e3)
    );
}
