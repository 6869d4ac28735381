//! `hearth admin …`: managing accounts from the server's own terminal, for the person
//! who runs it (the first admin, or one who lost access). Each step is in the audit log
//! as done from the command line.

use crate::auth;
use crate::db;
use crate::error::{Error, Result};
use protocol::crypto::kdf::{KdfParams, Salt, derive_master};
use protocol::crypto::random_array;
use protocol::validate;
use sea_orm::DatabaseConnection;

/// A temporary password as the admin panel makes them: 60 random bits in three groups of
/// Crockford base32, easy to read out.
pub fn temporary_password() -> Result<String> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let chars: Vec<char> = random_array::<12>()?
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// What the server stores for a password: the browser's derivation (Argon2id at today's
/// parameters, then the auth secret) done here, and the verifier of that.
fn password_material(password: &str) -> Result<(Salt, KdfParams, [u8; 16], [u8; 32])> {
    if password.chars().count() < 8 {
        return Err(Error::BadRequest(
            "A temporary password needs at least 8 characters.".into(),
        ));
    }
    let salt = Salt(random_array()?);
    let kdf = KdfParams::DEFAULT;
    let (auth_secret, _) = derive_master(password, &salt, kdf)?.split()?;
    let verifier_salt = random_array::<16>()?;
    let verifier = auth::verifier(&verifier_salt, &auth_secret);
    Ok((salt, kdf, verifier_salt, verifier))
}

/// Makes an account with a temporary password (its owner chooses their own and makes
/// their keys at the first login); `admin` makes it an admin.
pub async fn create(
    db: &DatabaseConnection,
    username: &str,
    admin: bool,
    password: &str,
) -> Result<()> {
    let username = validate::username(username)?;
    let (salt, kdf, verifier_salt, verifier) = password_material(password)?;
    let user = db::users::create_pending(
        db,
        db::users::PendingUser {
            display_name: username.clone(),
            username: username.clone(),
            salt,
            kdf,
            verifier_salt,
            verifier,
        },
    )
    .await?;
    if admin {
        db::accounts::set_admin(db, &user.user_id()?, true).await?;
    }
    let what = if admin { "create admin account" } else { "create account" };
    db::audit::record(db, db::audit::CONSOLE, what, Some(&username), None).await
}

/// A temporary password for an existing account; its sessions end.
pub async fn reset_password(db: &DatabaseConnection, username: &str, password: &str) -> Result<()> {
    let missing = || Error::NotFound("There is no such account.");
    let name = validate::username(username).map_err(|_| missing())?;
    let user = db::users::by_username(db, &name)
        .await?
        .ok_or_else(missing)?;
    let (salt, kdf, verifier_salt, verifier) = password_material(password)?;
    db::accounts::reset_password(db, &user.user_id()?, &salt, &kdf, verifier_salt, verifier)
        .await?
        .ok_or_else(missing)?;
    db::audit::record(db, db::audit::CONSOLE, "reset password", Some(&name), None).await
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
        out.push_str(&format!("{:<32}  {:<24}  {}\n", u.username, name, state.join(", ")));
    }
    Ok(out)
}
