//! The PDF summary of a bundle: what a compliance officer hands over and
//! an auditor reads first.
//!
//! It is drawn from the same data as the bundle's JSON and CSV files (the
//! [`Assessment`] as written, the snapshot's description, the bundle's
//! facts and its file list) and works nothing out again: every status,
//! count and reason is the assessment's. The words are handlebars
//! templates under `templates/report/` ([`wording`]); where things go on
//! the page is Rust ([`blocks`], [`table`], [`chart`]), on A4 pages drawn
//! with printpdf and the DejaVu Sans font built into the binary.
//!
//! The same inputs give the same bytes: nothing reads the clock, and the
//! document's date is the bundle's.
//!
//! A report inside a bundle cannot show the bundle's tag-manifest digest
//! or signature (both cover the report), nor list its own SHA-256; a
//! report rendered later from a verified bundle shows the digest.

mod blocks;
pub mod bundled;
mod canvas;
mod chart;
mod fonts;
mod markup;
mod pdf;
mod table;
mod view;
mod wording;
mod wrap;

use crate::controls::Assessment;
use crate::snapshot::info::SnapshotInfo;
use canvas::{Canvas, LEFT, MUTED, RIGHT, RULE, Style};
use fonts::{Face, Fonts};
use markup::Block;
use serde_json::json;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Where the report sits in a bundle.
pub const REPORT_PATH: &str = "data/report/summary.pdf";

/// What the report is made from.
pub struct Inputs {
    pub assessment: Assessment,
    pub snapshot: SnapshotInfo,
    pub bundle: BundleFacts,
    /// The payload files to index, sorted by path: inside a bundle, every
    /// one but the report itself.
    pub files: Vec<IndexedFile>,
    /// What changed since the previous bundle, when one was named: the
    /// section "Changes since the previous bundle".
    pub changes: Option<Changes>,
}

/// The changes since the previous bundle, as lines ready to read (the
/// drift module makes them; the report only lays them out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    Compared {
        /// The previous bundle's file name, bag name and evidence time.
        previous: String,
        previous_bag: String,
        previous_as_of: String,
        /// What got worse, counted; `None` when nothing did.
        regression: Option<String>,
        /// How the previous bundle was verified: `under the key that
        /// signs this one`.
        verified: String,
        /// Something the reader should weigh, such as a previous bundle
        /// that is not of the quarter before.
        note: Option<String>,
        sections: Vec<ChangeSection>,
    },
    /// The previous bundle was named but could not be compared, and why.
    NotCompared { previous: String, why: String },
}

/// A titled part of the changes, with lines under headings (a framework,
/// a severity; an empty heading for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSection {
    pub title: String,
    pub groups: Vec<ChangeGroup>,
}

/// Lines under one heading: a framework, a severity (`high`, `medium`,
/// `low`), or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeGroup {
    pub heading: String,
    pub lines: Vec<ChangeLine>,
}

/// One change, and which way it goes: `worse`, `better` or `neutral`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    pub direction: &'static str,
    pub text: String,
}

/// What is known of the bundle the report describes.
#[derive(Debug, Clone)]
pub struct BundleFacts {
    /// The bag's name, also its top folder.
    pub name: String,
    /// The zip's file name, for the verify command.
    pub file_name: String,
    pub organisation: Option<String>,
    /// The bundle's date; also the PDF's.
    pub date: OffsetDateTime,
    pub signer_fingerprint: String,
    /// The name under which the signer was trusted, when verified.
    pub trusted_as: Option<String>,
    /// The bundle's statement that a demo key signed it, if one did.
    pub demo_key: Option<String>,
    /// The previous bundle's SHA-256, or `none`.
    pub previous_bundle: String,
    /// Known only once the bundle is sealed: `None` inside the bundle.
    pub tag_manifest_sha256: Option<String>,
}

/// One payload file of the evidence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedFile {
    /// `data/...`
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// A rendered report.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// What a reader should be told, such as characters the font lacks.
    pub warnings: Vec<String>,
}

/// The report could not be made: a template or font problem, a bug rather
/// than bad data.
#[derive(Debug, thiserror::Error)]
#[error("cannot render the PDF report: {0}")]
pub struct ReportError(String);

