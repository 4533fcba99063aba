//! The signed evidence bundle, end to end through the real binary: making
//! keys, sealing the shipped sample, whom `verify` trusts, reproducible
//! bytes, every way we could think of to damage or forge a bundle, hostile
//! zips that try to escape or exhaust the verifier, and the outside tools an
//! auditor may use instead of auditpack (unzip, bagit-python, sha256sum,
//! ssh-keygen). The commands of docs/verifying.md are run as written.
//!
//! The outside tools are required, not optional: a missing one fails its
//! test with a pointer to scripts/test, which installs them.

mod common;

use common::auditpack;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/nhs-trust");
const DATE: &str = "2026-12-01";
const IDENTITY: &str = "compliance@nbch.example";
const ORGANISATION: &str = common::SAMPLE_ORGANISATION;
const NAMESPACE: &str = "auditpack-bundle";
const TIP: &str = "run scripts/test, which installs what the tests need";

// ---------------------------------------------------------------------------
// Fixtures

/// The sample sealed once for every test in this file, with the keys
/// around it. Tests that damage a bundle work on a copy.
struct Sealed {
    snapshot: PathBuf,
    key: PathBuf,
    public: PathBuf,
    /// A second key of the same kind, trusted by nobody.
    other_key: PathBuf,
    bundle: PathBuf,
    /// The same evidence sealed a day later: another tag manifest, so
    /// another signature by the same key.
    later_bundle: PathBuf,
    /// `IDENTITY namespaces="auditpack-bundle" <public key>`.
    allowed_signers: PathBuf,
    /// The bag's name, the zip's top folder.
    bag: String,
}

fn sealed() -> &'static Sealed {
    static SEALED: OnceLock<Sealed> = OnceLock::new();
    SEALED.get_or_init(|| {
        let dir = common::fixture_dir("bundle-");
        let snapshot = dir.join("snapshot");
        auditpack()
            .args(["collect", "--from-exports", &format!("{SAMPLE}/export")])
            .arg("--out")
            .arg(&snapshot)
            .assert()
            .success();
        let key = dir.join("key");
        let other_key = dir.join("other-key");
        keygen(&key).assert().success();
        keygen(&other_key).assert().success();
        let public = dir.join("key.pub");

        let bundle = dir.join("bundle.zip");
        let later_bundle = dir.join("later.zip");
        seal(&snapshot, &key, &bundle)
            .args(["--date", DATE])
            .assert()
            .success();
        seal(&snapshot, &key, &later_bundle)
            .args(["--date", "2026-12-02"])
            .assert()
            .success();

        let allowed_signers = dir.join("allowed_signers");
        fs::write(&allowed_signers, allowed_line(IDENTITY, &public)).unwrap();
        let bag = zip_names(&bundle)[0].split_once('/').unwrap().0.to_string();
        Sealed {
            snapshot,
            key,
            public,
            other_key,
            bundle,
            later_bundle,
            allowed_signers,
            bag,
        }
    })
}

fn keygen(out: &Path) -> assert_cmd::Command {
    let mut cmd = auditpack();
    cmd.args(["keygen", "--identity", IDENTITY, "--out"])
        .arg(out);
    cmd
}

fn seal(snapshot: &Path, key: &Path, out: &Path) -> assert_cmd::Command {
    common::seal_sample(snapshot, key, out)
}

use common::allowed_line;

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

// ---------------------------------------------------------------------------
// Running verify

