//! IAM and STS: who the account's users are and how they sign in.

use super::common::{List, Timestamp};
use super::{Facts, ShapeError, token};
use base64::Engine;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `aws sts get-caller-identity`: whose credentials made the export.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallerIdentity {
    pub user_id: Option<String>,
    pub account: Option<String>,
    pub arn: Option<String>,
}

impl Facts for CallerIdentity {}

/// `aws iam get-account-summary`: counts such as `AccountMFAEnabled`
/// (1 when the root user has MFA) and `AccountAccessKeysPresent`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSummary {
    #[serde(default)]
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

/// `aws iam get-account-password-policy`. When no policy is set the call
/// fails with `NoSuchEntity`, which the collection log records as not-found.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyOutput {
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
    #[serde(default, rename = "VirtualMFADevices")]
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
    #[serde(default)]
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
    fn iam_listing_with_is_truncated_is_a_continuation() {
        assert_eq!(iam_marker(Some(true), &Some("abc".into())), Some("abc"));
        assert_eq!(iam_marker(Some(true), &None), Some("IsTruncated"));
        assert_eq!(iam_marker(Some(false), &None), None);
    }
}
