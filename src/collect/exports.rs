//! Import: a folder of AWS CLI exports becomes a snapshot.
//!
//! The export's files are checked against the shapes the AWS CLI prints,
//! copied byte for byte, and every call the catalogue expects is logged:
//! answered, failed (from its `.error` file), cut short, or missing. A file
//! that is not what the CLI prints stops the import with its path and the
//! place in it; no partial snapshot is left.

use super::classify::classify;
use super::{CollectError, FileProblem};
use crate::snapshot::GLOBAL;
use crate::snapshot::catalogue::{self, Cardinality, OPERATIONS, Operation, Scope};
use crate::snapshot::info::{AccountScope, FORMAT, RegionGap, SnapshotInfo, Source, Tool};
use crate::snapshot::log::{ANY, CallStatus, CollectionLog, LogEntry, Skipped};
use crate::snapshot::shapes::{Document, Timestamp};
use crate::snapshot::{LOG_FILE, SNAPSHOT_FILE};
use crate::staging::StagedDir;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// What to import and where to write it.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The folder the export script wrote.
    pub exports: PathBuf,
    /// The snapshot folder to write.
    pub out: PathBuf,
    /// Replace `out` if it exists.
    pub replace: bool,
    /// The collection time to record.
    pub now: OffsetDateTime,
}

/// A snapshot written.
#[derive(Debug, Clone)]
pub struct Collected {
    pub path: PathBuf,
    pub info: SnapshotInfo,
    pub log: CollectionLog,
    /// What the user should hear about that the log does not say: a
    /// report asked for that AWS does not list, a resource left out.
    pub warnings: Vec<String>,
}

/// What live collection knows of a call beyond its answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallNote {
    pub pages: u32,
    pub attempts: u32,
    pub throttled: u32,
    pub duration_ms: u64,
}

/// Reads the export at `options.exports` and writes its snapshot.
pub fn import(options: &ExportOptions) -> Result<Collected, CollectError> {
    import_as(options, Source::Exports, &BTreeMap::new())
}

/// Reads a folder in the export layout and writes its snapshot, recording
/// where the evidence came from and, for calls made live, what each took
/// (`notes`, by the file's path relative to the folder).
pub(crate) fn import_as(
    options: &ExportOptions,
    source: Source,
    notes: &BTreeMap<String, CallNote>,
) -> Result<Collected, CollectError> {
    let root = &options.exports;
    if !root.is_dir() {
        return Err(CollectError::NotAFolder(root.clone()));
    }
    if options.out.exists() && !options.replace {
        return Err(CollectError::OutputExists(options.out.clone()));
    }
    if overlaps(root, &options.out) {
        return Err(CollectError::OutputOverlapsInput(options.out.clone()));
    }

    let mut scan = Scan::default();
    scan.accounts(root)?;
    if scan.accounts.is_empty() {
        return Err(CollectError::NoAccounts(root.clone()));
    }

    let staged =
        StagedDir::create(&options.out, options.replace, SNAPSHOT_FILE).map_err(|source| {
            CollectError::Io {
                path: options.out.clone(),
                source,
            }
        })?;
    let mut calls = read_calls(root, &scan.found, &staged, &mut scan.problems)?;
    check_accounts(root, &calls, &mut scan.problems);
    check_resources(root, &calls, &mut scan.problems);
    check_regions(root, &scan.accounts, &calls, &mut scan.problems);
    check_documents(root, &calls, &mut scan.problems);
    if !scan.problems.is_empty() {
        return Err(CollectError::BadFiles(scan.problems));
    }

    classify_failures(&mut calls);
    let (info, log) = describe(&scan, calls, options.now, source, notes);
    let mut warnings = scan.warnings.clone();
    warnings.extend(dating_warnings(&info, options.now));
    let io = |source| CollectError::Io {
        path: options.out.clone(),
        source,
    };
    staged.write_json(SNAPSHOT_FILE, &info).map_err(io)?;
    staged.write_json(LOG_FILE, &log).map_err(io)?;
    let path = staged.commit().map_err(io)?;
    Ok(Collected {
        path,
        info,
        log,
        warnings,
    })
}