/// What one run of `auditpack verify` said.
struct Verdict {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// `auditpack verify BUNDLE ARGS...`, run in `cwd`. Whatever the input,
/// the verifier must end with a verdict or an error, never a panic.
fn verify_in(cwd: &Path, bundle: &Path, args: &[&str]) -> Verdict {
    let output = auditpack()
        .current_dir(cwd)
        .arg("verify")
        .arg(bundle)
        .args(args)
        .output()
        .unwrap();
    let verdict = Verdict {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !verdict.stderr.contains("panicked") && matches!(verdict.code, 0..=2),
        "verify of {} crashed: {verdict:?}",
        bundle.display()
    );
    verdict
}

fn verify(bundle: &Path, args: &[&str]) -> Verdict {
    verify_in(Path::new(env!("CARGO_TARGET_TMPDIR")), bundle, args)
}

/// Verify against the sample signer's public key.
fn verify_with_key(bundle: &Path) -> Verdict {
    verify(bundle, &["--key", path_str(&sealed().public)])
}

/// Exit 1, "NOT VERIFIED", and every `naming` said on standard output.
#[track_caller]
fn assert_not_verified(verdict: &Verdict, naming: &[&str]) {
    assert_eq!(verdict.code, 1, "{verdict:?}");
    assert!(verdict.stdout.starts_with("NOT VERIFIED"), "{verdict:?}");
    for name in naming {
        assert!(
            verdict.stdout.contains(name),
            "stdout does not name `{name}`: {verdict:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Changing zips

/// Every entry's full name in the zip, in the zip's order.
fn zip_names(zip: &Path) -> Vec<String> {
    let archive = ZipArchive::new(File::open(zip).unwrap()).unwrap();
    archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect()
}

/// The names inside the bag (without the top folder) of every file entry.
fn bag_entries(zip: &Path) -> Vec<String> {
    zip_names(zip)
        .iter()
        .filter(|n| !n.ends_with('/'))
        .map(|n| n.split_once('/').unwrap().1.to_string())
        .collect()
}

/// An entry's name as stored (auditpack writes UTF-8 names).
fn raw_name(file: &zip::read::ZipFile<'_, File>) -> String {
    String::from_utf8(file.name_raw().to_vec()).unwrap()
}

/// What to do with one entry when copying a zip.
enum Edit<'a> {
    Keep,
    Drop,
    Rename(&'a str),
    Change(&'a dyn Fn(&mut Vec<u8>)),
}

/// Copies the zip at `from` to `to` with `edit` applied to each entry (by
/// its name inside the bag), then `extra` entries appended (full names).
/// Untouched entries are copied raw, so only what the edit names changes;
/// the result is a well-formed zip that any tool reads.
fn rezip<'a>(from: &Path, to: &Path, edit: impl Fn(&str) -> Edit<'a>, extra: &[(&str, &[u8])]) {
    let mut archive = ZipArchive::new(File::open(from).unwrap()).unwrap();
    let mut writer = ZipWriter::new(File::create(to).unwrap());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for index in 0..archive.len() {
        let name = raw_name(&archive.by_index_raw(index).unwrap());
        let (bag, inner) = name.split_once('/').unwrap();
        match edit(inner) {
            Edit::Keep => writer
                .raw_copy_file(archive.by_index_raw(index).unwrap())
                .unwrap(),
            Edit::Drop => {}
            Edit::Rename(new) => writer
                .raw_copy_file_rename(archive.by_index_raw(index).unwrap(), format!("{bag}/{new}"))
                .unwrap(),
            Edit::Change(change) => {
                let mut bytes = Vec::new();
                archive
                    .by_index(index)
                    .unwrap()
                    .read_to_end(&mut bytes)
                    .unwrap();
                change(&mut bytes);
                writer.start_file(name.as_str(), options).unwrap();
                writer.write_all(&bytes).unwrap();
            }
        }
    }
    for (name, bytes) in extra {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
}

/// Changes one byte in the middle (or, for an empty entry, adds one).
fn flip_middle(bytes: &mut Vec<u8>) {
    if bytes.is_empty() {
        bytes.push(b'x');
    } else {
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
    }
}

/// Replaces the first `from` in a text entry with `to`.
fn replace_text(bytes: &mut Vec<u8>, from: &str, to: &str) {
    let text = String::from_utf8(std::mem::take(bytes)).unwrap();
    assert!(text.contains(from), "`{from}` not in {text}");
    *bytes = text.replacen(from, to, 1).into_bytes();
}

/// A new, empty temporary folder for one test.
fn workspace() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

// ---------------------------------------------------------------------------
// Outside tools

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// An outside tool the tests need; a missing one fails the test.
fn tool(name: &str) -> PathBuf {
    find_in_path(name).unwrap_or_else(|| panic!("`{name}` is not installed: {TIP}"))
}

/// The virtual environment scripts/test fills (bagit-python lives there).
fn venv() -> PathBuf {
    std::env::var_os("AUDITPACK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME is set");
            Path::new(&home).join(".cache/auditpack/venv")
        })
}

fn bagit_py() -> PathBuf {
    let path = venv().join("bin/bagit.py");
    assert!(
        path.is_file(),
        "{} is missing (bagit-python, looked for in $AUDITPACK_VENV, by default \
         ~/.cache/auditpack/venv): {TIP}",
        path.display()
    );
    path
}

/// Runs an outside command, failing the test with its output unless it
/// succeeds.
#[track_caller]
fn run_ok(cmd: &mut Command) -> String {
    let output = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{cmd:?} failed: {}\n--- stdout\n{stdout}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Unzips `zip` into `into` with Info-ZIP's unzip; the bag's folder.
fn unzip(zip: &Path, into: &Path) -> PathBuf {
    run_ok(
        Command::new(tool("unzip"))
            .arg("-q")
            .arg(zip)
            .arg("-d")
            .arg(into),
    );
    into.join(&sealed().bag)
}

/// Signs `message` as `ssh-keygen -Y sign` does; the armored signature.
fn ssh_sign(key: &Path, message: &[u8], dir: &Path) -> Vec<u8> {
    let file = dir.join("tagmanifest-sha256.txt");
    fs::write(&file, message).unwrap();
    run_ok(
        Command::new(tool("ssh-keygen"))
            .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
            .arg(key)
            .arg(&file),
    );
    fs::read(dir.join("tagmanifest-sha256.txt.sig")).unwrap()
}

// ---------------------------------------------------------------------------
// keygen

#[test]
fn keygen_writes_an_owner_only_key_and_prints_its_allowed_signers_line() {
    let dir = workspace();
    let key = dir.path().join("signing");
    let out = keygen(&key).output().unwrap();
    assert!(out.status.success(), "{out:?}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "private key mode {mode:o}");
    }
    let public = fs::read_to_string(dir.path().join("signing.pub")).unwrap();
    assert!(public.starts_with("ssh-ed25519 AAAA"), "{public}");

    // Line 1 the fingerprint, as ssh-keygen -l prints it; line 2 what goes
    // into an auditor's allowed-signers file.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let listed = run_ok(
        Command::new(tool("ssh-keygen"))
            .arg("-lf")
            .arg(dir.path().join("signing.pub")),
    );
    assert_eq!(listed.split_whitespace().nth(1), Some(lines[0]), "{stdout}");
    assert_eq!(
        format!("{}\n", lines[1]),
        allowed_line(IDENTITY, &dir.path().join("signing.pub"))
    );
}

#[test]
fn keygen_refuses_to_overwrite_a_key_or_its_public_half() {
    let dir = workspace();
    let key = dir.path().join("signing");
    keygen(&key).assert().success();
    let before = fs::read(&key).unwrap();
    keygen(&key).assert().code(2);
    assert_eq!(fs::read(&key).unwrap(), before, "the key was rewritten");

    // Only KEY.pub there: still refused, and no private key appears.
    let lone = dir.path().join("lone");
    fs::write(
        dir.path().join("lone.pub"),
        "ssh-ed25519 AAAA placeholder\n",
    )
    .unwrap();
    keygen(&lone).assert().code(2);
    assert!(!lone.exists());
}

// ---------------------------------------------------------------------------
// Whom verify trusts

#[test]
fn sample_bundle_is_named_after_its_first_account_the_others_and_the_quarter() {
    // Two accounts (210987654321 and 480215379604), evidence of 2026-11-30.
    assert_eq!(sealed().bag, "auditpack-210987654321-and-1-more-2026Q4");
}

#[test]
fn sample_bundle_verifies_with_the_signers_public_key() {
    let verdict = verify_with_key(&sealed().bundle);
    assert_eq!(verdict.code, 0, "{verdict:?}");
    assert!(verdict.stdout.starts_with("VERIFIED"), "{verdict:?}");
    assert!(
        verdict.stdout.contains("trusted: the key named with --key"),
        "{verdict:?}"
    );
}

#[test]
fn sample_bundle_verifies_with_allowed_signers_and_the_signers_identity() {
    let s = sealed();
    let signers = path_str(&s.allowed_signers);
    let verdict = verify(
        &s.bundle,
        &["--allowed-signers", signers, "--identity", IDENTITY],
    );
    assert_eq!(verdict.code, 0, "{verdict:?}");
    assert!(verdict.stdout.contains(IDENTITY), "{verdict:?}");
}

#[test]
fn allowed_signers_with_another_identity_does_not_verify() {
    let s = sealed();
    let signers = path_str(&s.allowed_signers);
    let verdict = verify(
        &s.bundle,
        &[
            "--allowed-signers",
            signers,
            "--identity",
            "someone-else@nbch.example",
        ],
    );
    assert_not_verified(&verdict, &["someone-else@nbch.example"]);
}

#[test]
fn with_no_trusted_key_nothing_verifies_but_the_signer_is_named() {
    let s = sealed();
    let verdict = verify(&s.bundle, &[]);
    assert_not_verified(&verdict, &["no trusted key"]);
    let fingerprint = fingerprint_of(&s.public);
    assert!(
        verdict
            .stdout
            .contains(&format!("signed by    {fingerprint}")),
        "{verdict:?}"
    );
}

#[test]
fn another_public_key_does_not_verify() {
    let s = sealed();
    let other = s.other_key.with_extension("pub");
    let verdict = verify(&s.bundle, &["--key", path_str(&other)]);
    assert_not_verified(&verdict, &["not by the key named", &fingerprint_of(&other)]);
}

/// `SHA256:...` of a public key file, by ssh-keygen.
fn fingerprint_of(public: &Path) -> String {
    let listed = run_ok(Command::new(tool("ssh-keygen")).arg("-lf").arg(public));
    listed.split_whitespace().nth(1).unwrap().to_string()
}

// ---------------------------------------------------------------------------
// Reproducible bytes

#[test]
fn the_same_snapshot_key_and_date_seal_to_the_same_bytes() {
    let s = sealed();
    let dir = workspace();
    let first = dir.path().join("first.zip");
    let second = dir.path().join("elsewhere/second.zip");
    for (i, out) in [&first, &second].into_iter().enumerate() {
        if i > 0 {
            // Past the zip's 2-second time resolution: a clock reading
            // that leaked into the bytes would show.
            std::thread::sleep(std::time::Duration::from_millis(2100));
        }
        // No SOURCE_DATE_EPOCH: --date alone must fix every time.
        seal(&s.snapshot, &s.key, out)
            .env_remove("SOURCE_DATE_EPOCH")
            .args(["--date", DATE])
            .assert()
            .success();
    }
    let bytes = fs::read(&first).unwrap();
    assert!(bytes == fs::read(&second).unwrap(), "two bundles differ");
    assert!(
        bytes == fs::read(&s.bundle).unwrap(),
        "--date did not override SOURCE_DATE_EPOCH everywhere"
    );
}

#[test]
fn source_date_epoch_alone_makes_two_bundles_the_same_bytes() {
    let s = sealed();
    let dir = workspace();
    let outs = [dir.path().join("a.zip"), dir.path().join("b.zip")];
    for (i, out) in outs.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(std::time::Duration::from_millis(2100));
        }
        // common::auditpack() sets SOURCE_DATE_EPOCH=1796000000.
        seal(&s.snapshot, &s.key, out).assert().success();
    }
    assert!(fs::read(&outs[0]).unwrap() == fs::read(&outs[1]).unwrap());
    let info = String::from_utf8(common::bundle_entry(&outs[0], "bag-info.txt")).unwrap();
    assert!(info.contains("Bagging-Date: 2026-11-30\n"), "{info}");
}

/// Seals the sample snapshot at `out` with the sample attestations, whose
/// certificate is replaced by `bytes` as `evidence/<name>` in `dir`.
fn seal_with_attachment(dir: &Path, name: &str, bytes: &[u8], out: &Path) {
    let s = sealed();
    fs::create_dir_all(dir.join("evidence")).unwrap();
    fs::write(dir.join("evidence").join(name), bytes).unwrap();
    let attestations = fs::read_to_string(format!("{SAMPLE}/attestations.toml"))
        .unwrap()
        .replace(
            "evidence/cyber-essentials-plus-certificate-2026.txt",
            &format!("evidence/{name}"),
        );
    fs::write(dir.join("attestations.toml"), attestations).unwrap();
    auditpack()
        .arg("bundle")
        .arg(&s.snapshot)
        .arg("--key")
        .arg(&s.key)
        .arg("--out")
        .arg(out)
        .arg("--attestations")
        .arg(dir.join("attestations.toml"))
        .args(["--date", DATE])
        .assert()
        .success();
}

#[test]
fn a_file_of_many_chunks_seals_to_the_same_bytes_every_time_and_verifies() {
    // Files are deflated in 1 MiB chunks on every core; which worker takes
    // which chunk varies from run to run, and must not show in the bytes.
    let dir = workspace();
    // Security groups of many egress rules, as a large export holds them.
    let mut text = String::from("{\"SecurityGroups\": [\n");
    let mut group = 0usize;
    while text.len() < 12 << 20 {
        text.push_str(&format!(
            "{{\"GroupId\": \"sg-{group:017x}\", \"IpPermissionsEgress\": [\n"
        ));
        for r in 0..800 {
            text.push_str(&format!(
                "    {{\"CidrIp\": \"10.{}.{}.0/24\", \"Description\": \"tier {} subnet {group}-{r}\"}},\n",
                (group + r) % 256,
                r % 256,
                r % 13
            ));
        }
        text.push_str("]},\n");
        group += 1;
    }
    let outs: Vec<_> = (0..3)
        .map(|i| dir.path().join(format!("chunks-{i}.zip")))
        .collect();
    for out in &outs {
        seal_with_attachment(dir.path(), "rules.json", text.as_bytes(), out);
    }
    let first = fs::read(&outs[0]).unwrap();
    for other in &outs[1..] {
        assert!(first == fs::read(other).unwrap(), "two bundles differ");
    }
    let verdict = verify_with_key(&outs[0]);
    assert_eq!(verdict.code, 0, "{verdict:?}");
    run_ok(Command::new(tool("unzip")).arg("-tq").arg(&outs[0]));
}

#[test]
fn a_bundle_holding_a_2_mib_attachment_of_zeros_still_verifies() {
    // A blank scan or a zero-filled file: deflate packs a run of one byte
    // about 1030 times, past the verifier's zip-bomb ratio. What auditpack
    // seals, auditpack must verify.
    let dir = workspace();
    let out = dir.path().join("blank.zip");
    seal_with_attachment(dir.path(), "blank-scan.pdf", &vec![0u8; 2 << 20], &out);
    let verdict = verify_with_key(&out);
    assert_eq!(verdict.code, 0, "{verdict:?}");
}

// ---------------------------------------------------------------------------
// Damage and forgery: each must exit 1 and say what is wrong.

#[test]
fn one_byte_changed_in_any_entry_is_caught_and_the_entry_named() {
    let s = sealed();
    let dir = workspace();
    let entries = bag_entries(&s.bundle);
    assert!(entries.len() > 60, "{entries:?}");
    for target in &entries {
        let out = dir.path().join("changed.zip");
        rezip(
            &s.bundle,
            &out,
            |name| {
                if name == target {
                    Edit::Change(&flip_middle)
                } else {
                    Edit::Keep
                }
            },
            &[],
        );
        assert_not_verified(&verify_with_key(&out), &[target]);
    }
}

#[test]
fn one_byte_flipped_in_any_entrys_compressed_data_on_disk_is_caught() {
    let s = sealed();
    let dir = workspace();
    let original = fs::read(&s.bundle).unwrap();
    let mut archive = ZipArchive::new(File::open(&s.bundle).unwrap()).unwrap();
    let spans: Vec<(String, u64, u64)> = (0..archive.len())
        .map(|i| {
            let file = archive.by_index_raw(i).unwrap();
            let inner = raw_name(&file).split_once('/').unwrap().1.to_string();
            (inner, file.data_start().unwrap(), file.compressed_size())
        })
        .collect();
    for (inner, start, packed) in spans {
        let mut bytes = original.clone();
        let at = (start + packed / 2) as usize;
        bytes[at] ^= 0x10;
        let out = dir.path().join("flipped.zip");
        fs::write(&out, &bytes).unwrap();
        assert_not_verified(&verify_with_key(&out), &[&inner]);
    }
}

#[test]
fn a_removed_payload_file_is_named_missing() {
    let dir = workspace();
    let out = dir.path().join("removed.zip");
    let gone = "data/assessment/findings.json";
    rezip(
        &sealed().bundle,
        &out,
        |n| if n == gone { Edit::Drop } else { Edit::Keep },
        &[],
    );
    assert_not_verified(
        &verify_with_key(&out),
        &[&format!(
            "{gone}: listed in manifest-sha256.txt but missing"
        )],
    );
}

#[test]
fn a_removed_tag_file_or_signature_is_named_missing() {
    let dir = workspace();
    for gone in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha256.txt.sig",
    ] {
        let out = dir.path().join("removed.zip");
        rezip(
            &sealed().bundle,
            &out,
            |n| if n == gone { Edit::Drop } else { Edit::Keep },
            &[],
        );
        assert_not_verified(&verify_with_key(&out), &[&format!("{gone}: missing")]);
    }
}

