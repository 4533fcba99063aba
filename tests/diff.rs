//! `auditpack diff` and `auditpack verify --chain`, through the real
//! binary: the shipped sample against its next quarter (whose changes
//! its README lists), refusals of bundles of other accounts or signers,
//! and quarterly chains with a quarter removed or replaced.

mod common;

use common::{
    Export, GLOBAL_CALLS, REGIONAL_CALLS, SAMPLE_DIR, allowed_line, auditpack, bundle_entry,
    fixture_dir, keygen_as, poppler,
};
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const NEXT_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/samples/nhs-trust-next-quarter"
);
const IDENTITY: &str = "compliance@northbridge.example";

struct Fixture {
    dir: PathBuf,
    key: PathBuf,
    public: PathBuf,
    /// The sample (2026Q4), and its next quarter chained to it.
    q4: PathBuf,
    q1: PathBuf,
}

/// Imports `export` and seals it as `DIR/NAME.zip` with `key`, chained
/// to `previous`, with `extra` options of `bundle`.
fn collect_and_seal(
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
fn collect_and_seal_saying(
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

/// Seals a sample folder with its own attestations and approved images.
fn seal_folder(
    sample: &str,
    dir: &Path,
    key: &Path,
    name: &str,
    previous: Option<&Path>,
) -> PathBuf {
    let extra = [
        "--attestations".to_string(),
        format!("{sample}/attestations.toml"),
        "--approved-images".to_string(),
        format!("{sample}/approved-images.toml"),
    ];
    let export = PathBuf::from(format!("{sample}/export"));
    collect_and_seal(&export, dir, name, key, previous, &extra)
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = fixture_dir("diff-");
        let key = dir.join("key");
        keygen_as(&key, IDENTITY).assert().success();
        let q4 = seal_folder(SAMPLE_DIR, &dir, &key, "q4", None);
        let q1 = seal_folder(NEXT_DIR, &dir, &key, "q1", Some(&q4));
        Fixture {
            public: dir.join("key.pub"),
            dir,
            key,
            q4,
            q1,
        }
    })
}

fn diff(old: &Path, new: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    let f = fixture();
    auditpack()
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("--key")
        .arg(&f.public)
        .args(args)
        .assert()
}

fn json_of(assert: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&assert.get_output().stdout).expect("diff --json prints JSON")
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// The parts of a drift the sample's README lists, in a form short
/// enough to compare whole.
fn summary(drift: &Value) -> Value {
    let list = |v: &Value, f: &dyn Fn(&Value) -> Value| -> Value {
        Value::Array(v.as_array().unwrap().iter().map(f).collect())
    };
    let finding = |f: &Value| json!([f["check_id"], f["resource_id"], f["severity"], f["after"]]);
    let resource = |r: &Value| json!([r["kind"], r["account_id"], r["region"], r["id"]]);
    json!({
        "controls": list(&drift["controls"], &|c| {
            json!([c["framework"], c["control_id"], c["from"], c["to"], c["direction"]])
        }),
        "new": list(&drift["findings"]["new"], &finding),
        "resolved": list(&drift["findings"]["resolved"], &finding),
        "persisting": drift["findings"]["persisting"].as_array().unwrap().len(),
        "configuration": list(&drift["configuration"], &|c| {
            json!([c["id"], c["change"], c["severity"], c["direction"]])
        }),
        "added": list(&drift["resources"]["added"], &resource),
        "removed": list(&drift["resources"]["removed"], &resource),
        "attestations": list(&drift["attestations"], &|a| {
            json!([a["controls"], a["change"], a["expires_before"], a["expires_after"]])
        }),
        "artifact_reports": list(&drift["artifact_reports"], &|a| {
            json!([a["account_id"], a["report_id"], a["version_before"], a["version_after"]])
        }),
        "regression": drift["regression"],
    })
}

