//! The evidence bundle: one BagIt 1.0 bag in a zip, signed.
//!
//! ```text
//! auditpack-210987654321-2026Q4/
//!   bag-info.txt  bagit.txt
//!   data/snapshot/...       the raw evidence, as collected
//!   data/assessment/...     findings.json, controls-<framework>.csv, summary.json
//!   data/attestations/...   the attestation file and its attachments
//!   data/report/summary.pdf the PDF summary (see `crate::report`)
//!   manifest-sha256.txt     every payload file
//!   tagmanifest-sha256.txt  bagit.txt, bag-info.txt, manifest-sha256.txt
//!   tagmanifest-sha256.txt.sig   SSH signature over the tag manifest
//! ```
//!
//! Entries are written in name order, which puts every payload file before
//! the manifests: each file is streamed as it is compressed, and never held
//! in memory whole. (It is read once before too, hashed for the report's
//! evidence index, and must read the same both times.) With the same inputs, key and date the zip
//! is the same to the byte: sorted entries, one fixed time, fixed modes.

mod deflate;
mod evidence;
mod payload;

pub use evidence::{Evidence, bag_name, digest_file, seal};

pub use payload::{Payload, collect_payload};

use crate::bag::{
    self, BAGIT_FILE, BAGIT_TXT, INFO_FILE, MANIFEST_FILE, PACKED_FILE, SIGNATURE_FILE,
    TAG_MANIFEST_FILE,
};
use sha2::{Digest, Sha256};
use ssh_key::PrivateKey;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("`{}` already exists", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    #[error("writing the zip: {0}")]
    Zip(String),
}

/// What goes into `bag-info.txt` besides the BagIt fields.
#[derive(Debug, Clone)]
pub struct Description {
    /// The bag's name, also its top folder and `External-Identifier`.
    pub name: String,
    pub organisation: Option<String>,
    /// `Auditpack-*` fields, in order.
    pub fields: Vec<(String, String)>,
}

/// A bundle written.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub name: String,
    pub files: u64,
    pub bytes: u64,
    pub tag_manifest_sha256: String,
    pub signer_fingerprint: String,
    /// What the user should be told about the bundle's report.
    pub warnings: Vec<String>,
    /// The previous bundle's SHA-256 as `bag-info.txt` records it, when the
    /// bundle is chained to one.
    pub previous_sha256: Option<String>,
}

/// Writes the bag of `payload` as a zip at `out`, signed with `key`.
/// Nothing is left at `out` if anything fails.
pub fn write(
    payload: &[Payload],
    description: &Description,
    key: &PrivateKey,
    date: OffsetDateTime,
    out: &Path,
    replace: bool,
) -> Result<Written, BundleError> {
    if out.exists() && !replace {
        return Err(BundleError::Exists(out.to_path_buf()));
    }
    if out.exists() && !is_zip(out) {
        return Err(BundleError::Input {
            path: out.to_path_buf(),
            message: "exists and is not a zip; --force replaces only an earlier bundle".into(),
        });
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|source| BundleError::Io {
        path: dir.clone(),
        source,
    })?;
    let temp = tempfile::Builder::new()
        .prefix(".auditpack-bundle-")
        .tempfile_in(&dir)
        .map_err(|source| BundleError::Io {
            path: dir.clone(),
            source,
        })?;
    let file = temp.reopen().map_err(|source| BundleError::Io {
        path: temp.path().to_path_buf(),
        source,
    })?;
    let mut writer = BagWriter::new(Tracked::new(file), &description.name, date);

    let fingerprint = crate::sign::fingerprint(key.public_key());
    let bytes: u64 = payload.iter().map(|p| p.size).sum();
    let info = info_text(description, &fingerprint, bytes, payload.len() as u64, date);
    writer.add(INFO_FILE, info.as_bytes())?;
    writer.add(BAGIT_FILE, BAGIT_TXT.as_bytes())?;

    let mut manifest = String::new();
    for (item, digest) in payload.iter().zip(writer.add_files(payload)?) {
        manifest.push_str(&bag::manifest_line(&digest, &item.bag_path));
    }
    // Stored, so that its last byte is on disk when it has been written:
    // the digest below needs the exact end of the zip so far.
    writer.start_stored(MANIFEST_FILE)?;
    writer.write(manifest.as_bytes())?;

    // Everything written so far (with the manifest's header completed when
    // the next entry starts) goes under the signature by its digest.
    let prefix = writer.position();
    writer.start_stored(PACKED_FILE)?;
    let digest =
        crate::digest::sha256_prefix(temp.path(), prefix).map_err(|source| BundleError::Io {
            path: temp.path().to_path_buf(),
            source,
        })?;
    let packed = bag::packed_line(&digest, prefix);
    writer.write(packed.as_bytes())?;

    let mut tag_manifest = String::new();
    for (name, text) in [
        (BAGIT_FILE, BAGIT_TXT),
        (INFO_FILE, info.as_str()),
        (MANIFEST_FILE, manifest.as_str()),
        (PACKED_FILE, packed.as_str()),
    ] {
        tag_manifest.push_str(&bag::manifest_line(
            &hex::encode(Sha256::digest(text.as_bytes())),
            name,
        ));
    }
    tag_manifest = sorted_lines(&tag_manifest);
    // The last entries are stored, not deflated: every bit of them counts.
    writer.start_stored(TAG_MANIFEST_FILE)?;
    writer.write(tag_manifest.as_bytes())?;
    let signature = crate::sign::sign(key, tag_manifest.as_bytes()).map_err(BundleError::Zip)?;
    writer.start_stored(SIGNATURE_FILE)?;
    writer.write(signature.as_bytes())?;
    writer.finish()?;

    // A bundle is made to be handed over: readable by all, like any file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let readable = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(temp.path(), readable).map_err(|source| BundleError::Io {
            path: temp.path().to_path_buf(),
            source,
        })?;
    }
    temp.persist(out).map_err(|e| BundleError::Io {
        path: out.to_path_buf(),
        source: e.error,
    })?;
    Ok(Written {
        path: out.to_path_buf(),
        name: description.name.clone(),
        files: payload.len() as u64,
        bytes,
        tag_manifest_sha256: hex::encode(Sha256::digest(tag_manifest.as_bytes())),
        signer_fingerprint: fingerprint,
        warnings: Vec::new(),
        previous_sha256: None,
    })
}

