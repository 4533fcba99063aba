//! Tests of GuardDuty, Security Hub and Inspector (`detection.rs`).

use super::*;
use crate::snapshot::GLOBAL;

// --- GuardDuty ------------------------------------------------------

const DETECTOR: &str = "5e3ccc58a7e81631ce896c3bceb91116";

fn with_detector(status: &str) -> Snapshot {
    SnapshotBuilder::new()
        .call(
            R,
            "guardduty/list-detectors",
            &format!(r#"{{"DetectorIds": ["{DETECTOR}"]}}"#),
        )
        .call(
            R,
            &format!("guardduty/get-detector/{DETECTOR}"),
            &format!(
                r#"{{"Status": "{status}", "Features": [
                        {{"Name": "CLOUD_TRAIL", "Status": "ENABLED"}},
                        {{"Name": "EBS_MALWARE_PROTECTION", "Status": "DISABLED"}}]}}"#
            ),
        )
        .build()
}

#[test]
fn empty_detector_list_is_guardduty_off_not_a_parse_error() {
    let snapshot = SnapshotBuilder::new()
        .call(
            "eu-west-1",
            "guardduty/list-detectors",
            r#"{"DetectorIds": []}"#,
        )
        .build();
    let found = findings(&snapshot, GUARDDUTY);
    assert_eq!(outcomes(&found), rows(&[("fail", "eu-west-1", ACCOUNT)]));
    assert_eq!(
        found[0].reason,
        "GuardDuty is off in eu-west-1: no detector"
    );
    assert_eq!(found[0].evidence[0].pointer, "/DetectorIds");
}

#[test]
fn without_the_account_s_region_list_guardduty_cannot_pass_for_every_region() {
    let snapshot = SnapshotBuilder::new()
        .call(
            R,
            "guardduty/list-detectors",
            &format!(r#"{{"DetectorIds": ["{DETECTOR}"]}}"#),
        )
        .call(
            R,
            &format!("guardduty/get-detector/{DETECTOR}"),
            r#"{"Status": "ENABLED"}"#,
        )
        .failed(GLOBAL, "ec2/describe-regions", CallStatus::AccessDenied)
        .build();
    let found = findings(&snapshot, GUARDDUTY);
    assert_eq!(
        outcomes(&found),
        rows(&[
            ("pass", R, DETECTOR),
            ("not-assessed", GLOBAL, "every region")
        ])
    );
    assert!(
        found[1]
            .reason
            .contains("the account's enabled regions are unknown")
            && found[1].reason.contains("was denied"),
        "{}",
        found[1].reason
    );
}

#[test]
fn case_guardduty_list_detectors_empty_fails() {
    let Some(json) = public_export("guardduty-list-detectors-empty.json") else {
        return;
    };
    let snapshot = SnapshotBuilder::new()
        .call(R, "guardduty/list-detectors", &json)
        .build();
    assert_eq!(only(&snapshot, GUARDDUTY).0, Status::Fail);
}

#[test]
fn enabled_detector_passes_and_names_the_plans_that_are_off() {
    let found = findings(&with_detector("ENABLED"), GUARDDUTY);
    assert_eq!(outcomes(&found), rows(&[("pass", R, DETECTOR)]));
    assert!(
        found[0]
            .reason
            .ends_with("protection plans off: EBS_MALWARE_PROTECTION"),
        "{}",
        found[0].reason
    );
}

#[test]
fn suspended_detector_fails() {
    let (status, reason) = only(&with_detector("DISABLED"), GUARDDUTY);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("suspended (Status DISABLED)"), "{reason}");
}

#[test]
fn detector_without_its_get_detector_answer_is_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .call(R, "guardduty/list-detectors", r#"{"DetectorIds": ["abc"]}"#)
        .failed(R, "guardduty/get-detector/abc", CallStatus::Missing)
        .build();
    assert_eq!(only(&snapshot, GUARDDUTY).0, Status::NotAssessed);
}

#[test]
fn empty_first_page_of_detectors_is_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .partial(
            R,
            "guardduty/list-detectors",
            r#"{"DetectorIds": [], "NextToken": "x"}"#,
        )
        .build();
    assert_eq!(only(&snapshot, GUARDDUTY).0, Status::NotAssessed);
}

#[test]
fn region_enabled_but_not_exported_is_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .call(R, "guardduty/list-detectors", r#"{"DetectorIds": []}"#)
        .not_exported("eu-north-1")
        .build();
    let expected = rows(&[
        ("fail", R, ACCOUNT),
        ("not-assessed", "eu-north-1", "eu-north-1"),
    ]);
    assert_eq!(outcomes(&findings(&snapshot, GUARDDUTY)), expected);
}

#[test]
fn sample_guardduty() {
    let expected = with_gaps(&[
        ("pass", MAIN, R, DETECTOR),
        ("fail", MAIN, "eu-west-1", MAIN),
        ("pass", RESEARCH, R, "a2c6e1f49b7d3058c1e4f2a6b9d07e35"),
    ]);
    assert_eq!(sample_outcomes(GUARDDUTY), expected);
}

// --- Security Hub ---------------------------------------------------

const HUB: &str = r#"{"HubArn": "arn:aws:securityhub:eu-west-2:111122223333:hub/default",
        "SubscribedAt": "2024-02-05T14:21:06.873Z"}"#;

