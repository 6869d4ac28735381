//! The native crypto, as the browser runs it (the browser's own figures come from
//! tests/browser_bench.rs; see docs/PERFORMANCE.md):
//! `cargo bench -p protocol --bench crypto`

#![allow(clippy::unwrap_used)]

mod fixtures;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protocol::UserId;
use protocol::crypto::envelope;
use protocol::crypto::file::FileKey;
use protocol::crypto::group::{keys, message};
use protocol::crypto::identity::IdentityKeys;
use protocol::crypto::kdf::{KdfParams, Salt, derive_master};
use std::hint::black_box;

fn login(c: &mut Criterion) {
    let mut g = c.benchmark_group("login");
    g.sample_size(10);
    g.bench_function("argon2id (default parameters) + split", |b| {
        b.iter(|| {
            let master = derive_master(fixtures::PASSWORD, &Salt([7; 16]), KdfParams::DEFAULT);
            black_box(master.and_then(|m| m.split()).is_ok())
        })
    });
    g.finish();
}

fn direct(c: &mut Criterion) {
    let f = fixtures::dm();
    let p = &fixtures::PADDED;
    let mut g = c.benchmark_group("direct message (256 bytes padded)");
    g.bench_function("direction key (X25519 + HKDF)", |b| {
        b.iter(|| {
            black_box(
                f.dir
                    .key(f.keys.agreement_secret(), &f.dir.recipient_key)
                    .is_ok(),
            )
        })
    });
    g.bench_function("seal", |b| {
        b.iter(|| envelope::seal(&f.key, &f.dir, &f.id, p).unwrap())
    });
    let sealed = envelope::seal(&f.key, &f.dir, &f.id, p).unwrap();
    g.bench_function("open", |b| {
        b.iter(|| envelope::open(&f.key, &f.dir, &f.id, &sealed).unwrap())
    });
    g.finish();
}

fn group(c: &mut Criterion) {
    let f = fixtures::group();
    let p = &fixtures::PADDED;
    let mut g = c.benchmark_group("group message (256 bytes padded, signed)");
    g.bench_function("seal + sign", |b| {
        b.iter(|| message::seal(&f.key, &f.place(), &f.owner, p).unwrap())
    });
    let sealed = message::seal(&f.key, &f.place(), &f.owner, p).unwrap();
    g.bench_function("verify + open", |b| {
        b.iter(|| {
            message::open(
                &f.chain,
                |_| Some(f.key.clone()),
                f.conv,
                &f.me,
                &f.id,
                &sealed,
            )
            .is_ok()
        })
    });
    let other = UserId([2; 16]);
    let to = IdentityKeys::generate().unwrap().public(other).agreement;
    g.bench_function("wrap the epoch key for one member (HPKE)", |b| {
        b.iter(|| keys::wrap(&f.key, f.conv, 0, &other, &to, &f.owner).unwrap())
    });
    g.finish();
}

fn files(c: &mut Criterion) {
    const SIZE: usize = 16 << 20;
    let key = FileKey::random().unwrap();
    let file = vec![0x5a_u8; SIZE];
    let blob = fixtures::seal_file(&key, &file);
    let mut g = c.benchmark_group("file (16 MiB)");
    g.sample_size(10).throughput(Throughput::Bytes(SIZE as u64));
    g.bench_function("seal", |b| {
        b.iter(|| fixtures::seal_file(&key, &file).len())
    });
    g.bench_function("open", |b| {
        b.iter(|| fixtures::open_file(&key, SIZE, &blob))
    });
    g.finish();
}

criterion_group!(benches, login, direct, group, files);
criterion_main!(benches);
