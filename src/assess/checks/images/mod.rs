//! Hardened images: are the guest servers built from a security-hardened
//! image and kept close to it (NCSC/NHS Principle 14, guidance point 1)?
//!
//! The checks sit by theme, each file explaining the terms it uses:
//! - `provenance.rs`: the image an instance was launched from, approved by
//!   the user's list and not deprecated;
//! - `age.rs`: how long ago the instance was launched;
//! - `imds.rs`: whether the instance metadata service still answers its
//!   first version.
//!
//! This file holds the registry and the walk over live instances that every
//! instance check shares. Instances that are `terminated` or
//! `shutting-down` (the way to `terminated`; stopping goes through
//! `stopping`) are skipped by every check here: they run nothing and will
//! not run again. Every other state, including a missing one, is judged.

use super::Check;
use crate::assess::context::{self, Context};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{Instance, Instances};

mod age;
mod imds;
mod provenance;

pub static CHECKS: &[Check] = &[
    Check {
        id: APPROVED,
        title: "Instances are launched from an approved hardened image",
        run: provenance::approved,
    },
    Check {
        id: NOT_DEPRECATED,
        title: "Instances are not launched from a deprecated image",
        run: provenance::not_deprecated,
    },
    Check {
        id: INSTANCE_AGE,
        title: "Instances were launched within the last 180 days",
        run: age::instance_age,
    },
    Check {
        id: IMDS_V2_REQUIRED,
        title: "Instances require IMDSv2",
        run: imds::imds_v2_required,
    },
    Check {
        id: IMDS_ACCOUNT_DEFAULT,
        title: "New instances require IMDSv2 by account default",
        run: imds::imds_account_default,
    },
];

const APPROVED: &str = "image.approved";
const NOT_DEPRECATED: &str = "image.not-deprecated";
const INSTANCE_AGE: &str = "instance.age";
const IMDS_V2_REQUIRED: &str = "imds.v2-required";
const IMDS_ACCOUNT_DEFAULT: &str = "imds.account-default";

/// One live instance of a region's `describe-instances` answer, and where
/// it sits in the snapshot.
struct Seen<'a> {
    account: &'a str,
    region: &'a str,
    instance: &'a Instance,
    /// The instance ID, or the JSON pointer when the ID is missing.
    id: String,
    file: &'a str,
    at: String,
}

impl Seen<'_> {
    /// A finding of `check` on this instance, named after its `Name` tag.
    fn finding(&self, check: &str) -> FindingBuilder {
        let name = self
            .instance
            .tags
            .iter()
            .find(|t| t.key.as_deref() == Some("Name"))
            .and_then(|t| t.value.as_deref());
        Finding::on(check, self.account, self.region, self.id.clone()).name(name)
    }

    /// A JSON pointer to `member` of this instance.
    fn member(&self, member: &str) -> String {
        format!("{}{}", self.at, pointer(&[&member]))
    }
}

/// The live instances of `instances`, in the order they are listed.
fn live<'a>(
    account: &'a str,
    region: &'a str,
    instances: &'a Instances,
    file: &'a str,
) -> Vec<Seen<'a>> {
    let mut seen = Vec::new();
    for (r, reservation) in instances.reservations.iter().enumerate() {
        for (i, instance) in reservation.instances.iter().enumerate() {
            let state = instance.state.as_ref().and_then(|s| s.name.as_deref());
            if matches!(state, Some("terminated" | "shutting-down")) {
                continue;
            }
            let at = pointer(&[&"Reservations", &r, &"Instances", &i]);
            let id = instance.instance_id.clone().unwrap_or_else(|| at.clone());
            seen.push(Seen {
                account,
                region,
                instance,
                id,
                file,
                at,
            });
        }
    }
    seen
}

/// Runs `judge` on every live instance of every region. A region whose
/// instances cannot be listed gets one not-assessed finding; one listed only
/// in part gets its instances judged plus a not-assessed finding for the
/// rest; one with no live instance gets a not-applicable finding.
fn per_instance(
    ctx: &Context,
    check: &'static str,
    judge: impl Fn(&Context, &Seen) -> Finding,
) -> Vec<Finding> {
    ctx.each_region(check, |account, region| {
        let answer = ctx.snapshot.answer::<Instances>(account, region);
        let region_finding = Finding::on(check, account, region, region);
        let (Some(instances), Some(file)) = (answer.value(), answer.file()) else {
            return vec![context::unavailable(region_finding, &answer)];
        };

        let seen = live(account, region, instances, file);
        let mut findings: Vec<Finding> = seen.iter().map(|s| judge(ctx, s)).collect();
        if let Answer::Partial { .. } = answer {
            findings.push(region_finding.evidence(file, "").not_assessed(format!(
                "{}: instances beyond it are not assessed",
                answer.why_unavailable()
            )));
        } else if seen.is_empty() {
            findings.push(
                region_finding
                    .evidence(file, "/Reservations")
                    .not_applicable(format!(
                        "no EC2 instance in {region} (terminated ones are not counted)"
                    )),
            );
        }
        findings
    })
}

#[cfg(test)]
mod tests;
