//! Tests of the CloudTrail check (`cloudtrail.rs`).

use super::*;

const ORG_ARN: &str = "arn:aws:cloudtrail:eu-west-2:555566667777:trail/org";
const LEGACY_ARN: &str = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/legacy";

fn trail(name: &str, arn: &str, home: &str, multi: bool, validation: bool) -> String {
    format!(
        r#"{{"Name": "{name}", "TrailARN": "{arn}", "HomeRegion": "{home}",
                "IsMultiRegionTrail": {multi}, "LogFileValidationEnabled": {validation}}}"#
    )
}

fn trails(list: &[String]) -> String {
    format!(r#"{{"trailList": [{}]}}"#, list.join(","))
}

fn logging(on: bool) -> String {
    format!(r#"{{"IsLogging": {on}, "StopLoggingTime": "2025-06-30T15:02:11.482000+00:00"}}"#)
}

#[test]
fn shadow_copies_of_a_multi_region_trail_count_once() {
    // Home region eu-west-2 is not collected; the shadow copy's status
    // in eu-west-1 speaks for the trail.
    let org = trail("org", ORG_ARN, "eu-west-2", true, true);
    let legacy = trail("legacy", LEGACY_ARN, "eu-west-1", false, false);
    let snapshot = SnapshotBuilder::new()
        .call(
            "eu-west-1",
            "cloudtrail/describe-trails",
            &trails(&[org.clone(), legacy]),
        )
        .call(
            "eu-west-1",
            "cloudtrail/get-trail-status/org",
            &logging(true),
        )
        .call(
            "eu-west-1",
            "cloudtrail/get-trail-status/legacy",
            &logging(false),
        )
        .call("eu-west-3", "cloudtrail/describe-trails", &trails(&[org]))
        .build();
    let found = findings(&snapshot, CLOUDTRAIL);
    let expected = rows(&[
        ("pass", "global", ACCOUNT),
        ("pass", "eu-west-2", ORG_ARN),
        ("fail", "eu-west-1", LEGACY_ARN),
    ]);
    assert_eq!(outcomes(&found), expected);
    assert_eq!(
        found[0].reason,
        "multi-region trail org (home eu-west-2, organisation trail of account 555566667777) \
             is logging with log file validation"
    );
    assert_eq!(
        found[2].reason,
        "single-region trail legacy is not logging since 2025-06-30 \
             and has log file validation off"
    );
}

#[test]
fn only_single_region_trails_fail_the_account() {
    let legacy = trail("legacy", LEGACY_ARN, "eu-west-1", false, true);
    let snapshot = SnapshotBuilder::new()
        .call(
            "eu-west-1",
            "cloudtrail/describe-trails",
            &trails(&[legacy]),
        )
        .call(
            "eu-west-1",
            "cloudtrail/get-trail-status/legacy",
            &logging(true),
        )
        .build();
    let found = findings(&snapshot, CLOUDTRAIL);
    let account = found.iter().find(|f| f.region == "global").unwrap();
    assert_eq!(account.status, Status::Fail);
    assert_eq!(
        account.reason,
        "no multi-region trail; single-region trails only: legacy in eu-west-1"
    );
    let own = found.iter().find(|f| f.resource_id == LEGACY_ARN).unwrap();
    assert_eq!(own.status, Status::Pass);
}

#[test]
fn multi_region_trail_without_validation_fails_saying_so() {
    let org = trail("org", ORG_ARN, "eu-west-2", true, false);
    let snapshot = SnapshotBuilder::new()
        .call(R, "cloudtrail/describe-trails", &trails(&[org]))
        .call(R, "cloudtrail/get-trail-status/org", &logging(true))
        .build();
    let found = findings(&snapshot, CLOUDTRAIL);
    assert!(found.iter().all(|f| f.status == Status::Fail), "{found:#?}");
    assert!(
        found[0].reason.ends_with("org has log file validation off"),
        "{}",
        found[0].reason
    );
}

#[test]
fn no_trail_at_all_fails() {
    let snapshot = SnapshotBuilder::new()
        .call(R, "cloudtrail/describe-trails", r#"{"trailList": []}"#)
        .build();
    let (status, reason) = only(&snapshot, CLOUDTRAIL);
    assert_eq!(
        (status, reason.as_str()),
        (Status::Fail, "no CloudTrail trail in the account")
    );
}

#[test]
fn unknown_logging_status_is_not_assessed() {
    let org = trail("org", ORG_ARN, "eu-west-2", true, true);
    let snapshot = SnapshotBuilder::new()
        .call(R, "cloudtrail/describe-trails", &trails(&[org]))
        .failed(
            R,
            "cloudtrail/get-trail-status/org",
            CallStatus::AccessDenied,
        )
        .build();
    let found = findings(&snapshot, CLOUDTRAIL);
    assert!(
        found.iter().all(|f| f.status == Status::NotAssessed),
        "{found:#?}"
    );
}

#[test]
fn denied_describe_trails_is_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .failed(R, "cloudtrail/describe-trails", CallStatus::AccessDenied)
        .build();
    let (status, reason) = only(&snapshot, CLOUDTRAIL);
    assert_eq!(
        (status, reason.as_str()),
        (
            Status::NotAssessed,
            "`cloudtrail describe-trails` was denied"
        )
    );
}

#[test]
fn sample_cloudtrail() {
    // Both accounts see the management account's organisation trail.
    let organisation = "arn:aws:cloudtrail:eu-west-2:555566667777:trail/nbch-organisation-trail";
    let expected = sample_rows(&[
        ("pass", MAIN, "global", MAIN),
        ("pass", MAIN, R, organisation),
        (
            "fail",
            MAIN,
            "eu-west-1",
            "arn:aws:cloudtrail:eu-west-1:210987654321:trail/nbch-dr-legacy-trail",
        ),
        ("pass", RESEARCH, "global", RESEARCH),
        ("pass", RESEARCH, R, organisation),
    ]);
    assert_eq!(sample_outcomes(CLOUDTRAIL), expected);
}
