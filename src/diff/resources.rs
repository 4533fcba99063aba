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
use std::collections::{BTreeMap, BTreeSet};

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
    /// The call each fact was read from, so that a fact missing on one
    /// side can be told apart from a call that side could not make.
    pub origin: BTreeMap<String, Call>,
    /// Every call that described this resource, facts or none: what that
    /// call says of it is whole, even from a listing cut short.
    pub described_by: BTreeSet<Call>,
}

/// A call of the snapshot: service and operation, and whether it is made
/// once per resource (`SERVICE/OPERATION/RESOURCE.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    pub service: &'static str,
    pub operation: &'static str,
    pub per_resource: bool,
}

const fn call(service: &'static str, operation: &'static str) -> Call {
    Call {
        service,
        operation,
        per_resource: false,
    }
}

const SECURITY_GROUPS: Call = call("ec2", "describe-security-groups");
const INSTANCES: Call = call("ec2", "describe-instances");
const REGIONS: Call = call("ec2", "describe-regions");
const USERS: Call = call("iam", "list-users");
const CREDENTIAL_REPORT: Call = call("iam", "get-credential-report");
const TRAILS: Call = call("cloudtrail", "describe-trails");
const DETECTORS: Call = call("guardduty", "list-detectors");
const TRAIL_STATUS: Call = Call {
    per_resource: true,
    ..call("cloudtrail", "get-trail-status")
};
const DETECTOR: Call = Call {
    per_resource: true,
    ..call("guardduty", "get-detector")
};

impl Kind {
    /// The call that lists every resource of this kind in a region (or
    /// `global`): only where it answered on both sides is a resource
    /// missing from one side added or removed.
    pub fn listing(self) -> Call {
        match self {
            Kind::SecurityGroup => SECURITY_GROUPS,
            Kind::Instance => INSTANCES,
            Kind::User => USERS,
            Kind::Trail => TRAILS,
            Kind::Detector => DETECTORS,
            Kind::Region => REGIONS,
        }
    }
}

/// Every resource of the snapshot held by `source`.
pub fn read(source: &mut dyn Source) -> Result<BTreeMap<Key, Resource>, DiffError> {
    let mut out = BTreeMap::new();
    for path in source.paths() {
        let Some(rest) = path.strip_prefix("data/snapshot/") else {
            continue;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        // `ACCOUNT/REGION/SERVICE/OPERATION.json`, or for a call made once
        // per resource `ACCOUNT/REGION/SERVICE/OPERATION/RESOURCE.json`.
        let (account, region, service, operation, resource) = match parts.as_slice() {
            [a, r, s, o] => (*a, *r, *s, *o, None),
            [a, r, s, o, file] => (*a, *r, *s, *o, file.strip_suffix(".json")),
            _ => continue,
        };
        let at = |id: &str, kind| Key {
            kind,
            account_id: account.to_string(),
            region: region.to_string(),
            id: id.to_string(),
        };
        match (service, operation, resource) {
            ("ec2", "describe-security-groups.json", None) => {
                let groups: SecurityGroups = parse(source, &path)?;
                for group in &groups.security_groups {
                    let id = group.group_id.clone().unwrap_or_default();
                    let key = at(&id, Kind::SecurityGroup);
                    merge(&mut out, key, SECURITY_GROUPS, security_group(group));
                }
            }
            ("ec2", "describe-instances.json", None) => {
                let instances: Instances = parse(source, &path)?;
                for instance in instances.iter() {
                    let id = instance.instance_id.clone().unwrap_or_default();
                    let key = at(&id, Kind::Instance);
                    merge(&mut out, key, INSTANCES, self::instance(instance));
                }
            }
            ("ec2", "describe-regions.json", None) => {
                let regions: Regions = parse(source, &path)?;
                for r in regions.regions.iter().filter(|r| r.is_enabled()) {
                    let name = r.region_name.clone().unwrap_or_default();
                    let mut facts = BTreeMap::new();
                    fact(&mut facts, "opt-in status", r.opt_in_status.as_deref());
                    merge(&mut out, at(&name, Kind::Region), REGIONS, facts.into());
                }
            }
            ("iam", "list-users.json", None) => {
                let users: Users = parse(source, &path)?;
                for user in &users.users {
                    let name = user.user_name.clone().unwrap_or_default();
                    let mut facts = BTreeMap::new();
                    fact(&mut facts, "path", user.path.as_deref());
                    merge(&mut out, at(&name, Kind::User), USERS, facts.into());
                }
            }
            ("iam", "get-credential-report.json", None) => {
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
                    merge(&mut out, key, CREDENTIAL_REPORT, facts.into());
                }
            }
            ("cloudtrail", "describe-trails.json", None) => {
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
                    merge(&mut out, at(&name, Kind::Trail), TRAILS, facts.into());
                }
            }
            ("guardduty", "list-detectors.json", None) => {
                let detectors: Detectors = parse(source, &path)?;
                for id in &detectors.detector_ids {
                    let key = at(id, Kind::Detector);
                    merge(&mut out, key, DETECTORS, BTreeMap::new().into());
                }
            }
            ("cloudtrail", "get-trail-status", Some(trail)) => {
                let status: TrailStatus = parse(source, &path)?;
                let mut facts = BTreeMap::new();
                let logging = status.is_logging.map(|b| b.to_string());
                fact(&mut facts, "logging", logging.as_deref());
                merge(&mut out, at(trail, Kind::Trail), TRAIL_STATUS, facts.into());
            }
            ("guardduty", "get-detector", Some(id)) => {
                let detector: Detector = parse(source, &path)?;
                let mut facts = BTreeMap::new();
                fact(&mut facts, "status", detector.status.as_deref());
                for feature in &detector.features {
                    let name = format!("feature {}", feature.name.as_deref().unwrap_or("?"));
                    fact(&mut facts, &name, feature.status.as_deref());
                }
                merge(&mut out, at(id, Kind::Detector), DETECTOR, facts.into());
            }
            _ => {}
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

/// Adds the facts `call` gave of `more` to the resource at `key`, making
/// it if new (a user is described by two calls, a trail by two).
fn merge(out: &mut BTreeMap<Key, Resource>, key: Key, call: Call, more: Resource) {
    let resource = out.entry(key).or_insert(Resource {
        name: None,
        facts: BTreeMap::new(),
        origin: BTreeMap::new(),
        described_by: BTreeSet::new(),
    });
    resource.described_by.insert(call);
    resource.name = resource.name.take().or(more.name);
    for (fact, value) in more.facts {
        resource.origin.insert(fact.clone(), call);
        resource.facts.insert(fact, value);
    }
}

impl From<BTreeMap<String, String>> for Resource {
    fn from(facts: BTreeMap<String, String>) -> Resource {
        Resource {
            name: None,
            facts,
            origin: BTreeMap::new(),
            described_by: BTreeSet::new(),
        }
    }
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
        ..facts.into()
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
    Resource {
        name,
        ..facts.into()
    }
}
