//! HTTPS on the LAN. By default Hearth is its own certificate authority (`ca`): devices
//! trust it once from the "trust this server" page on the plain-HTTP port (`trust`), and
//! from then on the app is served over HTTPS, where browsers allow what a PWA needs
//! (service workers, Secure cookies, notifications). An admin may bring their own
//! certificate instead, or turn HTTPS off.

pub mod ca;
pub mod trust;

use crate::error::{Error, Result};
use axum_server::tls_rustls::RustlsConfig;
use ca::Authority;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// sqlx brings rustls with ring; rustls refuses to pick a provider by itself when it
/// could be ambiguous, so the process says which, once, before any TLS is set up.
pub fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// This machine's name, reduced to what a DNS label may hold ("hearth" if it has none).
pub fn host_name() -> String {
    let raw = hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_default();
    let first = raw.split('.').next().unwrap_or_default();
    let clean: String = first
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .trim_matches('-')
        .to_ascii_lowercase();
    if clean.is_empty() {
        "hearth".into()
    } else {
        clean.chars().take(63).collect()
    }
}

/// Every name the server certificate should cover now: localhost, loopback, the LAN
/// addresses (or the one bound), the host's name, its mDNS name and the name Hearth
/// advertises (`mdns`.local, unless empty), and the names the admin added (`--names`).
/// Of IPv6 only loopback, or the address bound:
/// a LAN is reached by IPv4 or by name, and IPv6 privacy addresses change every day,
/// which would make a new CA (and devices trust it again) every day.
pub fn current_names(bound: IpAddr, host: &str, mdns: &str, extra: &[String]) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".into(),
        "::1".into(),
        host.to_string(),
        format!("{host}.local"),
    ];
    if !mdns.is_empty() {
        names.push(format!("{}.local", mdns.to_ascii_lowercase()));
    }
    names.extend(extra.iter().cloned());
    if bound.is_unspecified() {
        if let Ok(ifs) = if_addrs::get_if_addrs() {
            names.extend(
                ifs.into_iter()
                    .map(|i| i.ip())
                    .filter(|ip| ip.is_ipv4() || ip.is_loopback())
                    .map(|ip| ip.to_string()),
            );
        }
    } else {
        names.push(bound.to_string());
    }
    names.sort();
    names.dedup();
    names
}

/// The local CA in use: replaced, while the server runs, when the server's names or
/// addresses outgrow it (`ca`), so the trust page always offers the one that signed the
/// certificate being served.
pub struct Local {
    dir: std::path::PathBuf,
    current: std::sync::RwLock<Arc<Authority>>,
}

impl Local {
    pub fn ca(&self) -> Arc<Authority> {
        match self.current.read() {
            Ok(ca) => ca.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// A server certificate and key (PEM) for `names`, from a new CA if the current one
    /// may not sign for them all.
    pub fn issue(&self, names: &[String]) -> Result<(String, String)> {
        let mut ca = self.ca();
        if !ca.fits(names) {
            ca = Arc::new(Authority::load_or_create(&self.dir, &host_name(), names)?);
            match self.current.write() {
                Ok(mut slot) => *slot = ca.clone(),
                Err(poisoned) => *poisoned.into_inner() = ca.clone(),
            }
        }
        ca.server_cert(names)
    }
}

/// The local CA (made if missing, or anew if the server's names outgrew it) and a rustls
/// configuration for its current server certificate.
pub async fn local(
    dir: &Path,
    bound: IpAddr,
    mdns: &str,
    extra: &[String],
) -> Result<(Arc<Local>, RustlsConfig)> {
    let host = host_name();
    let names = current_names(bound, &host, mdns, extra);
    let ca = Authority::load_or_create(dir, &host, &names)?;
    let local = Arc::new(Local {
        dir: dir.into(),
        current: std::sync::RwLock::new(Arc::new(ca)),
    });
    let (cert, key) = local.issue(&names)?;
    let config = RustlsConfig::from_pem(cert.into_bytes(), key.into_bytes())
        .await
        .map_err(|e| Error::Config(format!("the server certificate: {e}")))?;
    Ok((local, config))
}

/// A certificate and key the admin brought (PEM files; the chain may follow the leaf).
pub async fn own(cert: &Path, key: &Path) -> Result<RustlsConfig> {
    RustlsConfig::from_pem_chain_file(cert, key)
        .await
        .map_err(|e| Error::Config(format!("{} / {}: {e}", cert.display(), key.display())))
}

/// Laptops move between networks and DHCP hands out new leases: every few minutes the
/// names are looked at again, and a certificate covering the new ones replaces the old
/// one without a restart (open connections keep theirs).
pub fn watch(
    ca: Arc<Local>,
    config: RustlsConfig,
    bound: IpAddr,
    mdns: String,
    extra: Vec<String>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        tick.tick().await;
        loop {
            tick.tick().await;
            let names = current_names(bound, &host_name(), &mdns, &extra);
            let issued = {
                let ca = ca.clone();
                tokio::task::spawn_blocking(move || ca.issue(&names)).await
            };
            match issued {
                Ok(Ok((cert, key))) => {
                    if let Err(e) = config
                        .reload_from_pem(cert.into_bytes(), key.into_bytes())
                        .await
                    {
                        tracing::error!("reloading the server certificate: {e}");
                    }
                }
                Ok(Err(e)) => tracing::error!("re-issuing the server certificate: {e}"),
                Err(e) => tracing::error!("re-issuing the server certificate: {e}"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cover_loopback_and_the_host() {
        let extra = ["chat.home.arpa".to_string()];
        let n = current_names("192.168.7.7".parse().unwrap(), "box", "hearth", &extra);
        for want in [
            "localhost",
            "127.0.0.1",
            "::1",
            "box",
            "box.local",
            "hearth.local",
            "chat.home.arpa",
            "192.168.7.7",
        ] {
            assert!(n.iter().any(|x| x == want), "{want} in {n:?}");
        }
        let h = host_name();
        assert!(!h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
