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

use super::Check;
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::GLOBAL;
use crate::snapshot::log::CallStatus;
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{
    AccountSummary, CredentialReport, CredentialRow, PasswordPolicyOutput, ROOT_USER, ReportDate,
    Timestamp, VirtualMfaDevice, VirtualMfaDevices, report_flag,
};

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
        run: root_mfa,
    },
    Check {
        id: ROOT_HARDWARE_MFA,
        title: "Root user's MFA is a hardware device",
        run: root_hardware_mfa,
    },
    Check {
        id: ROOT_ACCESS_KEYS,
        title: "Root user has no active access keys",
        run: root_access_keys,
    },
    Check {
        id: ROOT_RECENT_USE,
        title: "Root user not used in the 90 days before the snapshot",
        run: root_recent_use,
    },
    Check {
        id: CONSOLE_MFA,
        title: "Console users have MFA",
        run: console_mfa,
    },
    Check {
        id: UNUSED_CREDENTIALS_45,
        title: "No enabled credential unused for more than 45 days",
        run: unused_credentials_45,
    },
    Check {
        id: UNUSED_CREDENTIALS_90,
        title: "No enabled credential unused for more than 90 days",
        run: unused_credentials_90,
    },
    Check {
        id: PASSWORD_POLICY_CE,
        title: "Password policy meets Cyber Essentials (12 characters, or MFA for every console user)",
        run: password_policy_ce,
    },
    Check {
        id: PASSWORD_POLICY_CIS,
        title: "Password policy requires 14 characters or more (CIS)",
        run: password_policy_cis,
    },
    Check {
        id: FEDERATION,
        title: "People sign in through federation, not as IAM users",
        run: federation,
    },
];

/// Root use this recent is taken as routine use rather than a rare
/// break-glass task. One quarter: an auditpack choice, the same window as
/// `iam.unused-credentials-90`.
const ROOT_RECENT_USE_DAYS: i64 = 90;

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

/// The IAM users of the report, root left out, in first-seen order.
fn users(rows: &[CredentialRow]) -> Vec<UserRows<'_>> {
    let mut users: Vec<UserRows> = Vec::new();
    for row in rows.iter().filter(|r| !r.is_root()) {
        match users.iter_mut().find(|u| u.name == row.user) {
            Some(user) => user.rows.push(row),
            None => users.push(UserRows {
                name: &row.user,
                rows: vec![row],
            }),
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

// ---------------------------------------------------------------------------
// Root

/// A yes/no fact about root and where it was read.
struct RootFact<'a> {
    yes: bool,
    file: &'a str,
    pointer: String,
    /// What was read, for the reason: "mfa_active true in the credential report".
    source: String,
}

/// Reads a fact about root from its row of the credential report when the
/// row answers, else from a counter of the account summary.
fn root_fact<'a>(
    ctx: &'a Context,
    account: &str,
    from_row: fn(&CredentialRow) -> Option<(bool, String)>,
    counter: &str,
) -> Result<RootFact<'a>, NoReport<'a>> {
    let report = report(ctx, account);
    if let Ok(report) = &report {
        let root = report.rows.iter().find(|r| r.is_root());
        if let Some((yes, cells)) = root.and_then(from_row) {
            return Ok(RootFact {
                yes,
                file: report.file,
                pointer: REPORT_POINTER.into(),
                source: format!("{cells} in the credential report"),
            });
        }
    }
    let report_gap = match report {
        Ok(_) => "the credential report has no readable root row".to_string(),
        Err(gap) => gap.reason,
    };
    summary_counter(ctx, account, counter).map_err(|summary_gap| NoReport {
        file: summary_gap.file,
        reason: format!("{report_gap}; {}", summary_gap.reason),
    })
}

/// A counter of the account summary, read as "more than zero".
fn summary_counter<'a>(
    ctx: &'a Context,
    account: &str,
    counter: &str,
) -> Result<RootFact<'a>, NoReport<'a>> {
    let answer = ctx.global::<AccountSummary>(account);
    let (Some(summary), Some(file)) = (answer.value(), answer.file()) else {
        return Err(NoReport {
            file: answer.file(),
            reason: format!("account summary unavailable: {}", answer.why_unavailable()),
        });
    };
    let Some(count) = summary.summary_map.get(counter) else {
        return Err(NoReport {
            file: Some(file),
            reason: format!("the account summary has no {counter}"),
        });
    };
    Ok(RootFact {
        yes: *count > 0,
        file,
        pointer: pointer(&[&"SummaryMap", &counter]),
        source: format!("{counter} {count} in the account summary"),
    })
}

fn mfa_from_row(row: &CredentialRow) -> Option<(bool, String)> {
    report_flag(&row.mfa_active).map(|on| (on, format!("mfa_active {on}")))
}

/// Whether root has an active access key: yes as soon as one slot says so.
fn keys_from_row(row: &CredentialRow) -> Option<(bool, String)> {
    let slots = row.access_keys();
    if let Some(key) = slots.iter().find(|k| report_flag(k.active) == Some(true)) {
        return Some((true, format!("access_key_{}_active true", key.number)));
    }
    let all_off = slots.iter().all(|k| report_flag(k.active) == Some(false));
    all_off.then(|| {
        (
            false,
            "access_key_1_active and access_key_2_active false".into(),
        )
    })
}

