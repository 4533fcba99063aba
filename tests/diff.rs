//! `auditpack diff`, through the real binary: the shipped sample against
//! its next quarter (whose changes its README lists), refusals of bundles
//! of other accounts or signers, and the warnings of sealing a bundle
//! chained to one not of the quarter before. `verify --chain` is in
//! tests/chain.rs.

mod common;

use common::{
    Export, SAMPLE_DIR, allowed_line, auditpack, bundle_entry, collect_and_seal, fixture_dir,
    keygen_as, keygen_fingerprint, poppler, seal_export, seal_export_saying, sha256, stderr_of,
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
    // Both quarters saw the same regions and calls.
    assert_eq!(drift["coverage"], json!([]));
    assert_eq!(drift["findings"]["no_longer_assessed"], json!([]));
}

#[test]
fn people_see_the_new_world_rule_itself_grouped_by_severity() {
    let f = fixture();
    let out = diff(&f.q4, &f.q1, &[]).success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains(
            "worse   security group sg-03f847dbfbf0a22b3 (nbch-jumphost-base) in 210987654321/eu-west-2: + tcp/3389 from 0.0.0.0/0"
        ),
        "{text}"
    );
    let controls = text
        .find("Controls whose status or mapping changed")
        .expect(&text);
    let iso = text.find("  ISO/IEC 27001:2022 Annex A\n").expect(&text);
    let high = text.find("\n  high\n").expect(&text);
    let medium = text.find("\n  medium\n").expect(&text);
    assert!(controls < iso && iso < high && high < medium, "{text}");
    assert!(
        text.contains("Regression: 1 new failing finding, 1 configuration change worse"),
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
    // Rows wrap where the page needs; words are compared as one run.
    let squeezed: String = section.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "q4.zip",
        "auditpack-210987654321-and-1-more-2026Q4, as of 2026-11-30T09:17:40Z",
        "Something got worse",
        // Each change is a table row: its label (coloured by direction)
        // in a column of its own, then what changed.
        "5.1 Policies for information security: manual → pass",
        "Severity high",
        "Severity medium",
        "security group sg-03f847dbfbf0a22b3 (nbch-jumphost-base) in 210987654321/eu-west-2: + tcp/3389 from 0.0.0.0/0",
        "40 failing findings in both bundles",
        "renewed iso27001:5.1 by Hannah Kowalczyk: implemented; expires 2028-01-19 (was 2026-06-01)",
        "version 4 → 5",
    ] {
        assert!(
            squeezed.contains(expected),
            "no `{expected}` in:\n{section}"
        );
    }
    let labels: Vec<&str> = section.lines().map(str::trim).collect();
    for label in ["better", "worse", "new", "resolved", "added"] {
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
            "could not be shown. Why: it does not verify under the key that signs this one"
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
    let squeezed: String = with.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains("+ tcp/3389 from 0.0.0.0/0"), "{with}");
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
    let detector = rest.find("better  added GuardDuty detector").expect(rest);
    let low = rest.find("\n  low\n").unwrap_or(usize::MAX);
    assert!(medium < detector && detector < low, "{rest}");
}

/// The next quarter's export copied into `dir/NAME`, changed by `edit`
/// (given the copy's export folder), then sealed with the next quarter's
/// attestations (or `attestations`) and approved images.
fn seal_variant(
    dir: &Path,
    name: &str,
    attestations: Option<&str>,
    edit: impl FnOnce(&Path),
) -> PathBuf {
    let copy = dir.join(name);
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(NEXT_DIR)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    edit(&copy.join("export"));
    if let Some(text) = attestations {
        fs::write(copy.join("attestations.toml"), text).unwrap();
    }
    let sample = copy.to_string_lossy().into_owned();
    seal_folder(&sample, dir, &fixture().key, name, None)
}

/// Rewrites the JSON file at `path` through `change`.
fn edit_json(path: &Path, change: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    change(&mut value);
    fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
}

/// `diff --json --fail-on regression` from the next quarter to `new`:
/// the drift and the exit code.
fn drift_to(new: &Path) -> (Value, i32) {
    let done = diff(&fixture().q1, new, &["--json", "--fail-on", "regression"]);
    let code = done.get_output().status.code().unwrap();
    (json_of(&done), code)
}

fn in_region<'a>(list: &'a Value, account: &str, region: &str) -> Vec<&'a Value> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|x| x["account_id"] == account && x["region"] == region)
        .collect()
}

