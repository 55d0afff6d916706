//! A [`Chart`] as PNG: its SVG (from either [`Engine`]) drawn by resvg with the system's
//! fonts, at twice the SVG's size so the labels stay readable.

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use crate::chain::chart::Chart;
use crate::error::Error;
use crate::render::svg::{Engine, to_svg};

/// How many pixels a PNG has per SVG pixel.
pub(crate) const SCALE: f32 = 2.0;

/// The chart as PNG bytes, laid out by `engine` and drawn at `SCALE`.
pub fn to_png(chart: &Chart, engine: Engine) -> Result<Vec<u8>, Error> {
    svg_to_png(&to_svg(chart, engine)?, SCALE)
}

/// Draws an SVG document as PNG bytes, `scale` pixels per SVG pixel, on white. Fails when the
/// system has no font to draw the text with, rather than drawing a figure without text.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, Error> {
    let mut opt = usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_system_fonts();
    if db.is_empty() {
        return Err(Error::Other(
            "no font found on this system to draw the figure's text with: install one (e.g. `apt-get install fonts-dejavu-core`), or write SVG instead of PNG".to_string(),
        ));
    }
    // The figures ask for DejaVu Sans, Verdana or Arial, then any sans-serif: make sure the
    // generic family names a font that is there.
    let wanted = [
        fontdb::Family::Name("DejaVu Sans"),
        fontdb::Family::Name("Verdana"),
        fontdb::Family::Name("Arial"),
        fontdb::Family::SansSerif,
    ];
    let query = fontdb::Query {
        families: &wanted,
        ..fontdb::Query::default()
    };
    if db.query(&query).is_none() {
        let fallback = db
            .faces()
            .filter_map(|f| f.families.first().map(|(name, _)| name.clone()))
            .min();
        if let Some(name) = fallback {
            db.set_sans_serif_family(name);
        }
    }
    let tree = usvg::Tree::from_str(svg, &opt)
        .map_err(|e| Error::Other(format!("the figure's SVG could not be read: {e}")))?;
    let size = tree.size().to_int_size();
    let (w, h) = (
        (size.width() as f32 * scale).ceil() as u32,
        (size.height() as f32 * scale).ceil() as u32,
    );
    let mut pixmap = Pixmap::new(w, h).ok_or_else(|| {
        Error::Other(format!(
            "the figure is too large (or empty) to draw as PNG: {w}×{h} pixels; write SVG instead"
        ))
    })?;
    pixmap.fill(Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| Error::Other(format!("the PNG could not be encoded: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_svg_is_an_error_not_a_panic() {
        let err = svg_to_png("<svg", 2.0).unwrap_err();
        assert!(err.to_string().contains("SVG"), "{err}");
    }
}
