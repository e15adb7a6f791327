//! Serializes the finished document with object streams and a compressed cross-reference
//! stream (PDF 1.5+).
//!
//! Why not lopdf's own writer: a tagged report has one structure element per heading,
//! paragraph, row and cell (about 8,000 in the example, 700,000 for 100k controls). Written
//! as plain indirect objects with a classic `xref` table they would add several hundred
//! kilobytes to the example; lopdf's object-stream writer clones every object and leaves the
//! cross-reference stream uncompressed. Here every non-stream object goes into deflated
//! object streams as it is written, and the structure elements never become lopdf objects at
//! all: `tags.rs` hands them over as bytes ([`Saver::raw`]).

use std::io::Write;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::stream::deflate;

/// Objects per object stream: large enough to compress well, small enough that a reader
/// decompresses little to reach one object.
const PER_STREAM: usize = 500;

/// Appends `obj` in PDF syntax.
pub(crate) fn object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => real(out, *r),
        Object::Name(n) => name(out, n),
        Object::String(s, StringFormat::Literal) => literal(out, s),
        Object::String(s, StringFormat::Hexadecimal) => hex(out, s),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => dictionary(out, d),
        Object::Stream(s) => {
            // Only reached for a stream nested in another object, which PDF forbids; written
            // as its dictionary so the output stays parseable.
            dictionary(out, &s.dict);
        }
        Object::Reference((id, generation)) => {
            write!(out, "{id} {generation} R").expect("writing to a Vec cannot fail");
        }
    }
}