fn root_mfa(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let builder = root_finding(ROOT_MFA, account);
        let finding = match root_fact(ctx, account, mfa_from_row, "AccountMFAEnabled") {
            Ok(mfa) => builder.evidence(mfa.file, mfa.pointer).verdict(
                mfa.yes,
                format!("root user has MFA ({})", mfa.source),
                format!("root user has no MFA ({})", mfa.source),
            ),
            Err(gap) => gap.finding(builder),
        };
        vec![finding]
    })
}

fn root_hardware_mfa(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let builder = root_finding(ROOT_HARDWARE_MFA, account);
        let mfa = match root_fact(ctx, account, mfa_from_row, "AccountMFAEnabled") {
            Ok(mfa) => mfa,
            Err(gap) => return vec![gap.finding(builder)],
        };
        let builder = builder.evidence(mfa.file, mfa.pointer);
        if !mfa.yes {
            return vec![builder.fail(format!("root user has no MFA at all ({})", mfa.source))];
        }
        vec![judge_root_device(builder, &ctx.global(account))]
    })
}

/// Root has MFA: it is hardware unless the virtual (app) devices include
/// root's. A first page without root's device proves nothing.
fn judge_root_device(builder: FindingBuilder, devices: &Answer<'_, VirtualMfaDevices>) -> Finding {
    let (Some(list), Some(file)) = (devices.value(), devices.file()) else {
        return unavailable(builder, devices);
    };
    let found = list
        .virtual_mfa_devices
        .iter()
        .enumerate()
        .find(|(_, d)| is_root_device(d));
    if let Some((index, device)) = found {
        let serial = device
            .serial_number
            .as_deref()
            .unwrap_or("(no serial number)");
        return builder
            .evidence(file, pointer(&[&"VirtualMFADevices", &index]))
            .fail(format!(
                "root MFA device {serial} is a virtual (app) device, not hardware"
            ));
    }
    if let Answer::Partial { .. } = devices {
        return unavailable(builder, devices);
    }
    builder.evidence(file, "/VirtualMFADevices").pass(
        "root user has MFA and none of the account's virtual MFA devices is root's, \
         so it is a hardware token or security key",
    )
}

/// Root's virtual device: the serial AWS gave it before root could name its
/// devices, or any device whose user is the account root.
fn is_root_device(device: &VirtualMfaDevice) -> bool {
    let serial = device.serial_number.as_deref().unwrap_or("");
    let user_arn = device.user.as_ref().and_then(|u| u.arn.as_deref());
    serial.ends_with(":mfa/root-account-mfa-device")
        || user_arn.is_some_and(|a| a.ends_with(":root"))
}

fn root_access_keys(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let builder = root_finding(ROOT_ACCESS_KEYS, account);
        let finding = match root_fact(ctx, account, keys_from_row, "AccountAccessKeysPresent") {
            Ok(keys) => builder.evidence(keys.file, keys.pointer).verdict(
                !keys.yes,
                format!("root user has no active access key ({})", keys.source),
                format!("root user has an active access key ({})", keys.source),
            ),
            Err(gap) => gap.finding(builder),
        };
        vec![finding]
    })
}

fn root_recent_use(ctx: &Context) -> Vec<Finding> {
    ctx.each_account(|account| {
        let builder = root_finding(ROOT_RECENT_USE, account);
        let report = match report(ctx, account) {
            Ok(report) => report,
            Err(gap) => return vec![gap.finding(builder)],
        };
        let builder = builder.evidence(report.file, REPORT_POINTER);
        let finding = match report.rows.iter().find(|r| r.is_root()) {
            Some(root) => judge_root_use(ctx, builder, root),
            None => builder.not_assessed("the credential report has no <root_account> row"),
        };
        vec![finding]
    })
}

/// One recorded use of root.
struct RootUse {
    /// Whole days before the snapshot.
    age: i64,
    /// "signed in", "used access key 1".
    what: String,
    date: Timestamp,
}

/// Fails on the most recent use within [`ROOT_RECENT_USE_DAYS`]. A cell
/// that is not a date leaves the check unknown unless another use fails it.
fn judge_root_use(ctx: &Context, builder: FindingBuilder, root: &CredentialRow) -> Finding {
    let (uses, unreadable) = root_uses(ctx, root);
    let latest = uses.iter().min_by_key(|u| u.age);
    let when = |u: &RootUse| format!("{} before the snapshot ({})", days(u.age), u.date.0.date());
    match (latest, unreadable) {
        (Some(last), _) if last.age <= ROOT_RECENT_USE_DAYS => {
            builder.fail(format!("root {} {}", last.what, when(last)))
        }
        (_, Some(cell)) => builder.not_assessed(format!("root's {cell}, not a date")),
        (Some(last), None) => builder.pass(format!(
            "root last {} {}, more than {ROOT_RECENT_USE_DAYS} days",
            last.what,
            when(last)
        )),
        (None, None) => builder.pass("the credential report records no use of root"),
    }
}

