//! Remote access: how people reach servers. Through AWS Systems Manager
//! (Session Manager, no inbound port at all), or directly over SSH, RDP or
//! another administration port opened to the internet.
//!
//! Systems Manager lists the nodes it manages. EC2 instances have `i-` IDs;
//! servers elsewhere registered through a hybrid activation have `mi-` IDs
//! and are no EC2 instance, so they are not joined to any.

use super::Check;
use super::network::{ADMIN_PORTS, group_ids, instance_name, public_ip, world_open_ports};
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{
    Instance, InstanceInformation, Instances, SecurityGroup, SecurityGroups,
};
use std::collections::{BTreeSet, HashMap};

pub static CHECKS: &[Check] = &[
    Check {
        id: "remote.ssm-managed",
        title: "Instances are managed by Systems Manager",
        run: ssm_managed,
    },
    Check {
        id: "remote.no-direct-admin",
        title: "No instance is reachable from the internet on an administration port",
        run: no_direct_admin,
    },
];

/// Runs `judge` on every instance of a region that exists (not terminated),
/// with its index in `Reservations`/`Instances` for evidence pointers.
fn each_instance(
    ctx: &Context,
    id: &str,
    account: &str,
    region: &str,
    mut judge: impl FnMut(&Instance, FindingBuilder) -> Finding,
) -> Vec<Finding> {
    ctx.each_listed(id, account, region, |instances: &Instances, file| {
        let mut findings = Vec::new();
        for (r, reservation) in instances.reservations.iter().enumerate() {
            for (i, instance) in reservation.instances.iter().enumerate() {
                let state = instance.state.as_ref().and_then(|s| s.name.as_deref());
                if matches!(state, Some("terminated") | Some("shutting-down")) {
                    continue;
                }
                let builder = Finding::on(
                    id,
                    account,
                    region,
                    instance.instance_id.clone().unwrap_or_default(),
                )
                .name(instance_name(instance))
                .evidence(file, pointer(&[&"Reservations", &r, &"Instances", &i]));
                findings.push(judge(instance, builder));
            }
        }
        findings
    })
}

fn ssm_managed(ctx: &Context) -> Vec<Finding> {
    let id = "remote.ssm-managed";
    ctx.each_region(id, |account, region| {
        let nodes = ctx.snapshot.answer::<InstanceInformation>(account, region);
        each_instance(ctx, id, account, region, |instance, builder| {
            let Some(list) = nodes.value() else { return unavailable(builder, &nodes) };
            let file = nodes.file().unwrap_or_default();
            let instance_id = instance.instance_id.as_deref().unwrap_or_default();
            let node = list.instance_information_list.iter().enumerate().find(|(_, n)| n.instance_id.as_deref() == Some(instance_id));
            let running = instance.state.as_ref().and_then(|s| s.name.as_deref()) == Some("running");
            match node {
                Some((index, node)) => {
                    let ping = node.ping_status.as_deref().unwrap_or("unknown");
                    let builder = builder.evidence(file, pointer(&[&"InstanceInformationList", &index]));
                    if ping == "Online" || !running {
                        builder.pass(format!("managed by Systems Manager (ping status {ping})"))
                    } else {
                        builder.fail(format!("registered with Systems Manager but not reachable (ping status {ping})"))
                    }
                }
                None if matches!(nodes, Answer::Partial { .. }) => unavailable(builder, &nodes),
                None => builder
                    .evidence(file, "/InstanceInformationList")
                    .fail("not managed by Systems Manager: patching and Session Manager access cannot reach it"),
            }
        })
    })
}

