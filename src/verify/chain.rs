//! Checking a series of quarterly bundles: each bundle records in
//! `bag-info.txt` (`Auditpack-Previous-Bundle-SHA256`) the SHA-256 of the
//! previous bundle's zip file, byte for byte, as `sha256sum` prints it.
//! A chain holds when every bundle verifies under the trusted key(s), each
//! records the digest of the bundle given before it, all cover the same
//! accounts, and the quarters follow one another with none left out.
//!
//! A link is broken when the digest recorded is not the digest of the
//! bundle before it: that bundle was replaced (or the later one was
//! chained to another), or, when a quarter is skipped, one is missing.

use super::{Report, UnverifiedBundle, VerifyError};
use crate::bag;
use crate::sign::Trust;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One bundle of the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub file: PathBuf,
    /// The SHA-256 of the zip file.
    pub sha256: String,
    pub bag: Option<String>,
    /// `YYYYQn`, from the bag's name.
    pub quarter: Option<String>,
    pub accounts: Option<String>,
    /// What `bag-info.txt` records of the previous bundle (`none` for the
    /// first of a series).
    pub previous_sha256: Option<String>,
    pub verified: bool,
    /// Why it does not verify.
    pub report: Report,
}

/// A break between two bundles, or in one.
#[derive(Debug, Clone, Serialize)]
pub struct Break {
    /// The later bundle of the link (the bundle itself when it does not
    /// verify).
    pub file: PathBuf,
    /// The bundle before it, if the break is a link.
    pub previous_file: Option<PathBuf>,
    pub what: String,
}

/// The verdict on a chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub holds: bool,
    pub links: Vec<Link>,
    pub breaks: Vec<Break>,
}

/// Checks `files`, oldest first. Fails only when a file cannot be read.
pub fn check(files: &[PathBuf], trust: &Trust) -> Result<ChainReport, VerifyError> {
    // Every file is opened before any is verified, so a missing one stops
    // the check at once rather than after hashing the others.
    let opened = files
        .iter()
        .map(|f| UnverifiedBundle::open(f))
        .collect::<Result<Vec<_>, _>>()?;
    let mut links = Vec::new();
    for (file, bundle) in files.iter().zip(opened) {
        links.push(link(file, bundle, trust)?);
    }
    let mut breaks = Vec::new();
    for link in links.iter().filter(|l| !l.verified) {
        let first = link.report.problems.first();
        let what = first
            .map(|p| p.to_string())
            .unwrap_or_else(|| "not trusted".into());
        breaks.push(Break {
            file: link.file.clone(),
            previous_file: None,
            what: format!("does not verify: {what}"),
        });
    }
    for pair in links.windows(2) {
        breaks.extend(check_link(&pair[0], &pair[1], &links));
    }
    Ok(ChainReport {
        holds: breaks.is_empty(),
        links,
        breaks,
    })
}

fn link(file: &Path, bundle: UnverifiedBundle, trust: &Trust) -> Result<Link, VerifyError> {
    let (sha256, _) = crate::digest::sha256_file(file).map_err(|source| VerifyError {
        path: file.to_path_buf(),
        source,
    })?;
    let (verified, report) = match bundle.verify(trust) {
        Ok(bundle) => (true, bundle.report),
        Err(report) => (false, *report),
    };
    let field = |name| bag::field(&report.info, name).map(str::to_string);
    Ok(Link {
        file: file.to_path_buf(),
        sha256,
        quarter: report
            .bag
            .as_deref()
            .and_then(quarter)
            .map(|(y, q)| format!("{y}Q{q}")),
        bag: report.bag.clone(),
        accounts: field("Auditpack-Accounts"),
        previous_sha256: field("Auditpack-Previous-Bundle-SHA256"),
        verified,
        report,
    })
}

/// The year and quarter a bag's name ends with (`...-2026Q4`).
pub fn quarter(name: &str) -> Option<(i32, u8)> {
    let tail = name.rsplit('-').next()?;
    let (year, q) = tail.split_once('Q')?;
    let q: u8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
    Some((year.parse().ok()?, q))
}

/// Quarters from the bag named `before` to the bag named `after`: 1 when
/// `after` is the quarter following `before`; `None` when either name
/// does not end with a quarter.
pub fn quarter_gap(before: Option<&str>, after: Option<&str>) -> Option<i32> {
    let a = before.and_then(quarter)?;
    let b = after.and_then(quarter)?;
    Some(quarters_between(a, b))
}

