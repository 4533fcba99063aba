//! Unit tests of the image and instance checks, a file per theme, and the
//! instance and image builders they share.

use super::*;
use crate::assess::approved::ApprovedImages;
use crate::assess::finding::Status;
use crate::assess::testing::{self, SnapshotBuilder, findings, findings_with, outcomes};
use crate::snapshot::log::CallStatus;
use serde_json::{Value, json};

mod age;
mod imds;
mod per_instance;
mod provenance;
mod sample;

const REGION: &str = "eu-west-2";
const PIPELINE: &str = "444455556666";

/// A running instance launched from `image` 47 days before the snapshot,
/// requiring IMDSv2; `extra` overrides or adds members.
fn instance(id: &str, image: &str, extra: Value) -> Value {
    let mut instance = json!({
        "InstanceId": id,
        "ImageId": image,
        "LaunchTime": "2026-10-14T09:03:51+00:00",
        "State": {"Code": 16, "Name": "running"},
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
        "Tags": [{"Key": "Name", "Value": format!("name-of-{id}")}]
    });
    if let (Some(base), Value::Object(extra)) = (instance.as_object_mut(), extra) {
        base.extend(extra);
    }
    instance
}

fn instances(list: &[Value]) -> String {
    json!({"Reservations": [{"ReservationId": "r-1", "Instances": list}]}).to_string()
}

fn image(id: &str, owner: &str, extra: Value) -> Value {
    let mut image = json!({"ImageId": id, "OwnerId": owner, "Name": format!("name-of-{id}")});
    if let (Some(base), Value::Object(extra)) = (image.as_object_mut(), extra) {
        base.extend(extra);
    }
    image
}

fn images(list: &[Value]) -> String {
    json!({ "Images": list }).to_string()
}

fn pipeline_list() -> ApprovedImages {
    ApprovedImages::parse(&format!("owners = [\"{PIPELINE}\"]")).unwrap()
}

/// One region with `list` instances and `imgs` images.
fn snapshot(list: &[Value], imgs: &[Value]) -> crate::snapshot::read::Snapshot {
    SnapshotBuilder::new()
        .call(REGION, "ec2/describe-instances", &instances(list))
        .call(REGION, "ec2/describe-images", &images(imgs))
        .build()
}

fn only(findings: &[Finding]) -> &Finding {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    &findings[0]
}

fn public_export(name: &str) -> Option<String> {
    let path = format!(
        "{}/../shared/cases/public-exports/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).ok()
}
