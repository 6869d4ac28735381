//! The `hearth` binary itself, run as a child process: for what needs a process (killing
//! it, or several on one database).

use super::Api;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Process {
    pub api: Api,
    child: Child,
    /// What it printed: the addresses, and the setup code while it has no admin.
    stdout: PathBuf,
}

impl std::ops::Deref for Process {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A stand-in for the built web client: the server only checks that it is there.
fn site(data: &Path) -> PathBuf {
    let site = data.join("site");
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    std::fs::write(site.join("pkg/hearth_bg.wasm"), b"\0asm").expect("wasm");
    site
}

/// A free port on the loopback (another process could take it before the server binds
/// it; on a test machine that does not happen).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("0.0.0.0:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Starts `hearth` on plain HTTP with its data in `data` (and the database at
/// `database_url`, if given) and waits until it answers /healthz.
pub async fn spawn(data: &Path, database_url: Option<&str>) -> Process {
    spawn_at(data, database_url, [127, 0, 0, 1].into(), &[]).await
}

/// `spawn` listening on `ip`, with more flags.
pub async fn spawn_at(
    data: &Path,
    database_url: Option<&str>,
    ip: std::net::IpAddr,
    flags: &[&str],
) -> Process {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
    cmd.args([
        "--addr",
        &ip.to_string(),
        "--no-tls",
        "--port",
        &port.to_string(),
    ])
    .args(flags)
    .arg("--data")
    .arg(data)
    .arg("--site")
    .arg(site(data))
    .env("RUST_LOG", "warn")
    .env_remove("DATABASE_URL")
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(data.join("stdout.txt")).expect("stdout file"));
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let child = cmd.spawn().expect("start hearth");
    let addr = SocketAddr::new(ip, port);
    let api = Api {
        addr,
        http: reqwest::Client::new(),
        scheme: "http",
    };
    let mut p = Process {
        api,
        child,
        stdout: data.join("stdout.txt"),
    };
    let start = Instant::now();
    loop {
        if let Ok(r) = p.http.get(p.url("/healthz")).send().await
            && r.status() == 200
        {
            return p;
        }
        if let Ok(Some(status)) = p.child.try_wait() {
            panic!("hearth exited at start: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "hearth did not answer within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Process {
    /// The server's process id (for its memory in /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The setup code it printed at start, if it did.
    pub fn printed_setup_code(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.stdout).unwrap_or_default();
        let mut lines = text.lines();
        lines.find(|l| l.contains("register with the setup code"))?;
        lines.next().map(|l| l.trim().to_owned())
    }

    /// SIGKILL: no shutdown, no checkpoint, as a power cut would leave it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `hearth` with `args` (a command, not the server) and returns its exit status's
/// success and its standard output.
pub fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .output()
        .expect("run hearth");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}
