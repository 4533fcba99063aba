//! Threat and vulnerability detection, region by region.
//!
//! - GuardDuty watches account, network and workload activity for threats.
//!   It is on in a region when the region has a *detector* whose `Status` is
//!   `ENABLED`; a suspended detector reads `DISABLED`, and an empty detector
//!   list means GuardDuty was never turned on there.
//! - Security Hub checks configuration against *standards* (AWS Foundational
//!   Security Best Practices, CIS). A standard checks anything only once its
//!   subscription is `READY`; `PENDING`, `INCOMPLETE` or `FAILED` ones do not.
//! - Inspector scans EC2 instances (and ECR images, Lambda functions) for
//!   known software vulnerabilities.

use super::{GUARDDUTY, INSPECTOR, SECURITY_HUB, absent, answered, or_none, refused};
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::log::CallStatus;
use crate::snapshot::read::{Answer, Snapshot};
use crate::snapshot::shapes::{
    Detector, Detectors, EnabledStandards, Hub, InspectorAccountStatus, InspectorState,
    StandardsSubscription,
};

// --- GuardDuty ----------------------------------------------------------

pub(super) fn guardduty(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(GUARDDUTY, |account, region| {
        let answer = ctx.snapshot.answer::<Detectors>(account, region);
        let builder = Finding::on(GUARDDUTY, account, region, account);
        let Some((list, file)) = answered(&answer) else {
            return vec![unavailable(builder, &answer)];
        };
        if list.detector_ids.is_empty() {
            // `{"DetectorIds": []}` is an answer: GuardDuty is off here.
            let builder = builder.evidence(file, pointer(&[&"DetectorIds"]));
            let reason = format!("GuardDuty is off in {region}: no detector");
            return vec![absent(builder, &answer, reason)];
        }
        list.detector_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let builder = Finding::on(GUARDDUTY, account, region, id.as_str())
                    .evidence(file, pointer(&[&"DetectorIds", &i]));
                detector(ctx.snapshot, builder, (account, region), id)
            })
            .collect()
    })
}

/// Judges one detector by its `Status` in get-detector.
fn detector(
    snapshot: &Snapshot,
    builder: FindingBuilder,
    (account, region): (&str, &str),
    id: &str,
) -> Finding {
    let answer = snapshot.answer_for::<Detector>(account, region, id);
    let Some((detector, file)) = answered(&answer) else {
        return unavailable(builder, &answer);
    };
    let builder = builder.evidence(file, pointer(&[&"Status"]));
    match detector.status.as_deref() {
        Some("ENABLED") => builder.pass(format!(
            "GuardDuty detector {id} is enabled in {region}{}",
            protection_plans(detector)
        )),
        Some("DISABLED") => builder.fail(format!(
            "GuardDuty detector {id} in {region} is suspended (Status DISABLED)"
        )),
        other => builder.not_assessed(format!(
            "GuardDuty detector {id} in {region} has Status {}",
            or_none(other)
        )),
    }
}

/// "; protection plans off: ..." or "; all N protection plans on", or
/// nothing when the answer lists no plans.
fn protection_plans(detector: &Detector) -> String {
    let off: Vec<&str> = detector
        .features
        .iter()
        .filter(|f| f.status.as_deref() != Some("ENABLED"))
        .map(|f| or_none(f.name.as_deref()))
        .collect();
    match (detector.features.len(), off.is_empty()) {
        (0, _) => String::new(),
        (1, true) => "; its protection plan on".to_string(),
        (n, true) => format!(
            "; {} on",
            crate::words::every(n, "protection plan", "protection plans")
        ),
        (_, false) => format!("; protection plans off: {}", off.join(", ")),
    }
}

// --- Security Hub -------------------------------------------------------

pub(super) fn security_hub(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(SECURITY_HUB, |account, region| {
        vec![hub_in(ctx.snapshot, account, region)]
    })
}

fn hub_in(snapshot: &Snapshot, account: &str, region: &str) -> Finding {
    let hub = snapshot.answer::<Hub>(account, region);
    let Some((value, file)) = answered(&hub) else {
        // describe-hub answers "not subscribed" when Security Hub is off.
        let builder = Finding::on(SECURITY_HUB, account, region, account);
        let reason = format!("Security Hub is not enabled in {region}");
        return refused(builder, &hub, CallStatus::NotEnabled, &reason);
    };
    let arn = value.hub_arn.as_deref().unwrap_or(account);
    let since = value
        .subscribed_at
        .as_deref()
        .and_then(|s| s.get(..10))
        .map(|day| format!(" (since {day})"))
        .unwrap_or_default();
    let builder =
        Finding::on(SECURITY_HUB, account, region, arn).evidence(file, pointer(&[&"HubArn"]));
    let standards = snapshot.answer::<EnabledStandards>(account, region);
    hub_standards(
        builder,
        &standards,
        &format!("Security Hub is on in {region}{since}"),
    )
}

