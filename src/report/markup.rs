//! The small line language the wording templates write, and its parser.
//!
//! Each line is one block, starting with a directive at the start of the
//! line; a line starting with white space continues the block above, so
//! long sentences can be folded in a template. Fields are separated by
//! `|`. In text, `\n` breaks the line, `\|` is a literal bar and `\\` a
//! backslash. Values from the data pass through [`escape`] (the
//! templates' escape function), so a resource name can neither start a
//! block nor add a field.
//!
//! | directive | fields | what it draws |
//! |---|---|---|
//! | `title`, `subtitle` | text | the cover's title lines |
//! | `h1`, `h2` | text | a section heading, a sub-heading |
//! | `p`, `small` | text | a paragraph; a smaller, grey one |
//! | `field` | label, value | a label with its value beside it |
//! | `status` | status, text | a line in the colour of the status |
//! | `legend` | five labels | the bar chart's segment names |
//! | `bar` | label, five counts | one bar of the chart |
//! | `table` | kind, headers... | starts a table of a kind the layout knows |
//! | `row` | status (or empty), cells... | a row of the table above |
//! | `page` | | starts a new page |
//! | `gap` | | a little vertical space |

/// One block of a rendered section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Subtitle(String),
    Heading(String),
    Subheading(String),
    Paragraph(String),
    Small(String),
    Field(String, String),
    Status(String, String),
    Legend(Vec<String>),
    Bar(String, Vec<u64>),
    Table(Table),
    Page,
    Gap,
}

impl Block {
    /// Calls `f` with every piece of text the block shows.
    pub fn each_text(&self, f: &mut impl FnMut(&str)) {
        match self {
            Block::Title(t)
            | Block::Subtitle(t)
            | Block::Heading(t)
            | Block::Subheading(t)
            | Block::Paragraph(t)
            | Block::Small(t) => f(t),
            Block::Field(a, b) | Block::Status(a, b) => {
                f(a);
                f(b);
            }
            Block::Legend(labels) => labels.iter().for_each(|l| f(l)),
            Block::Bar(label, _) => f(label),
            Block::Table(table) => {
                table.header.iter().for_each(|h| f(h));
                for row in &table.rows {
                    row.cells.iter().for_each(|c| f(c));
                }
            }
            Block::Page | Block::Gap => {}
        }
    }
}

/// A table: its kind (which fixes column widths), headers and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// A row: the status that colours its status cell, if any, and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub status: Option<String>,
    pub cells: Vec<String>,
}

/// The templates' escape function: data is shown as it is, but cannot
/// break a line or a field.
pub fn escape(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    for c in data.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Parses a rendered template; an unknown directive or a wrong number of
/// fields is an error naming the line (a template bug, not bad data).
pub fn parse(text: &str) -> Result<Vec<Block>, String> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match lines.last_mut() {
            Some((_, last)) if line.starts_with([' ', '\t']) => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => lines.push((number + 1, line.trim_end().to_string())),
        }
    }
    let mut blocks: Vec<Block> = Vec::new();
    for (number, line) in lines {
        let (directive, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let block = block(directive, rest).map_err(|e| format!("line {number}: {e}"))?;
        match (block, blocks.last_mut()) {
            (Some(Block::Table(row)), Some(Block::Table(table))) if row.kind.is_empty() => {
                table.rows.extend(row.rows)
            }
            (Some(Block::Table(row)), _) if row.kind.is_empty() => {
                return Err(format!("line {number}: a row outside a table"));
            }
            (Some(block), _) => blocks.push(block),
            (None, _) => {}
        }
    }
    Ok(blocks)
}

/// One directive's block; a `row` comes back as a table of no kind, to
/// be added to the table above.
fn block(directive: &str, rest: &str) -> Result<Option<Block>, String> {
    let text = || unescape(rest.trim());
    let fields = || split(rest);
    let block = match directive {
        "title" => Block::Title(text()),
        "subtitle" => Block::Subtitle(text()),
        "h1" => Block::Heading(text()),
        "h2" => Block::Subheading(text()),
        "p" => Block::Paragraph(text()),
        "small" => Block::Small(text()),
        "page" => Block::Page,
        "gap" => Block::Gap,
        "field" | "status" => {
            let [a, b] = <[String; 2]>::try_from(fields())
                .map_err(|f| format!("`{directive}` takes 2 fields, not {}", f.len()))?;
            if directive == "field" {
                Block::Field(a, b)
            } else {
                Block::Status(a, b)
            }
        }
        "legend" => Block::Legend(fields()),
        "bar" => {
            let mut f = fields().into_iter();
            let label = f.next().unwrap_or_default();
            let counts = f
                .map(|n| {
                    n.parse::<u64>()
                        .map_err(|_| format!("`{n}` is not a count"))
                })
                .collect::<Result<_, _>>()?;
            Block::Bar(label, counts)
        }
        "table" => {
            let mut f = fields().into_iter();
            Block::Table(Table {
                kind: f.next().unwrap_or_default(),
                header: f.collect(),
                rows: Vec::new(),
            })
        }
        "row" => {
            let mut f = fields().into_iter();
            let status = f.next().filter(|s| !s.is_empty());
            Block::Table(Table {
                kind: String::new(),
                header: Vec::new(),
                rows: vec![Row {
                    status,
                    cells: f.collect(),
                }],
            })
        }
        other => return Err(format!("unknown directive `{other}`")),
    };
    Ok(Some(block))
}

/// Fields split at unescaped bars, trimmed and unescaped.
fn split(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                field.push(c);
                if let Some(next) = chars.next() {
                    field.push(next);
                }
            }
            '|' => fields.push(unescape(std::mem::take(&mut field).trim())),
            c => field.push(c),
        }
    }
    fields.push(unescape(field.trim()));
    fields
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(next) => out.push(next),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_with_bars_newlines_and_directives_stays_one_field() {
        let hostile = "x | y\nh1 Forged heading\\n";
        let line = format!("row fail | {} | b", escape(hostile));
        let blocks = parse(&format!("table findings | A | B\n{line}\n")).unwrap();
        let [Block::Table(table)] = blocks.as_slice() else {
            panic!("{blocks:?}")
        };
        assert_eq!(table.rows[0].status.as_deref(), Some("fail"));
        assert_eq!(table.rows[0].cells, ["x | y h1 Forged heading\\n", "b"]);
    }

    #[test]
    fn indented_lines_continue_the_block_above() {
        let blocks = parse("p One sentence\n  folded here.\nfield Bag | a\\nb\n").unwrap();
        assert_eq!(
            blocks,
            [
                Block::Paragraph("One sentence folded here.".into()),
                Block::Field("Bag".into(), "a\nb".into()),
            ]
        );
    }

    #[test]
    fn template_mistakes_name_their_line() {
        assert!(parse("p ok\nfoo bar\n").unwrap_err().starts_with("line 2:"));
        assert!(parse("row | a\n").unwrap_err().contains("outside a table"));
        assert!(parse("bar CE | 1 | x\n").unwrap_err().contains("`x`"));
    }
}