/// Whether one folder is, or lies inside, the other: writing the snapshot
/// there would mix it with, or replace, the evidence it is read from.
fn overlaps(input: &Path, output: &Path) -> bool {
    let absolute = |p: &Path| -> PathBuf {
        // The output may not exist yet: resolve its nearest existing parent.
        let mut existing = p.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|n| n.to_os_string()),
                existing.parent(),
            ) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut resolved = existing.canonicalize().unwrap_or(existing);
        resolved.extend(rest.iter().rev());
        resolved
    };
    let (input, output) = (absolute(input), absolute(output));
    input.starts_with(&output) || output.starts_with(&input)
}

/// Whether a file holds a call's output or its error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Output,
    Failure,
    /// A document an answer records, stored beside it (an Artifact PDF).
    Document,
}

/// A file of the export that is a call auditpack reads.
#[derive(Debug, Clone)]
struct Found {
    account: String,
    /// A region, or [`GLOBAL`].
    scope: String,
    op: &'static Operation,
    resource: Option<String>,
    kind: Kind,
    /// Relative to the export root, `/`-separated; also the snapshot path.
    relative: String,
}

/// What walking the export found.
#[derive(Default)]
struct Scan {
    /// Account ID to its region folders (not counting `global`).
    accounts: BTreeMap<String, BTreeSet<String>>,
    found: Vec<Found>,
    skipped: Vec<Skipped>,
    problems: Vec<FileProblem>,
    /// What the user should hear of the layout: folders left out that look
    /// as if they were meant to be read.
    warnings: Vec<String>,
}

impl Scan {
    fn skip(&mut self, relative: &str, reason: &str) {
        tracing::debug!(path = relative, reason, "skipped");
        self.skipped.push(Skipped {
            path: relative.to_string(),
            reason: reason.to_string(),
        });
    }

    fn problem(&mut self, root: &Path, relative: &str, problem: impl Into<String>) {
        self.problems.push(FileProblem {
            path: root.join(relative),
            problem: problem.into(),
        });
    }

    fn accounts(&mut self, root: &Path) -> Result<(), CollectError> {
        for (name, kind) in list(root)? {
            if kind != EntryKind::Dir || !is_account_id(&name) {
                self.skip(&name, "not an account folder (a 12-digit AWS account ID)");
                if kind == EntryKind::Dir && !name.starts_with('.') {
                    self.warnings.push(format!(
                        "left out the folder `{name}` of the export: not a 12-digit AWS account \
                         ID, so none of it is evidence; rename it if it holds an account's export"
                    ));
                }
                continue;
            }
            self.accounts.entry(name.clone()).or_default();
            for (scope, kind) in list(&root.join(&name))? {
                let relative = format!("{name}/{scope}");
                if kind != EntryKind::Dir || (scope != GLOBAL && !is_region_name(&scope)) {
                    self.skip(&relative, "not a region folder or `global`");
                    continue;
                }
                if scope != GLOBAL {
                    self.accounts
                        .get_mut(&name)
                        .map(|regions| regions.insert(scope.clone()));
                }
                self.services(root, &name, &scope)?;
            }
        }
        Ok(())
    }

    fn services(
        &mut self,
        root: &Path,
        account: &str,
        scope_name: &str,
    ) -> Result<(), CollectError> {
        let scope = if scope_name == GLOBAL {
            Scope::Global
        } else {
            Scope::Regional
        };
        let base = format!("{account}/{scope_name}");
        for (service, kind) in list(&root.join(&base))? {
            let relative = format!("{base}/{service}");
            if kind != EntryKind::Dir {
                self.skip(&relative, "not a service folder");
                continue;
            }
            for (name, kind) in list(&root.join(&relative))? {
                let path = format!("{relative}/{name}");
                let place = Place {
                    account,
                    scope_name,
                    scope,
                    service: &service,
                };
                self.entry(root, &place, &name, kind, &path)?;
            }
        }
        Ok(())
    }

