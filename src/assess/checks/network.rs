//! Network exposure: security groups and network ACLs that let the whole
//! internet reach administration or database ports.
//!
//! "The world" is any source with prefix length 0: `0.0.0.0/0` over IPv4
//! and `::/0` over IPv6, judged with the same severity. A rule reaches a
//! port when its protocol is `-1` (every protocol, every port), or TCP with
//! the port inside `FromPort`..`ToPort`. UDP counts only where a service
//! listens on UDP by itself (SQL Server Browser, udp/1434). ICMP rules carry
//! an ICMP type and code in the port fields, never ports; other protocol
//! numbers (GRE is `47`) carry no ports. A rule whose source is another
//! security group or a prefix list is never world-open: a prefix list's
//! entries are not in the snapshot, so its source is unknown, not open.

use super::Check;
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, pointer};
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{
    Instance, Instances, IpPermission, NetworkAcl, NetworkAcls, SecurityGroup, SecurityGroups,
};
use std::collections::{BTreeSet, HashMap};

/// Remote administration: SSH, Telnet, RDP, VNC (5500 reverse, 5900).
pub const ADMIN_PORTS: [u16; 5] = [22, 23, 3389, 5500, 5900];
/// Databases: SQL Server (1433, browser 1434), Oracle, MySQL, PostgreSQL.
pub const DATABASE_PORTS: [u16; 5] = [1433, 1434, 1521, 3306, 5432];
/// Ports whose service answers over UDP on its own.
const UDP_PORTS: [u16; 1] = [1434];
/// The ports CIS and Security Hub (EC2.21) judge on network ACLs.
const NACL_PORTS: [u16; 2] = [22, 3389];

pub static CHECKS: &[Check] = &[
    Check {
        id: "net.admin-ports-world",
        title: "Administration ports closed to the internet",
        run: admin_ports,
    },
    Check {
        id: "net.db-ports-world",
        title: "Database ports closed to the internet",
        run: db_ports,
    },
    Check {
        id: "net.all-ports-world",
        title: "No security group opens every port to the internet",
        run: all_ports,
    },
    Check {
        id: "net.default-sg-closed",
        title: "Default security groups allow no traffic",
        run: default_groups,
    },
    Check {
        id: "net.nacl-admin-world",
        title: "Network ACLs do not admit SSH or RDP from the internet",
        run: nacls,
    },
];

/// A rule's protocol, as far as ports are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    All,
    Tcp,
    Udp,
    /// ICMP, ICMPv6 or any other IP protocol: no ports.
    Portless,
}

fn protocol(text: Option<&str>) -> Protocol {
    match text.map(str::to_ascii_lowercase).as_deref() {
        Some("-1") | Some("all") => Protocol::All,
        Some("tcp") | Some("6") => Protocol::Tcp,
        Some("udp") | Some("17") => Protocol::Udp,
        _ => Protocol::Portless,
    }
}

/// Whether a CIDR block is the whole address space (prefix length 0).
pub fn is_world(cidr: &str) -> bool {
    cidr.split_once('/')
        .is_some_and(|(_, len)| len.trim() == "0")
}

/// One inbound rule's opening to the world from one source.
#[derive(Debug, Clone)]
struct WorldRule {
    protocol: Protocol,
    from: i64,
    to: i64,
    source: String,
    /// Where the source sits, for the evidence pointer.
    source_pointer: String,
}

impl WorldRule {
    fn reaches(&self, port: u16) -> bool {
        let in_range = self.from <= i64::from(port) && i64::from(port) <= self.to;
        match self.protocol {
            Protocol::All => true,
            Protocol::Tcp => in_range,
            Protocol::Udp => in_range && UDP_PORTS.contains(&port),
            Protocol::Portless => false,
        }
    }

    fn opens_everything(&self) -> bool {
        match self.protocol {
            Protocol::All => true,
            Protocol::Tcp | Protocol::Udp => self.from <= 1 && self.to >= 65535,
            Protocol::Portless => false,
        }
    }

