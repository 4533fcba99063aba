//! The root user: whether it has MFA, whether that MFA is a hardware
//! device, whether it has active access keys, and whether it was used in
//! the 90 days before the snapshot. Facts come from root's
//! `<root_account>` row of the credential report; MFA and access keys fall
//! back to the account summary's counters when the report cannot answer.

use super::{
    NoReport, REPORT_POINTER, ROOT_ACCESS_KEYS, ROOT_HARDWARE_MFA, ROOT_MFA, ROOT_RECENT_USE, days,
    report, root_finding,
};
use crate::assess::context::{Context, unavailable};
use crate::assess::finding::{Finding, FindingBuilder, pointer};
use crate::snapshot::read::Answer;
use crate::snapshot::shapes::{
    AccountSummary, CredentialRow, ReportDate, Timestamp, VirtualMfaDevice, VirtualMfaDevices,
    report_flag,
};

/// Root use this recent is taken as routine use rather than a rare
/// break-glass task. One quarter: an auditpack choice, the same window as
/// `iam.unused-credentials-90`.
const ROOT_RECENT_USE_DAYS: i64 = 90;

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

pub(super) fn root_mfa(ctx: &Context) -> Vec<Finding> {
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

pub(super) fn root_hardware_mfa(ctx: &Context) -> Vec<Finding> {
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

pub(super) fn root_access_keys(ctx: &Context) -> Vec<Finding> {
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

pub(super) fn root_recent_use(ctx: &Context) -> Vec<Finding> {
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
            ReportDate::Date(date) => match ctx.age_in_days(&column, date.0) {
                Ok(age) => uses.push(RootUse { age, what, date }),
                Err(why) => unreadable = Some(why),
            },
            ReportDate::Unreadable(text) => unreadable = Some(format!("{column} is `{text}`")),
            _ => {}
        }
    }
    (uses, unreadable)
}
