//! IAM and STS: who the account's users are and how they sign in.

use super::common::{List, Timestamp, always, always_list};
use super::{Facts, ShapeError, token};
use base64::Engine;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `aws sts get-caller-identity`: whose credentials made the export.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallerIdentity {
    pub user_id: Option<String>,
    #[serde(deserialize_with = "always")]
    pub account: Option<String>,
    pub arn: Option<String>,
}

impl Facts for CallerIdentity {}

/// `aws iam get-account-summary`: counts such as `AccountMFAEnabled`
/// (1 when the root user has MFA) and `AccountAccessKeysPresent`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSummary {
    pub summary_map: BTreeMap<String, i64>,
}

impl Facts for AccountSummary {}

/// `aws iam get-credential-report`.
///
/// `Content` is the report's CSV. The AWS CLI prints it base64-encoded, as
/// the API returns it; some SDK dumps keep the decoded CSV. Both are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CredentialReport {
    #[serde(deserialize_with = "always")]
    pub content: Option<String>,
    pub generated_time: Option<Timestamp>,
    pub report_format: Option<String>,
}

/// One row of the credential report, one IAM user or `<root_account>`.
///
/// Values are kept as the report writes them. Besides dates and booleans
/// the report uses sentinels: `N/A` (does not apply, e.g. no access key),
/// `no_information` (never used, or not since IAM began tracking it) and
/// `not_supported` (the root user's password fields: root always has a
/// password, so root MFA is judged by `mfa_active`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct CredentialRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: String,
    pub password_enabled: String,
    pub password_last_used: String,
    pub password_last_changed: String,
    pub mfa_active: String,
    pub access_key_1_active: String,
    pub access_key_1_last_rotated: String,
    pub access_key_1_last_used_date: String,
    pub access_key_2_active: String,
    pub access_key_2_last_rotated: String,
    pub access_key_2_last_used_date: String,
    pub cert_1_active: String,
    pub cert_2_active: String,
}

/// The user name the report gives the root user.
pub const ROOT_USER: &str = "<root_account>";

/// Columns without which the report cannot be judged at all.
const REQUIRED_COLUMNS: &[&str] = &["user", "arn", "password_enabled", "mfa_active"];

impl CredentialReport {
    /// The report's CSV text, decoding base64 where needed.
    pub fn csv_text(&self) -> Result<String, String> {
        let content = self
            .content
            .as_deref()
            .ok_or("the report has no `Content`")?;
        let trimmed = content.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with("user,") {
            return Ok(trimmed.to_string());
        }
        let compact: String = trimmed
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| format!("`Content` is neither CSV nor base64 ({e})"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| "`Content` decodes to bytes that are not UTF-8")?;
        if !text.trim_start_matches('\u{feff}').starts_with("user,") {
            return Err(
                "`Content` does not decode to a credential report (no `user,` header)".into(),
            );
        }
        Ok(text.trim_start_matches('\u{feff}').to_string())
    }

    /// The report's rows, in the order written.
    pub fn rows(&self) -> Result<Vec<CredentialRow>, String> {
        let text = self.csv_text()?;
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("credential report header: {e}"))?
            .clone();
        for column in REQUIRED_COLUMNS {
            if !headers.iter().any(|h| h == *column) {
                return Err(format!("credential report has no `{column}` column"));
            }
        }
        let mut rows = Vec::new();
        for (index, record) in reader.deserialize::<CredentialRow>().enumerate() {
            // Row 1 is the header, so data row `index` sits on line index + 2.
            let row = record.map_err(|e| format!("credential report line {}: {e}", index + 2))?;
            rows.push(row);
        }
        Ok(rows)
    }
}

impl Facts for CredentialReport {
    fn resource_count(&self) -> Option<usize> {
        self.rows().ok().map(|rows| rows.len())
    }

    fn validate(&self) -> Result<(), ShapeError> {
        self.rows().map(|_| ()).map_err(|message| ShapeError {
            path: "Content".into(),
            line: 0,
            column: 0,
            message,
        })
    }
}

/// A date cell of the credential report, with its sentinels told apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportDate {
    /// An instant, as the report writes it (`2026-05-14T08:47:22+00:00`).
    Date(Timestamp),
    /// `N/A`: the credential does not exist (no password, no such key).
    NotApplicable,
    /// `no_information`: never used, or not used since IAM began recording
    /// use (October 2014 for passwords, April 2015 for access keys).
    NoInformation,
    /// `not_supported`: the field does not exist for this user (the root
    /// user's password fields).
    NotSupported,
    /// Anything else, kept as written so a reason can quote it.
    Unreadable(String),
}