#[test]
fn a_file_added_to_data_is_named_as_not_in_the_manifest() {
    let s = sealed();
    let dir = workspace();
    let out = dir.path().join("added.zip");
    let name = format!("{}/data/snapshot/extra.json", s.bag);
    rezip(&s.bundle, &out, |_| Edit::Keep, &[(&name, b"{}")]);
    assert_not_verified(
        &verify_with_key(&out),
        &["data/snapshot/extra.json: not listed in manifest-sha256.txt"],
    );
}

#[test]
fn a_file_added_beside_the_tag_files_is_named_as_unsigned() {
    let s = sealed();
    let dir = workspace();
    let out = dir.path().join("added.zip");
    let name = format!("{}/notes.txt", s.bag);
    rezip(&s.bundle, &out, |_| Edit::Keep, &[(&name, b"trust me\n")]);
    assert_not_verified(
        &verify_with_key(&out),
        &["notes.txt: not listed in the tag manifest"],
    );
}

#[test]
fn a_renamed_payload_file_is_named_under_both_names() {
    let dir = workspace();
    let out = dir.path().join("renamed.zip");
    let from = "data/assessment/summary.json";
    rezip(
        &sealed().bundle,
        &out,
        |n| {
            if n == from {
                Edit::Rename("data/assessment/summary-old.json")
            } else {
                Edit::Keep
            }
        },
        &[],
    );
    assert_not_verified(
        &verify_with_key(&out),
        &[
            "data/assessment/summary-old.json: not listed",
            &format!("{from}: listed in manifest-sha256.txt but missing"),
        ],
    );
}

