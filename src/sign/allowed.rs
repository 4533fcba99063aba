//! OpenSSH allowed-signers files (`ssh-keygen -Y verify -f FILE`): one line
//! per trusted key, `principals [options] key-type base64 [comment]`, with
//! `#` comments. Principals are comma-separated patterns (`*` and `?`).
//! Options, comma-separated, values in double quotes: `namespaces="a,b"`
//! limits what a key may sign; `valid-after` and `valid-before`
//! (`YYYYMMDD[HHMM[SS]]`, UTC with a `Z`) limit when it is trusted.
//! As in OpenSSH, a line that cannot be read is passed over, and a line
//! with an option auditpack does not know (`cert-authority` among them)
//! trusts nothing.

use ssh_key::PublicKey;
use time::OffsetDateTime;

/// One trusted key with the principals it speaks for.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    pub principals: Vec<String>,
    pub namespaces: Option<Vec<String>>,
    pub valid_after: Option<OffsetDateTime>,
    pub valid_before: Option<OffsetDateTime>,
    pub key: PublicKey,
    pub line: usize,
}

/// The file's trusted keys, and the lines passed over with why.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    pub signers: Vec<AllowedSigner>,
    pub passed_over: Vec<String>,
}

/// Reads an allowed-signers file.
pub fn parse_allowed_signers(text: &str) -> AllowedSigners {
    let mut file = AllowedSigners::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line, index + 1) {
            Ok(signer) => file.signers.push(signer),
            Err(why) => file.passed_over.push(format!("line {}: {why}", index + 1)),
        }
    }
    file
}

fn parse_line(line: &str, number: usize) -> Result<AllowedSigner, String> {
    let (principals, rest) = split_field(line);
    let (options, key_text) = if looks_like_key(rest) {
        ("", rest)
    } else {
        split_field(rest)
    };
    let mut signer = AllowedSigner {
        principals: principals
            .split(',')
            .map(|p| p.trim_matches('"').to_string())
            .collect(),
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key: PublicKey::from_openssh(key_text.trim())
            .map_err(|_| "no public key after the principals")?,
        line: number,
    };
    for option in split_options(options) {
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        let value = value.trim_matches('"');
        match name.to_ascii_lowercase().as_str() {
            "namespaces" => {
                signer.namespaces = Some(value.split(',').map(str::to_string).collect())
            }
            "valid-after" => signer.valid_after = Some(openssh_time(value)?),
            "valid-before" => signer.valid_before = Some(openssh_time(value)?),
            other => {
                return Err(format!(
                    "option `{other}` is not supported, so the line trusts nothing"
                ));
            }
        }
    }
    Ok(signer)
}

fn looks_like_key(text: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|p| text.starts_with(p))
}

/// The first field (which may be double-quoted) and the rest.
fn split_field(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let mut in_quotes = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c.is_whitespace() && !in_quotes => {
                return (text[..i].trim_matches('"'), text[i..].trim_start());
            }
            _ => {}
        }
    }
    (text.trim_matches('"'), "")
}

/// Options split at commas outside double quotes.
fn split_options(options: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut in_quotes) = (0, false);
    for (i, c) in options.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                parts.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&options[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// `YYYYMMDD[HHMM[SS]]` with an optional `Z`, read as UTC.
fn openssh_time(text: &str) -> Result<OffsetDateTime, String> {
    let digits = text.trim_end_matches(['Z', 'z']);
    let bad = || format!("`{text}` is not a time such as 20270101 or 202701011200Z");
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .map_or(Ok(0), |d| d.parse::<u32>().map_err(|_| bad()))
    };
    let month = time::Month::try_from(number(4..6)? as u8).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(number(0..4)? as i32, month, number(6..8)? as u8)
        .map_err(|_| bad())?;
    let time = time::Time::from_hms(
        number(8..10)? as u8,
        number(10..12)? as u8,
        number(12..14)? as u8,
    )
    .map_err(|_| bad())?;
    Ok(date.with_time(time).assume_utc())
}