/// Whether a file starts like a zip archive (a local file header).
fn is_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == *b"PK\x03\x04"
}

/// Manifest lines sorted by path, so the text does not depend on the order
/// files were met.
fn sorted_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_by_key(|l| l.split_once("  ").map(|(_, p)| p).unwrap_or(l));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn info_text(
    d: &Description,
    fingerprint: &str,
    bytes: u64,
    files: u64,
    date: OffsetDateTime,
) -> String {
    let mut fields = vec![
        ("Source-Organization".to_string(), organisation(d)),
        (
            "Bagging-Date".to_string(),
            date.to_offset(time::UtcOffset::UTC).date().to_string(),
        ),
        ("Payload-Oxum".to_string(), bag::oxum(bytes, files)),
        ("External-Identifier".to_string(), d.name.clone()),
        (
            "Bag-Software-Agent".to_string(),
            format!("auditpack {}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    fields.extend(d.fields.iter().cloned());
    fields.push((
        "Auditpack-Signer-Fingerprint".to_string(),
        fingerprint.to_string(),
    ));
    bag::render_info(&fields)
}

/// The organisation as given, or `not stated`.
fn organisation(d: &Description) -> String {
    match d.organisation.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => "not stated".into(),
    }
}

/// A file that knows how far it has been written: where the next zip
/// entry will start.
struct Tracked {
    file: File,
    position: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Tracked {
    fn new(file: File) -> Tracked {
        Tracked {
            file,
            position: Default::default(),
        }
    }
}

impl Write for Tracked {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.position.set(self.position.get() + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Seek for Tracked {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let at = self.file.seek(to)?;
        self.position.set(at);
        Ok(at)
    }
}

/// The deflate level of payload entries. zlib-rs's level 5 packs AWS JSON
/// at least as tightly as its level 6 and as Info-ZIP's `zip -6` (which
/// archivists would otherwise use), and faster than either.
const LEVEL: u32 = 5;

/// Writes bag entries into a zip under the bag's top folder.
struct BagWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    name: String,
    options: SimpleFileOptions,
    position: std::rc::Rc<std::cell::Cell<u64>>,
}

impl BagWriter<Tracked> {
    fn new(inner: Tracked, name: &str, date: OffsetDateTime) -> Self {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(i64::from(LEVEL)))
            .last_modified_time(dos_time(date))
            .unix_permissions(0o644);
        let position = inner.position.clone();
        BagWriter {
            zip: ZipWriter::new(inner),
            name: name.to_string(),
            options,
            position,
        }
    }

    /// The end of what has been written: where the next entry will start.
    fn position(&self) -> u64 {
        self.position.get()
    }

    fn start(&mut self, path: &str, size: u64) -> Result<(), BundleError> {
        // Entries of 4 GiB or more need ZIP64 headers, decided up front.
        let options = self.options.large_file(size >= u64::from(u32::MAX));
        self.zip
            .start_file(format!("{}/{path}", self.name), options)
            .map_err(|e| BundleError::Zip(e.to_string()))
    }

    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), BundleError> {
        self.start(path, bytes.len() as u64)?;
        self.write(bytes)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), BundleError> {
        self.zip
            .write_all(bytes)
            .map_err(|e| BundleError::Zip(e.to_string()))
    }

    /// Starts an entry written as is, without compression.
    fn start_stored(&mut self, path: &str) -> Result<(), BundleError> {
        let options = self
            .options
            .compression_method(CompressionMethod::Stored)
            .compression_level(None);
        self.zip
            .start_file(format!("{}/{path}", self.name), options)
            .map_err(|e| BundleError::Zip(e.to_string()))
    }

    /// Streams the payload files into the zip, compressed on every core
    /// and hashed on the way; returns their SHA-256 digests, in order.
    fn add_files(&mut self, items: &[Payload]) -> Result<Vec<String>, BundleError> {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut digests = Vec::with_capacity(items.len());
        // The file being written, its SHA-256 so far (or whole, when a
        // worker hashed it) and its CRC-32.
        let mut current: Option<(&Payload, Sha256, Option<String>, crc32fast::Hasher)> = None;
        deflate::compress_files(items, LEVEL, workers, |piece| match piece {
            deflate::Piece::Start(index) => {
                let item = &items[index];
                self.start(&item.bag_path, item.size)?;
                current = Some((item, Sha256::new(), None, crc32fast::Hasher::new()));
                Ok(())
            }
            deflate::Piece::Data {
                raw,
                crc,
                packed,
                sha256,
            } => {
                let Some((item, hasher, whole, crcs)) = current.as_mut() else {
                    return Err(BundleError::Zip("data before its file".into()));
                };
                match sha256 {
                    Some(digest) => *whole = Some(digest),
                    // Hashed before sealing: the CRC-32 tells whether it
                    // still reads the same.
                    None if item.digest.is_some() => {}
                    None => hasher.update(&raw),
                }
                crcs.combine(&crc);
                self.write_packed(&packed)
                    .map_err(|source| BundleError::Io {
                        path: item.source.clone(),
                        source,
                    })
            }
            deflate::Piece::End { read } => {
                let Some((item, hasher, whole, crc)) = current.take() else {
                    return Err(BundleError::Zip("the end of no file".into()));
                };
                let digest = match (&item.digest, whole) {
                    (Some(before), _) => before.sha256.clone(),
                    (None, Some(whole)) => whole,
                    (None, None) => hex::encode(hasher.finalize()),
                };
                digests.push(self.end_file(item, read, digest, crc)?);
                Ok(())
            }
        })?;
        Ok(digests)
    }

    /// Writes deflated bytes as they are into the entry being written.
    fn write_packed(&mut self, packed: &[u8]) -> std::io::Result<()> {
        // SAFETY: the bytes go to the end of the file, where the zip writer
        // would put its own, and form the entry's deflate stream but for
        // its final block (see `deflate`); the writer's own encoder has
        // had no input, so it holds nothing that should come before them.
        let inner = unsafe { self.zip.get_mut() };
        inner
            .ok_or_else(|| std::io::Error::other("the zip writer is closed"))?
            .write_all(packed)
    }

    /// Checks what was read of `item` against what was listed, and records
    /// its size and CRC-32 for the zip's headers; returns its SHA-256.
    fn end_file(
        &mut self,
        item: &Payload,
        read: u64,
        digest: String,
        crc: crc32fast::Hasher,
    ) -> Result<String, BundleError> {
        if read != item.size {
            return Err(BundleError::Input {
                path: item.source.clone(),
                message: format!(
                    "changed while being bundled ({} bytes, then {read})",
                    item.size
                ),
            });
        }
        let crc = crc.finalize();
        // SAFETY: `read` bytes were deflated into this entry and `crc` is
        // the CRC-32 of exactly those bytes, combined chunk by chunk in order.
        unsafe { self.zip.set_file_metadata(read, crc) }
            .map_err(|e| BundleError::Zip(e.to_string()))?;
        // A file hashed before sealing is not hashed again: it must read the
        // same, which its CRC-32 tells. (A change the CRC-32 missed would
        // still be caught by verify, against the SHA-256 in the manifest.)
        if item
            .digest
            .as_ref()
            .is_some_and(|before| before.crc32 != crc)
        {
            return Err(BundleError::Input {
                path: item.source.clone(),
                message:
                    "changed while being bundled (it reads otherwise than for the report's index)"
                        .into(),
            });
        }
        Ok(digest)
    }

    fn finish(self) -> Result<(), BundleError> {
        let mut inner = self
            .zip
            .finish()
            .map_err(|e| BundleError::Zip(e.to_string()))?;
        inner.flush().map_err(|e| BundleError::Zip(e.to_string()))
    }
}

/// The zip's DOS timestamp for `date`, clamped to what DOS dates can hold
/// (1980 to 2107): an earlier time never wraps into a future year.
pub fn dos_time(date: OffsetDateTime) -> zip::DateTime {
    let utc = date.to_offset(time::UtcOffset::UTC);
    let (year, month, day) = (utc.year(), u8::from(utc.month()), utc.day());
    let clamped = if year < 1980 {
        zip::DateTime::from_date_and_time(1980, 1, 1, 0, 0, 0)
    } else if year > 2107 {
        zip::DateTime::from_date_and_time(2107, 12, 31, 23, 59, 58)
    } else {
        zip::DateTime::from_date_and_time(
            year as u16,
            month,
            day,
            utc.hour(),
            utc.minute(),
            utc.second(),
        )
    };
    clamped.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_before_1980_are_clamped_not_wrapped() {
        let t = dos_time(OffsetDateTime::UNIX_EPOCH);
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
        let far = dos_time(OffsetDateTime::from_unix_timestamp(5_000_000_000).unwrap());
        assert_eq!(far.year(), 2107);
    }
}