#[test]
fn another_bundles_signature_does_not_match_the_tag_manifest() {
    let s = sealed();
    let dir = workspace();
    let out = dir.path().join("swapped.zip");
    let theirs = common::bundle_entry(&s.later_bundle, "tagmanifest-sha256.txt.sig");
    assert_ne!(
        theirs,
        common::bundle_entry(&s.bundle, "tagmanifest-sha256.txt.sig")
    );
    let swap = move |bytes: &mut Vec<u8>| *bytes = theirs.clone();
    rezip(
        &s.bundle,
        &out,
        |n| {
            if n == "tagmanifest-sha256.txt.sig" {
                Edit::Change(&swap)
            } else {
                Edit::Keep
            }
        },
        &[],
    );
    assert_not_verified(
        &verify_with_key(&out),
        &[
            "tagmanifest-sha256.txt.sig",
            "does not match the tag manifest",
        ],
    );
}

#[test]
fn a_tag_manifest_re_signed_with_another_key_is_not_trusted() {
    let s = sealed();
    let dir = workspace();
    let tag_manifest = common::bundle_entry(&s.bundle, "tagmanifest-sha256.txt");
    let forged = ssh_sign(&s.other_key, &tag_manifest, dir.path());
    let out = dir.path().join("re-signed.zip");
    let swap = move |bytes: &mut Vec<u8>| *bytes = forged.clone();
    rezip(
        &s.bundle,
        &out,
        |n| {
            if n == "tagmanifest-sha256.txt.sig" {
                Edit::Change(&swap)
            } else {
                Edit::Keep
            }
        },
        &[],
    );
    let other = fingerprint_of(&s.other_key.with_extension("pub"));
    // The signature itself is sound; the signer is the wrong one, and
    // bag-info.txt names another.
    assert_not_verified(
        &verify_with_key(&out),
        &[
            &format!("signed by {other}, not by the key named"),
            "bag-info.txt: names signer",
        ],
    );
    let signers = path_str(&s.allowed_signers);
    assert_not_verified(
        &verify(
            &out,
            &["--allowed-signers", signers, "--identity", IDENTITY],
        ),
        &["does not list"],
    );
    assert_not_verified(&verify(&out, &[]), &[&other]);
}

