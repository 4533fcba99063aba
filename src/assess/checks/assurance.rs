//! Assurance: is the security of the service's use assessed each year by
//! someone independent (NHS guidance under Cloud Security Principle 14,
//! point 3; ISO/IEC 27001:2022 5.35), and are the provider's own audit
//! reports current?
//!
//! Terms used below:
//! - an *attestation* is a named person's dated statement about a control
//!   no AWS API can show, such as "our Cyber Essentials Plus assessment was
//!   passed", with the certificate attached (see `crate::attest`). It stands
//!   from its `date` to its `expires` day; an expired one counts as missing.
//!   "Annual" here means made within the 365 days before the snapshot;
//! - AWS Artifact lists AWS's own audit reports and certificates (ISO/IEC
//!   27001, 27017, 27018, SOC 2) on its side of the shared-responsibility
//!   model. Each covers a *period*; AWS is audited every year, so a report
//!   whose period ended more than a year before the snapshot is out of date
//!   and a newer one should be on record.

use super::Check;
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::attest::{Attestation, AttestedStatus};
use crate::snapshot::GLOBAL;
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{ArtifactReport, ArtifactReports};
use std::cmp::Reverse;

pub static CHECKS: &[Check] = &[
    Check {
        id: ANNUAL_ASSESSMENT,
        title: "An independent assessment was made in the last year",
        run: annual_assessment,
    },
    Check {
        id: ARTIFACT_REPORTS,
        title: "AWS's ISO and SOC 2 reports are current",
        run: artifact_reports,
    },
];

const ANNUAL_ASSESSMENT: &str = "assure.annual-assessment";
const ARTIFACT_REPORTS: &str = "assure.artifact-reports";

/// The controls (framework, control) an attestation of the annual
/// independent assessment speaks for.
const ASSESSMENT_CONTROLS: [(&str, &str); 2] = [("nhs-p14", "NHS-P14-3"), ("iso27001", "5.35")];

/// "Each year": an attestation or a report period older than this many
/// days before the snapshot is out of date.
const YEAR_DAYS: i64 = 365;

// --- Annual independent assessment --------------------------------------

fn annual_assessment(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| vec![annual_for(ctx, account)])
}

/// Passes on the newest attestation that shows a current assessment; else
/// fails on the newest one, saying why it does not count, or on none.
fn annual_for(ctx: &Context, account: &str) -> Finding {
    let builder = Finding::on(ANNUAL_ASSESSMENT, account, GLOBAL, account);
    let mut candidates: Vec<&Attestation> = ctx
        .attestations
        .iter()
        .filter(|a| ASSESSMENT_CONTROLS.iter().any(|(f, c)| a.covers(f, c)))
        .collect();
    candidates.sort_by_key(|a| Reverse(a.date));

    if let Some(good) = candidates.iter().find(|a| why_not(ctx, a).is_none()) {
        return attached(builder, good).pass(format!(
            "attested by {} on {}, current until {}: {}",
            attester(good),
            good.date,
            good.expires,
            one_line(&good.statement)
        ));
    }
    match candidates.first() {
        Some(newest) => {
            let reason = why_not(ctx, newest).unwrap_or_default();
            attached(builder, newest).fail(reason)
        }
        None => builder.fail("no attestation of an annual independent assessment"),
    }
}

/// Why `a` does not show an assessment made in the year before the
/// snapshot, or `None` when it does.
fn why_not(ctx: &Context, a: &Attestation) -> Option<String> {
    let who = attester(a);
    let today = ctx.as_of.date();
    if a.expires < today {
        return Some(format!(
            "the attestation by {who} expired on {}; an expired attestation counts as missing",
            a.expires
        ));
    }
    if !a.is_current(ctx.as_of) {
        return Some(format!(
            "the attestation by {who} is dated {}, after the snapshot",
            a.date
        ));
    }
    if a.status == AttestedStatus::NotImplemented {
        return Some(format!(
            "{who} attested on {} that no independent assessment was made",
            a.date
        ));
    }
    let age = ctx.days_since(a.date.midnight().assume_utc());
    (age > YEAR_DAYS).then(|| {
        format!(
            "the attestation by {who} is dated {}, {age} days before the snapshot: \
             the assessment must be made each year",
            a.date
        )
    })
}

/// "Name (role)".
fn attester(a: &Attestation) -> String {
    match a.role.as_deref() {
        Some(role) if !role.trim().is_empty() => format!("{} ({role})", a.attested_by),
        _ => a.attested_by.clone(),
    }
}