#[test]
fn the_sample_and_its_next_quarter_differ_exactly_as_its_readme_lists() {
    let f = fixture();
    let drift = json_of(&diff(&f.q4, &f.q1, &["--json"]).success());
    let (main, research) = ("210987654321", "480215379604");
    let expected = json!({
        "controls": [
            ["cyber-essentials", "CE-SC-02", "fail", "incomplete", "better"],
            ["cyber-essentials", "CE-UAC-08", "fail", "incomplete", "better"],
            ["cyber-essentials", "CE-MP-01", "fail", "incomplete", "better"],
            ["iso27001", "5.1", "manual", "pass", "better"],
            ["iso27001", "5.7", "fail", "incomplete", "better"],
            ["iso27001", "5.25", "fail", "incomplete", "better"],
            ["iso27001", "8.7", "fail", "incomplete", "better"],
        ],
        "new": [["net.admin-ports-world", "sg-03f847dbfbf0a22b3", "high", "fail"]],
        "resolved": [
            ["net.admin-ports-world", "sg-04a9d7e3c1f5b2086", "high", "pass"],
            ["net.all-ports-world", "sg-04a9d7e3c1f5b2086", "high", "pass"],
            ["net.db-ports-world", "sg-04a9d7e3c1f5b2086", "high", "pass"],
            ["iam.console-mfa", "r.patel", "medium", null],
            ["iam.federation", "r.patel", "medium", null],
            ["iam.password-policy-ce", main, "medium", "pass"],
            ["mon.guardduty", main, "medium", null],
        ],
        "persisting": 40,
        "configuration": [
            ["sg-03f847dbfbf0a22b3", "+ tcp/3389 from 0.0.0.0/0", "high", "worse"],
            ["sg-04a9d7e3c1f5b2086", "- all traffic from 0.0.0.0/0", "high", "better"],
        ],
        "added": [
            ["user", main, "global", "svc-dspt-export"],
            ["detector", main, "eu-west-1", "0c4e2a8f6b1d3e5a7c9b2d4f6a8e1c3b"],
        ],
        "removed": [["user", main, "global", "r.patel"]],
        "attestations": [[["iso27001:5.1"], "renewed", "2026-06-01", "2028-01-19"]],
        "artifact_reports": [
            [main, "report-WPimYEf3DCafnEUv", 4, 5],
            [research, "report-WPimYEf3DCafnEUv", 4, 5],
        ],
        "regression": true,
    });
    assert_eq!(
        summary(&drift),
        expected,
        "{}",
        serde_json::to_string_pretty(&summary(&drift)).unwrap()
    );
    assert_eq!(
        drift["old"]["bag"],
        "auditpack-210987654321-and-1-more-2026Q4"
    );
    assert_eq!(
        drift["new"]["bag"],
        "auditpack-210987654321-and-1-more-2027Q1"
    );
}

#[test]
fn people_see_the_new_world_rule_itself_grouped_by_severity() {
    let f = fixture();
    let out = diff(&f.q4, &f.q1, &[]).success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains(
            "worse   sg-03f847dbfbf0a22b3 (nbch-jumphost-base) in 210987654321/eu-west-2: + tcp/3389 from 0.0.0.0/0"
        ),
        "{text}"
    );
    let controls = text.find("Controls whose status changed").expect(&text);
    let iso = text.find("  ISO/IEC 27001:2022 Annex A\n").expect(&text);
    let high = text.find("\n  high\n").expect(&text);
    let medium = text.find("\n  medium\n").expect(&text);
    assert!(controls < iso && iso < high && high < medium, "{text}");
    assert!(
        text.contains("Regression: 0 controls worse, 1 new failing finding"),
        "{text}"
    );
}

/// The text of the summary sealed in `bundle`, read by poppler.
fn summary_text(bundle: &Path, dir: &Path) -> String {
    let pdf = dir.join(format!(
        "{}.pdf",
        bundle.file_stem().unwrap().to_string_lossy()
    ));
    fs::write(&pdf, bundle_entry(bundle, "data/report/summary.pdf")).unwrap();
    poppler("pdftotext", &[], &pdf)
}

