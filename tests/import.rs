//! `auditpack collect --from-exports`, driven through the real binary.

mod common;

use common::{ACCOUNT, Export, auditpack, entry, log, tree};
use predicates::prelude::*;
use std::fs;

fn collect(export: &Export, out: &std::path::Path) -> assert_cmd::assert::Assert {
    auditpack()
        .args(["collect", "--from-exports"])
        .arg(export.root())
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn complete_export_logs_every_call_ok_and_copies_files_byte_for_byte() {
    let export = Export::complete("eu-west-2");
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot).success();

    let log = log(&snapshot);
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        common::GLOBAL_CALLS.len() + common::REGIONAL_CALLS.len()
    );
    assert!(entries.iter().all(|e| e["status"] == "ok"), "{entries:#?}");
    for file in tree(export.root()) {
        let copied = fs::read(snapshot.join(&file)).unwrap();
        assert_eq!(
            copied,
            fs::read(export.root().join(&file)).unwrap(),
            "{file}"
        );
    }

    let info = common::read_json(&snapshot.join("snapshot.json"));
    assert_eq!(info["accounts"][0]["account_id"], ACCOUNT);
    assert_eq!(
        info["accounts"][0]["regions"],
        serde_json::json!(["eu-west-2"])
    );
    assert_eq!(
        info["as_of"], "2026-11-30T09:15:02Z",
        "as_of comes from the credential report"
    );
    assert_eq!(info["source"], "exports");
}

#[test]
fn access_denied_error_file_is_logged_as_access_denied() {
    let export = Export::complete("eu-west-2");
    fs::remove_file(export.root().join(format!(
        "{ACCOUNT}/eu-west-2/ssm/describe-instance-information.json"
    )))
    .unwrap();
    export.failed(
        "eu-west-2",
        "ssm/describe-instance-information",
        "\nAn error occurred (AccessDeniedException) when calling the DescribeInstanceInformation operation: \
         User: arn:aws:sts::210987654321:assumed-role/Audit/x is not authorized to perform: ssm:DescribeInstanceInformation\n",
    );
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot)
        .success()
        .stdout(predicate::str::contains(
            "ssm describe-instance-information: access-denied",
        ));
    let log = log(&snapshot);
    let ssm = entry(&log, "eu-west-2", "ssm", "describe-instance-information");
    assert_eq!(ssm["status"], "access-denied");
    assert_eq!(ssm["error_code"], "AccessDeniedException");
    assert!(
        snapshot.join(ssm["file"].as_str().unwrap()).is_file(),
        "the error text is kept as evidence"
    );
}

#[test]
fn a_call_absent_from_the_export_is_logged_missing() {
    let export = Export::complete("eu-west-2");
    fs::remove_file(export.root().join(format!(
        "{ACCOUNT}/eu-west-2/ec2/describe-network-acls.json"
    )))
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot).success();
    let log = log(&snapshot);
    assert_eq!(
        entry(&log, "eu-west-2", "ec2", "describe-network-acls")["status"],
        "missing"
    );
}

#[test]
fn an_export_holding_only_its_first_page_is_logged_incomplete() {
    let export = Export::complete("eu-west-2");
    export.call(
        "eu-west-2",
        "ec2/describe-security-groups",
        r#"{"SecurityGroups":[],"NextToken":"eyJ2IjoiMiJ9"}"#,
    );
    export.call(
        "global",
        "iam/list-users",
        r#"{"Users":[],"IsTruncated":true,"Marker":"AAE"}"#,
    );
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot).success();
    let log = log(&snapshot);
    let groups = entry(&log, "eu-west-2", "ec2", "describe-security-groups");
    assert_eq!(groups["status"], "incomplete");
    assert!(groups["detail"].as_str().unwrap().contains("first page"));
    assert_eq!(
        entry(&log, "global", "iam", "list-users")["status"],
        "incomplete"
    );
}

