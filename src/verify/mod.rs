//! Verifying a bundle offline, without extracting it: the zip's structure,
//! the bag's completeness, every SHA-256, the signature, and that the
//! signer is a key the auditor trusts.
//!
//! A bundle read from disk is an [`UnverifiedBundle`]; only
//! [`UnverifiedBundle::verify`] turns it into a [`VerifiedBundle`], and only
//! when nothing is wrong and the signer is trusted. This module never uses
//! the AWS SDK or the report code: an auditor's verifier stays small.

pub mod chain;
mod hashing;
mod raw;
mod structure;

use crate::bag::PACKED_FILE;
use crate::bag::{
    self, BAGIT_FILE, INFO_FILE, MANIFEST_FILE, PAYLOAD_DIR, SIGNATURE_FILE, TAG_MANIFEST_FILE,
};
use crate::sign::{self, Trust};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use structure::Entry;
use zip::ZipArchive;

/// Tag files are small; anything larger is not one of ours.
const MAX_TAG_FILE: u64 = 64 << 20;

/// One thing wrong, named with the file it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A path inside the bag (or the zip file itself).
    pub path: String,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.what)
    }
}

/// What verification found, verified or not.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub file: PathBuf,
    pub bag: Option<String>,
    pub info: Vec<(String, String)>,
    pub payload_files: u64,
    pub payload_bytes: u64,
    pub tag_manifest_sha256: Option<String>,
    /// The signing key's fingerprint, whenever the signature could be read.
    pub signer: Option<String>,
    /// Under which trusted name the signer was accepted.
    pub trusted_as: Option<String>,
    pub problems: Vec<Problem>,
}

impl Report {
    fn problem(&mut self, path: impl Into<String>, what: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            what: what.into(),
        });
    }
}

/// A bundle read from disk, not yet checked.
pub struct UnverifiedBundle {
    path: PathBuf,
    file: File,
}

/// A bundle whose every check passed, signed by a trusted key. Its
/// payload files can be read from it, each checked again against the
/// manifest as it is read, so nothing read can differ from what was
/// verified.
pub struct VerifiedBundle {
    pub report: Report,
    archive: ZipArchive<File>,
    entries: BTreeMap<String, Entry>,
    manifest: BTreeMap<String, String>,
}

/// A payload file of a verified bundle, as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadFile {
    /// `data/...`
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// A payload file could not be read from a verified bundle.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {what}")]
pub struct ReadError {
    pub path: String,
    pub what: String,
}

impl VerifiedBundle {
    /// Every payload file, sorted by path, with its size and SHA-256.
    pub fn payload(&self) -> Vec<PayloadFile> {
        self.manifest
            .iter()
            .filter_map(|(path, sha256)| {
                let entry = self.entries.get(path)?;
                Some(PayloadFile {
                    path: path.clone(),
                    bytes: entry.size,
                    sha256: sha256.clone(),
                })
            })
            .collect()
    }

    /// The bytes of the payload file at `path` (`data/...`), read from
    /// the zip without extracting it. Fails if the bundle does not hold
    /// it, or if what is read now no longer matches its SHA-256 (the
    /// file on disk changed since it was verified).
    pub fn read(&mut self, path: &str) -> Result<Vec<u8>, ReadError> {
        let fail = |what: &str| ReadError {
            path: path.to_string(),
            what: what.to_string(),
        };
        let (Some(entry), Some(want)) = (self.entries.get(path), self.manifest.get(path)) else {
            return Err(fail("not in the bundle"));
        };
        let mut scratch = self.report.clone();
        scratch.problems.clear();
        let bytes = read_whole(&mut self.archive, entry, &mut scratch)
            .ok_or_else(|| fail("cannot be read again since it was verified"))?;
        if hex::encode(Sha256::digest(&bytes)) != *want {
            return Err(fail("changed since it was verified"));
        }
        Ok(bytes)
    }
}

