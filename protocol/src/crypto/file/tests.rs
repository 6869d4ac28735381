use super::*;

const BLOCK: usize = CHUNK + TAG;

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

fn seal(key: &FileKey, file: &[u8]) -> Vec<u8> {
    let mut s = Sealer::new(key, file.len() as u64).unwrap();
    let mut blob = Vec::new();
    while !s.done() {
        let (a, b) = s.next_range();
        blob.extend(s.seal_next(&file[a as usize..b as usize]).unwrap());
    }
    assert_eq!(blob.len() as u64, s.blob_len());
    blob
}

/// Opens a blob fed in pieces of `step` bytes.
fn open(key: &FileKey, size: usize, blob: &[u8], step: usize) -> Result<Vec<u8>> {
    let mut o = Opener::new(key, size as u64);
    let mut out = Vec::new();
    for piece in blob.chunks(step.max(1)) {
        out.extend(o.push(piece)?);
    }
    out.extend(o.finish()?);
    Ok(out)
}

#[test]
fn round_trips_at_every_boundary() {
    let key = FileKey::random().unwrap();
    let seg = SEGMENT_CHUNKS * CHUNK;
    for n in [
        0,
        1,
        2,
        100,
        CHUNK - 1,
        CHUNK,
        CHUNK + 1,
        3 * CHUNK,
        seg - 1,
        seg,
        seg + 7,
        2 * seg + CHUNK,
    ] {
        let file = data(n);
        let blob = seal(&key, &file);
        assert_eq!(blob.len() as u64, blob_len(n as u64), "{n}");
        assert!(
            blob.len() >= HEADER + padded_len(n as u64) as usize,
            "padded: {n}"
        );
        for step in [1000, BLOCK, 1 << 20, blob.len()] {
            if n > 3 * CHUNK && step == 1000 {
                continue; // slow and adds nothing over the other splits
            }
            assert_eq!(
                open(&key, n, &blob, step).unwrap(),
                file,
                "{n} in steps of {step}"
            );
        }
    }
}

#[test]
fn blob_hides_the_exact_size() {
    let key = FileKey::random().unwrap();
    assert_eq!(
        seal(&key, &data(1_000_001)).len(),
        seal(&key, &data(1_000_500)).len()
    );
}

fn assert_broken(key: &FileKey, size: usize, blob: &[u8], why: &str) {
    for step in [BLOCK, blob.len().max(1)] {
        assert!(
            matches!(open(key, size, blob, step), Err(ProtocolError::File(_))),
            "{why} (steps of {step})"
        );
    }
}

#[test]
fn removed_swapped_cut_or_extended_blobs_are_refused() {
    let key = FileKey::random().unwrap();
    let n = 5 * CHUNK + 300;
    let blob = seal(&key, &data(n));
    let chunk = |i: usize| HEADER + i * BLOCK..HEADER + (i + 1) * BLOCK;

    let mut removed = blob[..chunk(1).start].to_vec();
    removed.extend_from_slice(&blob[chunk(1).end..]);
    assert_broken(&key, n, &removed, "a chunk removed");

    let mut swapped = blob.clone();
    swapped[chunk(1)].copy_from_slice(&blob[chunk(2)]);
    swapped[chunk(2)].copy_from_slice(&blob[chunk(1)]);
    assert_broken(&key, n, &swapped, "two chunks swapped");

    assert_broken(&key, n, &blob[..chunk(3).end], "cut at a chunk boundary");
    assert_broken(&key, n, &blob[..blob.len() - 1], "cut by one byte");
    assert_broken(&key, n, &blob[..HEADER - 1], "cut inside the header");
    assert_broken(&key, n, &[], "empty");

    let mut longer = blob.clone();
    longer.push(0);
    assert_broken(&key, n, &longer, "a byte after the end");
    let mut doubled = blob.clone();
    doubled.extend_from_slice(&blob[chunk(5).start..]);
    assert_broken(&key, n, &doubled, "the last chunk twice");

    let mut flipped = blob.clone();
    flipped[chunk(2).start + 10] ^= 1;
    assert_broken(&key, n, &flipped, "a flipped bit");

    let mut header = blob.clone();
    header[5] ^= 1;
    assert_broken(&key, n, &header, "a changed header nonce");
    let mut version = blob.clone();
    version[0] = 2;
    assert_broken(&key, n, &version, "an unknown version");

    assert_broken(&FileKey::random().unwrap(), n, &blob, "another key");
    assert_broken(&key, n + CHUNK, &blob, "a larger stated size");
    assert_broken(&key, 10, &blob, "a smaller stated size");
    assert_eq!(
        open(&key, n, &blob, BLOCK).unwrap(),
        data(n),
        "the original still opens"
    );
}

