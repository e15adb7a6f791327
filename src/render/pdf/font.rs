//! Font loading, glyph coverage and advance-width measurement.

use std::borrow::Cow;
use std::collections::HashMap;

use printpdf::ParsedFont;

use super::PdfError;

/// IPAex Gothic 004.01, unmodified (see `data/fonts/README.md`).
static BUILTIN_FONT: &[u8] = include_bytes!("../../../data/fonts/ipaexg.ttf");

/// The font used for all text: raw sfnt bytes plus the face index inside a
/// collection (`0` for a plain `.ttf`/`.otf`).
#[derive(Debug, Clone)]
pub struct FontSource {
    /// The font file's bytes.
    pub bytes: Cow<'static, [u8]>,
    /// Face index inside a TrueType/OpenType collection; `0` otherwise.
    pub index: u32,
}

impl FontSource {
    /// The bundled IPAex Gothic font (compiled into the binary).
    pub fn builtin() -> Self {
        Self {
            bytes: Cow::Borrowed(BUILTIN_FONT),
            index: 0,
        }
    }
}

impl Default for FontSource {
    fn default() -> Self {
        Self::builtin()
    }
}

/// A parsed font with cached advance widths (in em).
pub(crate) struct Font {
    pub(crate) parsed: ParsedFont,
    upm: f32,
    /// Per character: glyph id (0 when missing) and advance in em.
    glyphs: HashMap<char, (u16, f32)>,
}

impl Font {
    pub(crate) fn load(src: &FontSource) -> Result<Self, PdfError> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&src.bytes, src.index as usize, &mut warnings)
            .ok_or_else(|| {
                let detail: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
                PdfError::Font(format!("cannot parse font: {}", detail.join("; ")))
            })?;
        let upm = f32::from(parsed.font_metrics.units_per_em);
        if upm <= 0.0 {
            return Err(PdfError::Font("font has no units-per-em".into()));
        }
        Ok(Self {
            parsed,
            upm,
            glyphs: HashMap::with_capacity(2048),
        })
    }

    /// Glyph id (0 = `.notdef`) and advance width in em of `c`. Cached: the
    /// cmap lookup is slow for large CJK fonts.
    pub(crate) fn glyph(&mut self, c: char) -> (u16, f32) {
        if let Some(g) = self.glyphs.get(&c) {
            return *g;
        }
        let gid = self.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
        let em = if c.is_control() {
            0.0
        } else if gid == 0 {
            0.5
        } else {
            f32::from(self.parsed.get_horizontal_advance(gid)) / self.upm
        };
        self.glyphs.insert(c, (gid, em));
        (gid, em)
    }

    /// Whether the font maps `c` to a real glyph (not `.notdef`).
    pub(crate) fn has_glyph(&mut self, c: char) -> bool {
        self.glyph(c).0 != 0
    }

    /// Advance width of `c` in em (0 for control characters).
    pub(crate) fn em(&mut self, c: char) -> f32 {
        self.glyph(c).1
    }

    /// `s` shortened with an ellipsis to at most `max` points at `size`.
    pub(crate) fn clip(&mut self, s: &str, size: f32, max: f32) -> String {
        if self.width(s, size) <= max + 0.01 {
            return s.to_string();
        }
        let mut out = String::new();
        let mut w = self.width("…", size);
        for c in s.chars() {
            w += self.em(c) * size;
            if w > max {
                break;
            }
            out.push(c);
        }
        out + "…"
    }

    /// Width of `s` at `size` points.
    pub(crate) fn width(&mut self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.em(c)).sum::<f32>() * size
    }
}

/// Characters that are checked for coverage: everything but control
/// characters (line feeds, tabs, ...), which are never drawn.
pub(crate) fn is_checked(c: char) -> bool {
    !c.is_control()
}

/// Distinct characters of `text` (ignoring control characters such as `\n`
/// and `\t`) for which `font` has no glyph, in first-seen order.
pub fn missing_glyphs(font: &FontSource, text: &str) -> Result<Vec<char>, PdfError> {
    let mut f = Font::load(font)?;
    Ok(missing_in(&mut f, text))
}

pub(crate) fn missing_in(f: &mut Font, text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_checked(c) && !out.contains(&c) && !f.has_glyph(c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_covers_japanese_and_reports_missing() {
        let src = FontSource::builtin();
        let missing = missing_glyphs(&src, "設備の管理\t、。ABC 123\n😀漢😀").unwrap();
        assert_eq!(missing, vec!['😀']);
    }

    #[test]
    fn widths_come_from_hmtx() {
        let mut f = Font::load(&FontSource::builtin()).unwrap();
        // Ideographs are full width, Latin proportional.
        assert!((f.em('設') - 1.0).abs() < 1e-3);
        assert!(f.em('i') < f.em('W'));
        assert!((f.width("設備", 10.0) - 20.0).abs() < 0.01);
    }

    #[test]
    fn bad_font_is_an_error() {
        let src = FontSource {
            bytes: Cow::Owned(vec![0u8; 64]),
            index: 0,
        };
        assert!(matches!(missing_glyphs(&src, "a"), Err(PdfError::Font(_))));
    }
}
