//! Reading the credential report itself: missing, still being generated,
//! base64 or raw CSV, odd booleans and a missing final newline.

use super::*;

#[test]
fn a_missing_report_leaves_every_report_check_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .failed("global", "iam/get-credential-report", CallStatus::NotFound)
        .call("global", "iam/get-account-password-policy", &policy(10))
        .build();
    for check in [
        ROOT_MFA,
        ROOT_HARDWARE_MFA,
        ROOT_ACCESS_KEYS,
        ROOT_RECENT_USE,
        CONSOLE_MFA,
        UNUSED_CREDENTIALS_45,
        UNUSED_CREDENTIALS_90,
        PASSWORD_POLICY_CE,
        FEDERATION,
    ] {
        let (status, reason) = only(&snapshot, check);
        assert_eq!(status, Status::NotAssessed, "{check}");
        assert!(
            reason.contains("no current report had been generated"),
            "{check}: {reason}"
        );
    }
}

#[test]
fn a_report_still_being_generated_is_not_assessed_never_passed() {
    // GetCredentialReport answers 404 ReportInProgress while IAM builds it.
    let snapshot = SnapshotBuilder::new()
        .failed("global", "iam/get-credential-report", CallStatus::Error)
        .build();
    for check in [
        ROOT_RECENT_USE,
        CONSOLE_MFA,
        UNUSED_CREDENTIALS_90,
        FEDERATION,
    ] {
        let (status, reason) = only(&snapshot, check);
        assert_eq!(status, Status::NotAssessed, "{check}");
        assert!(
            reason.starts_with("credential report unavailable"),
            "{reason}"
        );
    }
}

#[test]
fn base64_and_raw_csv_reports_give_the_same_findings() {
    use base64::Engine;
    let rows = [root(), console("ann"), console("bob").mfa("false")];
    let raw = report_json(&rows);
    let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let csv = value["Content"].as_str().unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(csv);
    let b64 = serde_json::json!({ "Content": encoded }).to_string();
    let raw = SnapshotBuilder::new().call("global", "iam/get-credential-report", &raw);
    let b64 = SnapshotBuilder::new().call("global", "iam/get-credential-report", &b64);
    let (raw, b64) = (raw.build(), b64.build());
    for check in [ROOT_MFA, CONSOLE_MFA, UNUSED_CREDENTIALS_45, FEDERATION] {
        assert_eq!(run(&raw, check), run(&b64, check), "{check}");
    }
    assert_eq!(run(&b64, CONSOLE_MFA)[1].0, Status::Fail);
}

#[test]
fn upper_case_booleans_are_read_like_lower_case() {
    let snapshot = with_report(&[
        root().mfa("TRUE"),
        console("ann").password("TRUE").mfa("FALSE"),
    ])
    .build();
    assert_eq!(only(&snapshot, ROOT_MFA).0, Status::Pass);
    assert_eq!(only(&snapshot, CONSOLE_MFA).0, Status::Fail);
}

#[test]
fn a_report_without_a_trailing_newline_is_read_to_its_last_row() {
    let json = report_json(&[root(), console("last").mfa("false")]);
    assert!(!json.contains("\\n\""));
    let snapshot = SnapshotBuilder::new()
        .call("global", "iam/get-credential-report", &json)
        .build();
    let (status, reason) = only(&snapshot, CONSOLE_MFA);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("last"), "{reason}");
}
