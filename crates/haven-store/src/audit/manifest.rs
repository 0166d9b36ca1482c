//! A backup's manifest (`BACKUP.manifest`): which key its audit log needs, and a checkpoint of
//! that log signed when the backup was made, so a backup whose log was cut short or rewritten
//! since is found out (`haven audit verify --checkpoint BACKUP.manifest` after a restore).

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::OpenFlags;

use super::checkpoint::file_error;
use crate::{Result, Store};

/// The manifest's name: the backup's, with `.manifest` added.
pub fn manifest_path(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".manifest");
    name.into()
}

impl Store {
    /// Writes the manifest of a backup just made at `backup`, and keeps its checkpoint in the
    /// checkpoint file too (the backup's head is an earlier head of this same log).
    pub(crate) async fn write_backup_manifest(&self, backup: &Path) -> Result<PathBuf> {
        let file = backup.to_owned();
        let (seq, head) = tokio::task::spawn_blocking(move || {
            let conn = rusqlite::Connection::open_with_flags(
                &file,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.query_row(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
        })
        .await
        .map_err(|e| {
            crate::StoreError::Corrupt(format!("reading the backup's audit log: {e}"))
        })??;
        let checkpoint = self.sign_and_keep(seq, head).await?;
        let name = backup
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = format!(
            "# Haven backup manifest. Its audit checkpoint was signed when the backup was made;\n\
             # after restoring, check the log with: haven audit verify --checkpoint THIS-FILE\n\
             backup: {name}\n\
             audit-key: {}\n\
             {}\n",
            self.audit().key.fingerprint(),
            checkpoint.line()
        );
        let path = manifest_path(backup);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| {
                f.write_all(text.as_bytes())?;
                f.sync_all()
            })
            .map_err(|e| file_error(&path, e))?;
        Ok(path)
    }
}
