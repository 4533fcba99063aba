//! Tables: column widths per kind of table, cells wrapped to their
//! column, rows striped, the header repeated at the top of every page a
//! table runs onto, and a row taller than a page split between pages
//! rather than cut.

use super::canvas::{
    Canvas, HEADER_FILL, INK, LEFT, RULE, STRIPE, Style, TOP, WIDTH, status_colour,
};
use super::fonts::Face;
use super::markup::{Row, Table};
use super::wrap::wrap;

const CELL: Style = Style::new(Face::Regular, 7.5, INK);
const HEAD: Style = Style::new(Face::Bold, 7.5, INK);
const PAD_X: f32 = 3.5;
const PAD_Y: f32 = 3.0;

/// A kind of table: its columns' shares of the width, which column (if
/// any) shows the row's status, and which are numbers (aligned right).
struct Kind {
    widths: &'static [f32],
    status: Option<usize>,
    numbers: &'static [usize],
}

fn kind(name: &str) -> Option<Kind> {
    let (widths, status, numbers): (&'static [f32], Option<usize>, &'static [usize]) = match name {
        "worst" => (&[0.22, 0.11, 0.53, 0.14], None, &[3]),
        "controls" => (&[0.115, 0.27, 0.115, 0.155, 0.345], Some(2), &[]),
        "findings" => (&[0.235, 0.125, 0.14, 0.26, 0.24], None, &[]),
        "artifact" => (&[0.235, 0.25, 0.115, 0.40], Some(2), &[]),
        "attachments" => (&[0.40, 0.12, 0.48], None, &[1]),
        "unavailable" => (&[0.18, 0.25, 0.13, 0.44], Some(2), &[]),
        "regions" => (&[0.18, 0.41, 0.41], None, &[]),
        "checks" => (&[0.30, 0.56, 0.14], None, &[2]),
        "index" => (&[0.51, 0.12, 0.37], None, &[1]),
        "changes" => (&[0.12, 0.88], Some(0), &[]),
        _ => return None,
    };
    Some(Kind {
        widths,
        status,
        numbers,
    })
}

/// A row's cells, each wrapped to its column, with the row's status.
struct Laid {
    cells: Vec<Vec<String>>,
    status: Option<String>,
}

impl Laid {
    fn lines(&self) -> usize {
        self.cells.iter().map(Vec::len).max().unwrap_or(1).max(1)
    }
}

/// Draws `table` from the cursor on, over as many pages as it takes.
pub fn draw(canvas: &mut Canvas, table: &Table) -> Result<(), String> {
    let kind = kind(&table.kind).ok_or_else(|| format!("no table kind `{}`", table.kind))?;
    let columns = kind.widths.len();
    if table.header.len() != columns {
        return Err(format!(
            "table `{}` has {columns} columns, but {} headers",
            table.kind,
            table.header.len()
        ));
    }
    let header = lay(canvas, &kind, &table.header, None, HEAD);
    let rows: Vec<Laid> = table
        .rows
        .iter()
        .map(|row| row_cells(canvas, &kind, &table.kind, row))
        .collect::<Result<_, _>>()?;

    canvas.need(lead_of(&header, &rows));
    draw_header(canvas, &kind, &header);
    let line = CELL.line_height();
    let page_room = TOP - super::canvas::BOTTOM - height(&header, HEAD.line_height());
    for (index, row) in rows.iter().enumerate() {
        // The last row never sits alone on a page of its own: when it
        // would, the row before it goes over with it.
        if index > 0 && index + 2 == rows.len() {
            let pair = height(row, line) + height(&rows[index + 1], line);
            if pair > canvas.room() && height(row, line) <= canvas.room() && pair <= page_room {
                canvas.new_page();
                draw_header(canvas, &kind, &header);
            }
        }
        draw_row(canvas, &kind, &header, row, index % 2 == 1);
    }
    canvas.y -= 10.0;
    Ok(())
}