#[test]
fn per_resource_calls_are_expected_for_every_listed_resource() {
    let export = Export::complete("eu-west-2");
    export.call(
        "eu-west-2",
        "guardduty/list-detectors",
        r#"{"DetectorIds":["d1","d2"]}"#,
    );
    export.call(
        "eu-west-2",
        "guardduty/get-detector/d1",
        r#"{"Status":"ENABLED"}"#,
    );
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot).success();
    let log = log(&snapshot);
    let detectors: Vec<_> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == "get-detector")
        .map(|e| {
            (
                e["resource"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        detectors,
        [
            ("d1".to_string(), "ok".to_string()),
            ("d2".to_string(), "missing".to_string())
        ]
    );
}

#[test]
fn regions_the_account_has_but_the_export_lacks_are_named() {
    let export = Export::complete("eu-west-2");
    export.call(
        "global",
        "ec2/describe-regions",
        r#"{"Regions":[{"RegionName":"eu-west-2","OptInStatus":"opt-in-not-required"},
                      {"RegionName":"eu-west-1","OptInStatus":"opt-in-not-required"},
                      {"RegionName":"af-south-1","OptInStatus":"not-opted-in"}]}"#,
    );
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot)
        .success()
        .stdout(predicate::str::contains(
            "not exported (not assessed): eu-west-1",
        ));
    let info = common::read_json(&snapshot.join("snapshot.json"));
    assert_eq!(
        info["accounts"][0]["regions_not_collected"],
        serde_json::json!([{"region":"af-south-1","reason":"opt-in-region"},{"region":"eu-west-1","reason":"not-exported"}])
    );
}

#[test]
fn unknown_files_are_skipped_and_logged_not_copied() {
    let export = Export::complete("eu-west-2");
    export.file("notes.txt", "hello");
    export.call("eu-west-2", "ec2/describe-vpcs", r#"{"Vpcs":[]}"#);
    export.file(
        &format!("{ACCOUNT}/eu-west-2/ec2/describe-instances.json.bak"),
        "{}",
    );
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot)
        .success()
        .stdout(predicate::str::contains("Skipped 3 files"));
    let skipped: Vec<String> = log(&snapshot)["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        skipped,
        [
            format!("{ACCOUNT}/eu-west-2/ec2/describe-instances.json.bak"),
            format!("{ACCOUNT}/eu-west-2/ec2/describe-vpcs.json"),
            "notes.txt".to_string()
        ]
    );
    assert!(!snapshot.join("notes.txt").exists());
}

/// Runs an import expected to fail on bad input: exit 2, one line naming
/// the file, no snapshot and no temporary folder left behind.
fn refused(export: &Export, file_and_reason: &str) {
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(export, &snapshot)
        .code(2)
        .stderr(predicate::str::contains(file_and_reason))
        .stderr(predicate::str::contains("panicked").not());
    assert!(!snapshot.exists(), "no partial snapshot");
    assert_eq!(
        fs::read_dir(out.path()).unwrap().count(),
        0,
        "no temporary folder left behind"
    );
}

#[test]
fn truncated_file_is_refused_with_its_name_and_position() {
    let export = Export::complete("eu-west-2");
    export.call(
        "eu-west-2",
        "ec2/describe-security-groups",
        r#"{"SecurityGroups": [{"GroupId": "sg-1""#,
    );
    refused(
        &export,
        "describe-security-groups.json: line 1, column 38: the file ends too early",
    );
}

#[test]
fn port_written_as_a_string_is_refused_with_the_json_path() {
    let export = Export::complete("eu-west-2");
    export.call(
        "eu-west-2",
        "ec2/describe-security-groups",
        r#"{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":"22","ToPort":22}]}]}"#,
    );
    refused(
        &export,
        "invalid type: string \"22\", expected a whole number (at `SecurityGroups[0].IpPermissions[0].FromPort`)",
    );
}

#[test]
fn empty_file_is_refused() {
    let export = Export::complete("eu-west-2");
    export.call("global", "iam/list-users", "");
    refused(&export, "list-users.json: is empty");
}

#[test]
fn a_folder_where_a_file_belongs_is_refused() {
    let export = Export::complete("eu-west-2");
    fs::create_dir_all(
        export
            .root()
            .join(format!("{ACCOUNT}/global/iam/get-credential-report.json.d")),
    )
    .unwrap();
    let path = export
        .root()
        .join(format!("{ACCOUNT}/eu-west-2/ec2/describe-images.json"));
    fs::remove_file(&path).unwrap();
    fs::create_dir(&path).unwrap();
    refused(&export, "describe-images.json: is a folder");
}