    /// One entry of a service folder: a call's file, a folder of
    /// per-resource files, or something else.
    fn entry(
        &mut self,
        root: &Path,
        place: &Place,
        name: &str,
        kind: EntryKind,
        path: &str,
    ) -> Result<(), CollectError> {
        let (stem, file_kind) = split_kind(name);
        let op = catalogue::find(place.scope, place.service, stem);
        match (op, file_kind, kind) {
            (None, _, EntryKind::Link) | (Some(_), _, EntryKind::Link) => {
                self.skip(path, "a symbolic link; exports hold plain files")
            }
            (None, _, _) => self.skip(path, "not a call auditpack reads"),
            (Some(op), Some(file_kind), EntryKind::File) => match op.cardinality {
                Cardinality::Single => self.found.push(place.found(op, None, file_kind, path)),
                Cardinality::PerResource { .. } | Cardinality::OnRequest { .. } => self.problem(
                    root,
                    path,
                    format!(
                        "`{}` is made once per resource: expected a folder `{stem}/`",
                        op.cli_name()
                    ),
                ),
            },
            (Some(op), Some(_), EntryKind::Dir) => self.problem(
                root,
                path,
                format!(
                    "is a folder; expected the file `aws {}` printed",
                    op.cli_name()
                ),
            ),
            (Some(op), None, EntryKind::Dir) => match op.cardinality {
                Cardinality::PerResource { .. } | Cardinality::OnRequest { .. } => {
                    self.resources(root, place, op, path)?
                }
                Cardinality::Single => self.problem(
                    root,
                    path,
                    format!(
                        "is a folder; expected `{name}.json` holding what `aws {}` printed",
                        op.cli_name()
                    ),
                ),
            },
            (Some(_), _, _) => self.skip(path, "neither a `.json` output nor an `.error` file"),
        }
        Ok(())
    }

    fn resources(
        &mut self,
        root: &Path,
        place: &Place,
        op: &'static Operation,
        dir: &str,
    ) -> Result<(), CollectError> {
        let document = match op.cardinality {
            Cardinality::OnRequest { document } => document,
            _ => None,
        };
        for (name, kind) in list(&root.join(dir))? {
            let path = format!("{dir}/{name}");
            let attached = document.and_then(|ext| {
                let stem = name.strip_suffix(ext)?.strip_suffix('.')?;
                (!stem.is_empty()).then_some(stem)
            });
            if let (Some(stem), EntryKind::File) = (attached, kind) {
                self.found
                    .push(place.found(op, Some(stem.to_string()), Kind::Document, &path));
                continue;
            }
            match (split_kind(&name), kind) {
                ((stem, Some(file_kind)), EntryKind::File) if !stem.is_empty() => self
                    .found
                    .push(place.found(op, Some(stem.to_string()), file_kind, &path)),
                ((_, Some(_)), EntryKind::Dir) => self.problem(
                    root,
                    &path,
                    format!(
                        "is a folder; expected the file `aws {}` printed",
                        op.cli_name()
                    ),
                ),
                _ => self.skip(&path, "not a per-resource `.json` or `.error` file"),
            }
        }
        Ok(())
    }
}

/// Where in the export a service folder sits.
struct Place<'a> {
    account: &'a str,
    scope_name: &'a str,
    scope: Scope,
    service: &'a str,
}

