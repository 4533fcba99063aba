//! Identity: who can sign in to the account, and how well that is guarded.
//!
//! Most checks read the IAM credential report, a CSV with one row per IAM
//! user plus a row for the root user, named `<root_account>`. Besides dates
//! and `true`/`false` its cells hold sentinels, which are never dates:
//! `N/A` (the credential does not exist), `no_information` (never used, or
//! not since IAM began recording use) and `not_supported` (the field does
//! not exist for this user: the root user's password columns, because root
//! always has a password). Root MFA is therefore judged by `mfa_active`,
//! never by `password_enabled`. A user may appear on two rows; each user
//! gets one finding, judged on all of its rows.
//!
//! A "console user" is an IAM user with a password (`password_enabled`
//! true); users with only access keys are workloads. When no credential
//! report had been generated (`ReportNotPresent`), every check that needs it
//! is not assessed. Root MFA and root access keys fall back to the account
//! summary's `AccountMFAEnabled` and `AccountAccessKeysPresent` counters.
//!
//! The checks sit by theme: `root.rs` judges the root user, `users.rs` the
//! IAM users (console MFA, federation, unused credentials) and
//! `password.rs` the account password policy. This file holds the registry
//! and the reading of the credential report they share.

use super::Check;
use crate::assess::context::Context;
use crate::assess::finding::{Finding, FindingBuilder};
use crate::snapshot::GLOBAL;
use crate::snapshot::log::CallStatus;
use crate::snapshot::shapes::{CredentialReport, CredentialRow, ROOT_USER, report_flag};

mod password;
mod root;
mod users;

const ROOT_MFA: &str = "iam.root-mfa";
const ROOT_HARDWARE_MFA: &str = "iam.root-hardware-mfa";
const ROOT_ACCESS_KEYS: &str = "iam.root-access-keys";
const ROOT_RECENT_USE: &str = "iam.root-recent-use";
const CONSOLE_MFA: &str = "iam.console-mfa";
const UNUSED_CREDENTIALS_45: &str = "iam.unused-credentials-45";
const UNUSED_CREDENTIALS_90: &str = "iam.unused-credentials-90";
const PASSWORD_POLICY_CE: &str = "iam.password-policy-ce";
const PASSWORD_POLICY_CIS: &str = "iam.password-policy-cis";
const FEDERATION: &str = "iam.federation";

pub static CHECKS: &[Check] = &[
    Check {
        id: ROOT_MFA,
        title: "Root user has MFA",
        run: root::root_mfa,
    },
    Check {
        id: ROOT_HARDWARE_MFA,
        title: "Root user's MFA is a hardware device",
        run: root::root_hardware_mfa,
    },
    Check {
        id: ROOT_ACCESS_KEYS,
        title: "Root user has no active access keys",
        run: root::root_access_keys,
    },
    Check {
        id: ROOT_RECENT_USE,
        title: "Root user not used in the 90 days before the snapshot",
        run: root::root_recent_use,
    },
    Check {
        id: CONSOLE_MFA,
        title: "Console users have MFA",
        run: users::console_mfa,
    },
    Check {
        id: UNUSED_CREDENTIALS_45,
        title: "No enabled credential unused for more than 45 days",
        run: users::unused_credentials_45,
    },
    Check {
        id: UNUSED_CREDENTIALS_90,
        title: "No enabled credential unused for more than 90 days",
        run: users::unused_credentials_90,
    },
    Check {
        id: PASSWORD_POLICY_CE,
        title: "Password policy meets Cyber Essentials (12 characters, or MFA for every console user)",
        run: password::password_policy_ce,
    },
    Check {
        id: PASSWORD_POLICY_CIS,
        title: "Password policy requires 14 characters or more (CIS)",
        run: password::password_policy_cis,
    },
    Check {
        id: FEDERATION,
        title: "People sign in through federation, not as IAM users",
        run: users::federation,
    },
];