#[test]
fn a_region_left_out_is_evidence_lost_not_faults_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let variant = seal_variant(dir.path(), "no-dr", None, |export| {
        fs::remove_dir_all(export.join("210987654321/eu-west-1")).unwrap();
    });
    let (drift, code) = drift_to(&variant);
    assert_eq!(code, 1, "less evidence is a regression");
    let coverage = drift["coverage"].as_array().unwrap();
    assert_eq!(coverage.len(), 1, "one line for the region: {coverage:?}");
    assert_eq!(coverage[0]["region"], "eu-west-1");
    assert_eq!(coverage[0]["before"], "collected");
    assert_eq!(coverage[0]["direction"], "worse");
    let dr = |list: &Value| in_region(list, "210987654321", "eu-west-1").len();
    assert_eq!(dr(&drift["findings"]["resolved"]), 0, "{drift:#}");
    assert!(
        dr(&drift["findings"]["no_longer_assessed"]) > 0,
        "{drift:#}"
    );
    assert_eq!(dr(&drift["resources"]["removed"]), 0, "{drift:#}");
    assert!(
        dr(&drift["resources"]["no_longer_collected"]) > 0,
        "{drift:#}"
    );
    assert!(
        drift["controls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["direction"] != "better"),
        "no control is better for evidence lost: {:#}",
        drift["controls"]
    );
    let text = diff(&fixture().q1, &variant, &[]).success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).into_owned();
    assert!(
        text.contains("worse   210987654321/eu-west-1 region: collected → not collected"),
        "{text}"
    );
    assert!(
        text.contains("Regression: 1 region or call no longer collected"),
        "{text}"
    );
}

#[test]
fn a_denied_listing_leaves_its_findings_unassessed_and_its_groups_uncompared() {
    let dir = tempfile::tempdir().unwrap();
    let variant = seal_variant(dir.path(), "denied", None, |export| {
        let calls = export.join("480215379604/eu-west-2/ec2");
        fs::remove_file(calls.join("describe-security-groups.json")).unwrap();
        fs::write(
            calls.join("describe-security-groups.error"),
            "\nAn error occurred (UnauthorizedOperation) when calling the DescribeSecurityGroups \
             operation: You are not authorized to perform this operation.\n",
        )
        .unwrap();
    });
    let (drift, code) = drift_to(&variant);
    assert_eq!(code, 1);
    let coverage = &drift["coverage"];
    let lost = in_region(coverage, "480215379604", "eu-west-2");
    assert_eq!(lost.len(), 1, "{coverage:#}");
    assert_eq!(lost[0]["call"], "ec2 describe-security-groups");
    assert_eq!(lost[0]["before"], "ok");
    assert_eq!(lost[0]["after"], "access-denied");
    let research = |list: &Value| in_region(list, "480215379604", "eu-west-2").len();
    assert_eq!(research(&drift["findings"]["resolved"]), 0, "{drift:#}");
    assert_eq!(research(&drift["resources"]["removed"]), 0, "{drift:#}");
    assert!(research(&drift["resources"]["no_longer_collected"]) > 0);
}

#[test]
fn trail_logging_switched_off_is_shown_as_the_change_itself() {
    let dir = tempfile::tempdir().unwrap();
    let variant = seal_variant(dir.path(), "trail-off", None, |export| {
        let status = export.join(
            "210987654321/eu-west-2/cloudtrail/get-trail-status/nbch-organisation-trail.json",
        );
        edit_json(&status, |v| v["IsLogging"] = json!(false));
    });
    let (drift, code) = drift_to(&variant);
    assert_eq!(code, 1);
    let changes: Vec<(Value, Value, Value)> = drift["configuration"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].clone(), c["change"].clone(), c["direction"].clone()))
        .collect();
    assert!(
        changes.contains(&(
            json!("nbch-organisation-trail"),
            json!("logging: true → false"),
            json!("worse")
        )),
        "{changes:?}"
    );
}

#[test]
fn a_world_rule_added_to_a_group_already_failing_is_a_regression() {
    let dir = tempfile::tempdir().unwrap();
    let variant = seal_variant(dir.path(), "ipv6-rdp", None, |export| {
        let groups = export.join("210987654321/eu-west-2/ec2/describe-security-groups.json");
        edit_json(&groups, |v| {
            for group in v["SecurityGroups"].as_array_mut().unwrap() {
                if group["GroupId"] == "sg-03f847dbfbf0a22b3" {
                    group["IpPermissions"][0]["Ipv6Ranges"] = json!([{"CidrIpv6": "::/0"}]);
                }
            }
        });
    });
    let (drift, code) = drift_to(&variant);
    assert!(drift["findings"]["new"].as_array().unwrap().is_empty());
    let change = &drift["configuration"][0];
    assert_eq!(change["change"], "+ tcp/3389 from ::/0");
    assert_eq!(change["severity"], "high");
    assert_eq!(code, 1, "a change rated worse is a regression: {drift:#}");
}

