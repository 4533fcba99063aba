//! Every image and instance check on the shipped sample.

use super::*;

/// Not-assessed findings for the sample's 15 enabled regions not exported.
fn not_exported() -> Vec<(String, String, String)> {
    [
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    ]
    .iter()
    .map(|r| ("not-assessed".to_string(), r.to_string(), r.to_string()))
    .collect()
}

/// The sample's expected outcomes: `exported` plus the regions not
/// exported, sorted as `outcomes` sorts them.
fn expected(exported: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut all = not_exported();
    all.extend(
        exported
            .iter()
            .map(|(s, r, id)| (s.to_string(), r.to_string(), id.to_string())),
    );
    all.sort();
    all
}

#[test]
fn sample_approved_images() {
    let f = testing::sample_findings(APPROVED);
    assert_eq!(
        outcomes(&f),
        expected(&[
            ("pass", "eu-west-2", "i-0f8fe36c99f6117bc"),
            ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
            ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
            ("not-assessed", "eu-west-2", "i-0e20bc004089dff27"),
            ("pass", "eu-west-2", "i-024776a5a08ff4205"),
            ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
            ("pass", "eu-west-2", "i-03170955e7955eb92"),
            ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
            ("pass", "eu-west-1", "i-0f563f848ad79f09a"),
        ])
    );
}

#[test]
fn sample_deprecated_images() {
    let f = testing::sample_findings(NOT_DEPRECATED);
    assert_eq!(
        outcomes(&f),
        expected(&[
            ("pass", "eu-west-2", "i-0f8fe36c99f6117bc"),
            ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
            ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
            ("not-assessed", "eu-west-2", "i-0e20bc004089dff27"),
            ("pass", "eu-west-2", "i-024776a5a08ff4205"),
            ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
            ("pass", "eu-west-2", "i-03170955e7955eb92"),
            ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
            ("pass", "eu-west-1", "i-0f563f848ad79f09a"),
        ])
    );
}

#[test]
fn sample_instance_age() {
    let f = testing::sample_findings(INSTANCE_AGE);
    assert_eq!(
        outcomes(&f),
        expected(&[
            ("pass", "eu-west-2", "i-0f8fe36c99f6117bc"),
            ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
            ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
            ("pass", "eu-west-2", "i-0e20bc004089dff27"),
            ("pass", "eu-west-2", "i-024776a5a08ff4205"),
            ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
            ("pass", "eu-west-2", "i-03170955e7955eb92"),
            ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
            ("pass", "eu-west-1", "i-0f563f848ad79f09a"),
        ])
    );
    let build = f
        .iter()
        .find(|f| f.resource_id == "i-061877f9a6c0d1358")
        .unwrap();
    assert!(
        build.reason.starts_with("launched 628 days"),
        "{}",
        build.reason
    );
}

#[test]
fn sample_imds_v2_required() {
    let f = testing::sample_findings(IMDS_V2_REQUIRED);
    assert_eq!(
        outcomes(&f),
        expected(&[
            ("fail", "eu-west-2", "i-0f8fe36c99f6117bc"),
            ("pass", "eu-west-2", "i-01e9df9014cc25d3b"),
            ("pass", "eu-west-2", "i-05fb92a21c0813c37"),
            ("pass", "eu-west-2", "i-0e20bc004089dff27"),
            ("pass", "eu-west-2", "i-024776a5a08ff4205"),
            ("pass", "eu-west-2", "i-0be56b11171bc07c2"),
            ("pass", "eu-west-2", "i-03170955e7955eb92"),
            ("fail", "eu-west-2", "i-061877f9a6c0d1358"),
            ("fail", "eu-west-1", "i-0f563f848ad79f09a"),
        ])
    );
}

#[test]
fn sample_imds_account_default() {
    let f = testing::sample_findings(IMDS_ACCOUNT_DEFAULT);
    assert_eq!(
        outcomes(&f),
        expected(&[
            ("pass", "eu-west-2", "eu-west-2"),
            ("fail", "eu-west-1", "eu-west-1")
        ])
    );
}