impl Place<'_> {
    fn found(
        &self,
        op: &'static Operation,
        resource: Option<String>,
        kind: Kind,
        relative: &str,
    ) -> Found {
        Found {
            account: self.account.to_string(),
            scope: self.scope_name.to_string(),
            op,
            resource,
            kind,
            relative: relative.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EntryKind {
    File,
    Dir,
    Link,
    Other,
}

/// A folder's entries, sorted by name, without following links.
fn list(dir: &Path) -> Result<Vec<(String, EntryKind)>, CollectError> {
    let io = |source| CollectError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let file_type = entry.file_type().map_err(io)?;
        let kind = if file_type.is_symlink() {
            EntryKind::Link
        } else if file_type.is_dir() {
            EntryKind::Dir
        } else if file_type.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        entries.push((entry.file_name().to_string_lossy().into_owned(), kind));
    }
    entries.sort();
    Ok(entries)
}

fn split_kind(name: &str) -> (&str, Option<Kind>) {
    if let Some(stem) = name.strip_suffix(".json") {
        (stem, Some(Kind::Output))
    } else if let Some(stem) = name.strip_suffix(".error") {
        (stem, Some(Kind::Failure))
    } else {
        (name, None)
    }
}

/// Twelve ASCII digits, as AWS writes account IDs.
pub fn is_account_id(name: &str) -> bool {
    name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit())
}

/// A region name such as `eu-west-2` or `us-gov-west-1`.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// A call read from the export.
struct Call {
    found: Found,
    sha256: String,
    bytes: u64,
    /// The parsed output, for `.json` files.
    document: Option<Document>,
    /// The error text, for `.error` files.
    error_text: Option<String>,
    status: CallStatus,
    error_code: Option<String>,
    detail: Option<String>,
}

/// A call, by account, scope, service, operation and resource; and
/// whether the file is the document the call's answer records.
type CallKey = (
    String,
    String,
    &'static str,
    &'static str,
    Option<String>,
    bool,
);

/// Reads, checks and copies every call's file.
fn read_calls(
    root: &Path,
    found: &[Found],
    staged: &StagedDir,
    problems: &mut Vec<FileProblem>,
) -> Result<Vec<Call>, CollectError> {
    let mut calls = Vec::with_capacity(found.len());
    let mut seen: BTreeMap<CallKey, String> = BTreeMap::new();
    for found in found {
        let key = (
            found.account.clone(),
            found.scope.clone(),
            found.op.service,
            found.op.operation,
            found.resource.clone(),
            found.kind == Kind::Document,
        );
        if let Some(other) = seen.insert(key, found.relative.clone()) {
            problems.push(FileProblem {
                path: root.join(&found.relative),
                problem: format!(
                    "`{other}` answers the same call; keep only the file of the latest run"
                ),
            });
            continue;
        }
        let path = root.join(&found.relative);
        let bytes = fs::read(&path).map_err(|source| CollectError::Io {
            path: path.clone(),
            source,
        })?;
        let mut call = Call {
            found: found.clone(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            bytes: bytes.len() as u64,
            document: None,
            error_text: None,
            status: CallStatus::Ok,
            error_code: None,
            detail: None,
        };
        match found.kind {
            Kind::Output => match parse_output(found.op, &bytes) {
                Ok(document) => {
                    if let Some(token) = document.continuation() {
                        call.status = CallStatus::Incomplete;
                        call.detail = Some(format!(
                            "only the first page was exported (pagination token `{}` left in the file)",
                            shorten(token)
                        ));
                    }
                    call.document = Some(document);
                }
                Err(problem) => problems.push(FileProblem { path, problem }),
            },
            Kind::Failure => call.error_text = Some(String::from_utf8_lossy(&bytes).into_owned()),
            Kind::Document => {}
        }
        staged
            .write_file(&found.relative, &bytes)
            .map_err(|source| CollectError::Io {
                path: root.join(&found.relative),
                source,
            })?;
        calls.push(call);
    }
    Ok(calls)
}

fn parse_output(op: &Operation, bytes: &[u8]) -> Result<Document, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(format!(
            "is empty; `aws {}` always prints JSON",
            op.cli_name()
        ));
    }
    let document = op.shape.parse(bytes).map_err(|e| e.to_string())?;
    document.validate().map_err(|e| e.to_string())?;
    Ok(document)
}

