//! A reference docx (`--reference-docx`, as pandoc's `--reference-doc`): its styles, its page
//! set-up (the body's last `w:sectPr`) and the headers and footers that section names, with
//! whatever those parts link to (a logo). Its content is not used.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use crate::DocxError;
use crate::parts::{FOOTER_TYPE, HEADER_TYPE, MARGIN, PAGE_W, Rel, THEME_TYPE};

/// What a reference docx gives a report.
#[derive(Debug, Clone)]
pub struct Reference {
    pub(crate) styles: String,
    /// The section properties, relationship ids renamed to this package's (`rIdRef{n}`).
    pub(crate) sect_pr: String,
    /// Parts copied as they are: name in the package, bytes, content type (None: by extension).
    pub(crate) parts: Vec<(String, Vec<u8>, Option<&'static str>)>,
    /// Relationships of the document to the copied headers, footers and theme.
    pub(crate) rels: Vec<Rel>,
    /// Width between the margins, in twips.
    pub(crate) text_width: u32,
}

impl Clone for Rel {
    fn clone(&self) -> Self {
        Rel {
            id: self.id.clone(),
            kind: self.kind,
            target: self.target.clone(),
            external: self.external,
        }
    }
}

impl std::fmt::Debug for Rel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.id, self.kind, self.target)
    }
}

/// The parts of a zip, by name (only XML and the files parts link to are read).
struct Zip(BTreeMap<String, Vec<u8>>);

impl Zip {
    fn open(bytes: &[u8]) -> Result<Zip, DocxError> {
        let bad = |m: String| DocxError::Reference(m);
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| bad(format!("not a Word document (.docx is a zip file): {e}")))?;
        let mut parts = BTreeMap::new();
        for i in 0..archive.len() {
            let mut f = archive
                .by_index(i)
                .map_err(|e| bad(format!("damaged zip: {e}")))?;
            if f.is_dir() {
                continue;
            }
            let name = f
                .name()
                .map_err(|e| bad(format!("damaged zip: {e}")))?
                .into_owned();
            // A reference docx is a template of a few hundred kilobytes; a part over 64 MiB is
            // a zip bomb, not a style sheet.
            if f.size() > 64 << 20 {
                return Err(bad(format!("{name} is too large ({} bytes)", f.size())));
            }
            let mut buf = Vec::new();
            f.read_to_end(&mut buf)
                .map_err(|e| bad(format!("cannot read {name}: {e}")))?;
            parts.insert(name, buf);
        }
        Ok(Zip(parts))
    }

    fn text(&self, name: &str) -> Result<String, DocxError> {
        let bytes = self.0.get(name).ok_or_else(|| {
            DocxError::Reference(format!("not a Word document: it has no {name}"))
        })?;
        String::from_utf8(bytes.clone())
            .map_err(|_| DocxError::Reference(format!("{name} is not UTF-8 XML")))
    }
}

/// The value of attribute `name` in the start tag `tag`.
fn attr(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at > 0 && tag.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let q = rest.chars().next()?;
        if q != '"' && q != '\'' {
            return None;
        }
        let end = rest[1..].find(q)?;
        return Some(rest[1..1 + end].to_owned());
    }
    None
}

/// Every start tag `<name …>` in `xml`.
fn tags<'x>(xml: &'x str, name: &str) -> Vec<&'x str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = xml[from..].find(&open) {
        let at = from + i;
        let after = xml[at + open.len()..].chars().next();
        let end = xml[at..].find('>').map_or(xml.len(), |e| at + e + 1);
        if matches!(after, Some(' ' | '/' | '>' | '\t' | '\n' | '\r')) {
            out.push(&xml[at..end]);
        }
        from = end;
    }
    out
}

/// The body's section properties: the last `w:sectPr` of the document.
fn last_sect_pr(doc: &str) -> Option<&str> {
    let start = doc.rfind("<w:sectPr")?;
    let head_end = start + doc[start..].find('>')?;
    if doc.as_bytes()[head_end - 1] == b'/' {
        return Some(&doc[start..=head_end]);
    }
    let end = start + doc[start..].find("</w:sectPr>")? + "</w:sectPr>".len();
    Some(&doc[start..end])
}

/// A part's relationships file: `word/header1.xml` → `word/_rels/header1.xml.rels`.
fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// `target` of a relationship of a part in `word/`, as a package name.
fn resolve(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(abs) => abs.to_owned(),
        None => {
            let mut path: Vec<&str> = vec!["word"];
            for seg in target.split('/') {
                match seg {
                    ".." => {
                        path.pop();
                    }
                    "." | "" => {}
                    s => path.push(s),
                }
            }
            path.join("/")
        }
    }
}

