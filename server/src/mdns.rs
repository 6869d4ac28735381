//! Advertising the server on the LAN by multicast DNS: `hearth.local` (the name is
//! configurable) answers with this machine's addresses, and the service shows up for
//! browsers of `_https._tcp` / `_http._tcp`. Phones and laptops on the LAN can then type
//! the name instead of an address. Best effort: a network without multicast still has
//! the addresses printed at start.

use crate::error::{Error, Result};
use mdns_sd::{ServiceDaemon, ServiceInfo};

/// Checks a name for `NAME.local`: one DNS label, letters, digits and '-'.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Starts answering for `NAME.local` on every interface; keep the daemon for as long as
/// the name should answer.
pub fn advertise(name: &str, port: u16, https: bool) -> Result<ServiceDaemon> {
    if !valid_name(name) {
        return Err(Error::Config(format!(
            "{name:?} cannot be a .local name: use letters, digits and '-'"
        )));
    }
    let fail = |e: mdns_sd::Error| Error::Config(format!("mDNS: {e}"));
    let daemon = ServiceDaemon::new().map_err(fail)?;
    let kind = if https {
        "_https._tcp.local."
    } else {
        "_http._tcp.local."
    };
    let host = format!("{}.local.", name.to_ascii_lowercase());
    let info = ServiceInfo::new(kind, "Hearth", &host, "", port, &[("path", "/")][..])
        .map_err(fail)?
        // The addresses of every interface, kept current as they change.
        .enable_addr_auto();
    daemon.register(info).map_err(fail)?;
    Ok(daemon)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert!(super::valid_name("hearth"));
        assert!(super::valid_name("lab-2"));
        assert!(!super::valid_name("my hearth"));
        assert!(!super::valid_name("-x"));
        assert!(!super::valid_name("a.b"));
    }
}
