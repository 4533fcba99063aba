//! Monitoring: the integrated security monitoring and policy tools that NHS
//! guidance asks for under Cloud Security Principle 14 (point 2), and two
//! account-wide protections that sit with them.
//!
//! Terms used below:
//! - GuardDuty watches account, network and workload activity for threats.
//!   It is on in a region when the region has a *detector* whose `Status` is
//!   `ENABLED`; a suspended detector reads `DISABLED`, and an empty detector
//!   list means GuardDuty was never turned on there.
//! - Security Hub checks configuration against *standards* (AWS Foundational
//!   Security Best Practices, CIS). A standard checks anything only once its
//!   subscription is `READY`; `PENDING`, `INCOMPLETE` or `FAILED` ones do not.
//! - AWS Config's *configuration recorder* records resource configuration.
//!   It counts when it is recording now (`recording: true`: `lastStatus` only
//!   says how its last delivery went and stays `SUCCESS` after a stop) and
//!   records every supported resource type. *Global* resource types (IAM
//!   users, roles, policies) need recording in one region only.
//! - CloudTrail: a *multi-region* trail logs every region, and
//!   describe-trails lists it in each region as a "shadow" copy, so trails
//!   are told apart by ARN. *Log file validation* makes CloudTrail write
//!   signed digest files that show whether a log file changed after delivery.
//! - Inspector scans EC2 instances (and ECR images, Lambda functions) for
//!   known software vulnerabilities.
//! - Trusted Advisor's security checks are AWS's own verdicts: green (`ok`),
//!   yellow (`warning`), red (`error`), or `not_available` when a check
//!   cannot run for the account. The API gives them only to accounts on a
//!   Business or Enterprise support plan.
//! - EBS encryption by default and account-level S3 Block Public Access are
//!   account settings that protect every new volume and bucket.
//!
//! Where a service is off, or a setting has no resource of its own, the
//! finding's resource is the account.

use super::Check;
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::GLOBAL;
use crate::snapshot::log::CallStatus;
use crate::snapshot::read::{Answer, Snapshot};
use crate::snapshot::shapes::{
    ConfigurationRecorder, ConfigurationRecorderStatus, ConfigurationRecorders, Detector,
    Detectors, EbsEncryptionByDefault, EnabledStandards, Hub, InspectorAccountStatus,
    InspectorState, PublicAccessBlockOutput, RecordingGroup, StandardsSubscription,
    TRUSTED_ADVISOR_SECURITY, Trail, TrailStatus, Trails, TrustedAdvisorCheck,
    TrustedAdvisorCheckResult, TrustedAdvisorCheckResultOutput, TrustedAdvisorChecks,
};

pub static CHECKS: &[Check] = &[
    Check {
        id: GUARDDUTY,
        title: "GuardDuty is enabled in every region",
        run: guardduty,
    },
    Check {
        id: SECURITY_HUB,
        title: "Security Hub is enabled with a security standard",
        run: security_hub,
    },
    Check {
        id: CONFIG,
        title: "AWS Config records all resource types",
        run: config_recording,
    },
    Check {
        id: CLOUDTRAIL,
        title: "A multi-region CloudTrail trail is logging with file validation",
        run: cloudtrail,
    },
    Check {
        id: INSPECTOR,
        title: "Inspector scans EC2 instances",
        run: inspector,
    },
    Check {
        id: TRUSTED_ADVISOR,
        title: "Trusted Advisor security checks are green",
        run: trusted_advisor,
    },
    Check {
        id: EBS_DEFAULT_ENCRYPTION,
        title: "EBS encryption by default is on",
        run: ebs_default_encryption,
    },
    Check {
        id: S3_ACCOUNT_BPA,
        title: "Account-level S3 Block Public Access is on",
        run: s3_account_bpa,
    },
];

const GUARDDUTY: &str = "mon.guardduty";
const SECURITY_HUB: &str = "mon.securityhub";
const CONFIG: &str = "mon.config-recording";
const CLOUDTRAIL: &str = "mon.cloudtrail";
const INSPECTOR: &str = "mon.inspector";
const TRUSTED_ADVISOR: &str = "mon.trusted-advisor";
const EBS_DEFAULT_ENCRYPTION: &str = "mon.ebs-default-encryption";
const S3_ACCOUNT_BPA: &str = "mon.s3-account-bpa";

/// The value and its file when the call answered, in full or in part.
fn answered<'a, T>(answer: &Answer<'a, T>) -> Option<(&'a T, &'a str)> {
    match *answer {
        Answer::Complete { value, file } | Answer::Partial { value, file } => Some((value, file)),
        Answer::Unavailable { .. } => None,
    }
}

/// A fail for something the answer does not show, when the answer is
/// complete; with only a first page, the rest may show it: not assessed.
fn absent<T>(builder: FindingBuilder, answer: &Answer<'_, T>, reason: String) -> Finding {
    match answer {
        Answer::Complete { .. } => builder.fail(reason),
        _ => builder.not_assessed(answer.why_unavailable()),
    }
}

/// A fail when the call's failure is itself the answer (`status`), such
/// as "not subscribed" or "no such configuration"; otherwise not assessed.
fn refused<T>(
    builder: FindingBuilder,
    answer: &Answer<'_, T>,
    status: CallStatus,
    reason: &str,
) -> Finding {
    if answer.status() == status {
        builder.evidence_opt(answer.file(), "").fail(reason)
    } else {
        unavailable(builder, answer)
    }
}

/// `text`, or `(none)` for a value the answer leaves out.
fn or_none(text: Option<&str>) -> &str {
    text.unwrap_or("(none)")
}

// --- GuardDuty ----------------------------------------------------------

fn guardduty(ctx: &Context) -> Vec<Finding> {
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
        (n, true) => format!("; all {n} protection plans on"),
        (_, false) => format!("; protection plans off: {}", off.join(", ")),
    }
}

// --- Security Hub -------------------------------------------------------

