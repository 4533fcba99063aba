//! The shipped sample account, run the way the README says.

mod common;

use common::{auditpack, log};
use std::path::Path;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/nhs-trust/export");

/// The README's main-job command, as written there.
fn readme_command() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run -- run "))
        .expect("the README shows the main job as `cargo run -- run ...`");
    line.trim_start_matches("cargo run -- ")
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[test]
fn readme_main_job_runs_on_the_sample() {
    let args = readme_command();
    assert!(
        args.iter().any(|a| a == "samples/nhs-trust/export"),
        "{args:?}"
    );
    let out = tempfile::tempdir().unwrap();
    // Same arguments, with the output folder moved into a temporary one.
    let mut args = args;
    let at = args.iter().position(|a| a == "--out").unwrap();
    args[at + 1] = out.path().join("nhs-trust").to_string_lossy().into_owned();
    for _ in 0..2 {
        // Twice: the command must work again over its own earlier output.
        auditpack()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .assert()
            .success();
    }
    assert!(
        out.path()
            .join("nhs-trust/snapshot/snapshot.json")
            .is_file()
    );
}

const MAIN: &str = "210987654321";
const RESEARCH: &str = "480215379604";

#[test]
fn sample_logs_the_denied_call_and_the_services_that_are_off() {
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    auditpack()
        .args(["collect", "--from-exports", SAMPLE, "--out"])
        .arg(&snapshot)
        .assert()
        .success();
    let log = log(&snapshot);

    // The main account: one denied call, Security Hub off in eu-west-1.
    let failed = [
        (
            MAIN,
            "eu-west-1",
            "ssm",
            "describe-instance-information",
            "access-denied",
        ),
        (
            MAIN,
            "eu-west-1",
            "securityhub",
            "describe-hub",
            "not-enabled",
        ),
        (
            MAIN,
            "eu-west-1",
            "securityhub",
            "get-enabled-standards",
            "not-enabled",
        ),
        // The research account: no account-level S3 Block Public Access,
        // no Business support plan for Trusted Advisor.
        (
            RESEARCH,
            "global",
            "s3control",
            "get-public-access-block",
            "not-found",
        ),
        (
            RESEARCH,
            "global",
            "support",
            "describe-trusted-advisor-checks",
            "not-enabled",
        ),
    ];
    for (account, region, service, operation, status) in failed {
        assert_eq!(
            common::entry_of(&log, account, region, service, operation)["status"],
            status,
            "{account} {region} {service} {operation}"
        );
    }
    let others: Vec<_> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] != "*" && e["status"] != "ok")
        .filter(|e| {
            !failed
                .iter()
                .any(|(account, region, service, operation, _)| {
                    e["account_id"] == *account
                        && e["region"] == *region
                        && e["service"] == *service
                        && e["operation"] == *operation
                })
        })
        .collect();
    assert!(
        others.is_empty(),
        "every other call of the sample answers: {others:#?}"
    );
    assert!(
        log["skipped"].as_array().unwrap().is_empty(),
        "the sample holds only calls"
    );

    let info = common::read_json(&snapshot.join("snapshot.json"));
    assert_eq!(info["accounts"][0]["account_id"], MAIN);
    assert_eq!(
        info["accounts"][0]["regions"],
        serde_json::json!(["eu-west-1", "eu-west-2"])
    );
    assert_eq!(info["accounts"][1]["account_id"], RESEARCH);
    assert_eq!(
        info["accounts"][1]["regions"],
        serde_json::json!(["eu-west-2"])
    );
    // Enabled but not exported: 15 regions of the main account, and those
    // 15 and eu-west-1 of the research account.
    for (index, count) in [(0, 15), (1, 16)] {
        let gaps = info["accounts"][index]["regions_not_collected"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["reason"] == "not-exported")
            .count();
        assert_eq!(gaps, count, "account {index}");
    }
    // Every age is measured to the latest credential report: the research
    // account's, generated after the main account's (09:15:02).
    assert_eq!(info["as_of"], "2026-11-30T09:17:40Z");
    for account in [MAIN, RESEARCH] {
        assert!(
            Path::new(SAMPLE)
                .join(format!("{account}/global/iam/get-credential-report.json"))
                .is_file()
        );
    }
}
