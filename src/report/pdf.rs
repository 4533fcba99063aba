//! Turning drawn pages into PDF bytes that depend on nothing but the
//! report: fonts under fixed names, the document's dates set from the
//! bundle's date, and the file identifier derived from the content.
//!
//! printpdf would otherwise name fonts and the file with a pseudo-random
//! counter that runs on through the whole process, and stamp the
//! identifier per save; the clock it never reads.

use super::canvas::{PAGE_HEIGHT, PAGE_WIDTH};
use super::fonts::{Face, Fonts};
use printpdf::{Mm, Op, PdfDocument, PdfFont, PdfPage, PdfSaveOptions, Pt};
use sha2::{Digest, Sha256};

/// The document's title, author line and date.
pub struct Info<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    pub producer: String,
    /// Seconds since 1970: the bundle's date.
    pub date: i64,
}

/// Stands for the file identifier until the content is known; as long as
/// the identifier that replaces it, so no byte offset moves.
const ID_PLACEHOLDER: &str = "00000000000000000000000000000000";

/// The PDF of `pages`, with both fonts embedded as subsets.
pub fn save(pages: Vec<Vec<Op>>, fonts: &Fonts, info: &Info) -> Result<Vec<u8>, String> {
    let mut doc = PdfDocument::new(info.title);
    let date = printpdf::DateTime::from_unix_timestamp(info.date)
        .map_err(|e| format!("the report's date: {e}"))?;
    let meta = &mut doc.metadata.info;
    meta.creation_date = date;
    meta.modification_date = date;
    meta.metadata_date = date;
    meta.subject = info.subject.to_string();
    meta.creator = info.producer.clone();
    meta.producer = info.producer.clone();
    for face in [Face::Regular, Face::Bold] {
        let font = PdfFont::new(fonts.parsed(face).clone());
        doc.resources.fonts.map.insert(face.id(), font);
    }
    let (width, height) = (Mm::from(Pt(PAGE_WIDTH)), Mm::from(Pt(PAGE_HEIGHT)));
    doc.with_pages(
        pages
            .into_iter()
            .map(|ops| PdfPage::new(width, height, ops))
            .collect(),
    );

    let mut warnings = Vec::new();
    let mut lopdf = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    for warning in &warnings {
        tracing::debug!("printpdf: {}", warning.msg);
    }
    lopdf.compress();
    let placeholder = || printpdf_id(ID_PLACEHOLDER);
    lopdf.trailer.set(
        "ID",
        lopdf::Object::Array(vec![placeholder(), placeholder()]),
    );
    let mut bytes = Vec::new();
    lopdf
        .save_to(&mut bytes)
        .map_err(|e| format!("writing the PDF: {e}"))?;
    stamp_identifier(&mut bytes);
    Ok(bytes)
}

fn printpdf_id(text: &str) -> lopdf::Object {
    lopdf::Object::String(text.as_bytes().to_vec(), lopdf::StringFormat::Literal)
}

/// Replaces the placeholder identifier in the trailer with the first 32
/// hex digits of the SHA-256 of the file as written.
fn stamp_identifier(bytes: &mut [u8]) {
    let id = hex::encode(Sha256::digest(&*bytes));
    let id = &id.as_bytes()[..ID_PLACEHOLDER.len()];
    let needle = ID_PLACEHOLDER.as_bytes();
    let tail = bytes.len().saturating_sub(4096);
    let mut at = tail;
    while let Some(found) = bytes[at..].windows(needle.len()).position(|w| w == needle) {
        let start = at + found;
        bytes[start..start + needle.len()].copy_from_slice(id);
        at = start + needle.len();
    }
}
