//! Which instances use a security group, and how to name them: by ID,
//! `Name` tag, state and public address. A running instance with a public
//! address behind an open group is reachable now.

use crate::snapshot::shapes::{Instance, Instances, SecurityGroup};
use std::collections::{BTreeSet, HashMap};

/// The instances of a region by the security groups they use, built once
/// per region so that judging a group does not scan every instance.
pub struct GroupUsers<'a> {
    by_group: HashMap<&'a str, Vec<&'a Instance>>,
    /// Whether `describe-instances` answered in full: from its first page
    /// alone, a group used by no instance seen may still be in use.
    complete: bool,
}

impl<'a> GroupUsers<'a> {
    pub fn of(instances: &'a Instances, complete: bool) -> GroupUsers<'a> {
        let mut by_group: HashMap<&str, Vec<&Instance>> = HashMap::new();
        for instance in instances.iter() {
            for group in group_ids(instance) {
                by_group.entry(group).or_default().push(instance);
            }
        }
        GroupUsers { by_group, complete }
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
pub(super) fn attachment(group: &SecurityGroup, users: Option<&GroupUsers>) -> String {
    let Some(users) = users else {
        return "which instances use the group is unknown (describe-instances unavailable)".into();
    };
    let group_id = group.group_id.as_deref().unwrap_or_default();
    let complete = users.complete;
    let users = users.of_group(group_id);
    match (users.is_empty(), complete) {
        (true, true) => return "attached to no instance".into(),
        (true, false) => {
            return "attached to no instance on the first page of describe-instances \
                    (the rest is not in the snapshot)"
                .into();
        }
        _ => {}
    }
    let described: Vec<String> = users.iter().map(|i| describe_instance(i)).collect();
    let rest = if complete {
        ""
    } else {
        ", and perhaps to instances beyond the first page of describe-instances"
    };
    format!("attached to {}{rest}", described.join(", "))
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
