//! `auditpack bundle`: seal an assessed snapshot into a signed BagIt zip.

use super::assess::Inputs;
use super::{Global, output};
use anyhow::{Context, Result};
use auditpack::bundle::{self, Evidence, Written};
use auditpack::controls::assessment;
use auditpack::snapshot::read::{Snapshot, read_info};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use time::OffsetDateTime;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot folder written by `auditpack collect`.
    #[arg(value_name = "SNAPSHOT")]
    pub snapshot: PathBuf,

    /// Private key to sign with (`auditpack keygen --out KEY`).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,

    /// The bundle to write.
    #[arg(long, value_name = "FILE.zip")]
    pub out: PathBuf,

    /// An assessment of this snapshot written by `auditpack assess`; without
    /// it, the snapshot is assessed now.
    #[arg(long, value_name = "DIR")]
    pub assessment: Option<PathBuf>,

    #[command(flatten)]
    pub inputs: Inputs,

    #[command(flatten)]
    pub seal: Seal,

    /// Replace the bundle if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of sealing, shared by `bundle` and `run`.
#[derive(Debug, clap::Args)]
pub struct Seal {
    /// The previous quarter's bundle: its digest chains this one to it.
    #[arg(long, value_name = "PREV.zip")]
    pub previous: Option<PathBuf>,

    /// The organisation the evidence is about (bag-info Source-Organization).
    #[arg(long, value_name = "NAME")]
    pub organisation: Option<String>,

    /// The bundle's date (YYYY-MM-DD or RFC 3339); by default
    /// SOURCE_DATE_EPOCH, else now. Fixes every time inside the zip.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

impl Seal {
    /// The bundle's date: a zip records times from 1980 to 2107 only.
    pub fn date(&self) -> Result<OffsetDateTime> {
        let date = match &self.date {
            None => super::now()?,
            Some(text) => parse_date(text)?,
        };
        let year = date.to_offset(time::UtcOffset::UTC).year();
        anyhow::ensure!(
            (1980..=2107).contains(&year),
            "the bundle's date {date} is outside what a zip can record (1980 to 2107); check --date or SOURCE_DATE_EPOCH"
        );
        Ok(date)
    }

    /// Checks --previous before any work: an earlier bundle that can be
    /// read, not the one about to be written at `out`.
    pub fn check_previous(&self, out: &Path) -> Result<()> {
        let Some(previous) = self.readable_previous()? else {
            return Ok(());
        };
        anyhow::ensure!(
            !same_file(previous, out),
            "--previous `{}` is the bundle being written, which would replace it\nhelp: copy \
             the previous bundle elsewhere first, or write this quarter to a new --out",
            previous.display()
        );
        Ok(())
    }

    /// Checks --previous before `run` writes anything in the folder `out`:
    /// an earlier bundle that can be read, and not inside the snapshot or
    /// assessment folders the run replaces. Its bundle's name,
    /// `out/auditpack-ACCOUNT-YYYYQn.zip`, is known only once the evidence
    /// is collected; [`Seal::check_previous`] refuses then, before sealing,
    /// a --previous that is that very file.
    pub fn check_previous_in(&self, out: &Path) -> Result<()> {
        let Some(previous) = self.readable_previous()? else {
            return Ok(());
        };
        let inside = previous
            .canonicalize()
            .ok()
            .zip(out.canonicalize().ok())
            .and_then(|(p, o)| p.strip_prefix(o).ok().map(Path::to_path_buf));
        let Some(inside) = inside else {
            return Ok(());
        };
        let mut parts = inside.components().map(|c| c.as_os_str().to_string_lossy());
        let (first, rest) = (parts.next().unwrap_or_default(), parts.next());
        if rest.is_some() && matches!(first.as_ref(), "snapshot" | "assessment") {
            anyhow::bail!(
                "--previous `{}` is inside `{}`, which this run writes\nhelp: copy the previous \
                 bundle out of `{}` first, or write this quarter to a new --out (out/2026q4, then \
                 out/2027q1)",
                previous.display(),
                out.join(first.as_ref()).display(),
                out.display()
            );
        }
        Ok(())
    }

