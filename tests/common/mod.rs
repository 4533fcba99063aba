//! Helpers shared by the integration tests: a small builder for export
//! folders, and a way to run the real binary.

#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

pub const ACCOUNT: &str = "210987654321";

/// An export folder under construction, in a temporary directory.
pub struct Export {
    pub dir: tempfile::TempDir,
}

impl Export {
    pub fn new() -> Export {
        Export {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// The folder to pass to `--from-exports`.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content` at `relative` below the export root.
    pub fn file(&self, relative: &str, content: &str) -> &Self {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
        self
    }

    /// Writes a call's output for the test account: `scope` is `global` or
    /// a region; `call` is `service/operation` (or `.../resource`).
    pub fn call(&self, scope: &str, call: &str, json: &str) -> &Self {
        self.file(&format!("{ACCOUNT}/{scope}/{call}.json"), json)
    }

    /// Writes a failed call's error text.
    pub fn failed(&self, scope: &str, call: &str, text: &str) -> &Self {
        self.file(&format!("{ACCOUNT}/{scope}/{call}.error"), text)
    }

    /// A minimal but complete export of one region: every expected call
    /// answered, with empty listings.
    pub fn complete(region: &str) -> Export {
        let export = Export::new();
        for (call, json) in GLOBAL_CALLS {
            // The account has exactly the region exported.
            let json = match *call {
                "ec2/describe-regions" => json.replace("eu-west-2", region),
                _ => json.to_string(),
            };
            export.call("global", call, &json);
        }
        for (call, json) in REGIONAL_CALLS {
            export.call(region, call, json);
        }
        export
    }
}

pub const GLOBAL_CALLS: &[(&str, &str)] = &[
    (
        "sts/get-caller-identity",
        r#"{"UserId":"AROA:x","Account":"210987654321","Arn":"arn:aws:sts::210987654321:assumed-role/Audit/x"}"#,
    ),
    (
        "ec2/describe-regions",
        r#"{"Regions":[{"RegionName":"eu-west-2","OptInStatus":"opt-in-not-required"}]}"#,
    ),
    (
        "iam/get-account-summary",
        r#"{"SummaryMap":{"AccountMFAEnabled":1}}"#,
    ),
    (
        "iam/get-credential-report",
        r#"{"Content":"dXNlcixhcm4scGFzc3dvcmRfZW5hYmxlZCxtZmFfYWN0aXZlCjxyb290X2FjY291bnQ+LGFybjphd3M6aWFtOjoyMTA5ODc2NTQzMjE6cm9vdCxub3Rfc3VwcG9ydGVkLHRydWU=","GeneratedTime":"2026-11-30T09:15:02+00:00","ReportFormat":"text/csv"}"#,
    ),
    (
        "iam/get-account-password-policy",
        r#"{"PasswordPolicy":{"MinimumPasswordLength":14}}"#,
    ),
    (
        "iam/list-virtual-mfa-devices",
        r#"{"VirtualMFADevices":[]}"#,
    ),
    ("iam/list-users", r#"{"Users":[]}"#),
    (
        "s3control/get-public-access-block",
        r#"{"PublicAccessBlockConfiguration":{"BlockPublicAcls":true}}"#,
    ),
    (
        "support/describe-trusted-advisor-checks",
        r#"{"checks":[]}"#,
    ),
    ("artifact/list-reports", r#"{"reports":[]}"#),
];

pub const REGIONAL_CALLS: &[(&str, &str)] = &[
    ("ec2/describe-security-groups", r#"{"SecurityGroups":[]}"#),
    ("ec2/describe-instances", r#"{"Reservations":[]}"#),
    ("ec2/describe-images", r#"{"Images":[]}"#),
    ("ec2/describe-network-acls", r#"{"NetworkAcls":[]}"#),
    (
        "ec2/get-ebs-encryption-by-default",
        r#"{"EbsEncryptionByDefault":true}"#,
    ),
    (
        "ec2/get-instance-metadata-defaults",
        r#"{"AccountLevel":{}}"#,
    ),
    (
        "ssm/describe-instance-information",
        r#"{"InstanceInformationList":[]}"#,
    ),
    ("guardduty/list-detectors", r#"{"DetectorIds":[]}"#),
    (
        "securityhub/describe-hub",
        r#"{"HubArn":"arn:aws:securityhub:eu-west-2:210987654321:hub/default"}"#,
    ),
    (
        "securityhub/get-enabled-standards",
        r#"{"StandardsSubscriptions":[]}"#,
    ),
    (
        "configservice/describe-configuration-recorders",
        r#"{"ConfigurationRecorders":[]}"#,
    ),
    (
        "configservice/describe-configuration-recorder-status",
        r#"{"ConfigurationRecordersStatus":[]}"#,
    ),
    ("cloudtrail/describe-trails", r#"{"trailList":[]}"#),
    (
        "inspector2/batch-get-account-status",
        r#"{"accounts":[],"failedAccounts":[]}"#,
    ),
];

/// The auditpack binary, with a fixed collection time.
pub fn auditpack() -> Command {
    let mut cmd = Command::cargo_bin("auditpack").expect("binary built");
    cmd.env("SOURCE_DATE_EPOCH", "1796000000")
        .env_remove("AUDITPACK_LOG");
    cmd
}

/// Reads a snapshot's collection log as JSON.
pub fn log(snapshot: &Path) -> serde_json::Value {
    read_json(&snapshot.join("collection-log.json"))
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The log entry for one call of the test account (`resource` for
/// per-resource calls).
pub fn entry<'a>(
    log: &'a serde_json::Value,
    region: &str,
    service: &str,
    operation: &str,
) -> &'a serde_json::Value {
    entry_of(log, ACCOUNT, region, service, operation)
}

/// The log entry for one call of `account`.
pub fn entry_of<'a>(
    log: &'a serde_json::Value,
    account: &str,
    region: &str,
    service: &str,
    operation: &str,
) -> &'a serde_json::Value {
    log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["account_id"] == account
                && e["region"] == region
                && e["service"] == service
                && e["operation"] == operation
        })
        .unwrap_or_else(|| panic!("no log entry for {account} {region} {service} {operation}"))
}

/// The shared reference material beside the repository, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("AUDITPACK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    dir.join("cases").is_dir().then_some(dir)
}

/// Every file below `dir`, relative, sorted, with `/` separators.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// The sample's folder: export, approved images, attestations.
pub const SAMPLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/nhs-trust");
/// The organisation the sample's bundles are sealed for.
pub const SAMPLE_ORGANISATION: &str = "Northbridge Community Health NHS Trust";

/// `auditpack bundle` of `snapshot` with the sample's attestations,
/// approved images and organisation; the caller adds `--date` or not.
pub fn seal_sample(snapshot: &Path, key: &Path, out: &Path) -> Command {
    let mut cmd = auditpack();
    cmd.arg("bundle")
        .arg(snapshot)
        .arg("--key")
        .arg(key)
        .arg("--out")
        .arg(out)
        .args([
            "--attestations",
            &format!("{SAMPLE_DIR}/attestations.toml"),
            "--approved-images",
            &format!("{SAMPLE_DIR}/approved-images.toml"),
            "--organisation",
            SAMPLE_ORGANISATION,
        ]);
    cmd
}

/// A folder for fixtures that live for the whole test run (statics are
/// never dropped), under target/, named `PREFIX-...`. Folders of earlier
/// runs with the same prefix, a day old or more, are removed first: a run
/// cannot remove its own, and one still running is never that old.
pub fn fixture_dir(prefix: &str) -> PathBuf {
    let under = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let day = std::time::Duration::from_secs(24 * 60 * 60);
    for entry in fs::read_dir(under).into_iter().flatten().flatten() {
        let age = entry.metadata().and_then(|m| m.modified()).ok();
        let stale = age.and_then(|t| t.elapsed().ok()).is_some_and(|a| a > day);
        if stale && entry.file_name().to_string_lossy().starts_with(prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(under)
        .expect("fixture folder")
        .keep()
}

/// `auditpack keygen` of a key at `out` for `identity`.
pub fn keygen_as(out: &Path, identity: &str) -> Command {
    let mut cmd = auditpack();
    cmd.args(["keygen", "-q", "--identity", identity, "--out"])
        .arg(out);
    cmd
}

/// An allowed-signers line trusting `public` as `identity` for bundles
/// (the namespace auditpack signs in).
pub fn allowed_line(identity: &str, public: &Path) -> String {
    let key = fs::read_to_string(public).unwrap();
    format!(
        "{identity} namespaces=\"auditpack-bundle\" {}\n",
        key.trim()
    )
}

/// A payload file of a bundle, by its path inside the bag.
pub fn bundle_entry(zip: &Path, inner: &str) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(fs::File::open(zip).unwrap()).unwrap();
    let name = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .find(|n| n.split_once('/').is_some_and(|(_, rest)| rest == inner))
        .unwrap_or_else(|| panic!("{}: no {inner}", zip.display()));
    let mut bytes = Vec::new();
    archive
        .by_name(&name)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

/// A poppler tool's output on `pdf`; a missing tool fails the test.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let output = std::process::Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} cannot run ({e}); run scripts/test, which installs poppler-utils")
        });
    assert!(
        output.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// What a command said on standard error.
pub fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// The SHA-256 of `bytes`, as `sha256sum` prints it.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The fingerprint auditpack prints for a public key, as `verify` shows
/// a bundle's signer.
pub fn keygen_fingerprint(public: &Path) -> String {
    auditpack::sign::fingerprint(&auditpack::sign::load_public(public).unwrap())
}

/// Imports `export` and seals it as `DIR/NAME.zip` with `key`, chained
/// to `previous`, with `extra` options of `bundle`.
pub fn collect_and_seal(
    export: &Path,
    dir: &Path,
    name: &str,
    key: &Path,
    previous: Option<&Path>,
    extra: &[String],
) -> PathBuf {
    collect_and_seal_saying(export, dir, name, key, previous, extra).0
}

/// [`collect_and_seal`], and what sealing said on standard error.
pub fn collect_and_seal_saying(
    export: &Path,
    dir: &Path,
    name: &str,
    key: &Path,
    previous: Option<&Path>,
    extra: &[String],
) -> (PathBuf, String) {
    let snapshot = dir.join(format!("{name}-snapshot"));
    auditpack()
        .args(["collect", "-q", "--force", "--from-exports"])
        .arg(export)
        .arg("--out")
        .arg(&snapshot)
        .assert()
        .success();
    let out = dir.join(format!("{name}.zip"));
    let mut cmd = auditpack();
    cmd.arg("bundle")
        .arg(&snapshot)
        .arg("--key")
        .arg(key)
        .arg("--out")
        .arg(&out)
        .args(["-q", "--force"])
        .args(extra);
    if let Some(previous) = previous {
        cmd.arg("--previous").arg(previous);
    }
    let done = cmd.assert().success();
    (out, stderr_of(&done))
}

/// The one-region export of the test account, its evidence dated
/// `generated` (when its credential report was generated), which sets
/// the quarter of the bundle sealed from it.
pub fn export_as_of(generated: &str) -> Export {
    let export = Export::new();
    for (call, body) in GLOBAL_CALLS {
        let body = body.replace("2026-11-30T09:15:02+00:00", generated);
        export.call("global", call, &body);
    }
    for (call, body) in REGIONAL_CALLS {
        export.call("eu-west-2", call, body);
    }
    export
}

/// A one-account bundle of the test export, as of `generated`, signed
/// with `key`.
pub fn seal_export(
    dir: &Path,
    name: &str,
    generated: &str,
    key: &Path,
    previous: Option<&Path>,
) -> PathBuf {
    seal_export_saying(dir, name, generated, key, previous).0
}

/// [`seal_export`], and what sealing said on standard error.
pub fn seal_export_saying(
    dir: &Path,
    name: &str,
    generated: &str,
    key: &Path,
    previous: Option<&Path>,
) -> (PathBuf, String) {
    let export = export_as_of(generated);
    collect_and_seal_saying(export.root(), dir, name, key, previous, &[])
}
