//! `hearth backup FILE` and `hearth restore FILE`: the data folder in one .tar.gz.
//!
//! A backup is consistent while Hearth runs: SQLite's `VACUUM INTO` writes a snapshot of
//! the database in one read transaction (WAL lets it run beside the server's writes), and
//! the uploads are copied after it, so every file the snapshot names is there (an upload
//! finished later is an extra file, swept at the next start). The archive holds what the
//! data folder holds: ciphertext, public keys, and the server secret and TLS keys, so
//! keep it as private as the folder itself.

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

/// Writes a backup of the data folder `data` (whose database is at `database_url`).
pub async fn backup(data: &Path, database_url: &str, file: &Path) -> Result<Summary> {
    let Some(db_path) = database_url.strip_prefix("sqlite://") else {
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
    // The snapshot goes next to the archive-to-be, then into it.
    let partial = PathBuf::from(format!("{}.partial", file.display()));
    let snapshot = PathBuf::from(format!("{}.db-snapshot", file.display()));
    let _ = std::fs::remove_file(&snapshot);
    let db = Database::connect(format!("sqlite://{db_path}?mode=ro")).await?;
    let quoted = snapshot.display().to_string().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{quoted}'")).await?;
    db.close().await?;

    let written = write_archive(data, &snapshot, &partial);
    let _ = std::fs::remove_file(&snapshot);
    let summary = written?;
    std::fs::rename(&partial, file).map_err(io("writing", file))?;
    Ok(summary)
}

fn write_archive(data: &Path, snapshot: &Path, to: &Path) -> Result<Summary> {
    let out = File::create(to).map_err(io("creating", to))?;
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
    for name in ["server.secret", "tls"] {
        let path = data.join(name);
        if path.is_file() {
            tar.append_path_with_name(&path, name).map_err(io("adding", &path))?;
        } else if path.is_dir() {
            tar.append_dir_all(name, &path).map_err(io("adding", &path))?;
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
/// database unless `force` (Hearth must not be running on it then).
pub fn restore(file: &Path, data: &Path, force: bool) -> Result<Summary> {
    if data.join(DATABASE).exists() && !force {
        return Err(Error::Command(format!(
            "{} already holds a database: restore into an empty folder, or stop Hearth and \
             pass --force to replace it",
            data.display()
        )));
    }
    std::fs::create_dir_all(data).map_err(io("creating", data))?;
    let input = File::open(file).map_err(io("opening", file))?;
    let mut archive = tar::Archive::new(GzDecoder::new(input));
    let not_ours = || Error::Command(format!("{} is not a Hearth backup", file.display()));
    let mut entries = archive.entries().map_err(|_| not_ours())?;
    let first = entries.next().ok_or_else(not_ours)?.map_err(|_| not_ours())?;
    if first.path().ok().as_deref() != Some(Path::new(MANIFEST)) {
        return Err(not_ours());
    }
    // The old database's write-ahead log must not be replayed onto the restored file.
    for stale in ["hearth.db-wal", "hearth.db-shm"] {
        let _ = std::fs::remove_file(data.join(stale));
    }
    let mut summary = Summary::default();
    for entry in entries {
        let mut entry = entry.map_err(|_| not_ours())?;
        let path = entry.path().map_err(|_| not_ours())?.into_owned();
        // unpack_in refuses absolute paths and any `..`: nothing lands outside `data`.
        if !entry.unpack_in(data).map_err(io("unpacking into", data))? {
            return Err(Error::Command(format!(
                "{} holds a path outside the data folder: {}",
                file.display(),
                path.display()
            )));
        }
        if path.starts_with("uploads") && entry.header().entry_type().is_file() {
            summary.uploads += 1;
            summary.bytes += entry.header().size().unwrap_or(0);
        }
    }
    Ok(summary)
}