#[test]
fn the_next_quarters_summary_shows_the_changes_since_the_sample() {
    let f = fixture();
    let text = summary_text(&f.q1, &f.dir);
    let at = text
        .find("Changes since the previous bundle")
        .expect("the section is there");
    let section = &text[at..];
    for expected in [
        "q4.zip",
        "auditpack-210987654321-and-1-more-2026Q4, as of 2026-11-30T09:17:40Z",
        "Something got worse",
        // Each change is a table row: its label (coloured by direction)
        // in a column of its own, then what changed.
        "5.1 Policies for information security: manual → pass",
        "Severity high",
        "Severity medium",
        "sg-03f847dbfbf0a22b3 (nbch-jumphost-base) in 210987654321/eu-west-2: + tcp/3389 from 0.0.0.0/0",
        "40 failing findings in both bundles",
        "iso27001:5.1 by Hannah Kowalczyk",
        "version 4 → 5",
    ] {
        assert!(section.contains(expected), "no `{expected}` in:\n{section}");
    }
    let labels: Vec<&str> = section.lines().map(str::trim).collect();
    for label in ["better", "worse", "new", "resolved", "added", "renewed"] {
        assert!(labels.contains(&label), "no label `{label}` in:\n{section}");
    }
    // A bundle sealed with no --previous has no such section.
    let first = summary_text(&f.q4, &f.dir);
    assert!(!first.contains("Changes since the previous bundle"));
}

#[test]
fn a_previous_bundle_of_another_signer_is_named_but_not_compared() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-key");
    keygen_as(&other, IDENTITY).assert().success();
    let before = seal_export(
        dir.path(),
        "before",
        "2026-11-30T09:15:02+00:00",
        &other,
        None,
    );
    let after = seal_export(
        dir.path(),
        "after",
        "2027-02-28T09:15:02+00:00",
        &f.key,
        Some(&before),
    );
    let text = summary_text(&after, dir.path());
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        squeezed.contains(
            "could not be shown. Why: it does not verify under the key signing this bundle"
        ),
        "{squeezed}"
    );
}

#[test]
fn fail_on_regression_exits_1_on_a_new_failing_finding_and_0_on_none() {
    let f = fixture();
    diff(&f.q4, &f.q1, &["--fail-on", "regression"]).code(1);
    // Going back: the controls that improved get worse again.
    let back = diff(&f.q1, &f.q4, &["--json", "--fail-on", "regression"]).code(1);
    let worse = json_of(&back)["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["direction"] == "worse")
        .count();
    assert_eq!(worse, 7);
    let same = diff(&f.q4, &f.q4, &["--json", "--fail-on", "regression"]).success();
    let drift = json_of(&same);
    assert_eq!(drift["regression"], false);
    assert_eq!(drift["controls"], json!([]));
    assert_eq!(drift["configuration"], json!([]));
}

#[test]
fn a_bundle_that_does_not_verify_is_not_compared() {
    let f = fixture();
    let other = f.dir.join("other-key");
    keygen_as(&other, IDENTITY).assert().success();
    let out = auditpack()
        .arg("diff")
        .arg(&f.q4)
        .arg(&f.q1)
        .arg("--key")
        .arg(other.with_extension("pub"))
        .assert()
        .code(1);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("does not verify, so it is not compared"),
        "{stderr}"
    );
    assert!(out.get_output().stdout.is_empty());
}

/// A one-account bundle of the test export, as of `generated`, signed
/// with `key`.
fn seal_export(
    dir: &Path,
    name: &str,
    generated: &str,
    key: &Path,
    previous: Option<&Path>,
) -> PathBuf {
    seal_export_saying(dir, name, generated, key, previous).0
}

/// [`seal_export`], and what sealing said on standard error.
fn seal_export_saying(
    dir: &Path,
    name: &str,
    generated: &str,
    key: &Path,
    previous: Option<&Path>,
) -> (PathBuf, String) {
    let export = Export::new();
    for (call, body) in GLOBAL_CALLS {
        let body = body.replace("2026-11-30T09:15:02+00:00", generated);
        export.call("global", call, &body);
    }
    for (call, body) in REGIONAL_CALLS {
        export.call("eu-west-2", call, body);
    }
    collect_and_seal_saying(export.root(), dir, name, key, previous, &[])
}

/// What `bag-info.txt` of `bundle` records as the previous bundle.
fn recorded_previous(bundle: &Path) -> String {
    let info = String::from_utf8(bundle_entry(bundle, "bag-info.txt")).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Auditpack-Previous-Bundle-SHA256: "))
        .unwrap_or("-")
        .to_string()
}

