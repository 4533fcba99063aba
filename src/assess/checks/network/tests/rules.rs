//! Tests of rule reading (`rules.rs`): protocols, port ranges and which
//! sources are the whole internet.

use super::*;

#[test]
fn gre_from_the_world_exposes_no_port() {
    let rule = format!(r#"{{"IpProtocol":"47",{WORLD4}}}"#);
    assert_eq!(verdict(&rule, "net.admin-ports-world").0, Status::Pass);
    assert_eq!(verdict(&rule, "net.all-ports-world").0, Status::Pass);
}

#[test]
fn udp_everything_is_not_tcp_22_but_is_the_sql_browser() {
    let rule = format!(r#"{{"IpProtocol":"udp","FromPort":0,"ToPort":65535,{WORLD4}}}"#);
    assert_eq!(verdict(&rule, "net.admin-ports-world").0, Status::Pass);
    assert_eq!(
        verdict(&rule, "net.db-ports-world"),
        (Status::Fail, Some(vec![1434]))
    );
}

#[test]
fn protocol_numbers_read_like_names() {
    let rule = format!(r#"{{"IpProtocol":"6","FromPort":22,"ToPort":22,{WORLD4}}}"#);
    assert_eq!(
        verdict(&rule, "net.admin-ports-world"),
        (Status::Fail, Some(vec![22]))
    );
}

#[test]
fn a_range_or_all_traffic_includes_the_port() {
    let range = format!(r#"{{"IpProtocol":"tcp","FromPort":0,"ToPort":1024,{WORLD4}}}"#);
    assert_eq!(
        verdict(&range, "net.admin-ports-world"),
        (Status::Fail, Some(vec![22, 23]))
    );
    let all = format!(r#"{{"IpProtocol":"-1",{WORLD4}}}"#);
    assert_eq!(
        verdict(&all, "net.admin-ports-world"),
        (Status::Fail, Some(ADMIN_PORTS.to_vec()))
    );
    assert_eq!(
        verdict(&all, "net.db-ports-world"),
        (Status::Fail, Some(DATABASE_PORTS.to_vec()))
    );
    assert_eq!(verdict(&all, "net.all-ports-world").0, Status::Fail);
}

#[test]
fn ipv6_world_is_the_world() {
    let rule = r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[],"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#;
    let found = &findings(&one_group(rule), "net.admin-ports-world")[0];
    assert_eq!(found.status, Status::Fail);
    assert_eq!(found.source.as_deref(), Some("::/0"));
    assert_eq!(found.protocol.as_deref(), Some("tcp"));
}

#[test]
fn a_referenced_group_is_never_the_world() {
    let rule =
        r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"UserIdGroupPairs":[{"GroupId":"sg-2"}]}"#;
    assert_eq!(verdict(rule, "net.admin-ports-world").0, Status::Pass);
}

#[test]
fn icmp_type_and_code_are_not_ports() {
    let rule = format!(r#"{{"IpProtocol":"icmp","FromPort":15,"ToPort":-1,{WORLD4}}}"#);
    assert_eq!(verdict(&rule, "net.admin-ports-world").0, Status::Pass);
    assert_eq!(verdict(&rule, "net.all-ports-world").0, Status::Pass);
}

#[test]
fn a_prefix_list_source_is_not_world_open() {
    let rule = r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"PrefixListIds":[{"PrefixListId":"pl-1"}]}"#;
    assert_eq!(verdict(rule, "net.admin-ports-world").0, Status::Pass);
}

#[test]
fn a_wide_public_range_is_not_the_world() {
    let rule =
        r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/1"}]}"#;
    assert_eq!(verdict(rule, "net.admin-ports-world").0, Status::Pass);
}
