//! Breaking text into lines that fit a width. Words break at spaces; a
//! word wider than the whole line (an ARN, a SHA-256, a long file path)
//! breaks inside, after a separator such as `/`, `:` or `-` where one
//! fits, else between any two characters. Nothing is ever cut off: the
//! lines hold every character of the text.

/// Characters after which a long word may break.
const BREAK_AFTER: &[char] = &[
    '/', ':', '-', '_', '.', ',', ';', '(', ')', '=', '#', '@', '|',
];

/// `text` in lines no wider than `width`, measured with `char_width`.
/// A `\n` starts a new line; runs of spaces collapse into one.
pub fn wrap(text: &str, width: f32, char_width: impl Fn(char) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, width, &char_width, &mut lines);
    }
    lines
}

fn wrap_paragraph(
    text: &str,
    width: f32,
    char_width: &impl Fn(char) -> f32,
    lines: &mut Vec<String>,
) {
    let measure = |s: &str| -> f32 { s.chars().map(char_width).sum() };
    let space = char_width(' ');
    let mut line = String::new();
    let mut used = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = measure(word);
        if !line.is_empty() && used + space + w <= width {
            line.push(' ');
            line.push_str(word);
            used += space + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if w <= width {
            line = word.to_string();
            used = w;
            continue;
        }
        let mut pieces = break_word(word, width, char_width);
        let last = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
        used = measure(&last);
        line = last;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
}

/// A word wider than `width`, in pieces that fit: each as long as it can
/// be, ending after a separator when one falls in its second half.
fn break_word(word: &str, width: f32, char_width: &impl Fn(char) -> f32) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut used = 0.0;
        let mut end = start;
        while end < chars.len() && (end == start || used + char_width(chars[end]) <= width) {
            used += char_width(chars[end]);
            end += 1;
        }
        if end < chars.len() {
            let half = start + (end - start) / 2;
            if let Some(at) = (half..end).rev().find(|&i| BREAK_AFTER.contains(&chars[i])) {
                end = at + 1;
            }
            while end > start + 1 && chars[end - 1] == '-' {
                end -= 1;
            }
        }
        pieces.push(chars[start..end].iter().collect());
        start = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one unit wide.
    fn mono(text: &str, width: f32) -> Vec<String> {
        wrap(text, width, |_| 1.0)
    }

    #[test]
    fn words_fill_lines_and_break_at_spaces() {
        assert_eq!(
            mono("the quick brown fox jumps", 10.0),
            ["the quick", "brown fox", "jumps"]
        );
        assert_eq!(mono("", 10.0), [""]);
        assert_eq!(mono("a\nb c", 10.0), ["a", "b c"]);
    }

    #[test]
    fn an_arn_wider_than_the_line_breaks_after_separators_and_loses_nothing() {
        let arn = "arn:aws:iam::210987654321:role/service-role/AWSLambdaBasicExecutionRole";
        let lines = mono(arn, 24.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 24), "{lines:?}");
        assert_eq!(lines.concat(), arn);
        assert!(
            lines[0].ends_with(':') || lines[0].ends_with('/'),
            "{lines:?}"
        );
    }

    #[test]
    fn a_group_and_its_vpc_wrap_as_words_then_inside_the_long_one() {
        let text = "sg-0123456789abcdef0 (vpc-0fedcba9876543210)";
        let lines = mono(text, 21.0);
        assert_eq!(
            lines,
            ["sg-0123456789abcdef0", "(vpc-0fedcba987654321", "0)"]
        );
        let lines = mono(text, 12.0);
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        assert!(lines.iter().all(|l| l.chars().count() <= 12), "{lines:?}");
    }

    #[test]
    fn no_line_ends_in_a_hyphen_that_an_extractor_would_drop() {
        let path = "data/snapshot/210987654321/eu-west-1/cloudtrail/get-trail-status/x.json";
        for width in 5..40 {
            let lines = mono(path, width as f32);
            assert_eq!(lines.concat(), path, "width {width}");
            assert!(
                lines[..lines.len() - 1].iter().all(|l| !l.ends_with('-')),
                "width {width}: {lines:?}"
            );
        }
    }

    #[test]
    fn a_hex_digest_without_separators_breaks_anywhere() {
        let digest = "a".repeat(64);
        let lines = mono(&digest, 30.0);
        assert_eq!(
            lines.iter().map(String::len).collect::<Vec<_>>(),
            [30, 30, 4]
        );
    }

    #[test]
    fn a_line_narrower_than_one_character_still_makes_progress() {
        assert_eq!(mono("abc", 0.5), ["a", "b", "c"]);
    }
}
