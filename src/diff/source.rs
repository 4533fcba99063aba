//! Where the two sides of a comparison are read from: a verified bundle,
//! or, while a bundle is being sealed, the snapshot and assessment folders
//! about to go into it. Both hand out payload files by their path inside
//! the bag (`data/snapshot/...`, `data/assessment/...`).

use super::DiffError;
use crate::verify::VerifiedBundle;
use std::path::PathBuf;

/// Payload files by their bag path.
pub trait Source {
    /// Every payload path (`data/...`), sorted.
    fn paths(&self) -> Vec<String>;
    /// The bytes of one payload file.
    fn read(&mut self, path: &str) -> Result<Vec<u8>, DiffError>;
}

impl Source for VerifiedBundle {
    fn paths(&self) -> Vec<String> {
        self.payload().into_iter().map(|f| f.path).collect()
    }

    fn read(&mut self, path: &str) -> Result<Vec<u8>, DiffError> {
        VerifiedBundle::read(self, path).map_err(|e| DiffError {
            path: e.path,
            what: e.what,
        })
    }
}

/// The snapshot and assessment folders of a bundle not yet sealed, read
/// as if they were its `data/snapshot/` and `data/assessment/`.
pub struct Folders {
    pub snapshot: PathBuf,
    pub assessment: PathBuf,
}

impl Folders {
    fn roots(&self) -> [(&str, &PathBuf); 2] {
        [
            ("data/snapshot/", &self.snapshot),
            ("data/assessment/", &self.assessment),
        ]
    }
}

impl Source for Folders {
    fn paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        for (prefix, root) in self.roots() {
            for entry in walkdir::WalkDir::new(root)
                .into_iter()
                .filter_map(Result::ok)
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                if let Ok(relative) = entry.path().strip_prefix(root) {
                    let relative = relative.to_string_lossy().replace('\\', "/");
                    paths.push(format!("{prefix}{relative}"));
                }
            }
        }
        paths.sort();
        paths
    }

    fn read(&mut self, path: &str) -> Result<Vec<u8>, DiffError> {
        let fail = |what: String| DiffError {
            path: path.to_string(),
            what,
        };
        let (root, relative) = self
            .roots()
            .into_iter()
            .find_map(|(prefix, root)| path.strip_prefix(prefix).map(|r| (root.clone(), r)))
            .ok_or_else(|| fail("not a snapshot or assessment file".into()))?;
        let file = root.join(relative);
        std::fs::read(&file).map_err(|e| fail(format!("cannot read `{}` ({e})", file.display())))
    }
}
