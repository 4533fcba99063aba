//! Attestations: a named person's statement about a control no AWS API can
//! show (a policy, a process, the annual independent assessment), with its
//! date, expiry and attached documents.
//!
//! ```toml
//! [[attestation]]
//! controls = ["nhs-p14:NHS-P14-3", "iso27001:5.35"]
//! status = "implemented"              # or "not-implemented"
//! statement = "Cyber Essentials Plus assessment passed, certificate attached."
//! attested_by = "Priya Shah"
//! role = "Senior Information Risk Owner"
//! date = 2026-10-14
//! expires = 2027-10-13
//! scope = "All AWS accounts of the trust"
//! attachments = ["evidence/ce-plus-certificate-2026.pdf"]
//! ```
//!
//! Attachments are read relative to the attestation file, hashed, and
//! become evidence. An attestation past its expiry counts as missing.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::{Date, OffsetDateTime};

/// A control an attestation speaks for, as `framework:control`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ControlRef {
    pub framework: String,
    pub control_id: String,
}

impl std::fmt::Display for ControlRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.framework, self.control_id)
    }
}

/// What the person states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttestedStatus {
    Implemented,
    NotImplemented,
}

/// A document attached to an attestation, hashed when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// As written in the attestation file.
    pub path: String,
    #[serde(skip)]
    pub resolved: PathBuf,
    pub sha256: String,
    pub bytes: u64,
}

/// One attestation, checked and with its attachments hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    pub controls: Vec<ControlRef>,
    pub status: AttestedStatus,
    pub statement: String,
    pub attested_by: String,
    pub role: Option<String>,
    pub date: Date,
    pub expires: Date,
    pub scope: Option<String>,
    pub attachments: Vec<Attachment>,
}

impl Attestation {
    /// Whether the statement stands at `at`: made on or before it, and not
    /// expired.
    pub fn is_current(&self, at: OffsetDateTime) -> bool {
        let day = at.date();
        self.date <= day && day <= self.expires
    }

    pub fn covers(&self, framework: &str, control_id: &str) -> bool {
        self.controls
            .iter()
            .any(|c| c.framework == framework && c.control_id == control_id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    attestation: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    controls: Vec<String>,
    status: AttestedStatus,
    statement: String,
    attested_by: String,
    role: Option<String>,
    date: toml::value::Datetime,
    expires: toml::value::Datetime,
    scope: Option<String>,
    #[serde(default)]
    attachments: Vec<String>,
}

/// Reads and checks an attestation file, hashing every attachment.
/// Errors name the file and the attestation (by its position, from 1).
pub fn load(path: &Path) -> Result<Vec<Attestation>, String> {
    let at = |e: String| format!("{}: {e}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| at(e.to_string()))?;
    let file: File =
        toml::from_str(&text).map_err(|e| at(crate::toml_error::describe(&text, &e)))?;
    let base = path.parent().unwrap_or(Path::new("."));
    file.attestation
        .into_iter()
        .enumerate()
        .map(|(i, raw)| check(raw, base).map_err(|e| at(format!("attestation {}: {e}", i + 1))))
        .collect()
}

fn check(raw: Raw, base: &Path) -> Result<Attestation, String> {
    let controls = raw
        .controls
        .iter()
        .map(|c| match c.split_once(':') {
            Some((framework, control)) if !framework.is_empty() && !control.is_empty() => {
                Ok(ControlRef {
                    framework: framework.into(),
                    control_id: control.into(),
                })
            }
            _ => Err(format!(
                "control `{c}` is not written as `framework:control`, e.g. `iso27001:5.35`"
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if controls.is_empty() {
        return Err("names no control".into());
    }
    if raw.attested_by.trim().is_empty() {
        return Err("`attested_by` is empty: an attestation needs a named person".into());
    }
    let date = to_date(&raw.date, "date")?;
    let expires = to_date(&raw.expires, "expires")?;
    if expires < date {
        return Err(format!("expires ({expires}) before it was made ({date})"));
    }
    let attachments = raw
        .attachments
        .iter()
        .map(|a| attach(base, a))
        .collect::<Result<_, _>>()?;
    Ok(Attestation {
        controls,
        status: raw.status,
        statement: raw.statement,
        attested_by: raw.attested_by,
        role: raw.role,
        date,
        expires,
        scope: raw.scope,
        attachments,
    })
}

fn to_date(value: &toml::value::Datetime, field: &str) -> Result<Date, String> {
    let date = value
        .date
        .ok_or_else(|| format!("`{field}` must be a date such as 2026-10-14"))?;
    let month = time::Month::try_from(date.month).map_err(|e| format!("`{field}`: {e}"))?;
    Date::from_calendar_date(date.year as i32, month, date.day)
        .map_err(|e| format!("`{field}`: {e}"))
}

fn attach(base: &Path, written: &str) -> Result<Attachment, String> {
    let resolved = base.join(written);
    let (sha256, bytes) = crate::digest::sha256_file(&resolved).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!(
                "attachment `{written}` not found (looked for {})",
                resolved.display()
            )
        }
        _ => format!("attachment `{written}` ({}): {e}", resolved.display()),
    })?;
    Ok(Attachment {
        path: written.into(),
        resolved,
        sha256,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("attestations.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    const ONE: &str = r#"
[[attestation]]
controls = ["nhs-p14:NHS-P14-3", "iso27001:5.35"]
status = "implemented"
statement = "CE+ passed"
attested_by = "Priya Shah"
date = 2026-10-14
expires = 2027-10-13
attachments = ["cert.txt"]
"#;

    #[test]
    fn attachments_are_hashed_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.txt"), "certificate").unwrap();
        let list = load(&write(dir.path(), ONE)).unwrap();
        assert_eq!(list[0].attachments[0].bytes, 11);
        assert_eq!(
            list[0].attachments[0].sha256,
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"certificate"))
        );
        assert!(list[0].covers("iso27001", "5.35"));
    }

    #[test]
    fn expired_attestations_are_not_current() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.txt"), "c").unwrap();
        let a = &load(&write(dir.path(), ONE)).unwrap()[0];
        let at = |y, m, d| {
            Date::from_calendar_date(y, m, d)
                .unwrap()
                .midnight()
                .assume_utc()
        };
        assert!(a.is_current(at(2026, time::Month::November, 30)));
        assert!(!a.is_current(at(2027, time::Month::October, 14)));
        assert!(!a.is_current(at(2026, time::Month::October, 13)));
    }

    #[test]
    fn a_missing_attachment_names_the_file_and_the_attestation() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&write(dir.path(), ONE)).unwrap_err();
        assert!(
            err.contains("attestations.toml: attestation 1: attachment `cert.txt`"),
            "{err}"
        );
    }

    #[test]
    fn a_control_without_its_framework_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.txt"), "c").unwrap();
        let err = load(&write(
            dir.path(),
            &ONE.replace("\"iso27001:5.35\"", "\"5.35\""),
        ))
        .unwrap_err();
        assert!(
            err.contains("`5.35` is not written as `framework:control`"),
            "{err}"
        );
    }
}