#[test]
fn credential_report_that_does_not_decode_is_refused() {
    let export = Export::complete("eu-west-2");
    export.call(
        "global",
        "iam/get-credential-report",
        r#"{"Content":"not a report!"}"#,
    );
    refused(&export, "`Content` is neither CSV nor base64");
}

#[test]
fn output_and_error_for_the_same_call_is_refused() {
    let export = Export::complete("eu-west-2");
    export.failed(
        "global",
        "iam/list-users",
        "An error occurred (Throttling) when calling the ListUsers operation",
    );
    refused(&export, "answers the same call");
}

#[test]
fn trusted_advisor_result_filed_under_another_check_is_refused() {
    let export = Export::complete("eu-west-2");
    export.call(
        "global",
        "support/describe-trusted-advisor-check-result/HCP4007jGY",
        r#"{"result":{"checkId":"1iG5NDGVre","status":"ok","flaggedResources":[]}}"#,
    );
    refused(
        &export,
        "describe-trusted-advisor-check-result/HCP4007jGY.json: is named after HCP4007jGY, \
         but its checkId is 1iG5NDGVre; rename it 1iG5NDGVre.json",
    );
}

#[test]
fn caller_identity_of_another_account_is_refused() {
    let export = Export::complete("eu-west-2");
    export.call(
        "global",
        "sts/get-caller-identity",
        r#"{"Account":"111111111111","Arn":"arn:aws:iam::111111111111:user/x"}"#,
    );
    refused(
        &export,
        "names account 111111111111, but sits in the folder of account 210987654321",
    );
}

#[test]
fn folder_without_accounts_says_what_an_export_looks_like() {
    let export = Export::new();
    export.file(
        "eu-west-2/ec2/describe-security-groups.json",
        r#"{"SecurityGroups":[]}"#,
    );
    let out = tempfile::tempdir().unwrap();
    collect(&export, &out.path().join("snap"))
        .code(2)
        .stderr(predicate::str::contains("holds no account folder"))
        .stderr(predicate::str::contains(
            "help: an export holds ACCOUNT_ID/REGION/SERVICE/OPERATION.json",
        ));
}

#[test]
fn existing_output_is_not_replaced_without_force() {
    let export = Export::complete("eu-west-2");
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot).success();
    collect(&export, &snapshot)
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    auditpack()
        .args(["collect", "--force", "--from-exports"])
        .arg(export.root())
        .arg("--out")
        .arg(&snapshot)
        .assert()
        .success();
}