fn dictionary(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in d.iter() {
        name(out, key);
        out.push(b' ');
        object(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A real number with at most six decimals and no trailing zeros (deterministic, and never
/// in exponent form, which PDF does not allow).
fn real(out: &mut Vec<u8>, r: f32) {
    let r = if r.is_finite() { r } else { 0.0 };
    let s = format!("{r:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    out.extend_from_slice(if s == "-0" { b"0" } else { s.as_bytes() });
}

/// A name, with `#xx` escapes for delimiters, `#` and bytes outside the printable range.
pub(crate) fn name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if (0x21..=0x7e).contains(&b) && !b"()<>[]{}/%#".contains(&b) {
            out.push(b);
        } else {
            write!(out, "#{b:02X}").expect("writing to a Vec cannot fail");
        }
    }
}

/// A literal string: backslash escapes for `\`, `(`, `)` and line ends (balanced
/// parentheses would be allowed unescaped; escaping all is simpler and always right).
fn literal(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'(');
    for &b in s {
        match b {
            b'\\' | b'(' | b')' => {
                out.push(b'\\');
                out.push(b);
            }
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out.push(b')');
}

/// A hexadecimal string.
pub(crate) fn hex(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'<');
    for b in s {
        write!(out, "{b:02X}").expect("writing to a Vec cannot fail");
    }
    out.push(b'>');
}

/// A text string (structure titles, alternate descriptions): UTF-16BE with a byte order mark,
/// as PDF requires for text outside PDFDocEncoding.
pub(crate) fn text_string(out: &mut Vec<u8>, s: &str) {
    hex(out, &utf16_bom(s));
}

/// `s` as UTF-16BE with a byte order mark: the bytes of a PDF text string outside
/// PDFDocEncoding (every text string kansa writes that is not plain ASCII).
pub(crate) fn utf16_bom(s: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    bytes
}

/// Where an object is found: at a byte offset, or as the n-th object of an object stream.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    At(u64),
    InStream(u32, u32),
}

/// Writes a PDF file object by object: streams directly, everything else batched into
/// deflated object streams, then a deflated cross-reference stream.
pub(crate) struct Saver<'a> {
    out: &'a mut dyn Write,
    written: u64,
    entries: Vec<Entry>,
    /// The object stream being filled: its objects' numbers and serialized bodies.
    batch: Vec<(u32, Vec<u8>)>,
    /// The next free object number, for object streams and the cross-reference stream.
    next_id: u32,
}

impl<'a> Saver<'a> {
    /// Writes the header; object numbers `>= first_free` are the saver's own.
    pub(crate) fn new(
        out: &'a mut dyn Write,
        version: &str,
        first_free: u32,
    ) -> std::io::Result<Self> {
        let mut s = Self {
            out,
            written: 0,
            entries: Vec::new(),
            batch: Vec::new(),
            next_id: first_free,
        };
        // The comment of four high bytes marks the file as binary (ISO 32000-1, 7.5.2).
        s.put(format!("%PDF-{version}\n").as_bytes())?;
        s.put(b"%\xe2\xe3\xcf\xd3\n")?;
        Ok(s)
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn set(&mut self, id: u32, e: Entry) {
        let i = id as usize;
        if self.entries.len() <= i {
            self.entries.resize(i + 1, Entry::Free);
        }
        self.entries[i] = e;
    }

    /// Writes (or batches) object `id`.
    pub(crate) fn object(&mut self, id: ObjectId, obj: &Object) -> std::io::Result<()> {
        match obj {
            Object::Stream(s) => {
                let mut dict = s.dict.clone();
                dict.set("Length", s.content.len() as i64);
                let mut head = Vec::with_capacity(64);
                writeln!(head, "{} 0 obj", id.0).expect("writing to a Vec cannot fail");
                dictionary(&mut head, &dict);
                head.extend_from_slice(b"\nstream\n");
                self.set(id.0, Entry::At(self.written));
                self.put(&head)?;
                self.out.write_all(&s.content)?;
                self.written += s.content.len() as u64;
                self.put(b"\nendstream\nendobj\n")
            }
            other => {
                let mut body = Vec::with_capacity(32);
                object(&mut body, other);
                self.raw(id.0, body)
            }
        }
    }

    /// Batches object `id`, already serialized (no `obj`/`endobj`, no stream).
    pub(crate) fn raw(&mut self, id: u32, body: Vec<u8>) -> std::io::Result<()> {
        self.batch.push((id, body));
        if self.batch.len() >= PER_STREAM {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// Writes the pending objects as one object stream.
    fn flush_batch(&mut self) -> std::io::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let stream_id = self.next_id;
        self.next_id += 1;
        let mut index = Vec::with_capacity(batch.len() * 8);
        let mut bodies = Vec::new();
        for (n, (id, body)) in batch.iter().enumerate() {
            write!(index, "{id} {} ", bodies.len()).expect("writing to a Vec cannot fail");
            bodies.extend_from_slice(body);
            bodies.push(b'\n');
            self.set(*id, Entry::InStream(stream_id, n as u32));
        }
        let first = index.len();
        index.extend_from_slice(&bodies);
        let data = deflate(&index);
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"ObjStm".to_vec()));
        dict.set("N", batch.len() as i64);
        dict.set("First", first as i64);
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let stream = lopdf::Stream::new(dict, data);
        self.object((stream_id, 0), &Object::Stream(stream))
    }

    /// Writes the last object stream, the cross-reference stream (with the trailer's entries:
    /// `trailer` gives /Root, /Info, /ID) and the end of the file.
    pub(crate) fn finish(mut self, trailer: &Dictionary) -> std::io::Result<()> {
        self.flush_batch()?;
        let xref_id = self.next_id;
        let start = self.written;
        self.set(xref_id, Entry::At(start));
        let size = self.entries.len();
        // Field widths: type (1 byte), offset or stream number, index in the stream.
        let big = self.entries.iter().fold(0u64, |m, e| match *e {
            Entry::At(o) => m.max(o),
            Entry::InStream(s, _) => m.max(u64::from(s)),
            Entry::Free => m,
        });
        let w2 = bytes_for(big);
        let w3 = bytes_for(self.entries.iter().fold(0u64, |m, e| match *e {
            Entry::InStream(_, i) => m.max(u64::from(i)),
            _ => m,
        }));
        let mut rows = Vec::with_capacity(size * (1 + w2 + w3));
        for e in &self.entries {
            let (t, f2, f3) = match *e {
                Entry::Free => (0u8, 0u64, if rows.is_empty() { 65535 } else { 0 }),
                Entry::At(o) => (1, o, 0),
                Entry::InStream(s, i) => (2, u64::from(s), u64::from(i)),
            };
            rows.push(t);
            rows.extend_from_slice(&f2.to_be_bytes()[8 - w2..]);
            rows.extend_from_slice(&f3.to_be_bytes()[8 - w3..]);
        }
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"XRef".to_vec()));
        dict.set("Size", size as i64);
        dict.set(
            "W",
            Object::Array(vec![1.into(), (w2 as i64).into(), (w3 as i64).into()]),
        );
        for key in [b"Root".as_slice(), b"Info", b"ID"] {
            if let Ok(v) = trailer.get(key) {
                dict.set(key, v.clone());
            }
        }
        // The PNG "Up" predictor: each row as its difference from the one above (offsets grow
        // slowly, object stream indexes repeat), which deflates to a fraction.
        let columns = 1 + w2 + w3;
        let mut predicted = Vec::with_capacity(rows.len() + rows.len() / columns);
        let mut above = vec![0u8; columns];
        for row in rows.chunks(columns) {
            predicted.push(2);
            for (b, up) in row.iter().zip(above.iter_mut()) {
                predicted.push(b.wrapping_sub(*up));
                *up = *b;
            }
        }
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        dict.set(
            "DecodeParms",
            Dictionary::from_iter([
                ("Predictor", 12.into()),
                ("Columns", (columns as i64).into()),
            ]),
        );
        let stream = lopdf::Stream::new(dict, deflate(&predicted));
        self.object((xref_id, 0), &Object::Stream(stream))?;
        self.put(format!("startxref\n{start}\n%%EOF\n").as_bytes())?;
        self.out.flush()
    }
}

