//! `hearth`: start-up as a checklist.

use anyhow::Context as _;
use server::auth::{ServerSecret, SessionPolicy};
use server::config::{Command, Config};
use server::files::FileStore;
use server::limit::Limits;
use server::tls;
use server::{db, net, router, serve, state::Hearth};
use std::sync::Arc;

#[tokio::main]
async fn main() {
    // A failure is one line for the person at the terminal (the log has the details).
    if let Err(e) = run().await {
        eprintln!("hearth: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    // 0. What this process writes is its owner's alone (`private`).
    server::private::restrict_new_files();

    // 1. Logging: RUST_LOG overrides; never a password, key, token or ciphertext.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm_migration=warn".into()),
        )
        .init();

    // 2. Configuration from flags, environment and the file; one TLS provider for the
    //    process. The other commands run and return here.
    let loaded = server::config::load().unwrap_or_else(|e| e.exit());
    let config = loaded.config.clone();
    tls::install_provider();
    match &config.command {
        None | Some(Command::Serve) => {}
        Some(Command::Config { example }) => {
            match example {
                true => print!("{}", server::config::example()),
                false => print!("{}", server::config::print_effective(&loaded)),
            }
            return Ok(());
        }
        Some(command) => return Ok(server::cli::run(&config, command).await?),
    }

    anyhow::ensure!(
        config.mdns_name.is_empty() || server::mdns::valid_name(&config.mdns_name),
        "--mdns-name {:?}: use letters, digits and '-' (or nothing, to not advertise)",
        config.mdns_name
    );

    // 3. The data folder, and the server secret inside it.
    server::private::data_folder(&config.data)
        .with_context(|| format!("creating {}", config.data.display()))?;
    let secret = ServerSecret::load_or_create(&config.secret_path())?;

    // 4. The web client must have been built.
    let wasm = config.site.join("pkg/hearth_bg.wasm");
    anyhow::ensure!(
        wasm.exists(),
        "{} is missing: build the web client first (see README.md)",
        wasm.display()
    );

    // 5. Database: connect and migrate.
    let db = db::connect(&config.database_url())
        .await
        .context("opening the database")?;

    //    Until someone is its admin, a setup code (printed below) makes them one.
    let setup_code = db::setup_code::ensure(&db)
        .await
        .context("reading the setup code")?;

    // 6. The upload folder; uploads left over from a crash or abandoned are removed.
    let mut files = FileStore::open(config.uploads_path(), config.max_upload, config.quota)
        .context("opening the upload folder")?;
    files.idle = config.request_timeout;

    // 7. HTTPS: the local certificate authority (made on first start, and anew when the
    //    server's names outgrow it), the admin's own certificate, or none.
    let extra = server::host::extra_names(&config.names);
    let (rustls, ca) = if config.no_tls {
        (None, None)
    } else if let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) {
        (Some(tls::own(cert, key).await?), None)
    } else {
        let (ca, rustls) =
            tls::local(&config.tls_path(), config.addr, &config.mdns_name, &extra).await?;
        tls::watch(
            ca.clone(),
            rustls.clone(),
            config.addr,
            config.mdns_name.clone(),
            extra.clone(),
        );
        (Some(rustls), Some(ca))
    };

    // 8. Shared state and routes.
    let state = Hearth::new(
        db,
        secret,
        SessionPolicy {
            idle: config.session_idle,
            max: config.session_max,
            secure: rustls.is_some() || config.secure_cookies,
        },
        files,
        Limits::with_rate(config.registrations_per_address, config.message_rate)
            .with_lockout(config.lock_after),
        server::metrics::Metrics::with_token(config.metrics_token.clone()),
    );
    start_relay(&config, &state).await;
    let swept = server::files::sweep::sweep(&state).await?;
    if swept > 0 {
        tracing::info!(removed = swept, "removed orphaned uploads");
    }
    server::files::sweep::spawn(state.clone());
    server::lockout::spawn_sweep(state.clone());
    server::sessions::spawn_check(state.clone());
    // With PostgreSQL, other Hearth processes may share the database: live events cross.
    server::bus::start(&state.db, state.hub.clone())
        .await
        .context("listening for the other processes")?;
    let stopping = stopping(state.clone());
    let database = state.db.clone();
    let writer = state.ingest.clone();
    // Only requests for this server's own names (`host`), on either port.
    let names = Arc::new(server::host::Names::new(
        config.addr,
        &tls::host_name(),
        &config.mdns_name.to_ascii_lowercase(),
        &extra,
    ));
    let app = serve::deadline(router::build(state, &config.site), config.request_timeout);
    let app = server::host::guarded(app, names.clone());

    // 9. Listen, and say where.
    let http = tokio::net::TcpListener::bind((config.addr, config.port))
        .await
        .with_context(|| format!("listening on {}:{}", config.addr, config.port))?;
    let http_at = http.local_addr()?;
    let Some(rustls) = rustls else {
        let urls = net::lan_urls(http_at, "http");
        println!("Hearth is running. Open it from any device on this network:");
        let _mdns = advertise(&config, http_at, "http");
        on_this_machine(http_at, "http");
        print_urls(&urls);
        println!(
            "Plain HTTP: messages stay end-to-end encrypted, but an active attacker on the LAN could swap the app, and phones cannot install it."
        );
        print_setup_code(setup_code.as_deref());
        tracing::info!(%http_at, "listening");
        // 10. Serve until Ctrl-C, SIGTERM or an admin's /shutdown.
        serve::plain(http, app, config.request_timeout, stopping).await?;
        // 11. Store the messages already handed over; leave the database whole.
        writer.finish().await;
        return Ok(db::close(database).await?);
    };
    let https = std::net::TcpListener::bind((config.addr, config.https_port))
        .with_context(|| format!("listening on {}:{}", config.addr, config.https_port))?;
    let https_at = https.local_addr()?;
    println!("Hearth is running. Open it from any device on this network:");
    let _mdns = advertise(&config, https_at, "https");
    for url in net::lan_urls(https_at, "https") {
        println!("  {url}");
    }
    on_this_machine(https_at, "https");
    if let Some(ca) = ca.as_ref().map(|local| local.ca()) {
        if let Some((old, _)) = ca.replaced() {
            println!(
                "This server's names or addresses changed: {} replaces {old}, and devices must trust it anew.",
                ca.name()
            );
        }
        println!(
            "First time on a device? Open this to trust the server ({}):",
            ca.name()
        );
        println!(
            "  (its certificate's SHA-256: {})",
            tls::ca::fingerprint(&ca.der)
        );
        print_urls(&net::lan_urls(http_at, "http"));
    }
    print_setup_code(setup_code.as_deref());
    tracing::info!(%http_at, %https_at, "listening");
    let plain_app = server::host::guarded(
        router::secured(tls::trust::routes(ca, https_at.port())),
        names,
    );

    // 10. Serve until Ctrl-C, SIGTERM or an admin's /shutdown.
    let timeout = config.request_timeout;
    serve::both(http, plain_app, https, app, rustls, timeout, stopping).await?;
    // 11. Store the messages already handed over; leave the database whole.
    writer.finish().await;
    Ok(db::close(database).await?)
}

