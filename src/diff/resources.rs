//! The resources of a snapshot, each with its configuration as a set of
//! facts, read from the raw evidence through the typed shapes: security
//! groups and their rules, instances, IAM users, CloudTrail trails,
//! GuardDuty detectors and the account's regions.
//!
//! A fact is a key and a value. A security group's rule is a fact whose
//! key is the rule itself (`tcp/3389 from 0.0.0.0/0`) and whose value is
//! empty, so a rule that appears or goes shows as `+` or `-` that rule;
//! other facts (`state`, `MFA`, `tag Owner`) change value.

use super::DiffError;
use super::source::Source;
use crate::snapshot::shapes::{
    self, CredentialReport, Detector, Detectors, Instances, IpPermission, List, Regions,
    SecurityGroups, Tag, TrailStatus, Trails, Users,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// What kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    SecurityGroup,
    Instance,
    User,
    Trail,
    Detector,
    Region,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::SecurityGroup => "security group",
            Kind::Instance => "instance",
            Kind::User => "IAM user",
            Kind::Trail => "trail",
            Kind::Detector => "GuardDuty detector",
            Kind::Region => "region",
        }
    }
}

/// Identifies a resource across two snapshots.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Key {
    pub kind: Kind,
    pub account_id: String,
    /// A region, or `global`.
    pub region: String,
    pub id: String,
}

/// A resource and its configuration.
#[derive(Debug, Clone)]
pub struct Resource {
    pub name: Option<String>,
    pub facts: BTreeMap<String, String>,
}