/// Verification could not run at all (the file cannot be read).
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct VerifyError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl VerifyError {
    /// What to do about it, where there is something to say.
    pub fn hint(&self) -> Option<String> {
        if self.path.is_dir() {
            // `auditpack run --out DIR` leaves the bundle inside DIR.
            let mut zips: Vec<PathBuf> = std::fs::read_dir(&self.path)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "zip"))
                .collect();
            zips.sort();
            let quoted: Vec<String> = zips.iter().map(|z| format!("`{}`", z.display())).collect();
            return Some(match quoted.as_slice() {
                [] => "pass the bundle's .zip file itself; an unzipped bag is checked as \
                       docs/verifying.md shows"
                    .into(),
                [one] => format!("pass the bundle file inside it: {one}"),
                few if few.len() <= 4 => {
                    format!("pass one of the bundle files inside it: {}", few.join(", "))
                }
                many => format!(
                    "pass the bundle files inside it, not the folder ({} .zip files, {} the \
                     first)",
                    many.len(),
                    many[0]
                ),
            });
        }
        match self.source.kind() {
            std::io::ErrorKind::NotFound => Some(
                "check the path: name each bundle by its .zip file, as `auditpack bundle` or \
                 `auditpack run` wrote it"
                    .into(),
            ),
            std::io::ErrorKind::PermissionDenied => {
                Some("it must be readable by you: check its permissions, or ask for a copy".into())
            }
            _ => None,
        }
    }
}

impl UnverifiedBundle {
    pub fn open(path: &Path) -> Result<UnverifiedBundle, VerifyError> {
        let fail = |source| VerifyError {
            path: path.to_path_buf(),
            source,
        };
        if path.is_dir() {
            return Err(fail(std::io::Error::other("a folder, not a bundle file")));
        }
        let file = File::open(path).map_err(|e| {
            // Said in words, as the other refusals are, not as an OS error.
            let words = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file",
                std::io::ErrorKind::PermissionDenied => "not allowed to read it",
                _ => return fail(e),
            };
            fail(std::io::Error::new(e.kind(), words))
        })?;
        Ok(UnverifiedBundle {
            path: path.to_path_buf(),
            file,
        })
    }

    /// The bag's name, read from the zip's layout alone, with nothing
    /// verified: what a bundle says it is, for a warning before it is
    /// checked. `None` when the file is not laid out as a bag.
    pub fn claimed_bag(self) -> Option<String> {
        let mut report = Report {
            file: self.path.clone(),
            ..Report::default()
        };
        let mut archive = ZipArchive::new(self.file).ok()?;
        structure::check(&mut archive, &mut report).map(|(bag, _)| bag)
    }

    /// Checks everything; the report of what is wrong when anything is.
    pub fn verify(self, trust: &Trust) -> Result<VerifiedBundle, Box<Report>> {
        let mut report = Report {
            file: self.path.clone(),
            ..Report::default()
        };
        let mut archive = match ZipArchive::new(self.file) {
            Ok(archive) => archive,
            Err(e) => {
                report.problem(
                    self.path.display().to_string(),
                    format!(
                        "not a readable zip archive ({e}): a bundle cut short or damaged in \
                         copying, or not a bundle at all; ask for the file again"
                    ),
                );
                return Err(Box::new(report));
            }
        };
        let Some((bag, entries)) = structure::check(&mut archive, &mut report) else {
            return Err(Box::new(report));
        };
        report.bag = Some(bag.clone());
        let manifest = check_bag(&mut archive, &bag, &entries, trust, &mut report);
        match manifest {
            Some(manifest) if report.problems.is_empty() && report.trusted_as.is_some() => {
                Ok(VerifiedBundle {
                    report,
                    archive,
                    entries,
                    manifest,
                })
            }
            _ => Err(Box::new(report)),
        }
    }
}