/// Renders the report of `inputs`.
pub fn render(inputs: &Inputs) -> Result<Rendered, ReportError> {
    let fonts = Fonts::load().map_err(ReportError)?;
    let wording = wording::Wording::new().map_err(ReportError)?;
    let mut data = view::context(inputs);
    let mut sections = wording::SECTIONS
        .iter()
        .map(|(name, _)| wording.section(name, &data))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ReportError)?;

    // Characters the font lacks are said in the section on what could not
    // be shown, once all the text is known.
    let unshown = unshown(&sections, &fonts);
    let mut warnings = Vec::new();
    if !unshown.is_empty() {
        let list = unshown_list(&unshown);
        let count: usize = unshown.values().sum();
        data["unshown"] =
            json!({ "count": count, "characters": list, "placeholder": fonts::PLACEHOLDER });
        let gaps = wording::SECTIONS.iter().position(|(n, _)| *n == "gaps");
        if let Some(at) = gaps {
            sections[at] = wording.section("gaps", &data).map_err(ReportError)?;
        }
        warnings.push(format!(
            "the report's font cannot show {count} character{} ({list}); they appear as {} and the \
             report says so",
            if count == 1 { "" } else { "s" },
            fonts::PLACEHOLDER
        ));
    }

    let mut canvas = Canvas::new(&fonts);
    for blocks in &sections {
        blocks::lay_out(&mut canvas, blocks).map_err(ReportError)?;
    }
    let mut pages = canvas.into_pages();
    footers(&mut pages, &fonts, &wording, &data).map_err(ReportError)?;
    let count = pages.len();
    let title = format!("Cloud security assessment: {}", inputs.bundle.name);
    let info = pdf::Info {
        title: &title,
        subject: &inputs.assessment.accounts.join(", "),
        producer: format!("auditpack {}", env!("CARGO_PKG_VERSION")),
        date: inputs.bundle.date.unix_timestamp(),
    };
    let pdf = pdf::save(pages, &fonts, &info).map_err(ReportError)?;
    Ok(Rendered {
        pdf,
        pages: count,
        warnings,
    })
}

/// Every character of the sections' text the font cannot draw, with how
/// often it occurs.
fn unshown(sections: &[Vec<Block>], fonts: &Fonts) -> BTreeMap<char, usize> {
    let mut found = BTreeMap::new();
    for block in sections.iter().flatten() {
        block.each_text(&mut |text: &str| {
            for c in text.chars().filter(|c| *c != '\n' && !fonts.has(*c)) {
                *found.entry(c).or_insert(0) += 1;
            }
        });
    }
    found
}

/// `U+672C, U+756A` (at most 40, then a count of the rest).
fn unshown_list(found: &BTreeMap<char, usize>) -> String {
    let mut list: Vec<String> = found
        .keys()
        .take(40)
        .map(|c| format!("U+{:04X}", u32::from(*c)))
        .collect();
    if found.len() > 40 {
        list.push(format!("and {} more", found.len() - 40));
    }
    list.join(", ")
}

/// "page X of Y" and the bag's name at the foot of every page.
fn footers(
    pages: &mut [Vec<printpdf::Op>],
    fonts: &Fonts,
    wording: &wording::Wording,
    data: &serde_json::Value,
) -> Result<(), String> {
    const FOOT: Style = Style::new(Face::Regular, 7.5, MUTED);
    let total = pages.len();
    // Only what a footer may show: handlebars copies its data on every
    // render, and the whole report's would make this quadratic.
    let mut data = json!({ "bundle": data["bundle"], "snapshot": data["snapshot"] });
    for (index, ops) in pages.iter_mut().enumerate() {
        data["page"] = json!(index + 1);
        data["pages"] = json!(total);
        let (left, right) = wording.footer(&data)?;
        let y = canvas::BOTTOM - 22.0;
        canvas::rule_ops(ops, LEFT, RIGHT, y + 11.0, RULE, 0.5);
        canvas::text_ops(ops, fonts, LEFT, y, FOOT, &left);
        let width = fonts.width(FOOT.face, FOOT.size, &right);
        canvas::text_ops(ops, fonts, RIGHT - width, y, FOOT, &right);
    }
    Ok(())
}
