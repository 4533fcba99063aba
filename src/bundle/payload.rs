//! Choosing the payload: which files go into `data/`, under which names.

use super::BundleError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// One payload file: its path in the bag and where it is read from.
#[derive(Debug, Clone)]
pub struct Payload {
    /// `data/...`, with `/` separators.
    pub bag_path: String,
    pub source: PathBuf,
    pub size: u64,
    /// What the file read as before sealing (for the report's evidence
    /// index). The manifest then takes its SHA-256 from here, and sealing
    /// fails if the file reads with another size or CRC-32 while it is
    /// compressed; without it, the file is hashed as it is compressed.
    pub digest: Option<crate::digest::FileDigest>,
}

/// Every file below each `(folder, bag prefix)` and each `(file, bag path)`,
/// sorted by bag path. Links are refused (evidence is plain files), and so
/// are two names that differ only in Unicode normalisation (NFC against
/// NFD), which some file systems would merge.
pub fn collect_payload(
    folders: &[(&Path, &str)],
    files: &[(&Path, String)],
) -> Result<Vec<Payload>, BundleError> {
    let mut payload = Vec::new();
    for (folder, prefix) in folders {
        for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
            let entry = entry.map_err(|e| BundleError::Input {
                path: folder.to_path_buf(),
                message: e.to_string(),
            })?;
            if entry.file_type().is_symlink() {
                return Err(BundleError::Input {
                    path: entry.path().to_path_buf(),
                    message: "a symbolic link; evidence must be plain files".into(),
                });
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(folder).unwrap_or(entry.path());
            let name = relative.to_string_lossy().replace('\\', "/");
            payload.push(item(entry.path(), format!("{prefix}/{name}"))?);
        }
    }
    for (file, bag_path) in files {
        payload.push(item(file, bag_path.clone())?);
    }
    payload.sort_by(|a, b| a.bag_path.cmp(&b.bag_path));
    let mut normalised: BTreeMap<String, &str> = BTreeMap::new();
    for p in &payload {
        if let Some(other) = normalised.insert(p.bag_path.nfc().collect(), &p.bag_path) {
            let message = if other == p.bag_path {
                format!("given twice as `{other}`")
            } else {
                format!("its name differs from `{other}` only in Unicode normalisation; rename one")
            };
            return Err(BundleError::Input {
                path: p.source.clone(),
                message,
            });
        }
    }
    Ok(payload)
}

fn item(source: &Path, bag_path: String) -> Result<Payload, BundleError> {
    let metadata = std::fs::metadata(source).map_err(|e| BundleError::Io {
        path: source.to_path_buf(),
        source: e,
    })?;
    Ok(Payload {
        bag_path,
        source: source.to_path_buf(),
        size: metadata.len(),
        digest: None,
    })
}
