//! Font loading, glyph coverage and advance-width measurement.

use std::borrow::Cow;
use std::collections::HashMap;

use printpdf::ParsedFont;

use super::PdfError;

/// IPAex Gothic 004.01, unmodified (see `data/fonts/README.md` at the repository root). The
/// font stays in `data/fonts/` with its licence, beside the other shipped data, so the
/// repository holds one copy that the tests and benches can also pass as `--font`; this
/// crate is never published on its own, so reading it from outside the crate is fine.
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
        check_face_index(src)?;
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

/// Faces in a font file: the count of a TrueType/OpenType collection (`ttcf` header), else 1.
fn face_count(bytes: &[u8]) -> u32 {
    match (bytes.get(..4), bytes.get(8..12)) {
        (Some(b"ttcf"), Some(count)) => {
            u32::from_be_bytes([count[0], count[1], count[2], count[3]])
        }
        _ => 1,
    }
}

/// A face index past the last face is an error: the font parser would otherwise quietly use
/// the first face, and `--font-index 7` on a one-face font would be silently ignored.
fn check_face_index(src: &FontSource) -> Result<(), PdfError> {
    let faces = face_count(&src.bytes);
    if src.index < faces {
        return Ok(());
    }
    let which = if faces == 1 {
        "1 face (index 0)".to_owned()
    } else {
        format!("{faces} faces (index 0 to {})", faces.saturating_sub(1))
    };
    Err(PdfError::Font(format!(
        "face index {} does not exist: the font has {which}; fix --font-index (font_index in \
         kansa.toml)",
        src.index
    )))
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
    fn a_face_index_past_the_last_face_is_an_error() {
        let mut one = FontSource::builtin();
        assert!(Font::load(&one).is_ok());
        one.index = 7;
        let err = Font::load(&one).err().expect("index 7 of a one-face font");
        assert_eq!(
            err.to_string(),
            "font error: face index 7 does not exist: the font has 1 face (index 0); fix \
             --font-index (font_index in kansa.toml)"
        );
        let mut collection = b"ttcf\0\x01\0\0\0\0\0\x02".to_vec();
        collection.resize(64, 0);
        assert_eq!(face_count(&collection), 2);
        let two = FontSource {
            bytes: Cow::Owned(collection),
            index: 2,
        };
        assert!(
            check_face_index(&two)
                .unwrap_err()
                .to_string()
                .contains("the font has 2 faces (index 0 to 1)")
        );
    }

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
