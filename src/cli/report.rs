//! `auditpack report`: the PDF summary of a bundle, rendered again from
//! the bundle after verifying it, with the bundle's tag-manifest digest
//! on its cover. An unverified bundle gets no report (exit 1).

use super::verify::{Signer, clean};
use super::{Global, output};
use anyhow::{Context, Result, bail};
use auditpack::report::{self, bundled};
use auditpack::verify::UnverifiedBundle;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle to report on.
    #[arg(value_name = "FILE.zip")]
    pub bundle: PathBuf,

    /// The PDF to write.
    #[arg(long, value_name = "summary.pdf")]
    pub out: PathBuf,

    #[command(flatten)]
    pub signer: Signer,

    /// The previous quarter's bundle, to draw "Changes since the previous
    /// bundle" again: the one this bundle records as its previous, which
    /// must verify under the signers trusted.
    #[arg(long, value_name = "PREV.zip")]
    pub previous: Option<PathBuf>,

    /// Replace the PDF if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, global: Global) -> Result<ExitCode> {
    let trust = args.signer.trust()?;
    check_out(&args.out, args.force)?;
    if let Some(previous) = &args.previous {
        anyhow::ensure!(
            previous.is_file(),
            "--previous `{}` is not a file",
            previous.display()
        );
    }
    let bundle = UnverifiedBundle::open(&args.bundle)?;
    let mut verified = match bundle.verify(&trust) {
        Ok(verified) => verified,
        Err(report) => {
            refuse(&report, "so no report is made");
            return Ok(ExitCode::from(1));
        }
    };
    let file_name = args
        .bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut inputs = bundled::inputs(&mut verified, &file_name)
        .map_err(anyhow::Error::msg)
        .with_context(|| {
            format!(
                "cannot read the report's data from `{}`",
                args.bundle.display()
            )
        })?;
    if let Some(previous) = &args.previous {
        match super::diff::since_previous_of(previous, &trust, &mut verified)? {
            Some(changes) => inputs.changes = Some(changes),
            None => return Ok(ExitCode::from(1)),
        }
    }
    let rendered = report::render(&inputs)?;
    write_atomically(&args.out, &rendered.pdf, args.force)?;
    for warning in &rendered.warnings {
        output::warning(warning);
    }
    output::status(
        global,
        "Wrote",
        &format!(
            "report of {} ({} pages) to {}",
            clean(&inputs.bundle.name),
            rendered.pages,
            args.out.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// Refuses before any work to overwrite a file without --force, or with
/// it anything but a PDF.
fn check_out(out: &Path, force: bool) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !force {
        bail!(
            "`{}` already exists\nhelp: choose another --out, or pass --force to replace it",
            out.display()
        );
    }
    let mut magic = [0u8; 5];
    let is_pdf = std::fs::File::open(out)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && magic == *b"%PDF-";
    if !is_pdf {
        bail!(
            "`{}` exists and is not a PDF; --force replaces only an earlier report",
            out.display()
        );
    }
    Ok(())
}

/// What is wrong with the bundle, on standard error, and what is
/// therefore not done.
pub fn refuse(report: &auditpack::verify::Report, consequence: &str) {
    let mut stderr = std::io::stderr().lock();
    let n = report.problems.len();
    let _ = writeln!(
        stderr,
        "error: `{}` does not verify, {consequence} ({n} problem{})",
        clean(&report.file.display().to_string()),
        if n == 1 { "" } else { "s" }
    );
    for problem in report.problems.iter().take(20) {
        let _ = writeln!(
            stderr,
            "  {}: {}",
            clean(&problem.path),
            clean(&problem.what)
        );
    }
    if n > 20 {
        let _ = writeln!(
            stderr,
            "  … and {} more (auditpack verify --json lists them all)",
            n - 20
        );
    }
    if report.problems.is_empty() && report.trusted_as.is_none() {
        let _ = writeln!(
            stderr,
            "help: name the signer's public key with --key KEY.pub, or --allowed-signers FILE --identity ID"
        );
    }
}

/// Writes `bytes` to a temporary file beside `out`, then renames it into
/// place, so a reader never sees half a PDF.
fn write_atomically(out: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".auditpack-report-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", temp.path().display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let readable = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(temp.path(), readable)
            .with_context(|| format!("cannot write `{}`", temp.path().display()))?;
    }
    let persisted = if force {
        temp.persist(out).map(|_| ())
    } else {
        temp.persist_noclobber(out).map(|_| ())
    };
    persisted
        .map_err(|e| anyhow::Error::new(e.error))
        .with_context(|| format!("cannot write `{}`", out.display()))
}
