//! IAM users: console users (those with a password) should have MFA and
//! should sign in through federation instead; no user's enabled password
//! or access key should go unused for more than 45 or 90 days.

use super::{
    CONSOLE_MFA, FEDERATION, REPORT_POINTER, UNUSED_CREDENTIALS_45, UNUSED_CREDENTIALS_90,
    UserRows, days, report, user_finding, users,
};
use crate::assess::context::Context;
use crate::assess::finding::{Finding, FindingBuilder};
use crate::snapshot::GLOBAL;
use crate::snapshot::shapes::{CredentialRow, ReportDate, Timestamp, report_flag};

// ---------------------------------------------------------------------------
// Console users

/// Runs `per_user` on each user with a console password; users whose
/// `password_enabled` is unreadable are not assessed; `when_none` speaks
/// for an account without any console user.
fn each_console_user(
    ctx: &Context,
    check: &str,
    per_user: fn(FindingBuilder, &UserRows) -> Finding,
    when_none: fn(FindingBuilder) -> Finding,
) -> Vec<Finding> {
    ctx.each_account(|account| {
        let report = match report(ctx, account) {
            Ok(report) => report,
            Err(gap) => return vec![gap.finding(Finding::on(check, account, GLOBAL, account))],
        };
        let mut findings = Vec::new();
        for user in users(&report.rows) {
            let builder = user_finding(check, account, &user, report.file);
            match user.console() {
                Some(true) => findings.push(per_user(builder, &user)),
                Some(false) => {}
                None => findings.push(builder.not_assessed(format!(
                    "whether {} has a console password is unknown: password_enabled is unreadable",
                    user.name
                ))),
            }
        }
        if findings.is_empty() {
            let builder = Finding::on(check, account, GLOBAL, account);
            findings.push(when_none(builder.evidence(report.file, REPORT_POINTER)));
        }
        findings
    })
}

pub(super) fn console_mfa(ctx: &Context) -> Vec<Finding> {
    each_console_user(
        ctx,
        CONSOLE_MFA,
        |builder, user| match user.mfa() {
            Some(true) => builder.pass(format!(
                "console user {} has an MFA device{}",
                user.name,
                user.repeated()
            )),
            Some(false) => builder.fail(format!(
                "console user {} has a password but no MFA device{}",
                user.name,
                user.repeated()
            )),
            None => builder.not_assessed(format!(
                "console user {}: mfa_active is neither true nor false",
                user.name
            )),
        },
        |builder| builder.not_applicable("no IAM user has a console password"),
    )
}

pub(super) fn federation(ctx: &Context) -> Vec<Finding> {
    each_console_user(
        ctx,
        FEDERATION,
        |builder, user| {
            builder.fail(format!(
                "{} signs in as an IAM user; use IAM Identity Center or your identity provider",
                user.name
            ))
        },
        |builder| builder.pass("no IAM user signs in with a password"),
    )
}

// ---------------------------------------------------------------------------
// Unused credentials

pub(super) fn unused_credentials_45(ctx: &Context) -> Vec<Finding> {
    unused_credentials(ctx, UNUSED_CREDENTIALS_45, 45)
}

pub(super) fn unused_credentials_90(ctx: &Context) -> Vec<Finding> {
    unused_credentials(ctx, UNUSED_CREDENTIALS_90, 90)
}

/// One finding per IAM user (root aside): fails when any enabled password
/// or access key has gone unused for more than `limit` days.
fn unused_credentials(ctx: &Context, check: &str, limit: i64) -> Vec<Finding> {
    ctx.each_account(|account| {
        let report = match report(ctx, account) {
            Ok(report) => report,
            Err(gap) => return vec![gap.finding(Finding::on(check, account, GLOBAL, account))],
        };
        users(&report.rows)
            .iter()
            .map(|user| {
                let builder = user_finding(check, account, user, report.file);
                judge_idle(ctx, builder, user, limit)
            })
            .collect()
    })
}

/// How long one enabled credential has been idle.
struct Idle {
    /// "console password", "access key 1".
    what: String,
    days: i64,
    date: Timestamp,
    /// Never used: `days` counts from when it was set.
    never_used: bool,
}

impl Idle {
    fn describe(&self) -> String {
        let when = format!(
            "{} before the snapshot ({})",
            days(self.days),
            self.date.0.date()
        );
        if self.never_used {
            format!("{} never used, set {when}", self.what)
        } else {
            format!("{} last used {when}", self.what)
        }
    }
}

fn judge_idle(ctx: &Context, builder: FindingBuilder, user: &UserRows, limit: i64) -> Finding {
    let mut idle = Vec::new();
    let mut unknown = Vec::new();
    for row in &user.rows {
        for credential in credentials(ctx, row) {
            match credential {
                Ok(credential) => idle.push(credential),
                Err(why) => unknown.push(why),
            }
        }
    }
    let stale: Vec<String> = idle
        .iter()
        .filter(|c| c.days > limit)
        .map(Idle::describe)
        .collect();
    let name = user.name;
    if !stale.is_empty() {
        return builder.fail(format!(
            "{name} has credentials unused for more than {limit} days: {}",
            stale.join("; ")
        ));
    }
    if !unknown.is_empty() {
        return builder.not_assessed(format!("{name}: {}", unknown.join("; ")));
    }
    if idle.is_empty() {
        return builder.pass(format!("{name} has no enabled password or access key"));
    }
    let used: Vec<String> = idle.iter().map(Idle::describe).collect();
    builder.pass(format!("{name}: {}, within {limit} days", used.join("; ")))
}

/// The enabled credentials of one row: the password, then active keys.
fn credentials(ctx: &Context, row: &CredentialRow) -> Vec<Result<Idle, String>> {
    let mut found = Vec::new();
    let set = [row.password_last_changed.as_str(), &row.user_creation_time];
    match report_flag(&row.password_enabled) {
        Some(true) => found.push(idle(ctx, "console password", &row.password_last_used, set)),
        Some(false) => {}
        None => found.push(Err(format!(
            "password_enabled is `{}`",
            row.password_enabled
        ))),
    }
    for key in row.access_keys() {
        let what = format!("access key {}", key.number);
        let set = [key.last_rotated, &row.user_creation_time];
        match report_flag(key.active) {
            Some(true) => found.push(idle(ctx, &what, key.last_used_date, set)),
            Some(false) => {}
            None => found.push(Err(format!(
                "access_key_{}_active is `{}`",
                key.number, key.active
            ))),
        }
    }
    found
}

/// Idle time of a credential: since its last use, or, never used, since the
/// first readable date of `set` (when it was set or rotated, else when the
/// user was created), as CIS measures it.
fn idle(ctx: &Context, what: &str, last_used: &str, set: [&str; 2]) -> Result<Idle, String> {
    let (date, never_used) = match ReportDate::parse(last_used) {
        ReportDate::Date(date) => (date, false),
        ReportDate::NoInformation | ReportDate::NotApplicable => {
            let date = set.iter().find_map(|cell| ReportDate::parse(cell).date());
            let date = date.ok_or(format!("{what} never used, and when it was set is unknown"))?;
            (date, true)
        }
        ReportDate::NotSupported | ReportDate::Unreadable(_) => {
            return Err(format!("{what}: last use `{last_used}` is not a date"));
        }
    };
    let when = if never_used {
        format!("{what}, set")
    } else {
        format!("{what}, last used")
    };
    Ok(Idle {
        what: what.to_string(),
        days: ctx.age_in_days(&when, date.0)?,
        date,
        never_used,
    })
}