fn shorten(token: &str) -> String {
    if token.chars().count() > 24 {
        format!("{}…", token.chars().take(24).collect::<String>())
    } else {
        token.to_string()
    }
}

/// Every region folder must be a region the account's `ec2
/// describe-regions` lists, where the export holds that answer: a folder
/// named `eu-wset-2` is a typo, and its evidence would be judged as a region
/// of its own while the real one is reported as not exported.
fn check_regions(
    root: &Path,
    accounts: &BTreeMap<String, BTreeSet<String>>,
    calls: &[Call],
    problems: &mut Vec<FileProblem>,
) {
    for (account, folders) in accounts {
        let listed: Option<BTreeSet<&str>> = calls.iter().find_map(|c| match &c.document {
            Some(Document::Regions(r)) if &c.found.account == account => Some(
                r.regions
                    .iter()
                    .filter_map(|r| r.region_name.as_deref())
                    .collect(),
            ),
            _ => None,
        });
        let Some(listed) = listed else { continue };
        for folder in folders.iter().filter(|f| !listed.contains(f.as_str())) {
            problems.push(FileProblem {
                path: root.join(account).join(folder),
                problem: "is not a region this account's `ec2 describe-regions` lists; rename \
                          the folder to the region it holds"
                    .into(),
            });
        }
    }
}

/// A document stored beside an answer (an Artifact report's PDF) must be
/// the one the answer records: its SHA-256 is the only digest there is of
/// it. A document with no answer beside it is not evidence of anything.
fn check_documents(root: &Path, calls: &[Call], problems: &mut Vec<FileProblem>) {
    let same_call = |a: &Found, b: &Found| {
        a.account == b.account
            && a.scope == b.scope
            && std::ptr::eq(a.op, b.op)
            && a.resource == b.resource
    };
    for document in calls.iter().filter(|c| c.found.kind == Kind::Document) {
        let record = calls
            .iter()
            .find(|c| c.found.kind == Kind::Output && same_call(&c.found, &document.found));
        let recorded = record.and_then(|r| r.document.as_ref()?.document_sha256());
        let problem = match (record, recorded) {
            (None, _) => Some(format!(
                "no `{}.json` beside it records this document",
                document.found.resource.as_deref().unwrap_or_default()
            )),
            (Some(_), Some(sha)) if sha.eq_ignore_ascii_case(&document.sha256) => None,
            (Some(_), recorded) => Some(format!(
                "has SHA-256 {}, but its record says {}; download it again",
                document.sha256,
                recorded.unwrap_or("nothing")
            )),
        };
        if let Some(problem) = problem {
            problems.push(FileProblem {
                path: root.join(&document.found.relative),
                problem,
            });
        }
    }
    for record in calls.iter().filter(|c| c.found.kind == Kind::Output) {
        let wants = record.document.as_ref().and_then(Document::document_sha256);
        let beside = calls
            .iter()
            .any(|c| c.found.kind == Kind::Document && same_call(&c.found, &record.found));
        if wants.is_some() && !beside {
            problems.push(FileProblem {
                path: root.join(&record.found.relative),
                problem: "records a document that is not beside it".into(),
            });
        }
    }
}

/// Every account's `sts get-caller-identity` must name the account whose
/// folder it sits in: exports of two accounts must not be mixed.
fn check_accounts(root: &Path, calls: &[Call], problems: &mut Vec<FileProblem>) {
    for call in calls {
        let Some(Document::CallerIdentity(identity)) = &call.document else {
            continue;
        };
        match identity.account.as_deref() {
            Some(account) if account != call.found.account => problems.push(FileProblem {
                path: root.join(&call.found.relative),
                problem: format!(
                    "names account {account}, but sits in the folder of account {}; \
                     keep each account's export in its own folder",
                    call.found.account
                ),
            }),
            _ => {}
        }
    }
}

