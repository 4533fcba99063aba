//! CloudTrail: is a multi-region trail logging with log file validation?
//!
//! A *multi-region* trail logs every region, and describe-trails lists it
//! in each region as a "shadow" copy, so trails are told apart by ARN. *Log
//! file validation* makes CloudTrail write signed digest files that show
//! whether a log file changed after delivery.

use super::{CLOUDTRAIL, answered, or_none};
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::GLOBAL;
use crate::snapshot::read::{Answer, Snapshot};
use crate::snapshot::shapes::{Trail, TrailStatus, Trails};

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

pub(super) fn cloudtrail(ctx: &Context) -> Vec<Finding> {
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