/// The height of the header and the first row: what must fit on a page
/// before the table may start there.
fn lead_of(header: &Laid, rows: &[Laid]) -> f32 {
    let line = CELL.line_height();
    // The whole first row: a row that does not fit moves to the next page
    // and would leave the header behind alone. (A row taller than a page
    // is split, and `need` on an empty page asks for nothing.) Of a table
    // of two rows, both: the second is its last, never alone.
    let lead = if rows.len() == 2 { 2 } else { 1 };
    let first: f32 = rows.iter().take(lead).map(|r| height(r, line)).sum();
    height(header, line) + first + 2.0
}

/// [`lead_of`] for a table not yet drawn, so that a heading above it can
/// move to the next page with it rather than stay behind alone.
pub fn lead(canvas: &Canvas, table: &Table) -> f32 {
    let Some(kind) = kind(&table.kind) else {
        return 0.0;
    };
    let header = lay(canvas, &kind, &table.header, None, HEAD);
    // As many rows as `lead_of` weighs: the first two of a table of two.
    let lead = if table.rows.len() == 2 { 2 } else { 1 };
    let first: Vec<Laid> = table
        .rows
        .iter()
        .take(lead)
        .filter_map(|row| row_cells(canvas, &kind, &table.kind, row).ok())
        .collect();
    lead_of(&header, &first)
}

fn row_cells(canvas: &Canvas, kind: &Kind, name: &str, row: &Row) -> Result<Laid, String> {
    if row.cells.len() != kind.widths.len() {
        return Err(format!(
            "a row of table `{name}` has {} cells, not {}",
            row.cells.len(),
            kind.widths.len()
        ));
    }
    Ok(lay(canvas, kind, &row.cells, row.status.clone(), CELL))
}

fn lay(
    canvas: &Canvas,
    kind: &Kind,
    cells: &[String],
    status: Option<String>,
    style: Style,
) -> Laid {
    let fonts = canvas.fonts;
    let cells = cells
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let style = cell_style(kind, i, status.as_deref(), style);
            let width = kind.widths[i] * WIDTH - 2.0 * PAD_X;
            wrap(text, width, |c| fonts.char_width(style.face, style.size, c))
        })
        .collect();
    Laid { cells, status }
}

/// The status column is bold, in the status's colour.
fn cell_style(kind: &Kind, column: usize, status: Option<&str>, style: Style) -> Style {
    match status.and_then(status_colour) {
        Some(colour) if kind.status == Some(column) => Style::new(Face::Bold, style.size, colour),
        _ => style,
    }
}

fn height(row: &Laid, line: f32) -> f32 {
    row.lines() as f32 * line + 2.0 * PAD_Y
}

fn draw_header(canvas: &mut Canvas, kind: &Kind, header: &Laid) {
    let h = height(header, HEAD.line_height());
    canvas.fill(LEFT, canvas.y - h, WIDTH, h, HEADER_FILL);
    draw_lines(canvas, kind, header, 0..header.lines(), HEAD);
    canvas.y -= h;
    canvas.rule(LEFT, LEFT + WIDTH, canvas.y, INK, 0.6);
}

/// Draws a row, moving to a new page (header first) when it does not fit;
/// a row taller than a whole page is split between pages.
fn draw_row(canvas: &mut Canvas, kind: &Kind, header: &Laid, row: &Laid, striped: bool) {
    let line = CELL.line_height();
    let header_height = height(header, HEAD.line_height());
    let page_room = TOP - super::canvas::BOTTOM - header_height;
    let mut start = 0;
    let total = row.lines();
    while start < total {
        let left = total - start;
        let fits = ((canvas.room() - 2.0 * PAD_Y) / line).floor().max(0.0) as usize;
        let whole = left as f32 * line + 2.0 * PAD_Y;
        let take = if fits >= left {
            left
        } else if whole <= page_room || fits < 2 {
            canvas.new_page();
            draw_header(canvas, kind, header);
            continue;
        } else {
            fits
        };
        let h = take as f32 * line + 2.0 * PAD_Y;
        if striped {
            canvas.fill(LEFT, canvas.y - h, WIDTH, h, STRIPE);
        }
        draw_lines(canvas, kind, row, start..start + take, CELL);
        canvas.y -= h;
        canvas.rule(LEFT, LEFT + WIDTH, canvas.y, RULE, 0.35);
        start += take;
    }
}

