//! What AWS itself reports: Trusted Advisor checks and AWS Artifact's
//! compliance reports (SOC, ISO 27001/27017/27018) about AWS's side of the
//! shared-responsibility model.

use super::common::{List, Timestamp, always, always_list};
use super::{Facts, token};
use serde::Deserialize;

/// `aws support describe-trusted-advisor-checks --language en`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedAdvisorChecks {
    #[serde(deserialize_with = "always_list")]
    pub checks: List<TrustedAdvisorCheck>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedAdvisorCheck {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `security`, `cost_optimizing`, `fault_tolerance`, `performance`, ...
    pub category: Option<String>,
    /// Column names of a flagged resource's `metadata`.
    #[serde(default)]
    pub metadata: List<Option<String>>,
}

/// The Trusted Advisor category whose results auditpack collects.
pub const TRUSTED_ADVISOR_SECURITY: &str = "security";

impl Facts for TrustedAdvisorChecks {
    fn resource_count(&self) -> Option<usize> {
        Some(self.checks.len())
    }
    fn listed_resources(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.category.as_deref() == Some(TRUSTED_ADVISOR_SECURITY))
            .filter_map(|c| c.id.clone())
            .collect()
    }
}

/// `aws support describe-trusted-advisor-check-result --check-id ID`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedAdvisorCheckResultOutput {
    #[serde(deserialize_with = "always")]
    pub result: Option<TrustedAdvisorCheckResult>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedAdvisorCheckResult {
    pub check_id: Option<String>,
    pub timestamp: Option<String>,
    /// `ok`, `warning`, `error` or `not_available`.
    pub status: Option<String>,
    pub resources_summary: Option<TrustedAdvisorResourcesSummary>,
    #[serde(default)]
    pub flagged_resources: List<TrustedAdvisorFlaggedResource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedAdvisorResourcesSummary {
    pub resources_processed: Option<i64>,
    pub resources_flagged: Option<i64>,
    pub resources_ignored: Option<i64>,
    pub resources_suppressed: Option<i64>,
}

/// A resource a check flagged. `region` and `metadata` may be absent, and
/// metadata cells may be `null`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedAdvisorFlaggedResource {
    pub status: Option<String>,
    pub region: Option<String>,
    pub resource_id: Option<String>,
    pub is_suppressed: Option<bool>,
    #[serde(default)]
    pub metadata: List<Option<String>>,
}

impl Facts for TrustedAdvisorCheckResultOutput {
    fn resource_count(&self) -> Option<usize> {
        self.result.as_ref().map(|r| r.flagged_resources.len())
    }
    fn own_resource(&self) -> Option<(&'static str, &str)> {
        let id = self.result.as_ref()?.check_id.as_deref()?;
        Some(("checkId", id))
    }
}

/// `aws artifact list-reports`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactReports {
    #[serde(deserialize_with = "always_list")]
    pub reports: List<ArtifactReport>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactReport {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub version: Option<i64>,
    pub state: Option<String>,
    pub series: Option<String>,
    pub category: Option<String>,
    pub company_name: Option<String>,
    pub product_name: Option<String>,
    /// The period the report covers.
    pub period_start: Option<Timestamp>,
    pub period_end: Option<Timestamp>,
}

impl Facts for ArtifactReports {
    fn resource_count(&self) -> Option<usize> {
        Some(self.reports.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// An AWS Artifact report downloaded for the snapshot, its terms accepted.
/// AWS publishes no digest of its reports, so auditpack records the SHA-256
/// of the PDF it received, which is stored beside this record as
/// `artifact/get-report/REPORT_ID.pdf`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactDownload {
    #[serde(deserialize_with = "always")]
    pub report_id: Option<String>,
    #[serde(deserialize_with = "always")]
    pub version: Option<i64>,
    pub name: Option<String>,
    /// The PDF's file name, beside this record.
    #[serde(deserialize_with = "always")]
    pub document: Option<String>,
    #[serde(deserialize_with = "always")]
    pub sha256: Option<String>,
    pub bytes: Option<u64>,
    /// Whether the report's terms were accepted to download it.
    pub terms_accepted: Option<bool>,
}

impl Facts for ArtifactDownload {
    fn document_sha256(&self) -> Option<&str> {
        self.sha256.as_deref()
    }
    fn own_resource(&self) -> Option<(&'static str, &str)> {
        Some(("reportId", self.report_id.as_deref()?))
    }
}

/// `aws auditmanager get-evidence-folders-by-assessment`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceFolders {
    #[serde(deserialize_with = "always_list")]
    pub evidence_folders: List<EvidenceFolder>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceFolder {
    pub id: Option<String>,
    pub name: Option<String>,
    pub control_set_id: Option<String>,
    pub control_id: Option<String>,
    pub control_name: Option<String>,
    pub total_evidence: Option<i64>,
    pub date: Option<Timestamp>,
}

impl Facts for EvidenceFolders {
    fn resource_count(&self) -> Option<usize> {
        Some(self.evidence_folders.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}

/// `aws auditmanager get-evidence-by-evidence-folder`: the pieces of
/// evidence Audit Manager gathered, kept as they came.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderEvidence {
    #[serde(deserialize_with = "always_list")]
    pub evidence: List<serde_json::Value>,
    pub next_token: Option<String>,
}

impl Facts for FolderEvidence {
    fn resource_count(&self) -> Option<usize> {
        Some(self.evidence.len())
    }
    fn continuation(&self) -> Option<&str> {
        token(&self.next_token)
    }
}
