//! The network ACL check: does an ACL admit SSH or RDP from the whole
//! internet? An ACL's inbound entries are read in rule-number order and the
//! first that matches decides, allow or deny.

use super::rules::{Protocol, is_world, protocol};
use crate::assess::context::Context;
use crate::assess::finding::{Finding, pointer};
use crate::snapshot::shapes::{NetworkAcl, NetworkAcls};
use std::collections::BTreeSet;

/// The ports CIS and Security Hub (EC2.21) judge on network ACLs.
const NACL_PORTS: [u16; 2] = [22, 3389];

pub(super) fn nacls(ctx: &Context) -> Vec<Finding> {
    let id = "net.nacl-admin-world";
    ctx.each_region(id, |account, region| {
        ctx.each_listed(id, account, region, |acls: &NetworkAcls, file| {
            acls.network_acls
                .iter()
                .enumerate()
                .map(|(index, acl)| nacl_finding(id, account, region, acl, index, file))
                .collect()
        })
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
