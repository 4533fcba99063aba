//! `auditpack diff`: what changed between two bundles of the same
//! accounts, both verified first. Exit 0 compared (and, under
//! `--fail-on regression`, nothing got worse), 1 a regression under
//! `--fail-on regression` or a bundle that does not verify, 2 could not
//! compare (unreadable file, different accounts or signers unless allowed).

use super::report::refuse;
use super::verify::{Signer, clean};
use super::{Global, output};
use anyhow::{Result, bail};
use auditpack::bag;
use auditpack::diff::{self, Drift, text};
use auditpack::report;
use auditpack::sign::Trust;
use auditpack::verify::{UnverifiedBundle, VerifiedBundle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier bundle.
    #[arg(value_name = "OLD.zip")]
    pub old: PathBuf,

    /// The later bundle.
    #[arg(value_name = "NEW.zip")]
    pub new: PathBuf,

    #[command(flatten)]
    pub signer: Signer,

    /// Print the drift as JSON on standard output.
    #[arg(long)]
    pub json: bool,

    /// `regression`: exit 1 when anything got worse: a control, a new
    /// failing finding, a configuration change, a trail or detector
    /// removed, an attestation, or evidence no longer collected.
    #[arg(long, value_name = "WHEN", value_parser = ["regression"])]
    pub fail_on: Option<String>,

    /// List every failing finding present in both bundles, not just their
    /// number.
    #[arg(long)]
    pub persisting: bool,

    /// Compare bundles of different AWS accounts.
    #[arg(long)]
    pub allow_different_accounts: bool,

    /// Compare bundles signed by different keys (both trusted).
    #[arg(long)]
    pub allow_different_signers: bool,
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let trust = args.signer.trust()?;
    if matches!(trust, Trust::Nobody) {
        bail!(
            "diff compares only bundles it has verified, and no signer is trusted\nhelp: name the \
             signer's public key with --key KEY.pub, or --allowed-signers FILE --identity ID"
        );
    }
    if super::bundle::same_file(&args.old, &args.new) {
        output::warning(&format!(
            "`{}` is given twice: a bundle compared with itself shows no change",
            args.old.display()
        ));
    }
    let Some(mut old) = open(&args.old, &trust)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(mut new) = open(&args.new, &trust)? else {
        return Ok(ExitCode::from(1));
    };
    same_accounts(&args, &old, &new)?;
    same_signer(&args, &old, &new)?;
    let old = side(&args.old, &mut old)?;
    let new = side(&args.new, &mut new)?;
    let drift = diff::compare(&old, &new);
    if drift.old.as_of > drift.new.as_of {
        output::warning(&format!(
            "`{}` holds evidence as of {}, later than `{}` ({}): the changes are shown from the \
             first to the second as given",
            args.old.display(),
            clean(&drift.old.as_of),
            args.new.display(),
            clean(&drift.new.as_of)
        ));
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &drift)?;
        writeln!(out)?;
    } else if !global.quiet {
        match print(&mut out, &drift, args.persisting) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        }
    }
    let fail = args.fail_on.is_some() && drift.regression;
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The bundle verified, or `None` once what is wrong has been said.
pub fn open(path: &Path, trust: &Trust) -> Result<Option<VerifiedBundle>> {
    match UnverifiedBundle::open(path)?.verify(trust) {
        Ok(verified) => Ok(Some(verified)),
        Err(report) => {
            refuse(&report, "so it is not compared");
            Ok(None)
        }
    }
}

/// One side of the drift, read from a verified bundle.
pub fn side(path: &Path, bundle: &mut VerifiedBundle) -> Result<diff::Side> {
    let file = path.display().to_string();
    let bag = bundle.report.bag.clone();
    let signer = bundle.report.signer.clone();
    diff::load(bundle, file, bag, signer)
        .map_err(|e| anyhow::anyhow!("cannot compare `{}`: {e}", path.display()))
}

fn field(bundle: &VerifiedBundle, name: &str) -> String {
    clean(bag::field(&bundle.report.info, name).unwrap_or("-"))
}