    fn describe(&self) -> String {
        match self.protocol {
            Protocol::All => format!("all traffic from {}", self.source),
            _ => {
                let name = if self.protocol == Protocol::Tcp {
                    "tcp"
                } else {
                    "udp"
                };
                let ports = if self.from == self.to {
                    format!("/{}", self.from)
                } else {
                    format!(" {}-{}", self.from, self.to)
                };
                format!("{name}{ports} from {}", self.source)
            }
        }
    }
}

/// The inbound rules of `group` open to the world, one per rule and source.
fn world_rules(group: &SecurityGroup, group_index: usize) -> Vec<WorldRule> {
    let mut rules = Vec::new();
    for (index, rule) in group.ip_permissions.iter().enumerate() {
        let protocol = protocol(rule.ip_protocol.as_deref());
        let (from, to) = port_range(rule, protocol);
        let base = pointer(&[&"SecurityGroups", &group_index, &"IpPermissions", &index]);
        let v4 = rule
            .ip_ranges
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.cidr_ip.as_deref()?, "IpRanges")));
        let v6 = rule
            .ipv6_ranges
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r.cidr_ipv6.as_deref()?, "Ipv6Ranges")));
        for (i, cidr, list) in v4.chain(v6).filter(|(_, cidr, _)| is_world(cidr)) {
            rules.push(WorldRule {
                protocol,
                from,
                to,
                source: cidr.to_string(),
                source_pointer: format!("{base}/{list}/{i}"),
            });
        }
    }
    rules
}

/// The port range of a TCP or UDP rule; absent or `-1` bounds mean every
/// port (AWS accepts `-1` for "all" on these protocols).
fn port_range(rule: &IpPermission, protocol: Protocol) -> (i64, i64) {
    match protocol {
        Protocol::Tcp | Protocol::Udp => match (rule.from_port, rule.to_port) {
            (Some(from), Some(to)) if from >= 0 && to >= 0 => (i64::from(from), i64::from(to)),
            _ => (0, 65535),
        },
        _ => (0, 65535),
    }
}

/// What a group exposes of a list of ports.
struct Exposure {
    ports: BTreeSet<u16>,
    rules: Vec<WorldRule>,
}

fn exposure(group: &SecurityGroup, group_index: usize, ports: &[u16]) -> Exposure {
    let mut exposed = BTreeSet::new();
    let mut rules = Vec::new();
    for rule in world_rules(group, group_index) {
        let reached: Vec<u16> = ports.iter().copied().filter(|p| rule.reaches(*p)).collect();
        if !reached.is_empty() {
            exposed.extend(reached);
            rules.push(rule);
        }
    }
    Exposure {
        ports: exposed,
        rules,
    }
}

/// The ports of `ports` that `group`'s rules open to the world, for the
/// remote-access check.
pub fn world_open_ports(group: &SecurityGroup, ports: &[u16]) -> (BTreeSet<u16>, BTreeSet<String>) {
    let found = exposure(group, 0, ports);
    (
        found.ports,
        found.rules.iter().map(|r| r.source.clone()).collect(),
    )
}

fn admin_ports(ctx: &Context) -> Vec<Finding> {
    port_check(ctx, "net.admin-ports-world", &ADMIN_PORTS, "administration")
}

fn db_ports(ctx: &Context) -> Vec<Finding> {
    port_check(ctx, "net.db-ports-world", &DATABASE_PORTS, "database")
}

