//! The page being drawn: A4 pages of printpdf operations, a cursor that
//! moves down the page, and the few drawing primitives the report uses.
//! Everything that decides where things go is here and in the modules
//! that use it; nothing here chooses words.

use super::fonts::{Face, Fonts};
use printpdf::{Color, Line, LinePoint, Op, PaintMode, Point, Pt, Rect, Rgb, TextItem};

/// A4 in points (210 × 297 mm).
pub const PAGE_WIDTH: f32 = 595.276;
pub const PAGE_HEIGHT: f32 = 841.89;
/// 20 mm margins left and right, 18 mm at the top; the footer sits in
/// the bottom margin.
pub const LEFT: f32 = 56.69;
pub const RIGHT: f32 = PAGE_WIDTH - LEFT;
pub const TOP: f32 = PAGE_HEIGHT - 51.0;
pub const BOTTOM: f32 = 64.0;
/// The width text and tables fill.
pub const WIDTH: f32 = RIGHT - LEFT;

/// A colour as red, green and blue from 0 to 1.
pub type Colour = (f32, f32, f32);

pub const INK: Colour = (0.13, 0.14, 0.16);
pub const MUTED: Colour = (0.40, 0.42, 0.45);
pub const ACCENT: Colour = (0.11, 0.25, 0.42);
pub const RULE: Colour = (0.80, 0.81, 0.83);
pub const HEADER_FILL: Colour = (0.90, 0.92, 0.94);
pub const STRIPE: Colour = (0.965, 0.969, 0.975);
pub const WHITE: Colour = (1.0, 1.0, 1.0);

/// The muted colour of a status: fail red, pass green, incomplete (and
/// not assessed) amber, manual grey. `None` for anything else.
pub fn status_colour(status: &str) -> Option<Colour> {
    match status {
        "pass" => Some((0.23, 0.53, 0.32)),
        "fail" => Some((0.74, 0.22, 0.20)),
        "incomplete" | "not-assessed" => Some((0.82, 0.56, 0.12)),
        "manual" => Some((0.50, 0.51, 0.54)),
        "not-applicable" => Some((0.70, 0.71, 0.73)),
        _ => None,
    }
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub colour: Colour,
}

impl Style {
    pub const fn new(face: Face, size: f32, colour: Colour) -> Style {
        Style { face, size, colour }
    }

    /// The distance from one baseline to the next.
    pub fn line_height(&self) -> f32 {
        self.size * 1.32
    }

    /// From the top of a line box down to its baseline.
    pub fn ascent(&self) -> f32 {
        self.size * 0.98
    }
}

/// Pages drawn so far, and where the next block goes on the last one.
pub struct Canvas<'f> {
    pub fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    /// The top of the free space on the current page, in points from the
    /// bottom edge.
    pub y: f32,
}

impl<'f> Canvas<'f> {
    pub fn new(fonts: &'f Fonts) -> Canvas<'f> {
        Canvas {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Whether nothing has been drawn below the top margin yet.
    pub fn at_top(&self) -> bool {
        self.y >= TOP - 0.01
    }

    /// The height left on the page.
    pub fn room(&self) -> f32 {
        self.y - BOTTOM
    }

    /// Starts a new page unless `height` fits (or the page is empty).
    pub fn need(&mut self, height: f32) {
        if height > self.room() && !self.at_top() {
            self.new_page();
        }
    }

    /// Each page's operations, to add footers to and save.
    pub fn into_pages(self) -> Vec<Vec<Op>> {
        self.pages
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Text with its baseline at `baseline`, starting at `x`.
    pub fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        let fonts = self.fonts;
        text_ops(self.ops(), fonts, x, baseline, style, text);
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, baseline: f32, style: Style, text: &str) {
        let width = self.fonts.width(style.face, style.size, text);
        self.text(right - width, baseline, style, text);
    }

    /// A filled rectangle, `y` being its bottom edge.
    pub fn fill(&mut self, x: f32, y: f32, width: f32, height: f32, colour: Colour) {
        fill_ops(self.ops(), x, y, width, height, colour);
    }

    /// A horizontal rule from `x1` to `x2` at `y`.
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, colour: Colour, thickness: f32) {
        rule_ops(self.ops(), x1, x2, y, colour, thickness);
    }
}

fn rgb((r, g, b): Colour) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

pub fn text_ops(ops: &mut Vec<Op>, fonts: &Fonts, x: f32, baseline: f32, style: Style, text: &str) {
    if text.is_empty() {
        return;
    }
    let shown = fonts.shown(text).into_owned();
    ops.extend([
        Op::SetFillColor {
            col: rgb(style.colour),
        },
        Op::StartTextSection,
        Op::SetTextCursor {
            pos: Point {
                x: Pt(x),
                y: Pt(baseline),
            },
        },
        Op::SetFont {
            font: style.face.handle(),
            size: Pt(style.size),
        },
        Op::ShowText {
            items: vec![TextItem::Text(shown)],
        },
        Op::EndTextSection,
    ]);
}

pub fn fill_ops(ops: &mut Vec<Op>, x: f32, y: f32, width: f32, height: f32, colour: Colour) {
    if width <= 0.0 || height <= 0.0 {
        return;
    }
    let rectangle = Rect {
        mode: Some(PaintMode::Fill),
        ..Rect::from_xywh(Pt(x), Pt(y), Pt(width), Pt(height))
    };
    ops.extend([
        Op::SetFillColor { col: rgb(colour) },
        Op::DrawRectangle { rectangle },
    ]);
}

pub fn rule_ops(ops: &mut Vec<Op>, x1: f32, x2: f32, y: f32, colour: Colour, thickness: f32) {
    let point = |x: f32| LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    };
    ops.extend([
        Op::SetOutlineColor { col: rgb(colour) },
        Op::SetOutlineThickness { pt: Pt(thickness) },
        Op::DrawLine {
            line: Line {
                points: vec![point(x1), point(x2)],
                is_closed: false,
            },
        },
    ]);
}
