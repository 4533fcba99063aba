//! What AWS itself publishes about the account: Trusted Advisor's checks
//! and the results of its security checks (Support API, us-east-1 only,
//! needing a Business or Enterprise support plan), and the AWS Artifact
//! compliance reports on offer.

use super::call::{Effort, Failure};
use super::json::{all, b, e, list, n, o, obj, s, t, text};
use super::{Record, Scope, safe_name};
use aws_sdk_artifact::types::ReportSummary;
use aws_sdk_support::types::TrustedAdvisorResourceDetail;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Trusted Advisor answers in the language asked for; English is what the
/// export script asks for too.
const LANGUAGE: &str = "en";

/// The checks, then the result of each security check.
pub async fn trusted_advisor(scope: &Scope<'_>) -> Vec<Record> {
    let client = aws_sdk_support::Client::new(scope.config);
    let mut effort = Effort::default();
    let checks = scope
        .caller
        .once(&mut effort, || async {
            client
                .describe_trusted_advisor_checks()
                .language(LANGUAGE)
                .send()
                .await
                .map(|out| out.checks)
                .map_err(Failure::from_sdk)
        })
        .await;
    let security: Vec<String> = checks
        .iter()
        .flatten()
        .filter(|c| c.category == "security")
        .map(|c| c.id.clone())
        .collect();
    let mut records = vec![Record::new(
        "support",
        "describe-trusted-advisor-checks",
        effort,
        checks.map(|checks| {
            obj! { "checks" => all(&checks, |c| obj! {
                "id" => text(&c.id),
                "name" => text(&c.name),
                "description" => text(&c.description),
                "category" => text(&c.category),
                "metadata" => Some(optional_texts(&c.metadata)),
            }) }
        }),
    )];

    for id in security.iter().filter(|id| safe_name(id, scope)) {
        let mut effort = Effort::default();
        let result = scope
            .caller
            .sdk(&mut effort, || {
                client
                    .describe_trusted_advisor_check_result()
                    .check_id(id)
                    .language(LANGUAGE)
                    .send()
            })
            .await
            .map(|out| {
                obj! { "result" => o(&out.result, |r| obj! {
                    "checkId" => text(&r.check_id),
                    "timestamp" => text(&r.timestamp),
                    "status" => text(&r.status),
                    "resourcesSummary" => o(&r.resources_summary, |sum| obj! {
                        "resourcesProcessed" => n(Some(sum.resources_processed)),
                        "resourcesFlagged" => n(Some(sum.resources_flagged)),
                        "resourcesIgnored" => n(Some(sum.resources_ignored)),
                        "resourcesSuppressed" => n(Some(sum.resources_suppressed)),
                    }),
                    "categorySpecificSummary" => o(&r.category_specific_summary, |c| obj! {
                        "costOptimizing" => o(&c.cost_optimizing, |x| obj! {
                            "estimatedMonthlySavings" =>
                                Some(Value::from(x.estimated_monthly_savings)),
                            "estimatedPercentMonthlySavings" =>
                                Some(Value::from(x.estimated_percent_monthly_savings)),
                        }),
                    }),
                    "flaggedResources" => all(&r.flagged_resources, flagged),
                }) }
            });
        records.push(Record::for_resource(
            "support",
            "describe-trusted-advisor-check-result",
            id,
            effort,
            result,
        ));
    }
    records
}

fn flagged(r: &TrustedAdvisorResourceDetail) -> Value {
    obj! {
        "status" => text(&r.status),
        "region" => s(&r.region),
        "resourceId" => text(&r.resource_id),
        "isSuppressed" => b(Some(r.is_suppressed)),
        // A flagged resource may come without metadata; the SDK cannot tell
        // that from an empty list, and neither says anything.
        "metadata" => (!r.metadata.is_empty()).then(|| optional_texts(&r.metadata)),
    }
}

/// Trusted Advisor's metadata columns, where a column without a value is
/// `null`: kept in place, so the columns still line up with the check's
/// own list of column names.
fn optional_texts(values: &[Option<String>]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|v| v.clone().map_or(Value::Null, Value::String))
            .collect(),
    )
}

