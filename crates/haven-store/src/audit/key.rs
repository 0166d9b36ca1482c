//! The audit key: 32 random bytes in a file of its own, outside the database and its backups,
//! readable by its owner only. Whoever holds the database file but not this key cannot write
//! an audit row, or a checkpoint, that verifies.

use std::fmt;
use std::io::Write;
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) type HmacSha256 = Hmac<Sha256>;

const KEY_BYTES: usize = 32;

const FILE_HEADER: &str = "# Haven audit key: keep it secret, and back it up apart from the database \
(README, \"The audit key\"). Without it the audit log cannot be verified.\n";

/// Why a key file could not be used.
#[derive(Debug)]
pub(crate) enum KeyFileError {
    Missing,
    Unreadable(std::io::Error),
    Malformed,
}

#[derive(Clone)]
pub(crate) struct AuditKey {
    /// The HMAC state after the key, cloned for each seal instead of re-deriving the pads.
    keyed: HmacSha256,
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    fn from_bytes(bytes: &[u8; KEY_BYTES]) -> Self {
        Self {
            keyed: HmacSha256::new_from_slice(bytes).expect("HMAC takes a key of any length"),
        }
    }

    /// A fresh key from the operating system's random source (a store in memory uses one).
    pub(crate) fn generate() -> std::io::Result<Self> {
        Ok(Self::from_bytes(&random_bytes()?))
    }

    /// An HMAC-SHA-256 ready to take a message.
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }

    /// A short public name for the key (it reveals nothing of it), so a message can say which
    /// key an entry or backup needs.
    pub(crate) fn fingerprint(&self) -> String {
        let mut mac = self.mac();
        mac.update(b"haven audit key fingerprint");
        hex::encode(&mac.finalize().into_bytes()[..8])
    }

    pub(crate) fn read(path: &Path) -> Result<Self, KeyFileError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyFileError::Missing);
            }
            Err(e) => return Err(KeyFileError::Unreadable(e)),
        };
        warn_if_others_can_read(path);
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let (Some(line), None) = (lines.next(), lines.next()) else {
            return Err(KeyFileError::Malformed);
        };
        let mut bytes = [0u8; KEY_BYTES];
        hex::decode_to_slice(line, &mut bytes).map_err(|_| KeyFileError::Malformed)?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Makes a new key file at `path`, owner-only, written whole before it appears under its
    /// name (so no other process reads half a key). The caller holds the database's write lock,
    /// which every process creating a key takes first, so nothing else writes `path` meanwhile.
    pub(crate) fn create(path: &Path) -> std::io::Result<Self> {
        let bytes = random_bytes()?;
        let staging = path.with_file_name(format!(
            ".{}.{}.new",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        let mut file = owner_only().create_new(true).write(true).open(&staging)?;
        let written = file
            .write_all(format!("{FILE_HEADER}{}\n", hex::encode(bytes)).as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&staging, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
        sync_directory_of(path);
        Ok(Self::from_bytes(&bytes))
    }
}

fn random_bytes() -> std::io::Result<[u8; KEY_BYTES]> {
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes)
}

/// Open options for a file only its owner may read or write (mode 0600 on Unix).
pub(crate) fn owner_only() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Makes a new name in the directory durable, as `sync_all` does for the file's content.
fn sync_directory_of(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
}

fn warn_if_others_can_read(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                "the audit key file can be read by others than its owner; make it owner-only (chmod 600)"
            );
        }
    }
}
