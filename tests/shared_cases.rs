//! The real AWS exports in `../shared/cases/public-exports/` (taken from
//! public projects' test data and AWS documentation): each must import when
//! placed in an export under its operation's name, and the one that is not
//! valid JSON must be refused with its position. Skipped, and said so, when
//! the shared folder is not beside the repository.

#![allow(clippy::print_stderr)]

mod common;

use common::{ACCOUNT, Export, auditpack, log};
use predicates::prelude::*;

/// Where each case file goes in an export: scope, then the call's path.
fn place(case: &str) -> Option<(&'static str, &'static str)> {
    let regional = "us-east-1";
    Some(match case {
        "config-recorder-status-stopped.json" => (
            regional,
            "configservice/describe-configuration-recorder-status",
        ),
        "credential-report-cloudmapper-rawcsv.json" | "credential-report-custodian-b64.json" => {
            ("global", "iam/get-credential-report")
        }
        "guardduty-list-detectors-empty.json" => (regional, "guardduty/list-detectors"),
        "images-custodian-mixed-owners.json" => (regional, "ec2/describe-images"),
        "instances-awscli-docs-imdsv1.json" => (regional, "ec2/describe-instances"),
        "password-policy-weak-custodian.json" => ("global", "iam/get-account-password-policy"),
        "ssm-instance-info-hybrid.json" => (regional, "ssm/describe-instance-information"),
        "ta-awscli-docs-no-metadata.json" => (
            "global",
            "support/describe-trusted-advisor-check-result/zXCkfM1nI3",
        ),
        "ta-ebs-snapshots-error.json" => (
            "global",
            "support/describe-trusted-advisor-check-result/H7IgTzjTYb",
        ),
        sg if sg.starts_with("sg-") => (regional, "ec2/describe-security-groups"),
        _ => return None,
    })
}

/// Files that are not valid JSON, with the position of the fault.
const INVALID: &[(&str, &str)] = &[(
    "sg-awscli-docs-trailing-comma.json",
    "line 53, column 9: not valid JSON: trailing comma",
)];

fn cases() -> Option<Vec<std::path::PathBuf>> {
    let Some(shared) = common::shared_dir() else {
        eprintln!(
            "skipped: ../shared/cases is not beside the repository (set AUDITPACK_SHARED to its folder)"
        );
        return None;
    };
    let mut files: Vec<_> = std::fs::read_dir(shared.join("cases/public-exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files found");
    Some(files)
}

#[test]
fn every_public_export_imports_under_its_operation_name() {
    let Some(files) = cases() else { return };
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let (scope, call) =
            place(name).unwrap_or_else(|| panic!("{name}: add it to the table in this test"));
        let export = Export::complete("us-east-1");
        export.file(
            &format!("{ACCOUNT}/{scope}/{call}.json"),
            &std::fs::read_to_string(&file).unwrap(),
        );
        let out = tempfile::tempdir().unwrap();
        let snapshot = out.path().join("snap");
        let run = auditpack()
            .args(["collect", "--from-exports"])
            .arg(export.root())
            .arg("--out")
            .arg(&snapshot)
            .assert();

        if let Some((_, position)) = INVALID.iter().find(|(invalid, _)| *invalid == name) {
            run.code(2)
                .stderr(predicate::str::contains(format!("{call}.json: {position}")))
                .stderr(predicate::str::contains("panicked").not());
            assert!(!snapshot.exists(), "{name}: no partial snapshot");
            assert_eq!(
                std::fs::read_dir(out.path()).unwrap().count(),
                0,
                "{name}: temporary folder left behind"
            );
            continue;
        }

        run.success();
        let log = log(&snapshot);
        let relative = format!("{ACCOUNT}/{scope}/{call}.json");
        let found = log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"] == relative.as_str())
            .unwrap_or_else(|| panic!("{name}: no log entry for {relative}"));
        assert_eq!(found["status"], "ok", "{name}: {found:#}");
        assert_eq!(
            std::fs::read(snapshot.join(found["file"].as_str().unwrap())).unwrap(),
            std::fs::read(&file).unwrap(),
            "{name}: copied byte for byte"
        );
    }
}

#[test]
fn all_invalid_cases_exist() {
    let Some(files) = cases() else { return };
    for (name, _) in INVALID {
        assert!(
            files.iter().any(|f| f.ends_with(name)),
            "{name} is gone from the cases"
        );
    }
}
