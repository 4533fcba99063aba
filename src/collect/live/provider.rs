//! What AWS itself publishes about the account: Trusted Advisor's checks
//! and the results of its security checks (Support API, us-east-1 only,
//! needing a Business or Enterprise support plan), and the AWS Artifact
//! compliance reports on offer.

use super::call::{Effort, Failure};
use super::json::{all, b, e, n, o, obj, s, t, text};
use super::{Record, Scope, safe_name};
use aws_sdk_support::types::TrustedAdvisorResourceDetail;
use serde_json::Value;

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
            .once(&mut effort, || async {
                client
                    .describe_trusted_advisor_check_result()
                    .check_id(id)
                    .language(LANGUAGE)
                    .send()
                    .await
                    .map_err(Failure::from_sdk)
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
/// account, with their versions and the periods they cover.
pub async fn artifact_reports(scope: &Scope<'_>) -> Record {
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
    Record::new("artifact", "list-reports", effort, outcome)
}