/// Bytes needed to hold `v` (at least one).
fn bytes_for(v: u64) -> usize {
    (((64 - v.leading_zeros()) as usize).div_ceil(8)).max(1)
}

/// Writes `lo` (its objects in number order) plus the `extra` pre-serialized objects, whose
/// numbers lie above `lo.max_id`.
pub(crate) fn save(
    lo: &lopdf::Document,
    extra: impl Iterator<Item = (u32, Vec<u8>)>,
    extra_count: u32,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut saver = Saver::new(out, &lo.version, lo.max_id + 1 + extra_count)?;
    for (&id, obj) in &lo.objects {
        saver.object(id, obj)?;
    }
    for (id, body) in extra {
        saver.raw(id, body)?;
    }
    saver.finish(&lo.trailer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_written_in_pdf_syntax() {
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"A b#".to_vec()));
        d.set("S", Object::string_literal("x(y)\\"));
        d.set(
            "H",
            Object::String(vec![0xfe, 0xff], StringFormat::Hexadecimal),
        );
        d.set(
            "K",
            Object::Array(vec![
                1.into(),
                Object::Real(0.5),
                Object::Reference((3, 0)),
                Object::Null,
            ]),
        );
        let mut out = Vec::new();
        object(&mut out, &Object::Dictionary(d));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type /A#20b#23/S (x\\(y\\)\\\\)/H <FEFF>/K [1 0.5 3 0 R null]>>"
        );
    }

    #[test]
    fn a_saved_document_reads_back_with_its_object_streams() {
        let mut lo = lopdf::Document::with_version("1.7");
        let pages = lo.new_object_id();
        let page = lo.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages)),
            (
                "MediaBox",
                Object::Array(vec![0.into(), 0.into(), 100.into(), 100.into()]),
            ),
        ]));
        lo.objects.insert(
            pages,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"Pages".to_vec())),
                ("Kids", Object::Array(vec![Object::Reference(page)])),
                ("Count", 1.into()),
            ])),
        );
        let catalog = lo.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages)),
            ("Extra", Object::Reference((lo.max_id + 1, 0))),
        ]));
        lo.trailer.set("Root", Object::Reference(catalog));
        let extra_id = lo.max_id + 1;
        let mut out = Vec::new();
        save(
            &lo,
            std::iter::once((extra_id, b"(hello)".to_vec())),
            1,
            &mut out,
        )
        .unwrap();
        assert!(out.starts_with(b"%PDF-1.7\n") && out.ends_with(b"%%EOF\n"));
        let back = lopdf::Document::load_mem(&out).expect("reads back");
        assert_eq!(back.get_pages().len(), 1);
        let extra = back.get_object((extra_id, 0)).unwrap();
        assert_eq!(extra.as_str().unwrap(), b"hello");
    }
}
