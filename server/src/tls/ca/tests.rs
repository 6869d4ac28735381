use super::*;

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn issues_reuses_and_reissues() {
    let dir = tempfile::tempdir().unwrap();
    let at_home = names(&["box", "localhost", "192.168.1.5"]);
    let ca = Authority::load_or_create(dir.path(), "box", &at_home).unwrap();
    assert!(ca.name().starts_with("Hearth on box ("));
    assert!(ca.replaced().is_none());
    let (c1, k1) = ca.server_cert(&at_home).unwrap();
    assert!(c1.contains("BEGIN CERTIFICATE") && k1.contains("PRIVATE KEY"));
    // Same names, or fewer: the one on disk is kept.
    let (c2, _) = ca.server_cert(&names(&["192.168.1.5"])).unwrap();
    assert_eq!(c1, c2);
    // A restart with the same names, or fewer, loads the same CA, which still signs.
    let again = Authority::load_or_create(dir.path(), "other", &names(&["localhost"])).unwrap();
    assert_eq!(again.pem, ca.pem);
    assert_eq!(again.der, pem_to_der(&ca.pem).unwrap());
    assert_eq!(again.server_cert(&at_home).unwrap().0, c1);
    // A new address: a new CA for exactly the new set, saying whose place it takes, and
    // a new certificate from it.
    let elsewhere = names(&["box", "localhost", "10.0.0.7"]);
    assert!(!ca.fits(&elsewhere));
    let new = Authority::load_or_create(dir.path(), "box", &elsewhere).unwrap();
    assert_ne!(new.der, ca.der);
    assert_eq!(new.replaced().map(|r| r.0), Some(ca.name()));
    assert!(!new.permits("192.168.1.5"), "the old address is not kept");
    let c3 = new.server_cert(&elsewhere).unwrap().0;
    assert_ne!(c3, c1);
    // A CA made anew (its key deleted, as a restore from a backup leaves it) re-issues
    // even for the same names, and names the one before it.
    std::fs::remove_file(dir.path().join("ca-key.pem")).unwrap();
    let restored = Authority::load_or_create(dir.path(), "box", &elsewhere).unwrap();
    assert_ne!(restored.der, new.der);
    assert_eq!(restored.replaced().map(|r| r.0), Some(new.name()));
    assert_ne!(restored.server_cert(&elsewhere).unwrap().0, c3);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("ca-key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the CA key is readable only by its owner");
    }
}

#[test]
fn constrained_to_exactly_the_servers_names() {
    let dir = tempfile::tempdir().unwrap();
    let now = names(&[
        "box",
        "box.local",
        "hearth.local",
        "localhost",
        "127.0.0.1",
        "::1",
        "192.168.1.5",
        "203.0.113.9",
    ]);
    let ca = Authority::load_or_create(dir.path(), "box", &now).unwrap();
    for ok in [
        "localhost",
        "box.local",
        "hearth.local",
        "127.0.0.1",
        "::1",
        "192.168.1.5",
        "203.0.113.9",
    ] {
        assert!(ca.permits(ok), "{ok}");
    }
    for no in [
        "example.com",
        "bank.com",
        "box",
        "app.box",
        "other.local",
        "local",
        "local.evil.com",
        "8.8.8.8",
        "192.168.1.6",
        "10.1.2.3",
        "127.0.0.2",
        "fd00::5",
        "fe80::1",
    ] {
        assert!(!ca.permits(no), "{no}");
    }
    // Names it may not sign are left out rather than making a certificate browsers refuse.
    let (cert, _) = ca
        .server_cert(&names(&["localhost", "example.com"]))
        .unwrap();
    let info: LeafInfo =
        serde_json::from_slice(&std::fs::read(dir.path().join("server.json")).unwrap()).unwrap();
    assert_eq!(info.names, names(&["localhost"]));
    assert!(!cert.is_empty());
    // A bare name never asks for a new CA: it cannot be constrained to.
    assert!(ca.fits(&names(&["box", "localhost"])));
}

#[test]
fn a_ca_for_every_lan_name_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let now = names(&["localhost", "192.168.1.5"]);
    let ca = Authority::load_or_create(dir.path(), "box", &now).unwrap();
    // As versions before this one made it: `.local` and whole private ranges.
    let mut info: CaInfo =
        serde_json::from_slice(&std::fs::read(dir.path().join("ca.json")).unwrap()).unwrap();
    info.dns = names(&["localhost", "local"]);
    info.ips = names(&["127.0.0.0/8", "192.168.0.0/16"]);
    std::fs::write(
        dir.path().join("ca.json"),
        serde_json::to_vec(&info).unwrap(),
    )
    .unwrap();
    let broad = Authority::load_or_create(dir.path(), "box", &now).unwrap();
    assert_ne!(broad.der, ca.der, "made anew");
    assert!(broad.replaced().is_some());
    assert!(!broad.permits("192.168.1.6"));
}