/// A statement on one line, for a reason.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The attestation's attachments as evidence, by the path written in the
/// attestation file.
fn attached(builder: FindingBuilder, a: &Attestation) -> FindingBuilder {
    a.attachments
        .iter()
        .fold(builder, |b, file| b.evidence(&file.path, ""))
}

// --- AWS Artifact reports -----------------------------------------------

/// An AWS report family, recognised by `needles` in a report's name, series
/// or category (compared in lower case, not inside a longer number).
struct Family {
    label: &'static str,
    needles: &'static [&'static str],
}

const FAMILIES: [Family; 4] = [
    Family {
        label: "ISO/IEC 27001",
        needles: &["27001"],
    },
    Family {
        label: "ISO/IEC 27017",
        needles: &["27017"],
    },
    Family {
        label: "ISO/IEC 27018",
        needles: &["27018"],
    },
    Family {
        label: "SOC 2",
        needles: &["soc 2", "soc2"],
    },
];

impl Family {
    fn matches(&self, report: &ArtifactReport) -> bool {
        [&report.name, &report.series, &report.category]
            .into_iter()
            .flatten()
            .any(|text| self.needles.iter().any(|n| mentions(text, n)))
    }
}

/// Whether `text` holds `needle` (lower case) as a whole: not followed by a
/// digit, and not preceded by a character of the kind the needle starts
/// with. "SOC 2 Type 2" mentions "soc 2" and "ISO27001" mentions "27001";
/// "ISO 270011" and "ISO 127001" do not.
fn mentions(text: &str, needle: &str) -> bool {
    let text = text.to_lowercase();
    let numeric = needle.starts_with(|c: char| c.is_ascii_digit());
    let joins = |c: char| {
        if numeric {
            c.is_ascii_digit()
        } else {
            c.is_alphanumeric()
        }
    };
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(joins) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

fn artifact_reports(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let answer = ctx.global::<ArtifactReports>(account);
        FAMILIES
            .iter()
            .map(|family| family_finding(ctx, account, family, &answer))
            .collect()
    })
}

/// One family's verdict: the best report of the family, current or not.
fn family_finding(
    ctx: &Context,
    account: &str,
    family: &Family,
    answer: &Answer<'_, ArtifactReports>,
) -> Finding {
    let builder = Finding::on(ARTIFACT_REPORTS, account, GLOBAL, family.label);
    let (list, file) = match *answer {
        Answer::Complete { value, file } | Answer::Partial { value, file } => (value, file),
        Answer::Unavailable { .. } => return unavailable(builder, answer),
    };
    let found = list
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| family.matches(r))
        .max_by_key(|(_, r)| (is_current(ctx, r), r.period_end));
    let Some((i, report)) = found else {
        let builder = builder.evidence(file, pointer(&[&"reports"]));
        return match answer {
            Answer::Complete { .. } => {
                builder.fail(format!("AWS Artifact lists no {} report", family.label))
            }
            _ => builder.not_assessed(answer.why_unavailable()),
        };
    };
    let id = report.id.as_deref().unwrap_or(family.label);
    let builder = Finding::on(ARTIFACT_REPORTS, account, GLOBAL, id)
        .name(report.name.as_deref())
        .evidence(file, pointer(&[&"reports", &i]));
    judge_report(ctx, builder, family, report, answer)
}

/// Passes a current report; fails one whose period ended more than a year
/// before the snapshot (with only a first page, a newer one may be unseen).
fn judge_report(
    ctx: &Context,
    builder: FindingBuilder,
    family: &Family,
    report: &ArtifactReport,
    answer: &Answer<'_, ArtifactReports>,
) -> Finding {
    let about = describe(report);
    if is_current(ctx, report) {
        return builder.pass(format!("{}: {about}", family.label));
    }
    let ended = report
        .period_end
        .map(|t| t.0.date().to_string())
        .unwrap_or_default();
    match answer {
        Answer::Complete { .. } => builder.fail(format!(
            "{} report period ended {ended}, more than a year before the snapshot; \
             download the current one ({about})",
            family.label
        )),
        _ => builder.not_assessed(format!(
            "{} report period ended {ended}, and {}",
            family.label,
            answer.why_unavailable()
        )),
    }
}

/// Whether the report's period ended within the year before the snapshot
/// (or ends later); a report that gives no period is taken as current.
fn is_current(ctx: &Context, report: &ArtifactReport) -> bool {
    report
        .period_end
        .is_none_or(|end| ctx.days_since(end.0) <= YEAR_DAYS)
}

