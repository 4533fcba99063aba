//! Tests of the walk over live instances that every instance check shares
//! (`per_instance` in `mod.rs`).

use super::*;

#[test]
fn terminated_and_shutting_down_instances_are_skipped() {
    let gone = |id, state| instance(id, "ami-1", json!({"State": {"Name": state}}));
    let s = snapshot(
        &[
            gone("i-t", "terminated"),
            gone("i-s", "shutting-down"),
            gone("i-p", "stopping"),
        ],
        &[image("ami-1", PIPELINE, json!({}))],
    );
    for check in [APPROVED, NOT_DEPRECATED, INSTANCE_AGE, IMDS_V2_REQUIRED] {
        let f = findings_with(&s, check, &pipeline_list(), &[]);
        assert_eq!(
            outcomes(&f),
            testing::rows(&[("pass", REGION, "i-p")]),
            "{check}"
        );
    }
}

#[test]
fn region_without_live_instances_is_not_applicable() {
    let terminated = instance("i-t", "ami-1", json!({"State": {"Name": "terminated"}}));
    for list in [vec![], vec![terminated]] {
        let s = snapshot(&list, &[]);
        let f = findings(&s, IMDS_V2_REQUIRED);
        assert_eq!(
            outcomes(&f),
            testing::rows(&[("not-applicable", REGION, REGION)])
        );
    }
}

#[test]
fn describe_instances_denied_gives_one_not_assessed_finding_for_the_region() {
    let s = SnapshotBuilder::new()
        .failed(REGION, "ec2/describe-instances", CallStatus::AccessDenied)
        .build();
    for check in [APPROVED, NOT_DEPRECATED, INSTANCE_AGE, IMDS_V2_REQUIRED] {
        let f = findings_with(&s, check, &pipeline_list(), &[]);
        assert_eq!(
            outcomes(&f),
            testing::rows(&[("not-assessed", REGION, REGION)]),
            "{check}"
        );
    }
}

#[test]
fn first_page_of_instances_is_judged_and_the_rest_flagged_not_assessed() {
    let list = [instance("i-1", "ami-1", json!({}))];
    let s = SnapshotBuilder::new()
        .partial(REGION, "ec2/describe-instances", &instances(&list))
        .build();
    let f = findings(&s, IMDS_V2_REQUIRED);
    assert_eq!(
        outcomes(&f),
        testing::rows(&[("not-assessed", REGION, REGION), ("pass", REGION, "i-1")])
    );
}

#[test]
fn regions_not_exported_are_not_assessed() {
    let s = SnapshotBuilder::new()
        .call(REGION, "ec2/describe-instances", &instances(&[]))
        .not_exported("eu-west-3")
        .build();
    let f = findings(&s, INSTANCE_AGE);
    assert!(outcomes(&f).contains(&(
        "not-assessed".into(),
        "eu-west-3".into(),
        "eu-west-3".into()
    )));
}