/// Root's recorded uses: its password and both access keys. Sentinels
/// (`N/A`, `no_information`) are no use; the second value names a cell
/// that is not a date.
fn root_uses(ctx: &Context, root: &CredentialRow) -> (Vec<RootUse>, Option<String>) {
    let mut cells = vec![(
        "signed in".to_string(),
        "password_last_used".to_string(),
        root.password_last_used.as_str(),
    )];
    for key in root.access_keys() {
        let n = key.number;
        cells.push((
            format!("used access key {n}"),
            format!("access_key_{n}_last_used_date"),
            key.last_used_date,
        ));
    }
    let mut uses = Vec::new();
    let mut unreadable = None;
    for (what, column, cell) in cells {
        match ReportDate::parse(cell) {
            ReportDate::Date(date) => uses.push(RootUse {
                age: ctx.days_since(date.0).max(0),
                what,
                date,
            }),
            ReportDate::Unreadable(text) => unreadable = Some(format!("{column} is `{text}`")),
            _ => {}
        }
    }
    (uses, unreadable)
}

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

fn console_mfa(ctx: &Context) -> Vec<Finding> {
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

fn federation(ctx: &Context) -> Vec<Finding> {
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

fn unused_credentials_45(ctx: &Context) -> Vec<Finding> {
    unused_credentials(ctx, UNUSED_CREDENTIALS_45, 45)
}

fn unused_credentials_90(ctx: &Context) -> Vec<Finding> {
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
    Ok(Idle {
        what: what.to_string(),
        days: ctx.days_since(date.0).max(0),
        date,
        never_used,
    })
}

// ---------------------------------------------------------------------------
// Password policy

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

fn password_policy_cis(ctx: &Context) -> Vec<Finding> {
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
fn password_policy_ce(ctx: &Context) -> Vec<Finding> {
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
        n => format!("{short}, but all {n} console users have MFA, which Cyber Essentials accepts"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::Status;
    use crate::assess::testing::{self, ACCOUNT, SnapshotBuilder, findings, outcomes};
    use crate::snapshot::read::Snapshot;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
        password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,\
        access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,\
        access_key_2_last_used_date";

    /// Twelve days before the test snapshot's instant (2026-11-30T09:15:02Z).
    const DAYS_AGO_12: &str = "2026-11-18T09:00:00+00:00";
    const DAYS_AGO_60: &str = "2026-10-01T09:00:00+00:00";
    const DAYS_AGO_120: &str = "2026-08-02T09:00:00+00:00";
    const DAYS_AGO_200: &str = "2026-05-14T09:00:00+00:00";
    const YESTERDAY: &str = "2026-11-29T09:00:00+00:00";

    /// One credential-report row, written out as CSV by [`Row::csv`].
    #[derive(Clone, Copy)]
    struct Row {
        user: &'static str,
        created: &'static str,
        password_enabled: &'static str,
        password_last_used: &'static str,
        password_last_changed: &'static str,
        mfa_active: &'static str,
        key1: [&'static str; 3],
        key2: [&'static str; 3],
    }

    const NO_KEY: [&str; 3] = ["false", "N/A", "N/A"];

    impl Row {
        fn password(self, password_enabled: &'static str) -> Row {
            Row {
                password_enabled,
                ..self
            }
        }
        fn password_used(self, password_last_used: &'static str) -> Row {
            Row {
                password_last_used,
                ..self
            }
        }
        fn password_set(self, password_last_changed: &'static str) -> Row {
            Row {
                password_last_changed,
                ..self
            }
        }
        fn mfa(self, mfa_active: &'static str) -> Row {
            Row { mfa_active, ..self }
        }
        fn key1(self, key1: [&'static str; 3]) -> Row {
            Row { key1, ..self }
        }
        fn key2(self, key2: [&'static str; 3]) -> Row {
            Row { key2, ..self }
        }

        fn csv(&self) -> String {
            let arn = if self.user == ROOT_USER {
                format!("arn:aws:iam::{ACCOUNT}:root")
            } else {
                format!("arn:aws:iam::{ACCOUNT}:user/{}", self.user)
            };
            [
                self.user,
                &arn,
                self.created,
                self.password_enabled,
                self.password_last_used,
                self.password_last_changed,
                self.mfa_active,
            ]
            .into_iter()
            .chain(self.key1)
            .chain(self.key2)
            .collect::<Vec<_>>()
            .join(",")
        }
    }

    /// Root with MFA, never used, no keys.
    fn root() -> Row {
        Row {
            user: ROOT_USER,
            created: DAYS_AGO_200,
            password_enabled: "not_supported",
            password_last_used: "no_information",
            password_last_changed: "not_supported",
            mfa_active: "true",
            key1: NO_KEY,
            key2: NO_KEY,
        }
    }

    /// A console user with MFA who signed in yesterday.
    fn console(user: &'static str) -> Row {
        Row {
            user,
            created: DAYS_AGO_200,
            password_enabled: "true",
            password_last_used: YESTERDAY,
            password_last_changed: DAYS_AGO_200,
            mfa_active: "true",
            key1: NO_KEY,
            key2: NO_KEY,
        }
    }

    /// A workload user with one access key used yesterday.
    fn workload(user: &'static str) -> Row {
        console(user)
            .password("false")
            .password_used("N/A")
            .password_set("N/A")
            .mfa("false")
            .key1(["true", DAYS_AGO_200, YESTERDAY])
    }

    fn report_json(rows: &[Row]) -> String {
        let lines: Vec<String> = rows.iter().map(Row::csv).collect();
        let csv = format!("{HEADER}\n{}", lines.join("\n"));
        serde_json::json!({ "Content": csv, "ReportFormat": "text/csv" }).to_string()
    }

    fn with_report(rows: &[Row]) -> SnapshotBuilder {
        SnapshotBuilder::new().call("global", "iam/get-credential-report", &report_json(rows))
    }

    fn run(snapshot: &Snapshot, check: &str) -> Vec<(Status, String, String)> {
        let mut out: Vec<_> = findings(snapshot, check)
            .into_iter()
            .map(|f| (f.status, f.resource_id, f.reason))
            .collect();
        out.sort();
        out
    }

    /// The only finding of `check`, which must be the only one.
    fn only(snapshot: &Snapshot, check: &str) -> (Status, String) {
        let found = findings(snapshot, check);
        assert_eq!(found.len(), 1, "{check}: {found:#?}");
        (found[0].status, found[0].reason.clone())
    }

    fn summary(mfa: i64, keys: i64) -> String {
        format!(
            r#"{{"SummaryMap": {{"AccountMFAEnabled": {mfa}, "AccountAccessKeysPresent": {keys}}}}}"#
        )
    }

    fn policy(length: u32) -> String {
        format!(r#"{{"PasswordPolicy": {{"MinimumPasswordLength": {length}}}}}"#)
    }

    // --- the report itself ---------------------------------------------------

    #[test]
    fn a_missing_report_leaves_every_report_check_not_assessed() {
        let snapshot = SnapshotBuilder::new()
            .failed("global", "iam/get-credential-report", CallStatus::NotFound)
            .call("global", "iam/get-account-password-policy", &policy(10))
            .build();
        for check in [
            ROOT_MFA,
            ROOT_HARDWARE_MFA,
            ROOT_ACCESS_KEYS,
            ROOT_RECENT_USE,
            CONSOLE_MFA,
            UNUSED_CREDENTIALS_45,
            UNUSED_CREDENTIALS_90,
            PASSWORD_POLICY_CE,
            FEDERATION,
        ] {
            let (status, reason) = only(&snapshot, check);
            assert_eq!(status, Status::NotAssessed, "{check}");
            assert!(
                reason.contains("no current report had been generated"),
                "{check}: {reason}"
            );
        }
    }

    #[test]
    fn a_report_still_being_generated_is_not_assessed_never_passed() {
        // GetCredentialReport answers 404 ReportInProgress while IAM builds it.
        let snapshot = SnapshotBuilder::new()
            .failed("global", "iam/get-credential-report", CallStatus::Error)
            .build();
        for check in [
            ROOT_RECENT_USE,
            CONSOLE_MFA,
            UNUSED_CREDENTIALS_90,
            FEDERATION,
        ] {
            let (status, reason) = only(&snapshot, check);
            assert_eq!(status, Status::NotAssessed, "{check}");
            assert!(
                reason.starts_with("credential report unavailable"),
                "{reason}"
            );
        }
    }

    #[test]
    fn base64_and_raw_csv_reports_give_the_same_findings() {
        use base64::Engine;
        let rows = [root(), console("ann"), console("bob").mfa("false")];
        let raw = report_json(&rows);
        let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
        let csv = value["Content"].as_str().unwrap();
        let encoded = base64::engine::general_purpose::STANDARD.encode(csv);
        let b64 = serde_json::json!({ "Content": encoded }).to_string();
        let raw = SnapshotBuilder::new().call("global", "iam/get-credential-report", &raw);
        let b64 = SnapshotBuilder::new().call("global", "iam/get-credential-report", &b64);
        let (raw, b64) = (raw.build(), b64.build());
        for check in [ROOT_MFA, CONSOLE_MFA, UNUSED_CREDENTIALS_45, FEDERATION] {
            assert_eq!(run(&raw, check), run(&b64, check), "{check}");
        }
        assert_eq!(run(&b64, CONSOLE_MFA)[1].0, Status::Fail);
    }

    #[test]
    fn upper_case_booleans_are_read_like_lower_case() {
        let snapshot = with_report(&[
            root().mfa("TRUE"),
            console("ann").password("TRUE").mfa("FALSE"),
        ])
        .build();
        assert_eq!(only(&snapshot, ROOT_MFA).0, Status::Pass);
        assert_eq!(only(&snapshot, CONSOLE_MFA).0, Status::Fail);
    }

    #[test]
    fn a_report_without_a_trailing_newline_is_read_to_its_last_row() {
        let json = report_json(&[root(), console("last").mfa("false")]);
        assert!(!json.contains("\\n\""));
        let snapshot = SnapshotBuilder::new()
            .call("global", "iam/get-credential-report", &json)
            .build();
        let (status, reason) = only(&snapshot, CONSOLE_MFA);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("last"), "{reason}");
    }

    // --- root ----------------------------------------------------------------

    #[test]
    fn root_row_with_not_supported_password_is_judged_by_mfa_active() {
        let on = with_report(&[root()]).build();
        let (status, reason) = only(&on, ROOT_MFA);
        assert_eq!(status, Status::Pass);
        assert!(reason.contains("mfa_active true"), "{reason}");
        let off = with_report(&[root().mfa("false")]).build();
        assert_eq!(only(&off, ROOT_MFA).0, Status::Fail);
    }

    #[test]
    fn root_mfa_falls_back_to_the_account_summary_without_a_report() {
        for (mfa, expected) in [(1, Status::Pass), (0, Status::Fail)] {
            let snapshot = SnapshotBuilder::new()
                .failed("global", "iam/get-credential-report", CallStatus::NotFound)
                .call("global", "iam/get-account-summary", &summary(mfa, 0))
                .build();
            let (status, reason) = only(&snapshot, ROOT_MFA);
            assert_eq!(status, expected);
            assert!(
                reason.contains(&format!("AccountMFAEnabled {mfa}")),
                "{reason}"
            );
        }
    }

    #[test]
    fn root_with_a_virtual_device_fails_hardware_mfa() {
        let devices = r#"{"VirtualMFADevices": [
            {"SerialNumber": "arn:aws:iam::111122223333:mfa/ann"},
            {"SerialNumber": "arn:aws:iam::111122223333:mfa/root-account-mfa-device",
             "User": {"UserId": "111122223333", "Arn": "arn:aws:iam::111122223333:root"}}]}"#;
        let snapshot = with_report(&[root()])
            .call("global", "iam/list-virtual-mfa-devices", devices)
            .build();
        let found = findings(&snapshot, ROOT_HARDWARE_MFA);
        assert_eq!(found[0].status, Status::Fail);
        assert!(found[0].reason.contains("root-account-mfa-device"));
        assert_eq!(found[0].evidence[1].pointer, "/VirtualMFADevices/1");
    }

    #[test]
    fn a_root_device_with_its_own_name_is_known_by_its_user_arn() {
        let devices = r#"{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::111122223333:mfa/my-phone",
            "User": {"Arn": "arn:aws:iam::111122223333:root"}}]}"#;
        let snapshot = with_report(&[root()])
            .call("global", "iam/list-virtual-mfa-devices", devices)
            .build();
        assert_eq!(only(&snapshot, ROOT_HARDWARE_MFA).0, Status::Fail);
    }

    #[test]
    fn root_mfa_not_among_the_virtual_devices_is_hardware() {
        let devices = r#"{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::111122223333:mfa/ann",
            "User": {"UserName": "ann", "Arn": "arn:aws:iam::111122223333:user/ann"}}]}"#;
        let snapshot = with_report(&[root()])
            .call("global", "iam/list-virtual-mfa-devices", devices)
            .build();
        assert_eq!(only(&snapshot, ROOT_HARDWARE_MFA).0, Status::Pass);
    }

    #[test]
    fn root_without_mfa_fails_hardware_mfa_without_looking_at_devices() {
        let snapshot = with_report(&[root().mfa("false")]).build();
        let (status, reason) = only(&snapshot, ROOT_HARDWARE_MFA);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("no MFA at all"), "{reason}");
    }

    #[test]
    fn hardware_mfa_is_not_assessed_without_the_whole_device_list() {
        let denied = with_report(&[root()])
            .failed(
                "global",
                "iam/list-virtual-mfa-devices",
                CallStatus::AccessDenied,
            )
            .build();
        assert_eq!(only(&denied, ROOT_HARDWARE_MFA).0, Status::NotAssessed);
        let first_page = r#"{"VirtualMFADevices": [], "IsTruncated": true, "Marker": "x"}"#;
        let partial = with_report(&[root()])
            .partial("global", "iam/list-virtual-mfa-devices", first_page)
            .build();
        assert_eq!(only(&partial, ROOT_HARDWARE_MFA).0, Status::NotAssessed);
    }

    #[test]
    fn a_root_device_on_a_first_page_is_enough_to_fail() {
        let first_page = r#"{"VirtualMFADevices": [{"SerialNumber":
            "arn:aws:iam::111122223333:mfa/root-account-mfa-device"}], "IsTruncated": true}"#;
        let snapshot = with_report(&[root()])
            .partial("global", "iam/list-virtual-mfa-devices", first_page)
            .build();
        assert_eq!(only(&snapshot, ROOT_HARDWARE_MFA).0, Status::Fail);
    }

    #[test]
    fn root_access_keys_pass_when_both_slots_are_off_and_fail_on_either() {
        let none = with_report(&[root()]).build();
        assert_eq!(only(&none, ROOT_ACCESS_KEYS).0, Status::Pass);
        let second = root().key2(["true", DAYS_AGO_200, "N/A"]);
        let (status, reason) = only(&with_report(&[second]).build(), ROOT_ACCESS_KEYS);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("access_key_2_active true"), "{reason}");
    }

    #[test]
    fn root_access_keys_fall_back_to_the_account_summary() {
        let snapshot = SnapshotBuilder::new()
            .failed(
                "global",
                "iam/get-credential-report",
                CallStatus::AccessDenied,
            )
            .call("global", "iam/get-account-summary", &summary(1, 1))
            .build();
        let (status, reason) = only(&snapshot, ROOT_ACCESS_KEYS);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("AccountAccessKeysPresent 1"), "{reason}");
    }

    #[test]
    fn root_signed_in_12_days_before_the_snapshot_fails() {
        let snapshot = with_report(&[root().password_used(DAYS_AGO_12)]).build();
        let (status, reason) = only(&snapshot, ROOT_RECENT_USE);
        assert_eq!(status, Status::Fail);
        assert_eq!(
            reason,
            "root signed in 12 days before the snapshot (2026-11-18)"
        );
    }

    #[test]
    fn a_recent_root_access_key_use_fails_though_the_password_is_old() {
        let row = root()
            .password_used(DAYS_AGO_200)
            .key1(["true", DAYS_AGO_200, DAYS_AGO_60]);
        let (status, reason) = only(&with_report(&[row]).build(), ROOT_RECENT_USE);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("used access key 1 60 days"), "{reason}");
    }

    #[test]
    fn root_used_200_days_ago_or_never_passes_recent_use() {
        let old = with_report(&[root().password_used(DAYS_AGO_200)]).build();
        let (status, reason) = only(&old, ROOT_RECENT_USE);
        assert_eq!(status, Status::Pass);
        assert!(reason.contains("200 days"), "{reason}");
        let never = with_report(&[root()]).build();
        assert_eq!(only(&never, ROOT_RECENT_USE).0, Status::Pass);
    }

    #[test]
    fn a_root_use_date_that_is_not_a_date_is_not_assessed_never_a_crash() {
        let row = root().password_used("sometime");
        let (status, reason) = only(&with_report(&[row]).build(), ROOT_RECENT_USE);
        assert_eq!(status, Status::NotAssessed);
        assert!(reason.contains("`sometime`"), "{reason}");
    }

    // --- console users -------------------------------------------------------

    #[test]
    fn console_users_are_judged_by_mfa_and_workloads_are_left_out() {
        let snapshot = with_report(&[
            root(),
            console("ann"),
            console("r.patel").mfa("false"),
            workload("svc-sync"),
        ])
        .build();
        let found = run(&snapshot, CONSOLE_MFA);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!((found[0].0, found[0].1.as_str()), (Status::Pass, "ann"));
        assert_eq!((found[1].0, found[1].1.as_str()), (Status::Fail, "r.patel"));
        assert_eq!(
            found[1].2,
            "console user r.patel has a password but no MFA device"
        );
    }

    #[test]
    fn an_account_without_console_users_gets_one_not_applicable_finding() {
        let snapshot = with_report(&[root(), workload("svc-sync")]).build();
        let found = findings(&snapshot, CONSOLE_MFA);
        assert_eq!(
            outcomes(&found),
            [("not-applicable".into(), "global".into(), ACCOUNT.into())]
        );
    }

    #[test]
    fn a_user_on_two_rows_gets_one_finding_failing_if_either_row_fails() {
        let snapshot =
            with_report(&[console("chris.dup"), console("chris.dup").mfa("false")]).build();
        let (status, reason) = only(&snapshot, CONSOLE_MFA);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("on 2 rows"), "{reason}");
    }

    #[test]
    fn federation_fails_each_console_user_and_passes_an_account_without_them() {
        let snapshot = with_report(&[root(), console("r.patel"), workload("svc-sync")]).build();
        let (status, reason) = only(&snapshot, FEDERATION);
        assert_eq!(status, Status::Fail);
        assert_eq!(
            reason,
            "r.patel signs in as an IAM user; use IAM Identity Center or your identity provider"
        );
        let keys_only = with_report(&[root(), workload("svc-sync")]).build();
        assert_eq!(
            only(&keys_only, FEDERATION),
            (Status::Pass, "no IAM user signs in with a password".into())
        );
    }

    // --- unused credentials --------------------------------------------------

    #[test]
    fn a_password_last_used_60_days_ago_fails_45_and_passes_90() {
        let snapshot = with_report(&[console("m.h").password_used(DAYS_AGO_60)]).build();
        let (status, reason) = only(&snapshot, UNUSED_CREDENTIALS_45);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.contains("console password last used 60 days"),
            "{reason}"
        );
        assert_eq!(only(&snapshot, UNUSED_CREDENTIALS_90).0, Status::Pass);
    }

    #[test]
    fn a_key_used_120_days_ago_fails_both_and_root_is_left_out() {
        let stale = workload("svc").key1(["true", DAYS_AGO_200, DAYS_AGO_120]);
        let root_with_old_key = root().key1(["true", DAYS_AGO_200, DAYS_AGO_200]);
        let snapshot = with_report(&[root_with_old_key, stale]).build();
        for check in [UNUSED_CREDENTIALS_45, UNUSED_CREDENTIALS_90] {
            let (status, reason) = only(&snapshot, check);
            assert_eq!(status, Status::Fail);
            assert!(
                reason.contains("access key 1 last used 120 days"),
                "{reason}"
            );
        }
    }

    #[test]
    fn never_used_credentials_count_from_when_they_were_set() {
        let snapshot = with_report(&[
            console("pw")
                .password_used("no_information")
                .password_set(DAYS_AGO_60),
            workload("key").key1(["true", DAYS_AGO_120, "N/A"]),
            console("new")
                .password_used("no_information")
                .password_set(DAYS_AGO_12),
        ])
        .build();
        let found = run(&snapshot, UNUSED_CREDENTIALS_45);
        assert_eq!((found[0].0, found[0].1.as_str()), (Status::Pass, "new"));
        assert_eq!((found[1].0, found[1].1.as_str()), (Status::Fail, "key"));
        assert!(
            found[1].2.contains("access key 1 never used, set 120 days"),
            "{}",
            found[1].2
        );
        assert_eq!((found[2].0, found[2].1.as_str()), (Status::Fail, "pw"));
    }

    #[test]
    fn a_user_without_enabled_credentials_passes_and_45_days_exactly_is_not_more() {
        let disabled = workload("old").key1(["false", DAYS_AGO_200, DAYS_AGO_200]);
        let boundary = console("edge").password_used("2026-10-16T09:15:02+00:00");
        let snapshot = with_report(&[disabled, boundary]).build();
        let found = run(&snapshot, UNUSED_CREDENTIALS_45);
        assert_eq!(found[0].0, Status::Pass);
        assert!(found[0].2.contains("45 days before"), "{}", found[0].2);
        assert_eq!(found[1].2, "old has no enabled password or access key");
    }

    #[test]
    fn a_last_use_that_is_not_a_date_is_not_assessed() {
        let odd = console("odd").password_used("not_supported");
        let (status, reason) = only(&with_report(&[odd]).build(), UNUSED_CREDENTIALS_90);
        assert_eq!(status, Status::NotAssessed);
        assert!(reason.contains("`not_supported` is not a date"), "{reason}");
    }

    // --- password policy -----------------------------------------------------

    fn with_policy(length: u32, rows: &[Row]) -> Snapshot {
        with_report(rows)
            .call("global", "iam/get-account-password-policy", &policy(length))
            .build()
    }

    #[test]
    fn ce_passes_a_12_character_policy_whatever_the_users() {
        let snapshot = with_policy(12, &[console("ann").mfa("false")]);
        assert_eq!(only(&snapshot, PASSWORD_POLICY_CE).0, Status::Pass);
    }

    #[test]
    fn ce_passes_a_shorter_policy_when_every_console_user_has_mfa() {
        let snapshot = with_policy(10, &[root(), console("ann"), workload("svc")]);
        let (status, reason) = only(&snapshot, PASSWORD_POLICY_CE);
        assert_eq!(status, Status::Pass);
        assert!(reason.contains("the only console user has MFA"), "{reason}");
    }

    #[test]
    fn ce_fails_a_shorter_policy_naming_the_users_without_mfa() {
        let rows = [console("ann"), console("r.patel").mfa("false")];
        let (status, reason) = only(&with_policy(10, &rows), PASSWORD_POLICY_CE);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.starts_with("minimum password length 10, below 12"),
            "{reason}"
        );
        assert!(
            reason.ends_with("console users without MFA: r.patel"),
            "{reason}"
        );
    }

    #[test]
    fn ce_fails_below_8_even_with_mfa_everywhere() {
        let (status, _) = only(&with_policy(6, &[console("ann")]), PASSWORD_POLICY_CE);
        assert_eq!(status, Status::Fail);
    }

    #[test]
    fn no_policy_is_the_default_8_for_ce_and_a_failure_for_cis() {
        let snapshot = with_report(&[console("ann")])
            .failed(
                "global",
                "iam/get-account-password-policy",
                CallStatus::NotFound,
            )
            .build();
        let (status, reason) = only(&snapshot, PASSWORD_POLICY_CE);
        assert_eq!(status, Status::Pass);
        assert!(
            reason.starts_with("no password policy is set, so IAM's default"),
            "{reason}"
        );
        let (status, reason) = only(&snapshot, PASSWORD_POLICY_CIS);
        assert_eq!(status, Status::Fail);
        assert!(reason.starts_with("no password policy is set"), "{reason}");
    }

    #[test]
    fn a_short_policy_without_a_report_is_not_assessed_for_ce() {
        let snapshot = SnapshotBuilder::new()
            .failed("global", "iam/get-credential-report", CallStatus::NotFound)
            .call("global", "iam/get-account-password-policy", &policy(10))
            .build();
        let (status, reason) = only(&snapshot, PASSWORD_POLICY_CE);
        assert_eq!(status, Status::NotAssessed);
        assert!(
            reason.contains("whether every console user has MFA"),
            "{reason}"
        );
    }

    #[test]
    fn a_denied_policy_call_is_not_assessed_never_passed() {
        let snapshot = with_report(&[console("ann")])
            .failed(
                "global",
                "iam/get-account-password-policy",
                CallStatus::AccessDenied,
            )
            .build();
        assert_eq!(only(&snapshot, PASSWORD_POLICY_CE).0, Status::NotAssessed);
        assert_eq!(only(&snapshot, PASSWORD_POLICY_CIS).0, Status::NotAssessed);
    }

    #[test]
    fn cis_asks_for_14_characters() {
        assert_eq!(
            only(&with_policy(14, &[]), PASSWORD_POLICY_CIS).0,
            Status::Pass
        );
        let (status, reason) = only(&with_policy(12, &[]), PASSWORD_POLICY_CIS);
        assert_eq!(status, Status::Fail);
        assert_eq!(reason, "minimum password length 12, below 14");
    }

    #[test]
    fn a_policy_without_a_minimum_length_is_read_as_the_api_default_of_6() {
        let snapshot = with_report(&[console("ann")])
            .call(
                "global",
                "iam/get-account-password-policy",
                r#"{"PasswordPolicy": {}}"#,
            )
            .build();
        let (status, reason) = only(&snapshot, PASSWORD_POLICY_CIS);
        assert_eq!(status, Status::Fail);
        assert!(
            reason.contains("sets no minimum length, so 6 applies"),
            "{reason}"
        );
        assert_eq!(only(&snapshot, PASSWORD_POLICY_CE).0, Status::Fail);
    }

    // --- real exports from public projects ----------------------------------

    /// A case file from `../shared/cases/public-exports`, if it is there.
    fn public_export(name: &str) -> Option<String> {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/cases/public-exports/"
        );
        std::fs::read_to_string(format!("{dir}{name}")).ok()
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn custodian_base64_report_root_mfa_and_console_users_without_mfa() {
        let Some(json) = public_export("credential-report-custodian-b64.json") else {
            eprintln!("skipped: credential-report-custodian-b64.json is not beside the repository");
            return;
        };
        let snapshot = SnapshotBuilder::new()
            .call("global", "iam/get-credential-report", &json)
            .build();
        assert_eq!(only(&snapshot, ROOT_MFA).0, Status::Pass);
        let failing: Vec<String> = findings(&snapshot, CONSOLE_MFA)
            .into_iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| f.resource_id)
            .collect();
        let expected = [
            "alan",
            "chris.dup",
            "jules",
            "Morgan",
            "kim",
            "kai",
            "sam",
            "stef",
        ];
        assert_eq!(failing, expected);
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn cloudmapper_raw_csv_report_root_mfa_passes_and_its_access_key_fails() {
        let Some(json) = public_export("credential-report-cloudmapper-rawcsv.json") else {
            eprintln!(
                "skipped: credential-report-cloudmapper-rawcsv.json is not beside the repository"
            );
            return;
        };
        let snapshot = SnapshotBuilder::new()
            .call("global", "iam/get-credential-report", &json)
            .build();
        assert_eq!(only(&snapshot, ROOT_MFA).0, Status::Pass);
        let (status, reason) = only(&snapshot, ROOT_ACCESS_KEYS);
        assert_eq!(status, Status::Fail);
        assert!(reason.contains("access_key_1_active true"), "{reason}");
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn custodian_weak_policy_of_10_fails_ce_unless_every_console_user_has_mfa() {
        let Some(policy) = public_export("password-policy-weak-custodian.json") else {
            eprintln!("skipped: password-policy-weak-custodian.json is not beside the repository");
            return;
        };
        let snapshot = |rows: &[Row]| {
            with_report(rows)
                .call("global", "iam/get-account-password-policy", &policy)
                .build()
        };
        let without = snapshot(&[console("ann").mfa("false")]);
        assert_eq!(only(&without, PASSWORD_POLICY_CE).0, Status::Fail);
        assert_eq!(
            only(&snapshot(&[console("ann")]), PASSWORD_POLICY_CE).0,
            Status::Pass
        );
        assert_eq!(only(&without, PASSWORD_POLICY_CIS).0, Status::Fail);
    }

    // --- the shipped sample --------------------------------------------------

    fn sample(check: &str) -> Vec<(String, String, String)> {
        outcomes(&testing::sample_findings(check))
    }

    fn expect(rows: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let mut rows: Vec<_> = rows
            .iter()
            .map(|(status, resource)| {
                (
                    status.to_string(),
                    "global".to_string(),
                    resource.to_string(),
                )
            })
            .collect();
        rows.sort();
        rows
    }

    const SAMPLE_ACCOUNT: &str = "210987654321";

    #[test]
    fn sample_root_checks() {
        assert_eq!(sample(ROOT_MFA), expect(&[("pass", ROOT_USER)]));
        assert_eq!(sample(ROOT_HARDWARE_MFA), expect(&[("fail", ROOT_USER)]));
        assert_eq!(sample(ROOT_ACCESS_KEYS), expect(&[("pass", ROOT_USER)]));
        assert_eq!(sample(ROOT_RECENT_USE), expect(&[("pass", ROOT_USER)]));
    }

    #[test]
    fn sample_console_mfa() {
        assert_eq!(
            sample(CONSOLE_MFA),
            expect(&[
                ("pass", "j.okafor"),
                ("fail", "r.patel"),
                ("pass", "m.hughes"),
                ("pass", "a.nowak"),
            ])
        );
    }

    #[test]
    fn sample_unused_credentials() {
        let mut expected = vec![
            ("pass", "j.okafor"),
            ("pass", "r.patel"),
            ("fail", "m.hughes"),
            ("pass", "a.nowak"),
            ("fail", "svc-backup-sync"),
            ("pass", "svc-ci-artifacts"),
        ];
        assert_eq!(sample(UNUSED_CREDENTIALS_45), expect(&expected));
        expected[2] = ("pass", "m.hughes");
        assert_eq!(sample(UNUSED_CREDENTIALS_90), expect(&expected));
    }

    #[test]
    fn sample_password_policy() {
        assert_eq!(
            sample(PASSWORD_POLICY_CE),
            expect(&[("fail", SAMPLE_ACCOUNT)])
        );
        assert_eq!(
            sample(PASSWORD_POLICY_CIS),
            expect(&[("fail", SAMPLE_ACCOUNT)])
        );
    }

    #[test]
    fn sample_federation() {
        assert_eq!(
            sample(FEDERATION),
            expect(&[
                ("fail", "j.okafor"),
                ("fail", "r.patel"),
                ("fail", "m.hughes"),
                ("fail", "a.nowak"),
            ])
        );
    }
}
