//! Tests of the AWS Config recorder check (`config.rs`).

use super::*;

fn recorder(group: &str, status: &str) -> Snapshot {
    SnapshotBuilder::new()
        .call(
            R,
            "configservice/describe-configuration-recorders",
            &format!(
                r#"{{"ConfigurationRecorders":
                        [{{"name": "default", "recordingGroup": {group}}}]}}"#
            ),
        )
        .call(
            R,
            "configservice/describe-configuration-recorder-status",
            status,
        )
        .build()
}

const ALL: &str = r#"{"allSupported": true, "includeGlobalResourceTypes": true}"#;
const RECORDING: &str = r#"{"ConfigurationRecordersStatus":
        [{"name": "default", "recording": true, "lastStatus": "SUCCESS"}]}"#;

#[test]
fn stopped_recorder_fails_even_though_its_last_status_is_success() {
    let stopped = r#"{"ConfigurationRecordersStatus":
            [{"name": "default", "recording": false, "lastStatus": "SUCCESS"}]}"#;
    let (status, reason) = only(&recorder(ALL, stopped), CONFIG);
    assert_eq!(status, Status::Fail);
    assert!(
        reason.contains("is not recording (recording false"),
        "{reason}"
    );
}

#[test]
fn case_config_recorder_status_stopped_fails() {
    let Some(json) = public_export("config-recorder-status-stopped.json") else {
        return;
    };
    assert_eq!(only(&recorder(ALL, &json), CONFIG).0, Status::Fail);
}

#[test]
fn all_supported_strategy_passes_and_cli_v1_epoch_times_read_the_same() {
    let group = r#"{"allSupported": false, "includeGlobalResourceTypes": false,
            "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}}"#;
    // AWS CLI v1 prints Config's timestamps as epoch seconds.
    let v1 = r#"{"ConfigurationRecordersStatus": [{"name": "default", "recording": true,
            "lastStatus": "SUCCESS", "lastStartTime": 1582221233.421}]}"#;
    let found = findings(&recorder(group, v1), CONFIG);
    assert_eq!(outcomes(&found), rows(&[("pass", R, "default")]));
    assert!(
        found[0]
            .reason
            .ends_with("not included here; one region's recorder should include them")
    );
}

#[test]
fn recorder_of_three_types_fails_naming_how_many() {
    let group = r#"{"allSupported": false, "resourceTypes":
            ["AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "AWS::EC2::Volume"],
            "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}"#;
    let (status, reason) = only(&recorder(group, RECORDING), CONFIG);
    assert_eq!(status, Status::Fail);
    assert!(
        reason.contains("records only 3 resource types (AWS::EC2::Instance,"),
        "{reason}"
    );
}

#[test]
fn recorder_excluding_types_fails_naming_how_many() {
    let group = r#"{"allSupported": false,
            "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::Volume", "AWS::S3::Bucket"]},
            "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}"#;
    let (status, reason) = only(&recorder(group, RECORDING), CONFIG);
    assert_eq!(status, Status::Fail);
    assert!(reason.contains("leaves out 2 resource types"), "{reason}");
}

#[test]
fn no_recorder_fails() {
    let snapshot = SnapshotBuilder::new()
        .call(
            R,
            "configservice/describe-configuration-recorders",
            r#"{"ConfigurationRecorders": []}"#,
        )
        .build();
    let (status, reason) = only(&snapshot, CONFIG);
    assert_eq!(
        (status, reason.as_str()),
        (Status::Fail, "no AWS Config recorder in eu-west-2")
    );
}

#[test]
fn recorder_without_a_status_is_not_assessed() {
    let none = r#"{"ConfigurationRecordersStatus": []}"#;
    assert_eq!(only(&recorder(ALL, none), CONFIG).0, Status::NotAssessed);
}

#[test]
fn sample_config_recording() {
    let expected = with_gaps(&[
        ("pass", MAIN, R, "default"),
        ("fail", MAIN, "eu-west-1", "default"),
        ("pass", RESEARCH, R, "default"),
    ]);
    assert_eq!(sample_outcomes(CONFIG), expected);
}
