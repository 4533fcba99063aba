//! Every image and instance check on the shipped sample.

use super::*;
use testing::{SAMPLE_MAIN as MAIN, SAMPLE_RESEARCH as RESEARCH};

/// The sample's ten live instances.
const INSTANCES: [(&str, &str, &str); 10] = testing::SAMPLE_INSTANCES;

/// A row for every instance of the sample: `pass`, but for the
/// `(status, instance)` pairs of `except`, each of which must name one.
fn passing_but<'a>(
    except: &[(&'a str, &str)],
) -> Vec<(&'a str, &'static str, &'static str, &'static str)> {
    for (_, id) in except {
        assert!(
            INSTANCES.iter().any(|(_, _, i)| i == id),
            "no instance {id}"
        );
    }
    INSTANCES
        .iter()
        .map(|&(account, region, id)| {
            let status = except
                .iter()
                .find(|(_, i)| *i == id)
                .map_or("pass", |e| e.0);
            (status, account, region, id)
        })
        .collect()
}

/// Asserts that `check` finds `exported` on the sample, plus a
/// not-assessed finding for each region not exported; returns the findings.
#[track_caller]
fn assert_sample(check: &str, exported: &[(&str, &str, &str, &str)]) -> Vec<Finding> {
    let f = testing::sample_findings(check);
    assert_eq!(testing::account_outcomes(&f), testing::with_gaps(exported));
    f
}

#[test]
fn sample_approved_images() {
    assert_sample(
        APPROVED,
        &passing_but(&[
            ("not-assessed", "i-0e20bc004089dff27"),
            ("fail", "i-061877f9a6c0d1358"),
        ]),
    );
}

#[test]
fn sample_deprecated_images() {
    assert_sample(
        NOT_DEPRECATED,
        &passing_but(&[
            ("not-assessed", "i-0e20bc004089dff27"),
            ("fail", "i-061877f9a6c0d1358"),
        ]),
    );
}

#[test]
fn sample_instance_age() {
    let f = assert_sample(
        INSTANCE_AGE,
        &passing_but(&[("fail", "i-061877f9a6c0d1358")]),
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
    assert_sample(
        IMDS_V2_REQUIRED,
        &passing_but(&[
            ("fail", "i-0f8fe36c99f6117bc"),
            ("fail", "i-061877f9a6c0d1358"),
            ("fail", "i-0f563f848ad79f09a"),
        ]),
    );
}

#[test]
fn sample_imds_account_default() {
    assert_sample(
        IMDS_ACCOUNT_DEFAULT,
        &[
            ("pass", MAIN, "eu-west-2", "eu-west-2"),
            ("fail", MAIN, "eu-west-1", "eu-west-1"),
            ("pass", RESEARCH, "eu-west-2", "eu-west-2"),
        ],
    );
}