/// Checks the bag inside the zip; the payload manifest, when it could be
/// read.
fn check_bag(
    archive: &mut ZipArchive<File>,
    bag: &str,
    entries: &BTreeMap<String, Entry>,
    trust: &Trust,
    report: &mut Report,
) -> Option<BTreeMap<String, String>> {
    let mut tag = |name: &str, report: &mut Report| -> Option<Vec<u8>> {
        let Some(entry) = entries.get(name) else {
            report.problem(name, "missing");
            return None;
        };
        if entry.size > MAX_TAG_FILE {
            report.problem(
                name,
                format!("{} bytes: too large for a tag file", entry.size),
            );
            return None;
        }
        read_whole(archive, entry, report)
    };
    let bagit = tag(BAGIT_FILE, report);
    let info = tag(INFO_FILE, report);
    let manifest = tag(MANIFEST_FILE, report);
    let tag_manifest = tag(TAG_MANIFEST_FILE, report);
    let signature = tag(SIGNATURE_FILE, report);
    let packed = tag(PACKED_FILE, report);
    if let (Some(packed), Some(entry)) = (&packed, entries.get(PACKED_FILE)) {
        check_packed(packed, entry.header_start, report);
    }

    if let Some(bagit) = &bagit {
        check_bagit(bagit, report);
    }
    let info_fields = info
        .as_deref()
        .and_then(|b| parse_text(INFO_FILE, b, bag::parse_info, report));
    let manifest = manifest
        .as_deref()
        .and_then(|b| parse_text(MANIFEST_FILE, b, bag::parse_manifest, report));
    let tags = tag_manifest
        .as_deref()
        .and_then(|b| parse_text(TAG_MANIFEST_FILE, b, bag::parse_manifest, report));
    hashing::with_hashing(report, entries.len(), |hashing, report| {
        if let Some(tags) = &tags {
            check_tag_manifest(archive, entries, tags, hashing, report);
        }
        if let Some(manifest) = &manifest {
            check_payload(archive, entries, manifest, hashing, report);
        }
    });
    if let Some(fields) = info_fields {
        check_oxum(&fields, report);
        match bag::field(&fields, "External-Identifier") {
            Some(id) if id != bag => report.problem(
                INFO_FILE,
                format!("External-Identifier is `{id}`, but the bag is `{bag}`"),
            ),
            _ => {}
        }
        report.info = fields;
    }
    if let (Some(signature), Some(tag_manifest)) = (&signature, &tag_manifest) {
        report.tag_manifest_sha256 = Some(hex::encode(Sha256::digest(tag_manifest)));
        check_signature(signature, tag_manifest, trust, report);
    }
    manifest
}

fn parse_text<T>(
    name: &str,
    bytes: &[u8],
    parse: impl Fn(&str) -> Result<T, String>,
    report: &mut Report,
) -> Option<T> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        report.problem(name, "not UTF-8 text");
        return None;
    };
    parse(text).map_err(|e| report.problem(name, e)).ok()
}

fn check_bagit(bytes: &[u8], report: &mut Report) {
    let Some(fields) = parse_text(BAGIT_FILE, bytes, bag::parse_info, report) else {
        return;
    };
    match bag::field(&fields, "BagIt-Version") {
        Some("1.0") | Some("0.97") => {}
        Some(other) => report.problem(BAGIT_FILE, format!("BagIt version `{other}`, expected 1.0")),
        None => report.problem(BAGIT_FILE, "no BagIt-Version"),
    }
    if !bag::field(&fields, "Tag-File-Character-Encoding")
        .is_some_and(|e| e.eq_ignore_ascii_case("UTF-8"))
    {
        report.problem(BAGIT_FILE, "tag files are not declared UTF-8");
    }
}

/// The tag manifest must cover every tag file but the signature, and each
/// must match its digest.
fn check_tag_manifest<'a>(
    archive: &mut ZipArchive<File>,
    entries: &'a BTreeMap<String, Entry>,
    tags: &'a BTreeMap<String, String>,
    hashing: &mut hashing::Hashing<'a>,
    report: &mut Report,
) {
    for required in [BAGIT_FILE, INFO_FILE, MANIFEST_FILE, PACKED_FILE] {
        if !tags.contains_key(required) {
            report.problem(TAG_MANIFEST_FILE, format!("does not list `{required}`"));
        }
    }
    for (name, entry) in entries.iter().filter(|(n, _)| !n.starts_with(PAYLOAD_DIR)) {
        if name == TAG_MANIFEST_FILE || name == SIGNATURE_FILE {
            continue;
        }
        match tags.get(name) {
            None => report.problem(
                name,
                "not listed in the tag manifest, so not covered by the signature",
            ),
            Some(want) => hashing.compare(archive, entry, want, report),
        }
    }
    for name in tags.keys().filter(|n| !entries.contains_key(*n)) {
        report.problem(name, format!("listed in {TAG_MANIFEST_FILE} but missing"));
    }
}

