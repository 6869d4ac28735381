//! The local certificate authority: made once, kept in the data folder, trusted once by
//! each device; it signs the server's certificate, which is re-issued whenever the
//! server's names or addresses change.
//!
//! The CA is name-constrained to exactly the names and addresses the server had when it
//! was made (`signable`: localhost, names with a dot such as NAME.local, and addresses).
//! Installing a root certificate is a big thing to ask of people; with the constraint,
//! someone who steals its key can impersonate this server, but nothing else: not a bank,
//! not the printer, not another machine on the LAN. When the server gets a name or an
//! address its CA may not sign for, a new CA is made for the new set, and the trust page
//! says it replaces the old one, which devices must then trust anew.

use crate::auth::write_private;
use crate::error::{Error, Result};
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SanType, SerialNumber,
};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};

/// The longest validity Apple accepts for a certificate under a user-installed root.
pub const SERVER_DAYS: i64 = 825;
/// Re-issue this long before expiry, so a server left running never serves an expired one.
const RENEW_DAYS: i64 = 30;
const CA_YEARS: i64 = 10;

/// What is kept beside the CA's key so the issuer can be rebuilt byte for byte.
#[derive(Serialize, Deserialize)]
struct CaInfo {
    name: String,
    dns: Vec<String>,
    ips: Vec<String>,
    /// When it was made (ms since the epoch; 0 for CAs made before this was kept).
    #[serde(default)]
    made_at: i64,
    /// The name of the CA it replaced, when the server's names outgrew that one.
    #[serde(default)]
    replaces: Option<String>,
}

/// What the current server certificate covers, so a restart knows whether to re-issue.
#[derive(Serialize, Deserialize)]
struct LeafInfo {
    names: Vec<String>,
    not_after: i64,
    /// The issuing CA's fingerprint: a CA made anew (its files deleted) must not leave
    /// a certificate from the old one in use, which browsers trusting the new would refuse.
    #[serde(default)]
    issuer: String,
}

pub struct Authority {
    dir: PathBuf,
    info: CaInfo,
    key: KeyPair,
    /// The CA certificate, PEM and DER, for the trust page.
    pub pem: String,
    pub der: Vec<u8>,
}

fn err(what: &str) -> impl Fn(rcgen::Error) -> Error + '_ {
    move |e| Error::Config(format!("{what}: {e}"))
}

fn read(path: &Path) -> Result<String> {
    Ok(std::fs::read_to_string(path)?)
}

/// Whether a CA may be constrained to `name` without covering more than it: an address
/// (exactly), localhost, or a name with a dot. A bare name is left out: the constraint
/// "dev" would let the CA sign for the whole `.dev` top-level domain.
pub fn signable(name: &str) -> bool {
    name.parse::<IpAddr>().is_ok()
        || name == "localhost"
        || (name.contains('.') && !name.starts_with('.') && !name.ends_with('.'))
}

