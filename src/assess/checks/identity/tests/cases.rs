//! Every identity check on whole inputs: real exports from public projects
//! (skipped when `../shared/cases` is not beside the repository) and the
//! shipped sample.

use super::*;

// --- real exports from public projects ----------------------------------

/// A case file from `../shared/cases/public-exports`, if it is there.
fn public_export(name: &str) -> Option<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/cases/public-exports/"
    );
    std::fs::read_to_string(format!("{dir}{name}")).ok()
}

#[test]
#[allow(clippy::print_stderr)]
fn custodian_base64_report_root_mfa_and_console_users_without_mfa() {
    let Some(json) = public_export("credential-report-custodian-b64.json") else {
        eprintln!("skipped: credential-report-custodian-b64.json is not beside the repository");
        return;
    };
    let snapshot = SnapshotBuilder::new()
        .call("global", "iam/get-credential-report", &json)
        .build();
    assert_eq!(only(&snapshot, ROOT_MFA).0, Status::Pass);
    let failing: Vec<String> = findings(&snapshot, CONSOLE_MFA)
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.resource_id)
        .collect();
    let expected = [
        "alan",
        "chris.dup",
        "jules",
        "Morgan",
        "kim",
        "kai",
        "sam",
        "stef",
    ];
    assert_eq!(failing, expected);
}

#[test]
#[allow(clippy::print_stderr)]
fn cloudmapper_raw_csv_report_root_mfa_passes_and_its_access_key_fails() {
    let Some(json) = public_export("credential-report-cloudmapper-rawcsv.json") else {
        eprintln!(
            "skipped: credential-report-cloudmapper-rawcsv.json is not beside the repository"
        );
        return;
    };
    let snapshot = SnapshotBuilder::new()
        .call("global", "iam/get-credential-report", &json)
        .build();
    assert_eq!(only(&snapshot, ROOT_MFA).0, Status::Pass);
    let (status, reason) = only(&snapshot, ROOT_ACCESS_KEYS);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("access_key_1_active true"), "{reason}");
}

#[test]
#[allow(clippy::print_stderr)]
fn custodian_weak_policy_of_10_fails_ce_unless_every_console_user_has_mfa() {
    let Some(policy) = public_export("password-policy-weak-custodian.json") else {
        eprintln!("skipped: password-policy-weak-custodian.json is not beside the repository");
        return;
    };
    let snapshot = |rows: &[Row]| {
        with_report(rows)
            .call("global", "iam/get-account-password-policy", &policy)
            .build()
    };
    let without = snapshot(&[console("ann").mfa("false")]);
    assert_eq!(only(&without, PASSWORD_POLICY_CE).0, Status::Fail);
    assert_eq!(
        only(&snapshot(&[console("ann")]), PASSWORD_POLICY_CE).0,
        Status::Pass
    );
    assert_eq!(only(&without, PASSWORD_POLICY_CIS).0, Status::Fail);
}

// --- the shipped sample --------------------------------------------------

use testing::{SAMPLE_MAIN as MAIN, SAMPLE_RESEARCH as RESEARCH, SampleRow};

fn sample(check: &str) -> Vec<SampleRow> {
    testing::sample_outcomes(check)
}

/// `(status, account, resource)` triples as global rows, sorted as
/// `sample_outcomes` sorts them.
fn expect(list: &[(&str, &str, &str)]) -> Vec<SampleRow> {
    let list: Vec<_> = list
        .iter()
        .map(|&(s, account, id)| (s, account, "global", id))
        .collect();
    testing::sample_rows(&list)
}

#[test]
fn sample_root_checks() {
    // The main account's root has a virtual MFA device and no keys; the
    // research account's has no MFA and an access key used 3 days before.
    assert_eq!(
        sample(ROOT_MFA),
        expect(&[("pass", MAIN, ROOT_USER), ("fail", RESEARCH, ROOT_USER)])
    );
    assert_eq!(
        sample(ROOT_HARDWARE_MFA),
        expect(&[("fail", MAIN, ROOT_USER), ("fail", RESEARCH, ROOT_USER)])
    );
    assert_eq!(
        sample(ROOT_ACCESS_KEYS),
        expect(&[("pass", MAIN, ROOT_USER), ("fail", RESEARCH, ROOT_USER)])
    );
    assert_eq!(
        sample(ROOT_RECENT_USE),
        expect(&[("pass", MAIN, ROOT_USER), ("fail", RESEARCH, ROOT_USER)])
    );
    let recent = testing::sample_findings(ROOT_RECENT_USE)
        .into_iter()
        .find(|f| f.account_id == RESEARCH)
        .unwrap();
    assert_eq!(
        recent.reason,
        "root used access key 1 3 days before the snapshot (2026-11-27)"
    );
}

#[test]
fn sample_console_mfa() {
    assert_eq!(
        sample(CONSOLE_MFA),
        expect(&[
            ("pass", MAIN, "j.okafor"),
            ("fail", MAIN, "r.patel"),
            ("pass", MAIN, "m.hughes"),
            ("pass", MAIN, "a.nowak"),
            ("not-applicable", RESEARCH, RESEARCH),
        ])
    );
}

#[test]
fn sample_unused_credentials() {
    let mut expected = vec![
        ("pass", MAIN, "j.okafor"),
        ("pass", MAIN, "r.patel"),
        ("fail", MAIN, "m.hughes"),
        ("pass", MAIN, "a.nowak"),
        ("fail", MAIN, "svc-backup-sync"),
        ("pass", MAIN, "svc-ci-artifacts"),
        ("pass", RESEARCH, "svc-research-ingest"),
    ];
    assert_eq!(sample(UNUSED_CREDENTIALS_45), expect(&expected));
    expected[2] = ("pass", MAIN, "m.hughes");
    assert_eq!(sample(UNUSED_CREDENTIALS_90), expect(&expected));
}

#[test]
fn sample_password_policy() {
    // Minimum length 8 in the main account, 14 in the research account.
    let expected = expect(&[("fail", MAIN, MAIN), ("pass", RESEARCH, RESEARCH)]);
    assert_eq!(sample(PASSWORD_POLICY_CE), expected);
    assert_eq!(sample(PASSWORD_POLICY_CIS), expected);
}

#[test]
fn sample_federation() {
    assert_eq!(
        sample(FEDERATION),
        expect(&[
            ("fail", MAIN, "j.okafor"),
            ("fail", MAIN, "r.patel"),
            ("fail", MAIN, "m.hughes"),
            ("fail", MAIN, "a.nowak"),
            ("pass", RESEARCH, RESEARCH),
        ])
    );
}
