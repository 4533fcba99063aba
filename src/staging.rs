//! Writing an output folder all at once: everything goes into a temporary
//! folder beside the destination, renamed into place only when complete,
//! so a failed run never leaves a half-written output.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An output folder being written. Dropped without [`StagedDir::commit`],
/// it removes its temporary folder.
pub struct StagedDir {
    dir: tempfile::TempDir,
    destination: PathBuf,
}

impl StagedDir {
    /// Starts a folder that will end up at `destination`, which must not
    /// exist yet unless `replace` is set, and even then only if it holds
    /// `marker`: auditpack replaces its own output of the same kind, never
    /// a folder of anything else.
    pub fn create(destination: &Path, replace: bool, marker: &str) -> io::Result<StagedDir> {
        if destination.exists() && !replace {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "already exists",
            ));
        }
        if destination.exists() && !destination.join(marker).is_file() {
            let message = format!(
                "exists and holds no `{marker}`, so it is not auditpack's output; --force replaces only that"
            );
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, message));
        }
        // Stage in the nearest folder that exists already, on the same file
        // system as the destination, and create missing parents only when
        // the output is complete.
        let mut anchor = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        while !anchor.is_dir() {
            anchor = match anchor.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
        }
        let dir = tempfile::Builder::new()
            .prefix(".auditpack-staging-")
            .tempdir_in(&anchor)?;
        Ok(StagedDir {
            dir,
            destination: destination.to_path_buf(),
        })
    }

    /// Writes `bytes` at `relative` (a `/`-separated path) inside the folder.
    pub fn write_file(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = fs::File::create(&path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }

    /// Writes `value` as pretty JSON with a final newline.
    pub fn write_json<T: serde::Serialize>(&self, relative: &str, value: &T) -> io::Result<()> {
        let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
        bytes.push(b'\n');
        self.write_file(relative, &bytes)
    }

    /// Moves the folder into place, replacing an existing one only if
    /// `create` was told to; the old one is removed only once the new one
    /// stands.
    pub fn commit(self) -> io::Result<PathBuf> {
        if let Some(parent) = self
            .destination
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            fs::create_dir_all(parent)?;
        }
        let staged = self.dir.keep();
        if self.destination.exists() {
            let old = tempfile::Builder::new()
                .prefix(".auditpack-replaced-")
                .tempdir_in(staged.parent().unwrap_or(Path::new(".")))?
                .keep();
            let old_path = old.join("previous");
            fs::rename(&self.destination, &old_path)?;
            if let Err(err) = fs::rename(&staged, &self.destination) {
                // Put the old output back rather than leave nothing.
                let _ = fs::rename(&old_path, &self.destination);
                let _ = fs::remove_dir_all(&staged);
                let _ = fs::remove_dir_all(&old);
                return Err(err);
            }
            let _ = fs::remove_dir_all(&old);
        } else if let Err(err) = fs::rename(&staged, &self.destination) {
            let _ = fs::remove_dir_all(&staged);
            return Err(err);
        }
        Ok(self.destination)
    }
}