/// Twips in a `w:w`-style attribute (`11906`, or Word's `11906.0`).
fn twips(tag: Option<&&str>, name: &str) -> Option<u32> {
    let v = attr(tag?, name)?;
    v.split('.').next()?.parse::<u32>().ok()
}

impl Reference {
    /// Reads a reference docx. A file that is not a zip, or lacks `word/styles.xml`,
    /// `word/document.xml` or a section's page set-up, is an error saying which.
    pub fn from_docx(bytes: &[u8]) -> Result<Reference, DocxError> {
        let zip = Zip::open(bytes)?;
        let styles = zip.text("word/styles.xml")?;
        if !styles.contains("<w:styles") {
            return Err(DocxError::Reference(
                "word/styles.xml has no w:styles element".into(),
            ));
        }
        let doc = zip.text("word/document.xml")?;
        let sect = last_sect_pr(&doc).ok_or_else(|| {
            DocxError::Reference("word/document.xml has no page set-up (w:sectPr)".into())
        })?;
        let doc_rels = zip.text("word/_rels/document.xml.rels").unwrap_or_default();
        let targets: BTreeMap<String, String> = tags(&doc_rels, "Relationship")
            .into_iter()
            .filter_map(|t| Some((attr(t, "Id")?, attr(t, "Target")?)))
            .collect();
        let mut r = Reference {
            styles,
            sect_pr: String::new(),
            parts: Vec::new(),
            rels: Vec::new(),
            text_width: PAGE_W - 2 * MARGIN,
        };
        let mut sect_pr = sect.to_owned();
        for (n, tag) in tags(sect, "w:headerReference")
            .into_iter()
            .chain(tags(sect, "w:footerReference"))
            .enumerate()
        {
            let header = tag.starts_with("<w:header");
            let Some(id) = attr(tag, "r:id") else {
                continue;
            };
            let target = targets.get(&id).ok_or_else(|| {
                DocxError::Reference(format!(
                    "the page set-up names {id}, which is not in word/_rels/document.xml.rels"
                ))
            })?;
            let source = resolve(target);
            let (kind, ctype) = if header {
                ("header", HEADER_TYPE)
            } else {
                ("footer", FOOTER_TYPE)
            };
            let name = format!("ref{kind}{}.xml", n + 1);
            r.copy_part(&zip, &source, &format!("word/{name}"), Some(ctype))?;
            let new_id = format!("rIdRef{}", n + 1);
            sect_pr = sect_pr.replace(&format!("\"{id}\""), &format!("\"{new_id}\""));
            r.rels.push(Rel {
                id: new_id,
                kind,
                target: name,
                external: false,
            });
        }
        if zip.0.contains_key("word/theme/theme1.xml") {
            r.copy_part(
                &zip,
                "word/theme/theme1.xml",
                "word/theme/theme1.xml",
                Some(THEME_TYPE),
            )?;
            r.rels.push(Rel {
                id: "rIdTheme".into(),
                kind: "theme",
                target: "theme/theme1.xml".into(),
                external: false,
            });
        }
        let pg_sz = tags(sect, "w:pgSz");
        let pg_mar = tags(sect, "w:pgMar");
        if let (Some(w), Some(left), Some(right)) = (
            twips(pg_sz.first(), "w:w"),
            twips(pg_mar.first(), "w:left"),
            twips(pg_mar.first(), "w:right"),
        ) {
            r.text_width = w.saturating_sub(left + right).max(1440);
        }
        r.sect_pr = sect_pr;
        Ok(r)
    }

    /// Copies part `source` as `name`, with its relationships and the parts they name.
    fn copy_part(
        &mut self,
        zip: &Zip,
        source: &str,
        name: &str,
        ctype: Option<&'static str>,
    ) -> Result<(), DocxError> {
        let bytes = zip.0.get(source).ok_or_else(|| {
            DocxError::Reference(format!("{source} is named but not in the file"))
        })?;
        self.parts.push((name.to_owned(), bytes.clone(), ctype));
        if let Some(rels) = zip.0.get(&rels_name(source)) {
            self.parts.push((rels_name(name), rels.clone(), None));
            let text = String::from_utf8_lossy(rels);
            for tag in tags(&text, "Relationship") {
                let external = attr(tag, "TargetMode").is_some_and(|m| m == "External");
                let Some(target) = attr(tag, "Target").filter(|_| !external) else {
                    continue;
                };
                let linked = resolve(&target);
                let known = self.parts.iter().any(|(n, _, _)| *n == linked);
                if let (false, Some(b)) = (known, zip.0.get(&linked)) {
                    self.parts.push((linked, b.clone(), None));
                }
            }
        }
        Ok(())
    }
}
