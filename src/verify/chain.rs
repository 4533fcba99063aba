//! Checking a series of quarterly bundles: each bundle records in
//! `bag-info.txt` (`Auditpack-Previous-Bundle-SHA256`) the SHA-256 of the
//! previous bundle's zip file, byte for byte, as `sha256sum` prints it.
//! A chain holds when every bundle verifies under the trusted key(s), each
//! records the digest of the bundle before it, all cover the same
//! accounts, and the quarters follow one another with none left out.
//!
//! A link is broken when the digest recorded is not the digest of the
//! bundle before it: that bundle was replaced (or the later one was
//! chained to another), or, when a quarter is skipped, one is missing.
//!
//! The series is what the files given form, whatever order they were
//! given in: bundles given out of quarter order are checked in quarter
//! order, so each link is judged between the quarters it joins, and the
//! order given is itself a break (the auditor's list is not the series it
//! claims to be). A file given twice is checked once, and a file that is
//! not a bag at all is set aside with one break, its links not checked.
//!
//! Some things are said without breaking the chain: that the first bundle
//! records an earlier one that was not given (the check covers the series
//! only from there), that the signing key changes between two bundles
//! (two keys the auditor trusts, but the organisation should say why),
//! and that a bundle was signed with a DEMO key (no evidence of who sealed
//! it).

use super::{Report, UnverifiedBundle, VerifyError};
use crate::bag;
use crate::sign::Trust;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One bundle of the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub file: PathBuf,
    /// Where the file was among the files given, from 1.
    pub given: usize,
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
    /// The signing key's fingerprint, whenever the signature could be read.
    pub signer: Option<String>,
    /// Under which trusted name the signer was accepted.
    pub trusted_as: Option<String>,
    /// With `--allowed-signers`: the identity the signer was trusted as.
    pub identity: Option<String>,
    /// What `bag-info.txt` says when the bundle was signed with a DEMO key
    /// made on the spot by `auditpack run`.
    pub demo_key: Option<String>,
    /// Why it does not verify.
    pub report: Report,
}

impl Link {
    /// Whether the file is enough of a bundle to link: a bag whose
    /// `bag-info.txt` could be read, or whose name gives its quarter.
    /// Anything else (not a zip, a zip of something else) has no quarter,
    /// accounts or recorded digest to link, and is set aside.
    pub fn in_series(&self) -> bool {
        self.report.bag.is_some() && (self.has_info() || self.quarter_key().is_some())
    }

    /// Whether `bag-info.txt` was read, so what it records can be linked.
    fn has_info(&self) -> bool {
        !self.report.info.is_empty()
    }

    fn quarter_key(&self) -> Option<(i32, u8)> {
        self.report.bag.as_deref().and_then(quarter)
    }

    fn name(&self) -> String {
        self.file.display().to_string()
    }
}

/// What kind of break, for machines reading the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakKind {
    /// Not a bag at all: set aside, its links not checked.
    NotABundle,
    /// A bag that does not verify under the trusted key(s).
    DoesNotVerify,
    /// The same bundle given again (the same file, or the same bytes).
    GivenTwice,
    /// The bundles were not given in quarter order.
    OutOfOrder,
    /// A link between bundles of different accounts.
    Accounts,
    /// A link whose quarters do not follow one another.
    Quarter,
    /// A link whose later bundle does not record the earlier one's digest.
    Previous,
}

/// A break between two bundles, or in one.
#[derive(Debug, Clone, Serialize)]
pub struct Break {
    pub kind: BreakKind,
    /// The later bundle of the link (the bundle itself when the break is
    /// about one bundle).
    pub file: PathBuf,
    /// The bundle before it, if the break is a link.
    pub previous_file: Option<PathBuf>,
    pub what: String,
}

/// What kind of notice, for machines reading the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// The first bundle records an earlier bundle that was not given.
    EarlierBundleNotGiven,
    /// The bundle is signed by another (trusted) key than the one before.
    SignerChanged,
    /// The bundle was signed with a DEMO key.
    DemoKey,
}

/// Something an auditor should know that does not break the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub file: PathBuf,
    /// The bundle before it, if the notice is about a link.
    pub previous_file: Option<PathBuf>,
    pub what: String,
}

