//! TOML parse errors said on one line: the file's line and column, the
//! message, and a hint for the mistakes people make most.

/// `line L, column C: message`, from a TOML error over `text`.
pub fn describe(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().to_string();
    let hint = if message.contains("invalid type: string") && message.contains("datetime") {
        "; write dates without quotes, e.g. `date = 2026-10-14`"
    } else {
        ""
    };
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}{hint}")
        }
        None => format!("{message}{hint}"),
    }
}
