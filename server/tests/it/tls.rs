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
