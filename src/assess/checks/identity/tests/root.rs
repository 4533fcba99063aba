//! Tests of the root user checks (`root.rs`).

use super::*;

#[test]
fn root_row_with_not_supported_password_is_judged_by_mfa_active() {
    let on = with_report(&[root()]).build();
    let (status, reason) = only(&on, ROOT_MFA);
    assert_eq!(status, Status::Pass);
    assert!(reason.contains("mfa_active true"), "{reason}");
    let off = with_report(&[root().mfa("false")]).build();
    assert_eq!(only(&off, ROOT_MFA).0, Status::Fail);
}

#[test]
fn root_mfa_falls_back_to_the_account_summary_without_a_report() {
    for (mfa, expected) in [(1, Status::Pass), (0, Status::Fail)] {
        let snapshot = SnapshotBuilder::new()
            .failed("global", "iam/get-credential-report", CallStatus::NotFound)
            .call("global", "iam/get-account-summary", &summary(mfa, 0))
            .build();
        let (status, reason) = only(&snapshot, ROOT_MFA);
        assert_eq!(status, expected);
        assert!(
            reason.contains(&format!("AccountMFAEnabled {mfa}")),
            "{reason}"
        );
    }
}

#[test]
fn root_with_a_virtual_device_fails_hardware_mfa() {
    let devices = r#"{"VirtualMFADevices": [
            {"SerialNumber": "arn:aws:iam::111122223333:mfa/ann"},
            {"SerialNumber": "arn:aws:iam::111122223333:mfa/root-account-mfa-device",
             "User": {"UserId": "111122223333", "Arn": "arn:aws:iam::111122223333:root"}}]}"#;
    let snapshot = with_report(&[root()])
        .call("global", "iam/list-virtual-mfa-devices", devices)
        .build();
    let found = findings(&snapshot, ROOT_HARDWARE_MFA);
    assert_eq!(found[0].status, Status::Fail);
    assert!(found[0].reason.contains("root-account-mfa-device"));
    assert_eq!(found[0].evidence[1].pointer, "/VirtualMFADevices/1");
}

#[test]
fn a_root_device_with_its_own_name_is_known_by_its_user_arn() {
    let devices = r#"{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::111122223333:mfa/my-phone",
            "User": {"Arn": "arn:aws:iam::111122223333:root"}}]}"#;
    let snapshot = with_report(&[root()])
        .call("global", "iam/list-virtual-mfa-devices", devices)
        .build();
    assert_eq!(only(&snapshot, ROOT_HARDWARE_MFA).0, Status::Fail);
}

#[test]
fn root_mfa_not_among_the_virtual_devices_is_hardware() {
    let devices = r#"{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::111122223333:mfa/ann",
            "User": {"UserName": "ann", "Arn": "arn:aws:iam::111122223333:user/ann"}}]}"#;
    let snapshot = with_report(&[root()])
        .call("global", "iam/list-virtual-mfa-devices", devices)
        .build();
    assert_eq!(only(&snapshot, ROOT_HARDWARE_MFA).0, Status::Pass);
}

#[test]
fn root_without_mfa_fails_hardware_mfa_without_looking_at_devices() {
    let snapshot = with_report(&[root().mfa("false")]).build();
    let (status, reason) = only(&snapshot, ROOT_HARDWARE_MFA);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("no MFA at all"), "{reason}");
}

#[test]
fn hardware_mfa_is_not_assessed_without_the_whole_device_list() {
    let denied = with_report(&[root()])
        .failed(
            "global",
            "iam/list-virtual-mfa-devices",
            CallStatus::AccessDenied,
        )
        .build();
    assert_eq!(only(&denied, ROOT_HARDWARE_MFA).0, Status::NotAssessed);
    let first_page = r#"{"VirtualMFADevices": [], "IsTruncated": true, "Marker": "x"}"#;
    let partial = with_report(&[root()])
        .partial("global", "iam/list-virtual-mfa-devices", first_page)
        .build();
    assert_eq!(only(&partial, ROOT_HARDWARE_MFA).0, Status::NotAssessed);
}

#[test]
fn a_root_device_on_a_first_page_is_enough_to_fail() {
    let first_page = r#"{"VirtualMFADevices": [{"SerialNumber":
            "arn:aws:iam::111122223333:mfa/root-account-mfa-device"}], "IsTruncated": true}"#;
    let snapshot = with_report(&[root()])
        .partial("global", "iam/list-virtual-mfa-devices", first_page)
        .build();
    assert_eq!(only(&snapshot, ROOT_HARDWARE_MFA).0, Status::Fail);
}

#[test]
fn root_access_keys_pass_when_both_slots_are_off_and_fail_on_either() {
    let none = with_report(&[root()]).build();
    assert_eq!(only(&none, ROOT_ACCESS_KEYS).0, Status::Pass);
    let second = root().key2(["true", DAYS_AGO_200, "N/A"]);
    let (status, reason) = only(&with_report(&[second]).build(), ROOT_ACCESS_KEYS);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("access_key_2_active true"), "{reason}");
}

#[test]
fn root_access_keys_fall_back_to_the_account_summary() {
    let snapshot = SnapshotBuilder::new()
        .failed(
            "global",
            "iam/get-credential-report",
            CallStatus::AccessDenied,
        )
        .call("global", "iam/get-account-summary", &summary(1, 1))
        .build();
    let (status, reason) = only(&snapshot, ROOT_ACCESS_KEYS);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("AccountAccessKeysPresent 1"), "{reason}");
}

#[test]
fn root_signed_in_12_days_before_the_snapshot_fails() {
    let snapshot = with_report(&[root().password_used(DAYS_AGO_12)]).build();
    let (status, reason) = only(&snapshot, ROOT_RECENT_USE);
    assert_eq!(status, Status::Fail);
    assert_eq!(
        reason,
        "root signed in 12 days before the snapshot (2026-11-18)"
    );
}

#[test]
fn a_recent_root_access_key_use_fails_though_the_password_is_old() {
    let row = root()
        .password_used(DAYS_AGO_200)
        .key1(["true", DAYS_AGO_200, DAYS_AGO_60]);
    let (status, reason) = only(&with_report(&[row]).build(), ROOT_RECENT_USE);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("used access key 1 60 days"), "{reason}");
}

#[test]
fn root_used_200_days_ago_or_never_passes_recent_use() {
    let old = with_report(&[root().password_used(DAYS_AGO_200)]).build();
    let (status, reason) = only(&old, ROOT_RECENT_USE);
    assert_eq!(status, Status::Pass);
    assert!(reason.contains("200 days"), "{reason}");
    let never = with_report(&[root()]).build();
    assert_eq!(only(&never, ROOT_RECENT_USE).0, Status::Pass);
}

#[test]
fn a_root_use_date_that_is_not_a_date_is_not_assessed_never_a_crash() {
    let row = root().password_used("sometime");
    let (status, reason) = only(&with_report(&[row]).build(), ROOT_RECENT_USE);
    assert_eq!(status, Status::NotAssessed);
    assert!(reason.contains("`sometime`"), "{reason}");
}

#[test]
fn a_root_sign_in_after_the_credential_report_was_made_is_not_assessed() {
    let row = root().password_used("2027-01-05T10:00:00+00:00");
    let (status, reason) = only(&with_report(&[row]).build(), ROOT_RECENT_USE);
    assert_eq!(status, Status::NotAssessed);
    assert!(
        reason.contains("password_last_used 2027-01-05T10:00:00Z is after the evidence's own time"),
        "{reason}"
    );
}