fn check_payload<'a>(
    archive: &mut ZipArchive<File>,
    entries: &'a BTreeMap<String, Entry>,
    manifest: &'a BTreeMap<String, String>,
    hashing: &mut hashing::Hashing<'a>,
    report: &mut Report,
) {
    for (name, entry) in entries.iter().filter(|(n, _)| n.starts_with(PAYLOAD_DIR)) {
        match manifest.get(name) {
            None => report.problem(name, format!("not listed in {MANIFEST_FILE}")),
            Some(want) => {
                hashing.compare(archive, entry, want, report);
                report.payload_files += 1;
                report.payload_bytes += entry.size;
            }
        }
    }
    for name in manifest.keys().filter(|n| !entries.contains_key(*n)) {
        report.problem(name, format!("listed in {MANIFEST_FILE} but missing"));
    }
}

/// The zip's bytes before [`PACKED_FILE`] must be those sealed: its text,
/// covered by the tag manifest and so by the signature, gives their digest.
fn check_packed(text: &[u8], header_start: u64, report: &mut Report) {
    let Some((digest, bytes)) = std::str::from_utf8(text).ok().and_then(bag::parse_packed) else {
        return report.problem(PACKED_FILE, "not `digest  bytes`");
    };
    if bytes != header_start {
        return report.problem(
            PACKED_FILE,
            format!("covers {bytes} bytes, but the entry starts at byte {header_start}"),
        );
    }
    match crate::digest::sha256_prefix(&report.file, bytes) {
        Ok(found) if found == digest => {}
        Ok(_) => report.problem(
            PACKED_FILE,
            format!(
                "the zip's first {bytes} bytes are not the bytes that were sealed: the zip was \
                 rewritten after sealing (re-zipped or edited), so this is not the file signed, \
                 even where the files inside still match their checksums"
            ),
        ),
        Err(e) => report.problem(
            PACKED_FILE,
            format!("cannot read the zip's first {bytes} bytes ({e})"),
        ),
    }
}

fn check_oxum(fields: &[(String, String)], report: &mut Report) {
    let found = bag::oxum(report.payload_bytes, report.payload_files);
    match bag::field(fields, "Payload-Oxum") {
        Some(oxum) if oxum == found => {}
        Some(oxum) => report.problem(
            INFO_FILE,
            format!("Payload-Oxum is {oxum}, but the payload is {found}"),
        ),
        None => report.problem(INFO_FILE, "no Payload-Oxum"),
    }
}

fn check_signature(signature: &[u8], tag_manifest: &[u8], trust: &Trust, report: &mut Report) {
    let checked = match sign::check(signature, tag_manifest) {
        Ok(checked) => checked,
        Err(e) => return report.problem(SIGNATURE_FILE, e),
    };
    report.signer = Some(checked.fingerprint.clone());
    if let Some(stated) = bag::field(&report.info, "Auditpack-Signer-Fingerprint")
        && stated != checked.fingerprint
    {
        report.problem(
            INFO_FILE,
            format!(
                "names signer {stated}, but the bundle is signed by {}",
                checked.fingerprint
            ),
        );
    }
    match trust.admits(&checked.signer) {
        Ok(name) => report.trusted_as = Some(name),
        Err(e) => report.problem(SIGNATURE_FILE, e),
    }
}

fn read_whole(
    archive: &mut ZipArchive<File>,
    entry: &Entry,
    report: &mut Report,
) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(entry.size as usize);
    let mut buffer = vec![0u8; 1 << 16];
    stream(
        archive,
        entry,
        report,
        |chunk| bytes.extend_from_slice(chunk),
        &mut buffer,
    )?;
    Some(bytes)
}

/// Reads an entry in chunks, never past the size it declares; a read
/// error (a damaged entry, a wrong CRC) becomes a problem.
fn stream(
    archive: &mut ZipArchive<File>,
    entry: &Entry,
    report: &mut Report,
    mut sink: impl FnMut(&[u8]),
    buffer: &mut [u8],
) -> Option<()> {
    let mut file = match archive.by_index(entry.index) {
        Ok(file) => file,
        Err(e) => {
            report.problem(&entry.path, format!("cannot be read ({e})"));
            return None;
        }
    };
    let mut total = 0u64;
    loop {
        match file.read(buffer) {
            Ok(0) => break,
            Ok(n) => {
                total += n as u64;
                if total > entry.size {
                    report.problem(&entry.path, "holds more data than its header declares");
                    return None;
                }
                sink(&buffer[..n]);
            }
            Err(e) => {
                report.problem(&entry.path, format!("damaged: {e}"));
                return None;
            }
        }
    }
    Some(())
}
