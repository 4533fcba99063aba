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

fn sample(check: &str) -> Vec<(String, String, String)> {
    outcomes(&testing::sample_findings(check))
}

/// `(status, resource)` pairs as global rows, sorted as `outcomes` sorts them.
fn expect(list: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let list: Vec<_> = list.iter().map(|&(s, id)| (s, "global", id)).collect();
    testing::rows(&list)
}

const SAMPLE_ACCOUNT: &str = "210987654321";

#[test]
fn sample_root_checks() {
    assert_eq!(sample(ROOT_MFA), expect(&[("pass", ROOT_USER)]));
    assert_eq!(sample(ROOT_HARDWARE_MFA), expect(&[("fail", ROOT_USER)]));
    assert_eq!(sample(ROOT_ACCESS_KEYS), expect(&[("pass", ROOT_USER)]));
    assert_eq!(sample(ROOT_RECENT_USE), expect(&[("pass", ROOT_USER)]));
}

#[test]
fn sample_console_mfa() {
    assert_eq!(
        sample(CONSOLE_MFA),
        expect(&[
            ("pass", "j.okafor"),
            ("fail", "r.patel"),
            ("pass", "m.hughes"),
            ("pass", "a.nowak"),
        ])
    );
}

#[test]
fn sample_unused_credentials() {
    let mut expected = vec![
        ("pass", "j.okafor"),
        ("pass", "r.patel"),
        ("fail", "m.hughes"),
        ("pass", "a.nowak"),
        ("fail", "svc-backup-sync"),
        ("pass", "svc-ci-artifacts"),
    ];
    assert_eq!(sample(UNUSED_CREDENTIALS_45), expect(&expected));
    expected[2] = ("pass", "m.hughes");
    assert_eq!(sample(UNUSED_CREDENTIALS_90), expect(&expected));
}

#[test]
fn sample_password_policy() {
    assert_eq!(
        sample(PASSWORD_POLICY_CE),
        expect(&[("fail", SAMPLE_ACCOUNT)])
    );
    assert_eq!(
        sample(PASSWORD_POLICY_CIS),
        expect(&[("fail", SAMPLE_ACCOUNT)])
    );
}

#[test]
fn sample_federation() {
    assert_eq!(
        sample(FEDERATION),
        expect(&[
            ("fail", "j.okafor"),
            ("fail", "r.patel"),
            ("fail", "m.hughes"),
            ("fail", "a.nowak"),
        ])
    );
}
