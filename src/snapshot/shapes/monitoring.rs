//! Monitoring and account-level protection: Systems Manager, GuardDuty,
//! Security Hub, Config, CloudTrail, Inspector and S3 Block Public Access.

use super::common::{List, Timestamp, always, always_list};
use super::{Facts, token};
use serde::Deserialize;

/// `aws ssm describe-instance-information`: the nodes Systems Manager
/// manages. EC2 instances have `i-` IDs; on-premises servers registered
/// through a hybrid activation have `mi-` IDs and `ResourceType`
/// `ManagedInstance`, and are no EC2 instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceInformation {
    #[serde(deserialize_with = "always_list")]
    pub instance_information_list: List<ManagedNode>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedNode {
    pub instance_id: Option<String>,
    /// `Online`, `ConnectionLost` or `Inactive`.
    pub ping_status: Option<String>,
    pub last_ping_date_time: Option<Timestamp>,
    /// `EC2Instance` or `ManagedInstance` (on-premises, hybrid activation).
    pub resource_type: Option<String>,
    pub platform_type: Option<String>,
    pub platform_name: Option<String>,
    pub agent_version: Option<String>,
    pub computer_name: Option<String>,
}

impl Facts for InstanceInformation {
    fn resource_count(&self) -> Option<usize> {
        Some(self.instance_information_list.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// `aws guardduty list-detectors`. An empty list means GuardDuty is off in
/// the region: an answer, not an error.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Detectors {
    #[serde(deserialize_with = "always_list")]
    pub detector_ids: List<String>,
    pub next_token: Option<String>,
}

impl Facts for Detectors {
    fn resource_count(&self) -> Option<usize> {
        Some(self.detector_ids.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
    fn listed_resources(&self) -> Vec<String> {
        self.detector_ids.0.clone()
    }
}

/// `aws guardduty get-detector --detector-id ID`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Detector {
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
    /// GuardDuty prints this as text in its own format.
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub finding_publishing_frequency: Option<String>,
    #[serde(default)]
    pub features: List<DetectorFeature>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetectorFeature {
    pub name: Option<String>,
    pub status: Option<String>,
}

impl Facts for Detector {}

/// `aws securityhub describe-hub`. When Security Hub is off the call fails
/// with `InvalidAccessException` ("not subscribed").
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Hub {
    #[serde(deserialize_with = "always")]
    pub hub_arn: Option<String>,
    pub subscribed_at: Option<String>,
    pub auto_enable_controls: Option<bool>,
}

impl Facts for Hub {}

/// `aws securityhub get-enabled-standards`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnabledStandards {
    #[serde(deserialize_with = "always_list")]
    pub standards_subscriptions: List<StandardsSubscription>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StandardsSubscription {
    pub standards_subscription_arn: Option<String>,
    pub standards_arn: Option<String>,
    /// `PENDING`, `READY`, `FAILED`, `DELETING` or `INCOMPLETE`.
    pub standards_status: Option<String>,
}

impl Facts for EnabledStandards {
    fn resource_count(&self) -> Option<usize> {
        Some(self.standards_subscriptions.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// `aws configservice describe-configuration-recorders`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigurationRecorders {
    #[serde(deserialize_with = "always_list")]
    pub configuration_recorders: List<ConfigurationRecorder>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationRecorder {
    pub name: Option<String>,
    #[serde(rename = "roleARN")]
    pub role_arn: Option<String>,
    pub recording_group: Option<RecordingGroup>,
}

/// What a recorder records: everything (`allSupported`), or a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingGroup {
    pub all_supported: Option<bool>,
    pub include_global_resource_types: Option<bool>,
    #[serde(default)]
    pub resource_types: List<String>,
    /// The types left out under `EXCLUSION_BY_RESOURCE_TYPES`.
    pub exclusion_by_resource_types: Option<ExclusionByResourceTypes>,
    pub recording_strategy: Option<RecordingStrategy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExclusionByResourceTypes {
    #[serde(default)]
    pub resource_types: List<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingStrategy {
    /// `ALL_SUPPORTED_RESOURCE_TYPES`, `INCLUSION_BY_RESOURCE_TYPES` or
    /// `EXCLUSION_BY_RESOURCE_TYPES`.
    pub use_only: Option<String>,
}

impl Facts for ConfigurationRecorders {
    fn resource_count(&self) -> Option<usize> {
        Some(self.configuration_recorders.len())
    }
}

/// `aws configservice describe-configuration-recorder-status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigurationRecorderStatus {
    #[serde(deserialize_with = "always_list")]
    pub configuration_recorders_status: List<RecorderStatus>,
}

/// `recording` says whether the recorder runs now; `lastStatus` only says
/// how its last delivery went, and stays `SUCCESS` after it was stopped.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecorderStatus {
    pub name: Option<String>,
    pub recording: Option<bool>,
    pub last_status: Option<String>,
    pub last_start_time: Option<Timestamp>,
    pub last_stop_time: Option<Timestamp>,
    pub last_status_change_time: Option<Timestamp>,
    pub last_error_code: Option<String>,
}

impl Facts for ConfigurationRecorderStatus {
    fn resource_count(&self) -> Option<usize> {
        Some(self.configuration_recorders_status.len())
    }
}

/// `aws cloudtrail describe-trails`. Lists, in every region, the trails of
/// that region and the multi-region trails homed elsewhere ("shadow" trails).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trails {
    #[serde(deserialize_with = "always_list")]
    pub trail_list: List<Trail>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Trail {
    pub name: Option<String>,
    #[serde(rename = "TrailARN")]
    pub trail_arn: Option<String>,
    pub home_region: Option<String>,
    pub is_multi_region_trail: Option<bool>,
    pub is_organization_trail: Option<bool>,
    pub log_file_validation_enabled: Option<bool>,
    pub include_global_service_events: Option<bool>,
    pub s3_bucket_name: Option<String>,
    pub kms_key_id: Option<String>,
    pub cloud_watch_logs_log_group_arn: Option<String>,
}

impl Facts for Trails {
    fn resource_count(&self) -> Option<usize> {
        Some(self.trail_list.len())
    }
    fn listed_resources(&self) -> Vec<String> {
        self.trail_list
            .iter()
            .filter_map(|t| t.name.clone())
            .collect()
    }
}

/// `aws cloudtrail get-trail-status --name ARN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrailStatus {
    #[serde(deserialize_with = "always")]
    pub is_logging: Option<bool>,
    pub latest_delivery_error: Option<String>,
    pub latest_delivery_time: Option<Timestamp>,
    pub start_logging_time: Option<Timestamp>,
    pub stop_logging_time: Option<Timestamp>,
}

impl Facts for TrailStatus {}

/// `aws inspector2 batch-get-account-status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorAccountStatus {
    #[serde(deserialize_with = "always_list")]
    pub accounts: List<InspectorAccount>,
    #[serde(default)]
    pub failed_accounts: List<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorAccount {
    pub account_id: Option<String>,
    pub state: Option<InspectorState>,
    pub resource_state: Option<InspectorResourceState>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorResourceState {
    pub ec2: Option<InspectorState>,
    pub ecr: Option<InspectorState>,
    pub lambda: Option<InspectorState>,
    pub lambda_code: Option<InspectorState>,
}

/// `ENABLED`, `ENABLING`, `DISABLED`, `DISABLING`, `SUSPENDED`, ...
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorState {
    pub status: Option<String>,
    pub error_code: Option<String>,
}

impl Facts for InspectorAccountStatus {}

/// `aws s3control get-public-access-block --account-id ID`: the account-wide
/// S3 Block Public Access settings. Without any, the call fails with
/// `NoSuchPublicAccessBlockConfiguration`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlockOutput {
    #[serde(deserialize_with = "always")]
    pub public_access_block_configuration: Option<PublicAccessBlock>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
}

impl Facts for PublicAccessBlockOutput {}
