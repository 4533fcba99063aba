//! `auditpack verify --chain`, through the real binary: four quarterly
//! bundles of 2026, each chained to the one before, checked whole, and
//! with a quarter removed or replaced.

mod common;

use common::{auditpack, fixture_dir, keygen_as, seal_export, sha256, stderr_of};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const IDENTITY: &str = "compliance@northbridge.example";

/// Four quarterly bundles of 2026 (`q1.zip` to `q4.zip`), each chained to
/// the one before, signed with `key`. Shared by every test, which only
/// reads them and writes anything of its own elsewhere.
struct Chain {
    key: PathBuf,
    public: PathBuf,
    quarters: Vec<PathBuf>,
}

fn chain() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let dir = fixture_dir("chain-");
        let key = dir.join("key");
        keygen_as(&key, IDENTITY).assert().success();
        let mut quarters: Vec<PathBuf> = Vec::new();
        for (i, day) in ["2026-03-30", "2026-06-29", "2026-09-28", "2026-12-28"]
            .iter()
            .enumerate()
        {
            let previous = quarters.last().cloned();
            quarters.push(seal_export(
                &dir,
                &format!("q{}", i + 1),
                &at(day),
                &key,
                previous.as_deref(),
            ));
        }
        Chain {
            public: key.with_extension("pub"),
            key,
            quarters,
        }
    })
}

/// The instant a test export's evidence is dated, on `day`.
fn at(day: &str) -> String {
    format!("{day}T09:15:02+00:00")
}

/// `verify --chain` of `files` trusting the chain's key: exit code, the
/// JSON report, and the text for people.
fn verify_chain(files: &[&PathBuf]) -> (i32, Value, String) {
    let trust = ["--key".to_string(), chain().public.display().to_string()];
    verify_chain_trusting(&trust, files)
}

/// `verify --chain` of `files` with the options `trust` naming whom to
/// trust.
fn verify_chain_trusting(trust: &[String], files: &[&PathBuf]) -> (i32, Value, String) {
    let run = |json: bool| {
        let mut cmd = auditpack();
        cmd.args(["verify", "--chain"]).args(trust).args(files);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let (json, text) = (run(true), run(false));
    assert_eq!(json.status.code(), text.status.code());
    (
        json.status.code().unwrap(),
        serde_json::from_slice(&json.stdout).unwrap(),
        String::from_utf8_lossy(&text.stdout).into_owned(),
    )
}

/// Each break as (the earlier file, the later file), by file name.
fn breaks(report: &Value) -> Vec<(String, String)> {
    report["breaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (file_name(&b["previous_file"]), file_name(&b["file"])))
        .collect()
}

fn file_name(v: &Value) -> String {
    Path::new(v.as_str().unwrap_or(""))
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn shown(path: &Path) -> String {
    path.display().to_string()
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

#[test]
fn a_chain_whose_later_bundle_records_none_says_it_was_sealed_without_previous() {
    let c = chain();
    let dir = tempfile::tempdir().unwrap();
    let q3 = seal_export(dir.path(), "q3", &at("2026-09-28"), &c.key, None);
    let q4 = seal_export(dir.path(), "q4", &at("2026-11-30"), &c.key, None);
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
    let c = chain();
    let q = &c.quarters;
    let dir = tempfile::tempdir().unwrap();
    // Another Q2, sealed again from other evidence and chained to Q1.
    let other = seal_export(
        dir.path(),
        "q2-other",
        "2026-06-30T10:00:00+00:00",
        &c.key,
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
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-key");
    keygen_as(&other, IDENTITY).assert().success();
    let forged = seal_export(
        dir.path(),
        "q2-forged",
        &at("2026-06-29"),
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
fn a_chain_of_a_file_that_is_not_there_or_a_folder_cannot_run_and_says_what_to_do() {
    let c = chain();
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &Path, chained: bool| {
        let mut cmd = auditpack();
        cmd.arg("verify");
        if chained {
            cmd.arg("--chain").arg(&c.quarters[0]);
        }
        let out = cmd.arg(file).arg("--key").arg(&c.public).assert().code(2);
        assert!(out.get_output().stdout.is_empty());
        let stderr = stderr_of(&out);
        assert!(!stderr.contains("os error"), "{stderr}");
        stderr
    };
    let missing = dir.path().join("no-such.zip");
    for chained in [true, false] {
        let stderr = run(&missing, chained);
        assert!(
            stderr.contains(&format!("error: {}: no such file\nhelp: ", shown(&missing))),
            "{stderr}"
        );
    }
    // A folder `auditpack run` wrote holds the bundle: named.
    let folder = dir.path().join("out-2026q1");
    fs::create_dir(&folder).unwrap();
    let inside = folder.join("q1.zip");
    fs::copy(&c.quarters[0], &inside).unwrap();
    let stderr = run(&folder, true);
    assert!(
        stderr.contains(&format!(
            "error: {}: a folder, not a bundle file\nhelp: pass the bundle file inside it: `{}`",
            shown(&folder),
            shown(&inside)
        )),
        "{stderr}"
    );
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let stderr = run(&empty, true);
    assert!(
        stderr.contains("a folder, not a bundle file\nhelp: pass the bundle's .zip file itself"),
        "{stderr}"
    );
}