/// A per-resource answer that names its own resource (a Trusted Advisor
/// result its check, an Artifact record its report) must name the one its
/// file is named after: the file name is what the snapshot files it under,
/// and what the checks look it up by.
fn check_resources(root: &Path, calls: &[Call], problems: &mut Vec<FileProblem>) {
    for call in calls {
        let (Some(named), Some(document)) = (&call.found.resource, &call.document) else {
            continue;
        };
        match document.own_resource() {
            Some((member, inside)) if inside != named => problems.push(FileProblem {
                path: root.join(&call.found.relative),
                problem: format!(
                    "is named after {named}, but its {member} is {inside}; rename it \
                     {inside}.json if it is that one's answer, or export {named} again"
                ),
            }),
            _ => {}
        }
    }
}

/// Turns `.error` files into statuses, now that every account's opt-in
/// regions are known.
fn classify_failures(calls: &mut [Call]) {
    let not_opted_in: BTreeSet<(String, String)> = calls
        .iter()
        .filter_map(|call| match &call.document {
            Some(Document::Regions(regions)) => Some((call.found.account.clone(), regions)),
            _ => None,
        })
        .flat_map(|(account, regions)| {
            regions
                .regions
                .iter()
                .filter(|r| !r.is_enabled())
                .filter_map(|r| r.region_name.clone())
                .map(move |name| (account.clone(), name))
                .collect::<Vec<_>>()
        })
        .collect();
    for call in calls.iter_mut() {
        if let Some(text) = &call.error_text {
            let opt_in =
                not_opted_in.contains(&(call.found.account.clone(), call.found.scope.clone()));
            let failure = classify(text, opt_in);
            tracing::debug!(
                file = call.found.relative,
                status = %failure.status,
                code = failure.code.as_deref().unwrap_or("none"),
                "failed call classified"
            );
            call.status = failure.status;
            call.error_code = failure.code;
            call.detail = Some(failure.message);
        }
    }
}

/// Builds the snapshot description and the log of every expected call.
fn describe(
    scan: &Scan,
    calls: Vec<Call>,
    now: OffsetDateTime,
    source: Source,
    notes: &BTreeMap<String, CallNote>,
) -> (SnapshotInfo, CollectionLog) {
    let mut entries = Vec::new();
    let mut accounts = Vec::new();
    let mut as_of: Option<Timestamp> = None;
    for (account, regions) in &scan.accounts {
        let mine: Vec<&Call> = calls
            .iter()
            .filter(|c| &c.found.account == account)
            .collect();
        let scopes: Vec<&str> = std::iter::once(GLOBAL)
            .chain(regions.iter().map(String::as_str))
            .collect();
        for op in OPERATIONS {
            for scope in scopes
                .iter()
                .filter(|s| (**s == GLOBAL) == (op.scope == Scope::Global))
            {
                expected_calls(account, scope, op, &mine, notes, &mut entries);
            }
        }
        let gaps = region_gaps(&mine, regions, source);
        for gap in &gaps {
            entries.push(gap_entry(account, gap, source));
        }
        // Each account's evidence is as of its own credential report; the
        // snapshot as a whole, as of the latest.
        let account_as_of = mine.iter().find_map(|call| match &call.document {
            Some(Document::CredentialReport(report)) => report.generated_time,
            _ => None,
        });
        as_of = as_of.max(account_as_of);
        let caller_arn = mine.iter().find_map(|c| match &c.document {
            Some(Document::CallerIdentity(identity)) => identity.arn.clone(),
            _ => None,
        });
        accounts.push(AccountScope {
            account_id: account.clone(),
            as_of: account_as_of.map(|t| stamp(t.0)),
            caller_arn,
            regions: regions.iter().cloned().collect(),
            regions_not_collected: gaps,
        });
    }
    let info = SnapshotInfo {
        format: FORMAT.into(),
        tool: Tool::this(),
        source,
        collected_at: stamp(now),
        as_of: stamp(as_of.map_or(now, |t| t.0)),
        accounts,
    };
    let mut skipped = scan.skipped.clone();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    (info, CollectionLog { entries, skipped })
}