fn port_check(ctx: &Context, id: &str, ports: &[u16], kind: &str) -> Vec<Finding> {
    ctx.each_region(id, |account, region| {
        each_group(ctx, id, account, region, |group, index, file, instances| {
            let found = exposure(group, index, ports);
            let builder = group_finding(id, account, region, group, file, index);
            if found.ports.is_empty() {
                let list: Vec<String> = ports.iter().map(u16::to_string).collect();
                return Some(builder.pass(format!(
                    "no rule opens {kind} ports ({}) to the internet",
                    list.join(", ")
                )));
            }
            let builder = found
                .rules
                .iter()
                .fold(builder, |b, r| b.evidence(file, r.source_pointer.clone()));
            let rules: Vec<String> = found.rules.iter().map(WorldRule::describe).collect();
            let protocols: BTreeSet<&str> = found
                .rules
                .iter()
                .map(|r| protocol_name(r.protocol))
                .collect();
            let sources: BTreeSet<&str> = found.rules.iter().map(|r| r.source.as_str()).collect();
            let port_list: Vec<String> = found.ports.iter().map(u16::to_string).collect();
            Some(
                builder
                    .exposure(
                        found.ports.iter().copied().collect(),
                        protocols.into_iter().collect::<Vec<_>>().join(", "),
                        sources.into_iter().collect::<Vec<_>>().join(", "),
                    )
                    .fail(format!(
                        "{kind} port{} {} open to the internet ({}); {}",
                        if found.ports.len() == 1 { "" } else { "s" },
                        port_list.join(", "),
                        rules.join("; "),
                        attachment(group, instances)
                    )),
            )
        })
    })
}

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::All => "all",
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Portless => "other",
    }
}

fn all_ports(ctx: &Context) -> Vec<Finding> {
    let id = "net.all-ports-world";
    ctx.each_region(id, |account, region| {
        each_group(ctx, id, account, region, |group, index, file, instances| {
            let open: Vec<WorldRule> = world_rules(group, index)
                .into_iter()
                .filter(WorldRule::opens_everything)
                .collect();
            let builder = group_finding(id, account, region, group, file, index);
            if open.is_empty() {
                return Some(builder.pass("no rule opens every port to the internet"));
            }
            let rules: Vec<String> = open.iter().map(WorldRule::describe).collect();
            let builder = open
                .iter()
                .fold(builder, |b, r| b.evidence(file, r.source_pointer.clone()));
            Some(builder.fail(format!(
                "every port is open to the internet ({}); {}",
                rules.join("; "),
                attachment(group, instances)
            )))
        })
    })
}

fn default_groups(ctx: &Context) -> Vec<Finding> {
    let id = "net.default-sg-closed";
    ctx.each_region(id, |account, region| {
        each_group(ctx, id, account, region, |group, index, file, _| {
            if group.group_name.as_deref() != Some("default") {
                return None;
            }
            let builder = group_finding(id, account, region, group, file, index);
            let (inbound, outbound) = (
                group.ip_permissions.len(),
                group.ip_permissions_egress.len(),
            );
            Some(builder.verdict(
                inbound == 0 && outbound == 0,
                "the default group has no inbound and no outbound rules",
                format!(
                    "the default group still has {inbound} inbound and {outbound} outbound rule{}; \
                     remove them so that every resource needs a group of its own",
                    if inbound + outbound == 1 { "" } else { "s" }
                ),
            ))
        })
    })
}

/// Runs `judge` on every security group of a region, keeping the findings
/// it gives; an unavailable or partial listing adds a not-assessed finding
/// for the region.
fn each_group(
    ctx: &Context,
    id: &str,
    account: &str,
    region: &str,
    mut judge: impl FnMut(&SecurityGroup, usize, &str, Option<&GroupUsers>) -> Option<Finding>,
) -> Vec<Finding> {
    let answer = ctx.snapshot.answer::<SecurityGroups>(account, region);
    let Some(groups) = answer.value() else {
        return vec![unavailable(
            Finding::on(id, account, region, region),
            &answer,
        )];
    };
    let file = answer.file().unwrap_or_default();
    let instances = ctx.snapshot.answer::<Instances>(account, region);
    let users = instances.value().map(GroupUsers::of);
    let mut findings: Vec<Finding> = groups
        .security_groups
        .iter()
        .enumerate()
        .filter_map(|(index, group)| judge(group, index, file, users.as_ref()))
        .collect();
    if let Answer::Partial { .. } = answer {
        findings.push(unavailable(
            Finding::on(id, account, region, region),
            &answer,
        ));
    }
    findings
}