#[test]
fn a_full_last_chunk_cut_off_is_refused() {
    // The padded size is a multiple of the chunk size: the blob ends on a full chunk.
    let key = FileKey::random().unwrap();
    let n = 4 * CHUNK;
    assert_eq!(padded_len(n as u64), n as u64);
    let blob = seal(&key, &data(n));
    assert_eq!(blob.len(), HEADER + 4 * BLOCK);
    assert_broken(
        &key,
        n,
        &blob[..HEADER + 3 * BLOCK],
        "the last full chunk cut off",
    );
}

#[test]
fn the_sealer_refuses_a_file_that_changed() {
    let key = FileKey::random().unwrap();
    let mut s = Sealer::new(&key, 10).unwrap();
    assert!(s.seal_next(&[0; 9]).is_err());
    assert!(s.seal_next(&[0; 10]).is_ok());
    assert!(s.done());
    assert!(s.seal_next(&[]).is_err(), "nothing after the last chunk");
}

#[test]
fn an_absurd_claimed_size_neither_panics_nor_opens() {
    let key = FileKey::random().unwrap();
    let blob = seal(&key, &data(10));
    for size in [u64::MAX, MAX_SIZE + 1, 1 << 60] {
        let mut o = Opener::new(&key, size);
        let res = o.push(&blob).and_then(|_| o.finish());
        assert!(matches!(res, Err(ProtocolError::File(_))), "{size}");
        assert!(blob_len(size) > MAX_SIZE, "no overflow for {size}");
    }
}

/// What a browser does with WebCrypto: each chunk of a planned segment sealed on its own
/// under the payload key (AES-256-GCM, ciphertext ‖ tag). The blob must be the same.
#[test]
fn chunks_sealed_elsewhere_make_the_same_blob() {
    let key = FileKey([7; 32]);
    for size in [
        0,
        1,
        CHUNK - 1,
        CHUNK,
        CHUNK + 1,
        SEGMENT_CHUNKS * CHUNK + 5,
    ] {
        let file = data(size);
        let (mut here, mut there) = (
            Sealer::with_nonce(&key, size as u64, [3; 32]).unwrap(),
            Sealer::with_nonce(&key, size as u64, [3; 32]).unwrap(),
        );
        let cipher = Aes256Gcm::new_from_slice(there.payload_key()).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        while !here.done() {
            let (start, end) = here.next_range();
            let bytes = &file[start as usize..end as usize];
            a.extend(here.seal_next(bytes).unwrap());
            let segment = there.plan_next(bytes).unwrap();
            let before = b.len();
            b.extend_from_slice(&segment.header);
            for (plain, nonce) in segment.chunks() {
                let mut chunk = plain.to_vec();
                let tag = cipher
                    .encrypt_inout_detached(nonce.into(), b"", (&mut chunk[..]).into())
                    .unwrap();
                b.extend(chunk);
                b.extend_from_slice(&tag);
            }
            assert_eq!(b.len() - before, segment.sealed_len());
        }
        assert!(there.done());
        assert_eq!(a, b, "size {size}");
        assert_eq!(open(&key, size, &b, 1000).unwrap(), file);
    }
}

/// What a browser does with WebCrypto when receiving: the chunks taken out, opened by
/// another AES-GCM, and handed back to be checked. The file must be the same, and what
/// comes back is still checked (length, padding).
#[test]
fn chunks_opened_elsewhere_give_the_same_file() {
    use aes_gcm::aead::Tag;
    let key = FileKey([7; 32]);
    for size in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
        let file = data(size);
        let blob = seal(&key, &file);
        let mut o = Opener::new(&key, size as u64);
        let mut chunks = Vec::new();
        for piece in blob.chunks(5000) {
            chunks.extend(o.take(piece).unwrap());
        }
        chunks.push(o.take_last().unwrap());
        let cipher = Aes256Gcm::new_from_slice(o.payload_key().unwrap()).unwrap();
        let mut out = Vec::new();
        for c in &chunks {
            let mut bytes = c.sealed().to_vec();
            let n = bytes.len() - TAG;
            let (ct, tag) = bytes.split_at_mut(n);
            let tag = Tag::<Aes256Gcm>::try_from(&*tag).unwrap();
            cipher
                .decrypt_inout_detached(c.nonce().into(), b"", ct.into(), &tag)
                .unwrap();
            bytes.truncate(n);
            out.extend(c.accept(bytes).unwrap());
        }
        assert_eq!(out, file, "size {size}");
        let last = chunks.last().unwrap();
        assert!(last.accept(vec![0; last.sealed().len()]).is_err());
        if padded_len(size as u64) > size as u64 {
            let mut bad = vec![0; last.sealed().len() - TAG];
            *bad.last_mut().unwrap() = 1;
            assert!(last.accept(bad).is_err(), "padding, size {size}");
        }
    }
}