/// Every resource of the snapshot held by `source`.
pub fn read(source: &mut dyn Source) -> Result<BTreeMap<Key, Resource>, DiffError> {
    let mut out = BTreeMap::new();
    for path in source.paths() {
        let Some(rest) = path.strip_prefix("data/snapshot/") else {
            continue;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let [account, region, service, operation] = parts.as_slice() else {
            continue;
        };
        let at = |id: &str, kind| Key {
            kind,
            account_id: account.to_string(),
            region: region.to_string(),
            id: id.to_string(),
        };
        match (*service, *operation) {
            ("ec2", "describe-security-groups.json") => {
                let groups: SecurityGroups = parse(source, &path)?;
                for group in &groups.security_groups {
                    let id = group.group_id.clone().unwrap_or_default();
                    out.insert(at(&id, Kind::SecurityGroup), security_group(group));
                }
            }
            ("ec2", "describe-instances.json") => {
                let instances: Instances = parse(source, &path)?;
                for instance in instances.iter() {
                    let id = instance.instance_id.clone().unwrap_or_default();
                    out.insert(at(&id, Kind::Instance), self::instance(instance));
                }
            }
            ("ec2", "describe-regions.json") => {
                let regions: Regions = parse(source, &path)?;
                for r in regions.regions.iter().filter(|r| r.is_enabled()) {
                    let name = r.region_name.clone().unwrap_or_default();
                    let mut facts = BTreeMap::new();
                    fact(&mut facts, "opt-in status", r.opt_in_status.as_deref());
                    let resource = Resource { name: None, facts };
                    out.insert(at(&name, Kind::Region), resource);
                }
            }
            ("iam", "list-users.json") => {
                let users: Users = parse(source, &path)?;
                for user in &users.users {
                    let name = user.user_name.clone().unwrap_or_default();
                    let mut facts = BTreeMap::new();
                    fact(&mut facts, "path", user.path.as_deref());
                    let key = at(&name, Kind::User);
                    merge(&mut out, key, Resource { name: None, facts });
                }
            }
            ("iam", "get-credential-report.json") => {
                let report: CredentialReport = parse(source, &path)?;
                let rows = report.rows().map_err(|what| DiffError {
                    path: path.clone(),
                    what,
                })?;
                for row in rows.iter().filter(|r| !r.is_root()) {
                    let mut facts = BTreeMap::new();
                    facts.insert("console password".into(), row.password_enabled.clone());
                    facts.insert("MFA".into(), row.mfa_active.clone());
                    for key in row.access_keys() {
                        let name = format!("access key {} active", key.number);
                        facts.insert(name, key.active.to_string());
                    }
                    let key = at(&row.user, Kind::User);
                    merge(&mut out, key, Resource { name: None, facts });
                }
            }
            ("cloudtrail", "describe-trails.json") => {
                let trails: Trails = parse(source, &path)?;
                for trail in &trails.trail_list {
                    let name = trail.name.clone().unwrap_or_default();
                    let mut facts = BTreeMap::new();
                    let flag = |b: Option<bool>| b.map(|b| b.to_string());
                    fact(&mut facts, "home region", trail.home_region.as_deref());
                    let multi = flag(trail.is_multi_region_trail);
                    fact(&mut facts, "multi-region", multi.as_deref());
                    let validation = flag(trail.log_file_validation_enabled);
                    fact(&mut facts, "log file validation", validation.as_deref());
                    fact(&mut facts, "KMS key", trail.kms_key_id.as_deref());
                    merge(
                        &mut out,
                        at(&name, Kind::Trail),
                        Resource { name: None, facts },
                    );
                }
            }
            ("guardduty", "list-detectors.json") => {
                let detectors: Detectors = parse(source, &path)?;
                for id in &detectors.detector_ids {
                    let resource = Resource {
                        name: None,
                        facts: BTreeMap::new(),
                    };
                    merge(&mut out, at(id, Kind::Detector), resource);
                }
            }
            _ => {}
        }
        // Calls made once per resource: `SERVICE/OPERATION/RESOURCE.json`.
        if let [account, region, service, operation, file] = parts.as_slice() {
            let id = file.strip_suffix(".json").unwrap_or(file);
            let key = |kind| Key {
                kind,
                account_id: account.to_string(),
                region: region.to_string(),
                id: id.to_string(),
            };
            match (*service, *operation) {
                ("cloudtrail", "get-trail-status") => {
                    let status: TrailStatus = parse(source, &path)?;
                    let mut facts = BTreeMap::new();
                    let logging = status.is_logging.map(|b| b.to_string());
                    fact(&mut facts, "logging", logging.as_deref());
                    merge(&mut out, key(Kind::Trail), Resource { name: None, facts });
                }
                ("guardduty", "get-detector") => {
                    let detector: Detector = parse(source, &path)?;
                    let mut facts = BTreeMap::new();
                    fact(&mut facts, "status", detector.status.as_deref());
                    for feature in &detector.features {
                        let name = format!("feature {}", feature.name.as_deref().unwrap_or("?"));
                        fact(&mut facts, &name, feature.status.as_deref());
                    }
                    merge(
                        &mut out,
                        key(Kind::Detector),
                        Resource { name: None, facts },
                    );
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

fn parse<T: serde::de::DeserializeOwned>(
    source: &mut dyn Source,
    path: &str,
) -> Result<T, DiffError> {
    let bytes = source.read(path)?;
    shapes::parse(&bytes).map_err(|e| DiffError {
        path: path.to_string(),
        what: e.to_string(),
    })
}

/// Adds the facts of `more` to the resource at `key`, making it if new
/// (a user is described by two calls, a trail by two).
fn merge(out: &mut BTreeMap<Key, Resource>, key: Key, more: Resource) {
    let resource = out.entry(key).or_insert(Resource {
        name: None,
        facts: BTreeMap::new(),
    });
    resource.name = resource.name.take().or(more.name);
    resource.facts.extend(more.facts);
}

fn fact(facts: &mut BTreeMap<String, String>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        facts.insert(key.to_string(), value.to_string());
    }
}

fn tags(facts: &mut BTreeMap<String, String>, tags: &List<Tag>) {
    for tag in tags {
        if let Some(key) = &tag.key {
            let value = tag.value.clone().unwrap_or_default();
            facts.insert(format!("tag {key}"), value);
        }
    }
}

fn security_group(group: &shapes::SecurityGroup) -> Resource {
    let mut facts = BTreeMap::new();
    for rule in &group.ip_permissions {
        for source in sources(rule) {
            facts.insert(format!("{} from {source}", ports(rule)), String::new());
        }
    }
    for rule in &group.ip_permissions_egress {
        for target in sources(rule) {
            let key = format!("outbound {} to {target}", ports(rule));
            facts.insert(key, String::new());
        }
    }
    tags(&mut facts, &group.tags);
    Resource {
        name: group.group_name.clone(),
        facts,
    }
}

/// A rule's protocol and ports as a person writes them: `tcp/22`,
/// `tcp 3380-3395`, `all traffic`, `icmp type 8`.
pub fn ports(rule: &IpPermission) -> String {
    let protocol = rule.ip_protocol.as_deref().unwrap_or("-1");
    match (protocol, rule.from_port, rule.to_port) {
        ("-1", _, _) => "all traffic".into(),
        ("icmp" | "icmpv6", Some(-1) | None, _) => format!("{protocol} (any type)"),
        ("icmp" | "icmpv6", Some(kind), _) => format!("{protocol} type {kind}"),
        (_, Some(from), Some(to)) if from == to => format!("{protocol}/{from}"),
        (_, Some(0), Some(65535)) => format!("{protocol} (all ports)"),
        (_, Some(from), Some(to)) => format!("{protocol} {from}-{to}"),
        _ => format!("{protocol} (all ports)"),
    }
}

/// Every source (or target) of a rule: CIDR ranges, prefix lists and
/// other groups.
fn sources(rule: &IpPermission) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(rule.ip_ranges.iter().filter_map(|r| r.cidr_ip.clone()));
    out.extend(rule.ipv6_ranges.iter().filter_map(|r| r.cidr_ipv6.clone()));
    out.extend(rule.prefix_list_ids.iter().filter_map(|p| {
        p.prefix_list_id
            .as_ref()
            .map(|id| format!("prefix list {id}"))
    }));
    out.extend(
        rule.user_id_group_pairs
            .iter()
            .filter_map(|g| g.group_id.as_ref().map(|id| format!("group {id}"))),
    );
    out
}

fn instance(instance: &shapes::Instance) -> Resource {
    let mut facts = BTreeMap::new();
    let state = instance.state.as_ref().and_then(|s| s.name.as_deref());
    fact(&mut facts, "state", state);
    fact(&mut facts, "type", instance.instance_type.as_deref());
    fact(&mut facts, "image", instance.image_id.as_deref());
    fact(
        &mut facts,
        "public IP",
        instance.public_ip_address.as_deref(),
    );
    let tokens = instance.metadata_options.as_ref();
    fact(
        &mut facts,
        "IMDS tokens",
        tokens.and_then(|m| m.http_tokens.as_deref()),
    );
    for group in &instance.security_groups {
        if let Some(id) = &group.group_id {
            facts.insert(format!("security group {id}"), String::new());
        }
    }
    tags(&mut facts, &instance.tags);
    let name = instance
        .tags
        .iter()
        .find(|t| t.key.as_deref() == Some("Name"))
        .and_then(|t| t.value.clone());
    Resource { name, facts }
}
