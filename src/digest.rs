//! SHA-256 (and CRC-32) of whole files, read in chunks so memory stays flat.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The file's SHA-256 (lower-case hex) and its length in bytes.
pub fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    sha256_file_with(path, &mut vec![0u8; 1 << 20]).map(|d| (d.sha256, d.bytes))
}

/// What one read of a file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// Lower-case hex.
    pub sha256: String,
    /// The zip's checksum of the same bytes, to tell cheaply whether a
    /// later read gave the same bytes.
    pub crc32: u32,
    pub bytes: u64,
}

/// A file's digests, or why it could not be read.
pub type Digested = std::io::Result<FileDigest>;

/// The digests of every path, on every core (one file per core at a
/// time, each read in chunks); the results in the order of `paths`.
pub fn sha256_files(paths: &[&Path]) -> Vec<Digested> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(paths.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Digested>>> =
        Mutex::new((0..paths.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut buffer = vec![0u8; 1 << 20];
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(index) else { return };
                    let result = sha256_file_with(path, &mut buffer);
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some(result);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(std::io::Error::other("not hashed"))))
        .collect()
}

fn sha256_file_with(path: &Path, buffer: &mut [u8]) -> Digested {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let mut bytes = 0u64;
    loop {
        let n = file.read(buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        crc.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok(FileDigest {
        sha256: hex::encode(hasher.finalize()),
        crc32: crc.finalize(),
        bytes,
    })
}

/// The SHA-256 of the first `len` bytes of a file.
pub fn sha256_prefix(path: &Path, len: u64) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?.take(len);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut read = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        read += n as u64;
    }
    if read != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the file is shorter than recorded",
        ));
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_hashed_together_match_each_hashed_alone_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<_> = (0..9)
            .map(|i| {
                let path = dir.path().join(format!("{i}.json"));
                std::fs::write(&path, "x".repeat(i * 100_000)).unwrap();
                path
            })
            .collect();
        let missing = dir.path().join("missing.json");
        let mut all: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
        all.insert(4, &missing);
        let results = sha256_files(&all);
        assert_eq!(results.len(), 10);
        assert!(results[4].is_err());
        for (path, result) in all.iter().zip(&results).filter(|(p, _)| **p != missing) {
            let result = result.as_ref().unwrap();
            assert_eq!(
                (result.sha256.clone(), result.bytes),
                sha256_file(path).unwrap()
            );
            let bytes = std::fs::read(path).unwrap();
            assert_eq!(result.crc32, crc32fast::hash(&bytes));
        }
    }
}
