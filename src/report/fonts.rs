//! The report's typeface: DejaVu Sans, regular and bold, shipped in
//! `assets/fonts/` with its licence (the Bitstream Vera licence, which
//! allows embedding) and built into the binary, so a report looks the same
//! on every machine and needs no font installed.
//!
//! DejaVu covers Latin, Greek, Cyrillic and most symbols, but no Chinese,
//! Japanese or Korean. A character the font lacks is drawn as
//! [`PLACEHOLDER`], never dropped, and the report lists it.

use printpdf::{FontId, ParsedFont, PdfFontHandle};
use std::borrow::Cow;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Drawn in place of a character the font has no glyph for.
pub const PLACEHOLDER: &str = "[?]";

/// Characters below this are measured once, at load; others on demand.
const TABLE: usize = 0x3000;

/// A weight of the typeface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

impl Face {
    /// The font's name in the PDF. Fixed rather than printpdf's random
    /// one, so that the same report gives the same bytes; its first six
    /// letters become the subset tag (`DJVSAR+DejaVuSans`).
    pub fn id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "DJVSAR",
                Face::Bold => "DJVSAB",
            }
            .to_string(),
        )
    }

    pub fn handle(self) -> PdfFontHandle {
        PdfFontHandle::External(self.id())
    }
}

/// Both weights, parsed, with their advance widths.
pub struct Fonts {
    regular: Metrics,
    bold: Metrics,
}

struct Metrics {
    font: ParsedFont,
    /// Advance in ems per character below [`TABLE`]; `None` when the
    /// font has no glyph.
    widths: Vec<Option<f32>>,
    units_per_em: f32,
}

impl Metrics {
    fn load(bytes: &[u8], name: &str) -> Result<Metrics, String> {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| format!("the built-in font {name} cannot be read"))?;
        let units_per_em = f32::from(font.font_metrics.units_per_em.max(1));
        let mut metrics = Metrics {
            font,
            widths: Vec::new(),
            units_per_em,
        };
        metrics.widths = (0..TABLE as u32)
            .map(|c| char::from_u32(c).and_then(|c| metrics.lookup(c)))
            .collect();
        Ok(metrics)
    }

    fn lookup(&self, c: char) -> Option<f32> {
        let glyph = self.font.lookup_glyph_index(c as u32).filter(|g| *g != 0)?;
        Some(f32::from(self.font.get_horizontal_advance(glyph)) / self.units_per_em)
    }

    fn em(&self, c: char) -> Option<f32> {
        match self.widths.get(c as usize) {
            Some(width) => *width,
            None => self.lookup(c),
        }
    }
}

impl Fonts {
    /// Parses the built-in fonts.
    pub fn load() -> Result<Fonts, String> {
        Ok(Fonts {
            regular: Metrics::load(REGULAR, "DejaVuSans.ttf")?,
            bold: Metrics::load(BOLD, "DejaVuSans-Bold.ttf")?,
        })
    }

    fn metrics(&self, face: Face) -> &Metrics {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The parsed font of `face`, to embed.
    pub fn parsed(&self, face: Face) -> &ParsedFont {
        &self.metrics(face).font
    }

    /// Whether both weights can draw `c`.
    pub fn has(&self, c: char) -> bool {
        !c.is_control() && self.regular.em(c).is_some() && self.bold.em(c).is_some()
    }

    /// The advance of `c` in points at `size`, as drawn (a missing
    /// character is measured as its placeholder).
    pub fn char_width(&self, face: Face, size: f32, c: char) -> f32 {
        let metrics = self.metrics(face);
        match metrics.em(c) {
            Some(em) if !c.is_control() => em * size,
            _ => PLACEHOLDER
                .chars()
                .map(|p| metrics.em(p).unwrap_or(0.5) * size)
                .sum(),
        }
    }

    /// The width of `text` in points at `size`.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.char_width(face, size, c)).sum()
    }

    /// `text` as it can be drawn: each character the font lacks (and any
    /// control character) becomes [`PLACEHOLDER`].
    pub fn shown<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if text.chars().all(|c| self.has(c)) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if self.has(c) {
                out.push(c);
            } else {
                out.push_str(PLACEHOLDER);
            }
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_accents_and_typographic_quotes_are_drawn_but_cjk_is_replaced() {
        let fonts = Fonts::load().unwrap();
        let name = "José Müller — “prod”";
        assert_eq!(fonts.shown(name), name);
        assert_eq!(fonts.shown("本番-web"), "[?][?]-web");
        assert!(fonts.width(Face::Bold, 10.0, "abc") > fonts.width(Face::Regular, 10.0, "abc"));
        assert!(fonts.char_width(Face::Regular, 10.0, '本') > 10.0);
    }
}
