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
/// Deflate cannot pack data more than about 1032 times (a run of one byte
/// value), so a header claiming more lies about its size: what a zip bomb
/// does. JSON evidence packs about 60 times.
const MAX_RATIO: u64 = 1100;
/// No bundle of ours holds more entries than this.
const MAX_ENTRIES: usize = 5_000_000;

/// A file of the bag, by its path inside the bag.
#[derive(Debug, Clone)]
pub struct Entry {
    pub index: usize,
    pub path: String,
    pub size: u64,
    /// Where the entry's local header starts in the zip.
    pub header_start: u64,
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
    // Local headers must agree with the central directory (a name there
    // is what a streaming extractor would use), no two entries may share a
    // name, and no entries may overlap.
    if archive.has_duplicate_names() {
        for name in duplicate_names(archive.central_directory_start(), &report.file.clone()) {
            report.problem(
                name,
                "appears twice in the zip; an extractor could write either copy",
            );
        }
        if report.problems.is_empty() {
            report.problem(
                zip_name,
                "two entries share a name; an extractor could write either copy",
            );
        }
        return None;
    }
    // Differences from what auditpack writes are reported, but do not stop
    // the content checks: they are signs of tampering, not dangers.
    let mut altered = Vec::new();
    let mut bag: Option<String> = None;
    // One set of fixed fields per compression method: stored tag files and
    // deflated evidence differ in their flags, and only there.
    let mut canonical: Vec<(zip::CompressionMethod, Canonical)> = Vec::new();
    let mut previous_name = String::new();
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
        let metadata = Canonical::of(&file);
        match canonical
            .iter()
            .find(|(method, _)| *method == file.compression())
        {
            None => canonical.push((file.compression(), metadata)),
            Some((_, first)) if *first != metadata => altered.push(super::Problem {
                path: name.clone(),
                what: "its zip metadata (time, mode, flags) differs from the other entries'; \
                       the zip was altered after sealing"
                    .into(),
            }),
            Some(_) => {}
        }
        if name <= previous_name {
            altered.push(super::Problem {
                path: name.clone(),
                what: "out of order: auditpack writes entries sorted by name; the zip was altered after sealing".into(),
            });
        }
        previous_name = name.clone();
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
                header_start: file.header_start(),
            },
        );
    }
    if report.problems.len() > before {
        return None;
    }
    if let Err(e) = archive.validate_header_consistency() {
        report.problem(
            zip_name,
            format!("the zip's headers disagree ({e}); it was altered after sealing"),
        );
        return None;
    }
    if let Err(what) = super::raw::canonical(
        &report.file,
        archive.central_directory_start(),
        archive.len(),
    ) {
        report.problem(
            zip_name.clone(),
            format!("{what}; the zip was altered after sealing"),
        );
    }
    // One line for what is usually one act (a re-zip touches every entry).
    if let Some(first) = altered.first() {
        let more = if altered.len() > 1 {
            format!(" (and {} more entries)", altered.len() - 1)
        } else {
            String::new()
        };
        report.problem(first.path.clone(), format!("{}{more}", first.what));
    }
    match bag {
        Some(bag) => Some((bag, entries)),
        None => {
            report.problem(zip_name, "empty: no bag inside");
            None
        }
    }
}

/// The names that appear more than once in the central directory. The zip
/// reader keeps one entry per name, so the directory is read here directly:
/// each record is `PK\x01\x02`, 46 fixed bytes with the name, extra-field
/// and comment lengths at offsets 28, 30 and 32, then the name.
fn duplicate_names(start: u64, zip: &std::path::Path) -> Vec<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut bytes = Vec::new();
    let Ok(mut file) = File::open(zip) else {
        return Vec::new();
    };
    if file.seek(SeekFrom::Start(start)).is_err()
        || file.take(64 << 20).read_to_end(&mut bytes).is_err()
    {
        return Vec::new();
    }
    let mut seen = BTreeSet::new();
    let mut twice = BTreeSet::new();
    let mut at = 0usize;
    while bytes.len() >= at + 46 && bytes[at..at + 4] == *b"PK\x01\x02" {
        let field = |offset: usize| {
            usize::from(u16::from_le_bytes([
                bytes[at + offset],
                bytes[at + offset + 1],
            ]))
        };
        let (name_len, extra_len, comment_len) = (field(28), field(30), field(32));
        let Some(name) = bytes.get(at + 46..at + 46 + name_len) else {
            break;
        };
        let name = String::from_utf8_lossy(name).into_owned();
        if !seen.insert(name.clone()) {
            twice.insert(name);
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    twice.into_iter().collect()
}

/// What auditpack writes the same for every entry: one fixed time, mode
/// 0644, the same flags and creator version. A bundle is reproducible, so
/// any difference means the zip was touched after sealing, even where no
/// content changed.
#[derive(Debug, PartialEq, Eq)]
struct Canonical {
    modified: Option<(u16, u8, u8, u8, u8, u8)>,
    mode: Option<u32>,
    made_by: (u8, u8),
    flags: String,
    external: u32,
}

impl Canonical {
    fn of<R: std::io::Read>(file: &zip::read::ZipFile<'_, R>) -> Canonical {
        Canonical {
            modified: file.last_modified().map(|t| {
                (
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second(),
                )
            }),
            mode: file.unix_mode(),
            made_by: file.version_made_by(),
            flags: format!("{:?}", file.flags()),
            external: file.external_attributes(),
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
