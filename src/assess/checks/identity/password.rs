//! The account password policy, judged against Cyber Essentials (12
//! characters, or at least 8 with MFA for every console user) and CIS (14
//! characters).

use super::{NoReport, PASSWORD_POLICY_CE, PASSWORD_POLICY_CIS, REPORT_POINTER, report, users};
use crate::assess::context::Context;
use crate::assess::finding::{Finding, FindingBuilder};
use crate::snapshot::GLOBAL;
use crate::snapshot::log::CallStatus;
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{CredentialRow, PasswordPolicyOutput};

/// Cyber Essentials: passwords of at least 12 characters, or at least 8
/// with a common-password deny list (IAM has none), or MFA.
const CE_MIN_LENGTH: u32 = 12;
/// Cyber Essentials: the password part of MFA has at least 8 characters.
const CE_MFA_MIN_LENGTH: u32 = 8;
/// CIS AWS Foundations (1.8 in v3.0): minimum password length 14.
const CIS_MIN_LENGTH: u32 = 14;
/// With no account password policy, IAM applies its default policy, whose
/// minimum length is 8.
const AWS_DEFAULT_MIN_LENGTH: u32 = 8;
/// A policy set without `MinimumPasswordLength` gets 6, the default of
/// UpdateAccountPasswordPolicy (GetAccountPasswordPolicy normally lists it).
const API_DEFAULT_MIN_LENGTH: u32 = 6;

/// The account's password policy, as far as these checks need it.
enum Policy<'a> {
    /// A policy is set with this minimum length; `said` words it for a
    /// reason and `pointer` locates it.
    Set {
        length: u32,
        said: String,
        file: &'a str,
        pointer: &'static str,
    },
    /// No policy is set (`NoSuchEntity`): IAM's default policy applies.
    NotSet { file: Option<&'a str> },
}

/// Reads the policy; `Err` says why it cannot be told.
fn read_policy<'a>(answer: &Answer<'a, PasswordPolicyOutput>) -> Result<Policy<'a>, String> {
    match (answer.value(), answer.file()) {
        (Some(output), Some(file)) => {
            let policy = output
                .password_policy
                .as_ref()
                .ok_or("the answer holds no PasswordPolicy")?;
            Ok(match policy.minimum_password_length {
                Some(length) => Policy::Set {
                    length,
                    said: format!("minimum password length {length}"),
                    file,
                    pointer: "/PasswordPolicy/MinimumPasswordLength",
                },
                None => Policy::Set {
                    length: API_DEFAULT_MIN_LENGTH,
                    said: format!(
                        "the password policy sets no minimum length, so {API_DEFAULT_MIN_LENGTH} applies"
                    ),
                    file,
                    pointer: "/PasswordPolicy",
                },
            })
        }
        _ if answer.status() == CallStatus::NotFound => Ok(Policy::NotSet {
            file: answer.file(),
        }),
        _ => Err(answer.why_unavailable()),
    }
}

fn policy_finding(check: &str, account: &str) -> FindingBuilder {
    Finding::on(check, account, GLOBAL, account).name(Some("account password policy"))
}

pub(super) fn password_policy_cis(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let builder = policy_finding(PASSWORD_POLICY_CIS, account);
        let answer = ctx.global::<PasswordPolicyOutput>(account);
        let finding = match read_policy(&answer) {
            Ok(Policy::Set {
                length,
                said,
                file,
                pointer,
            }) => builder.evidence(file, pointer).verdict(
                length >= CIS_MIN_LENGTH,
                format!("{said}, at least {CIS_MIN_LENGTH}"),
                format!("{said}, below {CIS_MIN_LENGTH}"),
            ),
            Ok(Policy::NotSet { file }) => builder.evidence_opt(file, "").fail(format!(
                "no password policy is set (IAM's default asks only {AWS_DEFAULT_MIN_LENGTH} characters)"
            )),
            Err(why) => builder.evidence_opt(answer.file(), "").not_assessed(why),
        };
        vec![finding]
    })
}