fn group_finding(
    id: &str,
    account: &str,
    region: &str,
    group: &SecurityGroup,
    file: &str,
    index: usize,
) -> crate::assess::finding::FindingBuilder {
    let group_id = group
        .group_id
        .clone()
        .unwrap_or_else(|| format!("group #{index}"));
    Finding::on(id, account, region, group_id)
        .name(group.group_name.as_deref())
        .evidence(file, pointer(&[&"SecurityGroups", &index]))
}

/// The instances of a region by the security groups they use, built once
/// per region so that judging a group does not scan every instance.
pub struct GroupUsers<'a> {
    by_group: HashMap<&'a str, Vec<&'a Instance>>,
}

impl<'a> GroupUsers<'a> {
    pub fn of(instances: &'a Instances) -> GroupUsers<'a> {
        let mut by_group: HashMap<&str, Vec<&Instance>> = HashMap::new();
        for instance in instances.iter() {
            for group in group_ids(instance) {
                by_group.entry(group).or_default().push(instance);
            }
        }
        GroupUsers { by_group }
    }

    pub fn of_group(&self, group_id: &str) -> &[&'a Instance] {
        self.by_group.get(group_id).map_or(&[], Vec::as_slice)
    }
}

/// The security groups an instance uses, on the instance and on each of
/// its network interfaces.
pub fn group_ids(instance: &Instance) -> BTreeSet<&str> {
    let on_instance = instance.security_groups.iter();
    let on_interfaces = instance
        .network_interfaces
        .iter()
        .flat_map(|n| n.groups.iter());
    on_instance
        .chain(on_interfaces)
        .filter_map(|g| g.group_id.as_deref())
        .collect()
}

/// Which instances use `group`: a running instance with a public address
/// behind an open group is reachable now; a group attached to nothing is
/// a risk waiting for its first instance.
fn attachment(group: &SecurityGroup, users: Option<&GroupUsers>) -> String {
    let Some(users) = users else {
        return "which instances use the group is unknown (describe-instances unavailable)".into();
    };
    let group_id = group.group_id.as_deref().unwrap_or_default();
    let users = users.of_group(group_id);
    if users.is_empty() {
        return "attached to no instance".into();
    }
    let described: Vec<String> = users.iter().map(|i| describe_instance(i)).collect();
    format!("attached to {}", described.join(", "))
}

fn describe_instance(instance: &Instance) -> String {
    let id = instance.instance_id.as_deref().unwrap_or("an instance");
    let state = instance
        .state
        .as_ref()
        .and_then(|s| s.name.as_deref())
        .unwrap_or("unknown-state");
    let name = instance_name(instance)
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    match public_ip(instance) {
        Some(ip) if state == "running" => {
            format!("{state} instance {id}{name} with public IP {ip}: reachable now")
        }
        Some(ip) => format!("{state} instance {id}{name} with public IP {ip}"),
        None => format!("{state} instance {id}{name} without a public IP"),
    }
}

/// The instance's `Name` tag.
pub fn instance_name(instance: &Instance) -> Option<&str> {
    instance
        .tags
        .iter()
        .find(|t| t.key.as_deref() == Some("Name"))
        .and_then(|t| t.value.as_deref())
}

/// The instance's public IPv4 address, on the instance or an interface.
pub fn public_ip(instance: &Instance) -> Option<&str> {
    instance
        .public_ip_address
        .as_deref()
        .filter(|ip| !ip.is_empty())
        .or_else(|| {
            instance
                .network_interfaces
                .iter()
                .find_map(|n| n.association.as_ref().and_then(|a| a.public_ip.as_deref()))
        })
}

fn nacls(ctx: &Context) -> Vec<Finding> {
    let id = "net.nacl-admin-world";
    ctx.each_region(id, |account, region| {
        let answer = ctx.snapshot.answer::<NetworkAcls>(account, region);
        let Some(acls) = answer.value() else {
            return vec![unavailable(
                Finding::on(id, account, region, region),
                &answer,
            )];
        };
        let file = answer.file().unwrap_or_default();
        let mut findings: Vec<Finding> = acls
            .network_acls
            .iter()
            .enumerate()
            .map(|(index, acl)| nacl_finding(id, account, region, acl, index, file))
            .collect();
        if let Answer::Partial { .. } = answer {
            findings.push(unavailable(
                Finding::on(id, account, region, region),
                &answer,
            ));
        }
        findings
    })
}

fn nacl_finding(
    id: &str,
    account: &str,
    region: &str,
    acl: &NetworkAcl,
    index: usize,
    file: &str,
) -> Finding {
    let acl_id = acl
        .network_acl_id
        .clone()
        .unwrap_or_else(|| format!("network ACL #{index}"));
    let name = acl
        .tags
        .iter()
        .find(|t| t.key.as_deref() == Some("Name"))
        .and_then(|t| t.value.as_deref());
    let name = name.or(acl.is_default.unwrap_or(false).then_some("default"));
    let mut builder = Finding::on(id, account, region, acl_id).name(name);
    let mut open = Vec::new();
    let mut sources = BTreeSet::new();
    for port in NACL_PORTS {
        for (entry_index, source) in nacl_decision(acl, port) {
            builder = builder.evidence(
                file,
                pointer(&[&"NetworkAcls", &index, &"Entries", &entry_index]),
            );
            open.push(format!(
                "tcp/{port} from {source} (rule {})",
                acl.entries[entry_index].rule_number.unwrap_or(0)
            ));
            sources.insert(source);
        }
    }
    if open.is_empty() {
        return builder
            .evidence(file, pointer(&[&"NetworkAcls", &index]))
            .pass("no inbound rule admits SSH (22) or RDP (3389) from the internet");
    }
    let ports: BTreeSet<u16> = NACL_PORTS
        .iter()
        .copied()
        .filter(|p| open.iter().any(|o| o.starts_with(&format!("tcp/{p} "))))
        .collect();
    builder
        .exposure(
            ports.into_iter().collect(),
            "tcp".into(),
            sources.into_iter().collect::<Vec<_>>().join(", "),
        )
        .fail(format!("the network ACL admits {}", open.join("; ")))
}

/// For one TCP port: per address family, the entry that decides traffic
/// from the internet, if it allows. Entries are read in rule-number order
/// and the first one that matches decides; entries whose source is narrower
/// than the whole internet decide only for some addresses, so they are
/// passed over here.
fn nacl_decision(acl: &NetworkAcl, port: u16) -> Vec<(usize, String)> {
    let mut inbound: Vec<(usize, &crate::snapshot::shapes::NetworkAclEntry)> = acl
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.egress != Some(true))
        .collect();
    inbound.sort_by_key(|(_, e)| e.rule_number.unwrap_or(i32::MAX));
    let mut allowed = Vec::new();
    for family in [Family::V4, Family::V6] {
        let decider = inbound.iter().find(|(_, e)| {
            let source = match family {
                Family::V4 => e.cidr_block.as_deref(),
                Family::V6 => e.ipv6_cidr_block.as_deref(),
            };
            source.is_some_and(is_world) && nacl_reaches(e, port)
        });
        if let Some((index, entry)) = decider
            && entry.rule_action.as_deref() == Some("allow")
        {
            let source = match family {
                Family::V4 => entry.cidr_block.clone(),
                Family::V6 => entry.ipv6_cidr_block.clone(),
            };
            allowed.push((*index, source.unwrap_or_default()));
        }
    }
    allowed
}

