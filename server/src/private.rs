//! The data folder is for the account that runs Hearth alone. It holds only ciphertext
//! and public keys, but also the server secret (which signs session cookies) and the
//! local CA's key (which could impersonate this server to every device that trusts it):
//! another local user must not read them, nor copy the database to study its metadata.

use crate::error::Result;
use std::path::Path;

/// Every file and folder the process makes from now on is its owner's alone (0600 and
/// 0700): SQLite's database and its write-ahead log, uploads, certificates, backups,
/// whatever a later change adds. Called first thing in `main`.
pub fn restrict_new_files() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Makes the data folder `dir` (0700) if missing. A folder left open by an older version
/// or made by hand is closed, and everything in it tightened once; a folder already
/// closed is not walked again, since nobody else can reach what is inside it.
pub fn data_folder(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.recursive(true).create(dir)?;
    #[cfg(unix)]
    if open_to_others(dir)? {
        tighten(dir)?;
    }
    Ok(())
}

#[cfg(unix)]
fn open_to_others(path: &Path) -> Result<bool> {
    use std::os::unix::fs::PermissionsExt as _;
    Ok(std::fs::symlink_metadata(path)?.permissions().mode() & 0o077 != 0)
}

/// Takes group and other bits off `path` and, for a folder, everything under it. Links
/// are left alone: their target may be anywhere (the database on another disk).
#[cfg(unix)]
fn tighten(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o7700))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            tighten(&entry?.path())?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn an_open_folder_is_closed_with_everything_in_it() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir_all(data.join("uploads")).unwrap();
        std::fs::write(data.join("hearth.db"), b"x").unwrap();
        std::fs::write(data.join("uploads/1"), b"x").unwrap();
        let outside = root.path().join("elsewhere");
        std::fs::write(&outside, b"x").unwrap();
        std::os::unix::fs::symlink(&outside, data.join("link")).unwrap();
        for (p, m) in [
            (&data, 0o755),
            (&data.join("uploads"), 0o775),
            (&data.join("hearth.db"), 0o644),
            (&data.join("uploads/1"), 0o664),
            (&outside, 0o644),
        ] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        }
        data_folder(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("uploads")), 0o700);
        assert_eq!(mode(&data.join("hearth.db")), 0o600);
        assert_eq!(mode(&data.join("uploads/1")), 0o600);
        assert_eq!(
            mode(&outside),
            0o644,
            "a link's target is not ours to change"
        );
    }

    #[test]
    fn a_missing_folder_is_made_closed() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("a/b");
        data_folder(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
    }
}