/// `artifact list-reports`: the compliance reports AWS offers the
/// account, with their versions and the periods they cover; then each
/// report `wanted` names (by ID or by name), downloaded.
pub async fn artifact(scope: &Scope<'_>, wanted: &[String]) -> Vec<Record> {
    let (listing, reports) = artifact_reports(scope).await;
    let mut records = vec![listing];
    for selector in wanted {
        let chosen: Vec<&ReportSummary> = reports
            .iter()
            .filter(|r| {
                r.id.as_deref() == Some(selector.as_str())
                    || r.name
                        .as_deref()
                        .is_some_and(|name| name.eq_ignore_ascii_case(selector))
            })
            .collect();
        if chosen.is_empty() && records[0].outcome.is_ok() {
            scope.caller.warn(format!(
                "no AWS Artifact report has the ID or name `{selector}`; none downloaded for it"
            ));
        }
        for report in chosen {
            if let (Some(id), Some(version)) = (&report.id, report.version)
                && safe_name(id, scope)
                && !records.iter().any(|r| r.resource.as_deref() == Some(id))
            {
                records.push(download_report(scope, id, version, report.name.as_deref()).await);
            }
        }
    }
    records
}

/// Accepts a report's terms, asks for it, and downloads the PDF from the
/// short-lived link AWS answers with. The record holds the PDF's SHA-256;
/// the link is not kept, as it is a credential to the document while it
/// lasts.
async fn download_report(scope: &Scope<'_>, id: &str, version: i64, name: Option<&str>) -> Record {
    let client = aws_sdk_artifact::Client::new(scope.config);
    let mut effort = Effort::default();
    let fetched: Result<Vec<u8>, Failure> = async {
        let terms = scope
            .caller
            .sdk(&mut effort, || {
                client
                    .get_term_for_report()
                    .report_id(id)
                    .report_version(version)
                    .send()
            })
            .await?;
        let token = terms
            .term_token
            .ok_or_else(|| Failure::local("AWS Artifact gave no term token for the report"))?;
        let report = scope
            .caller
            .sdk(&mut effort, || {
                client
                    .get_report()
                    .report_id(id)
                    .report_version(version)
                    .term_token(&token)
                    .send()
            })
            .await?;
        let url = report
            .document_presigned_url
            .ok_or_else(|| Failure::local("AWS Artifact gave no link to the report"))?;
        scope
            .caller
            .once(&mut effort, || super::aws::download(&url))
            .await
    }
    .await;
    // Three requests and a download make one answer.
    effort.pages = 1;
    match fetched {
        Ok(pdf) => {
            let record = obj! {
                "reportId" => text(id),
                "version" => n(Some(version)),
                "name" => name.map(|n| Value::String(n.to_string())),
                "document" => Some(Value::String(format!("{id}.pdf"))),
                "sha256" => Some(Value::String(hex::encode(Sha256::digest(&pdf)))),
                "bytes" => Some(Value::from(pdf.len() as u64)),
                "termsAccepted" => b(Some(true)),
            };
            Record::for_resource("artifact", "get-report", id, effort, Ok(record))
                .with_document(pdf)
        }
        Err(failure) => Record::for_resource("artifact", "get-report", id, effort, Err(failure)),
    }
}

async fn artifact_reports(scope: &Scope<'_>) -> (Record, Vec<ReportSummary>) {
    let client = aws_sdk_artifact::Client::new(scope.config);
    let mut effort = Effort::default();
    let reports = scope
        .caller
        .pages(&mut effort, |token| {
            let client = &client;
            async move {
                let out = client
                    .list_reports()
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(Failure::from_sdk)?;
                Ok((out.reports.unwrap_or_default(), out.next_token))
            }
        })
        .await;
    let listed = reports.clone().unwrap_or_default();
    let outcome = reports.map(|reports| {
        obj! { "reports" => all(&reports, |r| obj! {
            "id" => s(&r.id),
            "name" => s(&r.name),
            "state" => e(&r.state),
            "arn" => s(&r.arn),
            "version" => n(r.version),
            "uploadState" => e(&r.upload_state),
            "description" => s(&r.description),
            "periodStart" => t(&r.period_start),
            "periodEnd" => t(&r.period_end),
            "series" => s(&r.series),
            "category" => s(&r.category),
            "companyName" => s(&r.company_name),
            "productName" => s(&r.product_name),
            "statusMessage" => s(&r.status_message),
            "acceptanceType" => e(&r.acceptance_type),
        }) }
    });
    (
        Record::new("artifact", "list-reports", effort, outcome),
        listed,
    )
}

