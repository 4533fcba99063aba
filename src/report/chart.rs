//! The summary's bar chart: one horizontal bar per framework, split into
//! its controls passed, failed, incomplete, manual and not applicable,
//! each part with its number, and a key with every count under the bar.

use super::canvas::{Canvas, INK, LEFT, RULE, Style, WHITE, WIDTH, status_colour};
use super::fonts::Face;

/// The statuses of the parts, in the order of a `bar`'s counts.
const PARTS: [&str; 5] = ["pass", "fail", "incomplete", "manual", "not-applicable"];
const BAR_HEIGHT: f32 = 16.0;
const LABEL: Style = Style::new(Face::Bold, 9.5, INK);
const NUMBER: Style = Style::new(Face::Bold, 8.0, WHITE);
const KEY: Style = Style::new(Face::Regular, 8.0, INK);

/// Draws one bar: `label` above, the parts, then the key. `legend` names
/// the parts, in order.
pub fn bar(
    canvas: &mut Canvas,
    label: &str,
    counts: &[u64],
    legend: &[String],
) -> Result<(), String> {
    if counts.len() != PARTS.len() || legend.len() != PARTS.len() {
        return Err(format!(
            "a bar takes {} counts after a legend of {} labels",
            PARTS.len(),
            PARTS.len()
        ));
    }
    canvas.need(LABEL.line_height() + BAR_HEIGHT + 34.0);
    canvas.text(LEFT, canvas.y - LABEL.ascent(), LABEL, label);
    canvas.y -= LABEL.line_height() + 2.0;

    let total: u64 = counts.iter().sum();
    let bottom = canvas.y - BAR_HEIGHT;
    if total == 0 {
        canvas.fill(LEFT, bottom, WIDTH, BAR_HEIGHT, RULE);
    }
    let mut x = LEFT;
    for (count, status) in counts.iter().zip(PARTS) {
        if *count == 0 {
            continue;
        }
        let width = WIDTH * *count as f32 / total as f32;
        let colour = status_colour(status).unwrap_or(INK);
        canvas.fill(x, bottom, width, BAR_HEIGHT, colour);
        let number = count.to_string();
        let text_width = canvas.fonts.width(NUMBER.face, NUMBER.size, &number);
        if text_width + 6.0 <= width {
            let baseline = bottom + (BAR_HEIGHT - NUMBER.size * 0.72) / 2.0;
            canvas.text(x + (width - text_width) / 2.0, baseline, NUMBER, &number);
        }
        x += width;
    }
    canvas.y = bottom - 5.0;
    key(canvas, counts, legend);
    canvas.y -= 10.0;
    Ok(())
}

/// A square of each part's colour with its name and count, side by side.
fn key(canvas: &mut Canvas, counts: &[u64], legend: &[String]) {
    let baseline = canvas.y - KEY.ascent();
    let mut x = LEFT;
    for ((count, status), name) in counts.iter().zip(PARTS).zip(legend) {
        let colour = status_colour(status).unwrap_or(INK);
        canvas.fill(x, baseline - 0.5, 7.0, 7.0, colour);
        let text = format!("{name} {count}");
        canvas.text(x + 10.0, baseline, KEY, &text);
        x += 10.0 + canvas.fonts.width(KEY.face, KEY.size, &text) + 16.0;
    }
    canvas.y -= KEY.line_height();
}