/// Seals a bundle as of `before`, then one as of `after` with it as
/// --previous: both bundles, and what sealing the second said.
fn sealed_after(before: &str, after: &str) -> (tempfile::TempDir, PathBuf, PathBuf, String) {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let at = |day: &str| format!("{day}T09:15:02+00:00");
    let first = seal_export(dir.path(), "first", &at(before), &f.key, None);
    let (second, stderr) =
        seal_export_saying(dir.path(), "second", &at(after), &f.key, Some(&first));
    (dir, first, second, stderr)
}

#[test]
fn previous_of_the_same_quarter_2026q4_is_sealed_with_a_warning_and_its_digest() {
    let (_dir, a, b, stderr) = sealed_after("2026-11-30", "2026-12-20");
    assert!(
        stderr.contains("warning: --previous")
            && stderr.contains("is not the bundle of the quarter before this one")
            && stderr.contains("2026Q4 does not follow 2026Q4")
            && stderr.contains("verify --chain` will call this link broken"),
        "{stderr}"
    );
    assert_eq!(recorded_previous(&b), sha256(&fs::read(&a).unwrap()));
}

#[test]
fn previous_2026q1_of_a_2026q3_bundle_warns_that_a_quarter_is_missing() {
    let (_dir, _, _, stderr) = sealed_after("2026-03-30", "2026-09-28");
    assert!(
        stderr.contains("1 quarter is missing between 2026Q1"),
        "{stderr}"
    );
}

#[test]
fn previous_2027q1_of_a_2026q4_bundle_warns_it_is_newer() {
    let (_dir, _, _, stderr) = sealed_after("2027-02-28", "2026-11-30");
    assert!(stderr.contains("2026Q4 does not follow 2027Q1"), "{stderr}");
}

#[test]
fn previous_of_the_quarter_just_before_seals_without_a_warning() {
    let (_dir, _, _, stderr) = sealed_after("2026-09-28", "2026-11-30");
    assert!(!stderr.contains("warning: --previous"), "{stderr}");
}

#[test]
fn a_chain_whose_later_bundle_records_none_says_it_was_sealed_without_previous() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let q3 = seal_export(dir.path(), "q3", "2026-09-28T09:15:02+00:00", &f.key, None);
    let q4 = seal_export(dir.path(), "q4", "2026-11-30T09:15:02+00:00", &f.key, None);
    let (code, _, text) = verify_chain(&[&q3, &q4]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "records no previous bundle (it was sealed without --previous), so it is not chained to"
        ),
        "{text}"
    );
    assert!(!text.contains("SHA-256 none"), "{text}");
}

#[test]
fn bundles_of_different_accounts_are_compared_only_when_asked() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let one = seal_export(dir.path(), "one", "2027-02-28T09:15:02+00:00", &f.key, None);
    let refused = diff(&f.q4, &one, &[]).code(2);
    let stderr = stderr_of(&refused);
    assert!(
        stderr.contains("covers accounts 210987654321 480215379604")
            && stderr.contains("covers accounts 210987654321:"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-different-accounts"), "{stderr}");
    assert!(refused.get_output().stdout.is_empty());
    let allowed = diff(&f.q4, &one, &["--json", "--allow-different-accounts"]).success();
    let removed = json_of(&allowed)["resources"]["removed"]
        .as_array()
        .unwrap()
        .len();
    assert!(removed > 0, "the research account's resources are gone");
}

#[test]
fn bundles_of_different_signers_are_compared_only_when_asked() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let second = dir.path().join("second-key");
    keygen_as(&second, IDENTITY).assert().success();
    let signers = dir.path().join("allowed_signers");
    fs::write(
        &signers,
        allowed_line(IDENTITY, &f.public) + &allowed_line(IDENTITY, &second.with_extension("pub")),
    )
    .unwrap();
    let a = seal_export(dir.path(), "a", "2026-11-30T09:15:02+00:00", &f.key, None);
    let b = seal_export(
        dir.path(),
        "b",
        "2027-02-28T09:15:02+00:00",
        &second,
        Some(&a),
    );
    let run = |extra: &[&str]| {
        auditpack()
            .arg("diff")
            .arg(&a)
            .arg(&b)
            .arg("--allowed-signers")
            .arg(&signers)
            .args(["--identity", IDENTITY])
            .args(extra)
            .assert()
    };
    let refused = run(&[]).code(2);
    let stderr = stderr_of(&refused);
    let fingerprint = |key: &Path| {
        let out = keygen_fingerprint(key);
        assert!(stderr.contains(&out), "{stderr} should name {out}");
    };
    fingerprint(&f.public);
    fingerprint(&second.with_extension("pub"));
    assert!(stderr.contains("--allow-different-signers"), "{stderr}");
    run(&["--allow-different-signers"]).success();
}