fn hub_with(standards: &str) -> Snapshot {
    SnapshotBuilder::new()
        .call(R, "securityhub/describe-hub", HUB)
        .call(R, "securityhub/get-enabled-standards", standards)
        .build()
}

#[test]
fn security_hub_not_subscribed_is_off_and_fails() {
    let snapshot = SnapshotBuilder::new()
        .failed(R, "securityhub/describe-hub", CallStatus::NotEnabled)
        .failed(
            R,
            "securityhub/get-enabled-standards",
            CallStatus::NotEnabled,
        )
        .build();
    let (status, reason) = only(&snapshot, SECURITY_HUB);
    assert_eq!(
        (status, reason.as_str()),
        (Status::Fail, "Security Hub is not enabled in eu-west-2")
    );
}

#[test]
fn denied_describe_hub_is_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .failed(R, "securityhub/describe-hub", CallStatus::AccessDenied)
        .build();
    assert_eq!(only(&snapshot, SECURITY_HUB).0, Status::NotAssessed);
}

#[test]
fn hub_with_a_ready_standard_passes_and_names_it_by_its_arn() {
    let snapshot = hub_with(
        r#"{"StandardsSubscriptions": [
                {"StandardsArn":
                    "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
                 "StandardsStatus": "READY"},
                {"StandardsArn": "arn:aws:securityhub:eu-west-2::standards/nist-800-53/v/5.0.0",
                 "StandardsStatus": "PENDING"}]}"#,
    );
    let found = findings(&snapshot, SECURITY_HUB);
    let hub = "arn:aws:securityhub:eu-west-2:111122223333:hub/default";
    assert_eq!(outcomes(&found), rows(&[("pass", R, hub)]));
    assert_eq!(
        found[0].reason,
        "Security Hub is on in eu-west-2 (since 2024-02-05) with standards READY: \
             cis-aws-foundations-benchmark/v/1.2.0"
    );
}

#[test]
fn hub_whose_only_standard_is_pending_fails() {
    let arn = "arn:aws:securityhub:eu-west-2::standards/\
                   aws-foundational-security-best-practices/v/1.0.0";
    let snapshot = hub_with(&format!(
        r#"{{"StandardsSubscriptions":
                [{{"StandardsArn": "{arn}", "StandardsStatus": "PENDING"}}]}}"#
    ));
    let (status, reason) = only(&snapshot, SECURITY_HUB);
    assert_eq!(status, Status::Fail);
    assert!(
        reason.ends_with(
            "no standard is READY: aws-foundational-security-best-practices/v/1.0.0 PENDING"
        ),
        "{reason}"
    );
}

#[test]
fn hub_with_no_standard_fails_but_a_first_page_without_one_is_not_assessed() {
    let none = r#"{"StandardsSubscriptions": []}"#;
    assert_eq!(only(&hub_with(none), SECURITY_HUB).0, Status::Fail);
    let snapshot = SnapshotBuilder::new()
        .call(R, "securityhub/describe-hub", HUB)
        .partial(
            R,
            "securityhub/get-enabled-standards",
            r#"{"StandardsSubscriptions": [], "NextToken": "t"}"#,
        )
        .build();
    assert_eq!(only(&snapshot, SECURITY_HUB).0, Status::NotAssessed);
}

#[test]
fn sample_security_hub() {
    let expected = with_gaps(&[
        (
            "pass",
            MAIN,
            R,
            "arn:aws:securityhub:eu-west-2:210987654321:hub/default",
        ),
        ("fail", MAIN, "eu-west-1", MAIN),
        (
            "pass",
            RESEARCH,
            R,
            "arn:aws:securityhub:eu-west-2:480215379604:hub/default",
        ),
    ]);
    assert_eq!(sample_outcomes(SECURITY_HUB), expected);
}

// --- Inspector ------------------------------------------------------

fn inspector_state(ec2: &str) -> Snapshot {
    let json = format!(
        r#"{{"accounts": [{{"accountId": "{ACCOUNT}", "state": {{"status": "ENABLED"}},
                "resourceState":
                    {{"ec2": {{"status": "{ec2}"}}, "ecr": {{"status": "ENABLED"}}}}}}],
                "failedAccounts": []}}"#
    );
    SnapshotBuilder::new()
        .call(R, "inspector2/batch-get-account-status", &json)
        .build()
}

#[test]
fn inspector_scanning_ec2_passes_and_mentions_the_others() {
    let (status, reason) = only(&inspector_state("ENABLED"), INSPECTOR);
    assert_eq!(status, Status::Pass);
    assert_eq!(
        reason,
        "Inspector scans EC2 instances in eu-west-2 \
             (ECR ENABLED, Lambda unknown, Lambda code unknown)"
    );
}

#[test]
fn inspector_not_scanning_ec2_fails() {
    let (status, reason) = only(&inspector_state("DISABLED"), INSPECTOR);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("ec2 DISABLED, account ENABLED"), "{reason}");
}

#[test]
fn denied_inspector_status_is_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .failed(
            R,
            "inspector2/batch-get-account-status",
            CallStatus::AccessDenied,
        )
        .build();
    assert_eq!(only(&snapshot, INSPECTOR).0, Status::NotAssessed);
}

#[test]
fn sample_inspector() {
    let expected = with_gaps(&[
        ("pass", MAIN, R, MAIN),
        ("fail", MAIN, "eu-west-1", MAIN),
        ("pass", RESEARCH, R, RESEARCH),
    ]);
    assert_eq!(sample_outcomes(INSPECTOR), expected);
}
