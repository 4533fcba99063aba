//! Opening a snapshot to read it: its description, its log, and each
//! call's answer, parsed through the same shapes the import checked.

use super::catalogue::{self, OPERATIONS};
use super::info::SnapshotInfo;
use super::log::{CallStatus, CollectionLog, LogEntry};
use super::shapes::{Document, FromDocument};
use super::{LOG_FILE, SNAPSHOT_FILE};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A snapshot read from disk.
#[derive(Debug)]
pub struct Snapshot {
    pub root: PathBuf,
    pub info: SnapshotInfo,
    pub log: CollectionLog,
    /// Parsed answers, keyed by their log entry's index.
    documents: HashMap<usize, Document>,
}

/// Why a snapshot cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("`{}` is not a snapshot folder (no {SNAPSHOT_FILE})", .0.display())]
    NotASnapshot(PathBuf),
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What a check gets when it asks for a call's answer.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a, T> {
    /// The call answered in full.
    Complete { value: &'a T, file: &'a str },
    /// Only the first page is present: anything absent from it is unknown.
    Partial { value: &'a T, file: &'a str },
    /// No answer: the log entry says why (denied, missing, not enabled...).
    Unavailable { entry: Option<&'a LogEntry> },
}

impl<'a, T> Answer<'a, T> {
    /// The value, complete or not.
    pub fn value(&self) -> Option<&'a T> {
        match *self {
            Answer::Complete { value, .. } | Answer::Partial { value, .. } => Some(value),
            Answer::Unavailable { .. } => None,
        }
    }

    /// The snapshot file holding the answer or the error text.
    pub fn file(&self) -> Option<&'a str> {
        match *self {
            Answer::Complete { file, .. } | Answer::Partial { file, .. } => Some(file),
            Answer::Unavailable { entry } => entry.and_then(|e| e.file.as_deref()),
        }
    }

    /// The call's status as logged (`missing` when the log has no entry).
    pub fn status(&self) -> CallStatus {
        match self {
            Answer::Complete { .. } => CallStatus::Ok,
            Answer::Partial { .. } => CallStatus::Incomplete,
            Answer::Unavailable { entry } => entry.map_or(CallStatus::Missing, |e| e.status),
        }
    }

    /// One line on why there is no full answer, for a "not assessed" reason.
    pub fn why_unavailable(&self) -> String {
        match self {
            Answer::Complete { .. } => String::new(),
            Answer::Partial { file, .. } => format!("`{file}` holds only the first page"),
            Answer::Unavailable { entry: Some(entry) } => {
                let call = format!("{} {}", entry.service, entry.operation);
                match entry.status {
                    CallStatus::AccessDenied => format!("`{call}` was denied"),
                    CallStatus::Missing => format!("`{call}` is not in the snapshot"),
                    CallStatus::Throttled => format!("`{call}` was throttled"),
                    CallStatus::NotEnabled => format!("`{call}`: service not enabled"),
                    CallStatus::NotFound => format!("`{call}` found nothing"),
                    CallStatus::OptInRegion => "the region is not enabled".to_string(),
                    _ => format!("`{call}` failed ({})", entry.status),
                }
            }
            Answer::Unavailable { entry: None } => "the call is not in the snapshot".to_string(),
        }
    }
}

/// Reads only a snapshot's description, for work that copies the snapshot
/// without judging it (sealing it in a bundle).
pub fn read_info(root: &Path) -> Result<SnapshotInfo, ReadError> {
    let info_path = root.join(SNAPSHOT_FILE);
    if !info_path.is_file() {
        return Err(ReadError::NotASnapshot(root.to_path_buf()));
    }
    read_json(&info_path)
}

impl Snapshot {
    /// Reads the snapshot at `root`, parsing every answered call.
    pub fn open(root: &Path) -> Result<Snapshot, ReadError> {
        let info_path = root.join(SNAPSHOT_FILE);
        if !info_path.is_file() {
            return Err(ReadError::NotASnapshot(root.to_path_buf()));
        }
        let info: SnapshotInfo = read_json(&info_path)?;
        let log: CollectionLog = read_json(&root.join(LOG_FILE))?;
        let mut documents = HashMap::new();
        for (index, entry) in log.entries.iter().enumerate() {
            if !matches!(entry.status, CallStatus::Ok | CallStatus::Incomplete) {
                continue;
            }
            let (Some(file), Some(op)) = (entry.file.as_deref(), find_op(entry)) else {
                continue;
            };
            let path = root.join(file);
            let bytes = std::fs::read(&path).map_err(|source| ReadError::Io {
                path: path.clone(),
                source,
            })?;
            let document = op.shape.parse(&bytes).map_err(|e| ReadError::Invalid {
                path: path.clone(),
                message: e.to_string(),
            })?;
            documents.insert(index, document);
        }
        Ok(Snapshot {
            root: root.to_path_buf(),
            info,
            log,
            documents,
        })
    }

    /// A snapshot from parts already in memory, for tests of the stages that
    /// read snapshots. `documents` are keyed by their entry's index in `log`.
    #[doc(hidden)]
    pub fn from_parts(
        info: SnapshotInfo,
        log: CollectionLog,
        documents: HashMap<usize, Document>,
    ) -> Snapshot {
        Snapshot {
            root: PathBuf::new(),
            info,
            log,
            documents,
        }
    }

    /// The answer of the single call of type `T` in `region` (or `global`).
    pub fn answer<T: FromDocument>(&self, account: &str, region: &str) -> Answer<'_, T> {
        self.lookup(account, region, T::SHAPE, None)
    }

    /// The answer of a per-resource call of type `T` for `resource`.
    pub fn answer_for<T: FromDocument>(
        &self,
        account: &str,
        region: &str,
        resource: &str,
    ) -> Answer<'_, T> {
        self.lookup(account, region, T::SHAPE, Some(resource))
    }

    fn lookup<T: FromDocument>(
        &self,
        account: &str,
        region: &str,
        shape: super::shapes::Shape,
        resource: Option<&str>,
    ) -> Answer<'_, T> {
        let Some(op) = OPERATIONS.iter().find(|op| op.shape == shape) else {
            return Answer::Unavailable { entry: None };
        };
        let found = self.log.entries.iter().enumerate().find(|(_, e)| {
            e.account_id == account
                && e.region == region
                && e.service == op.service
                && e.operation == op.operation
                && e.resource.as_deref() == resource
        });
        let Some((index, entry)) = found else {
            return Answer::Unavailable { entry: None };
        };
        match (
            self.documents.get(&index).and_then(T::from_document),
            entry.file.as_deref(),
        ) {
            (Some(value), Some(file)) if entry.status == CallStatus::Ok => {
                Answer::Complete { value, file }
            }
            (Some(value), Some(file)) => Answer::Partial { value, file },
            _ => Answer::Unavailable { entry: Some(entry) },
        }
    }
}

fn find_op(entry: &LogEntry) -> Option<&'static catalogue::Operation> {
    OPERATIONS
        .iter()
        .find(|op| op.service == entry.service && op.operation == entry.operation)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    super::shapes::parse(&bytes).map_err(|e| ReadError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
