//! Configuration: every field documented once, here. Each can be given as a flag, as the
//! environment variable named beside it, or in the configuration file (`file`), which
//! is also where the example file and `hearth config` come from.

mod file;

pub use file::{example, load, print_effective};

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
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A TOML file of settings: each key is a flag's name (`port = 8080`, `max-upload =
    /// "500MB"`); flags and environment variables override it. Used only if it exists,
    /// unless given explicitly.
    #[arg(long, env = "HEARTH_CONFIG", default_value = "hearth.toml")]
    pub config: PathBuf,

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

    /// Mark the session cookie Secure (and name it with the __Host- prefix) although
    /// Hearth itself serves plain HTTP: set it behind a proxy that serves HTTPS. With
    /// Hearth's own HTTPS it is always on.
    #[arg(long, env = "HEARTH_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// The largest file anyone may send: bytes, or a size such as 500MB or 2GiB.
    #[arg(long, env = "HEARTH_MAX_UPLOAD", default_value = "2GiB", value_parser = parse_size)]
    pub max_upload: u64,

    /// Port for HTTPS. With HTTPS on, the plain-HTTP port (--port) shows the "trust this
    /// server" page and redirects everything else here.
    #[arg(long, env = "HEARTH_HTTPS_PORT", default_value_t = 8443)]
    pub https_port: u16,

    /// Serve plain HTTP only (no certificate authority, no HTTPS port), e.g. behind a
    /// proxy that terminates TLS. Messages stay end-to-end encrypted, but browsers refuse
    /// service workers and installing the app, and an active attacker on the network
    /// could swap the app itself.
    #[arg(long, env = "HEARTH_NO_TLS", default_value_t = false)]
    pub no_tls: bool,

    /// Your own certificate (PEM, leaf first, chain after) instead of Hearth's local
    /// certificate authority; give --tls-key with it.
    #[arg(
        long,
        env = "HEARTH_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "no_tls"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "HEARTH_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// A session ends after this long without use: 30d, 12h, 90m.
    #[arg(long, env = "HEARTH_SESSION_IDLE", default_value = "30d", value_parser = parse_duration)]
    pub session_idle: std::time::Duration,

    /// A session ends this long after its login, used or not.
    #[arg(long, env = "HEARTH_SESSION_MAX", default_value = "90d", value_parser = parse_duration)]
    pub session_max: std::time::Duration,

    /// How long a client may take to send a request's headers (also the first request
    /// on a new connection, or the next one on a kept-alive connection), and how long an
    /// upload may pause, before its connection is closed: slow clients must not hold
    /// connections and memory. Same units as --session-idle.
    #[arg(long, env = "HEARTH_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: std::time::Duration,

    /// How much each person may keep stored in the files they sent (encrypted size,
    /// about the files' own size); same units as --max-upload.
    #[arg(long, env = "HEARTH_QUOTA", default_value = "10GiB", value_parser = parse_size)]
    pub quota: u64,

    /// The name this server answers to on the LAN by multicast DNS, as NAME.local (and
    /// in its certificate); empty: do not advertise.
    #[arg(long, env = "HEARTH_MDNS_NAME", default_value = "hearth")]
    pub mdns_name: String,

    /// More names this server answers to, separated by commas: a DNS entry of your own,
    /// or the name a proxy in front of it is reached by. It always answers to localhost,
    /// this machine's name (and NAME.local), --mdns-name and its addresses; a request for
    /// any other name is refused, so a web page cannot point its own domain at this
    /// server (DNS rebinding) and read it.
    #[arg(long, env = "HEARTH_NAMES", default_value = "")]
    pub names: String,

    /// Who may read /metrics: those presenting `Authorization: Bearer <token>` (set it
    /// when Prometheus runs elsewhere, or a proxy on this machine passes the LAN on).
    /// Unset: this machine only.
    #[arg(long, env = "HEARTH_METRICS_TOKEN")]
    pub metrics_token: Option<String>,

    /// Accounts one address may register in a burst before the next waits 30 s each
    /// (raise it when a whole class registers from one machine).
    #[arg(long, env = "HEARTH_REGISTRATIONS_PER_ADDRESS", default_value_t = 30)]
    pub registrations_per_address: u32,

    /// Failed sign-ins (passwords or codes, from any addresses) that lock an account:
    /// half of them pass, then each next try waits twice as long, from 10 s. Browsers the
    /// account signed in from before are not held back; its recovery key or an admin
    /// unlocks it.
    #[arg(long, env = "HEARTH_LOCK_AFTER", default_value_t = 10)]
    pub lock_after: u32,

    /// UDP port of the call relay: calls between devices that cannot reach each other
    /// directly (Wi-Fi that isolates its clients) go through it, still end-to-end
    /// encrypted. It relays only within the LAN; 0 picks a free port.
    #[arg(long, env = "HEARTH_TURN_PORT", default_value_t = 3478)]
    pub turn_port: u16,

    /// Run without the call relay: calls then work only between devices that reach each
    /// other directly.
    #[arg(long, env = "HEARTH_NO_RELAY", default_value_t = false)]
    pub no_relay: bool,

    /// Messages (with edits and reactions) one person may send per second after a burst
    /// of 60; faster ones wait their turn. Raise it for a load test.
    #[arg(long, env = "HEARTH_MESSAGE_RATE", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub message_rate: u32,
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