/// An Audit Manager assessment's evidence folders, then the evidence in
/// each, as further evidence for the snapshot. Audit Manager takes no new
/// customers, but those who use it hold years of evidence there.
pub async fn audit_manager(scope: &Scope<'_>, assessments: &[String]) -> Vec<Record> {
    let client = aws_sdk_auditmanager::Client::new(scope.config);
    let mut records = Vec::new();
    for assessment in assessments.iter().filter(|a| safe_name(a, scope)) {
        let mut effort = Effort::default();
        let folders = scope
            .caller
            .pages(&mut effort, |token| {
                let client = &client;
                async move {
                    let out = client
                        .get_evidence_folders_by_assessment()
                        .assessment_id(assessment)
                        .set_next_token(token)
                        .send()
                        .await
                        .map_err(Failure::from_sdk)?;
                    Ok((out.evidence_folders.unwrap_or_default(), out.next_token))
                }
            })
            .await;
        let listed = folders.clone().unwrap_or_default();
        records.push(Record::for_resource(
            "auditmanager",
            "get-evidence-folders-by-assessment",
            assessment,
            effort,
            folders.map(|folders| obj! { "evidenceFolders" => all(&folders, |f| obj! {
                "id" => s(&f.id),
                "name" => s(&f.name),
                "date" => t(&f.date),
                "assessmentId" => s(&f.assessment_id),
                "controlSetId" => s(&f.control_set_id),
                "controlId" => s(&f.control_id),
                "controlName" => s(&f.control_name),
                "dataSource" => s(&f.data_source),
                "author" => s(&f.author),
                "totalEvidence" => n(Some(f.total_evidence)),
                "assessmentReportSelectionCount" => n(Some(f.assessment_report_selection_count)),
                "evidenceResourcesIncludedCount" => n(Some(f.evidence_resources_included_count)),
                "evidenceByTypeConfigurationDataCount" =>
                    n(Some(f.evidence_by_type_configuration_data_count)),
                "evidenceByTypeManualCount" => n(Some(f.evidence_by_type_manual_count)),
                "evidenceByTypeComplianceCheckCount" =>
                    n(Some(f.evidence_by_type_compliance_check_count)),
                "evidenceByTypeComplianceCheckIssuesCount" =>
                    n(Some(f.evidence_by_type_compliance_check_issues_count)),
                "evidenceByTypeUserActivityCount" =>
                    n(Some(f.evidence_by_type_user_activity_count)),
                "evidenceAwsServiceSourceCount" => n(Some(f.evidence_aws_service_source_count)),
            }) }),
        ));
        for folder in &listed {
            let (Some(id), Some(control_set)) = (&folder.id, &folder.control_set_id) else {
                continue;
            };
            if !safe_name(id, scope) {
                continue;
            }
            records.push(folder_evidence(scope, &client, assessment, control_set, id).await);
        }
    }
    records
}

async fn folder_evidence(
    scope: &Scope<'_>,
    client: &aws_sdk_auditmanager::Client,
    assessment: &str,
    control_set: &str,
    folder: &str,
) -> Record {
    let mut effort = Effort::default();
    let evidence = scope
        .caller
        .pages(&mut effort, |token| async move {
            let out = client
                .get_evidence_by_evidence_folder()
                .assessment_id(assessment)
                .control_set_id(control_set)
                .evidence_folder_id(folder)
                .set_next_token(token)
                .send()
                .await
                .map_err(Failure::from_sdk)?;
            Ok((out.evidence.unwrap_or_default(), out.next_token))
        })
        .await;
    let outcome = evidence.map(|evidence| {
        obj! { "evidence" => all(&evidence, |x| obj! {
            "id" => s(&x.id),
            "evidenceFolderId" => s(&x.evidence_folder_id),
            "dataSource" => s(&x.data_source),
            "evidenceAwsAccountId" => s(&x.evidence_aws_account_id),
            "awsAccountId" => s(&x.aws_account_id),
            "awsOrganization" => s(&x.aws_organization),
            "time" => t(&x.time),
            "eventSource" => s(&x.event_source),
            "eventName" => s(&x.event_name),
            "evidenceByType" => s(&x.evidence_by_type),
            "iamId" => s(&x.iam_id),
            "complianceCheck" => s(&x.compliance_check),
            "assessmentReportSelection" => s(&x.assessment_report_selection),
            "resourcesIncluded" => list(&x.resources_included, |r| obj! {
                "arn" => s(&r.arn),
                "value" => s(&r.value),
                "complianceCheck" => s(&r.compliance_check),
            }),
            "attributes" => x.attributes.as_ref().map(|a| Value::Object(
                a.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()
            )),
        }) }
    });
    Record::for_resource(
        "auditmanager",
        "get-evidence-by-evidence-folder",
        folder,
        effort,
        outcome,
    )
}
