//! Putting an assessed snapshot into a bundle: the payload (snapshot,
//! assessment, attestations and their attachments, and the PDF summary
//! made from them) and the `Auditpack-*` fields of `bag-info.txt`.
//!
//! The summary is rendered before sealing, from the assessment files as
//! written, and indexes every other payload file with its SHA-256; it
//! cannot show the bundle's own digest, which covers it.

use super::{BundleError, Description, Payload, Written, collect_payload, write};
use crate::attest::Attestation;
use crate::report::{self, BundleFacts, IndexedFile, REPORT_PATH};
use crate::snapshot::info::SnapshotInfo;
use ssh_key::PrivateKey;
use std::path::{Component, Path, PathBuf};
use time::OffsetDateTime;

/// What to seal, and how.
pub struct Evidence<'a> {
    /// The snapshot folder, sealed as it is, and its description.
    pub snapshot_root: &'a Path,
    pub info: &'a SnapshotInfo,
    /// The assessment of that snapshot, as `auditpack assess` wrote it.
    pub assessment_dir: &'a Path,
    /// The frameworks it was assessed against, as `short name (id)`.
    pub frameworks: Vec<String>,
    /// The attestation file as given, and what was read from it.
    pub attestations: Option<(&'a Path, &'a [Attestation])>,
    pub organisation: Option<String>,
    /// The previous quarter's bundle, whose digest (the SHA-256 of its
    /// zip file's bytes) chains this one to it.
    pub previous: Option<&'a Path>,
    /// What changed since that bundle, for the summary's section of that
    /// name (worked out by the caller, which can verify it).
    pub changes: Option<report::Changes>,
    pub key: &'a PrivateKey,
    /// A key made up by `auditpack run` for a demonstration, said so in
    /// the bundle.
    pub demo_key: bool,
    pub date: OffsetDateTime,
}

/// What `bag-info.txt` says of a bundle signed with a demo key.
const DEMO_KEY_NOTE: &str =
    "DEMO key made by `auditpack run` for a trial; not evidence of who sealed this bundle";

/// The bag name: `auditpack-ACCOUNT-YYYYQn`, the quarter of the evidence.
pub fn bag_name(info: &SnapshotInfo) -> String {
    let as_of = OffsetDateTime::parse(&info.as_of, &time::format_description::well_known::Rfc3339)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let quarter = (u8::from(as_of.month()) - 1) / 3 + 1;
    let accounts: Vec<&str> = info
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    let who = match accounts.as_slice() {
        [] => "no-account".to_string(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first}-and-{}-more", rest.len()),
    };
    format!("auditpack-{who}-{}Q{quarter}", as_of.year())
}

/// Writes the bundle at `out`.
pub fn seal(evidence: &Evidence, out: &Path, replace: bool) -> Result<Written, BundleError> {
    let mut files: Vec<(&Path, String)> = Vec::new();
    let mut attachments: Vec<(PathBuf, String)> = Vec::new();
    if let Some((file, list)) = evidence.attestations {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "attestations.toml".into());
        files.push((file, format!("data/attestations/{name}")));
        for attachment in list.iter().flat_map(|a| &a.attachments) {
            let inside = plain_relative(&attachment.path).ok_or_else(|| BundleError::Input {
                path: file.to_path_buf(),
                message: format!(
                    "attachment `{}` must be a path inside the attestation file's folder",
                    attachment.path
                ),
            })?;
            attachments.push((
                attachment.resolved.clone(),
                format!("data/attestations/{inside}"),
            ));
        }
    }
    attachments.sort();
    attachments.dedup();
    files.extend(attachments.iter().map(|(p, b)| (p.as_path(), b.clone())));
    let mut payload: Vec<Payload> = collect_payload(
        &[
            (evidence.snapshot_root, "data/snapshot"),
            (evidence.assessment_dir, "data/assessment"),
        ],
        &files,
    )?;

    let previous = match evidence.previous {
        Some(path) => digest_file(path)?,
        None => "none".to_string(),
    };
    let folder = tempfile::tempdir().map_err(|source| BundleError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let warnings = add_report(evidence, &previous, &mut payload, folder.path())?;
    let recorded = evidence.previous.map(|_| previous.clone());
    let description = Description {
        name: bag_name(evidence.info),
        organisation: evidence.organisation.clone(),
        fields: fields(evidence, previous),
    };
    let mut written = write(
        &payload,
        &description,
        evidence.key,
        evidence.date,
        out,
        replace,
    )?;
    written.warnings = warnings;
    written.previous_sha256 = recorded;
    Ok(written)
}

