//! Drop TrueType hinting from the embedded font subset.
//!
//! IPAex Gothic carries bytecode hints in almost every glyph (and `fpgm`, `prep`, `cvt`), which
//! PDF viewers do not need: they rasterise outlines themselves. Removing them shrinks the subset
//! by about 40% (for the example report, 201 KB → 114 KB compressed) without changing a single
//! outline, advance width or character mapping. The font file shipped in `data/fonts/` stays
//! unmodified; only the subset embedded in the PDF is affected.
//!
//! Anything unexpected (not TrueType, truncated tables) returns `None` and the font is embedded
//! as printpdf wrote it.

const DROPPED: [&[u8; 4]; 3] = [b"fpgm", b"prep", b"cvt "];

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

struct Table<'a> {
    tag: [u8; 4],
    data: std::borrow::Cow<'a, [u8]>,
}

fn tables(font: &[u8]) -> Option<Vec<Table<'_>>> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count)
        .map(|i| {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
            let (offset, length) = (
                u32_at(font, rec + 8)? as usize,
                u32_at(font, rec + 12)? as usize,
            );
            let data = font.get(offset..offset.checked_add(length)?)?;
            Some(Table {
                tag,
                data: data.into(),
            })
        })
        .collect()
}

/// One glyph without its instructions.
fn strip_glyph(g: &[u8]) -> Option<Vec<u8>> {
    if g.is_empty() {
        return Some(Vec::new());
    }
    let contours = i16::from_be_bytes(g.get(0..2)?.try_into().ok()?);
    if contours >= 0 {
        let n = contours as usize;
        let ins_at = 10 + 2 * n;
        let ins_len = usize::from(u16_at(g, ins_at)?);
        let rest = g.get(ins_at + 2 + ins_len..)?;
        let mut out = Vec::with_capacity(g.len());
        out.extend_from_slice(g.get(..ins_at)?);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(rest);
        return Some(out);
    }
    // Composite: walk the components; the instructions (if any) follow the last one.
    let mut at = 10;
    let mut last_flags_at;
    loop {
        last_flags_at = at;
        let flags = u16_at(g, at)?;
        at += 4; // flags, glyph index
        at += if flags & 0x0001 != 0 { 4 } else { 2 };
        at += match flags {
            f if f & 0x0008 != 0 => 2,
            f if f & 0x0040 != 0 => 4,
            f if f & 0x0080 != 0 => 8,
            _ => 0,
        };
        if flags & 0x0020 == 0 {
            break;
        }
    }
    let mut out = g.get(..at)?.to_vec();
    let flags = u16_at(&out, last_flags_at)? & !0x0100;
    out[last_flags_at..last_flags_at + 2].copy_from_slice(&flags.to_be_bytes());
    Some(out)
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The font without hinting, or `None` to keep it as it is.
pub(crate) fn strip_hints(font: &[u8]) -> Option<Vec<u8>> {
    if u32_at(font, 0)? != 0x0001_0000 {
        return None; // not a TrueType outline font
    }
    let mut tables = tables(font)?;
    let find = |tables: &[Table], tag: &[u8; 4]| tables.iter().position(|t| &t.tag == tag);
    let (head, loca, glyf, maxp) = (
        find(&tables, b"head")?,
        find(&tables, b"loca")?,
        find(&tables, b"glyf")?,
        find(&tables, b"maxp")?,
    );
    let long = i16::from_be_bytes(tables[head].data.get(50..52)?.try_into().ok()?) == 1;
    let glyphs = usize::from(u16_at(&tables[maxp].data, 4)?);
    let offset = |i: usize| -> Option<usize> {
        let l = &tables[loca].data;
        if long {
            u32_at(l, 4 * i).map(|v| v as usize)
        } else {
            u16_at(l, 2 * i).map(|v| 2 * usize::from(v))
        }
    };
    let mut new_glyf = Vec::with_capacity(tables[glyf].data.len());
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for i in 0..glyphs {
        let (start, end) = (offset(i)?, offset(i + 1)?);
        let glyph = strip_glyph(tables[glyf].data.get(start..end)?)?;
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        new_glyf.extend_from_slice(&glyph);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut head_data = tables[head].data.to_vec();
    head_data[50..52].copy_from_slice(&1i16.to_be_bytes()); // long loca offsets
    head_data[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment, set below
    let mut maxp_data = tables[maxp].data.to_vec();
    if maxp_data.len() >= 28 {
        maxp_data[26..28].copy_from_slice(&[0, 0]); // maxSizeOfInstructions
    }
    tables[head].data = head_data.into();
    tables[maxp].data = maxp_data.into();
    tables[loca].data = new_loca.into();
    tables[glyf].data = new_glyf.into();
    tables.retain(|t| !DROPPED.contains(&&t.tag));
    tables.sort_by_key(|t| t.tag);
    Some(assemble(&tables))
}

/// Write an sfnt with a fresh table directory and checksums.
fn assemble(tables: &[Table]) -> Vec<u8> {
    let n = tables.len() as u16;
    let pow = 1u16 << (15 - n.leading_zeros() as u16).min(15);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, pow * 16, pow.trailing_zeros() as u16, n * 16 - pow * 16] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for t in tables {
        out.extend_from_slice(&t.tag);
        out.extend_from_slice(&checksum(&t.data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(t.data.len() as u32).to_be_bytes());
        offset += t.data.len().next_multiple_of(4);
    }
    for t in tables {
        if &t.tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend_from_slice(&t.data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_glyph_loses_only_its_instructions() {
        // 1 contour, bbox, endPts [2], 3 instruction bytes, then flags/coords "XYZ".
        let g = [
            0, 1, 0, 0, 0, 0, 0, 9, 0, 9, 0, 2, 0, 3, 0xAA, 0xBB, 0xCC, b'X', b'Y', b'Z',
        ];
        let s = strip_glyph(&g).unwrap();
        assert_eq!(
            s,
            [0, 1, 0, 0, 0, 0, 0, 9, 0, 9, 0, 2, 0, 0, b'X', b'Y', b'Z']
        );
    }

    #[test]
    fn composite_glyph_drops_trailing_instructions_and_flag() {
        // -1 contours, bbox, one component: flags WE_HAVE_INSTRUCTIONS|ARGS_ARE_XY (0x0102),
        // glyph 5, byte args (2), then 2 instruction bytes.
        let g = [
            0xFF, 0xFF, 0, 0, 0, 0, 0, 9, 0, 9, 0x01, 0x02, 0, 5, 1, 2, 0, 2, 0xAA, 0xBB,
        ];
        let s = strip_glyph(&g).unwrap();
        assert_eq!(
            s,
            [0xFF, 0xFF, 0, 0, 0, 0, 0, 9, 0, 9, 0x00, 0x02, 0, 5, 1, 2]
        );
    }

    #[test]
    fn builtin_font_survives_and_shrinks() {
        let font = super::super::FontSource::builtin();
        let stripped = strip_hints(&font.bytes).expect("BIZ UDPGothic is TrueType");
        // BIZ UDPGothic is lightly hinted: about a fifth of the file.
        assert!(
            stripped.len() < font.bytes.len() * 9 / 10,
            "{} → {}",
            font.bytes.len(),
            stripped.len()
        );
        let t = tables(&stripped).unwrap();
        assert!(t.iter().all(|t| !DROPPED.contains(&&t.tag)));
        // Same glyph count and a parseable result.
        assert_eq!(
            u16_at(&t.iter().find(|t| &t.tag == b"maxp").unwrap().data, 4),
            u16_at(
                &tables(&font.bytes)
                    .unwrap()
                    .iter()
                    .find(|t| &t.tag == b"maxp")
                    .unwrap()
                    .data,
                4
            )
        );
        let (_, missing) = (
            0,
            super::super::missing_glyphs(
                &super::super::FontSource {
                    bytes: stripped.into(),
                    index: 0,
                },
                "設備基準",
            )
            .unwrap(),
        );
        assert!(missing.is_empty());
    }
}