#[test]
fn missing_export_folder_exits_2() {
    let out = tempfile::tempdir().unwrap();
    auditpack()
        .args([
            "collect",
            "--from-exports",
            "/nonexistent/auditpack-export",
            "--out",
        ])
        .arg(out.path().join("snap"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a folder"));
}

#[test]
fn two_imports_of_the_same_export_differ_only_in_collection_time() {
    let export = Export::complete("eu-west-2");
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    auditpack()
        .env("SOURCE_DATE_EPOCH", "1796000000")
        .args(["collect", "--from-exports"])
        .arg(export.root())
        .arg("--out")
        .arg(&a)
        .assert()
        .success();
    auditpack()
        .env("SOURCE_DATE_EPOCH", "1796000999")
        .args(["collect", "--from-exports"])
        .arg(export.root())
        .arg("--out")
        .arg(&b)
        .assert()
        .success();
    assert_eq!(tree(&a), tree(&b));
    for file in tree(&a) {
        let (x, y) = (
            fs::read(a.join(&file)).unwrap(),
            fs::read(b.join(&file)).unwrap(),
        );
        if file == "snapshot.json" {
            let (mut x, mut y) = (
                common::read_json(&a.join(&file)),
                common::read_json(&b.join(&file)),
            );
            assert_ne!(x["collected_at"], y["collected_at"]);
            x["collected_at"] = serde_json::Value::Null;
            y["collected_at"] = serde_json::Value::Null;
            assert_eq!(x, y);
        } else {
            assert_eq!(x, y, "{file} differs between two imports");
        }
    }
}

#[test]
fn json_summary_goes_to_stdout_and_parses() {
    let export = Export::complete("eu-west-2");
    let out = tempfile::tempdir().unwrap();
    let assert = auditpack()
        .args(["collect", "--json", "--from-exports"])
        .arg(export.root())
        .arg("--out")
        .arg(out.path().join("snap"))
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(summary["info"]["accounts"][0]["account_id"], ACCOUNT);
    assert!(
        summary["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["service"] == "ec2")
    );
}

#[test]
fn another_calls_output_or_an_empty_object_is_refused_not_read_as_nothing() {
    for (content, reason) in [
        (
            "{}",
            "no `SecurityGroups` member: the file does not hold what this call prints",
        ),
        (
            r#"{"SecurityGroups": null}"#,
            "invalid type: null, expected a JSON array",
        ),
        (r#"{"Reservations": []}"#, "no `SecurityGroups` member"),
        ("[]", "expected a JSON object"),
    ] {
        let export = Export::complete("eu-west-2");
        export.call("eu-west-2", "ec2/describe-security-groups", content);
        refused(&export, reason);
    }
}

#[test]
fn force_replaces_only_auditpacks_own_output_and_never_the_input() {
    let export = Export::complete("eu-west-2");
    let out = tempfile::tempdir().unwrap();
    let precious = out.path().join("precious");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("thesis.docx"), "years of work").unwrap();
    let force = |target: &std::path::Path| {
        auditpack()
            .args(["collect", "--force", "--from-exports"])
            .arg(export.root())
            .arg("--out")
            .arg(target)
            .assert()
    };
    force(&precious)
        .code(2)
        .stderr(predicate::str::contains("not auditpack's output"));
    assert!(precious.join("thesis.docx").is_file(), "nothing deleted");

    force(export.root())
        .code(2)
        .stderr(predicate::str::contains("is the export folder"));
    force(&export.root().join("snap"))
        .code(2)
        .stderr(predicate::str::contains("inside it"));
    assert!(
        export.root().join(ACCOUNT).is_dir(),
        "the export is untouched"
    );
}

#[test]
fn a_utf8_byte_order_mark_is_read_and_utf16_is_refused_with_advice() {
    let export = Export::complete("eu-west-2");
    let path = export
        .root()
        .join(format!("{ACCOUNT}/global/iam/list-users.json"));
    fs::write(
        &path,
        [&[0xEF, 0xBB, 0xBF][..], br#"{"Users":[]}"#].concat(),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    collect(&export, &out.path().join("snap")).success();

    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("{\"Users\":[]}".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    fs::write(&path, utf16).unwrap();
    refused(&export, "list-users.json: is UTF-16 text");
}

/// The bytes of the Artifact report the tests attach.
const REPORT_PDF: &str = "%PDF-1.4 report";

fn with_downloaded_report(export: &Export, recorded_sha256: &str) {
    export.call(
        "global",
        "artifact/get-report/report-abc",
        &format!(
            r#"{{"reportId": "report-abc", "version": 3, "name": "ISO/IEC 27001:2022 Certification",
                "document": "report-abc.pdf", "sha256": "{recorded_sha256}", "bytes": 15,
                "termsAccepted": true}}"#
        ),
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

#[test]
fn a_downloaded_artifact_report_is_kept_beside_its_record() {
    let export = Export::complete("eu-west-2");
    with_downloaded_report(&export, &sha256_hex(REPORT_PDF.as_bytes()));
    export.file(
        &format!("{ACCOUNT}/global/artifact/get-report/report-abc.pdf"),
        REPORT_PDF,
    );
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot).success();

    let copied = fs::read(snapshot.join(format!(
        "{ACCOUNT}/global/artifact/get-report/report-abc.pdf"
    )))
    .unwrap();
    assert_eq!(copied, REPORT_PDF.as_bytes());
    let log = log(&snapshot);
    let entries = log["entries"].as_array().unwrap();
    let downloads: Vec<_> = entries
        .iter()
        .filter(|e| e["operation"] == "get-report")
        .collect();
    assert_eq!(downloads.len(), 1, "one entry, for the record, not the PDF");
    assert_eq!(downloads[0]["status"], "ok");
    assert_eq!(downloads[0]["resource"], "report-abc");
}

#[test]
fn reports_not_downloaded_are_not_missing() {
    let export = Export::complete("eu-west-2");
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot).success();
    let log = log(&snapshot);
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["service"] != "auditmanager" && e["operation"] != "get-report")
    );
}

#[test]
fn a_report_that_is_not_the_one_its_record_describes_is_refused() {
    let export = Export::complete("eu-west-2");
    with_downloaded_report(&export, &sha256_hex(b"the report as downloaded"));
    export.file(
        &format!("{ACCOUNT}/global/artifact/get-report/report-abc.pdf"),
        REPORT_PDF,
    );
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    collect(&export, &snapshot)
        .code(2)
        .stderr(predicate::str::contains("get-report/report-abc.pdf"))
        .stderr(predicate::str::contains("but its record says"));
    assert!(!snapshot.exists());
}

#[test]
fn a_report_record_without_its_report_is_refused() {
    let export = Export::complete("eu-west-2");
    with_downloaded_report(&export, &sha256_hex(REPORT_PDF.as_bytes()));
    let out = tempfile::tempdir().unwrap();
    collect(&export, &out.path().join("snap"))
        .code(2)
        .stderr(predicate::str::contains("get-report/report-abc.json"))
        .stderr(predicate::str::contains(
            "records a document that is not beside it",
        ));
}

/// An export whose credential report was generated at `generated`.
fn dated(generated: &str) -> Export {
    let export = Export::complete("eu-west-2");
    let (_, report) = common::GLOBAL_CALLS
        .iter()
        .find(|(call, _)| *call == "iam/get-credential-report")
        .unwrap();
    export.call(
        "global",
        "iam/get-credential-report",
        &report.replace("2026-11-30T09:15:02+00:00", generated),
    );
    export
}

#[test]
fn evidence_dated_after_the_snapshot_is_written_is_said_so() {
    let export = dated("2027-03-01T09:15:02+00:00");
    let out = tempfile::tempdir().unwrap();
    collect(&export, &out.path().join("snap"))
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: account {ACCOUNT}: its evidence is dated 2027-03-01T09:15:02Z"
        )))
        .stderr(predicate::str::contains("after this snapshot was written"));
}