/// The verdict on a chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub holds: bool,
    /// Every file given, once, in the order the links were checked: the
    /// series first (by quarter when given out of order), then the files
    /// that are not bundles.
    pub links: Vec<Link>,
    /// Whether the links were checked in quarter order rather than as
    /// given, because the bundles were given out of order.
    pub by_quarter: bool,
    /// The SHA-256 the first bundle records of an earlier bundle that was
    /// not given: the check covers the series only from the first bundle
    /// on. `None` when the first bundle is the first of its series.
    pub earlier_not_given: Option<String>,
    pub breaks: Vec<Break>,
    pub notices: Vec<Notice>,
}

impl ChainReport {
    /// The bundles of the series, in the order their links were checked.
    pub fn series(&self) -> impl Iterator<Item = &Link> {
        self.links.iter().filter(|l| l.in_series())
    }
}

/// Checks `files`, meant oldest first. Fails only when a file cannot be
/// read.
pub fn check(files: &[PathBuf], trust: &Trust) -> Result<ChainReport, VerifyError> {
    // Every file is opened before any is verified, so a missing one stops
    // the check at once rather than after hashing the others.
    let opened = files
        .iter()
        .map(|f| UnverifiedBundle::open(f))
        .collect::<Result<Vec<_>, _>>()?;
    let mut links: Vec<Link> = Vec::new();
    let mut twice = Vec::new();
    for (index, (file, bundle)) in files.iter().zip(opened).enumerate() {
        let (sha256, _) = crate::digest::sha256_file(file).map_err(|source| VerifyError {
            path: file.clone(),
            source,
        })?;
        match links.iter().find(|l| l.sha256 == sha256) {
            Some(first) => twice.push(given_twice(first, file, index + 1)),
            None => links.push(link(file, index + 1, sha256, bundle, trust)),
        }
    }
    let (mut series, aside): (Vec<Link>, Vec<Link>) = links.into_iter().partition(Link::in_series);
    let mut breaks = Vec::new();
    let order = out_of_order(&series);
    let by_quarter = order.is_some();
    if let Some(order) = order {
        series.sort_by_key(Link::quarter_key);
        breaks.push(order.to_break(&series));
    }
    breaks.extend(twice);
    breaks.extend(series.iter().chain(&aside).filter_map(unverified));
    for pair in series.windows(2) {
        breaks.extend(check_link(&pair[0], &pair[1], &series));
    }
    // Whether the series itself would hold, given in order: what the
    // auditor wants to know next.
    let series_holds = !breaks.iter().any(|b| {
        matches!(
            b.kind,
            BreakKind::DoesNotVerify
                | BreakKind::Accounts
                | BreakKind::Quarter
                | BreakKind::Previous
        )
    });
    if let Some(order) = breaks.iter_mut().find(|b| b.kind == BreakKind::OutOfOrder) {
        order.what.push_str(if series_holds {
            "; in quarter order, every link holds"
        } else {
            "; in quarter order, the links break as below"
        });
    }
    let earlier_not_given = earlier_not_given(&series);
    let notices = notices(&series, earlier_not_given.as_deref());
    series.extend(aside);
    Ok(ChainReport {
        holds: breaks.is_empty(),
        links: series,
        by_quarter,
        earlier_not_given,
        breaks,
        notices,
    })
}

fn link(
    file: &Path,
    given: usize,
    sha256: String,
    bundle: UnverifiedBundle,
    trust: &Trust,
) -> Link {
    let (verified, report) = match bundle.verify(trust) {
        Ok(bundle) => (true, bundle.report),
        Err(report) => (false, *report),
    };
    let field = |name| bag::field(&report.info, name).map(str::to_string);
    let identity = match trust {
        Trust::AllowedSigners { identity, .. } if report.trusted_as.is_some() => {
            Some(identity.clone())
        }
        _ => None,
    };
    Link {
        file: file.to_path_buf(),
        given,
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
        signer: report.signer.clone(),
        trusted_as: report.trusted_as.clone(),
        identity,
        demo_key: field("Auditpack-Signer-Key"),
        report,
    }
}

/// The same bundle given again: checked once, and a break, since a list
/// naming one quarter twice is not the series the auditor meant.
fn given_twice(first: &Link, file: &Path, given: usize) -> Break {
    let same_file = match (first.file.canonicalize(), file.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => first.file == file,
    };
    let name = file.display();
    let what = if same_file {
        format!(
            "{name} is given twice (file {} and file {given} of the list); it is checked once",
            first.given
        )
    } else {
        format!(
            "{name} is given twice: it is the same bundle as {} (the same SHA-256 {}); it is \
             checked once",
            first.name(),
            first.sha256
        )
    };
    Break {
        kind: BreakKind::GivenTwice,
        file: file.to_path_buf(),
        previous_file: None,
        what,
    }
}

