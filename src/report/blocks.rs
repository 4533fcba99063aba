//! Laying out the blocks of the wording templates, one after another,
//! down the pages: sizes, spacing and colours of the type hierarchy.

use super::canvas::{
    ACCENT, BOTTOM, Canvas, INK, LEFT, MUTED, RIGHT, RULE, Style, TOP, WIDTH, status_colour,
};
use super::fonts::Face;
use super::markup::Block;
use super::wrap::wrap;
use super::{chart, table};

const TITLE: Style = Style::new(Face::Bold, 24.0, ACCENT);
const SUBTITLE: Style = Style::new(Face::Regular, 13.0, MUTED);
const HEADING: Style = Style::new(Face::Bold, 15.0, ACCENT);
const SUBHEADING: Style = Style::new(Face::Bold, 11.0, INK);
pub const BODY: Style = Style::new(Face::Regular, 9.0, INK);
const SMALL: Style = Style::new(Face::Regular, 7.8, MUTED);
const LABEL: Style = Style::new(Face::Bold, 8.3, MUTED);
/// A status line's type; its colour is the status's.
const STATUS: Style = Style::new(Face::Bold, 9.5, INK);
/// The width of a field's label column: it leaves the value room for a
/// SHA-256 in hex (64 characters) on one line.
const LABEL_WIDTH: f32 = 110.0;

/// Draws `blocks` from the canvas's cursor on.
pub fn lay_out(canvas: &mut Canvas, blocks: &[Block]) -> Result<(), String> {
    let mut legend: Vec<String> = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        match block {
            Block::Title(text) => {
                canvas.y -= 70.0;
                lines(canvas, text, TITLE, 0.0, 4.0);
            }
            Block::Subtitle(text) => lines(canvas, text, SUBTITLE, 0.0, 18.0),
            Block::Heading(text) => heading(canvas, text, kept(canvas, &blocks[index + 1..])),
            Block::Subheading(text) => subheading(canvas, text, kept(canvas, &blocks[index + 1..])),
            Block::Paragraph(text) => lines(canvas, text, BODY, 0.0, 6.0),
            Block::Small(text) => lines(canvas, text, SMALL, 0.0, 5.0),
            Block::Field(label, value) => {
                let first = index == 0 || !matches!(blocks[index - 1], Block::Field(..));
                if first {
                    keep_record(canvas, &blocks[index..]);
                }
                field(canvas, label, value)
            }
            Block::Status(status, text) => status_line(canvas, status, text),
            Block::Legend(labels) => legend = labels.clone(),
            Block::Bar(label, counts) => chart::bar(canvas, label, counts, &legend)?,
            Block::Table(t) => table::draw(canvas, t)?,
            Block::Page => {
                if !canvas.at_top() {
                    canvas.new_page();
                }
            }
            Block::Gap => canvas.y -= 8.0,
        }
    }
    Ok(())
}

/// Wrapped lines of `text` at `indent`, then `after` points of space.
pub fn lines(canvas: &mut Canvas, text: &str, style: Style, indent: f32, after: f32) {
    let fonts = canvas.fonts;
    let measure = |c| fonts.char_width(style.face, style.size, c);
    for line in wrap(text, WIDTH - indent, measure) {
        canvas.need(style.line_height());
        let baseline = canvas.y - style.ascent();
        canvas.text(LEFT + indent, baseline, style, &line);
        canvas.y -= style.line_height();
    }
    canvas.y -= after;
}

/// The height that must follow a heading on its page: any paragraphs and
/// status lines up to a table or a record of fields, and the table's
/// header and first row or the whole record (when that fits on a page);
/// at least a few lines.
fn kept(canvas: &Canvas, rest: &[Block]) -> f32 {
    let fonts = canvas.fonts;
    let mut height = 0.0;
    for (index, block) in rest.iter().enumerate() {
        match block {
            Block::Status(..) => height += STATUS.line_height() + 4.0,
            Block::Field(..) => {
                let record = record_height(canvas, &rest[index..]);
                // A record taller than a page is split wherever it falls.
                let page = TOP - BOTTOM - 60.0;
                return if height + record <= page {
                    height + record
                } else {
                    height.max(50.0)
                };
            }
            Block::Paragraph(text) | Block::Small(text) => {
                let style = if matches!(block, Block::Small(_)) {
                    SMALL
                } else {
                    BODY
                };
                let lines =
                    wrap(text, WIDTH, |c| fonts.char_width(style.face, style.size, c)).len();
                height += lines as f32 * style.line_height() + 6.0;
            }
            Block::Table(table) => return height + table::lead(canvas, table),
            _ => break,
        }
    }
    height.max(50.0)
}