/// "ISO/IEC 27001:2022 Certification, version 4, period 2025-10-01 to
/// 2026-09-30".
fn describe(report: &ArtifactReport) -> String {
    let mut text = report
        .name
        .clone()
        .unwrap_or_else(|| "unnamed report".into());
    if let Some(version) = report.version {
        text.push_str(&format!(", version {version}"));
    }
    let day = |t: Option<crate::snapshot::shapes::Timestamp>| t.map(|t| t.0.date().to_string());
    match (day(report.period_start), day(report.period_end)) {
        (Some(start), Some(end)) => text.push_str(&format!(", period {start} to {end}")),
        (None, Some(end)) => text.push_str(&format!(", period ending {end}")),
        _ => text.push_str(", no period given"),
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::Status;
    use crate::assess::testing::{
        ACCOUNT, SAMPLE_MAIN, SAMPLE_RESEARCH, SnapshotBuilder, account_outcomes, findings,
        findings_with, outcomes, rows, sample_findings, sample_outcomes, sample_rows,
    };
    use crate::attest::{Attachment, ControlRef};
    use crate::snapshot::log::CallStatus;
    use crate::snapshot::read::Snapshot;
    use time::Date;
    use time::macros::date;

    const G: &str = "global";

    // --- Annual independent assessment -----------------------------------

    /// An attestation of `control` by Priya Shah, made on `date`.
    fn attestation(control: &str, date: Date, expires: Date) -> Attestation {
        let (framework, control_id) = control.split_once(':').unwrap();
        Attestation {
            controls: vec![ControlRef {
                framework: framework.into(),
                control_id: control_id.into(),
            }],
            status: AttestedStatus::Implemented,
            statement: "Cyber Essentials Plus\n assessment passed.".into(),
            attested_by: "Priya Shah".into(),
            role: Some("Senior Information Risk Owner".into()),
            date,
            expires,
            scope: None,
            attachments: vec![Attachment {
                path: "evidence/ce-plus.pdf".into(),
                resolved: "/tmp/evidence/ce-plus.pdf".into(),
                sha256: String::new(),
                bytes: 0,
            }],
        }
    }

    /// The single finding of the annual-assessment check with `list`.
    fn annual(list: &[Attestation]) -> Finding {
        let snapshot = SnapshotBuilder::new().build();
        let mut found = findings_with(&snapshot, ANNUAL_ASSESSMENT, &Default::default(), list);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.remove(0)
    }

    #[test]
    fn current_attestation_passes_with_its_attachments_as_evidence() {
        let a = attestation(
            "nhs-p14:NHS-P14-3",
            date!(2026 - 10 - 14),
            date!(2027 - 10 - 13),
        );
        let found = annual(&[a]);
        assert_eq!(found.status, Status::Pass);
        assert_eq!(
            found.reason,
            "attested by Priya Shah (Senior Information Risk Owner) on 2026-10-14, \
             current until 2027-10-13: Cyber Essentials Plus assessment passed."
        );
        assert_eq!(found.evidence[0].file, "evidence/ce-plus.pdf");
        assert_eq!(found.evidence[0].pointer, "");
    }

    #[test]
    fn iso_5_35_attestation_counts_too() {
        let a = attestation(
            "iso27001:5.35",
            date!(2026 - 06 - 01),
            date!(2027 - 05 - 31),
        );
        assert_eq!(annual(&[a]).status, Status::Pass);
    }

    #[test]
    fn expired_attestation_counts_as_missing_and_fails() {
        let a = attestation(
            "nhs-p14:NHS-P14-3",
            date!(2025 - 10 - 14),
            date!(2026 - 10 - 13),
        );
        let found = annual(&[a]);
        assert_eq!(found.status, Status::Fail);
        assert_eq!(
            found.reason,
            "the attestation by Priya Shah (Senior Information Risk Owner) expired on 2026-10-13; \
             an expired attestation counts as missing"
        );
    }

    #[test]
    fn no_attestation_or_one_for_another_control_fails() {
        let expected = "no attestation of an annual independent assessment";
        assert_eq!(annual(&[]).reason, expected);
        let other = attestation("iso27001:5.1", date!(2026 - 10 - 14), date!(2027 - 10 - 13));
        let found = annual(&[other]);
        assert_eq!(
            (found.status, found.reason.as_str()),
            (Status::Fail, expected)
        );
    }

    #[test]
    fn attestation_older_than_a_year_fails_even_before_it_expires() {
        let a = attestation(
            "nhs-p14:NHS-P14-3",
            date!(2025 - 11 - 01),
            date!(2027 - 11 - 01),
        );
        let found = annual(&[a]);
        assert_eq!(found.status, Status::Fail);
        assert!(
            found.reason.contains("394 days before the snapshot"),
            "{}",
            found.reason
        );
    }

    #[test]
    fn attestation_that_no_assessment_was_made_fails() {
        let mut a = attestation(
            "nhs-p14:NHS-P14-3",
            date!(2026 - 10 - 14),
            date!(2027 - 10 - 13),
        );
        a.status = AttestedStatus::NotImplemented;
        let found = annual(&[a]);
        assert_eq!(found.status, Status::Fail);
        assert!(found.reason.contains("no independent assessment was made"));
    }

    #[test]
    fn attestation_dated_after_the_snapshot_fails() {
        let a = attestation(
            "nhs-p14:NHS-P14-3",
            date!(2026 - 12 - 01),
            date!(2027 - 12 - 01),
        );
        let found = annual(&[a]);
        assert_eq!(found.status, Status::Fail);
        assert!(
            found
                .reason
                .ends_with("dated 2026-12-01, after the snapshot")
        );
    }

    #[test]
    fn a_current_attestation_wins_over_a_newer_expired_or_older_one() {
        let expired = attestation(
            "nhs-p14:NHS-P14-3",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
        );
        let current = attestation(
            "iso27001:5.35",
            date!(2026 - 02 - 01),
            date!(2027 - 01 - 31),
        );
        assert_eq!(annual(&[expired, current]).status, Status::Pass);
    }

    #[test]
    fn sample_annual_assessment() {
        // Attestations speak for the whole run, so the one assessment
        // attested covers both accounts: the sample cannot fail this check
        // (the tests above cover the failures).
        let found = sample_findings(ANNUAL_ASSESSMENT);
        assert_eq!(
            account_outcomes(&found),
            sample_rows(&[
                ("pass", SAMPLE_MAIN, G, SAMPLE_MAIN),
                ("pass", SAMPLE_RESEARCH, G, SAMPLE_RESEARCH),
            ])
        );
        for finding in &found {
            assert_eq!(
                finding.evidence[0].file,
                "evidence/cyber-essentials-plus-certificate-2026.txt"
            );
        }
    }

    // --- AWS Artifact reports --------------------------------------------

    fn report(id: &str, name: &str, series: &str, end: &str) -> String {
        format!(
            r#"{{"id": "{id}", "name": "{name}", "version": 2, "series": "{series}",
                "periodStart": "2025-10-01T00:00:00+00:00", "periodEnd": "{end}T00:00:00+00:00"}}"#
        )
    }

    fn reports(list: &[String]) -> Snapshot {
        let json = format!(r#"{{"reports": [{}]}}"#, list.join(","));
        SnapshotBuilder::new()
            .call(G, "artifact/list-reports", &json)
            .build()
    }

    fn four_current() -> Vec<String> {
        vec![
            report(
                "r1",
                "ISO/IEC 27001:2022 Certification",
                "ISO",
                "2026-09-30",
            ),
            report(
                "r2",
                "ISO/IEC 27017:2015 Certification",
                "ISO",
                "2026-09-30",
            ),
            report(
                "r3",
                "ISO/IEC 27018:2019 Certification",
                "ISO",
                "2026-09-30",
            ),
            report("r4", "SOC 2 Type 2 Report", "SOC", "2026-09-30"),
        ]
    }

    #[test]
    fn families_are_found_in_lower_or_upper_case_and_not_inside_longer_numbers() {
        assert!(mentions("ISO/IEC 27001:2022 Certification", "27001"));
        assert!(!mentions("ISO/IEC 27701:2019 Certification", "27001"));
        assert!(mentions("ISO27001 certificate", "27001"));
        assert!(!mentions("ISO 270011", "27001"));
        assert!(!mentions("ISO 127001", "27001"));
        assert!(mentions("soc 2 type 2 report", "soc 2"));
        assert!(mentions("AWS SOC2 Report", "soc2"));
        assert!(!mentions("SOC 1 Type 2 Report", "soc 2"));
        assert!(!mentions("SOC 20 report", "soc 2"));
    }

    #[test]
    fn current_reports_pass_naming_version_and_period() {
        let found = findings(&reports(&four_current()), ARTIFACT_REPORTS);
        let expected = [
            ("pass", G, "r1"),
            ("pass", G, "r2"),
            ("pass", G, "r3"),
            ("pass", G, "r4"),
        ];
        assert_eq!(outcomes(&found), rows(&expected));
        assert_eq!(
            found[0].reason,
            "ISO/IEC 27001: ISO/IEC 27001:2022 Certification, version 2, \
             period 2025-10-01 to 2026-09-30"
        );
    }

    #[test]
    fn a_report_whose_period_ended_over_a_year_ago_fails() {
        let mut list = four_current();
        list[2] = report(
            "r3",
            "ISO/IEC 27018:2019 Certification",
            "ISO",
            "2025-09-30",
        );
        let found = findings(&reports(&list), ARTIFACT_REPORTS);
        let stale = found.iter().find(|f| f.resource_id == "r3").unwrap();
        assert_eq!(stale.status, Status::Fail);
        assert!(
            stale.reason.starts_with(
                "ISO/IEC 27018 report period ended 2025-09-30, more than a year before the \
                 snapshot; download the current one"
            ),
            "{}",
            stale.reason
        );
    }

    #[test]
    fn the_current_report_of_a_family_is_judged_over_an_older_one() {
        let mut list = four_current();
        list.push(report(
            "old",
            "ISO/IEC 27001:2013 Certification",
            "ISO",
            "2024-09-30",
        ));
        let found = findings(&reports(&list), ARTIFACT_REPORTS);
        assert!(
            found
                .iter()
                .all(|f| f.status == Status::Pass && f.resource_id != "old")
        );
    }

    #[test]
    fn a_family_found_only_by_series_and_one_without_a_period_pass() {
        let mut list = four_current();
        list[3] = r#"{"id": "r4", "name": "Service Organization Controls report",
            "series": "SOC 2"}"#
            .to_string();
        let found = findings(&reports(&list), ARTIFACT_REPORTS);
        let soc = found.iter().find(|f| f.resource_id == "r4").unwrap();
        assert_eq!(soc.status, Status::Pass);
        assert!(soc.reason.ends_with("no period given"), "{}", soc.reason);
    }

    #[test]
    fn a_missing_family_fails_but_only_when_the_list_is_complete() {
        let three = &four_current()[..3];
        let found = findings(&reports(three), ARTIFACT_REPORTS);
        let soc = found.iter().find(|f| f.resource_id == "SOC 2").unwrap();
        assert_eq!(
            (soc.status, soc.reason.as_str()),
            (Status::Fail, "AWS Artifact lists no SOC 2 report")
        );
        let json = format!(r#"{{"reports": [{}], "nextToken": "t"}}"#, three.join(","));
        let partial = SnapshotBuilder::new()
            .partial(G, "artifact/list-reports", &json)
            .build();
        let found = findings(&partial, ARTIFACT_REPORTS);
        let soc = found.iter().find(|f| f.resource_id == "SOC 2").unwrap();
        assert_eq!(soc.status, Status::NotAssessed);
    }

    #[test]
    fn unavailable_list_is_not_assessed_for_each_family() {
        let snapshot = SnapshotBuilder::new()
            .failed(G, "artifact/list-reports", CallStatus::AccessDenied)
            .build();
        let found = findings(&snapshot, ARTIFACT_REPORTS);
        let expected = rows(&[
            ("not-assessed", G, "ISO/IEC 27001"),
            ("not-assessed", G, "ISO/IEC 27017"),
            ("not-assessed", G, "ISO/IEC 27018"),
            ("not-assessed", G, "SOC 2"),
        ]);
        assert_eq!(outcomes(&found), expected);
        assert_eq!(found[0].reason, "`artifact list-reports` was denied");
        assert_eq!(found[0].account_id, ACCOUNT);
    }

    #[test]
    fn sample_artifact_reports() {
        // Artifact reports are about AWS, not the account: both accounts
        // list the same ones.
        let expected: Vec<_> = [SAMPLE_MAIN, SAMPLE_RESEARCH]
            .into_iter()
            .flat_map(|account| {
                [
                    ("pass", account, G, "report-WPimYEf3DCafnEUv"),
                    ("pass", account, G, "report-xo6l3THl00O48uis"),
                    ("fail", account, G, "report-RN5KHvIVbUZY69DY"),
                    ("pass", account, G, "report-Mzj4OAgpCCFetKGs"),
                ]
            })
            .collect();
        assert_eq!(sample_outcomes(ARTIFACT_REPORTS), sample_rows(&expected));
    }
}
