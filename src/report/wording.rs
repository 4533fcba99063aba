//! The report's words: handlebars templates under `templates/report/`,
//! built into the binary, one per section, each writing the line language
//! of [`super::markup`]. Headings, sentences and labels live there, so the
//! text can change without touching Rust.

use super::markup::{self, Block};
use handlebars::Handlebars;
use serde_json::Value;

/// The sections in the order they appear, with their templates.
pub const SECTIONS: [(&str, &str); 9] = [
    ("cover", include_str!("../../templates/report/cover.hbs")),
    (
        "summary",
        include_str!("../../templates/report/summary.hbs"),
    ),
    (
        "changes",
        include_str!("../../templates/report/changes.hbs"),
    ),
    (
        "principle14",
        include_str!("../../templates/report/principle14.hbs"),
    ),
    (
        "frameworks",
        include_str!("../../templates/report/frameworks.hbs"),
    ),
    (
        "findings",
        include_str!("../../templates/report/findings.hbs"),
    ),
    (
        "assurance",
        include_str!("../../templates/report/assurance.hbs"),
    ),
    ("gaps", include_str!("../../templates/report/gaps.hbs")),
    ("index", include_str!("../../templates/report/index.hbs")),
];

const FOOTER: &str = include_str!("../../templates/report/footer.hbs");
const PARTIALS: [(&str, &str); 1] = [(
    "status-word",
    include_str!("../../templates/report/partials/status-word.hbs"),
)];

/// The registered templates.
pub struct Wording {
    registry: Handlebars<'static>,
}

impl Wording {
    /// Registers every template; a template that does not parse is an
    /// error naming it.
    pub fn new() -> Result<Wording, String> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(markup::escape);
        let named = SECTIONS.iter().chain([("footer", FOOTER)].iter());
        for (name, text) in named {
            registry
                .register_template_string(name, *text)
                .map_err(|e| format!("template {name}.hbs: {e}"))?;
        }
        for (name, text) in PARTIALS {
            registry
                .register_partial(name, text)
                .map_err(|e| format!("template partials/{name}.hbs: {e}"))?;
        }
        Ok(Wording { registry })
    }

    /// The blocks of section `name` for `data`.
    pub fn section(&self, name: &str, data: &Value) -> Result<Vec<Block>, String> {
        let text = self
            .registry
            .render(name, data)
            .map_err(|e| format!("template {name}.hbs: {e}"))?;
        markup::parse(&text).map_err(|e| format!("template {name}.hbs: {e}"))
    }

    /// The footer of one page: the text on its left and on its right.
    pub fn footer(&self, data: &Value) -> Result<(String, String), String> {
        match self.section("footer", data)?.as_slice() {
            [Block::Field(left, right)] => Ok((left.clone(), right.clone())),
            _ => Err("template footer.hbs: must write one `field left | right` line".into()),
        }
    }
}
