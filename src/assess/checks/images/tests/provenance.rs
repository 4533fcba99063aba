//! Tests of the approved-image and deprecation checks (`provenance.rs`).

use super::*;
use crate::assess::checks::images::provenance::parse_ec2_time;

// --- image.approved -------------------------------------------------------

#[test]
fn instance_on_an_image_from_an_approved_owner_passes() {
    let s = snapshot(
        &[instance("i-1", "ami-1", json!({}))],
        &[image("ami-1", PIPELINE, json!({}))],
    );
    let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
    let f = only(&f);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(f.resource_name.as_deref(), Some("name-of-i-1"));
    assert!(f.reason.contains("444455556666"), "{}", f.reason);
    assert_eq!(f.evidence[1].pointer, "/Images/0");
}

#[test]
fn instance_on_an_unlisted_amazon_image_fails_naming_owner_and_alias() {
    let s = snapshot(
        &[instance("i-1", "ami-2", json!({}))],
        &[image(
            "ami-2",
            "137112412989",
            json!({"ImageOwnerAlias": "amazon"}),
        )],
    );
    let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
    let f = only(&f);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.reason,
        "launched from ami-2 (name-of-ami-2), owner 137112412989 (amazon), \
             which the approved-image list does not approve"
    );
}

#[test]
fn without_an_approved_list_approval_is_not_assessed_never_passed() {
    let s = snapshot(
        &[instance("i-1", "ami-1", json!({}))],
        &[image("ami-1", PIPELINE, json!({}))],
    );
    let f = findings(&s, APPROVED);
    let f = only(&f);
    assert_eq!(f.status, Status::NotAssessed);
    assert_eq!(f.reason, "no approved-image list given (--approved-images)");
}

#[test]
fn image_not_returned_by_describe_images_is_not_assessed_as_deregistered() {
    let s = snapshot(
        &[instance("i-1", "ami-gone", json!({}))],
        &[image("ami-1", PIPELINE, json!({}))],
    );
    for check in [APPROVED, NOT_DEPRECATED] {
        let f = findings_with(&s, check, &pipeline_list(), &[]);
        let f = only(&f);
        assert_eq!(f.status, Status::NotAssessed, "{check}");
        assert!(f.reason.contains("ami-gone") && f.reason.contains("deregistered"));
    }
}

#[test]
fn describe_images_denied_leaves_image_checks_not_assessed_per_instance() {
    let s = SnapshotBuilder::new()
        .call(
            REGION,
            "ec2/describe-instances",
            &instances(&[
                instance("i-1", "ami-1", json!({})),
                instance("i-2", "ami-1", json!({})),
            ]),
        )
        .failed(REGION, "ec2/describe-images", CallStatus::AccessDenied)
        .build();
    for check in [APPROVED, NOT_DEPRECATED] {
        let f = findings_with(&s, check, &pipeline_list(), &[]);
        assert_eq!(
            outcomes(&f),
            testing::rows(&[
                ("not-assessed", REGION, "i-1"),
                ("not-assessed", REGION, "i-2")
            ])
        );
        assert!(f[0].reason.contains("was denied"), "{}", f[0].reason);
    }
}

#[test]
fn image_absent_from_a_first_page_of_images_is_unknown_not_deregistered() {
    let s = SnapshotBuilder::new()
        .call(
            REGION,
            "ec2/describe-instances",
            &instances(&[instance("i-1", "ami-later", json!({}))]),
        )
        .partial(
            REGION,
            "ec2/describe-images",
            &images(&[image("ami-1", PIPELINE, json!({}))]),
        )
        .build();
    let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
    let f = only(&f);
    assert_eq!(f.status, Status::NotAssessed);
    assert!(f.reason.contains("first page"), "{}", f.reason);
}

