//! The security group checks: administration, database or every port open
//! to the internet, and default groups that still allow traffic. Each
//! security group gets one finding per check, saying which instances use
//! it.

use super::instances::{GroupUsers, attachment};
use super::rules::{WorldRule, exposure, protocol_name, world_rules};
use super::{ADMIN_PORTS, DATABASE_PORTS};
use crate::assess::context::Context;
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{Instances, SecurityGroup, SecurityGroups};
use crate::words;
use std::collections::BTreeSet;

pub(super) fn admin_ports(ctx: &Context) -> Vec<Finding> {
    port_check(ctx, "net.admin-ports-world", &ADMIN_PORTS, "administration")
}

pub(super) fn db_ports(ctx: &Context) -> Vec<Finding> {
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
            let (builder, rules) = cite(builder, file, &found.rules);
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
                        rules,
                        attachment(group, instances)
                    )),
            )
        })
    })
}

pub(super) fn all_ports(ctx: &Context) -> Vec<Finding> {
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
            let (builder, rules) = cite(builder, file, &open);
            Some(builder.fail(format!(
                "every port is open to the internet ({}); {}",
                rules,
                attachment(group, instances)
            )))
        })
    })
}

pub(super) fn default_groups(ctx: &Context) -> Vec<Finding> {
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
                    "the default group still has {} and {}; remove them so that every resource \
                     needs a group of its own",
                    words::count(inbound, "inbound rule", "inbound rules"),
                    words::count(outbound, "outbound rule", "outbound rules"),
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
    ctx.each_listed(id, account, region, |groups: &SecurityGroups, file| {
        let instances = ctx.snapshot.answer::<Instances>(account, region);
        let complete = matches!(instances, Answer::Complete { .. });
        let users = instances.value().map(|list| GroupUsers::of(list, complete));
        groups
            .security_groups
            .iter()
            .enumerate()
            .filter_map(|(index, group)| judge(group, index, file, users.as_ref()))
            .collect()
    })
}

/// `builder` with each of `rules` as evidence in `file`, and the rules
/// described, `; ` between them.
fn cite(builder: FindingBuilder, file: &str, rules: &[WorldRule]) -> (FindingBuilder, String) {
    let described: Vec<String> = rules.iter().map(WorldRule::describe).collect();
    let builder = rules
        .iter()
        .fold(builder, |b, r| b.evidence(file, r.source_pointer.clone()));
    (builder, described.join("; "))
}

fn group_finding(
    id: &str,
    account: &str,
    region: &str,
    group: &SecurityGroup,
    file: &str,
    index: usize,
) -> FindingBuilder {
    let group_id = group
        .group_id
        .clone()
        .unwrap_or_else(|| format!("group #{index}"));
    Finding::on(id, account, region, group_id)
        .name(group.group_name.as_deref())
        .evidence(file, pointer(&[&"SecurityGroups", &index]))
}
