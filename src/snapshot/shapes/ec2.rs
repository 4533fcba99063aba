//! EC2: regions, security groups, instances, images, network ACLs and the
//! account-level defaults for EBS encryption and instance metadata.

use super::common::{List, Tag, Timestamp, always, always_list};
use super::{Facts, token};
use serde::Deserialize;

/// `aws ec2 describe-regions --all-regions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Regions {
    #[serde(deserialize_with = "always_list")]
    pub regions: List<Region>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Region {
    pub region_name: Option<String>,
    pub endpoint: Option<String>,
    /// `opt-in-not-required` (on by default), `opted-in`, or `not-opted-in`
    /// (an opt-in region this account has not enabled).
    pub opt_in_status: Option<String>,
}

impl Region {
    /// Whether the account can use this region.
    pub fn is_enabled(&self) -> bool {
        self.opt_in_status.as_deref() != Some("not-opted-in")
    }
}

impl Facts for Regions {
    fn resource_count(&self) -> Option<usize> {
        Some(self.regions.len())
    }
}

/// `aws ec2 describe-security-groups`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroups {
    #[serde(deserialize_with = "always_list")]
    pub security_groups: List<SecurityGroup>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub description: Option<String>,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    /// Inbound rules. A group without the member has no inbound rules.
    #[serde(default)]
    pub ip_permissions: List<IpPermission>,
    #[serde(default)]
    pub ip_permissions_egress: List<IpPermission>,
    #[serde(default)]
    pub tags: List<Tag>,
}

/// One security-group rule: a protocol, a port range and its sources.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (every protocol) or an IP
    /// protocol number such as `"6"` or `"47"`.
    pub ip_protocol: Option<String>,
    /// First port; for ICMP the ICMP type. Absent for `-1` rules.
    pub from_port: Option<i32>,
    /// Last port; for ICMP the ICMP code (`-1`: any).
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ip_ranges: List<IpRange>,
    #[serde(default)]
    pub ipv6_ranges: List<Ipv6Range>,
    #[serde(default)]
    pub prefix_list_ids: List<PrefixListId>,
    #[serde(default)]
    pub user_id_group_pairs: List<UserIdGroupPair>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    pub cidr_ip: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Range {
    pub cidr_ipv6: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListId {
    pub prefix_list_id: Option<String>,
    pub description: Option<String>,
}

/// A rule whose source is another security group, never an address range.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserIdGroupPair {
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub user_id: Option<String>,
    pub vpc_id: Option<String>,
    pub description: Option<String>,
}

impl Facts for SecurityGroups {
    fn resource_count(&self) -> Option<usize> {
        Some(self.security_groups.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// `aws ec2 describe-instances`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Instances {
    #[serde(deserialize_with = "always_list")]
    pub reservations: List<Reservation>,
    pub next_token: Option<String>,
}

impl Instances {
    /// Every instance of every reservation.
    pub fn iter(&self) -> impl Iterator<Item = &Instance> {
        self.reservations.iter().flat_map(|r| r.instances.iter())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Reservation {
    pub reservation_id: Option<String>,
    pub owner_id: Option<String>,
    #[serde(default)]
    pub instances: List<Instance>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    pub instance_id: Option<String>,
    pub image_id: Option<String>,
    pub instance_type: Option<String>,
    pub launch_time: Option<Timestamp>,
    pub state: Option<InstanceState>,
    pub public_ip_address: Option<String>,
    /// Kept as text: exports have been seen with malformed addresses.
    pub private_ip_address: Option<String>,
    pub platform: Option<String>,
    pub platform_details: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub security_groups: List<GroupIdentifier>,
    pub metadata_options: Option<MetadataOptions>,
    #[serde(default)]
    pub network_interfaces: List<NetworkInterface>,
    #[serde(default)]
    pub tags: List<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceState {
    pub code: Option<i32>,
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping`,
    /// `stopped`.
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    pub group_id: Option<String>,
    pub group_name: Option<String>,
}

/// Instance metadata service settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 still answers).
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`: with the endpoint off, neither version answers.
    pub http_endpoint: Option<String>,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    pub network_interface_id: Option<String>,
    pub association: Option<InterfaceAssociation>,
    #[serde(default)]
    pub groups: List<GroupIdentifier>,
    #[serde(default)]
    pub ipv6_addresses: List<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InterfaceAssociation {
    pub public_ip: Option<String>,
}

impl Facts for Instances {
    fn resource_count(&self) -> Option<usize> {
        Some(self.iter().count())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// `aws ec2 describe-images`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Images {
    #[serde(deserialize_with = "always_list")]
    pub images: List<Image>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    pub image_id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The account that owns the image; always present, unlike the alias.
    pub owner_id: Option<String>,
    /// `amazon`, `aws-marketplace` or `aws-backup-vault`, where AWS set one.
    pub image_owner_alias: Option<String>,
    /// Text in EC2's own format, such as `2017-10-31T08:18:50.000Z`.
    pub creation_date: Option<String>,
    /// After this instant the image is deprecated (no longer current).
    pub deprecation_time: Option<String>,
    pub state: Option<String>,
    pub public: Option<bool>,
}

impl Facts for Images {
    fn resource_count(&self) -> Option<usize> {
        Some(self.images.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// `aws ec2 describe-network-acls`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAcls {
    #[serde(deserialize_with = "always_list")]
    pub network_acls: List<NetworkAcl>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAcl {
    pub network_acl_id: Option<String>,
    pub vpc_id: Option<String>,
    pub is_default: Option<bool>,
    #[serde(default)]
    pub entries: List<NetworkAclEntry>,
    #[serde(default)]
    pub associations: List<NetworkAclAssociation>,
    #[serde(default)]
    pub tags: List<Tag>,
}

/// One numbered NACL rule; the lowest matching number decides.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclEntry {
    pub rule_number: Option<i32>,
    /// An IP protocol number as text (`"6"` TCP, `"17"` UDP) or `"-1"`.
    pub protocol: Option<String>,
    /// `allow` or `deny`.
    pub rule_action: Option<String>,
    pub egress: Option<bool>,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    pub port_range: Option<PortRange>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortRange {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclAssociation {
    pub network_acl_association_id: Option<String>,
    pub subnet_id: Option<String>,
}

impl Facts for NetworkAcls {
    fn resource_count(&self) -> Option<usize> {
        Some(self.network_acls.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// `aws ec2 get-ebs-encryption-by-default`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EbsEncryptionByDefault {
    #[serde(deserialize_with = "always")]
    pub ebs_encryption_by_default: Option<bool>,
    pub sse_type: Option<String>,
}

impl Facts for EbsEncryptionByDefault {}

/// `aws ec2 get-instance-metadata-defaults`: the account's defaults for new
/// instances in the region. An empty `AccountLevel` means none are set.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceMetadataDefaults {
    pub account_level: Option<AccountLevelMetadataDefaults>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountLevelMetadataDefaults {
    pub http_tokens: Option<String>,
    pub http_put_response_hop_limit: Option<i32>,
    pub http_endpoint: Option<String>,
    pub instance_metadata_tags: Option<String>,
}

impl Facts for InstanceMetadataDefaults {}