    /// --previous, once it is known to be a file that reads as a zip
    /// archive: a bundle cut short or damaged in copying cannot be chained
    /// to, since its digest, recorded for good, would be of the damage.
    /// One that reads but does not verify is not refused: the summary says
    /// why it was not compared (a key replaced since is ordinary).
    fn readable_previous(&self) -> Result<Option<&Path>> {
        let Some(previous) = self.previous.as_deref() else {
            return Ok(None);
        };
        anyhow::ensure!(
            previous.is_file(),
            "--previous `{}` is not a file",
            previous.display()
        );
        let mut magic = [0u8; 4];
        let is_zip = std::fs::File::open(previous)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
            .is_ok()
            && magic == *b"PK\x03\x04";
        anyhow::ensure!(
            is_zip,
            "--previous `{}` is not a bundle (not a zip file)",
            previous.display()
        );
        let file = std::fs::File::open(previous)
            .with_context(|| format!("cannot read --previous `{}`", previous.display()))?;
        if let Err(e) = zip::ZipArchive::new(std::io::BufReader::new(file)) {
            anyhow::bail!(
                "--previous `{}` cannot be read as a zip archive ({e}): it was cut short or damaged, \
                 and its digest would chain this bundle to the damage\n\
                 help: copy the previous quarter's bundle again from where it is kept, and check \
                 it with `auditpack verify`",
                previous.display()
            );
        }
        Ok(Some(previous))
    }
}

/// Whether two paths name one file (both exist and resolve alike).
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    a.canonicalize()
        .ok()
        .zip(b.canonicalize().ok())
        .is_some_and(|(a, b)| a == b)
}

impl Seal {
    /// Warns when the previous bundle is not of the quarter before the
    /// bundle `bag` about to be sealed, as `verify --chain` would judge
    /// the link. Only a warning: the digest recorded is right whatever the
    /// quarters, and sealing a quarter again (a corrected export) is
    /// ordinary; it is the series handed to an auditor that must follow.
    pub fn warn_quarter(&self, bag: &str) {
        let Some(previous) = &self.previous else {
            return;
        };
        let claimed = auditpack::verify::UnverifiedBundle::open(previous)
            .ok()
            .and_then(|b| b.claimed_bag());
        let name = previous.display().to_string();
        if let Some(what) =
            auditpack::verify::chain::quarter_break(claimed.as_deref(), Some(bag), "--previous")
        {
            output::warning(&format!(
                "--previous `{name}` is not the bundle of the quarter before this one ({bag}): \
                 {what}; its digest is recorded all the same, but `auditpack verify --chain` will \
                 call this link broken\n\
                 help: pass as --previous the bundle of the quarter just before this one"
            ));
        }
    }

    /// Says which bundle `written` is chained to, by the digest its
    /// `bag-info.txt` records (read before sealing, not from the file now).
    pub fn report_chain(&self, written: &Written, global: Global) {
        let (Some(previous), Some(digest)) = (&self.previous, &written.previous_sha256) else {
            return;
        };
        output::status(
            global,
            "Chained",
            &format!("to {} (SHA-256 {digest})", previous.display()),
        );
    }
}