fn no_direct_admin(ctx: &Context) -> Vec<Finding> {
    let id = "remote.no-direct-admin";
    ctx.each_region(id, |account, region| {
        let groups = ctx.snapshot.answer::<SecurityGroups>(account, region);
        // Each group by ID, with its index for evidence pointers.
        let by_id: HashMap<&str, (usize, &SecurityGroup)> = groups
            .value()
            .map(|list| {
                let with_ids = list.security_groups.iter().enumerate();
                with_ids
                    .filter_map(|(i, g)| Some((g.group_id.as_deref()?, (i, g))))
                    .collect()
            })
            .unwrap_or_default();
        each_instance(ctx, id, account, region, |instance, builder| {
            if groups.value().is_none() {
                return unavailable(builder, &groups);
            }
            let file = groups.file().unwrap_or_default();
            let instance_id = instance.instance_id.as_deref().unwrap_or_default();
            let mut open = BTreeSet::new();
            let mut unseen = Vec::new();
            let mut builder = builder;
            let used = group_ids(instance);
            if used.is_empty() {
                unseen.push("describe-instances lists no security group for the instance".into());
            }
            for group_id in used {
                let Some(&(index, group)) = by_id.get(group_id) else {
                    unseen.push(missing_group(group_id, &groups));
                    continue;
                };
                let (ports, sources) = world_open_ports(group, &ADMIN_PORTS);
                if !ports.is_empty() {
                    builder = builder.evidence(file, pointer(&[&"SecurityGroups", &index]));
                    let pairs = sources
                        .into_iter()
                        .flat_map(|s| ports.iter().map(move |p| (*p, s.clone())));
                    open.extend(pairs);
                }
            }
            if !unseen.is_empty() {
                builder = builder.evidence(file, "/SecurityGroups");
            }
            judge_reach(builder, instance, instance_id, &open, &unseen)
        })
    })
}

/// Why a group the instance uses cannot be read: `describe-security-groups`
/// does not list it (a group deleted or an export of another moment), or
/// lists only its first page.
fn missing_group(group_id: &str, groups: &Answer<'_, SecurityGroups>) -> String {
    match groups {
        Answer::Partial { .. } => {
            format!(
                "security group {group_id} of the instance is not in the first page of describe-security-groups"
            )
        }
        _ => {
            format!("security group {group_id} of the instance is not in describe-security-groups")
        }
    }
}