/// 8b. The call relay on the server's own addresses, unless it is off. A port that is
///     taken costs only relayed calls, so the server starts anyway, and says so.
async fn start_relay(config: &Config, state: &Hearth) {
    if config.no_relay {
        return;
    }
    let ips = server::relay::addresses(config.addr);
    let key = state.secret.derive(b"hearth/v1/relay");
    match server::relay::Relay::start(&ips, config.turn_port, key).await {
        Ok(relay) => {
            tracing::info!(port = relay.port(), "call relay listening");
            let _ = state.relay.set(relay);
        }
        Err(e) => println!(
            "The call relay could not start ({e}): calls work only between devices that reach each other directly. Choose another --turn-port, or --no-relay."
        ),
    }
}

/// While the server has no admin: the code that makes whoever registers with it the admin.
fn print_setup_code(code: Option<&str>) {
    if let Some(code) = code {
        println!("No admin yet. To become this server's admin, register with the setup code");
        println!("  {code}");
        println!("(or run `hearth admin create NAME --admin`). Without it, accounts are ordinary.");
    }
}

/// Resolves when it is time to stop: then sockets close with 1001 and, whatever still
/// hangs, the process ends within five seconds.
async fn stopping(state: Arc<Hearth>) {
    shutdown(state.stop.clone()).await;
    state.hub.going_away();
    tokio::spawn(async {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        tracing::warn!("shutdown took more than 5 s; exiting now");
        std::process::exit(0);
    });
}

/// Answers to NAME.local on the LAN while the returned daemon lives (not when bound to
/// loopback only, nor with an empty name); says so beside the addresses.
fn advertise(
    config: &Config,
    at: std::net::SocketAddr,
    scheme: &str,
) -> Option<mdns_sd::ServiceDaemon> {
    let name = &config.mdns_name;
    if name.is_empty() || at.ip().is_loopback() {
        return None;
    }
    match server::mdns::advertise(name, at.port(), scheme == "https") {
        Ok(daemon) => {
            println!(
                "  {scheme}://{name}.local:{}  (by name, on devices that support mDNS)",
                at.port()
            );
            Some(daemon)
        }
        Err(e) => {
            tracing::warn!("not advertised on the LAN by name: {e}");
            None
        }
    }
}

/// Prints the address for the person at the server itself, when it listens there.
fn on_this_machine(at: std::net::SocketAddr, scheme: &str) {
    if let Some(url) = this_machine(at, scheme) {
        println!("  {url}  (on this machine)");
    }
}

fn this_machine(at: std::net::SocketAddr, scheme: &str) -> Option<String> {
    (at.ip().is_unspecified() || at.ip().is_loopback())
        .then(|| format!("{scheme}://localhost:{}", at.port()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_person_at_the_server_is_given_localhost() {
        let at = |a: &str| a.parse().expect("an address");
        let url = super::this_machine(at("0.0.0.0:8443"), "https");
        assert_eq!(url.as_deref(), Some("https://localhost:8443"));
        let url = super::this_machine(at("127.0.0.1:8080"), "http");
        assert_eq!(url.as_deref(), Some("http://localhost:8080"));
        assert_eq!(super::this_machine(at("192.0.2.7:8443"), "https"), None);
    }
}

fn print_urls(urls: &[String]) {
    for url in urls {
        println!("  {url}");
    }
    if let Some(code) = urls.first().and_then(|u| net::qr(u)) {
        println!("{code}");
    }
}

/// Resolves on Ctrl-C, SIGTERM or an admin's /shutdown.
async fn shutdown(admin: Arc<tokio::sync::Notify>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {}, _ = admin.notified() => {} }
    tracing::info!("shutting down");
}