#[test]
fn an_edited_source_organization_is_a_bag_info_mismatch() {
    let dir = workspace();
    let out = dir.path().join("edited.zip");
    let edit = |b: &mut Vec<u8>| {
        replace_text(
            b,
            &format!("Source-Organization: {ORGANISATION}"),
            "Source-Organization: Someone Else",
        )
    };
    rezip(
        &sealed().bundle,
        &out,
        |n| {
            if n == "bag-info.txt" {
                Edit::Change(&edit)
            } else {
                Edit::Keep
            }
        },
        &[],
    );
    assert_not_verified(&verify_with_key(&out), &["bag-info.txt: SHA-256 mismatch"]);
}

#[test]
fn an_edited_bag_info_with_its_digest_updated_breaks_the_signature() {
    let s = sealed();
    let dir = workspace();
    let info = common::bundle_entry(&s.bundle, "bag-info.txt");
    let mut edited = info.clone();
    replace_text(
        &mut edited,
        &format!("Source-Organization: {ORGANISATION}"),
        "Source-Organization: Someone Else",
    );
    let (old, new) = (sha256_hex(&info), sha256_hex(&edited));
    let edit_info = move |b: &mut Vec<u8>| *b = edited.clone();
    let edit_tags = move |b: &mut Vec<u8>| replace_text(b, &old, &new);
    let out = dir.path().join("edited.zip");
    rezip(
        &s.bundle,
        &out,
        |n| match n {
            "bag-info.txt" => Edit::Change(&edit_info),
            "tagmanifest-sha256.txt" => Edit::Change(&edit_tags),
            _ => Edit::Keep,
        },
        &[],
    );
    assert_not_verified(
        &verify_with_key(&out),
        &[
            "tagmanifest-sha256.txt.sig",
            "does not match the tag manifest",
        ],
    );
}