/// An instance is reachable directly when an open rule's address family
/// matches an address the instance has on the internet. `unseen` says why
/// some of its groups cannot be read: an open rule among those read still
/// fails the instance, and an instance without a public address is still
/// out of reach, but nothing else can pass on groups nobody has seen.
fn judge_reach(
    builder: FindingBuilder,
    instance: &Instance,
    id: &str,
    open: &BTreeSet<(u16, String)>,
    unseen: &[String],
) -> Finding {
    let v4 = public_ip(instance);
    let has_v6 = instance
        .network_interfaces
        .iter()
        .any(|n| !n.ipv6_addresses.is_empty());
    let reachable: Vec<String> = open
        .iter()
        .filter(|(_, source)| {
            if source.contains(':') {
                has_v6
            } else {
                v4.is_some()
            }
        })
        .map(|(port, source)| format!("{port} from {source}"))
        .collect();
    if !reachable.is_empty() {
        let address = v4
            .map(|ip| format!("public IP {ip}"))
            .unwrap_or_else(|| "an IPv6 address".into());
        return builder.fail(format!(
            "{id} has {address} and its security groups admit {} from the internet; use Session Manager instead",
            reachable.join(", ")
        ));
    }
    let unseen = unseen.join("; ");
    if !unseen.is_empty() && (v4.is_some() || has_v6) {
        return builder.not_assessed(format!(
            "{unseen}: whether the instance's public address admits an administration port \
             is unknown"
        ));
    }
    if open.is_empty() && !unseen.is_empty() {
        builder.pass(format!("the instance has no public address ({unseen})"))
    } else if open.is_empty() {
        builder
            .pass("no security group of the instance opens an administration port to the internet")
    } else {
        let ports: BTreeSet<u16> = open.iter().map(|(p, _)| *p).collect();
        let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
        builder.pass(format!(
            "its groups open port {} to the internet, but the instance has no public address",
            ports.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::finding::Status;
    use crate::assess::testing::{
        SnapshotBuilder, account_outcomes, findings, sample_findings, with_gaps,
    };
    use crate::snapshot::log::CallStatus;

    const REGION: &str = "eu-west-2";
    const INSTANCES: &str = r#"{"Reservations":[{"Instances":[
        {"InstanceId":"i-1","State":{"Name":"running"},"PublicIpAddress":"198.51.100.9","SecurityGroups":[{"GroupId":"sg-ssh"}]},
        {"InstanceId":"i-2","State":{"Name":"running"},"SecurityGroups":[{"GroupId":"sg-ssh"}]},
        {"InstanceId":"i-3","State":{"Name":"terminated"}}]}]}"#;
    const GROUPS: &str = r#"{"SecurityGroups":[{"GroupId":"sg-ssh","IpPermissions":[
        {"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}"#;

    fn statuses(found: &[Finding]) -> Vec<(String, Status)> {
        found
            .iter()
            .map(|f| (f.resource_id.clone(), f.status))
            .collect()
    }

    #[test]
    fn public_ip_behind_world_ssh_is_reachable_private_one_is_not() {
        let snapshot = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", INSTANCES)
            .call(REGION, "ec2/describe-security-groups", GROUPS)
            .build();
        let found = findings(&snapshot, "remote.no-direct-admin");
        assert_eq!(
            statuses(&found),
            [("i-1".into(), Status::Fail), ("i-2".into(), Status::Pass)]
        );
        assert!(
            found[0].reason.contains("public IP 198.51.100.9"),
            "{}",
            found[0].reason
        );
        assert!(
            found[1].reason.contains("no public address"),
            "{}",
            found[1].reason
        );
    }

    /// Instances using a group that the groups listing does not hold: one
    /// with a public IPv4 address, one with an IPv6 address, one with
    /// neither, and one whose other group opens SSH to the world.
    const USING_UNLISTED: &str = r#"{"Reservations":[{"Instances":[
        {"InstanceId":"i-1","State":{"Name":"running"},"PublicIpAddress":"198.51.100.9","SecurityGroups":[{"GroupId":"sg-gone"}]},
        {"InstanceId":"i-2","State":{"Name":"running"},"NetworkInterfaces":[{"Ipv6Addresses":[{"Ipv6Address":"2001:db8::1"}],"Groups":[{"GroupId":"sg-gone"}]}]},
        {"InstanceId":"i-3","State":{"Name":"running"},"SecurityGroups":[{"GroupId":"sg-gone"}]},
        {"InstanceId":"i-4","State":{"Name":"running"},"PublicIpAddress":"198.51.100.10","SecurityGroups":[{"GroupId":"sg-gone"},{"GroupId":"sg-ssh"}]}]}]}"#;

    #[test]
    fn a_group_missing_from_the_listing_proves_nothing_about_a_public_instance() {
        let snapshot = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", USING_UNLISTED)
            .call(REGION, "ec2/describe-security-groups", GROUPS)
            .build();
        let found = findings(&snapshot, "remote.no-direct-admin");
        assert_eq!(
            statuses(&found),
            [
                ("i-1".into(), Status::NotAssessed),
                ("i-2".into(), Status::NotAssessed),
                ("i-3".into(), Status::Pass),
                ("i-4".into(), Status::Fail),
            ]
        );
        assert!(
            found[0].reason.starts_with(
                "security group sg-gone of the instance is not in describe-security-groups"
            ),
            "{}",
            found[0].reason
        );
        assert!(
            found[2]
                .reason
                .starts_with("the instance has no public address"),
            "{}",
            found[2].reason
        );
    }

    #[test]
    fn a_group_beyond_the_first_page_or_no_group_at_all_is_not_assessed() {
        let partial = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", USING_UNLISTED)
            .partial(REGION, "ec2/describe-security-groups", GROUPS)
            .build();
        let found = findings(&partial, "remote.no-direct-admin");
        assert_eq!(found[0].status, Status::NotAssessed);
        assert!(
            found[0]
                .reason
                .contains("not in the first page of describe-security-groups"),
            "{}",
            found[0].reason
        );

        let no_group = r#"{"Reservations":[{"Instances":[
            {"InstanceId":"i-1","State":{"Name":"running"},"PublicIpAddress":"198.51.100.9"}]}]}"#;
        let snapshot = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", no_group)
            .call(REGION, "ec2/describe-security-groups", GROUPS)
            .build();
        let found = findings(&snapshot, "remote.no-direct-admin");
        assert_eq!(statuses(&found), [("i-1".into(), Status::NotAssessed)]);
        assert!(
            found[0].reason.contains("lists no security group"),
            "{}",
            found[0].reason
        );
    }

    #[test]
    fn case_instance_whose_group_is_not_listed_is_not_assessed() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/cases/public-exports/instances-awscli-docs-imdsv1.json");
        let Ok(json) = std::fs::read_to_string(&path) else {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: {} is not present", path.display());
            }
            return;
        };
        let snapshot = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", &json)
            .call(REGION, "ec2/describe-security-groups", GROUPS)
            .build();
        let found = findings(&snapshot, "remote.no-direct-admin");
        assert_eq!(
            statuses(&found),
            [("i-1234567890abcdef0".into(), Status::NotAssessed)]
        );
        assert!(
            found[0].reason.contains(
                "security group sg-1234567890abcdefg of the instance is not in describe-security-groups"
            ),
            "{}",
            found[0].reason
        );
    }

    #[test]
    fn hybrid_nodes_are_not_joined_to_instances() {
        let nodes = r#"{"InstanceInformationList":[
            {"InstanceId":"i-1","PingStatus":"Online","ResourceType":"EC2Instance"},
            {"InstanceId":"mi-0abc","PingStatus":"Online","ResourceType":"ManagedInstance"}]}"#;
        let snapshot = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", INSTANCES)
            .call(REGION, "ssm/describe-instance-information", nodes)
            .build();
        let found = findings(&snapshot, "remote.ssm-managed");
        assert_eq!(
            statuses(&found),
            [("i-1".into(), Status::Pass), ("i-2".into(), Status::Fail)]
        );
    }

    #[test]
    fn denied_or_first_page_only_ssm_proves_nothing_missing() {
        let denied = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", INSTANCES)
            .failed(
                REGION,
                "ssm/describe-instance-information",
                CallStatus::AccessDenied,
            )
            .build();
        assert!(
            findings(&denied, "remote.ssm-managed")
                .iter()
                .all(|f| f.status == Status::NotAssessed)
        );
        let partial = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", INSTANCES)
            .partial(REGION, "ssm/describe-instance-information", r#"{"InstanceInformationList":[{"InstanceId":"i-1","PingStatus":"Online"}],"NextToken":"t"}"#)
            .build();
        let found = findings(&partial, "remote.ssm-managed");
        assert_eq!(
            statuses(&found),
            [
                ("i-1".into(), Status::Pass),
                ("i-2".into(), Status::NotAssessed)
            ]
        );
    }

    #[test]
    fn registered_but_lost_is_a_fail_while_running() {
        let nodes =
            r#"{"InstanceInformationList":[{"InstanceId":"i-1","PingStatus":"ConnectionLost"}]}"#;
        let snapshot = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", INSTANCES)
            .call(REGION, "ssm/describe-instance-information", nodes)
            .build();
        assert_eq!(
            findings(&snapshot, "remote.ssm-managed")[0].status,
            Status::Fail
        );
    }

    #[test]
    fn case_ssm_hybrid_node_is_not_an_ec2_instance() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/cases/public-exports/ssm-instance-info-hybrid.json");
        let Ok(json) = std::fs::read_to_string(&path) else {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: {} is not present", path.display());
            }
            return;
        };
        let snapshot = SnapshotBuilder::new()
            .call(REGION, "ec2/describe-instances", INSTANCES)
            .call(REGION, "ssm/describe-instance-information", &json)
            .build();
        let found = findings(&snapshot, "remote.ssm-managed");
        assert_eq!(
            statuses(&found),
            [("i-1".into(), Status::Fail), ("i-2".into(), Status::Fail)]
        );
    }

    use crate::assess::testing::SAMPLE_INSTANCES;

    /// Every instance of the sample passing but those of `except`, plus a
    /// not-assessed finding for each region not exported.
    fn passing_but(except: &[(&'static str, &str)]) -> Vec<crate::assess::testing::SampleRow> {
        let list: Vec<_> = SAMPLE_INSTANCES
            .iter()
            .map(|&(account, region, id)| {
                let status = except.iter().find(|e| e.1 == id).map_or("pass", |e| e.0);
                (status, account, region, id)
            })
            .collect();
        with_gaps(&list)
    }

    #[test]
    fn sample_remote_findings_match_its_readme() {
        assert_eq!(
            account_outcomes(&sample_findings("remote.ssm-managed")),
            passing_but(&[
                ("fail", "i-024776a5a08ff4205"),
                ("not-assessed", "i-0f563f848ad79f09a"),
            ])
        );
        let direct = sample_findings("remote.no-direct-admin");
        assert_eq!(
            account_outcomes(&direct),
            passing_but(&[("fail", "i-0f8fe36c99f6117bc")])
        );
        // research-debug-open admits everything from 0.0.0.0/0, but the
        // research workbench has no public address.
        let workbench = direct
            .iter()
            .find(|f| f.resource_id == "i-0a4c7e9f2b1d83e56")
            .unwrap();
        assert!(
            workbench
                .reason
                .ends_with("but the instance has no public address"),
            "{}",
            workbench.reason
        );
    }
}
