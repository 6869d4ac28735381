use super::*;

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn issues_reuses_and_reissues() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Authority::load_or_create(dir.path(), "box", &names(&["box", "192.168.1.5"])).unwrap();
    assert!(ca.name().starts_with("Hearth on box ("));
    let (c1, k1) = ca
        .server_cert(&names(&["localhost", "192.168.1.5"]))
        .unwrap();
    assert!(c1.contains("BEGIN CERTIFICATE") && k1.contains("PRIVATE KEY"));
    // Same names, or fewer: the one on disk is kept.
    let (c2, _) = ca.server_cert(&names(&["192.168.1.5"])).unwrap();
    assert_eq!(c1, c2);
    // A new address: a new certificate.
    let (c3, _) = ca.server_cert(&names(&["localhost", "10.0.0.7"])).unwrap();
    assert_ne!(c1, c3);
    // A restart loads the same CA, which still signs.
    let again = Authority::load_or_create(dir.path(), "other", &[]).unwrap();
    assert_eq!(again.pem, ca.pem);
    assert_eq!(again.der, pem_to_der(&ca.pem).unwrap());
    assert_eq!(again.server_cert(&names(&["10.0.0.7"])).unwrap().0, c3);
    // A CA made anew (its files deleted) re-issues even for the same names.
    for f in ["ca.pem", "ca-key.pem", "ca.json"] {
        std::fs::remove_file(dir.path().join(f)).unwrap();
    }
    let new = Authority::load_or_create(dir.path(), "box", &names(&["box"])).unwrap();
    assert_ne!(new.der, ca.der);
    assert_ne!(new.server_cert(&names(&["10.0.0.7"])).unwrap().0, c3);
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
fn constrained_to_lan_names() {
    let dir = tempfile::tempdir().unwrap();
    // A public address the server has at creation is allowed; others are not.
    let ca = Authority::load_or_create(dir.path(), "box", &names(&["box", "203.0.113.9"])).unwrap();
    for ok in [
        "localhost",
        "box.local",
        "hearth.local",
        "192.168.0.1",
        "10.1.2.3",
        "172.31.255.255",
        "203.0.113.9",
        "::1",
        "fd00::5",
        "fe80::1",
    ] {
        assert!(ca.permits(ok), "{ok}");
    }
    for no in [
        "example.com",
        "bank.com",
        "box",
        "app.box",
        "xbox",
        "local.evil.com",
        "8.8.8.8",
        "172.32.0.1",
        "203.0.113.10",
        "2001:db8::1",
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
}
