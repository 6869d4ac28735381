//! Configuration: every field documented once, here. Each can be given as a flag or as
//! the environment variable named beside it.

use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "hearth",
    version,
    about = "Private, end-to-end encrypted chat for your local network"
)]
pub struct Config {
    /// Address to listen on; 0.0.0.0 means every network interface (the LAN can reach it).
    #[arg(long, env = "HEARTH_ADDR", default_value = "0.0.0.0")]
    pub addr: IpAddr,

    /// TCP port to listen on; 0 picks a free one (tests).
    #[arg(long, env = "HEARTH_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Folder for the SQLite database, the server secret and the uploads. Created if
    /// missing. Back it up; it holds only ciphertext and public keys.
    #[arg(long, env = "HEARTH_DATA", default_value = "data")]
    pub data: PathBuf,

    /// Database URL. Defaults to a SQLite file in the data folder; give
    /// postgres://user:pass@host/db for PostgreSQL.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Folder holding the built web client (pkg/hearth.js, pkg/hearth_bg.wasm, style).
    #[arg(long, env = "HEARTH_SITE", default_value = "target/site")]
    pub site: PathBuf,

    /// Mark the session cookie Secure. Set when Hearth is reached over HTTPS (directly or
    /// behind a proxy); browsers drop Secure cookies on plain http://.
    #[arg(long, env = "HEARTH_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// The largest file anyone may send: bytes, or a size such as 500MB or 2GiB.
    #[arg(long, env = "HEARTH_MAX_UPLOAD", default_value = "2GiB", value_parser = parse_size)]
    pub max_upload: u64,

    /// How much each person may keep stored in the files they sent (encrypted size,
    /// about the files' own size); same units as --max-upload.
    #[arg(long, env = "HEARTH_QUOTA", default_value = "10GiB", value_parser = parse_size)]
    pub quota: u64,
}

/// "1048576", "500MB", "500M", "2GiB", "2G" (K, M, G and T count in 1024s here: a
/// disk-size setting, not a marketing one).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: u64 = num.parse().map_err(|_| format!("{s:?} is not a size"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("{s:?}: unknown unit (use KiB, MiB, GiB or TiB)")),
    };
    num.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("{s:?} is too large"))
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("hearth.db").display()))
    }

    pub fn secret_path(&self) -> PathBuf {
        self.data.join("server.secret")
    }

    pub fn uploads_path(&self) -> PathBuf {
        self.data.join("uploads")
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("500 MB"), Ok(500 << 20));
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("3k"), Ok(3072));
        assert!(parse_size("2 parsecs").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999T").is_err());
    }
}
