//! Renders SVG documents to pixels with resvg: the check that the pictures hcc-pathways writes
//! are drawings a viewer can display, not just well-formed XML.
//!
//! The tests (`tests/render.rs`) render the committed flowchart, a highlighted recommendation
//! for every bundled case and a cohort flow, and fail when a document does not parse as SVG,
//! draws nothing, misses its highlight, or lets text run out of its box. `cargo run -p
//! svg-check -- IN.svg OUT.png` renders one file for a look.
#![forbid(unsafe_code)]

use std::sync::{Arc, LazyLock};

pub use resvg::{tiny_skia, usvg};

/// The system's fonts, loaded once (the pictures ask for DejaVu Sans first).
static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    db.load_system_fonts();
    Arc::new(db)
});

/// Whether a font family is installed (text in a family that is not renders in another).
pub fn has_font(family: &str) -> bool {
    FONTS.faces().any(|f| {
        f.families
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(family))
    })
}

/// Parses an SVG document as resvg reads it, with text laid out in the system's fonts.
///
/// # Errors
/// The parser's message when the document is not SVG resvg can read.
pub fn parse(svg: &str) -> Result<usvg::Tree, String> {
    let options = usvg::Options {
        fontdb: Arc::clone(&FONTS),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())
}

/// Renders a parsed document at its own size.
///
/// # Errors
/// When the size is zero or too large for a pixmap.
pub fn render(tree: &usvg::Tree) -> Result<tiny_skia::Pixmap, String> {
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| format!("cannot make a {}x{} pixmap", size.width(), size.height()))?;
    resvg::render(tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Parses, renders and encodes as PNG.
///
/// # Errors
/// As [`parse`] and [`render`], or when PNG encoding fails.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    render(&parse(svg)?)?
        .encode_png()
        .map_err(|e| e.to_string())
}

/// How many pixels are within `tolerance` (per channel) of the colour `rgb`, fully opaque.
pub fn pixels_near(pixmap: &tiny_skia::Pixmap, rgb: [u8; 3], tolerance: u8) -> usize {
    pixmap
        .pixels()
        .iter()
        .filter(|p| {
            let c = p.demultiply();
            c.alpha() == 255
                && c.red().abs_diff(rgb[0]) <= tolerance
                && c.green().abs_diff(rgb[1]) <= tolerance
                && c.blue().abs_diff(rgb[2]) <= tolerance
        })
        .count()
}

/// How many pixels are not white.
pub fn ink(pixmap: &tiny_skia::Pixmap) -> usize {
    pixmap
        .pixels()
        .iter()
        .filter(|p| {
            let c = p.demultiply();
            !(c.red() > 250 && c.green() > 250 && c.blue() > 250)
        })
        .count()
}

/// A box of a picture: a group whose id starts with `node-`, its frame (the first path in
/// it, a rectangle) and the bounding box of all its text, in canvas coordinates.
#[derive(Clone, Debug)]
pub struct Boxed {
    /// The group's id.
    pub id: String,
    /// The frame.
    pub frame: usvg::Rect,
    /// All its text together, when it has any.
    pub text: Option<usvg::Rect>,
    /// How many text elements it holds.
    pub texts: usize,
}

/// Every box of a picture, in document order.
pub fn boxes(tree: &usvg::Tree) -> Vec<Boxed> {
    fn walk(g: &usvg::Group, out: &mut Vec<Boxed>) {
        if g.id().starts_with("node-") {
            let mut frame = None;
            let mut text: Option<usvg::Rect> = None;
            let mut texts = 0;
            collect(g, &mut frame, &mut text, &mut texts);
            if let Some(frame) = frame {
                out.push(Boxed {
                    id: g.id().to_owned(),
                    frame,
                    text,
                    texts,
                });
            }
            return;
        }
        for node in g.children() {
            if let usvg::Node::Group(child) = node {
                walk(child, out);
            }
        }
    }
    fn collect(
        g: &usvg::Group,
        frame: &mut Option<usvg::Rect>,
        text: &mut Option<usvg::Rect>,
        texts: &mut usize,
    ) {
        for node in g.children() {
            match node {
                usvg::Node::Path(p) if frame.is_none() => *frame = Some(p.abs_bounding_box()),
                usvg::Node::Text(t) => {
                    *texts += 1;
                    let b = t.abs_bounding_box();
                    *text = Some(match text {
                        Some(r) => {
                            let left = r.left().min(b.left());
                            let top = r.top().min(b.top());
                            let right = r.right().max(b.right());
                            let bottom = r.bottom().max(b.bottom());
                            usvg::Rect::from_ltrb(left, top, right, bottom).unwrap_or(b)
                        }
                        None => b,
                    });
                }
                usvg::Node::Group(child) => collect(child, frame, text, texts),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

/// The colour of the pixel at (`x`, `y`), un-premultiplied, or `None` outside the pixmap.
pub fn pixel(pixmap: &tiny_skia::Pixmap, x: f32, y: f32) -> Option<[u8; 4]> {
    if !(x.is_finite() && y.is_finite() && x >= 0.0 && y >= 0.0) {
        return None;
    }
    let c = pixmap.pixel(x as u32, y as u32)?.demultiply();
    Some([c.red(), c.green(), c.blue(), c.alpha()])
}

/// Whether a colour is within `tolerance` (per channel) of `rgb`, fully opaque.
pub fn near(rgba: [u8; 4], rgb: [u8; 3], tolerance: u8) -> bool {
    rgba[3] == 255 && (0..3).all(|i| rgba[i].abs_diff(rgb[i]) <= tolerance)
}

/// An edge of a flowchart: a group whose id starts with `edge-`, and a point on its last
/// stretch, just above the arrowhead that ends it (a point no other element covers).
#[derive(Clone, Debug)]
pub struct Edge {
    /// The group's id, `edge-FROM-TO`.
    pub id: String,
    /// The point, in canvas coordinates.
    pub near_tip: (f32, f32),
}

/// Every edge of a flowchart, in document order.
pub fn edges(tree: &usvg::Tree) -> Vec<Edge> {
    fn walk(g: &usvg::Group, out: &mut Vec<Edge>) {
        for node in g.children() {
            let usvg::Node::Group(child) = node else {
                continue;
            };
            if child.id().starts_with("edge-") {
                // The second path is the arrowhead.
                let arrow = child
                    .children()
                    .iter()
                    .filter_map(|n| match n {
                        usvg::Node::Path(p) => Some(p.abs_bounding_box()),
                        _ => None,
                    })
                    .nth(1);
                if let Some(a) = arrow {
                    out.push(Edge {
                        id: child.id().to_owned(),
                        near_tip: ((a.left() + a.right()) / 2.0, a.top() - 5.0),
                    });
                }
            } else {
                walk(child, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

/// How many pixels differ between two renderings of the same size.
pub fn differing(a: &tiny_skia::Pixmap, b: &tiny_skia::Pixmap) -> usize {
    a.pixels()
        .iter()
        .zip(b.pixels())
        .filter(|(x, y)| x != y)
        .count()
}