/// What is wrong with the bag named `after` following the bag named
/// `before` (the file `before_file`) in a quarterly series: a quarter
/// left out, the same quarter twice or out of order, or a quarter that
/// cannot be told. `None` when `after` is the next quarter.
pub fn quarter_break(
    before: Option<&str>,
    after: Option<&str>,
    before_file: &str,
) -> Option<String> {
    let label = |bag: Option<&str>| {
        bag.and_then(quarter)
            .map(|(y, q)| format!("{y}Q{q}"))
            .unwrap_or_else(|| "?".into())
    };
    let (q0, q1) = (label(before), label(after));
    match quarter_gap(before, after) {
        Some(1) => None,
        Some(n) if n > 1 => Some(format!(
            "{} quarter{} missing between {q0} ({before_file}) and {q1}",
            n - 1,
            if n == 2 { " is" } else { "s are" },
        )),
        Some(_) => Some(format!(
            "{q1} does not follow {q0} ({before_file}): out of order, or one quarter twice"
        )),
        None => Some(format!(
            "the quarter cannot be told from the bag's name ({q0} then {q1})"
        )),
    }
}

/// Quarters from `a` to `b`: 1 for consecutive ones.
fn quarters_between(a: (i32, u8), b: (i32, u8)) -> i32 {
    (b.0 - a.0) * 4 + i32::from(b.1) - i32::from(a.1)
}

fn check_link(before: &Link, after: &Link, all: &[Link]) -> Vec<Break> {
    let mut out = Vec::new();
    let name = |l: &Link| l.file.display().to_string();
    let mut say = |what: String| {
        out.push(Break {
            file: after.file.clone(),
            previous_file: Some(before.file.clone()),
            what,
        })
    };
    if before.accounts != after.accounts {
        say(format!(
            "covers accounts {}, but {} covers {}",
            after.accounts.as_deref().unwrap_or("-"),
            name(before),
            before.accounts.as_deref().unwrap_or("-")
        ));
    }
    let before_bag = before.report.bag.as_deref();
    let after_bag = after.report.bag.as_deref();
    let gap = quarter_gap(before_bag, after_bag);
    if let Some(what) = quarter_break(before_bag, after_bag, &name(before)) {
        say(what);
    }
    let recorded = after.previous_sha256.as_deref().unwrap_or("none");
    if recorded == "none" {
        say(format!(
            "records no previous bundle (it was sealed without --previous), so it is not chained to {} (SHA-256 {})",
            name(before),
            before.sha256
        ));
    } else if recorded != before.sha256 {
        let other = all.iter().find(|l| l.sha256 == recorded);
        let why = match (other, gap) {
            (Some(other), _) => format!(
                "it was chained to {}, given elsewhere in the series",
                name(other)
            ),
            (None, Some(n)) if n > 1 => "the bundle it was chained to is missing".to_string(),
            (None, _) => format!(
                "{} was replaced, or this bundle was chained to another",
                name(before)
            ),
        };
        say(format!(
            "records previous bundle SHA-256 {recorded}, but {} has {}: {why}",
            name(before),
            before.sha256
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quarter_is_the_end_of_the_bags_name() {
        assert_eq!(quarter("auditpack-210987654321-2026Q4"), Some((2026, 4)));
        assert_eq!(
            quarter("auditpack-210987654321-and-1-more-2027Q1"),
            Some((2027, 1))
        );
        assert_eq!(quarter("auditpack-210987654321-2026Q5"), None);
        assert_eq!(quarter("auditpack-210987654321"), None);
    }

    #[test]
    fn quarters_count_across_a_year_end() {
        assert_eq!(quarters_between((2026, 4), (2027, 1)), 1);
        assert_eq!(quarters_between((2026, 1), (2026, 3)), 2);
        assert_eq!(quarters_between((2026, 3), (2026, 3)), 0);
        assert_eq!(quarters_between((2027, 1), (2026, 4)), -1);
    }

    #[test]
    fn a_quarter_that_follows_is_no_break_and_others_are() {
        let q = |s: &'static str| Some(s);
        assert_eq!(quarter_break(q("a-2026Q4"), q("a-2027Q1"), "p.zip"), None);
        let skip = quarter_break(q("a-2026Q1"), q("a-2026Q3"), "p.zip").unwrap();
        assert!(
            skip.contains("1 quarter is missing between 2026Q1 (p.zip) and 2026Q3"),
            "{skip}"
        );
        let twice = quarter_break(q("a-2026Q4"), q("a-2026Q4"), "p.zip").unwrap();
        assert!(twice.contains("does not follow 2026Q4"), "{twice}");
        let back = quarter_break(q("a-2027Q1"), q("a-2026Q4"), "p.zip").unwrap();
        assert!(back.contains("2026Q4 does not follow 2027Q1"), "{back}");
        assert!(quarter_break(q("a"), q("a-2026Q4"), "p.zip").is_some());
    }
}
