//! The commands besides serving: `hearth admin …` manages accounts from the server's own
//! terminal, for the person who runs it (the first admin, or one who lost access; each
//! step is in the audit log as done from the command line), `hearth backup`/`restore`,
//! and `hearth ca`.

use crate::config::{AdminCommand, Command, Config};
use crate::db;
use crate::error::{Error, Result};
use crate::tls::{self, ca::Authority};
use protocol::api::admin::TemporaryPassword;
use protocol::crypto::kdf::{KdfParams, Salt, derive_master};
use protocol::crypto::random_array;
use protocol::validate;
use sea_orm::DatabaseConnection;

/// A temporary password as an admin's browser sends it: Argon2id at today's parameters,
/// done here, and only its auth secret kept.
fn temporary(password: &str) -> Result<TemporaryPassword> {
    if password.chars().count() < 8 {
        return Err(Error::BadRequest(
            "A temporary password needs at least 8 characters.".into(),
        ));
    }
    let salt = Salt(random_array()?);
    let kdf = KdfParams::DEFAULT;
    let (auth_secret, _) = derive_master(password, &salt, kdf)?.split()?;
    Ok(TemporaryPassword {
        salt,
        kdf,
        auth_secret,
    })
}

/// Makes an account with a temporary password (its owner chooses their own and makes
/// their keys at the first login); `admin` makes it an admin.
pub async fn create(
    db: &DatabaseConnection,
    username: &str,
    admin: bool,
    password: &str,
) -> Result<()> {
    // The name first: Argon2 takes a second.
    let username = validate::username(username)?;
    let user =
        crate::setup::create_pending(db, &username, &username, &temporary(password)?).await?;
    if admin {
        db::accounts::set_admin(db, &user.user_id()?, true).await?;
    }
    let what = if admin {
        "create admin account"
    } else {
        "create account"
    };
    db::audit::record(db, db::audit::CONSOLE, what, Some(&user.username), None).await
}

/// A temporary password for an existing account; its sessions end. Two-step login stays
/// on unless `two_step` says to turn it off too (the owner lost their phone as well).
/// Its owner is told at their next login.
pub async fn reset_password(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
    two_step: bool,
) -> Result<()> {
    let missing = || Error::NotFound("There is no such account.");
    let name = validate::username(username).map_err(|_| missing())?;
    let user = db::users::by_username(db, &name)
        .await?
        .ok_or_else(missing)?;
    let id = user.user_id()?;
    crate::setup::reset_password(db, &id, &temporary(password)?)
        .await?
        .ok_or_else(missing)?;
    db::audit::record(db, db::audit::CONSOLE, "reset password", Some(&name), None).await?;
    let today = crate::panel::today();
    db::settings::tell(
        db,
        &id,
        &format!("Your password was reset at the server's terminal on {today}."),
    )
    .await?;
    if two_step {
        db::totp::remove(db, &id).await?;
        db::audit::record(
            db,
            db::audit::CONSOLE,
            "reset two-step login",
            Some(&name),
            None,
        )
        .await?;
        let line = format!("Two-step login was turned off at the server's terminal on {today}.");
        db::settings::tell(db, &id, &line).await?;
    }
    Ok(())
}

/// The accounts as a table for the terminal.
pub async fn list(db: &DatabaseConnection) -> Result<String> {
    let mut out = format!("{:<32}  {:<24}  {}\n", "USERNAME", "DISPLAY NAME", "STATE");
    for u in db::users::all(db).await? {
        let mut state = Vec::new();
        if u.is_admin {
            state.push("admin");
        }
        if u.pending {
            state.push("waiting for first login");
        }
        if u.disabled {
            state.push("disabled");
        }
        let name: String = u.display_name.chars().take(24).collect();
        out.push_str(&format!(
            "{:<32}  {:<24}  {}\n",
            u.username,
            name,
            state.join(", ")
        ));
    }
    Ok(out)
}

fn create_dir(dir: &std::path::Path) -> Result<()> {
    crate::private::data_folder(dir)
        .map_err(|e| Error::Command(format!("creating {}: {e}", dir.display())))
}

/// Runs a command other than serving (and `config`, which `main` prints). A refusal
/// reads as what a user of the panel would be told.
pub async fn run(config: &Config, command: &Command) -> Result<()> {
    run_command(config, command).await.map_err(|e| match e {
        e if e.is_internal() => e,
        e => Error::Command(e.user_message()),
    })
}

async fn run_command(config: &Config, command: &Command) -> Result<()> {
    let data = &config.data;
    match command {
        Command::Ca => {
            create_dir(data)?;
            let extra = crate::host::extra_names(&config.names);
            let names =
                tls::current_names(config.addr, &tls::host_name(), &config.mdns_name, &extra);
            let ca = Authority::load_or_create(&config.tls_path(), &tls::host_name(), &names)?;
            print!("{}", ca.pem);
            eprintln!("{}: SHA-256 {}", ca.name(), tls::ca::fingerprint(&ca.der));
        }
        Command::Admin { action } => {
            create_dir(data)?;
            let db = db::connect(&config.database_url()).await?;
            match action {
                AdminCommand::List => print!("{}", list(&db).await?),
                AdminCommand::Create { username, admin } => {
                    let password = protocol::crypto::temporary_password()?;
                    create(&db, username, *admin, &password).await?;
                    println!(
                        "Made the account {username}. Its temporary password: {}",
                        password.as_str()
                    );
                    println!("At the first login with it, its owner chooses their own password.");
                }
                AdminCommand::ResetPassword { username, two_step } => {
                    let password = protocol::crypto::temporary_password()?;
                    reset_password(&db, username, &password, *two_step).await?;
                    println!(
                        "{username} is signed out everywhere. Their temporary password: {}",
                        password.as_str()
                    );
                    println!("At their next login they choose their own, and get new keys.");
                }
            }
            db::close(db).await?;
        }
        Command::Backup { file } => {
            let s = crate::backup::backup(data, &config.database_url(), file).await?;
            println!(
                "Backed up the database and {} uploaded files ({} bytes) to {}",
                s.uploads,
                s.bytes,
                file.display()
            );
        }
        Command::Restore { file, force } => {
            let s = crate::backup::restore(file, data, *force)?;
            println!(
                "Restored the database and {} uploaded files into {}",
                s.uploads,
                data.display()
            );
        }
        Command::Serve | Command::Config { .. } => {}
    }
    Ok(())
}