/// "90d", "12h", "30m", "45s" (a bare number counts seconds).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration"))?;
    let secs = match unit.trim() {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{s:?}: unknown unit (use s, m, h or d)")),
    };
    let total = num
        .checked_mul(secs)
        .ok_or_else(|| format!("{s:?} is too long"))?;
    if total == 0 {
        return Err("a session must last longer than nothing".into());
    }
    Ok(std::time::Duration::from_secs(total))
}

/// What the binary can do besides serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Serve Hearth (what `hearth` alone does).
    Serve,
    /// Print the local certificate authority's certificate (PEM), making it if needed:
    /// for putting it on devices by other means (device management, a test browser).
    Ca,
    /// Manage accounts from this terminal (works while Hearth runs).
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// Write a consistent copy of the database and the uploads to FILE (.tar.gz), while
    /// Hearth runs. SQLite only: with PostgreSQL, use pg_dump.
    Backup { file: PathBuf },
    /// Unpack a backup into the data folder, which must not hold a database yet (or give
    /// --force, with Hearth stopped).
    Restore {
        file: PathBuf,
        /// Replace the database that is there.
        #[arg(long)]
        force: bool,
    },
    /// Print the configuration in effect: every setting, its value and where it came
    /// from (flag, environment, file or default).
    Config {
        /// Print an example configuration file instead: every setting, documented,
        /// with its default.
        #[arg(long)]
        example: bool,
    },
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum AdminCommand {
    /// Make an account with a temporary password (printed); its owner chooses their own,
    /// and makes their keys, at their first login.
    Create {
        username: String,
        /// Make it an admin.
        #[arg(long)]
        admin: bool,
    },
    /// Give an account a temporary password (printed) and end its sessions. Its owner
    /// gets new keys at their next login: history sealed to the old ones is lost to them
    /// (with their recovery key, "Forgot password" keeps it). Two-step login stays on.
    ResetPassword {
        username: String,
        /// Turn off two-step login too (its owner lost their authenticator as well).
        #[arg(long)]
        two_step: bool,
    },
    /// List the accounts.
    List,
}

impl Config {
    pub fn tls_path(&self) -> PathBuf {
        self.data.join("tls")
    }

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

    #[test]
    fn durations_parse() {
        use super::parse_duration;
        assert_eq!(parse_duration("90d").unwrap().as_secs(), 90 * 86_400);
        assert_eq!(parse_duration("12h").unwrap().as_secs(), 43_200);
        assert_eq!(parse_duration("45").unwrap().as_secs(), 45);
        assert!(parse_duration("0d").is_err());
        assert!(parse_duration("3 fortnights").is_err());
        assert!(parse_duration("99999999999999999d").is_err());
    }
}
