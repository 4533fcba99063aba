//! Laying out the blocks of the wording templates, one after another,
//! down the pages: sizes, spacing and colours of the type hierarchy.

use super::canvas::{ACCENT, Canvas, INK, LEFT, MUTED, RIGHT, RULE, Style, WIDTH, status_colour};
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
            Block::Field(label, value) => field(canvas, label, value),
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

/// The height that must follow a heading on its page: any paragraphs up to
/// a table, and the table's header and first row; at least a few lines.
fn kept(canvas: &Canvas, rest: &[Block]) -> f32 {
    let fonts = canvas.fonts;
    let mut height = 0.0;
    for block in rest {
        match block {
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

/// A label and its value side by side, with a hairline under them.
fn field(canvas: &mut Canvas, label: &str, value: &str) {
    let fonts = canvas.fonts;
    let wrap_in = |text: &str, style: Style, width: f32| {
        wrap(text, width, |c| fonts.char_width(style.face, style.size, c))
    };
    let labels = wrap_in(label, LABEL, LABEL_WIDTH - 6.0);
    let values = wrap_in(value, BODY, WIDTH - LABEL_WIDTH);
    let line = BODY.line_height();
    let height = labels.len().max(values.len()) as f32 * line + 6.0;
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
    let style = Style::new(Face::Bold, 9.5, colour);
    canvas.need(style.line_height() + 4.0);
    let baseline = canvas.y - style.ascent();
    canvas.fill(LEFT, baseline - 0.5, 8.0, 8.0, colour);
    canvas.text(LEFT + 13.0, baseline, style, text);
    canvas.y -= style.line_height() + 4.0;
}
