//! `hearth backup FILE` and `hearth restore FILE`: the data folder in one .tar.gz.
//!
//! A backup is consistent while Hearth runs: SQLite's `VACUUM INTO` writes a snapshot of
//! the database in one read transaction (WAL lets it run beside the server's writes), and
//! the uploads are copied after it, so every file the snapshot names is there (an upload
//! finished later is an extra file, swept at the next start). The archive holds what the
//! data folder holds: ciphertext, public keys and the server secret (which signs session
//! cookies), so keep it as private as the folder itself; but not the TLS keys: a restored
//! server makes a new certificate authority, which devices trust anew.

use crate::error::{Error, Result};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sea_orm::{ConnectionTrait, Database};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The first entry of every backup, so `restore` knows what it is unpacking.
const MANIFEST: &str = "hearth-backup.txt";
const DATABASE: &str = "hearth.db";

/// What a backup holds, for the message at the end.
#[derive(Debug, Default)]
pub struct Summary {
    pub uploads: u64,
    pub bytes: u64,
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.display().to_string();
    move |e| Error::Command(format!("{what} {path}: {e}"))
}

/// The file of a SQLite database URL (`sqlite://path`, `sqlite:path`, with or without
/// `?options`).
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// A folder (or file) only this user may read: the backup holds the server's secrets.
fn private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.recursive(true).create(dir).map_err(io("creating", dir))
}

fn private_file(path: &Path) -> Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).map_err(io("creating", path))
}

/// Writes a backup of the data folder `data` (whose database is at `database_url`).
pub async fn backup(data: &Path, database_url: &str, file: &Path) -> Result<Summary> {
    let Some(db_path) = sqlite_file(database_url) else {
        return Err(Error::Command(
            "hearth backup copies a SQLite database; with PostgreSQL, back the database up \
             with pg_dump and copy the data folder beside it"
                .into(),
        ));
    };
    if !Path::new(db_path).exists() {
        return Err(Error::Command(format!(
            "there is no database at {db_path}: is --data right?"
        )));
    }
    // The snapshot and the archive-to-be live in a private folder beside FILE, removed
    // whatever happens; the archive moves to FILE only once complete.
    let work = PathBuf::from(format!("{}.partial", file.display()));
    let _ = std::fs::remove_dir_all(&work);
    private_dir(&work)?;
    let written = snapshot_and_archive(data, db_path, &work, file).await;
    let _ = std::fs::remove_dir_all(&work);
    written
}

async fn snapshot_and_archive(
    data: &Path,
    db_path: &str,
    work: &Path,
    file: &Path,
) -> Result<Summary> {
    let snapshot = work.join(DATABASE);
    let db = Database::connect(format!("sqlite://{db_path}?mode=ro")).await?;
    let quoted = snapshot.display().to_string().replace('\'', "''");
    let vacuumed = db
        .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await;
    db.close().await?;
    vacuumed?;
    let archive = work.join("archive");
    let summary = write_archive(data, &snapshot, &archive)?;
    std::fs::rename(&archive, file).map_err(io("writing", file))?;
    Ok(summary)
}

fn write_archive(data: &Path, snapshot: &Path, to: &Path) -> Result<Summary> {
    let out = private_file(to)?;
    let mut tar = tar::Builder::new(GzEncoder::new(out, Compression::default()));
    let manifest = format!(
        "Hearth {} backup, made at {} ms since the epoch. Restore with: hearth --data FOLDER restore FILE\n",
        env!("CARGO_PKG_VERSION"),
        crate::db::now_ms()
    );
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, manifest.as_bytes())
        .map_err(io("writing", to))?;
    tar.append_path_with_name(snapshot, DATABASE)
        .map_err(io("adding", snapshot))?;
    let mut summary = Summary::default();
    // Not the certificate authority's key, nor the server certificate's: a backup kept
    // elsewhere must not be able to impersonate this server. The CA's certificate goes,
    // so that after a restore the new CA is shown on the trust page as replacing it.
    for name in ["server.secret", "tls/ca.pem", "tls/ca.json"] {
        let path = data.join(name);
        if path.is_file() {
            tar.append_path_with_name(&path, name)
                .map_err(io("adding", &path))?;
        }
    }
    // Finished uploads only: `uploads/tmp` holds uploads under way.
    let uploads = data.join("uploads");
    if uploads.is_dir() {
        for entry in std::fs::read_dir(&uploads).map_err(io("reading", &uploads))? {
            let path = entry.map_err(io("reading", &uploads))?.path();
            if !path.is_file() {
                continue;
            }
            let name = Path::new("uploads").join(path.file_name().unwrap_or_default());
            // A file deleted since the listing is simply not in the backup.
            match tar.append_path_with_name(&path, &name) {
                Ok(()) => {
                    summary.uploads += 1;
                    summary.bytes += path.metadata().map(|m| m.len()).unwrap_or(0);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io("adding", &path)(e)),
            }
        }
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .and_then(|f| f.sync_all())
        .map_err(io("finishing", to))?;
    Ok(summary)
}