/// The fingerprint auditpack prints for a public key, as `verify` shows
/// a bundle's signer.
fn keygen_fingerprint(public: &Path) -> String {
    auditpack::sign::fingerprint(&auditpack::sign::load_public(public).unwrap())
}

// Chains

/// Four quarterly bundles of 2026, each chained to the one before.
struct Chain {
    dir: tempfile::TempDir,
    quarters: Vec<PathBuf>,
}

fn chain() -> Chain {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut quarters: Vec<PathBuf> = Vec::new();
    for (i, day) in ["2026-03-30", "2026-06-29", "2026-09-28", "2026-12-28"]
        .iter()
        .enumerate()
    {
        let generated = format!("{day}T09:15:02+00:00");
        let previous = quarters.last().cloned();
        let name = format!("q{}", i + 1);
        quarters.push(seal_export(
            dir.path(),
            &name,
            &generated,
            &f.key,
            previous.as_deref(),
        ));
    }
    Chain { dir, quarters }
}

fn verify_chain(files: &[&PathBuf]) -> (i32, Value, String) {
    let f = fixture();
    let json = auditpack()
        .args(["verify", "--chain", "--json", "--key"])
        .arg(&f.public)
        .args(files)
        .output()
        .unwrap();
    let text = auditpack()
        .args(["verify", "--chain", "--key"])
        .arg(&f.public)
        .args(files)
        .output()
        .unwrap();
    assert_eq!(json.status.code(), text.status.code());
    (
        json.status.code().unwrap(),
        serde_json::from_slice(&json.stdout).unwrap(),
        String::from_utf8_lossy(&text.stdout).into_owned(),
    )
}