/// A section heading with a rule under it, kept with what follows.
fn heading(canvas: &mut Canvas, text: &str, keep: f32) {
    canvas.need(HEADING.line_height() + 27.0 + keep.max(43.0));
    if !canvas.at_top() {
        canvas.y -= 14.0;
    }
    lines(canvas, text, HEADING, 0.0, 0.0);
    canvas.y -= 3.0;
    canvas.rule(LEFT, RIGHT, canvas.y, ACCENT, 0.8);
    canvas.y -= 10.0;
}

fn subheading(canvas: &mut Canvas, text: &str, keep: f32) {
    canvas.need(SUBHEADING.line_height() + 12.0 + keep);
    if !canvas.at_top() {
        canvas.y -= 8.0;
    }
    lines(canvas, text, SUBHEADING, 0.0, 4.0);
}

/// A run of fields is one record (an attestation, the facts of a
/// bundle): it moves to the next page whole when it does not fit, unless
/// it is taller than a page.
fn keep_record(canvas: &mut Canvas, rest: &[Block]) {
    let height = record_height(canvas, rest);
    if height <= TOP - BOTTOM {
        canvas.need(height);
    }
}

/// The height of the fields at the start of `rest`.
fn record_height(canvas: &Canvas, rest: &[Block]) -> f32 {
    rest.iter()
        .map_while(|b| match b {
            Block::Field(label, value) => Some(field_lines(canvas, label, value).2),
            _ => None,
        })
        .sum()
}

/// A field's label lines, value lines and height.
fn field_lines(canvas: &Canvas, label: &str, value: &str) -> (Vec<String>, Vec<String>, f32) {
    let fonts = canvas.fonts;
    let wrap_in = |text: &str, style: Style, width: f32| {
        wrap(text, width, |c| fonts.char_width(style.face, style.size, c))
    };
    let labels = wrap_in(label, LABEL, LABEL_WIDTH - 6.0);
    let values = wrap_in(value, BODY, WIDTH - LABEL_WIDTH);
    let height = labels.len().max(values.len()) as f32 * BODY.line_height() + 6.0;
    (labels, values, height)
}

/// A label and its value side by side, with a hairline under them.
fn field(canvas: &mut Canvas, label: &str, value: &str) {
    let (labels, values, height) = field_lines(canvas, label, value);
    let line = BODY.line_height();
    canvas.need(height);
    let top = canvas.y - 3.0;
    for (i, text) in labels.iter().enumerate() {
        let baseline = top - BODY.ascent() - i as f32 * line;
        canvas.text(LEFT, baseline, LABEL, text);
    }
    for (i, text) in values.iter().enumerate() {
        let baseline = top - BODY.ascent() - i as f32 * line;
        canvas.text(LEFT + LABEL_WIDTH, baseline, BODY, text);
    }
    canvas.y -= height;
    canvas.rule(LEFT, RIGHT, canvas.y, RULE, 0.4);
}

/// A square in the status's colour, then the text in it, bold.
fn status_line(canvas: &mut Canvas, status: &str, text: &str) {
    let colour = status_colour(status).unwrap_or(INK);
    let style = Style { colour, ..STATUS };
    canvas.need(style.line_height() + 4.0);
    let baseline = canvas.y - style.ascent();
    canvas.fill(LEFT, baseline - 0.5, 8.0, 8.0, colour);
    canvas.text(LEFT + 13.0, baseline, style, text);
    canvas.y -= style.line_height() + 4.0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fonts::Fonts;
    use crate::report::table::tests::texts;

    #[test]
    fn made_and_expiry_and_attachment_move_with_the_rest_of_their_attestation() {
        let fonts = Fonts::load().unwrap();
        let mut canvas = Canvas::new(&fonts);
        // Room for three fields, not five.
        canvas.y = BOTTOM + 3.0 * (BODY.line_height() + 6.0) + 2.0;
        let field = |l: &str, v: &str| Block::Field(l.into(), v.into());
        let blocks = [
            Block::Gap,
            field("Attested by", "J. Okafor, CISO"),
            field("Controls", "iso27001:5.1"),
            field("Statement", "Implemented: policies are reviewed"),
            field("Made and expiry", "made 2026-06-01, expires 2027-06-01"),
            field("Attachment", "none"),
        ];
        lay_out(&mut canvas, &blocks).unwrap();
        let pages = canvas.into_pages();
        assert_eq!(pages.len(), 2);
        assert!(texts(&pages[0]).is_empty(), "{:?}", texts(&pages[0]));
        let second = texts(&pages[1]);
        assert_eq!(second.first().map(String::as_str), Some("Attested by"));
        assert!(second.iter().any(|t| t == "Attachment"), "{second:?}");
    }
}
