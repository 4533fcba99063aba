//! Tests of the password policy checks (`password.rs`).

use super::*;

fn with_policy(length: u32, rows: &[Row]) -> Snapshot {
    with_report(rows)
        .call("global", "iam/get-account-password-policy", &policy(length))
        .build()
}

#[test]
fn ce_passes_a_12_character_policy_whatever_the_users() {
    let snapshot = with_policy(12, &[console("ann").mfa("false")]);
    assert_eq!(only(&snapshot, PASSWORD_POLICY_CE).0, Status::Pass);
}

#[test]
fn ce_passes_a_shorter_policy_when_every_console_user_has_mfa() {
    let snapshot = with_policy(10, &[root(), console("ann"), workload("svc")]);
    let (status, reason) = only(&snapshot, PASSWORD_POLICY_CE);
    assert_eq!(status, Status::Pass);
    assert!(reason.contains("the only console user has MFA"), "{reason}");
}

#[test]
fn ce_fails_a_shorter_policy_naming_the_users_without_mfa() {
    let rows = [console("ann"), console("r.patel").mfa("false")];
    let (status, reason) = only(&with_policy(10, &rows), PASSWORD_POLICY_CE);
    assert_eq!(status, Status::Fail);
    assert!(
        reason.starts_with("minimum password length 10, below 12"),
        "{reason}"
    );
    assert!(
        reason.ends_with("console users without MFA: r.patel"),
        "{reason}"
    );
}

#[test]
fn ce_fails_below_8_even_with_mfa_everywhere() {
    let (status, _) = only(&with_policy(6, &[console("ann")]), PASSWORD_POLICY_CE);
    assert_eq!(status, Status::Fail);
}

#[test]
fn no_policy_is_the_default_8_for_ce_and_a_failure_for_cis() {
    let snapshot = with_report(&[console("ann")])
        .failed(
            "global",
            "iam/get-account-password-policy",
            CallStatus::NotFound,
        )
        .build();
    let (status, reason) = only(&snapshot, PASSWORD_POLICY_CE);
    assert_eq!(status, Status::Pass);
    assert!(
        reason.starts_with("no password policy is set, so IAM's default"),
        "{reason}"
    );
    let (status, reason) = only(&snapshot, PASSWORD_POLICY_CIS);
    assert_eq!(status, Status::Fail);
    assert!(reason.starts_with("no password policy is set"), "{reason}");
}

#[test]
fn a_short_policy_without_a_report_is_not_assessed_for_ce() {
    let snapshot = SnapshotBuilder::new()
        .failed("global", "iam/get-credential-report", CallStatus::NotFound)
        .call("global", "iam/get-account-password-policy", &policy(10))
        .build();
    let (status, reason) = only(&snapshot, PASSWORD_POLICY_CE);
    assert_eq!(status, Status::NotAssessed);
    assert!(
        reason.contains("whether every console user has MFA"),
        "{reason}"
    );
}

#[test]
fn a_denied_policy_call_is_not_assessed_never_passed() {
    let snapshot = with_report(&[console("ann")])
        .failed(
            "global",
            "iam/get-account-password-policy",
            CallStatus::AccessDenied,
        )
        .build();
    assert_eq!(only(&snapshot, PASSWORD_POLICY_CE).0, Status::NotAssessed);
    assert_eq!(only(&snapshot, PASSWORD_POLICY_CIS).0, Status::NotAssessed);
}

#[test]
fn cis_asks_for_14_characters() {
    assert_eq!(
        only(&with_policy(14, &[]), PASSWORD_POLICY_CIS).0,
        Status::Pass
    );
    let (status, reason) = only(&with_policy(12, &[]), PASSWORD_POLICY_CIS);
    assert_eq!(status, Status::Fail);
    assert_eq!(reason, "minimum password length 12, below 14");
}

#[test]
fn a_policy_without_a_minimum_length_is_read_as_the_api_default_of_6() {
    let snapshot = with_report(&[console("ann")])
        .call(
            "global",
            "iam/get-account-password-policy",
            r#"{"PasswordPolicy": {}}"#,
        )
        .build();
    let (status, reason) = only(&snapshot, PASSWORD_POLICY_CIS);
    assert_eq!(status, Status::Fail);
    assert!(
        reason.contains("sets no minimum length, so 6 applies"),
        "{reason}"
    );
    assert_eq!(only(&snapshot, PASSWORD_POLICY_CE).0, Status::Fail);
}