fn breaks(report: &Value) -> Vec<(String, String)> {
    let name = |v: &Value| {
        Path::new(v.as_str().unwrap_or(""))
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    report["breaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (name(&b["previous_file"]), name(&b["file"])))
        .collect()
}

#[test]
fn four_chained_quarters_hold() {
    let c = chain();
    let q: Vec<&PathBuf> = c.quarters.iter().collect();
    let (code, report, text) = verify_chain(&q);
    assert_eq!(code, 0, "{text}");
    assert_eq!(report["holds"], true);
    assert!(
        text.starts_with("CHAIN HOLDS: 4 bundles, 2026Q1 to 2026Q4"),
        "{text}"
    );
    // What each bundle records is the SHA-256 of the previous zip's bytes.
    let links = report["links"].as_array().unwrap();
    assert_eq!(links[0]["previous_sha256"], "none");
    for pair in links.windows(2) {
        assert_eq!(pair[1]["previous_sha256"], pair[0]["sha256"]);
    }
    let second = sha256(&fs::read(q[1]).unwrap());
    assert_eq!(links[1]["sha256"], second);
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn a_chain_with_a_quarter_removed_is_broken_at_that_link() {
    let c = chain();
    let q = &c.quarters;
    let (code, report, text) = verify_chain(&[&q[0], &q[2], &q[3]]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        breaks(&report),
        vec![
            ("q1.zip".to_string(), "q3.zip".to_string()),
            ("q1.zip".to_string(), "q3.zip".to_string())
        ],
        "{text}"
    );
    assert!(
        text.contains("1 quarter is missing between 2026Q1"),
        "{text}"
    );
    assert!(
        text.contains("the bundle it was chained to is missing"),
        "{text}"
    );
}

#[test]
fn a_chain_with_a_quarter_replaced_is_broken_after_it() {
    let f = fixture();
    let c = chain();
    let q = &c.quarters;
    // Another Q2, sealed again from other evidence and chained to Q1.
    let other = seal_export(
        c.dir.path(),
        "q2-other",
        "2026-06-30T10:00:00+00:00",
        &f.key,
        Some(&q[0]),
    );
    let (code, report, text) = verify_chain(&[&q[0], &other, &q[2], &q[3]]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        breaks(&report),
        vec![("q2-other.zip".to_string(), "q3.zip".to_string())],
        "{text}"
    );
    assert!(text.contains("q2-other.zip was replaced"), "{text}");
}

#[test]
fn a_chain_with_a_bundle_of_an_untrusted_signer_is_broken_there() {
    let c = chain();
    let q = &c.quarters;
    let other = c.dir.path().join("other-key");
    keygen_as(&other, IDENTITY).assert().success();
    let forged = seal_export(
        c.dir.path(),
        "q2-forged",
        "2026-06-29T09:15:02+00:00",
        &other,
        Some(&q[0]),
    );
    let (code, report, text) = verify_chain(&[&q[0], &forged]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        breaks(&report),
        vec![(String::new(), "q2-forged.zip".to_string())]
    );
    assert!(text.contains("q2-forged.zip: does not verify"), "{text}");
}

#[test]
fn a_chain_of_a_file_that_is_not_there_cannot_run() {
    let f = fixture();
    let out = auditpack()
        .args(["verify", "--chain", "--key"])
        .arg(&f.public)
        .arg(&f.q4)
        .arg(f.dir.join("no-such.zip"))
        .assert()
        .code(2);
    assert!(stderr_of(&out).contains("no-such.zip"));
}

#[test]
fn diff_with_no_trusted_signer_cannot_run() {
    let f = fixture();
    let out = auditpack()
        .arg("diff")
        .arg(&f.q4)
        .arg(&f.q1)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("--key KEY.pub"), "{stderr}");
    assert!(out.get_output().stdout.is_empty());
}

#[test]
fn bundles_given_newest_first_are_compared_as_given_with_a_warning() {
    let f = fixture();
    let out = diff(&f.q1, &f.q4, &["--json"]).success();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("later than") && stderr.contains("as given"),
        "{stderr}"
    );
    assert_eq!(json_of(&out)["old"]["as_of"], "2027-02-28T09:17:40Z");
}

#[test]
fn report_draws_the_changes_again_when_given_the_previous_bundle() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let render = |name: &str, extra: &[&Path]| {
        let pdf = dir.path().join(name);
        let mut cmd = auditpack();
        cmd.arg("report")
            .arg(&f.q1)
            .arg("--out")
            .arg(&pdf)
            .arg("--key")
            .arg(&f.public)
            .arg("-q");
        for previous in extra {
            cmd.arg("--previous").arg(previous);
        }
        cmd.assert().success();
        poppler("pdftotext", &[], &pdf)
    };
    let with = render("with.pdf", &[&f.q4]);
    assert!(with.contains("Changes since the previous bundle"), "{with}");
    assert!(with.contains("+ tcp/3389 from 0.0.0.0/0"), "{with}");
    let without = render("without.pdf", &[]);
    assert!(!without.contains("Changes since the previous bundle"));
    auditpack()
        .arg("report")
        .arg(&f.q1)
        .arg("--out")
        .arg(dir.path().join("missing.pdf"))
        .arg("--key")
        .arg(&f.public)
        .arg("--previous")
        .arg(dir.path().join("no-such.zip"))
        .assert()
        .code(2);
    assert!(!dir.path().join("missing.pdf").exists());
}