impl Authority {
    /// Loads the CA from `dir` if it may sign for every signable one of `names` (the
    /// server's names and addresses now) and for nothing broader, or makes a new one
    /// constrained to exactly those, replacing the old one.
    pub fn load_or_create(dir: &Path, host: &str, names: &[String]) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let old = match dir.join("ca-key.pem").exists() {
            true => Some(Self::load(dir)?),
            false => None,
        };
        match old {
            Some(ca) if ca.fits(names) => Ok(ca),
            Some(ca) => Self::create(dir, host, names, Some(ca.info.name)),
            // Restored from a backup, which leaves the key out: the certificate says
            // which CA the devices trusted until now.
            None => Self::create(dir, host, names, Self::name_in(dir)),
        }
    }

    fn name_in(dir: &Path) -> Option<String> {
        let info = read(&dir.join("ca.json")).ok()?;
        Some(serde_json::from_str::<CaInfo>(&info).ok()?.name)
    }

    fn load(dir: &Path) -> Result<Self> {
        let key = KeyPair::from_pem(&read(&dir.join("ca-key.pem"))?).map_err(err("the CA key"))?;
        let info_path = dir.join("ca.json");
        let info: CaInfo = serde_json::from_str(&read(&info_path)?)
            .map_err(|e| Error::Config(format!("{}: {e}", info_path.display())))?;
        let pem = read(&dir.join("ca.pem"))?;
        let der = pem_to_der(&pem)?;
        Ok(Self {
            dir: dir.into(),
            info,
            key,
            pem,
            der,
        })
    }

    /// Whether this CA may sign for all of `names` that a CA may name, and is constrained
    /// to single names and addresses only (a CA from before, made for `.local` and every
    /// private range, is not).
    pub fn fits(&self, names: &[String]) -> bool {
        let exact = !self.info.dns.iter().any(|d| !signable(d) || d == "local")
            && self.info.ips.iter().all(|r| {
                r.split_once('/').is_some_and(|(ip, prefix)| {
                    ip.parse::<IpAddr>()
                        .is_ok_and(|ip| prefix.parse::<u8>() == Ok(full(ip)))
                })
            });
        exact
            && names
                .iter()
                .filter(|n| signable(n))
                .all(|n| self.permits(n))
    }

    fn create(dir: &Path, host: &str, names: &[String], replaces: Option<String>) -> Result<Self> {
        let tag = hex(&protocol::crypto::random_array::<3>()?);
        let (mut dns, mut ips) = (Vec::new(), Vec::new());
        for n in names.iter().filter(|n| signable(n)) {
            match n.parse::<IpAddr>() {
                Ok(ip) => ips.push(format!("{ip}/{}", full(ip))),
                Err(_) => dns.push(n.to_ascii_lowercase()),
            }
        }
        for list in [&mut dns, &mut ips] {
            list.sort();
            list.dedup();
        }
        let now = OffsetDateTime::now_utc();
        let info = CaInfo {
            name: format!("Hearth on {host} ({tag})"),
            dns,
            ips,
            made_at: crate::db::now_ms(),
            replaces,
        };
        let key = KeyPair::generate().map_err(err("making the CA key"))?;
        let mut params = ca_params(&info)?;
        params.not_before = now - Duration::hours(1);
        params.not_after = now + Duration::days(365 * CA_YEARS);
        params.serial_number = Some(serial()?);
        let cert = params.self_signed(&key).map_err(err("signing the CA"))?;
        let key_path = dir.join("ca-key.pem");
        let _ = std::fs::remove_file(&key_path);
        write_private(&key_path, key.serialize_pem().as_bytes())?;
        std::fs::write(dir.join("ca.pem"), cert.pem())?;
        std::fs::write(
            dir.join("ca.json"),
            serde_json::to_vec_pretty(&info).unwrap_or_default(),
        )?;
        match &info.replaces {
            Some(old) => tracing::warn!(ca = %info.name, replaces = %old,
                "made a new certificate authority: the server has names the old one may not sign for; devices must trust the new one"),
            None => tracing::info!(ca = %info.name, "made a local certificate authority"),
        }
        Ok(Self {
            dir: dir.into(),
            der: cert.der().to_vec(),
            pem: cert.pem(),
            info,
            key,
        })
    }

    /// The CA this one replaced, and when this one was made (ms since the epoch).
    pub fn replaced(&self) -> Option<(&str, i64)> {
        self.info
            .replaces
            .as_deref()
            .map(|old| (old, self.info.made_at))
    }

    pub fn name(&self) -> &str {
        &self.info.name
    }

    /// Whether this CA may sign for `name` (a certificate naming anything else would be
    /// refused by every browser that checks name constraints).
    pub fn permits(&self, name: &str) -> bool {
        match name.parse::<IpAddr>() {
            Ok(ip) => permitted_ip(&self.info.ips, ip),
            Err(_) => permitted_dns(&self.info.dns, name),
        }
    }

    /// The server certificate and key (PEM) for `names`, re-issued if the one on disk
    /// misses a name or is near expiry. Names the CA may not sign for are left out.
    pub fn server_cert(&self, names: &[String]) -> Result<(String, String)> {
        let mut names: Vec<String> = names.iter().filter(|n| self.permits(n)).cloned().collect();
        names.sort();
        names.dedup();
        let (cert_path, key_path, info_path) = (
            self.dir.join("server.pem"),
            self.dir.join("server-key.pem"),
            self.dir.join("server.json"),
        );
        let now = OffsetDateTime::now_utc();
        let ca_print = fingerprint(&self.der);
        if let Ok(info) = read(&info_path).map(|s| serde_json::from_str::<LeafInfo>(&s)) {
            let fresh = info.as_ref().is_ok_and(|i| {
                names.iter().all(|n| i.names.contains(n))
                    && i.not_after - now.unix_timestamp() > RENEW_DAYS * 86_400
                    && i.issuer == ca_print
            });
            if fresh {
                if let (Ok(c), Ok(k)) = (read(&cert_path), read(&key_path)) {
                    return Ok((c, k));
                }
            }
        }
        let key = KeyPair::generate().map_err(err("making the server key"))?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err("names"))?;
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, "Hearth");
        for n in &names {
            params.subject_alt_names.push(match n.parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(n.as_str().try_into().map_err(err("a host name"))?),
            });
        }
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        params.not_before = now - Duration::hours(1);
        params.not_after = now + Duration::days(SERVER_DAYS);
        params.serial_number = Some(serial()?);
        let issuer = Issuer::new(ca_params(&self.info)?, &self.key);
        let cert = params.signed_by(&key, &issuer).map_err(err("signing"))?;
        let (cert_pem, key_pem) = (cert.pem(), key.serialize_pem());
        let _ = std::fs::remove_file(&key_path);
        write_private(&key_path, key_pem.as_bytes())?;
        std::fs::write(&cert_path, &cert_pem)?;
        let info = LeafInfo {
            names: names.clone(),
            not_after: params.not_after.unix_timestamp(),
            issuer: ca_print,
        };
        std::fs::write(&info_path, serde_json::to_vec(&info).unwrap_or_default())?;
        tracing::info!(names = ?names, "issued the server certificate");
        Ok((cert_pem, key_pem))
    }
}