fn security_hub(ctx: &Context) -> Vec<Finding> {
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

// --- AWS Config ---------------------------------------------------------

fn config_recording(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(CONFIG, |account, region| {
        let answer = ctx
            .snapshot
            .answer::<ConfigurationRecorders>(account, region);
        let builder = Finding::on(CONFIG, account, region, account);
        let none = format!("no AWS Config recorder in {region}");
        let Some((list, file)) = answered(&answer) else {
            return vec![refused(builder, &answer, CallStatus::NotFound, &none)];
        };
        if list.configuration_recorders.is_empty() {
            let builder = builder.evidence(file, pointer(&[&"ConfigurationRecorders"]));
            return vec![absent(builder, &answer, none)];
        }
        let statuses = ctx
            .snapshot
            .answer::<ConfigurationRecorderStatus>(account, region);
        let recorders = list.configuration_recorders.iter().enumerate();
        recorders
            .map(|(i, recorder)| {
                let name = or_none(recorder.name.as_deref());
                let builder = Finding::on(CONFIG, account, region, name).evidence(
                    file,
                    pointer(&[&"ConfigurationRecorders", &i, &"recordingGroup"]),
                );
                judge_recorder(builder, region, recorder, &statuses)
            })
            .collect()
    })
}

/// Passes a recorder that is recording now and records every supported type.
fn judge_recorder(
    builder: FindingBuilder,
    region: &str,
    recorder: &ConfigurationRecorder,
    statuses: &Answer<'_, ConfigurationRecorderStatus>,
) -> Finding {
    let name = or_none(recorder.name.as_deref());
    let Some((list, file)) = answered(statuses) else {
        return unavailable(builder, statuses);
    };
    let found = list
        .configuration_recorders_status
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == recorder.name);
    let Some((j, status)) = found else {
        return builder.evidence(file, "").not_assessed(format!(
            "describe-configuration-recorder-status has no status for recorder {name}"
        ));
    };
    let builder = builder.evidence(
        file,
        pointer(&[&"ConfigurationRecordersStatus", &j, &"recording"]),
    );
    let Some(group) = &recorder.recording_group else {
        return builder.not_assessed(format!("recorder {name}: the answer has no recordingGroup"));
    };

    let mut problems = Vec::new();
    if status.recording != Some(true) {
        problems.push(format!(
            "is not recording (recording {}; lastStatus {} only reports its last delivery)",
            status
                .recording
                .map_or("absent".to_string(), |r| r.to_string()),
            or_none(status.last_status.as_deref())
        ));
    }
    problems.extend(coverage_gap(group));
    let global = global_types(group);
    if problems.is_empty() {
        builder.pass(format!(
            "recorder {name} in {region} is recording all supported resource types; {global}"
        ))
    } else {
        let problems = problems.join(" and ");
        builder.fail(format!("recorder {name} in {region} {problems}; {global}"))
    }
}

/// What a recorder leaves out, or `None` when it records every supported
/// resource type.
fn coverage_gap(group: &RecordingGroup) -> Option<String> {
    let strategy = group
        .recording_strategy
        .as_ref()
        .and_then(|s| s.use_only.as_deref());
    if group.all_supported == Some(true) || strategy == Some("ALL_SUPPORTED_RESOURCE_TYPES") {
        return None;
    }
    if strategy == Some("EXCLUSION_BY_RESOURCE_TYPES") {
        let excluded = group
            .exclusion_by_resource_types
            .as_ref()
            .map_or(0, |e| e.resource_types.len());
        return Some(format!("leaves out {excluded} resource types"));
    }
    let types = &group.resource_types;
    Some(match types.len() {
        0 => "records no resource type".to_string(),
        n if n <= 5 => format!("records only {n} resource types ({})", types.join(", ")),
        n => format!("records only {n} resource types"),
    })
}

/// Global resource types (IAM) need recording in one region only, so their
/// absence is said, not failed.
fn global_types(group: &RecordingGroup) -> &'static str {
    match group.include_global_resource_types {
        Some(true) => "global resource types (IAM) included",
        _ => "global resource types (IAM) not included here: one region's recorder should",
    }
}

// --- CloudTrail ---------------------------------------------------------

/// A trail as the account's regions list it, once per ARN, with its logging
/// status when the snapshot has one.
struct SeenTrail<'a> {
    trail: &'a Trail,
    /// The TrailARN, or the name when the ARN is missing.
    key: &'a str,
    /// The region whose describe-trails listed it, and where.
    listed_in: &'a str,
    file: &'a str,
    index: usize,
    status: Option<(&'a TrailStatus, &'a str)>,
}

impl SeenTrail<'_> {
    fn name(&self) -> &str {
        self.trail.name.as_deref().unwrap_or(self.key)
    }

    fn multi_region(&self) -> bool {
        self.trail.is_multi_region_trail == Some(true)
    }

    fn validated(&self) -> bool {
        self.trail.log_file_validation_enabled == Some(true)
    }

    /// `Some(true)` logging, `Some(false)` stopped, `None` not known.
    fn logging(&self) -> Option<bool> {
        self.status.and_then(|(s, _)| s.is_logging)
    }

    fn good(&self) -> bool {
        self.multi_region() && self.validated() && self.logging() == Some(true)
    }

    fn evidence(&self, builder: FindingBuilder) -> FindingBuilder {
        let builder = builder.evidence(self.file, pointer(&[&"trailList", &self.index]));
        match self.status {
            Some((_, file)) => builder.evidence(file, pointer(&[&"IsLogging"])),
            None => builder,
        }
    }
}

fn cloudtrail(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for scope in ctx.accounts() {
        let account = scope.account_id.as_str();
        let (trails, complete) = trails_of(ctx.snapshot, account, &scope.regions);
        findings.push(account_trail(
            ctx.snapshot,
            account,
            &scope.regions,
            &trails,
            complete,
        ));
        findings.extend(trails.iter().map(|t| trail_finding(account, t)));
    }
    findings
}

