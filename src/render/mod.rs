//! Renderers: a [`crate::chain::chart::Chart`] drawn as DOT, SVG, PNG or Mermaid, and the
//! Markdown and HTML report. A renderer never opens a transcript; it draws what it is given.

pub mod dot;
mod figure;
mod layout;
pub mod mermaid;
mod metrics;
pub mod png;
pub mod report;
pub mod site;
pub mod svg;
