//! Trusted Advisor: AWS's own verdicts on the account's security checks,
//! green (`ok`), yellow (`warning`), red (`error`), or `not_available` when
//! a check cannot run for the account. The API gives them only to accounts
//! on a Business or Enterprise support plan.

use super::{TRUSTED_ADVISOR, answered, or_none};
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, pointer};
use crate::snapshot::GLOBAL;
use crate::snapshot::log::CallStatus;
use crate::snapshot::read::Snapshot;
use crate::snapshot::shapes::{
    TRUSTED_ADVISOR_SECURITY, TrustedAdvisorCheck, TrustedAdvisorCheckResult,
    TrustedAdvisorCheckResultOutput, TrustedAdvisorChecks,
};

pub(super) fn trusted_advisor(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let answer = ctx.global::<TrustedAdvisorChecks>(account);
        let builder = Finding::on(TRUSTED_ADVISOR, account, GLOBAL, account);
        let Some((list, file)) = answered(&answer) else {
            if answer.status() == CallStatus::NotEnabled {
                // No Business or Enterprise support plan. auditpack's own
                // checks judge the same facts, so nothing is lost.
                return vec![builder.evidence_opt(answer.file(), "").not_applicable(
                    "Trusted Advisor security checks need a Business or Enterprise support plan",
                )];
            }
            return vec![unavailable(builder, &answer)];
        };
        let security: Vec<Finding> = list
            .checks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.category.as_deref() == Some(TRUSTED_ADVISOR_SECURITY))
            .filter_map(|(i, check)| {
                let id = check.id.as_deref()?;
                Some(advisor_check(ctx.snapshot, account, (file, i), check, id))
            })
            .collect();
        if security.is_empty() {
            let builder = builder.evidence(file, pointer(&[&"checks"]));
            return vec![
                builder.not_assessed("describe-trusted-advisor-checks lists no security check"),
            ];
        }
        security
    })
}

/// One security check's result, reported with the status Trusted Advisor
/// gave it. `listed` is where the check's name sits in the listing.
fn advisor_check(
    snapshot: &Snapshot,
    account: &str,
    (listing, i): (&str, usize),
    check: &TrustedAdvisorCheck,
    id: &str,
) -> Finding {
    let name = check.name.as_deref().unwrap_or(id);
    let builder = Finding::on(TRUSTED_ADVISOR, account, GLOBAL, id)
        .name(check.name.as_deref())
        .evidence(listing, pointer(&[&"checks", &i, &"name"]));
    let answer = snapshot.answer_for::<TrustedAdvisorCheckResultOutput>(account, GLOBAL, id);
    let Some((output, file)) = answered(&answer) else {
        return unavailable(builder, &answer);
    };
    let Some(result) = &output.result else {
        return builder.evidence(file, "").not_assessed(format!(
            "the result of Trusted Advisor check {name} is empty"
        ));
    };
    let builder = builder.evidence(file, pointer(&[&"result", &"status"]));
    let flagged = flagged(result);
    match result.status.as_deref() {
        Some("ok") => builder.pass(format!("Trusted Advisor: {name} is green (ok)")),
        Some("warning") => builder.fail(format!(
            "Trusted Advisor: {name} is yellow (warning), {flagged} resource(s) flagged"
        )),
        Some("error") => builder.fail(format!(
            "Trusted Advisor: {name} is red (error), {flagged} resource(s) flagged"
        )),
        Some("not_available") => builder.not_applicable(format!(
            "Trusted Advisor cannot run {name} for this account (not_available)"
        )),
        other => builder.not_assessed(format!(
            "Trusted Advisor: {name} has status {}",
            or_none(other)
        )),
    }
}

/// How many resources the check flagged: its summary's count, or else the
/// flagged rows that are not green.
fn flagged(result: &TrustedAdvisorCheckResult) -> i64 {
    let summary = result.resources_summary.as_ref();
    summary
        .and_then(|s| s.resources_flagged)
        .unwrap_or_else(|| {
            let rows = result.flagged_resources.iter();
            rows.filter(|r| r.status.as_deref() != Some("ok")).count() as i64
        })
}
