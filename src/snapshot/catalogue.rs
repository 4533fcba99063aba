//! The AWS calls auditpack collects, in one table.
//!
//! Export script, import and live collection all work from this list, so an
//! operation added here is expected everywhere at once. Names are spelled as
//! the AWS CLI spells them, because those names are the file names of an
//! export (`ec2/describe-security-groups.json`).

use crate::snapshot::shapes::Shape;

/// Where a call is made: once per account, or once per region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Account-wide calls, stored under `global/`.
    Global,
    /// Calls made in every region collected.
    Regional,
}

/// How many times a call is made within its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    /// Once: stored as `SERVICE/OPERATION.json`.
    Single,
    /// Once for every resource another call listed: stored as
    /// `SERVICE/OPERATION/RESOURCE.json`.
    PerResource {
        /// The operation (same service, same scope) whose answer lists the
        /// resources.
        listed_by: &'static str,
    },
    /// Once for every resource the user asked for (an AWS Artifact report
    /// to download, an Audit Manager assessment): stored as
    /// `SERVICE/OPERATION/RESOURCE.json`. Never expected, so never missing.
    OnRequest {
        /// The extension of a document stored beside each answer
        /// (`RESOURCE.pdf`), whose SHA-256 the answer records.
        document: Option<&'static str>,
    },
}

/// One AWS call auditpack reads.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub scope: Scope,
    /// The AWS CLI's service name (`configservice`, not `config`).
    pub service: &'static str,
    /// The AWS CLI's operation name (`describe-security-groups`).
    pub operation: &'static str,
    pub cardinality: Cardinality,
    /// The shape of what the call prints, used to validate imported files.
    pub shape: Shape,
}

impl Operation {
    /// `service operation`, as a person would type it after `aws`.
    pub fn cli_name(&self) -> String {
        format!("{} {}", self.service, self.operation)
    }
}

const fn single(
    scope: Scope,
    service: &'static str,
    operation: &'static str,
    shape: Shape,
) -> Operation {
    Operation {
        scope,
        service,
        operation,
        cardinality: Cardinality::Single,
        shape,
    }
}

const fn per_resource(
    scope: Scope,
    service: &'static str,
    operation: &'static str,
    listed_by: &'static str,
    shape: Shape,
) -> Operation {
    Operation {
        scope,
        service,
        operation,
        cardinality: Cardinality::PerResource { listed_by },
        shape,
    }
}

const fn on_request(
    scope: Scope,
    service: &'static str,
    operation: &'static str,
    document: Option<&'static str>,
    shape: Shape,
) -> Operation {
    Operation {
        scope,
        service,
        operation,
        cardinality: Cardinality::OnRequest { document },
        shape,
    }
}

use Scope::{Global, Regional};

/// Every call auditpack collects, global calls first, in a stable order
/// that the collection log follows.
pub static OPERATIONS: &[Operation] = &[
    single(Global, "sts", "get-caller-identity", Shape::CallerIdentity),
    single(Global, "ec2", "describe-regions", Shape::Regions),
    single(Global, "iam", "get-account-summary", Shape::AccountSummary),
    single(
        Global,
        "iam",
        "get-credential-report",
        Shape::CredentialReport,
    ),
    single(
        Global,
        "iam",
        "get-account-password-policy",
        Shape::PasswordPolicy,
    ),
    single(
        Global,
        "iam",
        "list-virtual-mfa-devices",
        Shape::VirtualMfaDevices,
    ),
    single(Global, "iam", "list-users", Shape::Users),
    single(
        Global,
        "s3control",
        "get-public-access-block",
        Shape::PublicAccessBlock,
    ),
    single(
        Global,
        "support",
        "describe-trusted-advisor-checks",
        Shape::TrustedAdvisorChecks,
    ),
    per_resource(
        Global,
        "support",
        "describe-trusted-advisor-check-result",
        "describe-trusted-advisor-checks",
        Shape::TrustedAdvisorCheckResult,
    ),
    single(Global, "artifact", "list-reports", Shape::ArtifactReports),
    // A report downloaded with its terms accepted: what auditpack records
    // of it (the CLI prints only a link that expires within minutes), and
    // the PDF itself beside it.
    on_request(
        Global,
        "artifact",
        "get-report",
        Some("pdf"),
        Shape::ArtifactDownload,
    ),
    // An Audit Manager assessment's evidence, read in the home region.
    on_request(
        Global,
        "auditmanager",
        "get-evidence-folders-by-assessment",
        None,
        Shape::EvidenceFolders,
    ),
    on_request(
        Global,
        "auditmanager",
        "get-evidence-by-evidence-folder",
        None,
        Shape::FolderEvidence,
    ),
    single(
        Regional,
        "ec2",
        "describe-security-groups",
        Shape::SecurityGroups,
    ),
    single(Regional, "ec2", "describe-instances", Shape::Instances),
    single(Regional, "ec2", "describe-images", Shape::Images),
    single(Regional, "ec2", "describe-network-acls", Shape::NetworkAcls),
    single(
        Regional,
        "ec2",
        "get-ebs-encryption-by-default",
        Shape::EbsEncryptionByDefault,
    ),
    single(
        Regional,
        "ec2",
        "get-instance-metadata-defaults",
        Shape::InstanceMetadataDefaults,
    ),
    single(
        Regional,
        "ssm",
        "describe-instance-information",
        Shape::InstanceInformation,
    ),
    single(Regional, "guardduty", "list-detectors", Shape::Detectors),
    per_resource(
        Regional,
        "guardduty",
        "get-detector",
        "list-detectors",
        Shape::Detector,
    ),
    single(Regional, "securityhub", "describe-hub", Shape::Hub),
    single(
        Regional,
        "securityhub",
        "get-enabled-standards",
        Shape::EnabledStandards,
    ),
    single(
        Regional,
        "configservice",
        "describe-configuration-recorders",
        Shape::ConfigurationRecorders,
    ),
    single(
        Regional,
        "configservice",
        "describe-configuration-recorder-status",
        Shape::ConfigurationRecorderStatus,
    ),
    single(Regional, "cloudtrail", "describe-trails", Shape::Trails),
    per_resource(
        Regional,
        "cloudtrail",
        "get-trail-status",
        "describe-trails",
        Shape::TrailStatus,
    ),
    single(
        Regional,
        "inspector2",
        "batch-get-account-status",
        Shape::InspectorAccountStatus,
    ),
];

/// Finds the operation stored at `service/operation` within `scope`.
pub fn find(scope: Scope, service: &str, operation: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|op| op.scope == scope && op.service == service && op.operation == operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_per_resource_call_names_a_listing_call_of_its_own_service_and_scope() {
        for op in OPERATIONS {
            if let Cardinality::PerResource { listed_by } = op.cardinality {
                let lister = find(op.scope, op.service, listed_by);
                assert!(
                    lister.is_some(),
                    "{} is listed by unknown {listed_by}",
                    op.cli_name()
                );
            }
        }
    }

    #[test]
    fn no_operation_appears_twice() {
        for (i, a) in OPERATIONS.iter().enumerate() {
            for b in &OPERATIONS[i + 1..] {
                assert!(
                    !(a.scope == b.scope && a.service == b.service && a.operation == b.operation),
                    "{} twice",
                    a.cli_name()
                );
            }
        }
    }
}
