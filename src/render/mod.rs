//! Renderers: a [`crate::chain::chart::Chart`] drawn as DOT, SVG, PNG or Mermaid, and the
//! Markdown and HTML report. A renderer never opens a transcript; it draws what it is given.

pub mod dot;
mod excerpt;
mod figure;
mod findings;
mod layout;
pub mod mermaid;
mod metrics;
mod output;
pub mod png;
pub mod report;
pub mod site;
pub mod svg;

pub(crate) use output::write_changed;
pub use output::{Figures, Output, RenderContext, Report, write};

/// Text escaped for HTML (and Graphviz's HTML-like labels): `&`, `<`, `>` and `"` as
/// entities, so it is safe in element content and in double-quoted attribute values.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
