//! The shipped sample account, run the way the README says.

mod common;

use common::{auditpack, entry, log};
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

#[test]
fn sample_logs_the_denied_call_and_security_hub_off() {
    let out = tempfile::tempdir().unwrap();
    let snapshot = out.path().join("snap");
    auditpack()
        .args(["collect", "--from-exports", SAMPLE, "--out"])
        .arg(&snapshot)
        .assert()
        .success();
    let log = log(&snapshot);

    assert_eq!(
        entry(&log, "eu-west-1", "ssm", "describe-instance-information")["status"],
        "access-denied"
    );
    assert_eq!(
        entry(&log, "eu-west-1", "securityhub", "describe-hub")["status"],
        "not-enabled"
    );
    assert_eq!(
        entry(&log, "eu-west-1", "securityhub", "get-enabled-standards")["status"],
        "not-enabled"
    );
    let others: Vec<_> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] != "*" && e["status"] != "ok")
        .filter(|e| {
            !(e["region"] == "eu-west-1"
                && (e["service"] == "ssm" || e["service"] == "securityhub"))
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
    assert_eq!(
        info["accounts"][0]["regions"],
        serde_json::json!(["eu-west-1", "eu-west-2"])
    );
    assert_eq!(info["as_of"], "2026-11-30T09:15:02Z");
    assert!(
        Path::new(SAMPLE)
            .join("210987654321/global/iam/get-credential-report.json")
            .is_file()
    );
}
