//! Font loading, glyph coverage and advance-width measurement.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use printpdf::ParsedFont;

use super::PdfError;

/// The bundled faces (see `data/fonts/README.md` at the repository root), unmodified. They
/// stay in `data/fonts/` with their licences, beside the other shipped data, so the
/// repository holds one copy that the tests and benches can also pass as `--font`; this
/// crate is never published on its own, so reading them from outside the crate is fine.
///
/// Morisawa BIZ UDPGothic (proportional, regular and a real bold) sets the text, BIZ
/// UDGothic (fixed pitch) code spans, and IPAex Gothic draws what the BIZ UD faces lack.
static BUILTIN_REGULAR: &[u8] = include_bytes!("../../../data/fonts/BIZUDPGothic-Regular.ttf");
static BUILTIN_BOLD: &[u8] = include_bytes!("../../../data/fonts/BIZUDPGothic-Bold.ttf");
static BUILTIN_MONO: &[u8] = include_bytes!("../../../data/fonts/BIZUDGothic-Regular.ttf");
static BUILTIN_FALLBACK: &[u8] = include_bytes!("../../../data/fonts/ipaexg.ttf");

/// The body font: raw sfnt bytes plus the face index inside a collection (`0` for a plain
/// `.ttf`/`.otf`). The built-in one brings its family (bold, fixed pitch, fallback); a font
/// given instead replaces the body face, with bold drawn by stroking its outlines and the
/// built-in IPAex Gothic as the fallback for characters it lacks.
#[derive(Debug, Clone)]
pub struct FontSource {
    /// The font file's bytes.
    pub bytes: Cow<'static, [u8]>,
    /// Face index inside a TrueType/OpenType collection; `0` otherwise.
    pub index: u32,
}

impl FontSource {
    /// The bundled BIZ UDPGothic family (compiled into the binary).
    pub fn builtin() -> Self {
        Self::borrowed(BUILTIN_REGULAR)
    }

    fn borrowed(bytes: &'static [u8]) -> Self {
        Self {
            bytes: Cow::Borrowed(bytes),
            index: 0,
        }
    }

    /// Whether this is the built-in body face (which brings its bold and fixed-pitch faces).
    fn is_builtin(&self) -> bool {
        matches!(&self.bytes, Cow::Borrowed(b) if b.as_ptr() == BUILTIN_REGULAR.as_ptr())
    }
}

impl Default for FontSource {
    fn default() -> Self {
        Self::builtin()
    }
}

/// The faces of the family, by their index in [`Font`] (and their font resource in the PDF,
/// `stream.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Slot {
    Regular = 0,
    Bold = 1,
    Mono = 2,
    Fallback = 3,
}

impl Slot {
    pub(crate) const ALL: [Slot; 4] = [Slot::Regular, Slot::Bold, Slot::Mono, Slot::Fallback];
}

/// How a run of text is set: which face it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Look {
    pub(crate) bold: bool,
    pub(crate) mono: bool,
}