impl ReportDate {
    /// Reads a cell; never fails, as odd text becomes [`ReportDate::Unreadable`].
    pub fn parse(cell: &str) -> ReportDate {
        match cell.trim() {
            "N/A" => ReportDate::NotApplicable,
            "no_information" => ReportDate::NoInformation,
            "not_supported" => ReportDate::NotSupported,
            text => Timestamp::parse_text(text).map_or_else(
                || ReportDate::Unreadable(text.to_string()),
                ReportDate::Date,
            ),
        }
    }

    /// The instant, when the cell holds one.
    pub fn date(&self) -> Option<Timestamp> {
        match self {
            ReportDate::Date(date) => Some(*date),
            _ => None,
        }
    }
}

/// A true/false cell of the credential report, in either case (`true`,
/// `TRUE`). `None` for anything else, such as `not_supported`: that is not
/// a "no".
pub fn report_flag(cell: &str) -> Option<bool> {
    let cell = cell.trim();
    if cell.eq_ignore_ascii_case("true") {
        Some(true)
    } else if cell.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The cells of one of a user's two access-key slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessKeyCells<'a> {
    /// 1 or 2, as in the column names.
    pub number: u8,
    pub active: &'a str,
    pub last_rotated: &'a str,
    pub last_used_date: &'a str,
}

impl CredentialRow {
    /// Whether this is the root user's row.
    pub fn is_root(&self) -> bool {
        self.user == ROOT_USER
    }

    /// Both access-key slots, key 1 first.
    pub fn access_keys(&self) -> [AccessKeyCells<'_>; 2] {
        [
            AccessKeyCells {
                number: 1,
                active: &self.access_key_1_active,
                last_rotated: &self.access_key_1_last_rotated,
                last_used_date: &self.access_key_1_last_used_date,
            },
            AccessKeyCells {
                number: 2,
                active: &self.access_key_2_active,
                last_rotated: &self.access_key_2_last_rotated,
                last_used_date: &self.access_key_2_last_used_date,
            },
        ]
    }
}

/// `aws iam get-account-password-policy`. When no policy is set the call
/// fails with `NoSuchEntity`, which the collection log records as not-found.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyOutput {
    #[serde(deserialize_with = "always")]
    pub password_policy: Option<PasswordPolicy>,
}

/// An absent member means the setting is off, not unknown.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    pub minimum_password_length: Option<u32>,
    pub require_symbols: Option<bool>,
    pub require_numbers: Option<bool>,
    pub require_uppercase_characters: Option<bool>,
    pub require_lowercase_characters: Option<bool>,
    pub allow_users_to_change_password: Option<bool>,
    pub expire_passwords: Option<bool>,
    pub max_password_age: Option<u32>,
    pub password_reuse_prevention: Option<u32>,
    pub hard_expiry: Option<bool>,
}

impl Facts for PasswordPolicyOutput {}

/// `aws iam list-virtual-mfa-devices`. A root user with MFA whose device is
/// listed here uses a virtual (app) device, not a hardware one.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VirtualMfaDevices {
    #[serde(rename = "VirtualMFADevices", deserialize_with = "always_list")]
    pub virtual_mfa_devices: List<VirtualMfaDevice>,
    pub is_truncated: Option<bool>,
    pub marker: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VirtualMfaDevice {
    pub serial_number: Option<String>,
    pub user: Option<User>,
    pub enable_date: Option<Timestamp>,
}

impl Facts for VirtualMfaDevices {
    fn resource_count(&self) -> Option<usize> {
        Some(self.virtual_mfa_devices.len())
    }
    fn continuation(&self) -> Option<&str> {
        iam_marker(self.is_truncated, &self.marker)
    }
}

/// `aws iam list-users`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Users {
    #[serde(deserialize_with = "always_list")]
    pub users: List<User>,
    pub is_truncated: Option<bool>,
    pub marker: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    pub user_name: Option<String>,
    pub user_id: Option<String>,
    pub arn: Option<String>,
    pub path: Option<String>,
    pub create_date: Option<Timestamp>,
    pub password_last_used: Option<Timestamp>,
}

