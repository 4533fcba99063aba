//! Monitoring: the integrated security monitoring and policy tools that NHS
//! guidance asks for under Cloud Security Principle 14 (point 2), and two
//! account-wide protections that sit with them.
//!
//! The checks sit by service, each file explaining the terms it uses:
//! - `detection.rs`: GuardDuty, Security Hub and Inspector, region by region;
//! - `config.rs`: the AWS Config recorder;
//! - `cloudtrail.rs`: a multi-region trail, logging, with log file
//!   validation;
//! - `trusted_advisor.rs`: AWS's own verdicts on the account;
//! - `settings.rs`: EBS encryption by default and account-level S3 Block
//!   Public Access.
//!
//! This file holds the registry and the helpers they share for reading an
//! answer. Where a service is off, or a setting has no resource of its own,
//! the finding's resource is the account.

use super::Check;
use crate::assess::context::unavailable;
use crate::assess::finding::{Finding, FindingBuilder};
use crate::snapshot::log::CallStatus;
use crate::snapshot::read::Answer;

mod cloudtrail;
mod config;
mod detection;
mod settings;
mod trusted_advisor;

pub static CHECKS: &[Check] = &[
    Check {
        id: GUARDDUTY,
        title: "GuardDuty is enabled in every region",
        run: detection::guardduty,
    },
    Check {
        id: SECURITY_HUB,
        title: "Security Hub is enabled with a security standard",
        run: detection::security_hub,
    },
    Check {
        id: CONFIG,
        title: "AWS Config records all resource types",
        run: config::config_recording,
    },
    Check {
        id: CLOUDTRAIL,
        title: "A multi-region CloudTrail trail is logging with file validation",
        run: cloudtrail::cloudtrail,
    },
    Check {
        id: INSPECTOR,
        title: "Inspector scans EC2 instances",
        run: detection::inspector,
    },
    Check {
        id: TRUSTED_ADVISOR,
        title: "Trusted Advisor security checks are green",
        run: trusted_advisor::trusted_advisor,
    },
    Check {
        id: EBS_DEFAULT_ENCRYPTION,
        title: "EBS encryption by default is on",
        run: settings::ebs_default_encryption,
    },
    Check {
        id: S3_ACCOUNT_BPA,
        title: "Account-level S3 Block Public Access is on",
        run: settings::s3_account_bpa,
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

#[cfg(test)]
mod tests;
