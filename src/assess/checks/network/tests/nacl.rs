//! Tests of the network ACL check (`nacl.rs`).

use super::*;

fn nacl(entries: &str) -> Status {
    let acls = format!(
        r#"{{"NetworkAcls":[{{"NetworkAclId":"acl-1","IsDefault":false,"Entries":[{entries}]}}]}}"#
    );
    let snapshot = SnapshotBuilder::new()
        .call(REGION, "ec2/describe-network-acls", &acls)
        .build();
    findings(&snapshot, "net.nacl-admin-world")[0].status
}

#[test]
fn nacl_allow_all_from_the_world_admits_ssh() {
    let entries = r#"{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"},
                         {"RuleNumber":32767,"Protocol":"-1","RuleAction":"deny","Egress":false,"CidrBlock":"0.0.0.0/0"}"#;
    assert_eq!(nacl(entries), Status::Fail);
}

#[test]
fn nacl_lowest_rule_number_decides() {
    let entries = r#"{"RuleNumber":200,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"},
                         {"RuleNumber":90,"Protocol":"6","PortRange":{"From":0,"To":4000},"RuleAction":"deny","Egress":false,"CidrBlock":"0.0.0.0/0"}"#;
    assert_eq!(nacl(entries), Status::Pass);
}

#[test]
fn nacl_egress_and_narrow_sources_do_not_admit_the_world() {
    let entries = r#"{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":true,"CidrBlock":"0.0.0.0/0"},
                         {"RuleNumber":110,"Protocol":"6","PortRange":{"From":22,"To":22},"RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8"}"#;
    assert_eq!(nacl(entries), Status::Pass);
}

#[test]
fn nacl_ipv6_world_counts() {
    let entries = r#"{"RuleNumber":101,"Protocol":"6","PortRange":{"From":3389,"To":3389},"RuleAction":"allow","Egress":false,"Ipv6CidrBlock":"::/0"}"#;
    assert_eq!(nacl(entries), Status::Fail);
}
