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

    /// Folder for the SQLite database, the server secret and (later) uploads. Created if
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
}