impl Facts for Users {
    fn resource_count(&self) -> Option<usize> {
        Some(self.users.len())
    }
    fn continuation(&self) -> Option<&str> {
        iam_marker(self.is_truncated, &self.marker)
    }
}

/// IAM pages with `IsTruncated` and `Marker`; either alone means more pages.
fn iam_marker(is_truncated: Option<bool>, marker: &Option<String>) -> Option<&str> {
    match (is_truncated, token(marker)) {
        (_, Some(marker)) => Some(marker),
        (Some(true), None) => Some("IsTruncated"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active";

    fn report(content: &str) -> CredentialReport {
        CredentialReport {
            content: Some(content.into()),
            generated_time: None,
            report_format: None,
        }
    }

    #[test]
    fn base64_and_raw_csv_give_the_same_rows() {
        let csv = format!(
            "{HEADER}\n<root_account>,arn:aws:iam::1:root,x,not_supported,no_information,true"
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(&csv);
        let raw_rows = report(&csv).rows().unwrap();
        assert_eq!(raw_rows, report(&b64).rows().unwrap());
        assert_eq!(raw_rows[0].user, ROOT_USER);
        assert_eq!(raw_rows[0].password_enabled, "not_supported");
        assert_eq!(raw_rows[0].mfa_active, "true");
    }

    #[test]
    fn upper_case_booleans_and_a_missing_final_newline_are_kept_as_written() {
        let rows = report(&format!("{HEADER}\nann,arn:a,x,TRUE,N/A,FALSE"))
            .rows()
            .unwrap();
        assert_eq!(rows[0].password_enabled, "TRUE");
        assert_eq!(rows[0].mfa_active, "FALSE");
    }

    #[test]
    fn content_that_is_neither_csv_nor_base64_is_refused_with_a_reason() {
        let err = report("%%% not a report").rows().unwrap_err();
        assert!(err.contains("neither CSV nor base64"), "{err}");
    }

    #[test]
    fn a_row_with_the_wrong_number_of_fields_names_its_line() {
        let err = report(&format!("{HEADER}\nann,arn:a,x,true,N/A,false\nbob,arn:b"))
            .rows()
            .unwrap_err();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn sentinel_date_cells_are_never_dates_and_never_errors() {
        assert_eq!(ReportDate::parse("N/A"), ReportDate::NotApplicable);
        assert_eq!(
            ReportDate::parse("no_information"),
            ReportDate::NoInformation
        );
        assert_eq!(ReportDate::parse("not_supported"), ReportDate::NotSupported);
        assert_eq!(
            ReportDate::parse("yesterday"),
            ReportDate::Unreadable("yesterday".into())
        );
        assert_eq!(ReportDate::parse("").date(), None);
    }

    #[test]
    fn date_cells_read_as_instants() {
        let date = ReportDate::parse("2026-05-14T08:47:22+00:00")
            .date()
            .unwrap();
        assert_eq!(date.0.unix_timestamp(), 1_778_748_442);
    }

    #[test]
    fn flags_are_read_in_either_case_and_not_supported_is_no_answer() {
        assert_eq!(report_flag("true"), Some(true));
        assert_eq!(report_flag("TRUE"), Some(true));
        assert_eq!(report_flag("false"), Some(false));
        assert_eq!(report_flag("FALSE\r"), Some(false));
        assert_eq!(report_flag("not_supported"), None);
        assert_eq!(report_flag(""), None);
    }

    #[test]
    fn the_root_row_and_its_key_slots_are_found() {
        let csv = format!(
            "user,arn,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n\
             {ROOT_USER},arn:aws:iam::1:root,not_supported,true,false,TRUE"
        );
        let rows = report(&csv).rows().unwrap();
        assert!(rows[0].is_root());
        let keys = rows[0].access_keys();
        assert_eq!((keys[0].number, keys[0].active), (1, "false"));
        assert_eq!((keys[1].number, keys[1].active), (2, "TRUE"));
    }

    #[test]
    fn iam_listing_with_is_truncated_is_a_continuation() {
        assert_eq!(iam_marker(Some(true), &Some("abc".into())), Some("abc"));
        assert_eq!(iam_marker(Some(true), &None), Some("IsTruncated"));
        assert_eq!(iam_marker(Some(false), &None), None);
    }
}
