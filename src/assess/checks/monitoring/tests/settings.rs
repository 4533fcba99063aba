//! Tests of the account settings checks (`settings.rs`).

use super::*;

// --- EBS encryption by default ---------------------------------------

fn ebs(on: bool) -> Snapshot {
    let json = format!(r#"{{"EbsEncryptionByDefault": {on}, "SseType": "sse-ebs"}}"#);
    SnapshotBuilder::new()
        .call(R, "ec2/get-ebs-encryption-by-default", &json)
        .build()
}

#[test]
fn ebs_encryption_by_default_on_passes_and_off_fails() {
    assert_eq!(only(&ebs(true), EBS_DEFAULT_ENCRYPTION).0, Status::Pass);
    assert_eq!(only(&ebs(false), EBS_DEFAULT_ENCRYPTION).0, Status::Fail);
}

#[test]
fn sample_ebs_default_encryption() {
    let expected = with_gaps(&[
        ("pass", MAIN, R, MAIN),
        ("fail", MAIN, "eu-west-1", MAIN),
        ("pass", RESEARCH, R, RESEARCH),
    ]);
    assert_eq!(sample_outcomes(EBS_DEFAULT_ENCRYPTION), expected);
}

// --- S3 Block Public Access -----------------------------------------

fn bpa(policy: bool) -> Snapshot {
    let json = format!(
        r#"{{"PublicAccessBlockConfiguration": {{"BlockPublicAcls": true,
                "IgnorePublicAcls": true, "BlockPublicPolicy": {policy}}}}}"#
    );
    SnapshotBuilder::new()
        .call(G, "s3control/get-public-access-block", &json)
        .build()
}

#[test]
fn s3_block_public_access_fails_naming_the_settings_off_including_absent_ones() {
    let (status, reason) = only(&bpa(false), S3_ACCOUNT_BPA);
    assert_eq!(status, Status::Fail);
    assert_eq!(
        reason,
        "account-level S3 Block Public Access is incomplete: \
             BlockPublicPolicy, RestrictPublicBuckets off"
    );
}

#[test]
fn s3_block_public_access_with_all_four_passes() {
    let json = r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true,
            "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}"#;
    let snapshot = SnapshotBuilder::new()
        .call(G, "s3control/get-public-access-block", json)
        .build();
    assert_eq!(only(&snapshot, S3_ACCOUNT_BPA).0, Status::Pass);
}

#[test]
fn no_public_access_block_configuration_is_an_answer_and_fails() {
    let snapshot = SnapshotBuilder::new()
        .failed(G, "s3control/get-public-access-block", CallStatus::NotFound)
        .build();
    let (status, reason) = only(&snapshot, S3_ACCOUNT_BPA);
    assert_eq!(
        (status, reason.as_str()),
        (Status::Fail, "no account-level S3 Block Public Access")
    );
    let denied = SnapshotBuilder::new()
        .failed(
            G,
            "s3control/get-public-access-block",
            CallStatus::AccessDenied,
        )
        .build();
    assert_eq!(only(&denied, S3_ACCOUNT_BPA).0, Status::NotAssessed);
}

#[test]
fn sample_s3_account_bpa() {
    // The research account has no account-level configuration at all
    // (NoSuchPublicAccessBlockConfiguration).
    let expected = sample_rows(&[("pass", MAIN, G, MAIN), ("fail", RESEARCH, G, RESEARCH)]);
    assert_eq!(sample_outcomes(S3_ACCOUNT_BPA), expected);
}
