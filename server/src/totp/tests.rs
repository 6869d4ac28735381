use super::*;

const RFC_SECRET: &[u8] = b"12345678901234567890";

#[test]
fn rfc_6238_sha1_vectors() {
    // RFC 6238, Appendix B (the SHA-1 column; eight digits).
    for (t, want) in [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ] {
        assert_eq!(code_at(RFC_SECRET, 8, t), want, "T = {t}");
    }
    // Six digits are the last six of the same number.
    assert_eq!(code_at(RFC_SECRET, 6, 59), "287082");
}

#[test]
fn one_step_either_side_each_once() {
    let t = 1_234_567_890;
    let step = t / STEP;
    let code = code_at(RFC_SECRET, 6, t);
    assert_eq!(check(RFC_SECRET, &code, t, 0), Some(step));
    assert_eq!(
        check(RFC_SECRET, &code, t + STEP, 0),
        Some(step),
        "a step late"
    );
    assert_eq!(
        check(RFC_SECRET, &code, t - STEP, 0),
        Some(step),
        "a step early"
    );
    assert_eq!(
        check(RFC_SECRET, &code, t + 2 * STEP, 0),
        None,
        "two steps late"
    );
    assert_eq!(
        check(RFC_SECRET, &code, t - 2 * STEP, 0),
        None,
        "two steps early"
    );
    // Replayed: once a step is accepted, its code (and older ones) are refused.
    assert_eq!(check(RFC_SECRET, &code, t, step), None);
    let next = code_at(RFC_SECRET, 6, t + STEP);
    assert_eq!(check(RFC_SECRET, &next, t, step), Some(step + 1));
    // Typed with a space; and junk.
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    assert_eq!(check(RFC_SECRET, &spaced, t, 0), Some(step));
    for junk in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"] {
        assert_eq!(check(RFC_SECRET, junk, t, 0), None, "{junk:?}");
    }
}

fn server() -> ServerSecret {
    let dir = tempfile::tempdir().unwrap();
    ServerSecret::load_or_create(&dir.path().join("s")).unwrap()
}

#[test]
fn secrets_are_sealed_to_the_user_and_server() {
    let s = server();
    let (alice, bob) = (UserId::random().unwrap(), UserId::random().unwrap());
    let secret = new_secret().unwrap();
    let sealed = seal(&s, &alice, &secret).unwrap();
    assert!(!sealed.windows(secret.len()).any(|w| w == secret));
    assert_eq!(open(&s, &alice, &sealed).unwrap().as_slice(), secret);
    assert!(open(&s, &bob, &sealed).is_err(), "moved to another user");
    assert!(
        open(&server(), &alice, &sealed).is_err(),
        "another server's secret"
    );
    let mut flipped = sealed.clone();
    flipped[20] ^= 1;
    assert!(open(&s, &alice, &flipped).is_err());
    assert!(open(&s, &alice, &sealed[..5]).is_err());
}

#[test]
fn recovery_codes_and_enrolment_link() {
    let s = server();
    let user = UserId::random().unwrap();
    let (codes, hashes) = recovery_codes(&s, &user).unwrap();
    assert_eq!(codes.len(), 10);
    let unique: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), 10);
    for (c, h) in codes.iter().zip(&hashes) {
        assert_eq!(c.len(), 11);
        assert!(is_recovery_code(c) && !is_recovery_code("123456"));
        assert_eq!(
            &recovery_hash(&s, &user, &c.to_lowercase().replace('-', " ")),
            h
        );
        assert!(!h.contains(&c[..5]));
    }
    assert_ne!(
        recovery_hash(&s, &UserId::random().unwrap(), &codes[0]),
        hashes[0]
    );

    let secret = [7u8; 20];
    let link = uri(&secret, "al ice");
    assert!(link.starts_with("otpauth://totp/Hearth:al%20ice?secret="));
    assert!(link.contains(&base32(&secret)) && link.contains("digits=6&period=30"));
}
