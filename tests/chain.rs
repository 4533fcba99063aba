//! `auditpack verify --chain`, through the real binary: four quarterly
//! bundles of 2026, each chained to the one before, checked whole, with a
//! quarter removed, replaced, given out of order or twice, beside files
//! that are not bundles, signed by a changing key or a DEMO key, and
//! started part-way through the series.

mod common;

use common::{
    allowed_line, auditpack, export_as_of, fixture_dir, keygen_as, keygen_fingerprint, seal_export,
    sha256, stderr_of,
};
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

/// The kind of each break or notice (`list` is `breaks` or `notices`).
fn kinds(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap().to_string())
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
        text.starts_with("CHAIN HOLDS: 4 bundles, 2026Q1 to 2026Q4\n"),
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
    // The whole series from its first bundle: nothing to add.
    assert_eq!(report["earlier_not_given"], Value::Null);
    assert_eq!(report["notices"], serde_json::json!([]));
    assert!(!text.contains("notice:"), "{text}");
    assert!(text.contains("none: the first of its series"), "{text}");
}

#[test]
fn a_series_checked_from_its_second_quarter_holds_and_says_what_it_leaves_out() {
    let c = chain();
    let q = &c.quarters;
    let first = sha256(&fs::read(&q[0]).unwrap());
    let (code, report, text) = verify_chain(&[&q[1], &q[2], &q[3]]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(report["holds"], true);
    assert_eq!(report["earlier_not_given"], first.as_str());
    assert_eq!(kinds(&report, "notices"), ["earlier-bundle-not-given"]);
    assert_eq!(file_name(&report["notices"][0]["file"]), "q2.zip");
    assert!(
        text.starts_with("CHAIN HOLDS: 3 bundles, 2026Q2 to 2026Q4\n"),
        "{text}"
    );
    let notice = text
        .lines()
        .find(|l| l.contains("notice:"))
        .unwrap_or_else(|| panic!("no notice in:\n{text}"));
    assert!(
        notice.contains(&format!(
            "the series starts at 2026Q2 ({}), which records an earlier bundle (SHA-256 {first}) \
             not given, so the check covers the series only from 2026Q2 on",
            shown(&q[1])
        )),
        "{notice}"
    );
    assert!(text.contains(&format!("{first} (not given)")), "{text}");
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
    // Its signer is named all the same, as not trusted.
    assert!(
        text.contains(&format!(
            "signed by  {} (not trusted)",
            keygen_fingerprint(&other.with_extension("pub"))
        )),
        "{text}"
    );
}

#[test]
fn every_link_names_its_signer_and_a_change_of_key_is_a_notice_not_a_break() {
    let c = chain();
    let dir = tempfile::tempdir().unwrap();
    let second = dir.path().join("second-key");
    keygen_as(&second, IDENTITY).assert().success();
    let second_public = second.with_extension("pub");
    let signers = dir.path().join("allowed_signers");
    fs::write(
        &signers,
        allowed_line(IDENTITY, &c.public) + &allowed_line(IDENTITY, &second_public),
    )
    .unwrap();
    // 2026Q4 signed with the first key; 2027Q1 and Q2 with the second.
    let q4 = seal_export(dir.path(), "q4", &at("2026-11-30"), &c.key, None);
    let q1 = seal_export(dir.path(), "q1", &at("2027-02-28"), &second, Some(&q4));
    let q2 = seal_export(dir.path(), "q2", &at("2027-05-30"), &second, Some(&q1));
    let trust = [
        "--allowed-signers".to_string(),
        shown(&signers),
        "--identity".to_string(),
        IDENTITY.to_string(),
    ];
    let (code, report, text) = verify_chain_trusting(&trust, &[&q4, &q1, &q2]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(report["holds"], true);
    let (first, then) = (
        keygen_fingerprint(&c.public),
        keygen_fingerprint(&second_public),
    );
    let links = report["links"].as_array().unwrap();
    let signed: Vec<(&str, &str)> = links
        .iter()
        .map(|l| {
            (
                l["signer"].as_str().unwrap(),
                l["identity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        signed,
        [
            (first.as_str(), IDENTITY),
            (then.as_str(), IDENTITY),
            (then.as_str(), IDENTITY)
        ]
    );
    // One change of key, at the link where it happens.
    assert_eq!(kinds(&report, "notices"), ["signer-changed"]);
    assert_eq!(file_name(&report["notices"][0]["previous_file"]), "q4.zip");
    assert_eq!(file_name(&report["notices"][0]["file"]), "q1.zip");
    let trusted = format!("(trusted: `{IDENTITY}` in the allowed-signers file)");
    for key in [&first, &then] {
        assert!(
            text.contains(&format!("signed by  {key} {trusted}")),
            "{text}"
        );
    }
    let notice = text
        .lines()
        .find(|l| l.contains("notice:"))
        .unwrap_or_else(|| panic!("no notice in:\n{text}"));
    assert!(
        notice.contains(&format!(
            "notice: link {} → {}: the signing key changes: {} is signed by {then} {trusted}, {} \
             by {first} {trusted}",
            shown(&q4),
            shown(&q1),
            shown(&q1),
            shown(&q4)
        )),
        "{notice}"
    );
}

#[test]
fn bundles_signed_with_a_demo_key_hold_with_the_demo_caveat_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trial");
    // `run` without --key signs with a DEMO key it makes in OUT, and uses
    // it again for the next quarter sealed there.
    let run = |export: &common::Export, previous: Option<&Path>| {
        let mut cmd = auditpack();
        cmd.args(["run", "-q", "--force", "--from-exports"])
            .arg(export.root())
            .arg("--out")
            .arg(&out);
        if let Some(previous) = previous {
            cmd.arg("--previous").arg(previous);
        }
        cmd.assert().success();
    };
    let bag = |quarter: &str| out.join(format!("auditpack-210987654321-{quarter}.zip"));
    run(&export_as_of(&at("2026-11-30")), None);
    let (q4, q1) = (bag("2026Q4"), bag("2027Q1"));
    run(&export_as_of(&at("2027-02-28")), Some(&q4));
    let trust = [
        "--key".to_string(),
        shown(&out.join("demo-signing-key.pub")),
    ];
    let (code, report, text) = verify_chain_trusting(&trust, &[&q4, &q1]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(kinds(&report, "notices"), ["demo-key", "demo-key"]);
    for link in report["links"].as_array().unwrap() {
        assert!(
            link["demo_key"].as_str().unwrap().contains("DEMO key"),
            "{link}"
        );
    }
    let verdict = text.lines().next().unwrap();
    assert_eq!(
        verdict,
        format!(
            "CHAIN HOLDS: 2 bundles, 2026Q4 to 2027Q1, but 2 are signed with a DEMO key (no \
             evidence of who sealed them): {}, {}",
            shown(&q4),
            shown(&q1)
        )
    );
    assert!(
        text.contains("not evidence of who sealed this bundle"),
        "{text}"
    );
}

#[test]
fn bundles_given_out_of_quarter_order_are_checked_by_quarter_and_the_order_is_a_break() {
    let c = chain();
    let q = &c.quarters;
    // As `Q4 Q2 Q1 Q3` of a series running from 2026Q4: one given early.
    let (code, report, text) = verify_chain(&[&q[0], &q[2], &q[1], &q[3]]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(kinds(&report, "breaks"), ["out-of-order"], "{text}");
    assert_eq!(report["by_quarter"], true);
    let order: Vec<(String, u64)> = report["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (file_name(&l["file"]), l["given"].as_u64().unwrap()))
        .collect();
    let expected: Vec<(String, u64)> = [("q1.zip", 1), ("q2.zip", 3), ("q3.zip", 2), ("q4.zip", 4)]
        .iter()
        .map(|(f, g)| (f.to_string(), *g))
        .collect();
    assert_eq!(order, expected);
    let by_quarter: Vec<String> = q.iter().map(|p| shown(p)).collect();
    assert!(
        text.contains(&format!(
            "given out of order; by quarter: {}, the order their links are checked in ({}, of \
             2026Q2, is given after {}, of 2026Q3); in quarter order, every link holds",
            by_quarter.join(" "),
            shown(&q[1]),
            shown(&q[2])
        )),
        "{text}"
    );
    // No link is said to miss a quarter that was given.
    assert!(!text.contains("missing"), "{text}");
    assert!(!text.contains("does not follow"), "{text}");
    assert!(text.contains("Bundles, by quarter:"), "{text}");
}

#[test]
fn out_of_order_with_a_quarter_missing_names_only_the_quarter_not_given() {
    let c = chain();
    let q = &c.quarters;
    let (code, report, text) = verify_chain(&[&q[2], &q[0], &q[3]]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        kinds(&report, "breaks"),
        ["out-of-order", "quarter", "previous"],
        "{text}"
    );
    assert!(
        text.contains("in quarter order, the links break as below"),
        "{text}"
    );
    assert!(
        text.contains("1 quarter is missing between 2026Q1"),
        "{text}"
    );
}

#[test]
fn a_bundle_given_twice_is_named_once_as_given_twice() {
    let c = chain();
    let q = &c.quarters;
    // As `Q4 Q4 Q1` of a series running from 2026Q4.
    let (code, report, text) = verify_chain(&[&q[0], &q[0], &q[1]]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(kinds(&report, "breaks"), ["given-twice"], "{text}");
    assert!(
        text.contains(&format!(
            "{} is given twice (file 1 and file 2 of the list)",
            shown(&q[0])
        )),
        "{text}"
    );
    assert!(!text.contains("does not follow"), "{text}");
    assert!(!text.contains("second bundle of"), "{text}");
    assert_eq!(report["links"].as_array().unwrap().len(), 2);

    // A copy under another name is the same bundle given twice.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("q1-copy.zip");
    fs::copy(&q[0], &copy).unwrap();
    let (code, report, text) = verify_chain(&[&q[0], &copy, &q[1]]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(kinds(&report, "breaks"), ["given-twice"], "{text}");
    assert!(
        text.contains(&format!(
            "{} is given twice: it is the same bundle as {}",
            shown(&copy),
            shown(&q[0])
        )),
        "{text}"
    );
}

#[test]
fn a_file_that_is_not_a_bundle_is_one_line_and_left_out_of_the_links() {
    let c = chain();
    let q = &c.quarters;
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    fs::write(&notes, "not a bundle\n").unwrap();
    // A zip, but of something else than a bag.
    let other = dir.path().join("photos.zip");
    {
        let mut zip = zip::ZipWriter::new(fs::File::create(&other).unwrap());
        zip.start_file(
            "photo.txt",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        std::io::Write::write_all(&mut zip, b"a photo").unwrap();
        zip.finish().unwrap();
    }
    let (code, report, text) = verify_chain(&[&q[0], &notes, &other, &q[1]]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        kinds(&report, "breaks"),
        ["not-a-bundle", "not-a-bundle"],
        "{text}"
    );
    for file in [&notes, &other] {
        let said: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(&shown(file)) && !l.contains("NOT A BUNDLE"))
            .collect();
        assert_eq!(said.len(), 1, "{text}");
        assert!(said[0].contains("not a bundle: "), "{text}");
    }
    assert!(
        text.contains("not a bundle: not a readable zip archive"),
        "{text}"
    );
    assert!(
        text.starts_with("CHAIN BROKEN: 2 problems in 2 bundles, 2026Q1 to 2026Q2\n"),
        "{text}"
    );
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