/// The first bundle given after one of a later quarter.
struct OutOfOrder {
    /// The first bundle given out of place, and the later-quarter bundle
    /// given before it.
    early: PathBuf,
    late: PathBuf,
    early_quarter: String,
    late_quarter: String,
}

impl OutOfOrder {
    /// The break, naming the series in quarter order.
    fn to_break(&self, sorted: &[Link]) -> Break {
        let order: Vec<String> = sorted.iter().map(Link::name).collect();
        Break {
            kind: BreakKind::OutOfOrder,
            file: self.early.clone(),
            previous_file: None,
            what: format!(
                "the bundles are given out of order; by quarter: {}, the order their links are \
                 checked in ({}, of {}, is given after {}, of {})",
                order.join(" "),
                self.early.display(),
                self.early_quarter,
                self.late.display(),
                self.late_quarter
            ),
        }
    }
}

/// Whether the series was given out of quarter order; `None` when it is
/// in order, or when a quarter cannot be told (then it is checked as
/// given, and the link says so).
fn out_of_order(series: &[Link]) -> Option<OutOfOrder> {
    let keys: Vec<(i32, u8)> = series
        .iter()
        .map(Link::quarter_key)
        .collect::<Option<_>>()?;
    let mut latest = 0;
    for (i, key) in keys.iter().enumerate().skip(1) {
        if *key < keys[latest] {
            let label = |(y, q): (i32, u8)| format!("{y}Q{q}");
            return Some(OutOfOrder {
                early: series[i].file.clone(),
                late: series[latest].file.clone(),
                early_quarter: label(*key),
                late_quarter: label(keys[latest]),
            });
        }
        if *key > keys[latest] {
            latest = i;
        }
    }
    None
}

/// The break of a file that does not verify, if it does not.
fn unverified(link: &Link) -> Option<Break> {
    if link.verified {
        return None;
    }
    let name = link.name();
    // The zip's own problems are named by its path: say it once.
    let said = |p: &super::Problem| {
        if p.path == name {
            p.what.clone()
        } else {
            p.to_string()
        }
    };
    let first = link.report.problems.first().map(said);
    let more = match link.report.problems.len() {
        0 | 1 => String::new(),
        n => format!(
            " (and {} more; `auditpack verify {name}` lists them all)",
            n - 1
        ),
    };
    let (kind, what) = if link.in_series() {
        let first = first.unwrap_or_else(|| "not trusted".into());
        (
            BreakKind::DoesNotVerify,
            format!("does not verify: {first}{more}"),
        )
    } else {
        let why = match &link.report.bag {
            // A readable zip, but of something else.
            Some(_) => "a zip holding no bag-info.txt, and no bag named for a quarter".to_string(),
            None => format!(
                "{}{more}",
                first.unwrap_or_else(|| "not laid out as a bag".into())
            ),
        };
        (
            BreakKind::NotABundle,
            format!(
                "not a bundle: {why}; it is left out of the series, and no link to it is checked"
            ),
        )
    };
    Some(Break {
        kind,
        file: link.file.clone(),
        previous_file: None,
        what,
    })
}

/// The digest the first bundle records of an earlier bundle not given.
fn earlier_not_given(series: &[Link]) -> Option<String> {
    let first = series.first().filter(|l| l.verified)?;
    let recorded = first.previous_sha256.as_deref()?;
    let given = series.iter().any(|l| l.sha256 == recorded);
    (recorded != "none" && !given).then(|| recorded.to_string())
}