/// Passes a hub with at least one READY standard; names the standards.
fn hub_standards(
    builder: FindingBuilder,
    answer: &Answer<'_, EnabledStandards>,
    on: &str,
) -> Finding {
    let Some((list, file)) = answered(answer) else {
        return unavailable(builder, answer);
    };
    let subscriptions = &list.standards_subscriptions;
    let ready: Vec<usize> = (0..subscriptions.len())
        .filter(|&i| subscriptions[i].standards_status.as_deref() == Some("READY"))
        .collect();
    if !ready.is_empty() {
        let names: Vec<String> = ready
            .iter()
            .map(|&i| standard_name(&subscriptions[i]))
            .collect();
        let builder = ready.iter().fold(builder, |b, i| {
            b.evidence(
                file,
                pointer(&[&"StandardsSubscriptions", i, &"StandardsStatus"]),
            )
        });
        return builder.pass(format!("{on} with standards READY: {}", names.join(", ")));
    }
    let builder = builder.evidence(file, pointer(&[&"StandardsSubscriptions"]));
    let others: Vec<String> = subscriptions
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                standard_name(s),
                or_none(s.standards_status.as_deref())
            )
        })
        .collect();
    let reason = if others.is_empty() {
        format!("{on} but no security standard is enabled")
    } else {
        format!("{on} but no standard is READY: {}", others.join(", "))
    };
    absent(builder, answer, reason)
}

/// A standard named by the last part of its ARN, without the resource type:
/// `aws-foundational-security-best-practices/v/1.0.0`.
fn standard_name(subscription: &StandardsSubscription) -> String {
    let arn = subscription
        .standards_arn
        .as_deref()
        .or(subscription.standards_subscription_arn.as_deref())
        .unwrap_or("(unnamed standard)");
    let last = arn.rsplit(':').next().unwrap_or(arn);
    match last.split_once('/') {
        Some((_, name)) if !name.is_empty() => name.to_string(),
        _ => last.to_string(),
    }
}

// --- Inspector ----------------------------------------------------------

pub(super) fn inspector(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(INSPECTOR, |account, region| {
        vec![inspector_in(ctx.snapshot, account, region)]
    })
}

fn inspector_in(snapshot: &Snapshot, account: &str, region: &str) -> Finding {
    let builder = Finding::on(INSPECTOR, account, region, account);
    let answer = snapshot.answer::<InspectorAccountStatus>(account, region);
    let Some((status, file)) = answered(&answer) else {
        return unavailable(builder, &answer);
    };
    let found = status
        .accounts
        .iter()
        .enumerate()
        .find(|(_, a)| a.account_id.as_deref().is_none_or(|id| id == account));
    let Some((i, entry)) = found else {
        return builder.evidence(file, "").not_assessed(format!(
            "batch-get-account-status has no status for account {account}"
        ));
    };
    let builder = builder.evidence(
        file,
        pointer(&[&"accounts", &i, &"resourceState", &"ec2", &"status"]),
    );
    let resources = entry.resource_state.as_ref();
    let ec2 = state(resources.and_then(|r| r.ec2.as_ref()));
    let others = format!(
        "ECR {}, Lambda {}, Lambda code {}",
        state(resources.and_then(|r| r.ecr.as_ref())),
        state(resources.and_then(|r| r.lambda.as_ref())),
        state(resources.and_then(|r| r.lambda_code.as_ref()))
    );
    match ec2 {
        "ENABLED" => builder.pass(format!(
            "Inspector scans EC2 instances in {region} ({others})"
        )),
        "unknown" => builder.not_assessed(format!(
            "batch-get-account-status gives no EC2 scanning state in {region}"
        )),
        _ => builder.fail(format!(
            "Inspector does not scan EC2 instances in {region}: ec2 {ec2}, account {} ({others})",
            state(entry.state.as_ref())
        )),
    }
}

fn state(state: Option<&InspectorState>) -> &str {
    state.and_then(|s| s.status.as_deref()).unwrap_or("unknown")
}
