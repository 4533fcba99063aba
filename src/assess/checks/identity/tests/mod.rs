//! Unit tests of the identity checks, a file per theme, and the
//! credential-report rows their snapshots are built from.

use super::*;
use crate::assess::Status;
use crate::assess::testing::{self, ACCOUNT, SnapshotBuilder, findings, outcomes};
use crate::snapshot::read::Snapshot;

mod cases;
mod password;
mod report;
mod root;
mod users;

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