/// How far ahead of the collection time evidence may be dated before it is
/// worth a word: a clock in the wrong time zone is hours out, not a day.
const CLOCK_SKEW: time::Duration = time::Duration::days(1);

/// Evidence older than this when the snapshot is written is a year's
/// assessment made from stale evidence.
const STALE_DAYS: i64 = 366;

/// What the user should hear about each account's evidence date, which
/// every age the checks measure is measured to: a date after the snapshot
/// was written (a clock set wrong, or an export of the future), or one over
/// a year before it.
fn dating_warnings(info: &SnapshotInfo, now: OffsetDateTime) -> Vec<String> {
    let written = stamp(now);
    info.accounts
        .iter()
        .filter_map(|account| {
            let text = account.as_of.as_deref()?;
            let as_of = OffsetDateTime::parse(text, &Rfc3339).ok()?;
            let days = (now - as_of).whole_days();
            if as_of > now + CLOCK_SKEW {
                Some(format!(
                    "account {}: its evidence is dated {text} (when its credential report was \
                     generated), after this snapshot was written ({written}); every age is \
                     measured to {text}: check the clocks of the machines involved",
                    account.account_id
                ))
            } else if days > STALE_DAYS {
                Some(format!(
                    "account {}: its evidence is dated {text}, {days} days before this snapshot \
                     was written; every age is measured to {text}, and the bundle is named \
                     after that quarter",
                    account.account_id
                ))
            } else {
                None
            }
        })
        .collect()
}

/// An instant in RFC 3339, UTC, whole seconds.
fn stamp(t: OffsetDateTime) -> String {
    let whole_seconds = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    whole_seconds.format(&Rfc3339).unwrap_or_default()
}

/// The log entries for one operation in one scope: the calls found, and
/// those expected but absent.
fn expected_calls(
    account: &str,
    scope: &str,
    op: &'static Operation,
    calls: &[&Call],
    notes: &BTreeMap<String, CallNote>,
    entries: &mut Vec<LogEntry>,
) {
    let here = |c: &&&Call| {
        c.found.scope == scope
            && c.found.op.service == op.service
            && c.found.op.operation == op.operation
            && c.found.kind != Kind::Document
    };
    match op.cardinality {
        Cardinality::Single => match calls.iter().find(here) {
            Some(call) => entries.push(call_entry(call, notes)),
            None => entries.push(missing(account, scope, op, None)),
        },
        Cardinality::PerResource { listed_by } => {
            let listing = calls.iter().find(|c| {
                c.found.scope == scope
                    && c.found.op.service == op.service
                    && c.found.op.operation == listed_by
            });
            let expected: BTreeSet<String> = listing
                .and_then(|c| c.document.as_ref())
                .map(|d| d.listed_resources().into_iter().collect())
                .unwrap_or_default();
            let mut present = BTreeSet::new();
            let mut found: Vec<&&Call> = calls.iter().filter(here).collect();
            found.sort_by(|a, b| a.found.resource.cmp(&b.found.resource));
            for call in found {
                present.extend(call.found.resource.clone());
                entries.push(call_entry(call, notes));
            }
            for resource in expected.difference(&present) {
                entries.push(missing(account, scope, op, Some(resource.clone())));
            }
        }
        Cardinality::OnRequest { .. } => {
            let mut found: Vec<&&Call> = calls.iter().filter(here).collect();
            found.sort_by(|a, b| a.found.resource.cmp(&b.found.resource));
            entries.extend(found.into_iter().map(|call| call_entry(call, notes)));
        }
    }
}