#[derive(Clone, Copy)]
enum Family {
    V4,
    V6,
}

/// NACL entries give protocols as numbers: `-1` all, `6` TCP.
fn nacl_reaches(entry: &crate::snapshot::shapes::NetworkAclEntry, port: u16) -> bool {
    match protocol(entry.protocol.as_deref()) {
        Protocol::All => true,
        Protocol::Tcp => match entry
            .port_range
            .as_ref()
            .and_then(|r| Some((r.from?, r.to?)))
        {
            Some((from, to)) => from <= i32::from(port) && i32::from(port) <= to,
            None => true,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::print_stderr)]

    use super::*;
    use crate::assess::finding::Status;
    use crate::assess::testing::{SnapshotBuilder, findings, outcomes, sample_findings};

    const REGION: &str = "eu-west-2";

    /// A region holding one group with the given inbound rules.
    fn one_group(rules: &str) -> crate::snapshot::read::Snapshot {
        let groups = format!(
            r#"{{"SecurityGroups":[{{"GroupId":"sg-1","GroupName":"g","IpPermissions":[{rules}]}}]}}"#
        );
        SnapshotBuilder::new()
            .call(REGION, "ec2/describe-security-groups", &groups)
            .call(REGION, "ec2/describe-instances", r#"{"Reservations":[]}"#)
            .build()
    }

    fn verdict(rules: &str, check: &str) -> (Status, Option<Vec<u16>>) {
        let found = findings(&one_group(rules), check);
        assert_eq!(found.len(), 1, "{found:#?}");
        (found[0].status, found[0].ports.clone())
    }

    const WORLD4: &str = r#""IpRanges":[{"CidrIp":"0.0.0.0/0"}]"#;

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
        let rule = r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"UserIdGroupPairs":[{"GroupId":"sg-2"}]}"#;
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
    fn a_wide_public_range_is_not_the_world() {
        let rule =
            r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/1"}]}"#;
        assert_eq!(verdict(rule, "net.admin-ports-world").0, Status::Pass);
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
            found[0].reason.contains(
                "running instance i-1 (bastion) with public IP 198.51.100.7: reachable now"
            ),
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
    fn groups_unavailable_or_cut_short_are_not_assessed() {
        let denied = SnapshotBuilder::new()
            .failed(
                REGION,
                "ec2/describe-security-groups",
                crate::snapshot::log::CallStatus::AccessDenied,
            )
            .build();
        let found = findings(&denied, "net.admin-ports-world");
        assert_eq!(
            outcomes(&found),
            [("not-assessed".into(), REGION.into(), REGION.into())]
        );
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
    fn regions_not_exported_are_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .call(
                REGION,
                "ec2/describe-security-groups",
                r#"{"SecurityGroups":[]}"#,
            )
            .not_exported("eu-west-3")
            .build();
        assert_eq!(
            outcomes(&findings(&snapshot, "net.admin-ports-world")),
            [(
                "not-assessed".to_string(),
                "eu-west-3".to_string(),
                "eu-west-3".to_string()
            )]
        );
    }

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

    /// A real export from the shared cases, imported as the region's groups.
    fn case(name: &str) -> Option<crate::snapshot::read::Snapshot> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/cases/public-exports")
            .join(name);
        let Ok(json) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {} is not present", path.display());
            return None;
        };
        Some(
            SnapshotBuilder::new()
                .call(REGION, "ec2/describe-security-groups", &json)
                .build(),
        )
    }

    /// `(group, ports)` of the failing findings of `check` on a case.
    fn failing(snapshot: &crate::snapshot::read::Snapshot, check: &str) -> Vec<(String, Vec<u16>)> {
        findings(snapshot, check)
            .into_iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| {
                (
                    f.resource_name.unwrap_or(f.resource_id),
                    f.ports.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn case_cloudmapper_demo_has_no_controlled_port_open() {
        let Some(snapshot) = case("sg-cloudmapper-demo.json") else {
            return;
        };
        assert!(failing(&snapshot, "net.admin-ports-world").is_empty());
        assert!(failing(&snapshot, "net.db-ports-world").is_empty());
    }

    #[test]
    fn case_custodian_port_ranges_one_range_rule_and_one_ssh_rule() {
        let Some(snapshot) = case("sg-custodian-port-ranges.json") else {
            return;
        };
        let admin = failing(&snapshot, "net.admin-ports-world");
        let db = failing(&snapshot, "net.db-ports-world");
        let ids = |list: &[(String, Vec<u16>)]| {
            list.iter()
                .map(|(g, p)| (g.clone(), p.clone()))
                .collect::<Vec<_>>()
        };
        let range_group = findings(&snapshot, "net.db-ports-world")
            .into_iter()
            .find(|f| f.resource_id == "sg-02a60363e2b087ff8")
            .unwrap();
        let range_name = range_group
            .resource_name
            .clone()
            .unwrap_or(range_group.resource_id.clone());
        assert_eq!(
            ids(&db),
            [(range_name.clone(), vec![1433, 1434, 1521, 3306])]
        );
        assert_eq!(
            ids(&admin),
            [
                (range_name, vec![3389]),
                ("sg_testuser_1".to_string(), vec![22])
            ]
        );
    }

    #[test]
    fn case_demisto_ipv6_all_traffic_exposes_every_controlled_port() {
        let Some(snapshot) = case("sg-demisto-ipv6-ranges.json") else {
            return;
        };
        assert_eq!(
            failing(&snapshot, "net.admin-ports-world"),
            [("sg-12345".to_string(), ADMIN_PORTS.to_vec())]
        );
        assert_eq!(
            failing(&snapshot, "net.db-ports-world"),
            [("sg-12345".to_string(), DATABASE_PORTS.to_vec())]
        );
        let admin = &findings(&snapshot, "net.admin-ports-world")[0];
        assert!(
            admin.reason.contains("tcp 10-22 from 0.0.0.0/0"),
            "{}",
            admin.reason
        );
        assert!(
            admin.reason.contains("tcp 22-23 from ::/0"),
            "{}",
            admin.reason
        );
        assert!(
            !admin.reason.contains("/55"),
            "port 55 is not controlled: {}",
            admin.reason
        );
    }

    #[test]
    fn case_custodian_icmp_sgref_only_launch_wizard_ssh() {
        let Some(snapshot) = case("sg-custodian-icmp-sgref.json") else {
            return;
        };
        assert_eq!(
            failing(&snapshot, "net.admin-ports-world"),
            [("launch-wizard-1".to_string(), vec![22])]
        );
        assert!(failing(&snapshot, "net.db-ports-world").is_empty());
    }

    #[test]
    fn sample_network_findings_match_its_readme() {
        let fails = |check| -> Vec<(String, String)> {
            sample_findings(check)
                .into_iter()
                .filter(|f| f.status != Status::Pass)
                .map(|f| {
                    (
                        f.status.to_string(),
                        f.resource_name.unwrap_or(f.resource_id),
                    )
                })
                .filter(|(_, r)| {
                    !r.starts_with("eu-")
                        && !r.starts_with("us-")
                        && !r.starts_with("ap-")
                        && !r.starts_with("ca-")
                        && !r.starts_with("sa-")
                })
                .collect()
        };
        let fail = |name: &str| ("fail".to_string(), name.to_string());
        assert_eq!(
            fails("net.admin-ports-world"),
            [fail("nbch-bastion-ssh"), fail("nbch-jumphost-supplier-rdp")]
        );
        assert_eq!(fails("net.db-ports-world"), [fail("nbch-dr-db-postgres")]);
        assert_eq!(fails("net.all-ports-world"), Vec::<(String, String)>::new());
        assert_eq!(fails("net.default-sg-closed"), [fail("default")]);
        let nacl_fails: Vec<String> = sample_findings("net.nacl-admin-world")
            .into_iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| f.resource_id)
            .collect();
        assert_eq!(
            nacl_fails,
            ["acl-05140800421611d95", "acl-0f2686cfdd971c684"]
        );
        let default_pass: Vec<String> = sample_findings("net.default-sg-closed")
            .into_iter()
            .filter(|f| f.status == Status::Pass)
            .map(|f| f.resource_id)
            .collect();
        assert_eq!(default_pass, ["sg-018377879d82b686b"]);
    }
}