/// The family: a face per [`Slot`] (bold, fixed pitch and fallback may be absent). Each
/// face is parsed when first asked for a character, so a report that needs no fallback
/// never parses IPAex Gothic, and a glyph check never parses the bold face.
pub(crate) struct Font {
    faces: [Option<Face>; 4],
    /// The built-in faces not parsed yet.
    pending: [Option<&'static [u8]>; 4],
    /// Per character and look: the face that draws it, its glyph and advance (em).
    cache: HashMap<u32, (Slot, u16, f32), BuildHasherDefault<CharHasher>>,
}

/// A hasher for the glyph cache's keys (a character and a look in one `u32`): looked up for
/// every character measured and drawn, where SipHash took a sixth of the PDF's time.
#[derive(Default)]
pub(crate) struct CharHasher(u64);

impl Hasher for CharHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u32(&mut self, v: u32) {
        // Fibonacci hashing: spreads consecutive code points over the table.
        self.0 = u64::from(v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl Font {
    /// The family for `src`: the built-in one, or `src` as the body face with IPAex Gothic as
    /// its fallback. The body face is parsed at once (its errors are the user's to fix).
    pub(crate) fn load(src: &FontSource) -> Result<Self, PdfError> {
        let builtin = src.is_builtin();
        let family = |bytes: &'static [u8]| builtin.then_some(bytes);
        Ok(Self {
            faces: [Some(Face::load(src)?), None, None, None],
            pending: [
                None,
                family(BUILTIN_BOLD),
                family(BUILTIN_MONO),
                Some(BUILTIN_FALLBACK),
            ],
            cache: HashMap::with_capacity_and_hasher(4096, BuildHasherDefault::default()),
        })
    }

    /// The face in `slot`, parsed now if it was not yet.
    fn face_mut(&mut self, slot: Slot) -> Option<&mut Face> {
        let i = slot as usize;
        if let Some(bytes) = self.pending[i].take() {
            // The built-in faces are known good; one that failed to parse would just be absent.
            self.faces[i] = Face::load(&FontSource::borrowed(bytes)).ok();
        }
        self.faces[i].as_mut()
    }

    /// Takes the parsed faces out (to embed them), leaving the family empty.
    pub(crate) fn take_faces(&mut self) -> [Option<Face>; 4] {
        self.pending = [None; 4];
        std::mem::take(&mut self.faces)
    }

    /// The face, glyph and advance (em) that draw `c` in `look`: the face the look asks for
    /// if it has the character, else the body face, else the fallback; glyph 0 when none has
    /// it (checked before layout: `missing_in`).
    pub(crate) fn pick(&mut self, c: char, look: Look) -> (Slot, u16, f32) {
        let key = (c as u32) << 2 | u32::from(look.bold) | (u32::from(look.mono) << 1);
        if let Some(hit) = self.cache.get(&key) {
            return *hit;
        }
        let wanted = match (look.mono, look.bold) {
            (true, _) => Slot::Mono,
            (false, true) => Slot::Bold,
            (false, false) => Slot::Regular,
        };
        let mut found = (Slot::Regular, 0, if c.is_control() { 0.0 } else { 0.5 });
        for slot in [wanted, Slot::Regular, Slot::Fallback] {
            if let Some(face) = self.face_mut(slot) {
                let (gid, em) = face.glyph(c);
                if gid != 0 {
                    found = (slot, gid, em);
                    break;
                }
            }
        }
        self.cache.insert(key, found);
        found
    }

    /// Whether some face of the family can draw `c`.
    pub(crate) fn has_glyph(&mut self, c: char) -> bool {
        self.pick(c, Look::default()).1 != 0
    }

    /// Advance of `c` in the body face (or the fallback), in em.
    pub(crate) fn em(&mut self, c: char) -> f32 {
        self.pick(c, Look::default()).2
    }

    /// Advance of `c` set in `look`, in em.
    pub(crate) fn em_in(&mut self, c: char, look: Look) -> f32 {
        self.pick(c, look).2
    }

    /// `s` cut to fit `max` points at `size`, with an ellipsis when cut.
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

    /// Width of `s` at `size` points, in the body face.
    pub(crate) fn width(&mut self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.em(c)).sum::<f32>() * size
    }

    /// Width of `s` at `size` points, set in `look`.
    pub(crate) fn width_in(&mut self, s: &str, size: f32, look: Look) -> f32 {
        s.chars().map(|c| self.em_in(c, look)).sum::<f32>() * size
    }
}

/// One face: parsed once, glyph ids and advances cached per character.
pub(crate) struct Face {
    pub(crate) parsed: ParsedFont,
    upm: f32,
    glyphs: HashMap<char, (u16, f32)>,
}

impl Face {
    /// Parses the font (and checks the face index).
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

    /// Glyph id (0 when missing) and advance width in em (0.5 for missing glyphs, 0 for
    /// control characters).
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
}

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
///
/// Reads only the fonts' character maps (ttf-parser, no copy of the font): a full parse of the
/// body face here, before the typesetter parses it again, cost a fifth of the example PDF's
/// time in page faults alone.
pub fn missing_glyphs(font: &FontSource, text: &str) -> Result<Vec<char>, PdfError> {
    check_face_index(font)?;
    let cannot =
        |e: ttf_parser::FaceParsingError| PdfError::Font(format!("cannot parse font: {e}"));
    let body = ttf_parser::Face::parse(&font.bytes, font.index).map_err(cannot)?;
    let fallback = ttf_parser::Face::parse(BUILTIN_FALLBACK, 0).map_err(cannot)?;
    let mut out: Vec<char> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in text.chars() {
        if is_checked(c)
            && seen.insert(c)
            && body.glyph_index(c).is_none()
            && fallback.glyph_index(c).is_none()
        {
            out.push(c);
        }
    }
    Ok(out)
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
        one.bytes = Cow::Borrowed(BUILTIN_FALLBACK);
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