/// Cyber Essentials accepts 12 characters, or 8 with a deny list of common
/// passwords (IAM has none, so never), or MFA with a password of at least 8.
/// Expiry and complexity rules are not required: CE advises against forced
/// expiry.
pub(super) fn password_policy_ce(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let builder = policy_finding(PASSWORD_POLICY_CE, account);
        let answer = ctx.global::<PasswordPolicyOutput>(account);
        let (length, said, builder) = match read_policy(&answer) {
            Ok(Policy::Set {
                length,
                said,
                file,
                pointer,
            }) => (length, said, builder.evidence(file, pointer)),
            Ok(Policy::NotSet { file }) => (
                AWS_DEFAULT_MIN_LENGTH,
                format!(
                    "no password policy is set, so IAM's default minimum length \
                     {AWS_DEFAULT_MIN_LENGTH} applies"
                ),
                builder.evidence_opt(file, ""),
            ),
            Err(why) => return vec![builder.evidence_opt(answer.file(), "").not_assessed(why)],
        };
        if length >= CE_MIN_LENGTH {
            return vec![builder.pass(format!("{said}, at least {CE_MIN_LENGTH}"))];
        }
        vec![judge_mfa_route(ctx, account, builder, length, &said)]
    })
}

/// The length is below 12 and IAM has no deny list, so only the MFA route
/// remains: every console user has MFA, and passwords of at least 8.
fn judge_mfa_route(
    ctx: &Context,
    account: &str,
    builder: FindingBuilder,
    length: u32,
    said: &str,
) -> Finding {
    if length < CE_MFA_MIN_LENGTH {
        return builder.fail(format!(
            "{said}, below {CE_MFA_MIN_LENGTH}, the least Cyber Essentials accepts even with MFA"
        ));
    }
    let short = format!("{said}, below {CE_MIN_LENGTH}, and IAM has no common-password deny list");
    let report = match report(ctx, account) {
        Ok(report) => report,
        Err(gap) => {
            let gap = NoReport {
                reason: format!(
                    "{short}; whether every console user has MFA: {}",
                    gap.reason
                ),
                ..gap
            };
            return gap.finding(builder);
        }
    };
    let coverage = mfa_coverage(&report.rows);
    let builder = builder.evidence(report.file, REPORT_POINTER);
    if !coverage.without.is_empty() {
        let without = coverage.without.join(", ");
        return builder.fail(format!("{short}; console users without MFA: {without}"));
    }
    if coverage.unknown {
        return builder.not_assessed(format!(
            "{short}; the credential report does not say whether every console user has MFA"
        ));
    }
    builder.pass(match coverage.console {
        0 => format!("{short}, but no IAM user has a console password"),
        1 => format!("{short}, but the only console user has MFA, which Cyber Essentials accepts"),
        n => format!(
            "{short}, but {} have MFA, which Cyber Essentials accepts",
            crate::words::every(n, "console user", "console users")
        ),
    })
}

/// How far MFA covers the console users of a report.
struct MfaCoverage<'r> {
    /// Users with a console password.
    console: usize,
    /// Console users without MFA.
    without: Vec<&'r str>,
    /// Whether a user's password or MFA cell could not be read.
    unknown: bool,
}

fn mfa_coverage(rows: &[CredentialRow]) -> MfaCoverage<'_> {
    let mut coverage = MfaCoverage {
        console: 0,
        without: Vec::new(),
        unknown: false,
    };
    for user in users(rows) {
        match (user.console(), user.mfa()) {
            (Some(false), _) => {}
            (Some(true), Some(true)) => coverage.console += 1,
            (Some(true), Some(false)) => {
                coverage.console += 1;
                coverage.without.push(user.name);
            }
            _ => coverage.unknown = true,
        }
    }
    coverage
}