/// The CA's parameters, the same every time for the same `info` (the issuer name in
/// each server certificate must match the CA's subject byte for byte).
fn ca_params(info: &CaInfo) -> Result<CertificateParams> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err("CA"))?;
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, info.name.as_str());
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Hearth");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let mut permitted: Vec<GeneralSubtree> = info
        .dns
        .iter()
        .map(|d| GeneralSubtree::DnsName(d.clone()))
        .collect();
    for ip in &info.ips {
        let subnet: CidrSubnet = ip
            .parse()
            .map_err(|_| Error::Config(format!("{ip} is not an address range")))?;
        permitted.push(GeneralSubtree::IpAddress(subnet));
    }
    params.name_constraints = Some(NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: vec![],
    });
    Ok(params)
}

fn full(ip: IpAddr) -> u8 {
    if ip.is_ipv4() { 32 } else { 128 }
}

fn permitted_ip(ranges: &[String], ip: IpAddr) -> bool {
    ranges.iter().any(|r| {
        let Some((net, prefix)) = r.split_once('/') else {
            return false;
        };
        let (Ok(net), Ok(prefix)) = (net.parse::<IpAddr>(), prefix.parse::<u32>()) else {
            return false;
        };
        match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    })
}

/// RFC 5280 DNS subtrees: the name itself or any name under it.
fn permitted_dns(subtrees: &[String], name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    subtrees.iter().any(|t| {
        let t = t.to_ascii_lowercase();
        name == t || name.ends_with(&format!(".{t}"))
    })
}

fn serial() -> Result<SerialNumber> {
    let mut bytes = protocol::crypto::random_array::<16>()?;
    bytes[0] &= 0x7f; // positive, as DER integers for serials must be
    bytes[0] |= 0x01; // and no leading zero byte to strip
    Ok(SerialNumber::from_slice(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 fingerprint as certificate dialogs show it ("AB:CD:…").
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::Digest;
    let hex: Vec<String> = sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    hex.join(":")
}

/// The DER inside a one-certificate PEM.
pub fn pem_to_der(pem: &str) -> Result<Vec<u8>> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .map_err(|_| Error::Config("the CA certificate is not PEM".into()))
}

#[cfg(test)]
mod tests;