#[test]
fn a_changed_payload_oxum_is_named() {
    let s = sealed();
    let dir = workspace();
    let info = String::from_utf8(common::bundle_entry(&s.bundle, "bag-info.txt")).unwrap();
    let oxum = info
        .lines()
        .find_map(|l| l.strip_prefix("Payload-Oxum: "))
        .unwrap()
        .to_string();
    let (bytes, files) = oxum.split_once('.').unwrap();
    let wrong = format!("{}.{files}", bytes.parse::<u64>().unwrap() + 1);
    let edit = move |b: &mut Vec<u8>| replace_text(b, &oxum, &wrong);
    let out = dir.path().join("oxum.zip");
    rezip(
        &s.bundle,
        &out,
        |n| {
            if n == "bag-info.txt" {
                Edit::Change(&edit)
            } else {
                Edit::Keep
            }
        },
        &[],
    );
    assert_not_verified(
        &verify_with_key(&out),
        &[
            "bag-info.txt: SHA-256 mismatch",
            "bag-info.txt: Payload-Oxum is",
        ],
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

// ---------------------------------------------------------------------------
// Random corruption

/// A 64-bit linear congruential generator (Knuth's MMIX constants): enough
/// to spread positions, and the same positions on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn one_random_byte_flipped_anywhere_never_verifies_nor_crashes() {
    const TRIALS: usize = 520;
    const WORKERS: usize = 8;
    let s = sealed();
    let original = fs::read(&s.bundle).unwrap();
    let mut rng = Lcg(0x5eed_a0d1_7bac);
    let trials: Vec<(usize, u8)> = (0..TRIALS)
        .map(|_| {
            let at = rng.next() as usize % original.len();
            let mask = (rng.next() % 255) as u8 + 1;
            (at, mask)
        })
        .collect();
    let dir = workspace();
    let passed: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = trials
            .chunks(TRIALS.div_ceil(WORKERS))
            .enumerate()
            .map(|(worker, chunk)| {
                let (original, dir) = (&original, dir.path());
                scope.spawn(move || {
                    let out = dir.join(format!("corrupt-{worker}.zip"));
                    let mut passed = Vec::new();
                    for &(at, mask) in chunk {
                        let mut bytes = original.clone();
                        bytes[at] ^= mask;
                        fs::write(&out, &bytes).unwrap();
                        // verify_with_key asserts exit 0..=2 and no panic.
                        let verdict = verify_with_key(&out);
                        if verdict.code == 0 {
                            passed.push(at);
                        }
                    }
                    passed
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let zones = zip_zones(&s.bundle);
    let mut passed = passed;
    passed.sort();
    let hit: Vec<String> = passed
        .iter()
        .map(|&at| {
            let zone = zones.iter().rev().find(|(start, _)| *start <= at as u64);
            format!("{at} ({})", zone.map_or("before any entry", |(_, z)| z))
        })
        .collect();
    assert!(
        passed.is_empty(),
        "{} of {TRIALS} bundles with one byte changed verified; changed bytes:\n  {}",
        passed.len(),
        hit.join("\n  ")
    );
}

/// Where each part of a zip starts: every entry's local header and data,
/// then the central directory, in file order.
fn zip_zones(zip: &Path) -> Vec<(u64, String)> {
    let mut archive = ZipArchive::new(File::open(zip).unwrap()).unwrap();
    let mut zones = Vec::new();
    for index in 0..archive.len() {
        let file = archive.by_index_raw(index).unwrap();
        let name = raw_name(&file);
        zones.push((file.header_start(), format!("local header of {name}")));
        zones.push((file.data_start().unwrap(), format!("data of {name}")));
    }
    zones.push((
        archive.central_directory_start(),
        "central directory".into(),
    ));
    zones.sort();
    zones
}

// ---------------------------------------------------------------------------
// Hostile zips: verify refuses them by name, and never writes anything.

/// Builds hostile zips with Python's zipfile, which writes what the zip
/// crate refuses to (duplicate names, a size claimed in the central
/// directory only). Reads a JSON spec: the base bundle whose entries are
/// copied, and entries to put `before` or after them.
const HOSTILE_PY: &str = r#"
import json, sys, warnings, zipfile
warnings.simplefilter("ignore")  # duplicate names are the point
spec = json.loads(sys.argv[1])

def add(out, e):
    info = zipfile.ZipInfo(e["name"], date_time=(2026, 12, 1, 0, 0, 0))
    info.create_system = 3  # Unix, so the mode in external_attr counts
    info.external_attr = e.get("mode", 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED if e.get("deflate") else zipfile.ZIP_STORED
    out.writestr(info, e["text"].encode() * e.get("repeat", 1), compresslevel=9)
    if "claim" in e:
        # Only the central directory learns this size (as ZIP64).
        out.filelist[-1].file_size = e["claim"]

with zipfile.ZipFile(spec["base"]) as src, zipfile.ZipFile(spec["out"], "w") as out:
    for e in spec["add"]:
        if e.get("before"):
            add(out, e)
    for info in src.infolist():
        out.writestr(info, src.read(info))
    for e in spec["add"]:
        if not e.get("before"):
            add(out, e)
"#;

/// Writes the sample bundle plus `add` (entries as HOSTILE_PY reads them)
/// to `out`.
fn hostile_zip(out: &Path, add: serde_json::Value) {
    let spec = serde_json::json!({
        "base": path_str(&sealed().bundle),
        "out": path_str(out),
        "add": add,
    });
    run_ok(
        Command::new(tool("python3"))
            .args(["-c", HOSTILE_PY])
            .arg(spec.to_string()),
    );
}

/// Verifies a hostile zip from an empty working folder beside it: exit 1
/// or 2, every `naming` on stdout, and nothing written in the working
/// folder or beside the zip.
#[track_caller]
fn assert_refused_without_writing(add: serde_json::Value, naming: &[&str]) -> tempfile::TempDir {
    let case = workspace();
    let zip = case.path().join("hostile.zip");
    hostile_zip(&zip, add);
    let cwd = case.path().join("run");
    fs::create_dir(&cwd).unwrap();

    let verdict = verify_in(&cwd, &zip, &["--key", path_str(&sealed().public)]);
    assert!(matches!(verdict.code, 1 | 2), "{verdict:?}");
    for name in naming {
        assert!(
            verdict.stdout.contains(name),
            "stdout does not name `{name}`: {verdict:?}"
        );
    }
    assert_eq!(
        fs::read_dir(&cwd).unwrap().count(),
        0,
        "verify wrote into its working folder"
    );
    let beside: Vec<_> = fs::read_dir(case.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside.len(), 2, "verify wrote beside the zip: {beside:?}");
    case
}

#[test]
fn an_entry_climbing_out_with_dotdot_is_refused() {
    let name = format!("{}/../../escaped.txt", sealed().bag);
    let case = assert_refused_without_writing(
        serde_json::json!([{ "name": name, "text": "escaped\n" }]),
        &[&name, "`..`"],
    );
    assert!(!case.path().parent().unwrap().join("escaped.txt").exists());
}

#[test]
fn an_entry_with_an_absolute_path_is_refused() {
    for name in [
        "/etc/x".to_string(),
        format!("{}/escaped.txt", env!("CARGO_TARGET_TMPDIR")),
    ] {
        let existed = Path::new(&name).exists();
        assert_refused_without_writing(
            serde_json::json!([{ "name": name, "text": "escaped\n" }]),
            &[&name, "absolute path"],
        );
        assert!(existed || !Path::new(&name).exists(), "{name} was written");
    }
}

#[test]
fn a_duplicate_entry_name_is_refused_whichever_copy_comes_first() {
    // A forged copy of a payload file before the genuine one: a reader that
    // keeps the last copy checks the genuine file, while an extractor or a
    // viewer that keeps the first shows the forgery.
    let name = format!("{}/data/assessment/summary.json", sealed().bag);
    for before in [true, false] {
        assert_refused_without_writing(
            serde_json::json!([{ "name": name, "text": "{\"all\":\"pass\"}\n", "before": before }]),
            &[&name, "twice"],
        );
    }
}

#[test]
fn a_symbolic_link_entry_is_refused() {
    let name = format!("{}/data/snapshot/passwd.json", sealed().bag);
    assert_refused_without_writing(
        serde_json::json!([{ "name": name, "text": "/etc/passwd", "mode": 0o120777 }]),
        &[&name, "symbolic link"],
    );
}

#[test]
fn an_entry_whose_header_claims_10_gib_is_refused_unread() {
    let name = format!("{}/data/snapshot/huge.json", sealed().bag);
    assert_refused_without_writing(
        serde_json::json!([{ "name": name, "text": "{}\n", "repeat": 1000, "claim": 10_u64 << 30 }]),
        &[&name, "10737418240 bytes"],
    );
}

#[test]
fn an_entry_packed_as_tightly_as_deflate_allows_is_read_within_its_size_and_named() {
    // 20 MiB of one byte deflates about 1030 times: the most deflate can do,
    // so not a lying header. It is hashed within its declared size (memory
    // stays flat) and refused for what it is: a file nobody signed.
    let name = format!("{}/data/snapshot/bomb.json", sealed().bag);
    assert_refused_without_writing(
        serde_json::json!([{ "name": name, "text": "\u{0}", "repeat": 20 << 20, "deflate": true }]),
        &[
            "data/snapshot/bomb.json",
            "not listed in manifest-sha256.txt",
        ],
    );
}

#[test]
fn an_entry_outside_the_bag_folder_is_refused() {
    assert_refused_without_writing(
        serde_json::json!([{ "name": "elsewhere/data/x.json", "text": "{}" }]),
        &["elsewhere/data/x.json", "outside the bag"],
    );
}

#[test]
fn two_names_equal_after_unicode_normalisation_are_refused() {
    let bag = &sealed().bag;
    let composed = format!("{bag}/data/snapshot/caf\u{e9}.json");
    let decomposed = format!("{bag}/data/snapshot/cafe\u{301}.json");
    assert_refused_without_writing(
        serde_json::json!([
            { "name": composed, "text": "{}" },
            { "name": decomposed, "text": "{\"forged\":true}" },
        ]),
        &[&decomposed, "Unicode normalisation"],
    );
}

// ---------------------------------------------------------------------------
// Outside tools, for real

#[test]
fn unzip_tests_the_bundle_clean() {
    let out = run_ok(Command::new(tool("unzip")).arg("-t").arg(&sealed().bundle));
    assert!(out.contains("No errors detected"), "{out}");
}

#[test]
fn bagit_python_validates_the_unzipped_bag() {
    let dir = workspace();
    let bag = unzip(&sealed().bundle, dir.path());
    let bagit = bagit_py();
    run_ok(
        Command::new(&bagit)
            .args(["--validate", "--quiet"])
            .arg(&bag),
    );

    // And it is no rubber stamp: a changed payload byte fails it.
    let findings = bag.join("data/assessment/findings.json");
    let mut bytes = fs::read(&findings).unwrap();
    flip_middle(&mut bytes);
    fs::write(&findings, bytes).unwrap();
    let status = Command::new(&bagit)
        .args(["--validate", "--quiet"])
        .arg(&bag)
        .output()
        .unwrap()
        .status;
    assert!(!status.success(), "bagit.py accepted a changed payload");
}

#[test]
fn ssh_keygen_verifies_the_signature_with_an_allowed_signers_line() {
    let s = sealed();
    let dir = workspace();
    let bag = unzip(&s.bundle, dir.path());
    let tag_manifest = File::open(bag.join("tagmanifest-sha256.txt")).unwrap();
    let out = run_ok(
        Command::new(tool("ssh-keygen"))
            .args(["-Y", "verify", "-f"])
            .arg(&s.allowed_signers)
            .args(["-I", IDENTITY, "-n", NAMESPACE, "-s"])
            .arg(bag.join("tagmanifest-sha256.txt.sig"))
            .stdin(tag_manifest),
    );
    assert!(
        out.contains(&format!("Good \"{NAMESPACE}\" signature for {IDENTITY}")),
        "{out}"
    );
}

#[test]
fn sha256sum_checks_both_manifests_of_the_unzipped_bag() {
    let dir = workspace();
    let bag = unzip(&sealed().bundle, dir.path());
    for manifest in ["manifest-sha256.txt", "tagmanifest-sha256.txt"] {
        run_ok(
            Command::new(tool("sha256sum"))
                .args(["--check", "--strict", "--quiet", manifest])
                .current_dir(&bag),
        );
    }
}

// ---------------------------------------------------------------------------
// docs/verifying.md, as written

/// The placeholders docs/verifying.md defines: files the auditor received,
/// which the test puts under exactly these names.
const DOC_BUNDLE: &str = "BUNDLE.zip";
const DOC_PUBLIC_KEY: &str = "signer.pub";

/// The body of every ```sh block, in order.
fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<String> = None;
    for line in markdown.lines() {
        let fence = line.trim_start().starts_with("```");
        match open.take() {
            None if line.trim() == "```sh" => open = Some(String::new()),
            None => {}
            Some(block) if fence => blocks.push(block),
            Some(mut block) => {
                block.push_str(line);
                block.push('\n');
                open = Some(block);
            }
        }
    }
    blocks
}

#[test]
fn every_command_block_of_docs_verifying_md_runs_as_written() {
    let s = sealed();
    let doc =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/verifying.md")).unwrap();
    for other in ["```bash", "```shell", "```console"] {
        assert!(
            !doc.contains(other),
            "use ```sh, which this test runs, not {other}"
        );
    }
    assert!(doc.contains(DOC_BUNDLE) && doc.contains(DOC_PUBLIC_KEY));
    let blocks = sh_blocks(&doc);
    assert!(blocks.len() >= 4, "{blocks:?}");

    // The auditor's folder: what they were given, under the placeholders'
    // names, and the tools on PATH.
    let dir = workspace();
    fs::copy(&s.bundle, dir.path().join(DOC_BUNDLE)).unwrap();
    fs::copy(&s.public, dir.path().join(DOC_PUBLIC_KEY)).unwrap();
    for needed in ["unzip", "ssh-keygen", "sha256sum", "bash"] {
        tool(needed);
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_auditpack")).parent().unwrap();
    let path = std::env::join_paths(
        [
            binary.to_path_buf(),
            bagit_py().parent().unwrap().to_path_buf(),
        ]
        .into_iter()
        .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();

    // One shell session, block after block, as an auditor types them.
    let mut script = String::from("set -euo pipefail\n");
    for (i, block) in blocks.iter().enumerate() {
        script.push_str(&format!("echo '>>> block {}' >&2\n{block}", i + 1));
    }
    let output = Command::new(tool("bash"))
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "docs/verifying.md failed ({}):\n{script}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        output.status
    );
    assert!(stdout.contains("VERIFIED"), "{stdout}");
    assert!(
        stdout.contains("Good \"auditpack-bundle\" signature"),
        "{stdout}"
    );
}

#[test]
fn an_assessment_written_earlier_seals_to_the_same_bytes_and_another_snapshots_is_refused() {
    let s = sealed();
    let dir = workspace();
    let assessment = dir.path().join("assessment");
    auditpack()
        .arg("assess")
        .arg(&s.snapshot)
        .arg("--out")
        .arg(&assessment)
        .args([
            "-q",
            "--attestations",
            &format!("{SAMPLE}/attestations.toml"),
        ])
        .args([
            "--approved-images",
            &format!("{SAMPLE}/approved-images.toml"),
        ])
        .assert()
        .success();
    let out = dir.path().join("again.zip");
    seal(&s.snapshot, &s.key, &out)
        .args(["--date", DATE, "--assessment"])
        .arg(&assessment)
        .assert()
        .success();
    assert_eq!(
        fs::read(&out).unwrap(),
        fs::read(&s.bundle).unwrap(),
        "same evidence, same bytes"
    );

    // An assessment of other evidence (here: another export) is not sealed
    // beside this snapshot.
    let summary = assessment.join("summary.json");
    let text = fs::read_to_string(&summary)
        .unwrap()
        .replace("2026-11-30T09:17:40Z", "2026-08-30T09:17:40Z");
    fs::write(&summary, text).unwrap();
    seal(&s.snapshot, &s.key, &dir.path().join("mixed.zip"))
        .args(["--date", DATE, "--assessment"])
        .arg(&assessment)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not this snapshot"));
}

#[test]
fn json_output_says_verified_or_lists_every_problem() {
    let s = sealed();
    let good = verify(&s.bundle, &["--json", "--key", path_str(&s.public)]);
    assert_eq!(good.code, 0, "{good:?}");
    let json: serde_json::Value = serde_json::from_str(&good.stdout).unwrap();
    assert_eq!(json["verified"], true);
    assert!(
        json["report"]["signer"]
            .as_str()
            .unwrap()
            .starts_with("SHA256:")
    );
    assert_eq!(json["report"]["problems"], serde_json::json!([]));

    let other = s.other_key.with_extension("pub");
    let bad = verify(&s.bundle, &["--json", "--key", path_str(&other)]);
    assert_eq!(bad.code, 1, "{bad:?}");
    let json: serde_json::Value = serde_json::from_str(&bad.stdout).unwrap();
    assert_eq!(json["verified"], false);
    let problems = json["report"]["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["path"] == "tagmanifest-sha256.txt.sig"),
        "{problems:?}"
    );
}

#[test]
fn options_that_would_mislead_are_refused_before_any_work() {
    let s = sealed();
    let dir = workspace();
    // An allowed-signers file trusts whoever it lists; an identity says whom.
    let verdict = verify(
        &s.bundle,
        &["--allowed-signers", path_str(&s.allowed_signers)],
    );
    assert_eq!(verdict.code, 2, "{verdict:?}");
    assert!(verdict.stderr.contains("--identity"), "{verdict:?}");

    keygen(&dir.path().join("k"))
        .args(["--identity", "North Bay Trust"])
        .assert()
        .code(2);

    let text = dir.path().join("notes.txt");
    fs::write(&text, "not a bundle").unwrap();
    let out = dir.path().join("x.zip");
    seal(&s.snapshot, &s.key, &out)
        .args(["--date", DATE, "--previous"])
        .arg(&text)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a bundle"));
    seal(&s.snapshot, &s.key, &out)
        .args(["--date", "1970-01-01"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("1980 to 2107"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_flipped_bit_that_inflating_ignores_is_still_caught() {
    // The last byte of a deflate stream ends in padding bits no decoder
    // reads: flipping them changes no content and no CRC. The zip's bytes
    // are sealed all the same (packed-sha256.txt).
    let s = sealed();
    let dir = workspace();
    let bytes = fs::read(&s.bundle).unwrap();
    let mut archive = ZipArchive::new(File::open(&s.bundle).unwrap()).unwrap();
    let mut tried = 0;
    for index in 0..archive.len() {
        let file = archive.by_index_raw(index).unwrap();
        if file.compression() != CompressionMethod::Deflated || file.compressed_size() == 0 {
            continue;
        }
        let last = (file.data_start().unwrap() + file.compressed_size() - 1) as usize;
        let mut changed = bytes.clone();
        changed[last] ^= 0x80;
        let out = dir.path().join(format!("padding-{index}.zip"));
        fs::write(&out, &changed).unwrap();
        let verdict = verify_with_key(&out);
        assert_ne!(
            verdict.code,
            0,
            "flipping byte {last} of {:?} verified",
            file.name()
        );
        tried += 1;
        if tried == 12 {
            break;
        }
    }
    assert!(tried > 0);
}

#[test]
fn keygen_names_the_allowed_signers_line_by_what_it_starts_with() {
    let dir = workspace();
    let out = keygen(&dir.path().join("k")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let start = format!("{IDENTITY} namespaces=");
    assert!(
        stderr.contains(&format!("standard output that starts `{start}`")),
        "{stderr}"
    );
    assert!(!stderr.contains("second line above"), "{stderr}");
    assert!(stdout.lines().any(|l| l.starts_with(&start)), "{stdout}");
}

#[test]
fn verify_key_given_the_private_key_says_to_pass_key_pub() {
    let s = sealed();
    let verdict = verify(&s.bundle, &["--key", path_str(&s.key)]);
    assert_eq!(verdict.code, 2, "{verdict:?}");
    assert!(
        verdict.stderr.contains("this is the private key")
            && verdict
                .stderr
                .contains(&format!("pass {}.pub", path_str(&s.key))),
        "{verdict:?}"
    );
}

#[test]
fn verify_key_nokey_names_the_option_and_what_to_do() {
    let verdict = verify(&sealed().bundle, &["--key", "nokey"]);
    assert_eq!(verdict.code, 2, "{verdict:?}");
    assert!(
        verdict.stderr.contains("--key `nokey`: no such file")
            && verdict.stderr.contains("auditpack keygen --out KEY"),
        "{verdict:?}"
    );
    assert!(!verdict.stderr.contains("os error"), "{verdict:?}");
}

#[test]
fn bundle_key_nokey_says_how_to_make_one() {
    let s = sealed();
    let dir = workspace();
    let out = seal(&s.snapshot, Path::new("nokey"), &dir.path().join("b.zip"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--key `nokey`: no such file")
            && stderr.contains("make a signing key with `auditpack keygen --out KEY`"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_private_key_of_mode_0644_is_used_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let s = sealed();
    let dir = workspace();
    let key = dir.path().join("open-key");
    fs::copy(&s.key, &key).unwrap();
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    let out = seal(&s.snapshot, &key, &dir.path().join("b.zip"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("others on this machine can read") && stderr.contains("chmod 600"),
        "{stderr}"
    );
    // The owner-only key made by keygen says nothing of the kind.
    let quiet = seal(&s.snapshot, &s.key, &dir.path().join("c.zip"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("others on this machine"));
}

#[test]
fn a_not_verified_bundle_shows_its_contents_as_unverified_and_never_trusted() {
    let s = sealed();
    let dir = workspace();
    let damaged = dir.path().join("damaged.zip");
    rezip(
        &s.bundle,
        &damaged,
        |name| {
            if name == "data/assessment/summary.json" {
                Edit::Change(&flip_middle)
            } else {
                Edit::Keep
            }
        },
        &[],
    );
    let verdict = verify_with_key(&damaged);
    assert_not_verified(&verdict, &["Unverified contents (not vouched for"]);
    assert!(!verdict.stdout.contains("(trusted:"), "{verdict:?}");
    let heading = verdict.stdout.find("Unverified contents").unwrap();
    let signed = verdict.stdout.find("signed by").unwrap();
    assert!(heading < signed, "{verdict:?}");
}

#[test]
fn packed_sha256_first_bytes_differing_is_said_as_the_zip_rewritten_after_sealing() {
    // A padding bit of a deflate stream changes no content, only the
    // zip's bytes: packed-sha256.txt alone catches it.
    let s = sealed();
    let dir = workspace();
    let bytes = fs::read(&s.bundle).unwrap();
    let mut archive = ZipArchive::new(File::open(&s.bundle).unwrap()).unwrap();
    let file = (0..archive.len())
        .find_map(|i| {
            let f = archive.by_index_raw(i).unwrap();
            (f.compression() == CompressionMethod::Deflated && f.compressed_size() > 0)
                .then(|| (f.data_start().unwrap() + f.compressed_size() - 1) as usize)
        })
        .unwrap();
    let mut changed = bytes.clone();
    changed[file] ^= 0x80;
    let out = dir.path().join("padding.zip");
    fs::write(&out, &changed).unwrap();
    let verdict = verify_with_key(&out);
    assert_not_verified(
        &verdict,
        &[
            "packed-sha256.txt: the zip's first",
            "rewritten after sealing (re-zipped or edited)",
        ],
    );
    assert!(!verdict.stdout.contains("contents may not"), "{verdict:?}");
}