#[test]
fn an_attestation_that_now_says_not_implemented_is_worse() {
    let dir = tempfile::tempdir().unwrap();
    let attestations = fs::read_to_string(format!("{NEXT_DIR}/attestations.toml"))
        .unwrap()
        .replace(
            "controls = [\"iso27001:5.1\"]\nstatus = \"implemented\"",
            "controls = [\"iso27001:5.1\"]\nstatus = \"not-implemented\"",
        );
    assert!(attestations.contains("not-implemented"));
    let variant = seal_variant(dir.path(), "policies-lapsed", Some(&attestations), |_| {});
    let (drift, code) = drift_to(&variant);
    assert_eq!(code, 1);
    let attested = drift["attestations"].as_array().unwrap();
    assert_eq!(attested.len(), 1, "{attested:?}");
    assert_eq!(attested[0]["change"], "status changed");
    assert_eq!(attested[0]["status_before"], "implemented");
    assert_eq!(attested[0]["status_after"], "not-implemented");
    assert_eq!(attested[0]["direction"], "worse");
}

#[test]
fn report_draws_changes_only_since_the_bundle_it_records_as_previous() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    // q1 records q4; q4 records none.
    for (bundle, previous, says) in [
        (&f.q1, &f.q1, "records the previous bundle SHA-256"),
        (&f.q4, &f.q1, "records no previous bundle"),
    ] {
        let done = auditpack()
            .arg("report")
            .arg(bundle)
            .arg("--out")
            .arg(dir.path().join("summary.pdf"))
            .arg("--key")
            .arg(&f.public)
            .arg("--previous")
            .arg(previous)
            .assert()
            .code(2);
        let stderr = stderr_of(&done);
        assert!(stderr.contains(says), "{stderr}");
        assert!(stderr.contains("auditpack diff"), "{stderr}");
        assert!(!dir.path().join("summary.pdf").exists());
    }
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
        stderr.contains("is the bundle being written, which would replace it"),
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

#[test]
fn a_rule_added_where_the_old_listing_was_cut_short_is_still_compared() {
    let dir = tempfile::tempdir().unwrap();
    let groups = "210987654321/eu-west-2/ec2/describe-security-groups.json";
    let old = seal_variant(dir.path(), "first-page", None, |export| {
        edit_json(&export.join(groups), |v| v["NextToken"] = json!("more"));
    });
    let new = seal_variant(dir.path(), "jenkins-8080", None, |export| {
        edit_json(&export.join(groups), |v| {
            for group in v["SecurityGroups"].as_array_mut().unwrap() {
                if group["GroupName"] == "nbch-build-jenkins" {
                    group["IpPermissions"].as_array_mut().unwrap().push(json!({
                        "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                        "Ipv6Ranges": [{"CidrIpv6": "::/0"}]
                    }));
                }
            }
        });
    });
    let done = diff(&old, &new, &["--json", "--fail-on", "regression"]).code(1);
    let drift = json_of(&done);
    let changes: Vec<&Value> = drift["configuration"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "+ tcp/8080 from ::/0")
        .collect();
    assert_eq!(changes.len(), 1, "{:#}", drift["configuration"]);
    assert_eq!(changes[0]["direction"], "worse");
    // The listing is whole now: more evidence, said as such.
    assert_eq!(drift["coverage"][0]["before"], "incomplete");
    assert_eq!(drift["coverage"][0]["direction"], "better");
}

#[test]
fn an_account_in_one_bundle_only_is_evidence_lost_when_compared_anyway() {
    let dir = tempfile::tempdir().unwrap();
    let variant = seal_variant(dir.path(), "main-only", None, |export| {
        fs::remove_dir_all(export.join("480215379604")).unwrap();
    });
    let done = diff(
        &fixture().q1,
        &variant,
        &["--allow-different-accounts", "--fail-on", "regression"],
    )
    .code(1);
    let text = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(
        text.contains("worse   480215379604 account: collected → not in the bundle"),
        "{text}"
    );
}

#[test]
fn a_new_attester_and_statement_are_named_when_an_attestation_is_restated() {
    let dir = tempfile::tempdir().unwrap();
    let attestations = fs::read_to_string(format!("{NEXT_DIR}/attestations.toml"))
        .unwrap()
        .replace(
            "attested_by = \"Hannah Kowalczyk\"",
            "attested_by = \"A. Nobody\"",
        )
        .replace(
            "approved again by the Trust Board",
            "approved again by a committee",
        );
    let variant = seal_variant(dir.path(), "restated", Some(&attestations), |_| {});
    let done = diff(&fixture().q1, &variant, &[]).success();
    let text = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(
        text.contains("restated iso27001:5.1 by A. Nobody (was Hannah Kowalczyk): implemented;")
            && text.contains("statement changed"),
        "{text}"
    );
}
