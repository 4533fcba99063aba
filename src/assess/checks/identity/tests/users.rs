//! Tests of the IAM user checks (`users.rs`): console MFA, federation and
//! unused credentials.

use super::*;

// --- console users -------------------------------------------------------

#[test]
fn console_users_are_judged_by_mfa_and_workloads_are_left_out() {
    let snapshot = with_report(&[
        root(),
        console("ann"),
        console("r.patel").mfa("false"),
        workload("svc-sync"),
    ])
    .build();
    let found = run(&snapshot, CONSOLE_MFA);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (Status::Pass, "ann"));
    assert_eq!((found[1].0, found[1].1.as_str()), (Status::Fail, "r.patel"));
    assert_eq!(
        found[1].2,
        "console user r.patel has a password but no MFA device"
    );
}

#[test]
fn an_account_without_console_users_gets_one_not_applicable_finding() {
    let snapshot = with_report(&[root(), workload("svc-sync")]).build();
    let found = findings(&snapshot, CONSOLE_MFA);
    assert_eq!(
        outcomes(&found),
        testing::rows(&[("not-applicable", "global", ACCOUNT)])
    );
}

#[test]
fn a_user_on_two_rows_gets_one_finding_failing_if_either_row_fails() {
    let snapshot = with_report(&[console("chris.dup"), console("chris.dup").mfa("false")]).build();
    let (status, reason) = only(&snapshot, CONSOLE_MFA);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("on 2 rows"), "{reason}");
}

#[test]
fn federation_fails_each_console_user_and_passes_an_account_without_them() {
    let snapshot = with_report(&[root(), console("r.patel"), workload("svc-sync")]).build();
    let (status, reason) = only(&snapshot, FEDERATION);
    assert_eq!(status, Status::Fail);
    assert_eq!(
        reason,
        "r.patel signs in as an IAM user; use IAM Identity Center or your identity provider"
    );
    let keys_only = with_report(&[root(), workload("svc-sync")]).build();
    assert_eq!(
        only(&keys_only, FEDERATION),
        (Status::Pass, "no IAM user signs in with a password".into())
    );
}

// --- unused credentials --------------------------------------------------

#[test]
fn a_password_last_used_60_days_ago_fails_45_and_passes_90() {
    let snapshot = with_report(&[console("m.h").password_used(DAYS_AGO_60)]).build();
    let (status, reason) = only(&snapshot, UNUSED_CREDENTIALS_45);
    assert_eq!(status, Status::Fail);
    assert!(
        reason.contains("console password last used 60 days"),
        "{reason}"
    );
    assert_eq!(only(&snapshot, UNUSED_CREDENTIALS_90).0, Status::Pass);
}

#[test]
fn a_key_used_120_days_ago_fails_both_and_root_is_left_out() {
    let stale = workload("svc").key1(["true", DAYS_AGO_200, DAYS_AGO_120]);
    let root_with_old_key = root().key1(["true", DAYS_AGO_200, DAYS_AGO_200]);
    let snapshot = with_report(&[root_with_old_key, stale]).build();
    for check in [UNUSED_CREDENTIALS_45, UNUSED_CREDENTIALS_90] {
        let (status, reason) = only(&snapshot, check);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.contains("access key 1 last used 120 days"),
            "{reason}"
        );
    }
}

#[test]
fn never_used_credentials_count_from_when_they_were_set() {
    let snapshot = with_report(&[
        console("pw")
            .password_used("no_information")
            .password_set(DAYS_AGO_60),
        workload("key").key1(["true", DAYS_AGO_120, "N/A"]),
        console("new")
            .password_used("no_information")
            .password_set(DAYS_AGO_12),
    ])
    .build();
    let found = run(&snapshot, UNUSED_CREDENTIALS_45);
    assert_eq!((found[0].0, found[0].1.as_str()), (Status::Pass, "new"));
    assert_eq!((found[1].0, found[1].1.as_str()), (Status::Fail, "key"));
    assert!(
        found[1].2.contains("access key 1 never used, set 120 days"),
        "{}",
        found[1].2
    );
    assert_eq!((found[2].0, found[2].1.as_str()), (Status::Fail, "pw"));
}

#[test]
fn a_user_without_enabled_credentials_passes_and_45_days_exactly_is_not_more() {
    let disabled = workload("old").key1(["false", DAYS_AGO_200, DAYS_AGO_200]);
    let boundary = console("edge").password_used("2026-10-16T09:15:02+00:00");
    let snapshot = with_report(&[disabled, boundary]).build();
    let found = run(&snapshot, UNUSED_CREDENTIALS_45);
    assert_eq!(found[0].0, Status::Pass);
    assert!(found[0].2.contains("45 days before"), "{}", found[0].2);
    assert_eq!(found[1].2, "old has no enabled password or access key");
}

#[test]
fn a_last_use_that_is_not_a_date_is_not_assessed() {
    let odd = console("odd").password_used("not_supported");
    let (status, reason) = only(&with_report(&[odd]).build(), UNUSED_CREDENTIALS_90);
    assert_eq!(status, Status::NotAssessed);
    assert!(reason.contains("`not_supported` is not a date"), "{reason}");
}

#[test]
fn a_credential_set_after_the_credential_report_was_made_is_not_assessed() {
    // The report is generated 2026-11-30; a key set a month later cannot
    // be in it: the evidence mixes two moments, and no age is trusted.
    let later = workload("svc").key1(["true", "2026-12-30T09:00:00+00:00", "N/A"]);
    let (status, reason) = only(&with_report(&[later]).build(), UNUSED_CREDENTIALS_45);
    assert_eq!(status, Status::NotAssessed);
    assert!(
        reason.contains("access key 1, set 2026-12-30T09:00:00Z is after the evidence's own time"),
        "{reason}"
    );
}