/// Hashes the payload for the evidence index (on every core), renders the summary into
/// `folder` and adds it to the payload; what the report warns of.
fn add_report(
    evidence: &Evidence,
    previous: &str,
    payload: &mut Vec<Payload>,
    folder: &Path,
) -> Result<Vec<String>, BundleError> {
    let mut files = Vec::with_capacity(payload.len());
    let sources: Vec<&Path> = payload.iter().map(|p| p.source.as_path()).collect();
    let digests = crate::digest::sha256_files(&sources);
    for (item, digest) in payload.iter_mut().zip(digests) {
        let digest = digest.map_err(|source| BundleError::Io {
            path: item.source.clone(),
            source,
        })?;
        let sha256 = digest.sha256.clone();
        item.digest = Some(digest);
        files.push(IndexedFile {
            path: item.bag_path.clone(),
            bytes: item.size,
            sha256,
        });
    }
    let inputs = report::Inputs {
        assessment: read_assessment(evidence.assessment_dir)?,
        snapshot: evidence.info.clone(),
        bundle: facts(evidence, previous),
        files,
        changes: evidence.changes.clone(),
    };
    let rendered = report::render(&inputs).map_err(|e| BundleError::Input {
        path: evidence.assessment_dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let source = folder.join("summary.pdf");
    std::fs::write(&source, &rendered.pdf).map_err(|e| BundleError::Io {
        path: source.clone(),
        source: e,
    })?;
    payload.push(Payload {
        bag_path: REPORT_PATH.to_string(),
        source,
        size: rendered.pdf.len() as u64,
        digest: Some(crate::digest::FileDigest {
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&rendered.pdf)),
            crc32: crc32fast::hash(&rendered.pdf),
            bytes: rendered.pdf.len() as u64,
        }),
    });
    payload.sort_by(|a, b| a.bag_path.cmp(&b.bag_path));
    Ok(rendered.warnings)
}

/// The assessment as written in its folder, which the bundle seals.
fn read_assessment(dir: &Path) -> Result<crate::controls::Assessment, BundleError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|source| BundleError::Io { path, source })
    };
    let (summary, findings) = (read("summary.json")?, read("findings.json")?);
    crate::controls::assessment::read(&summary, &findings).map_err(|message| BundleError::Input {
        path: dir.to_path_buf(),
        message,
    })
}

/// What the report can know of the bundle before it is sealed. The zip
/// is called by the bag's name in the verify command, whatever `--out`
/// says, so that where a bundle is written does not change its bytes.
fn facts(evidence: &Evidence, previous: &str) -> BundleFacts {
    let name = bag_name(evidence.info);
    BundleFacts {
        file_name: format!("{name}.zip"),
        name,
        organisation: evidence
            .organisation
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string),
        date: evidence.date,
        signer_fingerprint: crate::sign::fingerprint(evidence.key.public_key()),
        trusted_as: None,
        demo_key: evidence.demo_key.then(|| DEMO_KEY_NOTE.to_string()),
        previous_bundle: previous.to_string(),
        tag_manifest_sha256: None,
    }
}

/// A relative path with only plain components, `/`-separated.
fn plain_relative(path: &str) -> Option<String> {
    let parts: Option<Vec<String>> = Path::new(path)
        .components()
        .map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.filter(|p| !p.is_empty()).map(|p| p.join("/"))
}

fn fields(evidence: &Evidence, previous: String) -> Vec<(String, String)> {
    let info = evidence.info;
    let mut regions: Vec<&str> = info
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter().map(String::as_str))
        .collect();
    regions.sort();
    regions.dedup();
    let accounts: Vec<&str> = info
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    let frameworks = &evidence.frameworks;
    let mut fields = vec![
        ("Auditpack-Accounts", accounts.join(" ")),
        ("Auditpack-Regions", regions.join(" ")),
        (
            "Auditpack-Collection-Window",
            format!("{}/{}", info.as_of, info.collected_at),
        ),
        ("Auditpack-Evidence-As-Of", info.as_of.clone()),
        ("Auditpack-Collected-At", info.collected_at.clone()),
        ("Auditpack-Regions-Not-Collected", not_collected(info)),
        (
            "Auditpack-Evidence-Source",
            format!("{:?}", info.source).to_lowercase(),
        ),
        (
            "Auditpack-Tool-Version",
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        ("Auditpack-Frameworks", frameworks.join("; ")),
        ("Auditpack-Previous-Bundle-SHA256", previous),
    ];
    if evidence.demo_key {
        fields.push(("Auditpack-Signer-Key", DEMO_KEY_NOTE.into()));
    }
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// The regions the accounts have enabled that the snapshot left out (so
/// not assessed), or `none`.
fn not_collected(info: &SnapshotInfo) -> String {
    let gaps: Vec<String> = info
        .accounts
        .iter()
        .flat_map(|a| {
            let account = &a.account_id;
            let enabled = a.regions_not_collected.iter().filter(|g| g.left_out());
            enabled.map(move |g| format!("{account}:{}", g.region))
        })
        .collect();
    if gaps.is_empty() {
        "none".into()
    } else {
        gaps.join(" ")
    }
}

/// The SHA-256 of a whole file.
pub fn digest_file(path: &Path) -> Result<String, BundleError> {
    crate::digest::sha256_file(path)
        .map(|(digest, _)| digest)
        .map_err(|source| BundleError::Io {
            path: path.to_path_buf(),
            source,
        })
}