/// The principal under which `signer` may sign auditpack bundles now, or
/// why not.
pub(super) fn admits(
    file: &AllowedSigners,
    identity: &str,
    signer: &PublicKey,
    now: OffsetDateTime,
) -> Result<String, String> {
    let mine: Vec<&AllowedSigner> = file
        .signers
        .iter()
        .filter(|s| s.key.key_data() == signer.key_data())
        .filter(|s| s.principals.iter().any(|p| matches(p, identity)))
        .collect();
    if mine.is_empty() {
        let mut why = format!("the allowed-signers file does not list this key for `{identity}`");
        if !file.passed_over.is_empty() {
            why.push_str(&format!(
                " ({} passed over: {})",
                file.passed_over.len(),
                file.passed_over.join("; ")
            ));
        }
        return Err(why);
    }
    let mut reasons = Vec::new();
    for s in mine {
        if s.namespaces
            .as_ref()
            .is_some_and(|n| !n.iter().any(|ns| matches(ns, super::NAMESPACE)))
        {
            reasons.push(format!(
                "line {} limits the key to namespaces other than `{}`",
                s.line,
                super::NAMESPACE
            ));
        } else if s.valid_after.is_some_and(|t| now < t) {
            reasons.push(format!(
                "line {} trusts the key only after {}",
                s.line,
                s.valid_after.unwrap_or(now).date()
            ));
        } else if s.valid_before.is_some_and(|t| now >= t) {
            reasons.push(format!(
                "line {} trusted the key only until {}",
                s.line,
                s.valid_before.unwrap_or(now).date()
            ));
        } else {
            return Ok(format!("`{identity}` in the allowed-signers file"));
        }
    }
    Err(reasons.join("; "))
}

/// OpenSSH-style pattern matching with `*` and `?`.
fn matches(pattern: &str, text: &str) -> bool {
    glob::Pattern::new(pattern)
        .map(|p| p.matches(text))
        .unwrap_or(pattern == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBjJTjYrDuqHVvq1LFWm2RZGiy7CE8PTXWoKAvB5Dc3t";

    fn key() -> PublicKey {
        PublicKey::from_openssh(KEY).unwrap()
    }

    fn now() -> OffsetDateTime {
        openssh_time("20261203").unwrap()
    }

    #[test]
    fn principals_options_and_comments_are_read() {
        let text = format!(
            "# auditors\nauditor@nhs.example,*@audit.example namespaces=\"git,auditpack-bundle\" {KEY} laptop\n"
        );
        let file = parse_allowed_signers(&text);
        assert_eq!(
            file.signers[0].principals,
            ["auditor@nhs.example", "*@audit.example"]
        );
        assert_eq!(
            admits(&file, "jo@audit.example", &key(), now()).as_deref(),
            Ok("`jo@audit.example` in the allowed-signers file")
        );
        assert!(admits(&file, "jo@elsewhere.example", &key(), now()).is_err());
    }

    #[test]
    fn a_key_limited_to_other_namespaces_is_not_trusted_for_bundles() {
        let file = parse_allowed_signers(&format!("dev@x namespaces=\"git\" {KEY}\n"));
        assert!(
            admits(&file, "dev@x", &key(), now())
                .unwrap_err()
                .contains("namespaces")
        );
    }

    #[test]
    fn validity_times_are_honoured() {
        let expired = parse_allowed_signers(&format!("a@x valid-before=\"20200101\" {KEY}\n"));
        assert!(
            admits(&expired, "a@x", &key(), now())
                .unwrap_err()
                .contains("only until 2020-01-01")
        );
        let future = parse_allowed_signers(&format!("a@x valid-after=\"20990101\" {KEY}\n"));
        assert!(
            admits(&future, "a@x", &key(), now())
                .unwrap_err()
                .contains("only after 2099-01-01")
        );
        let current = parse_allowed_signers(&format!(
            "a@x valid-after=\"20260101\",valid-before=\"20280101Z\" {KEY}\n"
        ));
        assert!(admits(&current, "a@x", &key(), now()).is_ok());
    }

    #[test]
    fn unreadable_lines_and_unknown_options_are_passed_over_and_said() {
        let text = format!(
            "garbage here\na@x namespaces=\"auditpack-bundle\",unknown-opt {KEY}\nb@x cert-authority {KEY}\n"
        );
        let file = parse_allowed_signers(&text);
        assert!(file.signers.is_empty());
        assert_eq!(file.passed_over.len(), 3);
        assert!(
            admits(&file, "a@x", &key(), now())
                .unwrap_err()
                .contains("3 passed over")
        );
    }
}
