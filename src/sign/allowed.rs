//! OpenSSH allowed-signers files (`ssh-keygen -Y verify -f FILE`): one line
//! per trusted key, `principals [options] key-type base64 [comment]`, with
//! `#` comments. Principals are comma-separated patterns (`*` and `?`);
//! the `namespaces="a,b"` option limits what a key may sign. Certificate
//! authorities (`cert-authority`) are not supported and are skipped.

use ssh_key::PublicKey;

/// One trusted key with the principals it speaks for.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    pub principals: Vec<String>,
    pub namespaces: Option<Vec<String>>,
    pub key: PublicKey,
    pub line: usize,
}

/// Parses an allowed-signers file; a line that cannot be read is an error
/// naming its number.
pub fn parse_allowed_signers(text: &str) -> Result<Vec<AllowedSigner>, String> {
    let mut signers = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (principals, rest) = split_field(line);
        let (options, key_text) =
            if rest.starts_with("ssh-") || rest.starts_with("ecdsa-") || rest.starts_with("sk-") {
                ("", rest)
            } else {
                split_field(rest)
            };
        if options.contains("cert-authority") {
            continue;
        }
        let key = PublicKey::from_openssh(key_text.trim()).map_err(|_| {
            format!(
                "line {}: no public key after the principals and options",
                index + 1
            )
        })?;
        signers.push(AllowedSigner {
            principals: principals
                .split(',')
                .map(|p| p.trim_matches('"').to_string())
                .collect(),
            namespaces: option_value(options, "namespaces")
                .map(|v| v.split(',').map(str::to_string).collect()),
            key,
            line: index + 1,
        });
    }
    Ok(signers)
}

/// The first field (which may be double-quoted) and the rest.
fn split_field(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    if let Some(stripped) = text.strip_prefix('"')
        && let Some(end) = stripped.find('"')
    {
        return (&stripped[..end], stripped[end + 1..].trim_start());
    }
    let mut in_quotes = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c.is_whitespace() && !in_quotes => return (&text[..i], text[i..].trim_start()),
            _ => {}
        }
    }
    (text, "")
}

fn option_value<'a>(options: &'a str, name: &str) -> Option<&'a str> {
    options.split(',').find_map(|option| {
        let (key, value) = option.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"'))
    })
}

/// The principal under which `signer` may sign auditpack bundles, if any.
pub(super) fn admits(
    signers: &[AllowedSigner],
    identity: Option<&str>,
    signer: &PublicKey,
) -> Option<String> {
    signers
        .iter()
        .filter(|s| s.key.key_data() == signer.key_data())
        .filter(|s| {
            s.namespaces
                .as_ref()
                .is_none_or(|n| n.iter().any(|ns| matches(ns, super::NAMESPACE)))
        })
        .find_map(|s| match identity {
            Some(id) => s
                .principals
                .iter()
                .any(|p| matches(p, id))
                .then(|| id.to_string()),
            None => Some(s.principals.join(",")),
        })
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

    #[test]
    fn principals_options_and_comments_are_read() {
        let text = format!(
            "# auditors\nauditor@nhs.example,*@audit.example namespaces=\"auditpack-bundle\" {KEY} laptop\n"
        );
        let signers = parse_allowed_signers(&text).unwrap();
        assert_eq!(
            signers[0].principals,
            ["auditor@nhs.example", "*@audit.example"]
        );
        assert_eq!(
            signers[0].namespaces.as_deref(),
            Some(&["auditpack-bundle".to_string()][..])
        );
        let key = PublicKey::from_openssh(KEY).unwrap();
        assert_eq!(
            admits(&signers, Some("jo@audit.example"), &key).as_deref(),
            Some("jo@audit.example")
        );
        assert!(admits(&signers, Some("jo@elsewhere.example"), &key).is_none());
    }

    #[test]
    fn a_key_limited_to_other_namespaces_is_not_trusted_for_bundles() {
        let signers = parse_allowed_signers(&format!("dev@x namespaces=\"git\" {KEY}\n")).unwrap();
        assert!(admits(&signers, None, &PublicKey::from_openssh(KEY).unwrap()).is_none());
    }

    #[test]
    fn a_line_without_a_key_names_its_number() {
        assert!(
            parse_allowed_signers("\nsomeone nonsense\n")
                .unwrap_err()
                .starts_with("line 2")
        );
    }
}
