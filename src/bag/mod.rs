//! The BagIt 1.0 format (RFC 8493) as auditpack writes and reads it: the
//! tag files' text, manifest lines and `bag-info.txt` fields. Shared by the
//! writer and the verifier; knows nothing of zips, keys or AWS.

use std::collections::BTreeMap;

/// `bagit.txt`: the version and the encoding of the tag files.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
pub const BAGIT_FILE: &str = "bagit.txt";
pub const INFO_FILE: &str = "bag-info.txt";
pub const MANIFEST_FILE: &str = "manifest-sha256.txt";
pub const TAG_MANIFEST_FILE: &str = "tagmanifest-sha256.txt";
/// auditpack's own tag file: the SHA-256 of the zip's bytes before it, and
/// how many. It puts the compressed bytes under the signature too, so not
/// even a bit that inflating ignores (deflate's padding) can change unseen.
pub const PACKED_FILE: &str = "packed-sha256.txt";

/// The text of [`PACKED_FILE`].
pub fn packed_line(sha256: &str, bytes: u64) -> String {
    format!("{sha256}  {bytes}\n")
}

/// Reads [`PACKED_FILE`]: the digest and the byte count.
pub fn parse_packed(text: &str) -> Option<(String, u64)> {
    let (digest, bytes) = text.trim().split_once(char::is_whitespace)?;
    let digest = digest.to_ascii_lowercase();
    (digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit())).then_some(())?;
    Some((digest, bytes.trim().parse().ok()?))
}
/// The SSH signature over the tag manifest. It is a tag file the tag
/// manifest does not list, since it signs the tag manifest.
pub const SIGNATURE_FILE: &str = "tagmanifest-sha256.txt.sig";
/// Every payload file sits below this folder of the bag.
pub const PAYLOAD_DIR: &str = "data/";

/// One manifest line: `<sha256 hex>  <path>`. RFC 8493 asks for `%`, CR and
/// LF in paths to be percent-encoded.
pub fn manifest_line(sha256: &str, path: &str) -> String {
    let encoded = path
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    format!("{sha256}  {encoded}\n")
}

/// A manifest's entries, path to lower-case digest. Lines may end in CRLF;
/// a line that is not `digest path` is returned as an error with its number.
pub fn parse_manifest(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut entries = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((digest, path)) = line.split_once(char::is_whitespace) else {
            return Err(format!("line {}: not `digest path`", index + 1));
        };
        let path = path.trim_start();
        let digest = digest.to_ascii_lowercase();
        if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "line {}: `{digest}` is not a SHA-256 digest",
                index + 1
            ));
        }
        let path = path
            .replace("%0A", "\n")
            .replace("%0a", "\n")
            .replace("%0D", "\r")
            .replace("%0d", "\r");
        let path = path.replace("%25", "%");
        if entries.insert(path.clone(), digest).is_some() {
            return Err(format!("line {}: `{path}` is listed twice", index + 1));
        }
    }
    Ok(entries)
}

/// `bag-info.txt` as ordered `Label: value` pairs.
pub fn render_info(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(label, value)| format!("{label}: {}\n", value.replace(['\r', '\n'], " ")))
        .collect()
}

/// Reads `bag-info.txt`: `Label: value` lines, a line starting with
/// white space continuing the previous value, CRLF tolerated.
pub fn parse_info(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match fields.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                None => return Err(format!("line {}: continues no field", index + 1)),
            }
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            return Err(format!("line {}: not `Label: value`", index + 1));
        };
        fields.push((label.trim().to_string(), value.trim().to_string()));
    }
    Ok(fields)
}

/// The first value of `label`.
pub fn field<'a>(fields: &'a [(String, String)], label: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(label))
        .map(|(_, v)| v.as_str())
}

/// `Payload-Oxum`: payload bytes, a dot, payload file count.
pub fn oxum(bytes: u64, files: u64) -> String {
    format!("{bytes}.{files}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_round_trip_with_percent_encoding() {
        let line = manifest_line(&"a".repeat(64), "data/100%\nodd");
        assert_eq!(line, format!("{}  data/100%25%0Aodd\n", "a".repeat(64)));
        let parsed = parse_manifest(&line).unwrap();
        assert_eq!(
            parsed.get("data/100%\nodd").map(String::as_str),
            Some("a".repeat(64).as_str())
        );
    }

    #[test]
    fn crlf_tag_files_are_accepted() {
        let text = format!(
            "{}  data/x\r\n{}  data/y\r\n",
            "b".repeat(64),
            "c".repeat(64)
        );
        assert_eq!(parse_manifest(&text).unwrap().len(), 2);
        let info =
            parse_info("Source-Organization: NHS\r\nBagging-Date: 2026-12-03\r\n  continued\r\n")
                .unwrap();
        assert_eq!(field(&info, "bagging-date"), Some("2026-12-03 continued"));
    }

    #[test]
    fn a_path_listed_twice_or_a_bad_digest_is_an_error() {
        let twice = format!("{0}  data/x\n{0}  data/x\n", "d".repeat(64));
        assert!(parse_manifest(&twice).unwrap_err().contains("listed twice"));
        assert!(
            parse_manifest("xyz  data/x\n")
                .unwrap_err()
                .contains("not a SHA-256")
        );
    }
}
