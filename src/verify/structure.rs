//! The zip's structure, checked before any entry is read: every name a
//! plain relative path inside one top folder (the bag), no duplicates (also
//! after Unicode normalisation), no links, no encryption, and no size or
//! compression ratio that only a zip bomb has.

use super::Report;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use unicode_normalization::UnicodeNormalization;
use zip::ZipArchive;

/// Above this size, an entry must not inflate more than [`MAX_RATIO`] times.
const RATIO_FLOOR: u64 = 1 << 20;
/// JSON evidence compresses about 60 times; a thousand times is a bomb.
const MAX_RATIO: u64 = 1000;
/// No bundle of ours holds more entries than this.
const MAX_ENTRIES: usize = 5_000_000;

/// A file of the bag, by its path inside the bag.
#[derive(Debug, Clone)]
pub struct Entry {
    pub index: usize,
    pub path: String,
    pub size: u64,
}

/// The bag's name and its files, or `None` when the zip is unsafe to read
/// (the problems are in `report`).
pub fn check(
    archive: &mut ZipArchive<File>,
    report: &mut Report,
) -> Option<(String, BTreeMap<String, Entry>)> {
    let zip_name = report.file.display().to_string();
    if archive.len() > MAX_ENTRIES {
        report.problem(
            zip_name,
            format!("{} entries: more than any bundle holds", archive.len()),
        );
        return None;
    }
    let mut bag: Option<String> = None;
    let mut entries = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let before = report.problems.len();
    for index in 0..archive.len() {
        let file = match archive.by_index_raw(index) {
            Ok(file) => file,
            Err(e) => {
                report.problem(
                    zip_name.clone(),
                    format!("entry {index} cannot be read ({e})"),
                );
                continue;
            }
        };
        let Ok(name) = std::str::from_utf8(file.name_raw()).map(str::to_string) else {
            report.problem(format!("entry {index}"), "its name is not UTF-8");
            continue;
        };
        if let Some(why) = unsafe_name(&name) {
            report.problem(&name, why);
            continue;
        }
        if !seen.insert(name.nfc().collect::<String>()) {
            report.problem(
                &name,
                "appears twice in the zip (after Unicode normalisation)",
            );
            continue;
        }
        if file.is_symlink() {
            report.problem(&name, "a symbolic link; a bundle holds plain files only");
            continue;
        }
        if file.encrypted() {
            report.problem(&name, "encrypted; a bundle is never encrypted");
            continue;
        }
        let (top, rest) = name.split_once('/').unwrap_or((name.as_str(), ""));
        match &bag {
            None => bag = Some(top.to_string()),
            Some(b) if b != top => {
                report.problem(&name, format!("outside the bag `{b}/`"));
                continue;
            }
            Some(_) => {}
        }
        if file.is_dir() || rest.is_empty() {
            continue;
        }
        let (size, packed) = (file.size(), file.compressed_size());
        if size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO {
            report.problem(
                &name,
                format!(
                    "claims {size} bytes from {packed} compressed: a ratio only a zip bomb has"
                ),
            );
            continue;
        }
        entries.insert(
            rest.to_string(),
            Entry {
                index,
                path: rest.to_string(),
                size,
            },
        );
    }
    if report.problems.len() > before {
        return None;
    }
    match bag {
        Some(bag) => Some((bag, entries)),
        None => {
            report.problem(zip_name, "empty: no bag inside");
            None
        }
    }
}

/// Why a name is not a plain relative path, if it is not.
fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.starts_with('/')
        || name.starts_with('\\')
        || name.get(1..3) == Some(":\\")
        || name.get(1..3) == Some(":/")
    {
        return Some("an absolute path");
    }
    if name.contains('\\') {
        return Some("a backslash in the name (a Windows path separator)");
    }
    if name.contains('\0') {
        return Some("a NUL byte in the name");
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed
        .split('/')
        .any(|part| part == ".." || part == "." || part.is_empty())
    {
        return Some("a `..`, `.` or empty component: the path could leave its folder");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_bag_are_refused() {
        for bad in [
            "/etc/passwd",
            "bag/../../x",
            "bag/./x",
            "bag//x",
            "C:\\x",
            "bag\\x",
            "..",
            "C:/x",
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad}");
        }
        for good in ["bag/data/x.json", "bag/", "bag/data/a b.json"] {
            assert!(unsafe_name(good).is_none(), "{good}");
        }
    }
}
