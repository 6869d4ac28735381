//! The Hearth server under test: started here on a temporary data folder, so its memory
//! and CPU can be read from /proc.

use anyhow::{Context as _, bail};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Hearth {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub ready_ms: u128,
    _data: tempfile::TempDir,
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// A free loopback port (another process could take it first; on a bench machine it does
/// not happen).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Resident memory of a process, in bytes.
pub fn rss_of(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("VmRSS")?;
    Ok(kib * 1024)
}

impl Hearth {
    pub async fn start(bin: &Path, site: &Path) -> anyhow::Result<Self> {
        let data = tempfile::tempdir()?;
        let port = free_port()?;
        // With HEARTH_LOG (a RUST_LOG filter for the server), its log is kept in
        // hearth-load-server.log here; otherwise it goes with the data folder.
        let log = match std::env::var_os("HEARTH_LOG") {
            Some(_) => std::fs::File::create("hearth-load-server.log")?,
            None => std::fs::File::create(data.path().join("server.log"))?,
        };
        let started = Instant::now();
        let child = Command::new(bin)
            .args(["--addr", "127.0.0.1", "--no-tls", "--mdns-name", ""])
            .args(["--port", &port.to_string()])
            // The bulk path: one machine registers every account of the run.
            .args(["--registrations-per-address", "1000000"])
            // The server is measured, not its flood control (10 messages/s per person).
            .args(["--message-rate", "1000000"])
            .arg("--data")
            .arg(data.path())
            .arg("--site")
            .arg(site)
            .env(
                "RUST_LOG",
                std::env::var("HEARTH_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            // The server logs to standard output; its errors to standard error.
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        loop {
            if let Ok(r) = http.get(format!("{base}/healthz")).send().await
                && r.status().is_success()
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("hearth did not answer within 30 s (see its log)");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Ok(Self {
            ready_ms: started.elapsed().as_millis(),
            child,
            base,
            _data: data,
        })
    }

    pub fn rss(&self) -> anyhow::Result<u64> {
        rss_of(self.child.id())
    }

    /// Reads the resident memory from elsewhere (a sampling task).
    pub fn rss_reader(&self) -> impl Fn() -> anyhow::Result<u64> + Send + 'static {
        let pid = self.child.id();
        move || rss_of(pid)
    }

    /// User and system CPU time the server has used, in seconds.
    pub fn cpu_secs(&self) -> anyhow::Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // The fields after the command name, which is in parentheses.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).context("stat")?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = f[11].parse::<u64>()? + f[12].parse::<u64>()?;
        Ok(ticks as f64 / 100.0)
    }
}

impl Drop for Hearth {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