/// Unpacks a backup into the data folder `data`. Refuses a folder that already holds a
/// database unless `force` (Hearth must not be running on it then). Everything is
/// unpacked beside it first and moved in only once the whole archive has been read, so a
/// damaged archive changes nothing.
pub fn restore(file: &Path, data: &Path, force: bool) -> Result<Summary> {
    if data.join(DATABASE).exists() && !force {
        return Err(Error::Command(format!(
            "{} already holds a database: restore into an empty folder, or stop Hearth and \
             pass --force to replace it",
            data.display()
        )));
    }
    crate::private::data_folder(data)
        .map_err(|e| Error::Command(format!("{}: {e}", data.display())))?;
    let work = data.join(".restoring");
    let _ = std::fs::remove_dir_all(&work);
    private_dir(&work)?;
    let unpacked = unpack(file, &work);
    let moved = unpacked.and_then(|summary| {
        // The old database's write-ahead log must not be replayed onto the restored file.
        for stale in ["hearth.db-wal", "hearth.db-shm"] {
            let _ = std::fs::remove_file(data.join(stale));
        }
        for entry in std::fs::read_dir(&work).map_err(io("reading", &work))? {
            let from = entry.map_err(io("reading", &work))?.path();
            let to = data.join(from.file_name().unwrap_or_default());
            if to.is_dir() {
                std::fs::remove_dir_all(&to).map_err(io("replacing", &to))?;
            }
            std::fs::rename(&from, &to).map_err(io("moving into place", &to))?;
        }
        Ok(summary)
    });
    let _ = std::fs::remove_dir_all(&work);
    moved
}

/// Whether a backup may hold `path`: the database, the server secret, the uploads (by
/// their ids) and the TLS folder's files (backups before the CA's key was left out had
/// them all); nothing absolute, nothing climbing out.
fn belongs(path: &Path, is_dir: bool) -> bool {
    use std::path::Component;
    let parts: Option<Vec<&str>> = path
        .components()
        .map(|c| match c {
            Component::Normal(p) => p.to_str(),
            _ => None,
        })
        .collect();
    const TLS: [&str; 6] = [
        "ca.pem",
        "ca.json",
        "ca-key.pem",
        "server.pem",
        "server-key.pem",
        "server.json",
    ];
    match (parts.as_deref(), is_dir) {
        (Some([DATABASE | "server.secret"]), false) => true,
        (Some(["uploads" | "tls"]), true) => true,
        (Some(["uploads", id]), false) => id.parse::<protocol::FileId>().is_ok(),
        (Some(["tls", name]), false) => TLS.contains(name),
        _ => false,
    }
}

/// Reads the whole archive into `into`: only plain files and folders, nothing outside.
fn unpack(file: &Path, into: &Path) -> Result<Summary> {
    let input = File::open(file).map_err(io("opening", file))?;
    let mut archive = tar::Archive::new(GzDecoder::new(input));
    let not_ours = || Error::Command(format!("{} is not a Hearth backup", file.display()));
    let mut entries = archive.entries().map_err(|_| not_ours())?;
    let first = entries
        .next()
        .ok_or_else(not_ours)?
        .map_err(|_| not_ours())?;
    if first.path().ok().as_deref() != Some(Path::new(MANIFEST)) {
        return Err(not_ours());
    }
    let mut summary = Summary::default();
    for entry in entries {
        let mut entry = entry.map_err(|_| not_ours())?;
        let path = entry.path().map_err(|_| not_ours())?.into_owned();
        let kind = entry.header().entry_type();
        // Only what a backup holds, by name (links could point anywhere; unpack_in would
        // refuse `..` but quietly make an absolute path relative).
        if !(kind.is_file() || kind.is_dir())
            || !belongs(&path, kind.is_dir())
            || !entry.unpack_in(into).map_err(io("unpacking into", into))?
        {
            return Err(Error::Command(format!(
                "{} holds something that is not a plain file in the data folder: {}",
                file.display(),
                path.display()
            )));
        }
        if path.starts_with("uploads") && kind.is_file() {
            summary.uploads += 1;
            summary.bytes += entry.header().size().unwrap_or(0);
        }
    }
    if !into.join(DATABASE).is_file() {
        return Err(Error::Command(format!(
            "{} holds no database",
            file.display()
        )));
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::belongs;
    use std::path::Path;

    #[test]
    fn a_backup_holds_only_what_backups_hold() {
        let id = "0123456789abcdef0123456789abcdef";
        for ok in [
            "hearth.db",
            "server.secret",
            "tls/ca.pem",
            "tls/ca-key.pem",
            &format!("uploads/{id}"),
        ] {
            assert!(belongs(Path::new(ok), false), "{ok}");
        }
        assert!(belongs(Path::new("uploads"), true) && belongs(Path::new("tls/"), true));
        for no in [
            "/hearth.db",
            "../hearth.db",
            "uploads/../../x",
            "uploads/not-an-id",
            "uploads/tmp",
            "hearth.toml",
            "tls/other.pem",
            "./server.secret",
            "site/pkg/hearth.js",
        ] {
            assert!(!belongs(Path::new(no), false), "{no}");
        }
        assert!(
            !belongs(Path::new("hearth.db"), true),
            "the database is a file"
        );
    }
}
