//! HTTPS out of the box: the local CA's certificate is accepted by a client that trusts
//! the CA (and only by such a client), cookies carry the right flags, and the plain port
//! shows the trust page and redirects everything else.

use crate::common;

use serde_json::json;

#[tokio::test]
async fn a_client_trusting_the_ca_connects_and_cookies_are_host_only_and_secure() {
    let (s, _, _) = common::start_tls().await;
    let res = s
        .http
        .get(s.url("/login"))
        .send()
        .await
        .expect("https with the CA");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");

    // Without the CA the same address is refused: the certificate is not just anything.
    let stranger = reqwest::Client::builder().build().unwrap();
    assert!(stranger.get(s.url("/login")).send().await.is_err());

    let (reg, _) = s.registration("hana", "a long pass phrase").await;
    let res = s
        .call("register", None, json!({ "registration": reg }))
        .await;
    assert_eq!(res.status(), 200);
    let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.starts_with("__Host-hearth_session="), "{set}");
    for flag in [
        "; Path=/",
        "; HttpOnly",
        "; SameSite=Strict",
        "; Secure",
        "; Max-Age=",
    ] {
        assert!(set.contains(flag), "{flag} in {set}");
    }
    assert!(!set.to_ascii_lowercase().contains("domain"), "{set}");
    let cookie = common::session_cookie(&res);
    assert_eq!(s.call("me", Some(&cookie), json!({})).await.status(), 200);
    // The same token under the unprefixed name (which an http:// page could set) is no session.
    let unprefixed = cookie.replace("__Host-", "");
    assert_eq!(
        s.call("me", Some(&unprefixed), json!({})).await.status(),
        401
    );

    // Logout ends the session on the server, not just in the browser.
    let res = s.call("logout", Some(&cookie), json!({})).await;
    assert_eq!(res.status(), 200);
    let cleared = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0") && cleared.contains("Secure"));
    assert_eq!(s.call("me", Some(&cookie), json!({})).await.status(), 401);
}

#[tokio::test]
async fn the_plain_port_offers_the_ca_and_redirects_the_rest() {
    let (s, http, ca_pem) = common::start_tls().await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("http://{http}");

    let page = plain.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("Trust this Hearth server"));
    let https = format!("https://127.0.0.1:{}/", s.addr.port());
    assert!(html.contains(&https), "links to {https}");
    assert!(html.contains("<svg"), "a QR code");
    for system in ["Android", "iPhone", "Windows", "Linux", "Firefox", "Mac"] {
        assert!(html.contains(system), "steps for {system}");
    }

    let der = plain
        .get(format!("{base}/hearth-ca.crt"))
        .send()
        .await
        .unwrap();
    assert_eq!(der.headers()["content-type"], "application/x-x509-ca-cert");
    let der = der.bytes().await.unwrap();
    assert_eq!(
        der.as_ref(),
        server::tls::ca::pem_to_der(&ca_pem).unwrap().as_slice()
    );
    // The fingerprint shown is that certificate's.
    use sha2::Digest;
    let fp: Vec<String> = sha2::Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert!(html.contains(&fp.join(":")));

    let pem = plain
        .get(format!("{base}/hearth-ca.pem"))
        .send()
        .await
        .unwrap();
    assert_eq!(pem.text().await.unwrap(), ca_pem);
    let profile = plain
        .get(format!("{base}/hearth-ca.mobileconfig"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        profile.headers()["content-type"],
        "application/x-apple-aspen-config"
    );
    assert!(
        profile
            .text()
            .await
            .unwrap()
            .contains("com.apple.security.root")
    );

    // Everything else goes to HTTPS, path and query kept, and nothing is served in clear.
    for path in ["/login", "/api/login?x=1", "/ws", "/pkg/hearth.js"] {
        let res = plain.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(res.status(), 308, "{path}");
        let to = res.headers()["location"].to_str().unwrap();
        assert_eq!(to, format!("https://127.0.0.1:{}{path}", s.addr.port()));
    }
    let res = plain
        .post(format!("{base}/api/login"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        308,
        "a POST is redirected too, never handled in clear"
    );
}

/// Runs `openssl` with `args` in `dir`; its success and what it printed.
fn openssl(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl (Debian's package) is installed");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The local CA may sign for this server's own names and addresses and nothing else, as
/// openssl (not our own code) reads its certificate: a certificate its key signed for a
/// bank, for another `.local` name or for another private address fails verification.
#[tokio::test]
async fn the_local_ca_is_constrained_to_exactly_this_server() {
    let (s, _, _) = common::start_tls().await;
    let tls = s.dir.path().join("tls");
    let (ok, ext) = openssl(
        &tls,
        &["x509", "-in", "ca.pem", "-noout", "-ext", "nameConstraints"],
    );
    assert!(ok, "{ext}");
    for want in [
        "DNS:localhost",
        "DNS:hearth.local",
        "IP:127.0.0.1/255.255.255.255",
    ] {
        assert!(ext.contains(want), "{want} in {ext}");
    }
    let permitted: Vec<&str> = ext
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("DNS:") || l.starts_with("IP:"))
        .collect();
    for line in &permitted {
        assert!(
            line.ends_with("/255.255.255.255")
                || line.ends_with("/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF")
                || (line.starts_with("DNS:") && (*line == "DNS:localhost" || line.contains('.'))),
            "a single name or address, not a range: {line} in {ext}"
        );
    }
    assert!(!permitted.contains(&"DNS:local"), "{ext}");
    let (ok, out) = openssl(&tls, &["verify", "-CAfile", "ca.pem", "server.pem"]);
    assert!(ok, "the server's own certificate verifies: {out}");

    for (i, name) in [
        "DNS:bank.example",
        "DNS:printer.local",
        "IP:10.1.2.3",
        "IP:192.168.1.77",
    ]
    .into_iter()
    .enumerate()
    {
        let (key, csr, leaf) = (
            format!("x{i}.key"),
            format!("x{i}.csr"),
            format!("x{i}.pem"),
        );
        let san = format!("subjectAltName={name}");
        let (ok, out) = openssl(
            &tls,
            &[
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &key,
                "-subj",
                "/CN=impostor",
                "-addext",
                &san,
                "-out",
                &csr,
            ],
        );
        assert!(ok, "{out}");
        let (ok, out) = openssl(
            &tls,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca-key.pem",
                "-days",
                "1",
                "-copy_extensions",
                "copy",
                "-out",
                &leaf,
            ],
        );
        assert!(ok, "{out}");
        let (ok, out) = openssl(&tls, &["verify", "-CAfile", "ca.pem", &leaf]);
        assert!(
            !ok && out.contains("subtree violation"),
            "{name} refused: {out}"
        );
    }
}