fn notices(series: &[Link], earlier_not_given: Option<&str>) -> Vec<Notice> {
    let mut out = Vec::new();
    if let (Some(first), Some(recorded)) = (series.first(), earlier_not_given) {
        let q = first.quarter.as_deref().unwrap_or("?");
        out.push(Notice {
            kind: NoticeKind::EarlierBundleNotGiven,
            file: first.file.clone(),
            previous_file: None,
            what: format!(
                "the series starts at {q} ({}), which records an earlier bundle (SHA-256 \
                 {recorded}) not given, so the check covers the series only from {q} on; give \
                 that bundle first to check the link to it",
                first.name()
            ),
        });
    }
    for pair in series.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let (Some(was), Some(now)) = (&before.signer, &after.signer) else {
            continue;
        };
        if !(before.verified && after.verified) || was == now {
            continue;
        }
        let trusted = |l: &Link| {
            l.trusted_as
                .as_deref()
                .map(|t| format!(" (trusted: {t})"))
                .unwrap_or_default()
        };
        out.push(Notice {
            kind: NoticeKind::SignerChanged,
            file: after.file.clone(),
            previous_file: Some(before.file.clone()),
            what: format!(
                "the signing key changes: {} is signed by {now}{}, {} by {was}{}; both are \
                 trusted, but ask the organisation why its key changed",
                after.name(),
                trusted(after),
                before.name(),
                trusted(before)
            ),
        });
    }
    for link in series.iter().filter(|l| l.verified) {
        if let Some(note) = &link.demo_key {
            out.push(Notice {
                kind: NoticeKind::DemoKey,
                file: link.file.clone(),
                previous_file: None,
                what: format!("signed with a DEMO key: {note}"),
            });
        }
    }
    out
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
    let mut say = |kind: BreakKind, what: String| {
        out.push(Break {
            kind,
            file: after.file.clone(),
            previous_file: Some(before.file.clone()),
            what,
        })
    };
    // What a bag-info.txt that could not be read would record is not
    // compared: the bundle's own break says why it could not be read.
    if before.has_info() && after.has_info() && before.accounts != after.accounts {
        say(
            BreakKind::Accounts,
            format!(
                "covers accounts {}, but {} covers {}",
                after.accounts.as_deref().unwrap_or("-"),
                name(before),
                before.accounts.as_deref().unwrap_or("-")
            ),
        );
    }
    let before_bag = before.report.bag.as_deref();
    let after_bag = after.report.bag.as_deref();
    let gap = quarter_gap(before_bag, after_bag);
    let quarter = match gap {
        // Given in quarter order, two of the same quarter are side by side.
        Some(0) => Some(format!(
            "a second bundle of {}, after {}: one quarter given twice",
            after.quarter.as_deref().unwrap_or("?"),
            name(before)
        )),
        _ => quarter_break(before_bag, after_bag, &name(before)),
    };
    if let Some(what) = quarter {
        say(BreakKind::Quarter, what);
    }
    if !after.has_info() {
        return out;
    }
    let recorded = after.previous_sha256.as_deref().unwrap_or("none");
    if recorded == "none" {
        say(
            BreakKind::Previous,
            format!(
                "records no previous bundle (it was sealed without --previous), so it is not chained to {} (SHA-256 {})",
                name(before),
                before.sha256
            ),
        );
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
        say(
            BreakKind::Previous,
            format!(
                "records previous bundle SHA-256 {recorded}, but {} has {}: {why}",
                name(before),
                before.sha256
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link of the bag named `bag`, as given `given`-th.
    fn given(bag: &str, given: usize) -> Link {
        Link {
            file: PathBuf::from(format!("{bag}.zip")),
            given,
            sha256: format!("{given:064}"),
            bag: Some(bag.to_string()),
            quarter: None,
            accounts: None,
            previous_sha256: None,
            verified: true,
            signer: None,
            trusted_as: None,
            identity: None,
            demo_key: None,
            report: Report {
                bag: Some(bag.to_string()),
                ..Report::default()
            },
        }
    }

    #[test]
    fn out_of_order_names_the_first_bundle_given_after_a_later_quarter() {
        let series = [
            given("a-2026Q4", 1),
            given("a-2027Q2", 2),
            given("a-2027Q1", 3),
            given("a-2027Q3", 4),
        ];
        let order = out_of_order(&series).expect("out of order");
        assert_eq!(order.early, PathBuf::from("a-2027Q1.zip"));
        assert_eq!(order.late, PathBuf::from("a-2027Q2.zip"));
        assert_eq!(
            (order.early_quarter.as_str(), order.late_quarter.as_str()),
            ("2027Q1", "2027Q2")
        );
        // Two bundles of one quarter side by side are in order: the link
        // between them says it is one quarter twice.
        let twice = [
            given("a-2026Q4", 1),
            given("a-2026Q4", 2),
            given("a-2027Q1", 3),
        ];
        assert!(out_of_order(&twice).is_none());
        // A quarter that cannot be told: checked as given.
        let unknown = [given("a-2027Q1", 1), given("a", 2), given("a-2026Q4", 3)];
        assert!(out_of_order(&unknown).is_none());
    }

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