#[test]
fn evidence_over_a_year_old_is_said_so_and_fresh_evidence_is_not() {
    let export = dated("2025-06-01T09:15:02+00:00");
    let out = tempfile::tempdir().unwrap();
    collect(&export, &out.path().join("old"))
        .success()
        .stderr(predicate::str::contains(
            "days before this snapshot was written",
        ));
    let fresh = Export::complete("eu-west-2");
    collect(&fresh, &out.path().join("fresh"))
        .success()
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn a_region_folder_the_account_does_not_have_is_refused() {
    let export = Export::complete("eu-west-2");
    let regions = export.root().join(format!("{ACCOUNT}/eu-west-2"));
    let typo = export.root().join(format!("{ACCOUNT}/eu-wset-2"));
    fs::rename(&regions, &typo).unwrap();
    let out = tempfile::tempdir().unwrap();
    collect(&export, &out.path().join("snap"))
        .code(2)
        .stderr(predicate::str::contains(format!("{ACCOUNT}/eu-wset-2")))
        .stderr(predicate::str::contains(
            "is not a region this account's `ec2 describe-regions` lists",
        ));
}

#[test]
fn a_folder_that_is_not_an_account_is_said_to_be_left_out() {
    let export = Export::complete("eu-west-2");
    export.file("48021537960/global/sts/get-caller-identity.json", "{}");
    let out = tempfile::tempdir().unwrap();
    collect(&export, &out.path().join("snap"))
        .success()
        .stderr(predicate::str::contains(
            "warning: left out the folder `48021537960` of the export: not a 12-digit AWS account ID",
        ));
}
