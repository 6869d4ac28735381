//! `hearth`: start-up as a checklist.

use anyhow::Context as _;
use clap::Parser;
use server::files::FileStore;
use server::{auth::ServerSecret, config::Config, db, hub::Hub, net, router, state::Hearth};
use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // 1. Logging: RUST_LOG overrides; never a password, key, token or ciphertext.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();

    // 2. Configuration from flags and environment.
    let config = Config::parse();

    // 3. The data folder, and the server secret inside it.
    std::fs::create_dir_all(&config.data)
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

    // 6. The upload folder; uploads left over from a crash or abandoned are removed.
    let files = FileStore::open(config.uploads_path(), config.max_upload, config.quota)
        .context("opening the upload folder")?;

    // 7. Shared state and routes.
    let state = Arc::new(Hearth {
        db,
        hub: Arc::new(Hub::default()),
        secret,
        secure_cookies: config.secure_cookies,
        files,
    });
    let swept = server::files::sweep::sweep(&state).await?;
    if swept > 0 {
        tracing::info!(removed = swept, "removed orphaned uploads");
    }
    server::files::sweep::spawn(state.clone());
    let app = router::build(state, &config.site);

    // 8. Listen, and say where.
    let listener = tokio::net::TcpListener::bind((config.addr, config.port))
        .await
        .with_context(|| format!("listening on {}:{}", config.addr, config.port))?;
    let bound = listener.local_addr()?;
    let urls = net::lan_urls(bound, "http");
    println!("Hearth is running. Open it from any device on this network:");
    for url in &urls {
        println!("  {url}");
    }
    if let Some(code) = urls.first().and_then(|u| net::qr(u)) {
        println!("{code}");
    }
    println!(
        "Plain HTTP: messages stay end-to-end encrypted, but an active attacker on the LAN could swap the app."
    );
    tracing::info!(%bound, "listening");

    // 9. Serve until Ctrl-C or SIGTERM.
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
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
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