#[test]
fn the_readmes_quarterly_drift_commands_run_as_written() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Quarterly drift")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has a Quarterly drift section");
    let commands: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("cargo run -- "))
        .collect();
    assert_eq!(commands.len(), 5, "{commands:?}");
    // The same commands, with `out/` moved into a temporary folder.
    let tmp = tempfile::tempdir().unwrap();
    let out = format!("{}/out/", tmp.path().display());
    let mut outputs = Vec::new();
    for command in commands {
        let args: Vec<String> = command
            .split_whitespace()
            .map(|a| a.replace("out/", &out))
            .collect();
        let output = auditpack()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        outputs.push(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    assert!(
        outputs[3].contains(": + tcp/3389 from 0.0.0.0/0"),
        "{}",
        outputs[3]
    );
    assert!(
        outputs[4].starts_with("CHAIN HOLDS: 2 bundles, 2026Q4 to 2027Q1"),
        "{}",
        outputs[4]
    );
}

#[test]
fn added_guardduty_detector_is_listed_under_medium_as_monitoring_switched_on() {
    let f = fixture();
    let out = diff(&f.q4, &f.q1, &[]).success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let section = text.find("Resources added and removed").expect(&text);
    let rest = &text[section..];
    let medium = rest.find("\n  medium\n").expect(rest);
    let detector = rest.find("added   GuardDuty detector").expect(rest);
    let low = rest.find("\n  low\n").unwrap_or(usize::MAX);
    assert!(medium < detector && detector < low, "{rest}");
}

/// `auditpack run` of the test export into `out` with the fixture's key,
/// and `extra` options.
fn run_into(export: &Path, out: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = auditpack();
    cmd.args(["run", "--from-exports"])
        .arg(export)
        .arg("--key")
        .arg(&fixture().key)
        .arg("--out")
        .arg(out)
        .args(extra);
    cmd
}

#[test]
fn a_previous_bundle_cut_short_is_refused_before_anything_is_written() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let whole = fs::read(&f.q4).unwrap();
    let cut = dir.path().join("q4-cut.zip");
    fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let snapshot = dir.path().join("snapshot");
    auditpack()
        .args(["collect", "-q", "--from-exports"])
        .arg(format!("{NEXT_DIR}/export"))
        .arg("--out")
        .arg(&snapshot)
        .assert()
        .success();
    let bundle = dir.path().join("q1.zip");
    let refused = |assert: assert_cmd::assert::Assert| {
        let stderr = stderr_of(&assert.code(2));
        assert!(
            stderr.contains("--previous `")
                && stderr.contains("q4-cut.zip` cannot be read as a zip archive")
                && stderr.contains("copy the previous quarter's bundle again"),
            "{stderr}"
        );
    };
    refused(
        auditpack()
            .arg("bundle")
            .arg(&snapshot)
            .arg("--key")
            .arg(&f.key)
            .arg("--out")
            .arg(&bundle)
            .arg("--previous")
            .arg(&cut)
            .assert(),
    );
    assert!(!bundle.exists(), "nothing written");
    let out = dir.path().join("out");
    refused(
        run_into(
            Path::new(&format!("{NEXT_DIR}/export")),
            &out,
            &["--previous"],
        )
        .arg(&cut)
        .assert(),
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn run_refuses_a_previous_bundle_it_would_replace_and_says_the_digest_it_records() {
    let dir = tempfile::tempdir().unwrap();
    let export = Export::complete("eu-west-2");
    let out = dir.path().join("out");
    run_into(export.root(), &out, &["-q"]).assert().success();
    let first = out.join("auditpack-210987654321-2026Q4.zip");
    let before = fs::read(&first).unwrap();

    // The very bundle run would write again, and one inside the snapshot
    // folder it writes.
    let same = run_into(export.root(), &out, &["--force", "--previous"])
        .arg(&first)
        .assert()
        .code(2);
    let stderr = stderr_of(&same);
    assert!(
        stderr.contains("--force would replace a bundle of the same name"),
        "{stderr}"
    );
    assert_eq!(fs::read(&first).unwrap(), before, "the bundle is untouched");
    let inside = out.join("snapshot/kept.zip");
    fs::copy(&first, &inside).unwrap();
    let stderr = stderr_of(
        &run_into(export.root(), &out, &["--force", "--previous"])
            .arg(&inside)
            .assert()
            .code(2),
    );
    assert!(stderr.contains("which this run writes"), "{stderr}");

    // Chained from another folder: the line says the digest recorded.
    let next = dir.path().join("next");
    let chained = run_into(export.root(), &next, &["--previous"])
        .arg(&first)
        .assert()
        .success();
    let recorded = recorded_previous(&next.join("auditpack-210987654321-2026Q4.zip"));
    assert_eq!(recorded, sha256(&before));
    let stderr = stderr_of(&chained);
    assert!(
        stderr.contains(&format!("(SHA-256 {recorded})")),
        "{stderr}"
    );
}