fn call_entry(call: &Call, notes: &BTreeMap<String, CallNote>) -> LogEntry {
    let found = &call.found;
    let note = notes.get(&found.relative);
    LogEntry {
        account_id: found.account.clone(),
        region: found.scope.clone(),
        service: found.op.service.into(),
        operation: found.op.operation.into(),
        resource: found.resource.clone(),
        status: call.status,
        file: Some(found.relative.clone()),
        sha256: Some(call.sha256.clone()),
        bytes: Some(call.bytes),
        resources: call.document.as_ref().and_then(Document::resource_count),
        error_code: call.error_code.clone(),
        detail: call.detail.clone(),
        pages: note.map(|n| n.pages),
        duration_ms: note.map(|n| n.duration_ms),
        attempts: note.map(|n| n.attempts),
        throttled: note.map(|n| n.throttled).filter(|&n| n > 0),
    }
}

fn missing(account: &str, scope: &str, op: &Operation, resource: Option<String>) -> LogEntry {
    let file = match &resource {
        Some(r) => format!("{}/{}/{r}", op.service, op.operation),
        None => format!("{}/{}", op.service, op.operation),
    };
    LogEntry {
        account_id: account.into(),
        region: scope.into(),
        service: op.service.into(),
        operation: op.operation.into(),
        resource,
        status: CallStatus::Missing,
        file: None,
        sha256: None,
        bytes: None,
        resources: None,
        error_code: None,
        detail: Some(format!("no `{file}.json` or `.error` in the export")),
        pages: None,
        duration_ms: None,
        attempts: None,
        throttled: None,
    }
}

/// Regions the account has but the snapshot does not cover. An enabled one
/// was left out of an export, or, collecting live, not named with
/// `--region` (live collection covers every enabled region otherwise).
fn region_gaps(calls: &[&Call], collected: &BTreeSet<String>, source: Source) -> Vec<RegionGap> {
    let Some(regions) = calls.iter().find_map(|c| match &c.document {
        Some(Document::Regions(r)) => Some(r),
        _ => None,
    }) else {
        return Vec::new();
    };
    let mut gaps: Vec<RegionGap> = regions
        .regions
        .iter()
        .filter_map(|r| Some((r.region_name.clone()?, r.is_enabled())))
        .filter(|(name, _)| !collected.contains(name))
        .map(|(region, enabled)| RegionGap {
            region,
            reason: match (enabled, source) {
                (false, _) => RegionGap::OPT_IN_REGION,
                (true, Source::Exports) => RegionGap::NOT_EXPORTED,
                (true, Source::Live) => RegionGap::NOT_REQUESTED,
            }
            .into(),
        })
        .collect();
    gaps.sort_by(|a, b| a.region.cmp(&b.region));
    gaps.dedup();
    gaps
}

fn gap_entry(account: &str, gap: &RegionGap, source: Source) -> LogEntry {
    let (status, detail) = match (gap.reason.as_str(), source) {
        (RegionGap::OPT_IN_REGION, _) => (
            CallStatus::OptInRegion,
            "an opt-in region this account has not enabled",
        ),
        (_, Source::Exports) => (
            CallStatus::Missing,
            "enabled for the account, but not in the export",
        ),
        (_, Source::Live) => (
            CallStatus::Missing,
            "enabled for the account, but not collected (other regions were named)",
        ),
    };
    LogEntry {
        account_id: account.into(),
        region: gap.region.clone(),
        service: ANY.into(),
        operation: ANY.into(),
        resource: None,
        status,
        file: None,
        sha256: None,
        bytes: None,
        resources: None,
        error_code: None,
        detail: Some(detail.into()),
        pages: None,
        duration_ms: None,
        attempts: None,
        throttled: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for good in [
            "eu-west-2",
            "us-gov-west-1",
            "ap-southeast-5",
            "il-central-1",
            "cn-north-1",
        ] {
            assert!(is_region_name(good), "{good}");
        }
        for bad in [
            "global",
            "eu-west",
            "EU-WEST-2",
            "eu--2",
            "eu-west-x",
            "europe-west-2",
            "eu-west-",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn account_ids() {
        assert!(is_account_id("210987654321"));
        assert!(!is_account_id("21098765432"));
        assert!(!is_account_id("21098765432x"));
    }
}
