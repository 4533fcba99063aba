//! Reading security group rules: which ports a rule opens, and to whom.
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

use crate::assess::finding::pointer;
use crate::snapshot::shapes::{IpPermission, SecurityGroup};
use std::collections::BTreeSet;

/// Ports whose service answers over UDP on its own.
const UDP_PORTS: [u16; 1] = [1434];

/// A rule's protocol, as far as ports are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Protocol {
    All,
    Tcp,
    Udp,
    /// ICMP, ICMPv6 or any other IP protocol: no ports.
    Portless,
}

pub(super) fn protocol(text: Option<&str>) -> Protocol {
    match text.map(str::to_ascii_lowercase).as_deref() {
        Some("-1") | Some("all") => Protocol::All,
        Some("tcp") | Some("6") => Protocol::Tcp,
        Some("udp") | Some("17") => Protocol::Udp,
        _ => Protocol::Portless,
    }
}

pub(super) fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::All => "all",
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Portless => "other",
    }
}

/// Whether a CIDR block is the whole address space (prefix length 0).
pub fn is_world(cidr: &str) -> bool {
    cidr.split_once('/')
        .is_some_and(|(_, len)| len.trim() == "0")
}

/// One inbound rule's opening to the world from one source.
#[derive(Debug, Clone)]
pub(super) struct WorldRule {
    pub(super) protocol: Protocol,
    from: i64,
    to: i64,
    pub(super) source: String,
    /// Where the source sits, for the evidence pointer.
    pub(super) source_pointer: String,
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

    pub(super) fn opens_everything(&self) -> bool {
        match self.protocol {
            Protocol::All => true,
            Protocol::Tcp | Protocol::Udp => self.from <= 1 && self.to >= 65535,
            Protocol::Portless => false,
        }
    }

    pub(super) fn describe(&self) -> String {
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
pub(super) fn world_rules(group: &SecurityGroup, group_index: usize) -> Vec<WorldRule> {
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
pub(super) struct Exposure {
    pub(super) ports: BTreeSet<u16>,
    pub(super) rules: Vec<WorldRule>,
}

pub(super) fn exposure(group: &SecurityGroup, group_index: usize, ports: &[u16]) -> Exposure {
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
