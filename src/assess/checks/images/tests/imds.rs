//! Tests of the IMDSv2 checks (`imds.rs`).

use super::*;

// --- imds.v2-required -----------------------------------------------------

fn with_metadata(options: Value) -> Finding {
    let s = snapshot(
        &[instance(
            "i-1",
            "ami-1",
            json!({ "MetadataOptions": options }),
        )],
        &[],
    );
    only(&findings(&s, IMDS_V2_REQUIRED)).clone()
}

#[test]
fn imds_tokens_required_passes_and_optional_fails() {
    let required = with_metadata(json!({"HttpTokens": "required", "HttpEndpoint": "enabled"}));
    assert_eq!(required.status, Status::Pass);
    let optional = with_metadata(json!({"HttpTokens": "optional", "HttpEndpoint": "enabled"}));
    assert_eq!(optional.status, Status::Fail);
    assert_eq!(
        optional.evidence[0].pointer,
        "/Reservations/0/Instances/0/MetadataOptions/HttpTokens"
    );
}

#[test]
fn imds_endpoint_disabled_passes_even_with_optional_tokens() {
    let f = with_metadata(json!({"HttpTokens": "optional", "HttpEndpoint": "disabled"}));
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn imds_without_metadata_options_or_tokens_is_not_assessed() {
    assert_eq!(with_metadata(Value::Null).status, Status::NotAssessed);
    assert_eq!(with_metadata(json!({})).status, Status::NotAssessed);
}

#[test]
#[allow(clippy::print_stderr)]
fn awscli_docs_instance_allowing_imdsv1_fails_despite_malformed_private_ip() {
    let Some(exported) = public_export("instances-awscli-docs-imdsv1.json") else {
        eprintln!("skipped: instances-awscli-docs-imdsv1.json is not present");
        return;
    };
    let s = SnapshotBuilder::new()
        .call("us-east-2", "ec2/describe-instances", &exported)
        .build();
    let f = findings(&s, IMDS_V2_REQUIRED);
    let f = only(&f);
    assert_eq!(
        (f.status, f.resource_id.as_str()),
        (Status::Fail, "i-1234567890abcdef0")
    );
    assert_eq!(f.resource_name.as_deref(), Some("my-instance"));

    // Its image is not in the export at all: unknown, never approved.
    let f = findings_with(&s, APPROVED, &pipeline_list(), &[]);
    assert_eq!(only(&f).status, Status::NotAssessed);
}

// --- imds.account-default -------------------------------------------------

fn account_default(json: &str) -> Finding {
    let s = SnapshotBuilder::new()
        .call(REGION, "ec2/get-instance-metadata-defaults", json)
        .build();
    only(&findings(&s, IMDS_ACCOUNT_DEFAULT)).clone()
}

#[test]
fn account_default_requiring_tokens_passes() {
    let f = account_default(r#"{"AccountLevel": {"HttpTokens": "required"}}"#);
    assert_eq!((f.status, f.resource_id.as_str()), (Status::Pass, REGION));
}

#[test]
fn empty_or_absent_account_default_fails() {
    for json in [
        r#"{"AccountLevel": {}}"#,
        "{}",
        r#"{"AccountLevel": {"HttpTokens": ""}}"#,
    ] {
        let f = account_default(json);
        assert_eq!(f.status, Status::Fail, "{json}");
        assert_eq!(
            f.reason,
            "no account default: new instances allow IMDSv1 unless launched otherwise"
        );
    }
}

#[test]
fn account_default_with_optional_tokens_fails() {
    let f = account_default(r#"{"AccountLevel": {"HttpTokens": "optional"}}"#);
    assert_eq!(f.status, Status::Fail);
    assert!(f.reason.contains("`optional`"), "{}", f.reason);
}

#[test]
fn account_default_not_collected_is_not_assessed() {
    let s = SnapshotBuilder::new()
        .failed(
            REGION,
            "ec2/get-instance-metadata-defaults",
            CallStatus::AccessDenied,
        )
        .build();
    let f = findings(&s, IMDS_ACCOUNT_DEFAULT);
    assert_eq!(only(&f).status, Status::NotAssessed);
}