/// Every trail the collected regions list, shadow copies merged, preferring
/// the copy in the trail's home region; and whether any region's list was
/// complete (a multi-region trail shows in every region's list).
fn trails_of<'a>(
    snapshot: &'a Snapshot,
    account: &str,
    regions: &'a [String],
) -> (Vec<SeenTrail<'a>>, bool) {
    let mut seen: Vec<SeenTrail<'a>> = Vec::new();
    let mut complete = false;
    for region in regions {
        let answer = snapshot.answer::<Trails>(account, region);
        complete |= matches!(answer, Answer::Complete { .. });
        let Some((list, file)) = answered(&answer) else {
            continue;
        };
        for (index, trail) in list.trail_list.iter().enumerate() {
            let Some(key) = trail.trail_arn.as_deref().or(trail.name.as_deref()) else {
                continue;
            };
            let home = trail.home_region.as_deref() == Some(region.as_str());
            let status = None;
            let copy = SeenTrail {
                trail,
                key,
                listed_in: region,
                file,
                index,
                status,
            };
            match seen.iter_mut().find(|t| t.key == key) {
                Some(earlier) if home => *earlier = copy,
                Some(_) => {}
                None => seen.push(copy),
            }
        }
    }
    for trail in &mut seen {
        trail.status = trail_status(snapshot, account, trail.trail, regions);
    }
    (seen, complete)
}

/// get-trail-status for `trail`, from its home region if collected there,
/// else from any region that has it (a shadow copy reports the same trail).
fn trail_status<'a>(
    snapshot: &'a Snapshot,
    account: &str,
    trail: &Trail,
    regions: &[String],
) -> Option<(&'a TrailStatus, &'a str)> {
    let name = trail.name.as_deref()?;
    let home = trail.home_region.as_deref();
    let others = regions
        .iter()
        .map(String::as_str)
        .filter(|r| Some(*r) != home);
    home.into_iter()
        .chain(others)
        .find_map(|region| answered(&snapshot.answer_for::<TrailStatus>(account, region, name)))
}

/// The account's verdict: is at least one multi-region trail logging with
/// log file validation?
fn account_trail(
    snapshot: &Snapshot,
    account: &str,
    regions: &[String],
    trails: &[SeenTrail],
    complete: bool,
) -> Finding {
    let builder = Finding::on(CLOUDTRAIL, account, GLOBAL, account);
    if let Some(good) = trails.iter().find(|t| t.good()) {
        return good.evidence(builder).pass(format!(
            "multi-region trail {} (home {}{}) is logging with log file validation",
            good.name(),
            or_none(good.trail.home_region.as_deref()),
            owner_note(account, good.key)
        ));
    }
    if !complete {
        // No region listed its trails in full: a trail may be unseen.
        let first = regions.first().map_or("", String::as_str);
        let answer = snapshot.answer::<Trails>(account, first);
        return unavailable(builder, &answer);
    }
    no_good_trail(builder, trails)
}

/// Why no trail passes, from complete lists: no multi-region trail, or what
/// each multi-region trail lacks.
fn no_good_trail(builder: FindingBuilder, trails: &[SeenTrail]) -> Finding {
    let multi: Vec<&SeenTrail> = trails.iter().filter(|t| t.multi_region()).collect();
    let builder = multi.iter().fold(builder, |b, t| t.evidence(b));
    if multi.is_empty() {
        return builder.fail(no_multi_region(trails));
    }
    if multi.iter().any(|t| t.validated() && t.logging().is_none()) {
        return builder.not_assessed(
            "a multi-region trail validates its log files, \
             but whether it is logging is not in the snapshot",
        );
    }
    let gaps: Vec<String> = multi
        .iter()
        .map(|t| format!("{} {}", t.name(), trail_problems(t).join(" and ")))
        .collect();
    builder.fail(format!(
        "no multi-region trail is both logging and validating its log files: {}",
        gaps.join("; ")
    ))
}

fn no_multi_region(trails: &[SeenTrail]) -> String {
    if trails.is_empty() {
        return "no CloudTrail trail in the account".to_string();
    }
    let names: Vec<String> = trails
        .iter()
        .map(|t| {
            format!(
                "{} in {}",
                t.name(),
                or_none(t.trail.home_region.as_deref())
            )
        })
        .collect();
    format!(
        "no multi-region trail; single-region trails only: {}",
        names.join(", ")
    )
}

/// ", organisation trail of account N" for a trail another account owns.
fn owner_note(account: &str, arn: &str) -> String {
    match arn.split(':').nth(4) {
        Some(owner) if !owner.is_empty() && owner != account => {
            format!(", organisation trail of account {owner}")
        }
        _ => String::new(),
    }
}

/// What a trail lacks: logging, log file validation.
fn trail_problems(trail: &SeenTrail) -> Vec<String> {
    let mut problems = Vec::new();
    if trail.logging() == Some(false) {
        let stopped = trail
            .status
            .and_then(|(s, _)| s.stop_logging_time)
            .map(|t| format!(" since {}", t.0.date()))
            .unwrap_or_default();
        problems.push(format!("is not logging{stopped}"));
    }
    if !trail.validated() {
        problems.push("has log file validation off".to_string());
    }
    problems
}

/// One trail's own verdict: logging and log file validation.
fn trail_finding(account: &str, trail: &SeenTrail) -> Finding {
    let region = trail
        .trail
        .home_region
        .as_deref()
        .unwrap_or(trail.listed_in);
    let builder =
        Finding::on(CLOUDTRAIL, account, region, trail.key).name(trail.trail.name.as_deref());
    let builder = trail.evidence(builder);
    let kind = if trail.multi_region() {
        "multi-region trail"
    } else {
        "single-region trail"
    };
    let problems = trail_problems(trail);
    if !problems.is_empty() {
        return builder.fail(format!(
            "{kind} {} {}",
            trail.name(),
            problems.join(" and ")
        ));
    }
    match trail.logging() {
        Some(true) => builder.pass(format!(
            "{kind} {} is logging with log file validation",
            trail.name()
        )),
        _ => builder.not_assessed(format!(
            "{kind} {} validates its log files, but whether it is logging is not in the snapshot",
            trail.name()
        )),
    }
}

// --- Inspector ----------------------------------------------------------

