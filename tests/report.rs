//! The PDF summary, end to end through the real binary, read back with
//! poppler's tools as a reader would: its text holds every account,
//! framework count, failing control and failing resource of the sample;
//! its fonts are embedded; 5,000 failing findings run over many pages
//! with the table header on each; the same inputs give the same bytes;
//! non-Latin text is drawn or visibly replaced; and `auditpack report`
//! renders only a verified bundle.
//!
//! pdftotext, pdffonts and pdfinfo (Debian package poppler-utils) are
//! required: a missing one fails its test with a pointer to scripts/test,
//! which installs them.

mod common;

use common::{bundle_entry as entry, poppler};

use common::{ACCOUNT, Export, auditpack};
use serde_json::json;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/nhs-trust");
const DATE: &str = "2026-12-01";
const REGION: &str = "eu-west-2";

/// The sample assessed and sealed once, with its key.
struct Sealed {
    dir: PathBuf,
    snapshot: PathBuf,
    key: PathBuf,
    bundle: PathBuf,
    pdf: PathBuf,
}

fn sealed() -> &'static Sealed {
    static SEALED: OnceLock<Sealed> = OnceLock::new();
    SEALED.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("report-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap()
            .keep();
        let snapshot = dir.join("snapshot");
        auditpack()
            .args([
                "collect",
                "--from-exports",
                &format!("{SAMPLE}/export"),
                "-q",
            ])
            .arg("--out")
            .arg(&snapshot)
            .assert()
            .success();
        let key = dir.join("key");
        auditpack()
            .args([
                "keygen",
                "--identity",
                "compliance@nbch.example",
                "-q",
                "--out",
            ])
            .arg(&key)
            .assert()
            .success();
        let bundle = dir.join("bundle.zip");
        seal(&snapshot, &key, &bundle).assert().success();
        let pdf = dir.join("summary.pdf");
        fs::write(&pdf, entry(&bundle, "data/report/summary.pdf")).unwrap();
        Sealed {
            dir,
            snapshot,
            key,
            bundle,
            pdf,
        }
    })
}

/// The sample's bundle, dated.
fn seal(snapshot: &Path, key: &Path, out: &Path) -> assert_cmd::Command {
    let mut cmd = common::seal_sample(snapshot, key, out);
    cmd.args(["--date", DATE]);
    cmd
}

fn names(archive: &zip::ZipArchive<File>) -> Vec<String> {
    archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect()
}