fn same_accounts(args: &Args, old: &VerifiedBundle, new: &VerifiedBundle) -> Result<()> {
    let (a, b) = (
        field(old, "Auditpack-Accounts"),
        field(new, "Auditpack-Accounts"),
    );
    if a != b && !args.allow_different_accounts {
        bail!(
            "`{}` covers accounts {a}, but `{}` covers accounts {b}: a drift between different \
             accounts is not a quarter's change\nhelp: pass --allow-different-accounts to compare them anyway",
            args.old.display(),
            args.new.display()
        );
    }
    Ok(())
}

fn same_signer(args: &Args, old: &VerifiedBundle, new: &VerifiedBundle) -> Result<()> {
    let (a, b) = (&old.report.signer, &new.report.signer);
    if a != b && !args.allow_different_signers {
        bail!(
            "`{}` is signed by {}, but `{}` by {}\nhelp: pass --allow-different-signers to compare \
             bundles of two trusted signers",
            args.old.display(),
            a.as_deref().unwrap_or("-"),
            args.new.display(),
            b.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

fn print(out: &mut impl Write, drift: &Drift, persisting: bool) -> std::io::Result<()> {
    let side = |s: &diff::SideInfo| {
        format!(
            "{} ({}, evidence as of {})",
            clean(&s.file),
            clean(s.bag.as_deref().unwrap_or("-")),
            clean(&s.as_of)
        )
    };
    writeln!(out, "Changes from {}", side(&drift.old))?;
    writeln!(out, "          to {}", side(&drift.new))?;
    let sections = text::sections(drift, persisting);
    if sections.is_empty() {
        writeln!(out, "\nNothing changed.")?;
    }
    for section in sections {
        writeln!(out, "\n{}", section.title)?;
        for group in &section.groups {
            let indent = if group.heading.is_empty() {
                "  "
            } else {
                writeln!(out, "  {}", group.heading)?;
                "    "
            };
            for line in &group.lines {
                writeln!(out, "{indent}{}", clean(&line.text))?;
            }
        }
    }
    match diff::text::regressions(drift) {
        Some(what) => writeln!(out, "\nRegression: {what}")?,
        None => writeln!(out, "\nNo regression: nothing got worse")?,
    }
    Ok(())
}

/// The changes since `previous` for the summary of the bundle being
/// sealed: from the previous bundle, which must verify under the key
/// signing the new one and cover the same accounts, to the snapshot and
/// assessment folders about to be sealed. When it cannot be compared the
/// section says why, and so does a warning.
pub fn since_previous(
    previous: &Path,
    key: &ssh_key::PrivateKey,
    snapshot: &Path,
    assessment: &Path,
) -> report::Changes {
    let trust = Trust::Key(key.public_key().clone());
    let mut folders = diff::Folders {
        snapshot: snapshot.to_path_buf(),
        assessment: assessment.to_path_buf(),
    };
    let signer = auditpack::sign::fingerprint(key.public_key());
    let bag = auditpack::snapshot::read::read_info(snapshot)
        .ok()
        .map(|info| auditpack::bundle::bag_name(&info));
    let verified = "under the key that signs this one";
    let name = file_name(previous);
    let compared = compare_previous(
        previous,
        &name,
        &trust,
        verified,
        &mut folders,
        Some(signer),
    )
    .map(|drift| {
        let note = quarter_note(&drift, bag.as_deref(), &name);
        changes(&drift, &name, verified.into(), note)
    });
    compared.unwrap_or_else(|why| {
        output::warning(&format!(
            "--previous `{}`: {why}; the summary says its changes could not be shown",
            previous.display()
        ));
        report::Changes::NotCompared {
            previous: name,
            why,
        }
    })
}

/// The changes since `previous` for a summary rendered again from the
/// verified bundle `new`. `previous` must be the bundle `new` records as
/// its previous one, verify under the signers trusted, and cover the same
/// accounts; `None` once a bundle that does not verify has been named.
pub fn since_previous_of(
    previous: &Path,
    trust: &Trust,
    new: &mut VerifiedBundle,
) -> Result<Option<report::Changes>> {
    let recorded = field(new, "Auditpack-Previous-Bundle-SHA256");
    let digest = auditpack::bundle::digest_file(previous)?;
    if recorded != digest {
        let records = if recorded == "none" || recorded == "-" {
            "records no previous bundle (it was sealed without --previous)".to_string()
        } else {
            format!("records the previous bundle SHA-256 {recorded}")
        };
        bail!(
            "the bundle {records}, but `{}` has SHA-256 {digest}: the changes are drawn only \
             since the bundle it is chained to\nhelp: give the bundle sealed as its --previous, or \
             compare any two bundles with `auditpack diff OLD.zip NEW.zip`",
            previous.display()
        );
    }
    let Some(mut old) = open(previous, trust)? else {
        return Ok(None);
    };
    let name = file_name(previous);
    let old_side = side(previous, &mut old)?;
    let new_signer = new.report.signer.clone();
    let new_side = diff::load(new, "this bundle".into(), None, new_signer.clone())
        .map_err(|e| anyhow::anyhow!("cannot compare: {e}"))?;
    if let Err(why) = same_accounts_as_this(&old_side, &new_side) {
        bail!(
            "`{}`: {why}: a drift between different accounts is not a quarter's change",
            previous.display()
        );
    }
    let verified = if old_side.info.signer == new_signer {
        "under the key that signs this one".to_string()
    } else {
        format!(
            "under another trusted key ({}) than the one that signs this bundle",
            old_side.info.signer.as_deref().unwrap_or("-")
        )
    };
    let drift = diff::compare(&old_side, &new_side);
    let note = quarter_note(&drift, new.report.bag.as_deref(), &name);
    Ok(Some(changes(&drift, &name, verified, note)))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A note for the reader when the previous bundle is not of the quarter
/// before this one.
fn quarter_note(drift: &Drift, bag: Option<&str>, previous: &str) -> Option<String> {
    let what = auditpack::verify::chain::quarter_break(drift.old.bag.as_deref(), bag, previous)?;
    Some(format!(
        "The previous bundle is not of the quarter before this one: {what}."
    ))
}

fn changes(drift: &Drift, name: &str, verified: String, note: Option<String>) -> report::Changes {
    report::Changes::Compared {
        previous: name.to_string(),
        previous_bag: drift.old.bag.clone().unwrap_or_default(),
        previous_as_of: drift.old.as_of.clone(),
        regression: text::regressions(drift),
        verified,
        note,
        sections: text::sections(drift, false)
            .into_iter()
            .map(|s| report::ChangeSection {
                title: s.title,
                groups: s
                    .groups
                    .into_iter()
                    .map(|g| report::ChangeGroup {
                        heading: g.heading,
                        lines: g
                            .lines
                            .into_iter()
                            .map(|l| report::ChangeLine {
                                direction: match l.direction {
                                    diff::Direction::Worse => "worse",
                                    diff::Direction::Better => "better",
                                    diff::Direction::Neutral => "neutral",
                                },
                                text: l.text,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn compare_previous(
    previous: &Path,
    name: &str,
    trust: &Trust,
    why_trusted: &str,
    new: &mut dyn diff::Source,
    signer: Option<String>,
) -> Result<Drift, String> {
    let opened = UnverifiedBundle::open(previous).map_err(|e| e.to_string())?;
    let mut bundle = opened.verify(trust).map_err(|report| {
        let first = report.problems.first().map(|p| p.to_string());
        format!(
            "it does not verify {why_trusted} ({})",
            first.unwrap_or_else(|| "not trusted".into())
        )
    })?;
    let bag = bundle.report.bag.clone();
    let old_signer = bundle.report.signer.clone();
    let old =
        diff::load(&mut bundle, name.to_string(), bag, old_signer).map_err(|e| e.to_string())?;
    let new = diff::load(new, "this bundle".into(), None, signer).map_err(|e| e.to_string())?;
    same_accounts_as_this(&old, &new)?;
    Ok(diff::compare(&old, &new))
}

/// Whether a previous bundle covers the accounts of the one it is shown
/// beside, and if not, which each covers.
fn same_accounts_as_this(old: &diff::Side, new: &diff::Side) -> Result<(), String> {
    if old.info.accounts == new.info.accounts {
        return Ok(());
    }
    Err(format!(
        "it covers accounts {}, this bundle {}",
        old.info.accounts.join(" "),
        new.info.accounts.join(" ")
    ))
}