/// The report is CSV inside the JSON `Content` member; a JSON pointer cannot
/// reach a row, so findings point at the member and name the user.
const REPORT_POINTER: &str = "/Content";

// ---------------------------------------------------------------------------
// The credential report

/// The credential report's rows, with the snapshot file they came from.
struct Report<'a> {
    rows: Vec<CredentialRow>,
    file: &'a str,
}

/// Why the credential report cannot be used.
struct NoReport<'a> {
    file: Option<&'a str>,
    reason: String,
}

impl NoReport<'_> {
    fn finding(&self, builder: FindingBuilder) -> Finding {
        builder
            .evidence_opt(self.file, "")
            .not_assessed(self.reason.clone())
    }
}

/// Reads the account's credential report. The report is one document, never
/// paged, so a stored answer is the whole report.
fn report<'a>(ctx: &'a Context, account: &str) -> Result<Report<'a>, NoReport<'a>> {
    let answer = ctx.global::<CredentialReport>(account);
    let (Some(value), Some(file)) = (answer.value(), answer.file()) else {
        // NotFound is ReportNotPresent or ReportExpired: nobody generated a
        // current report before the export.
        let why = if answer.status() == CallStatus::NotFound {
            "no current report had been generated".to_string()
        } else {
            answer.why_unavailable()
        };
        return Err(NoReport {
            file: answer.file(),
            reason: format!("credential report unavailable: {why}"),
        });
    };
    match value.rows() {
        Ok(rows) => Ok(Report { rows, file }),
        Err(message) => Err(NoReport {
            file: Some(file),
            reason: format!("credential report unreadable: {message}"),
        }),
    }
}

/// One IAM user's rows (two when the report repeats a user).
struct UserRows<'r> {
    name: &'r str,
    rows: Vec<&'r CredentialRow>,
}

impl UserRows<'_> {
    /// Whether the user has a console password: yes if any row says so,
    /// unknown if a row's cell is neither true nor false.
    fn console(&self) -> Option<bool> {
        any_of(self.rows.iter().map(|r| report_flag(&r.password_enabled)))
    }

    /// Whether the user has MFA: no if any row says no.
    fn mfa(&self) -> Option<bool> {
        all_of(self.rows.iter().map(|r| report_flag(&r.mfa_active)))
    }

    /// " (the report lists NAME on 2 rows)" for a repeated user, else nothing.
    fn repeated(&self) -> String {
        match self.rows.len() {
            1 => String::new(),
            n => format!(" (the report lists {} on {n} rows)", self.name),
        }
    }
}

/// True if any is true; false if all are false; otherwise unknown.
fn any_of(values: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for value in values {
        match value {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(false) }
}

/// False if any is false; true if all are true; otherwise unknown.
fn all_of(values: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    any_of(values.map(|v| v.map(|v| !v))).map(|any_false| !any_false)
}

/// The IAM users of the report, root left out, in first-seen order. Found
/// by name through an index, so a report of many users costs in
/// proportion to its rows.
fn users(rows: &[CredentialRow]) -> Vec<UserRows<'_>> {
    let mut users: Vec<UserRows> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for row in rows.iter().filter(|r| !r.is_root()) {
        match index.get(row.user.as_str()) {
            Some(&at) => users[at].rows.push(row),
            None => {
                index.insert(&row.user, users.len());
                users.push(UserRows {
                    name: &row.user,
                    rows: vec![row],
                });
            }
        }
    }
    users
}

fn user_finding(check: &str, account: &str, user: &UserRows, file: &str) -> FindingBuilder {
    Finding::on(check, account, GLOBAL, user.name).evidence(file, REPORT_POINTER)
}

fn root_finding(check: &str, account: &str) -> FindingBuilder {
    Finding::on(check, account, GLOBAL, ROOT_USER)
}

/// "less than a day", "1 day" or "12 days".
fn days(n: i64) -> String {
    match n {
        i64::MIN..=0 => "less than a day".to_string(),
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    }
}

#[cfg(test)]
mod tests;