fn parse_date(text: &str) -> Result<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &format)
        .with_context(|| format!("--date `{text}` is neither YYYY-MM-DD nor an RFC 3339 time"))?;
    Ok(date.midnight().assume_utc())
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let loaded = args.inputs.load()?;
    let key = super::private_key("--key", &args.key)?;
    let date = args.seal.date()?;
    args.seal.check_previous(&args.out)?;
    let info = read_info(&args.snapshot)?;
    args.seal.warn_quarter(&bundle::bag_name(&info));
    // The assessment sealed is the one given, checked to be of this
    // snapshot, or one made now (which reads every file of the snapshot
    // into memory; a given one lets sealing stream).
    let made;
    let (assessment_dir, frameworks) = match &args.assessment {
        Some(dir) => {
            let written = assessment::read_written(dir).map_err(anyhow::Error::msg)?;
            let accounts: Vec<String> =
                info.accounts.iter().map(|a| a.account_id.clone()).collect();
            anyhow::ensure!(
                written.accounts == accounts && written.as_of == info.as_of,
                "`{}` assesses accounts {:?} as of {}, not this snapshot ({:?} as of {})\nhelp: assess this \
                 snapshot with `auditpack assess`, or leave out --assessment",
                dir.display(),
                written.accounts,
                written.as_of,
                accounts,
                info.as_of
            );
            anyhow::ensure!(
                written.attestations == 0 || args.inputs.attestations.is_some(),
                "`{}` rests on {} attestations; pass the same --attestations FILE so that they and \
                 their attachments are sealed with it",
                dir.display(),
                written.attestations
            );
            (dir.clone(), written.frameworks)
        }
        None => {
            let snapshot = Snapshot::open(&args.snapshot)?;
            let result = assessment::run(
                &snapshot,
                &loaded.mappings,
                &loaded.approved_images,
                &loaded.attestations,
            );
            made = tempfile::tempdir().context("cannot make a temporary folder")?;
            let dir = made.path().join("assessment");
            result
                .write(&dir, false)
                .with_context(|| format!("cannot write `{}`", dir.display()))?;
            (dir, result.framework_labels())
        }
    };
    let attestations = args
        .inputs
        .attestations
        .as_deref()
        .map(|p| (p, loaded.attestations.as_slice()));
    let evidence = Evidence {
        snapshot_root: &args.snapshot,
        info: &info,
        assessment_dir: &assessment_dir,
        frameworks,
        attestations,
        organisation: args.seal.organisation.clone(),
        previous: args.seal.previous.as_deref(),
        changes: args
            .seal
            .previous
            .as_deref()
            .map(|p| super::diff::since_previous(p, &key, &args.snapshot, &assessment_dir)),
        key: &key,
        demo_key: false,
        date,
    };
    let written = seal(&evidence, &args.out, args.force)?;
    report(&written, &public_key_hint(&args.key), global);
    args.seal.report_chain(&written, global);
    Ok(ExitCode::SUCCESS)
}

/// Seals, turning "already exists" into advice.
pub fn seal(evidence: &Evidence, out: &Path, force: bool) -> Result<Written> {
    bundle::seal(evidence, out, force).map_err(|e| match e {
        bundle::BundleError::Exists(path) => anyhow::anyhow!(
            "`{}` already exists\nhelp: choose another --out, or pass --force to replace it",
            path.display()
        ),
        other => other.into(),
    })
}

/// `KEY.pub`, the file to hand the auditor.
pub fn public_key_hint(key: &Path) -> PathBuf {
    auditpack::sign::public_path(key)
}

/// The status lines after sealing, the report's warnings, and the
/// command for the auditor.
pub fn report(written: &Written, public_key: &Path, global: Global) {
    for warning in &written.warnings {
        output::warning(&format!("data/report/summary.pdf: {warning}"));
    }
    output::status(
        global,
        "Sealed",
        &format!(
            "{} ({} files, {} bytes of evidence) in {}",
            written.name,
            written.files,
            written.bytes,
            written.path.display()
        ),
    );
    output::status(
        global,
        "Signed",
        &format!("by {}", written.signer_fingerprint),
    );
    output::status(
        global,
        "",
        &format!("tag manifest SHA-256 {}", written.tag_manifest_sha256),
    );
    output::status(
        global,
        "Auditor",
        &format!(
            "auditpack verify {} --key {}",
            written.path.display(),
            public_key.display()
        ),
    );
}