#[test]
#[allow(clippy::print_stderr)]
fn custodian_images_canonical_owner_without_alias_is_known_and_not_approved() {
    let Some(exported) = public_export("images-custodian-mixed-owners.json") else {
        eprintln!("skipped: images-custodian-mixed-owners.json is not present");
        return;
    };
    let list = [
        instance("i-ubuntu", "ami-cd0f5cb6", json!({})),
        instance("i-amazon", "ami-0b33d91d", json!({})),
        instance("i-own", "ami-0749e67d", json!({})),
    ];
    let s = SnapshotBuilder::new()
        .call(REGION, "ec2/describe-instances", &instances(&list))
        .call(REGION, "ec2/describe-images", &exported)
        .build();

    // A list naming another publisher approves none of these, whoever
    // publishes them (Canonical's images carry no owner alias).
    let other = ApprovedImages::parse("owners = [\"444455556666\"]").unwrap();
    let f = findings_with(&s, APPROVED, &other, &[]);
    assert!(f.iter().all(|f| f.status == Status::Fail), "{f:#?}");
    let ubuntu = f.iter().find(|f| f.resource_id == "i-ubuntu").unwrap();
    assert!(
        ubuntu.reason.contains("owner 099720109477,"),
        "{}",
        ubuntu.reason
    );

    // Listing the account's own owner approves only its own images.
    let own = ApprovedImages::parse("owners = [\"123456789012\"]").unwrap();
    let f = findings_with(&s, APPROVED, &own, &[]);
    assert_eq!(
        outcomes(&f),
        testing::rows(&[
            ("fail", REGION, "i-amazon"),
            ("fail", REGION, "i-ubuntu"),
            ("pass", REGION, "i-own"),
        ])
    );
}

// --- image.not-deprecated -------------------------------------------------

fn deprecated_at(time: &str) -> Vec<Finding> {
    let s = snapshot(
        &[instance("i-1", "ami-1", json!({}))],
        &[image(
            "ami-1",
            "137112412989",
            json!({"DeprecationTime": time}),
        )],
    );
    findings(&s, NOT_DEPRECATED)
}

#[test]
fn image_past_its_deprecation_time_fails_with_the_date() {
    let f = deprecated_at("2026-07-10T00:35:00.000Z");
    let f = only(&f);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.reason,
        "launched from ami-1 (name-of-ami-1), deprecated since 2026-07-10"
    );
    assert_eq!(f.evidence[1].pointer, "/Images/0/DeprecationTime");
}

#[test]
fn image_deprecated_only_after_the_snapshot_passes() {
    let f = deprecated_at("2027-01-01T00:00:00.000Z");
    assert_eq!(only(&f).status, Status::Pass);
}

#[test]
fn image_without_deprecation_time_passes() {
    let s = snapshot(
        &[instance("i-1", "ami-1", json!({}))],
        &[image("ami-1", PIPELINE, json!({}))],
    );
    assert_eq!(only(&findings(&s, NOT_DEPRECATED)).status, Status::Pass);
}

#[test]
fn unparsable_deprecation_time_is_not_assessed() {
    let f = deprecated_at("next tuesday");
    let f = only(&f);
    assert_eq!(f.status, Status::NotAssessed);
    assert!(f.reason.contains("`next tuesday`"), "{}", f.reason);
}

#[test]
fn ec2_times_parse_with_or_without_offset_and_fraction() {
    let midnight = parse_ec2_time("2026-07-10T00:00:00.000Z").unwrap();
    assert_eq!(parse_ec2_time("2026-07-10T00:00:00Z"), Some(midnight));
    assert_eq!(parse_ec2_time("2026-07-10T00:00:00+00:00"), Some(midnight));
    assert_eq!(parse_ec2_time("2026-07-10T00:00:00.000"), Some(midnight));
    assert_eq!(parse_ec2_time(" 2026-07-10 "), Some(midnight));
    assert_eq!(parse_ec2_time("no_information"), None);
    assert_eq!(parse_ec2_time(""), None);
}
