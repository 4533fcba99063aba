//! Tests of the security group checks (`groups.rs`) and of what their
//! findings say about the instances behind a group.

use super::*;

#[test]
fn web_ports_and_world_egress_are_not_all_ports_open() {
    let groups = format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-1","GroupName":"web",
               "IpPermissions":[{{"IpProtocol":"tcp","FromPort":80,"ToPort":80,{WORLD4}}},
                                {{"IpProtocol":"tcp","FromPort":443,"ToPort":443,{WORLD4}}}],
               "IpPermissionsEgress":[{{"IpProtocol":"-1",{WORLD4}}}]}}]}}"#
    );
    let snapshot = SnapshotBuilder::new()
        .call(REGION, "ec2/describe-security-groups", &groups)
        .build();
    for check in [
        "net.all-ports-world",
        "net.admin-ports-world",
        "net.db-ports-world",
    ] {
        assert_eq!(
            findings(&snapshot, check)[0].status,
            Status::Pass,
            "{check}"
        );
    }
}

#[test]
fn a_default_group_with_1_inbound_and_1_outbound_rule_counts_each_in_the_singular() {
    let groups = format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-1","GroupName":"default",
               "IpPermissions":[{{"IpProtocol":"-1","UserIdGroupPairs":[{{"GroupId":"sg-1"}}]}}],
               "IpPermissionsEgress":[{{"IpProtocol":"-1",{WORLD4}}}]}}]}}"#
    );
    let snapshot = SnapshotBuilder::new()
        .call(REGION, "ec2/describe-security-groups", &groups)
        .build();
    let found = findings(&snapshot, "net.default-sg-closed");
    assert_eq!(found[0].status, Status::Fail);
    assert!(
        found[0]
            .reason
            .contains("still has 1 inbound rule and 1 outbound rule;"),
        "{}",
        found[0].reason
    );
}

#[test]
fn a_group_without_ip_permissions_has_no_rules() {
    let snapshot = SnapshotBuilder::new()
        .call(
            REGION,
            "ec2/describe-security-groups",
            r#"{"SecurityGroups":[{"GroupId":"sg-1","GroupName":"default"}]}"#,
        )
        .build();
    assert_eq!(
        findings(&snapshot, "net.admin-ports-world")[0].status,
        Status::Pass
    );
    assert_eq!(
        findings(&snapshot, "net.default-sg-closed")[0].status,
        Status::Pass
    );
}

#[test]
fn the_finding_says_a_running_instance_with_a_public_ip_is_reachable() {
    let groups = format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-1","GroupName":"ssh","IpPermissions":[{{"IpProtocol":"tcp","FromPort":22,"ToPort":22,{WORLD4}}}]}},
                                  {{"GroupId":"sg-2","GroupName":"spare","IpPermissions":[{{"IpProtocol":"tcp","FromPort":22,"ToPort":22,{WORLD4}}}]}}]}}"#
    );
    let instances = r#"{"Reservations":[{"Instances":[{"InstanceId":"i-1","State":{"Name":"running"},
            "PublicIpAddress":"198.51.100.7","SecurityGroups":[{"GroupId":"sg-1"}],"Tags":[{"Key":"Name","Value":"bastion"}]}]}]}"#;
    let snapshot = SnapshotBuilder::new()
        .call(REGION, "ec2/describe-security-groups", &groups)
        .call(REGION, "ec2/describe-instances", instances)
        .build();
    let found = findings(&snapshot, "net.admin-ports-world");
    assert!(
        found[0]
            .reason
            .contains("running instance i-1 (bastion) with public IP 198.51.100.7: reachable now"),
        "{}",
        found[0].reason
    );
    assert!(
        found[1].reason.ends_with("attached to no instance"),
        "{}",
        found[1].reason
    );
}

#[test]
fn instances_listed_in_part_do_not_show_a_group_unused() {
    let groups = format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-1","GroupName":"ssh","IpPermissions":[{{"IpProtocol":"tcp","FromPort":22,"ToPort":22,{WORLD4}}}]}},
                                  {{"GroupId":"sg-2","GroupName":"spare","IpPermissions":[{{"IpProtocol":"tcp","FromPort":22,"ToPort":22,{WORLD4}}}]}}]}}"#
    );
    let instances = r#"{"Reservations":[{"Instances":[{"InstanceId":"i-1","State":{"Name":"running"},
            "SecurityGroups":[{"GroupId":"sg-1"}]}]}],"NextToken":"t"}"#;
    let snapshot = SnapshotBuilder::new()
        .call(REGION, "ec2/describe-security-groups", &groups)
        .partial(REGION, "ec2/describe-instances", instances)
        .build();
    let found = findings(&snapshot, "net.admin-ports-world");
    assert!(
        found[0].reason.ends_with(
            "without a public IP, and perhaps to instances beyond the first page of describe-instances"
        ),
        "{}",
        found[0].reason
    );
    assert!(
        found[1].reason.ends_with(
            "attached to no instance on the first page of describe-instances (the rest is not in the snapshot)"
        ),
        "{}",
        found[1].reason
    );
}

#[test]
fn groups_unavailable_or_cut_short_are_not_assessed() {
    let denied = SnapshotBuilder::new()
        .failed(
            REGION,
            "ec2/describe-security-groups",
            crate::snapshot::log::CallStatus::AccessDenied,
        )
        .build();
    let found = findings(&denied, "net.admin-ports-world");
    assert_eq!(outcomes(&found), rows(&[("not-assessed", REGION, REGION)]));
    assert!(found[0].reason.contains("denied"), "{}", found[0].reason);

    let partial = SnapshotBuilder::new()
        .partial(
            REGION,
            "ec2/describe-security-groups",
            r#"{"SecurityGroups":[{"GroupId":"sg-1"}],"NextToken":"x"}"#,
        )
        .build();
    let statuses: Vec<Status> = findings(&partial, "net.admin-ports-world")
        .iter()
        .map(|f| f.status)
        .collect();
    assert_eq!(
        statuses,
        [Status::Pass, Status::NotAssessed],
        "a first page proves nothing about the rest"
    );
}

#[test]
fn regions_not_exported_or_not_requested_are_not_assessed() {
    let snapshot = SnapshotBuilder::new()
        .call(
            REGION,
            "ec2/describe-security-groups",
            r#"{"SecurityGroups":[]}"#,
        )
        .not_exported("eu-west-3")
        .not_requested("eu-north-1")
        .build();
    assert_eq!(
        outcomes(&findings(&snapshot, "net.admin-ports-world")),
        rows(&[
            ("not-assessed", "eu-west-3", "eu-west-3"),
            ("not-assessed", "eu-north-1", "eu-north-1")
        ])
    );
}