/// The PDF's text with all white space removed, so that an identifier
/// wrapped over two lines of a table cell is found whole.
fn squeezed(pdf: &Path) -> String {
    poppler("pdftotext", &[], pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn has(text: &str, wanted: &str) -> bool {
    let wanted: String = wanted.chars().filter(|c| !c.is_whitespace()).collect();
    text.contains(&wanted)
}

fn pages(pdf: &Path) -> usize {
    poppler("pdfinfo", &[], pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo names the page count")
}

// ---------------------------------------------------------------------------
// The sample's report

#[test]
fn the_sample_report_names_every_account_count_failing_control_and_resource() {
    let s = sealed();
    let text = squeezed(&s.pdf);
    let summary: serde_json::Value =
        serde_json::from_slice(&entry(&s.bundle, "data/assessment/summary.json")).unwrap();
    let findings: serde_json::Value =
        serde_json::from_slice(&entry(&s.bundle, "data/assessment/findings.json")).unwrap();

    let mut missing = Vec::new();
    for account in summary["accounts"].as_array().unwrap() {
        let account = account.as_str().unwrap();
        if !has(&text, account) {
            missing.push(format!("account {account}"));
        }
    }
    for f in summary["frameworks"].as_array().unwrap() {
        for (label, key) in [
            ("Passed", "passed"),
            ("Failed", "failed"),
            ("Incomplete", "incomplete"),
            ("Manual", "manual"),
            ("Not applicable", "not_applicable"),
        ] {
            let count = format!(
                "{} ({} controls)",
                f["name"].as_str().unwrap(),
                f["controls"]
            );
            let line = format!("{label} {}", f[key]);
            if !has(&text, &count) || !has(&text, &line) {
                missing.push(format!("{} {line}", f["framework"]));
            }
        }
    }
    for c in summary["controls"].as_array().unwrap() {
        if c["status"] == "fail" && !has(&text, c["control_id"].as_str().unwrap()) {
            missing.push(format!("failing control {}", c["control_id"]));
        }
    }
    let failing: Vec<&serde_json::Value> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    assert!(failing.len() > 20, "the sample has failing findings");
    for f in failing {
        if !has(&text, f["resource_id"].as_str().unwrap()) {
            missing.push(format!("failing resource {}", f["resource_id"]));
        }
    }
    assert!(missing.is_empty(), "not in the PDF's text: {missing:#?}");
}

#[test]
fn every_page_says_page_x_of_y_and_the_sections_come_in_order() {
    let s = sealed();
    let n = pages(&s.pdf);
    let text = poppler("pdftotext", &[], &s.pdf);
    for page in 1..=n {
        assert!(
            text.contains(&format!("Page {page} of {n}")),
            "page {page} of {n}"
        );
    }
    let order = [
        "Cloud security assessment",
        "Summary",
        "NHS/NCSC Principle 14: secure use of the service",
        "UK Cyber Essentials: Requirements for IT Infrastructure",
        "ISO/IEC 27001:2022 Annex A",
        "Failing findings",
        "AWS Artifact reports and attestations",
        "What could not be assessed",
        "Evidence index",
    ];
    let mut at = 0;
    for heading in order {
        let found = text[at..].find(&format!("{heading}\n"));
        at += found.unwrap_or_else(|| panic!("`{heading}` missing or out of order"));
    }
}

#[test]
fn the_report_embeds_every_font_it_uses() {
    let fonts = poppler("pdffonts", &[], &sealed().pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{fonts}");
    for row in rows {
        // name, type, encoding, then emb sub uni.
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "not embedded: {row}");
    }
}

#[test]
fn the_evidence_index_lists_every_other_payload_file_with_its_digest() {
    let s = sealed();
    let text = squeezed(&s.pdf);
    let manifest = String::from_utf8(entry_tag(&s.bundle, "manifest-sha256.txt")).unwrap();
    for line in manifest.lines() {
        let (digest, path) = line.split_once("  ").unwrap();
        if path == "data/report/summary.pdf" {
            assert!(!has(&text, digest), "the report lists its own digest");
            continue;
        }
        assert!(has(&text, path) && has(&text, digest), "{path} not indexed");
    }
}

fn entry_tag(zip: &Path, name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(File::open(zip).unwrap()).unwrap();
    let full = names(&archive)
        .into_iter()
        .find(|n| n.ends_with(&format!("/{name}")) && n.matches('/').count() == 1)
        .unwrap();
    let mut bytes = Vec::new();
    archive
        .by_name(&full)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

#[test]
fn the_same_bundle_inputs_and_date_give_the_same_pdf_bytes() {
    let s = sealed();
    let again = s.dir.join("again.zip");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    seal(&s.snapshot, &s.key, &again)
        .env_remove("SOURCE_DATE_EPOCH")
        .assert()
        .success();
    let pdf = entry(&again, "data/report/summary.pdf");
    assert!(
        pdf == fs::read(&s.pdf).unwrap(),
        "two reports of the same inputs differ"
    );
    let info = poppler("pdfinfo", &[], &s.pdf);
    assert!(
        info.contains("CreationDate:    Tue Dec  1 00:00:00 2026 UTC"),
        "{info}"
    );
}

// ---------------------------------------------------------------------------
// `auditpack report`

#[test]
fn report_of_a_verified_bundle_shows_its_tag_manifest_digest() {
    let s = sealed();
    let out = s.dir.join("verified.pdf");
    let verify = auditpack()
        .args(["verify", "--json"])
        .arg(&s.bundle)
        .arg("--key")
        .arg(s.key.with_extension("pub"))
        .output()
        .unwrap();
    let verdict: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    let digest = verdict["report"]["tag_manifest_sha256"].as_str().unwrap();
    auditpack()
        .arg("report")
        .arg(&s.bundle)
        .arg("--out")
        .arg(&out)
        .arg("--key")
        .arg(s.key.with_extension("pub"))
        .assert()
        .success();
    let text = squeezed(&out);
    assert!(
        has(&text, digest),
        "the cover lacks the tag-manifest digest"
    );
    assert!(
        has(&text, "data/report/summary.pdf"),
        "the bundle's own report is not indexed"
    );

    // Never over an existing file without --force, and --force only over a PDF.
    auditpack()
        .arg("report")
        .arg(&s.bundle)
        .arg("--out")
        .arg(&out)
        .arg("--key")
        .arg(s.key.with_extension("pub"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    let notes = s.dir.join("notes.txt");
    fs::write(&notes, "mine").unwrap();
    auditpack()
        .arg("report")
        .arg(&s.bundle)
        .arg("--out")
        .arg(&notes)
        .args(["--force", "--key"])
        .arg(s.key.with_extension("pub"))
        .assert()
        .code(2);
    assert_eq!(fs::read_to_string(&notes).unwrap(), "mine");
}

#[test]
fn report_refuses_a_bundle_that_does_not_verify() {
    let s = sealed();
    let out = s.dir.join("refused.pdf");
    // No trusted key named: a bundle never vouches for itself.
    auditpack()
        .arg("report")
        .arg(&s.bundle)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("does not verify"));
    // A changed payload byte.
    let damaged = s.dir.join("damaged.zip");
    let mut bytes = fs::read(&s.bundle).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x55;
    fs::write(&damaged, bytes).unwrap();
    auditpack()
        .arg("report")
        .arg(&damaged)
        .arg("--out")
        .arg(&out)
        .arg("--key")
        .arg(s.key.with_extension("pub"))
        .assert()
        .code(1);
    assert!(
        !out.exists(),
        "a report was written for an unverified bundle"
    );
}

// ---------------------------------------------------------------------------
// Scale and text

/// A security group open to the internet on port 22.
fn open_group(id: &str, name: &str) -> serde_json::Value {
    json!({
        "GroupId": id, "GroupName": name, "VpcId": "vpc-0fedcba9876543210",
        "OwnerId": ACCOUNT, "Description": "test",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}],
        "IpPermissionsEgress": []
    })
}

/// Seals an export of one region holding `groups` and `instances`; the
/// bundle's PDF and the command's standard error.
fn seal_export(groups: Vec<serde_json::Value>, instances: serde_json::Value) -> (PathBuf, String) {
    let export = Export::complete(REGION);
    export.call(
        REGION,
        "ec2/describe-security-groups",
        &json!({ "SecurityGroups": groups }).to_string(),
    );
    export.call(REGION, "ec2/describe-instances", &instances.to_string());
    let dir = tempfile::Builder::new()
        .prefix("report-scale-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
        .keep();
    let snapshot = dir.join("snapshot");
    auditpack()
        .args(["collect", "-q", "--from-exports"])
        .arg(export.root())
        .arg("--out")
        .arg(&snapshot)
        .assert()
        .success();
    let key = dir.join("key");
    auditpack()
        .args(["keygen", "-q", "--out"])
        .arg(&key)
        .assert()
        .success();
    let bundle = dir.join("bundle.zip");
    let output = auditpack()
        .arg("bundle")
        .arg(&snapshot)
        .arg("--key")
        .arg(&key)
        .arg("--out")
        .arg(&bundle)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let pdf = dir.join("summary.pdf");
    fs::write(&pdf, entry(&bundle, "data/report/summary.pdf")).unwrap();
    (pdf, stderr)
}

#[test]
fn five_thousand_failing_findings_run_over_pages_with_the_header_on_each() {
    let groups = (0..5000)
        .map(|i| open_group(&format!("sg-{i:017x}"), &format!("web-{i}")))
        .collect();
    let (pdf, _) = seal_export(groups, json!({ "Reservations": [] }));
    let n = pages(&pdf);
    assert!(n > 100, "{n} pages for 5,000 findings");

    // Every page from the findings section's first to the next section's
    // starts its table with the header.
    let texts: Vec<String> = (1..=n)
        .map(|page| {
            let page = page.to_string();
            poppler("pdftotext", &["-f", &page, "-l", &page], &pdf)
        })
        .collect();
    let first = texts
        .iter()
        .position(|t| t.starts_with("Failing findings\n"))
        .expect("a findings section");
    let next = texts
        .iter()
        .position(|t| t.starts_with("AWS Artifact reports and attestations\n"))
        .expect("the section after it");
    let mut continued = 0;
    for (page, text) in texts.iter().enumerate().take(next).skip(first + 1) {
        // A page may open with the next check's heading; rows never come
        // before a header.
        let header = text.find("Resource\n");
        let row = text.find("\nsg-");
        assert!(
            row.is_none() || header.is_some_and(|h| Some(h) < row),
            "page {} has rows before any header",
            page + 1
        );
        continued += usize::from(text.starts_with("Resource\n"));
    }
    let table_pages = continued;
    assert!(table_pages > 100, "{table_pages} pages of findings");
    let text = squeezed(&pdf);
    for i in [0, 2500, 4999] {
        assert!(has(&text, &format!("sg-{i:017x}")), "sg {i} missing");
    }
}

#[test]
fn accented_and_typographic_names_are_drawn_and_cjk_is_replaced_visibly() {
    let name = "José Müller — “prod”";
    let instances = json!({ "Reservations": [{ "Instances": [{
        "InstanceId": "i-0c1c2c3c4c5c6c7c8", "ImageId": "ami-0123456789abcdef0",
        "State": {"Name": "running"}, "LaunchTime": "2026-11-01T00:00:00+00:00",
        "SecurityGroups": [{"GroupId": "sg-0aaaaaaaaaaaaaaaa", "GroupName": name}],
        "Tags": [{"Key": "Name", "Value": "本番サーバー"}]
    }]}]});
    let (pdf, stderr) = seal_export(vec![open_group("sg-0aaaaaaaaaaaaaaaa", name)], instances);
    let text = poppler("pdftotext", &[], &pdf);
    assert!(text.contains(name), "`{name}` not drawn as it is");
    assert!(
        text.contains("[?][?][?][?][?][?]"),
        "the CJK name is not visibly replaced"
    );
    assert!(
        !text.contains("本番"),
        "CJK drawn with a font that lacks it"
    );
    let squeezed: String = text.split_whitespace().collect();
    assert!(
        squeezed.contains("U+672C"),
        "the report does not say what it could not show"
    );
    assert!(
        stderr.contains("warning:") && stderr.contains("U+672C"),
        "{stderr}"
    );
}
