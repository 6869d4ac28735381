//! The blobs on disk: `uploads/tmp/<id>` while an upload is under way, then
//! `uploads/<id>`. Ids are parsed `FileId`s (32 hex digits), so no path can be smuggled in.

use crate::error::{Error, Result};
use axum::body::Body;
use futures::StreamExt;
use protocol::FileId;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;

pub struct FileStore {
    dir: PathBuf,
    /// The largest file (plaintext bytes) anyone may send.
    pub max_upload: u64,
    /// The encrypted bytes each user may keep stored.
    pub quota: u64,
    /// The longest an upload may go without sending anything (`--request-timeout`):
    /// then it is thrown away, and its connection closed.
    pub idle: Duration,
    /// The streams sending bytes now (`super::gate`).
    pub gate: Arc<super::gate::Gate>,
}

impl FileStore {
    /// Opens (creating) the upload folder.
    pub fn open(dir: PathBuf, max_upload: u64, quota: u64) -> Result<Self> {
        std::fs::create_dir_all(dir.join("tmp"))?;
        Ok(Self {
            dir,
            max_upload,
            quota,
            idle: Duration::from_secs(30),
            gate: Arc::default(),
        })
    }

    fn partial(&self, id: &FileId) -> PathBuf {
        self.dir.join("tmp").join(id.to_hex())
    }

    fn complete(&self, id: &FileId) -> PathBuf {
        self.dir.join(id.to_hex())
    }

    /// An empty partial blob for a new upload.
    pub async fn create(&self, id: &FileId) -> Result<()> {
        tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.partial(id))
            .await?;
        Ok(())
    }

    /// Appends a request body at `offset`, refusing to go past `size`; returns the new
    /// length. A body that breaks off, or pauses longer than `idle`, is an error, and the
    /// caller throws the upload away. The file and its buffer are opened only once bytes
    /// arrive, so a request that sends nothing holds no memory.
    pub async fn append(&self, id: &FileId, offset: u64, size: u64, body: Body) -> Result<u64> {
        let mut file = None;
        let mut at = offset;
        let mut stream = body.into_data_stream();
        while let Some(piece) = self.next_in_time(self.idle, stream.next()).await? {
            let piece =
                piece.map_err(|_| Error::BadRequest("The upload was interrupted.".into()))?;
            at += piece.len() as u64;
            if at > size {
                return Err(Error::TooLarge(
                    "The upload is larger than the size it announced.".into(),
                ));
            }
            let out = match &mut file {
                Some(f) => f,
                None => file.insert(tokio::io::BufWriter::with_capacity(
                    256 * 1024,
                    self.open_at(id, offset).await?,
                )),
            };
            out.write_all(&piece).await?;
        }
        if let Some(mut f) = file {
            f.flush().await?;
        }
        Ok(at)
    }

    /// How long one whole segment may take over an upload socket, which hands over
    /// nothing before the segment is complete: four times `idle` (2 minutes by default,
    /// so 4 MiB must come at 35 KB/s at least; a phone on poor Wi-Fi manages that).
    pub fn segment_time(&self) -> Duration {
        self.idle.saturating_mul(4)
    }

    /// `next` unless it takes longer than `limit`.
    pub async fn next_in_time<T>(
        &self,
        limit: Duration,
        next: impl std::future::Future<Output = T>,
    ) -> Result<T> {
        tokio::time::timeout(limit, next).await.map_err(|_| {
            Error::BadRequest("The upload stalled: nothing arrived for too long.".into())
        })
    }

    /// The partial blob, cut back to `offset` (after a crash it may hold more than the
    /// database recorded) and ready to append at it. Unbuffered: the socket writes whole
    /// segments.
    pub async fn open_at(&self, id: &FileId, offset: u64) -> Result<tokio::fs::File> {
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(self.partial(id))
            .await?;
        file.set_len(offset).await?;
        tokio::io::AsyncSeekExt::seek(&mut file, std::io::SeekFrom::Start(offset)).await?;
        Ok(file)
    }

    /// Moves a fully received blob into place, on disk before it is renamed.
    pub async fn finish(&self, id: &FileId) -> Result<()> {
        tokio::fs::File::open(self.partial(id))
            .await?
            .sync_all()
            .await?;
        tokio::fs::rename(self.partial(id), self.complete(id)).await?;
        Ok(())
    }

    pub async fn open_blob(&self, id: &FileId) -> Result<tokio::fs::File> {
        tokio::fs::File::open(self.complete(id))
            .await
            .map_err(|_| Error::NotFound("No such file."))
    }

    /// Removes a blob, finished or not; a missing one is fine.
    pub async fn remove(&self, id: &FileId) {
        for path in [self.partial(id), self.complete(id)] {
            if let Err(e) = tokio::fs::remove_file(&path).await
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(file = %id, "could not remove a blob: {e}");
            }
        }
    }

    /// Every blob on disk, with its last change; names that are not file ids are left
    /// alone (they are not ours).
    pub async fn on_disk(&self) -> Result<Vec<(FileId, SystemTime)>> {
        let mut out = Vec::new();
        for dir in [self.dir.clone(), self.dir.join("tmp")] {
            let mut entries = tokio::fs::read_dir(&dir).await?;
            while let Some(e) = entries.next_entry().await? {
                let meta = e.metadata().await?;
                if let (true, Some(id)) = (meta.is_file(), parse_name(&e.path())) {
                    out.push((id, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
                }
            }
        }
        Ok(out)
    }
}

fn parse_name(path: &Path) -> Option<FileId> {
    path.file_name()?.to_str()?.parse().ok()
}