fn inspector(ctx: &Context) -> Vec<Finding> {
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

// --- Trusted Advisor ----------------------------------------------------

fn trusted_advisor(ctx: &Context) -> Vec<Finding> {
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

// --- Account settings ---------------------------------------------------

fn ebs_default_encryption(ctx: &Context) -> Vec<Finding> {
    ctx.each_region(EBS_DEFAULT_ENCRYPTION, |account, region| {
        let builder = Finding::on(EBS_DEFAULT_ENCRYPTION, account, region, account);
        let answer = ctx
            .snapshot
            .answer::<EbsEncryptionByDefault>(account, region);
        let Some((setting, file)) = answered(&answer) else {
            return vec![unavailable(builder, &answer)];
        };
        let builder = builder.evidence(file, pointer(&[&"EbsEncryptionByDefault"]));
        let sse = setting.sse_type.as_deref().unwrap_or("no SseType given");
        let verdict = match setting.ebs_encryption_by_default {
            Some(true) => builder.pass(format!(
                "EBS encryption by default is on in {region} ({sse})"
            )),
            Some(false) => builder.fail(format!(
                "EBS encryption by default is off in {region}: \
                 new volumes are not encrypted unless asked"
            )),
            None => builder.not_assessed("the answer has no EbsEncryptionByDefault value"),
        };
        vec![verdict]
    })
}

fn s3_account_bpa(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| vec![s3_bpa_of(ctx, account)])
}

fn s3_bpa_of(ctx: &Context, account: &str) -> Finding {
    let builder = Finding::on(S3_ACCOUNT_BPA, account, GLOBAL, account);
    let answer = ctx.global::<PublicAccessBlockOutput>(account);
    let none = "no account-level S3 Block Public Access";
    // NoSuchPublicAccessBlockConfiguration means the account has none.
    let Some((output, file)) = answered(&answer) else {
        return refused(builder, &answer, CallStatus::NotFound, none);
    };
    let Some(block) = &output.public_access_block_configuration else {
        return builder.evidence(file, "").fail(none);
    };
    let builder = builder.evidence(file, pointer(&[&"PublicAccessBlockConfiguration"]));
    // An absent flag is off: that is the AWS default.
    let flags = [
        ("BlockPublicAcls", block.block_public_acls),
        ("IgnorePublicAcls", block.ignore_public_acls),
        ("BlockPublicPolicy", block.block_public_policy),
        ("RestrictPublicBuckets", block.restrict_public_buckets),
    ];
    let off: Vec<&str> = flags
        .iter()
        .filter(|(_, on)| *on != Some(true))
        .map(|(flag, _)| *flag)
        .collect();
    builder.verdict(
        off.is_empty(),
        "account-level S3 Block Public Access is on: all four settings true",
        format!(
            "account-level S3 Block Public Access is incomplete: {} off",
            off.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::Status;
    use crate::assess::testing::{ACCOUNT, SnapshotBuilder, findings, outcomes, sample_findings};

    const R: &str = "eu-west-2";

    /// The 15 regions the sample account has enabled but did not export:
    /// every regional check reports them as not assessed.
    const SAMPLE_NOT_EXPORTED: [&str; 15] = [
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    ];

    /// `(status, region, resource)` rows, sorted as `outcomes` sorts them.
    fn rows(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        let mut rows: Vec<_> = list
            .iter()
            .map(|(s, r, id)| (s.to_string(), r.to_string(), id.to_string()))
            .collect();
        rows.sort();
        rows
    }

    /// `list` plus the sample's not-exported regions, each not assessed.
    fn with_gaps(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        let gaps = SAMPLE_NOT_EXPORTED.map(|r| ("not-assessed", r, r));
        rows(&[list, &gaps[..]].concat())
    }

    /// The single finding of `check`, as (status, reason).
    fn only(snapshot: &Snapshot, check: &str) -> (Status, String) {
        let found = findings(snapshot, check);
        assert_eq!(found.len(), 1, "{found:#?}");
        (found[0].status, found[0].reason.clone())
    }

    /// A case file from `../shared/cases/public-exports`, if it is there.
    fn public_export(name: &str) -> Option<String> {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/cases/public-exports/"
        );
        let text = std::fs::read_to_string(format!("{dir}{name}")).ok();
        if text.is_none() {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: {name} is not beside the repository");
            }
        }
        text
    }

    // --- GuardDuty ------------------------------------------------------

    const DETECTOR: &str = "5e3ccc58a7e81631ce896c3bceb91116";

    fn with_detector(status: &str) -> Snapshot {
        SnapshotBuilder::new()
            .call(
                R,
                "guardduty/list-detectors",
                &format!(r#"{{"DetectorIds": ["{DETECTOR}"]}}"#),
            )
            .call(
                R,
                &format!("guardduty/get-detector/{DETECTOR}"),
                &format!(
                    r#"{{"Status": "{status}", "Features": [
                        {{"Name": "CLOUD_TRAIL", "Status": "ENABLED"}},
                        {{"Name": "EBS_MALWARE_PROTECTION", "Status": "DISABLED"}}]}}"#
                ),
            )
            .build()
    }

    #[test]
    fn empty_detector_list_is_guardduty_off_not_a_parse_error() {
        let snapshot = SnapshotBuilder::new()
            .call(
                "eu-west-1",
                "guardduty/list-detectors",
                r#"{"DetectorIds": []}"#,
            )
            .build();
        let found = findings(&snapshot, GUARDDUTY);
        assert_eq!(outcomes(&found), rows(&[("fail", "eu-west-1", ACCOUNT)]));
        assert_eq!(
            found[0].reason,
            "GuardDuty is off in eu-west-1: no detector"
        );
        assert_eq!(found[0].evidence[0].pointer, "/DetectorIds");
    }

    #[test]
    fn case_guardduty_list_detectors_empty_fails() {
        let Some(json) = public_export("guardduty-list-detectors-empty.json") else {
            return;
        };
        let snapshot = SnapshotBuilder::new()
            .call(R, "guardduty/list-detectors", &json)
            .build();
        assert_eq!(only(&snapshot, GUARDDUTY).0, Status::Fail);
    }

    #[test]
    fn enabled_detector_passes_and_names_the_plans_that_are_off() {
        let found = findings(&with_detector("ENABLED"), GUARDDUTY);
        assert_eq!(outcomes(&found), rows(&[("pass", R, DETECTOR)]));
        assert!(
            found[0]
                .reason
                .ends_with("protection plans off: EBS_MALWARE_PROTECTION"),
            "{}",
            found[0].reason
        );
    }

    #[test]
    fn suspended_detector_fails() {
        let (status, reason) = only(&with_detector("DISABLED"), GUARDDUTY);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("suspended (Status DISABLED)"), "{reason}");
    }

    #[test]
    fn detector_without_its_get_detector_answer_is_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .call(R, "guardduty/list-detectors", r#"{"DetectorIds": ["abc"]}"#)
            .failed(R, "guardduty/get-detector/abc", CallStatus::Missing)
            .build();
        assert_eq!(only(&snapshot, GUARDDUTY).0, Status::NotAssessed);
    }

    #[test]
    fn empty_first_page_of_detectors_is_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .partial(
                R,
                "guardduty/list-detectors",
                r#"{"DetectorIds": [], "NextToken": "x"}"#,
            )
            .build();
        assert_eq!(only(&snapshot, GUARDDUTY).0, Status::NotAssessed);
    }

    #[test]
    fn region_enabled_but_not_exported_is_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .call(R, "guardduty/list-detectors", r#"{"DetectorIds": []}"#)
            .not_exported("eu-north-1")
            .build();
        let expected = rows(&[
            ("fail", R, ACCOUNT),
            ("not-assessed", "eu-north-1", "eu-north-1"),
        ]);
        assert_eq!(outcomes(&findings(&snapshot, GUARDDUTY)), expected);
    }

    #[test]
    fn sample_guardduty() {
        let expected = with_gaps(&[("pass", R, DETECTOR), ("fail", "eu-west-1", "210987654321")]);
        assert_eq!(outcomes(&sample_findings(GUARDDUTY)), expected);
    }

    // --- Security Hub ---------------------------------------------------

    const HUB: &str = r#"{"HubArn": "arn:aws:securityhub:eu-west-2:111122223333:hub/default",
        "SubscribedAt": "2024-02-05T14:21:06.873Z"}"#;

    fn hub_with(standards: &str) -> Snapshot {
        SnapshotBuilder::new()
            .call(R, "securityhub/describe-hub", HUB)
            .call(R, "securityhub/get-enabled-standards", standards)
            .build()
    }

    #[test]
    fn security_hub_not_subscribed_is_off_and_fails() {
        let snapshot = SnapshotBuilder::new()
            .failed(R, "securityhub/describe-hub", CallStatus::NotEnabled)
            .failed(
                R,
                "securityhub/get-enabled-standards",
                CallStatus::NotEnabled,
            )
            .build();
        let (status, reason) = only(&snapshot, SECURITY_HUB);
        assert_eq!(
            (status, reason.as_str()),
            (Status::Fail, "Security Hub is not enabled in eu-west-2")
        );
    }

    #[test]
    fn denied_describe_hub_is_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .failed(R, "securityhub/describe-hub", CallStatus::AccessDenied)
            .build();
        assert_eq!(only(&snapshot, SECURITY_HUB).0, Status::NotAssessed);
    }

    #[test]
    fn hub_with_a_ready_standard_passes_and_names_it_by_its_arn() {
        let snapshot = hub_with(
            r#"{"StandardsSubscriptions": [
                {"StandardsArn":
                    "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
                 "StandardsStatus": "READY"},
                {"StandardsArn": "arn:aws:securityhub:eu-west-2::standards/nist-800-53/v/5.0.0",
                 "StandardsStatus": "PENDING"}]}"#,
        );
        let found = findings(&snapshot, SECURITY_HUB);
        let hub = "arn:aws:securityhub:eu-west-2:111122223333:hub/default";
        assert_eq!(outcomes(&found), rows(&[("pass", R, hub)]));
        assert_eq!(
            found[0].reason,
            "Security Hub is on in eu-west-2 (since 2024-02-05) with standards READY: \
             cis-aws-foundations-benchmark/v/1.2.0"
        );
    }

    #[test]
    fn hub_whose_only_standard_is_pending_fails() {
        let arn = "arn:aws:securityhub:eu-west-2::standards/\
                   aws-foundational-security-best-practices/v/1.0.0";
        let snapshot = hub_with(&format!(
            r#"{{"StandardsSubscriptions":
                [{{"StandardsArn": "{arn}", "StandardsStatus": "PENDING"}}]}}"#
        ));
        let (status, reason) = only(&snapshot, SECURITY_HUB);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.ends_with(
                "no standard is READY: aws-foundational-security-best-practices/v/1.0.0 PENDING"
            ),
            "{reason}"
        );
    }

    #[test]
    fn hub_with_no_standard_fails_but_a_first_page_without_one_is_not_assessed() {
        let none = r#"{"StandardsSubscriptions": []}"#;
        assert_eq!(only(&hub_with(none), SECURITY_HUB).0, Status::Fail);
        let snapshot = SnapshotBuilder::new()
            .call(R, "securityhub/describe-hub", HUB)
            .partial(
                R,
                "securityhub/get-enabled-standards",
                r#"{"StandardsSubscriptions": [], "NextToken": "t"}"#,
            )
            .build();
        assert_eq!(only(&snapshot, SECURITY_HUB).0, Status::NotAssessed);
    }

    #[test]
    fn sample_security_hub() {
        let hub = "arn:aws:securityhub:eu-west-2:210987654321:hub/default";
        let expected = with_gaps(&[("pass", R, hub), ("fail", "eu-west-1", "210987654321")]);
        assert_eq!(outcomes(&sample_findings(SECURITY_HUB)), expected);
    }

    // --- AWS Config -----------------------------------------------------

    fn recorder(group: &str, status: &str) -> Snapshot {
        SnapshotBuilder::new()
            .call(
                R,
                "configservice/describe-configuration-recorders",
                &format!(
                    r#"{{"ConfigurationRecorders":
                        [{{"name": "default", "recordingGroup": {group}}}]}}"#
                ),
            )
            .call(
                R,
                "configservice/describe-configuration-recorder-status",
                status,
            )
            .build()
    }

    const ALL: &str = r#"{"allSupported": true, "includeGlobalResourceTypes": true}"#;
    const RECORDING: &str = r#"{"ConfigurationRecordersStatus":
        [{"name": "default", "recording": true, "lastStatus": "SUCCESS"}]}"#;

    #[test]
    fn stopped_recorder_fails_even_though_its_last_status_is_success() {
        let stopped = r#"{"ConfigurationRecordersStatus":
            [{"name": "default", "recording": false, "lastStatus": "SUCCESS"}]}"#;
        let (status, reason) = only(&recorder(ALL, stopped), CONFIG);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.contains("is not recording (recording false"),
            "{reason}"
        );
    }

    #[test]
    fn case_config_recorder_status_stopped_fails() {
        let Some(json) = public_export("config-recorder-status-stopped.json") else {
            return;
        };
        assert_eq!(only(&recorder(ALL, &json), CONFIG).0, Status::Fail);
    }

    #[test]
    fn all_supported_strategy_passes_and_cli_v1_epoch_times_read_the_same() {
        let group = r#"{"allSupported": false, "includeGlobalResourceTypes": false,
            "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}}"#;
        // AWS CLI v1 prints Config's timestamps as epoch seconds.
        let v1 = r#"{"ConfigurationRecordersStatus": [{"name": "default", "recording": true,
            "lastStatus": "SUCCESS", "lastStartTime": 1582221233.421}]}"#;
        let found = findings(&recorder(group, v1), CONFIG);
        assert_eq!(outcomes(&found), rows(&[("pass", R, "default")]));
        assert!(
            found[0]
                .reason
                .ends_with("not included here: one region's recorder should")
        );
    }

    #[test]
    fn recorder_of_three_types_fails_naming_how_many() {
        let group = r#"{"allSupported": false, "resourceTypes":
            ["AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "AWS::EC2::Volume"],
            "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}"#;
        let (status, reason) = only(&recorder(group, RECORDING), CONFIG);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.contains("records only 3 resource types (AWS::EC2::Instance,"),
            "{reason}"
        );
    }

    #[test]
    fn recorder_excluding_types_fails_naming_how_many() {
        let group = r#"{"allSupported": false,
            "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::Volume", "AWS::S3::Bucket"]},
            "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}"#;
        let (status, reason) = only(&recorder(group, RECORDING), CONFIG);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("leaves out 2 resource types"), "{reason}");
    }

    #[test]
    fn no_recorder_fails() {
        let snapshot = SnapshotBuilder::new()
            .call(
                R,
                "configservice/describe-configuration-recorders",
                r#"{"ConfigurationRecorders": []}"#,
            )
            .build();
        let (status, reason) = only(&snapshot, CONFIG);
        assert_eq!(
            (status, reason.as_str()),
            (Status::Fail, "no AWS Config recorder in eu-west-2")
        );
    }

    #[test]
    fn recorder_without_a_status_is_not_assessed() {
        let none = r#"{"ConfigurationRecordersStatus": []}"#;
        assert_eq!(only(&recorder(ALL, none), CONFIG).0, Status::NotAssessed);
    }

    #[test]
    fn sample_config_recording() {
        let expected = with_gaps(&[("pass", R, "default"), ("fail", "eu-west-1", "default")]);
        assert_eq!(outcomes(&sample_findings(CONFIG)), expected);
    }

    // --- CloudTrail -----------------------------------------------------

    const ORG_ARN: &str = "arn:aws:cloudtrail:eu-west-2:555566667777:trail/org";
    const LEGACY_ARN: &str = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/legacy";

    fn trail(name: &str, arn: &str, home: &str, multi: bool, validation: bool) -> String {
        format!(
            r#"{{"Name": "{name}", "TrailARN": "{arn}", "HomeRegion": "{home}",
                "IsMultiRegionTrail": {multi}, "LogFileValidationEnabled": {validation}}}"#
        )
    }

    fn trails(list: &[String]) -> String {
        format!(r#"{{"trailList": [{}]}}"#, list.join(","))
    }

    fn logging(on: bool) -> String {
        format!(r#"{{"IsLogging": {on}, "StopLoggingTime": "2025-06-30T15:02:11.482000+00:00"}}"#)
    }

    #[test]
    fn shadow_copies_of_a_multi_region_trail_count_once() {
        // Home region eu-west-2 is not collected; the shadow copy's status
        // in eu-west-1 speaks for the trail.
        let org = trail("org", ORG_ARN, "eu-west-2", true, true);
        let legacy = trail("legacy", LEGACY_ARN, "eu-west-1", false, false);
        let snapshot = SnapshotBuilder::new()
            .call(
                "eu-west-1",
                "cloudtrail/describe-trails",
                &trails(&[org.clone(), legacy]),
            )
            .call(
                "eu-west-1",
                "cloudtrail/get-trail-status/org",
                &logging(true),
            )
            .call(
                "eu-west-1",
                "cloudtrail/get-trail-status/legacy",
                &logging(false),
            )
            .call("eu-west-3", "cloudtrail/describe-trails", &trails(&[org]))
            .build();
        let found = findings(&snapshot, CLOUDTRAIL);
        let expected = rows(&[
            ("pass", "global", ACCOUNT),
            ("pass", "eu-west-2", ORG_ARN),
            ("fail", "eu-west-1", LEGACY_ARN),
        ]);
        assert_eq!(outcomes(&found), expected);
        assert_eq!(
            found[0].reason,
            "multi-region trail org (home eu-west-2, organisation trail of account 555566667777) \
             is logging with log file validation"
        );
        assert_eq!(
            found[2].reason,
            "single-region trail legacy is not logging since 2025-06-30 \
             and has log file validation off"
        );
    }

    #[test]
    fn only_single_region_trails_fail_the_account() {
        let legacy = trail("legacy", LEGACY_ARN, "eu-west-1", false, true);
        let snapshot = SnapshotBuilder::new()
            .call(
                "eu-west-1",
                "cloudtrail/describe-trails",
                &trails(&[legacy]),
            )
            .call(
                "eu-west-1",
                "cloudtrail/get-trail-status/legacy",
                &logging(true),
            )
            .build();
        let found = findings(&snapshot, CLOUDTRAIL);
        let account = found.iter().find(|f| f.region == "global").unwrap();
        assert_eq!(account.status, Status::Fail);
        assert_eq!(
            account.reason,
            "no multi-region trail; single-region trails only: legacy in eu-west-1"
        );
        let own = found.iter().find(|f| f.resource_id == LEGACY_ARN).unwrap();
        assert_eq!(own.status, Status::Pass);
    }

    #[test]
    fn multi_region_trail_without_validation_fails_saying_so() {
        let org = trail("org", ORG_ARN, "eu-west-2", true, false);
        let snapshot = SnapshotBuilder::new()
            .call(R, "cloudtrail/describe-trails", &trails(&[org]))
            .call(R, "cloudtrail/get-trail-status/org", &logging(true))
            .build();
        let found = findings(&snapshot, CLOUDTRAIL);
        assert!(found.iter().all(|f| f.status == Status::Fail), "{found:#?}");
        assert!(
            found[0].reason.ends_with("org has log file validation off"),
            "{}",
            found[0].reason
        );
    }

    #[test]
    fn no_trail_at_all_fails() {
        let snapshot = SnapshotBuilder::new()
            .call(R, "cloudtrail/describe-trails", r#"{"trailList": []}"#)
            .build();
        let (status, reason) = only(&snapshot, CLOUDTRAIL);
        assert_eq!(
            (status, reason.as_str()),
            (Status::Fail, "no CloudTrail trail in the account")
        );
    }

    #[test]
    fn unknown_logging_status_is_not_assessed() {
        let org = trail("org", ORG_ARN, "eu-west-2", true, true);
        let snapshot = SnapshotBuilder::new()
            .call(R, "cloudtrail/describe-trails", &trails(&[org]))
            .failed(
                R,
                "cloudtrail/get-trail-status/org",
                CallStatus::AccessDenied,
            )
            .build();
        let found = findings(&snapshot, CLOUDTRAIL);
        assert!(
            found.iter().all(|f| f.status == Status::NotAssessed),
            "{found:#?}"
        );
    }

    #[test]
    fn denied_describe_trails_is_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .failed(R, "cloudtrail/describe-trails", CallStatus::AccessDenied)
            .build();
        let (status, reason) = only(&snapshot, CLOUDTRAIL);
        assert_eq!(
            (status, reason.as_str()),
            (
                Status::NotAssessed,
                "`cloudtrail describe-trails` was denied"
            )
        );
    }

    #[test]
    fn sample_cloudtrail() {
        let expected = rows(&[
            ("pass", "global", "210987654321"),
            (
                "pass",
                R,
                "arn:aws:cloudtrail:eu-west-2:555566667777:trail/nbch-organisation-trail",
            ),
            (
                "fail",
                "eu-west-1",
                "arn:aws:cloudtrail:eu-west-1:210987654321:trail/nbch-dr-legacy-trail",
            ),
        ]);
        assert_eq!(outcomes(&sample_findings(CLOUDTRAIL)), expected);
    }

    // --- Inspector ------------------------------------------------------

    fn inspector_state(ec2: &str) -> Snapshot {
        let json = format!(
            r#"{{"accounts": [{{"accountId": "{ACCOUNT}", "state": {{"status": "ENABLED"}},
                "resourceState":
                    {{"ec2": {{"status": "{ec2}"}}, "ecr": {{"status": "ENABLED"}}}}}}],
                "failedAccounts": []}}"#
        );
        SnapshotBuilder::new()
            .call(R, "inspector2/batch-get-account-status", &json)
            .build()
    }

    #[test]
    fn inspector_scanning_ec2_passes_and_mentions_the_others() {
        let (status, reason) = only(&inspector_state("ENABLED"), INSPECTOR);
        assert_eq!(status, Status::Pass);
        assert_eq!(
            reason,
            "Inspector scans EC2 instances in eu-west-2 \
             (ECR ENABLED, Lambda unknown, Lambda code unknown)"
        );
    }

    #[test]
    fn inspector_not_scanning_ec2_fails() {
        let (status, reason) = only(&inspector_state("DISABLED"), INSPECTOR);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("ec2 DISABLED, account ENABLED"), "{reason}");
    }

    #[test]
    fn denied_inspector_status_is_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .failed(
                R,
                "inspector2/batch-get-account-status",
                CallStatus::AccessDenied,
            )
            .build();
        assert_eq!(only(&snapshot, INSPECTOR).0, Status::NotAssessed);
    }

    #[test]
    fn sample_inspector() {
        let expected = with_gaps(&[
            ("pass", R, "210987654321"),
            ("fail", "eu-west-1", "210987654321"),
        ]);
        assert_eq!(outcomes(&sample_findings(INSPECTOR)), expected);
    }

    // --- Trusted Advisor ------------------------------------------------

    const G: &str = "global";

    /// A listing with one security check `id` and one cost check, and the
    /// security check's result.
    fn advisor(id: &str, result: &str) -> Snapshot {
        let listing = format!(
            r#"{{"checks": [
                {{"id": "{id}", "name": "Check {id}", "category": "security", "metadata": []}},
                {{"id": "Qch7DwouX1", "name": "Low Utilization",
                  "category": "cost_optimizing"}}]}}"#
        );
        SnapshotBuilder::new()
            .call(G, "support/describe-trusted-advisor-checks", &listing)
            .call(
                G,
                &format!("support/describe-trusted-advisor-check-result/{id}"),
                result,
            )
            .build()
    }

    fn result(id: &str, status: &str, flagged: i64) -> String {
        format!(
            r#"{{"result": {{"checkId": "{id}", "status": "{status}",
                "resourcesSummary": {{"resourcesProcessed": 3, "resourcesFlagged": {flagged}}}}}}}"#
        )
    }

    #[test]
    fn no_business_support_plan_is_not_applicable() {
        let snapshot = SnapshotBuilder::new()
            .failed(
                G,
                "support/describe-trusted-advisor-checks",
                CallStatus::NotEnabled,
            )
            .build();
        let (status, reason) = only(&snapshot, TRUSTED_ADVISOR);
        assert_eq!(status, Status::NotApplicable);
        assert_eq!(
            reason,
            "Trusted Advisor security checks need a Business or Enterprise support plan"
        );
    }

    #[test]
    fn yellow_result_fails_naming_the_check_and_the_flagged_count() {
        let found = findings(
            &advisor("Yw2K9puPzl", &result("Yw2K9puPzl", "warning", 1)),
            TRUSTED_ADVISOR,
        );
        assert_eq!(outcomes(&found), rows(&[("fail", G, "Yw2K9puPzl")]));
        assert_eq!(
            found[0].reason,
            "Trusted Advisor: Check Yw2K9puPzl is yellow (warning), 1 resource(s) flagged"
        );
    }

    #[test]
    fn green_result_passes_and_not_available_is_not_applicable() {
        let ok = advisor("zXCkfM1nI3", &result("zXCkfM1nI3", "ok", 0));
        assert_eq!(only(&ok, TRUSTED_ADVISOR).0, Status::Pass);
        let na = advisor("zXCkfM1nI3", &result("zXCkfM1nI3", "not_available", 0));
        assert_eq!(only(&na, TRUSTED_ADVISOR).0, Status::NotApplicable);
    }

    #[test]
    fn red_result_with_null_metadata_cells_fails_as_reported() {
        let json = r#"{"result": {"checkId": "HCP4007jGY", "status": "error", "flaggedResources": [
            {"status": "error", "region": "eu-west-2", "resourceId": "a",
             "metadata": ["eu-west-2", null, "Red"]},
            {"status": "ok", "resourceId": "b"}]}}"#;
        let (status, reason) = only(&advisor("HCP4007jGY", json), TRUSTED_ADVISOR);
        assert_eq!(status, Status::Fail);
        // No summary: the flagged rows that are not green are counted.
        assert!(
            reason.ends_with("red (error), 1 resource(s) flagged"),
            "{reason}"
        );
    }

    #[test]
    fn case_ta_ebs_snapshots_error_is_reported_red() {
        let Some(json) = public_export("ta-ebs-snapshots-error.json") else {
            return;
        };
        // Listed as a security check here so that its result is read.
        let (status, reason) = only(&advisor("H7IgTzjTYb", &json), TRUSTED_ADVISOR);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.ends_with("red (error), 4 resource(s) flagged"),
            "{reason}"
        );
    }

    #[test]
    fn case_ta_awscli_docs_no_metadata_is_green() {
        let Some(json) = public_export("ta-awscli-docs-no-metadata.json") else {
            return;
        };
        assert_eq!(
            only(&advisor("zXCkfM1nI3", &json), TRUSTED_ADVISOR).0,
            Status::Pass
        );
    }

    #[test]
    fn security_check_without_its_result_is_not_assessed() {
        let listing = r#"{"checks":
            [{"id": "7DAFEmoDos", "name": "MFA on Root Account", "category": "security"}]}"#;
        let snapshot = SnapshotBuilder::new()
            .call(G, "support/describe-trusted-advisor-checks", listing)
            .failed(
                G,
                "support/describe-trusted-advisor-check-result/7DAFEmoDos",
                CallStatus::Missing,
            )
            .build();
        assert_eq!(only(&snapshot, TRUSTED_ADVISOR).0, Status::NotAssessed);
    }

    #[test]
    fn sample_trusted_advisor() {
        let expected = rows(&[
            ("fail", G, "HCP4007jGY"),
            ("fail", G, "1iG5NDGVre"),
            ("pass", G, "zXCkfM1nI3"),
            ("pass", G, "7DAFEmoDos"),
            ("fail", G, "Yw2K9puPzl"),
            ("fail", G, "DqdJqYeRm5"),
            ("pass", G, "12Fnkpl8Y5"),
            ("pass", G, "Pfx0RwqBli"),
            ("pass", G, "ePs02jT06w"),
            ("pass", G, "rSs93HQwa1"),
        ]);
        assert_eq!(outcomes(&sample_findings(TRUSTED_ADVISOR)), expected);
    }

    // --- Account settings -----------------------------------------------

    fn ebs(on: bool) -> Snapshot {
        let json = format!(r#"{{"EbsEncryptionByDefault": {on}, "SseType": "sse-ebs"}}"#);
        SnapshotBuilder::new()
            .call(R, "ec2/get-ebs-encryption-by-default", &json)
            .build()
    }

    #[test]
    fn ebs_encryption_by_default_on_passes_and_off_fails() {
        assert_eq!(only(&ebs(true), EBS_DEFAULT_ENCRYPTION).0, Status::Pass);
        assert_eq!(only(&ebs(false), EBS_DEFAULT_ENCRYPTION).0, Status::Fail);
    }

    #[test]
    fn sample_ebs_default_encryption() {
        let expected = with_gaps(&[
            ("pass", R, "210987654321"),
            ("fail", "eu-west-1", "210987654321"),
        ]);
        assert_eq!(outcomes(&sample_findings(EBS_DEFAULT_ENCRYPTION)), expected);
    }

    fn bpa(policy: bool) -> Snapshot {
        let json = format!(
            r#"{{"PublicAccessBlockConfiguration": {{"BlockPublicAcls": true,
                "IgnorePublicAcls": true, "BlockPublicPolicy": {policy}}}}}"#
        );
        SnapshotBuilder::new()
            .call(G, "s3control/get-public-access-block", &json)
            .build()
    }

    #[test]
    fn s3_block_public_access_fails_naming_the_settings_off_including_absent_ones() {
        let (status, reason) = only(&bpa(false), S3_ACCOUNT_BPA);
        assert_eq!(status, Status::Fail);
        assert_eq!(
            reason,
            "account-level S3 Block Public Access is incomplete: \
             BlockPublicPolicy, RestrictPublicBuckets off"
        );
    }

    #[test]
    fn s3_block_public_access_with_all_four_passes() {
        let json = r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true,
            "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}"#;
        let snapshot = SnapshotBuilder::new()
            .call(G, "s3control/get-public-access-block", json)
            .build();
        assert_eq!(only(&snapshot, S3_ACCOUNT_BPA).0, Status::Pass);
    }

    #[test]
    fn no_public_access_block_configuration_is_an_answer_and_fails() {
        let snapshot = SnapshotBuilder::new()
            .failed(G, "s3control/get-public-access-block", CallStatus::NotFound)
            .build();
        let (status, reason) = only(&snapshot, S3_ACCOUNT_BPA);
        assert_eq!(
            (status, reason.as_str()),
            (Status::Fail, "no account-level S3 Block Public Access")
        );
        let denied = SnapshotBuilder::new()
            .failed(
                G,
                "s3control/get-public-access-block",
                CallStatus::AccessDenied,
            )
            .build();
        assert_eq!(only(&denied, S3_ACCOUNT_BPA).0, Status::NotAssessed);
    }

    #[test]
    fn sample_s3_account_bpa() {
        let expected = rows(&[("pass", G, "210987654321")]);
        assert_eq!(outcomes(&sample_findings(S3_ACCOUNT_BPA)), expected);
    }
}