/// Lines `range` of every cell of `row`, from the cursor down.
fn draw_lines(
    canvas: &mut Canvas,
    kind: &Kind,
    row: &Laid,
    range: std::ops::Range<usize>,
    style: Style,
) {
    let line = style.line_height();
    let mut x = LEFT;
    for (column, cell) in row.cells.iter().enumerate() {
        let width = kind.widths[column] * WIDTH;
        let style = cell_style(kind, column, row.status.as_deref(), style);
        for (n, text) in cell.iter().enumerate().take(range.end).skip(range.start) {
            let baseline = canvas.y - PAD_Y - style.ascent() - (n - range.start) as f32 * line;
            if kind.numbers.contains(&column) {
                canvas.text_right(x + width - PAD_X, baseline, style, text);
            } else {
                canvas.text(x + PAD_X, baseline, style, text);
            }
        }
        x += width;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::report::fonts::Fonts;
    use printpdf::{Op, TextItem};

    /// The text shown on a page, one string per run, in drawing order.
    pub(in crate::report) fn texts(page: &[Op]) -> Vec<String> {
        page.iter()
            .filter_map(|op| match op {
                Op::ShowText { items } => match items.first() {
                    Some(TextItem::Text(t)) => Some(t.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    fn table(rows: usize, reason: &str) -> Table {
        Table {
            kind: "findings".into(),
            header: ["Resource", "Name", "Where", "Reason", "Evidence"]
                .map(String::from)
                .to_vec(),
            rows: (0..rows)
                .map(|i| Row {
                    status: Some("fail".into()),
                    cells: vec![
                        format!("sg-{i:017x} (vpc-0fedcba9876543210)"),
                        "web".into(),
                        "eu-west-2".into(),
                        reason.into(),
                        "data/snapshot/210987654321/eu-west-2/ec2/describe-security-groups.json"
                            .into(),
                    ],
                })
                .collect(),
        }
    }

    const KINDS: [&str; 10] = [
        "worst",
        "controls",
        "findings",
        "artifact",
        "attachments",
        "unavailable",
        "regions",
        "checks",
        "index",
        "changes",
    ];

    #[test]
    fn incomplete_and_every_other_status_word_fits_its_column_unbroken() {
        let fonts = Fonts::load().unwrap();
        let words = [
            "Pass",
            "Fail",
            "Incomplete",
            "Manual",
            "Not",
            "applicable",
            "assessed",
            "persisting",
            "resolved",
            "removed",
            "renewed",
        ];
        for name in KINDS {
            let kind = kind(name).unwrap();
            let Some(column) = kind.status else { continue };
            let width = kind.widths[column] * WIDTH - 2.0 * PAD_X;
            for word in words {
                let used: f32 = word
                    .chars()
                    .map(|c| fonts.char_width(Face::Bold, CELL.size, c))
                    .sum();
                assert!(
                    used <= width,
                    "`{word}` in table `{name}`: {used} > {width}"
                );
            }
        }
    }

    #[test]
    fn report_wpimyef3dcafneuv_fits_the_id_column_of_artifact_and_findings_tables() {
        let fonts = Fonts::load().unwrap();
        for name in ["artifact", "findings"] {
            let kind = kind(name).unwrap();
            let width = kind.widths[0] * WIDTH - 2.0 * PAD_X;
            for id in ["report-WPimYEf3DCafnEUv", "report-RN5KHvIVbUZY69DY"] {
                let lines = wrap(id, width, |c| fonts.char_width(Face::Regular, CELL.size, c));
                assert_eq!(lines, [id], "{name}");
            }
        }
    }

    #[test]
    fn every_kind_fills_the_width() {
        for name in KINDS {
            let sum: f32 = kind(name).unwrap().widths.iter().sum();
            assert!((sum - 1.0).abs() < 0.001, "{name}: {sum}");
        }
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page() {
        let fonts = Fonts::load().unwrap();
        let mut canvas = Canvas::new(&fonts);
        draw(&mut canvas, &table(300, "port 22 open to the internet")).unwrap();
        let pages = canvas.into_pages();
        assert!(pages.len() > 5, "{} pages", pages.len());
        for (n, page) in pages.iter().enumerate() {
            let texts = texts(page);
            assert_eq!(
                texts.first().map(String::as_str),
                Some("Resource"),
                "page {n}"
            );
        }
        let all: Vec<String> = pages.iter().flat_map(|p| texts(p)).collect();
        assert!(
            all.iter().any(|t| t == "sg-0000000000000012b"),
            "an ID wrapped away"
        );
    }

    #[test]
    fn a_single_overflow_row_never_sits_alone_on_the_last_page() {
        let fonts = Fonts::load().unwrap();
        let rows_on = |page: &[Op]| texts(page).iter().filter(|t| t.starts_with("sg-")).count();
        let mut canvas = Canvas::new(&fonts);
        draw(&mut canvas, &table(200, "port 22 open")).unwrap();
        let per_page = rows_on(&canvas.into_pages()[0]);
        // One row more than a page holds.
        let mut canvas = Canvas::new(&fonts);
        draw(&mut canvas, &table(per_page + 1, "port 22 open")).unwrap();
        let pages = canvas.into_pages();
        assert_eq!(pages.len(), 2);
        assert_eq!(rows_on(&pages[0]) + rows_on(&pages[1]), per_page + 1);
        assert_eq!(rows_on(&pages[1]), 2, "the row before went over with it");
    }

    #[test]
    fn a_heading_moves_to_the_next_page_with_its_table() {
        let fonts = Fonts::load().unwrap();
        let mut canvas = Canvas::new(&fonts);
        // Leave room for the heading and the header, not the first row.
        canvas.y = crate::report::canvas::BOTTOM + 60.0;
        let tall = "a reason long enough to wrap over several lines ".repeat(8);
        use crate::report::markup::Block;
        let blocks = [
            Block::Subheading("net.example: a check".into()),
            Block::Table(table(1, &tall)),
        ];
        crate::report::blocks::lay_out(&mut canvas, &blocks).unwrap();
        let pages = canvas.into_pages();
        assert_eq!(pages.len(), 2);
        assert!(
            texts(&pages[0]).is_empty(),
            "nothing left behind: {:?}",
            texts(&pages[0])
        );
        assert_eq!(
            texts(&pages[1]).first().map(String::as_str),
            Some("net.example: a check")
        );
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_not_cut() {
        let fonts = Fonts::load().unwrap();
        let mut canvas = Canvas::new(&fonts);
        let long = "word ".repeat(3000);
        draw(&mut canvas, &table(1, &long)).unwrap();
        let pages = canvas.into_pages();
        assert!(pages.len() > 2, "{} pages", pages.len());
        let words: usize = pages
            .iter()
            .flat_map(|p| texts(p))
            .map(|t| t.matches("word").count())
            .sum();
        assert_eq!(words, 3000);
    }

    #[test]
    fn a_row_with_the_wrong_number_of_cells_is_a_template_error() {
        let fonts = Fonts::load().unwrap();
        let mut canvas = Canvas::new(&fonts);
        let mut t = table(1, "x");
        t.rows[0].cells.pop();
        assert!(
            draw(&mut canvas, &t)
                .unwrap_err()
                .contains("4 cells, not 5")
        );
    }
}
