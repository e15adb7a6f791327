//! `kansa report --format docx` and pack format `docx`: the package opened as Word would
//! (zip + XML): every control, heading styles, repeating header rows, East Asian fonts,
//! bookmarks for every link, determinism, and the reference docx.

use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use crate::pack::run_pack;
use crate::{EXAMPLE_ANSWERS, example_report, kansa, outcome, root};

/// The parts of a docx, by name.
fn parts(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().into_owned(), b)
        })
        .collect()
}

fn part(docx: &[u8], name: &str) -> String {
    let (_, b) = parts(docx)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in the docx"));
    String::from_utf8(b).unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of every `<w:t>` element, in order.
fn runs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        if !rest.starts_with('>') && !rest.starts_with(' ') {
            continue;
        }
        let open = rest.find('>').unwrap();
        if rest[..open].ends_with('/') {
            rest = &rest[open + 1..];
            continue;
        }
        let end = rest.find("</w:t>").unwrap();
        out.push(unescape(&rest[open + 1..end]));
        rest = &rest[end..];
    }
    out
}

/// Every value of attribute `attr` (e.g. `w:anchor="`) in `xml`.
fn values(xml: &str, attr: &str) -> Vec<String> {
    xml.split(attr)
        .skip(1)
        .map(|s| unescape(&s[..s.find('"').unwrap()]))
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn example_docx_has_every_control_styles_and_structure() {
    let docx = example_report("docx", &[]);
    assert!(docx.starts_with(b"PK"), "a zip package");
    let doc = part(&docx, "word/document.xml");
    let texts = runs(&doc);
    let all = squeeze(&texts.concat());
    let catalogue = kansa::load::load_catalogue("fisc-2012").unwrap();
    assert_eq!(catalogue.controls.len(), 251);
    let mut missing = Vec::new();
    for c in &catalogue.controls {
        // The id is a run of its own (the details row's first cell), the text follows it.
        let id_run = texts.iter().any(|t| t == &c.id);
        if !id_run || !all.contains(&squeeze(&format!("{}{}", c.id, c.text))) {
            missing.push(c.id.clone());
        }
    }
    assert!(missing.is_empty(), "not in the docx: {missing:?}");
    for style in [
        "Title",
        "Heading1",
        "Heading2",
        "TOC1",
        "TableHeading",
        "TableText",
    ] {
        assert!(
            doc.contains(&format!("<w:pStyle w:val=\"{style}\"/>")),
            "{style} not used"
        );
    }
    let styles = part(&docx, "word/styles.xml");
    for name in [
        "heading 1",
        "heading 2",
        "heading 3",
        "heading 4",
        "Title",
        "toc 1",
    ] {
        assert!(
            styles.contains(&format!("<w:name w:val=\"{name}\"/>")),
            "{name}"
        );
    }
    assert!(
        styles.contains("w:eastAsia=\"BIZ UDGothic\""),
        "East Asian font"
    );
    assert!(
        styles.contains("w:eastAsia=\"ja-JP\""),
        "Japanese language tag"
    );
    // Every table with a header row repeats it; the details' short rows are kept whole.
    let header_rows = doc.matches("<w:tblHeader/>").count();
    assert!(header_rows >= 10, "{header_rows} repeating header rows");
    let (rows, whole) = (
        doc.matches("<w:tr>").count(),
        doc.matches("<w:cantSplit/>").count(),
    );
    assert!(
        whole > 100 && whole < rows,
        "{whole} of {rows} rows kept whole: short rows only"
    );
    assert!(doc.contains("<w:instrText xml:space=\"preserve\"> TOC \\o"));
    assert!(part(&docx, "word/footer1.xml").contains("w:instr=\" PAGE \""));
    assert!(
        doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"),
        "A4 portrait"
    );
    assert!(doc.contains("w:top=\"1020\" w:right=\"1020\" w:bottom=\"1020\" w:left=\"1020\""));
    // Status in colour and words: a red badge says 未実施 or 一部実施, a green one 実施済.
    assert!(doc.contains("w:fill=\"DEF2E3\"") && doc.contains("w:fill=\"FCE0DE\""));
}

#[test]
fn every_internal_link_has_its_bookmark() {
    let docx = example_report("docx", &[]);
    let doc = part(&docx, "word/document.xml");
    let marks: BTreeSet<String> = values(&doc, "w:bookmarkStart w:id=\"")
        .iter()
        .zip(values(&doc, "\" w:name=\""))
        .map(|(_, name)| name)
        .collect();
    let marks_in_order = values(&doc, "\" w:name=\"");
    assert_eq!(
        marks.len(),
        marks_in_order.len(),
        "a bookmark name is used twice"
    );
    let anchors = values(&doc, "<w:hyperlink w:anchor=\"");
    assert!(anchors.len() > 24 + 10, "{} internal links", anchors.len());
    let dangling: Vec<&String> = anchors.iter().filter(|a| !marks.contains(*a)).collect();
    assert!(dangling.is_empty(), "links to no bookmark: {dangling:?}");
    // One bookmark per control, named like the HTML anchors (`c-設1`).
    let controls = marks.iter().filter(|m| m.starts_with("c-")).count();
    assert_eq!(controls, 251);
    assert!(marks.contains("c-設1"));
    // The findings register links to the details.
    assert!(anchors.iter().any(|a| a.starts_with("c-運")));
}

#[test]
fn same_inputs_give_identical_docx() {
    let a = example_report("docx", &[]);
    assert_eq!(a, example_report("docx", &[]));
    let core = part(&a, "docProps/core.xml");
    assert!(
        core.contains("2026-11-25T00:00:00Z"),
        "date from --date: {core}"
    );
    for (name, _) in parts(&a) {
        assert!(!name.starts_with('/') && !name.contains(".."), "{name}");
    }
}

/// The default reference docx (`templates export`) with another font and other margins.
fn house_reference(dir: &Path) -> std::path::PathBuf {
    let out = kansa()
        .args(["templates", "export"])
        .arg(dir.join("tpl"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let base = std::fs::read(dir.join("tpl/reference.docx")).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts(&base) {
        let mut text = String::from_utf8(bytes).unwrap();
        if name == "word/styles.xml" {
            text = text.replace("BIZ UDGothic", "IPAexMincho");
        }
        if name == "word/document.xml" {
            text = text.replace("w:left=\"1020\"", "w:left=\"1701\"");
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    let path = dir.join("house.docx");
    std::fs::write(&path, w.finish().unwrap().into_inner()).unwrap();
    path
}

#[test]
fn reference_docx_gives_fonts_and_margins() {
    let dir = tempfile::tempdir().unwrap();
    let house = house_reference(dir.path());
    let plain = example_report("docx", &[]);
    let docx = example_report("docx", &["--reference-docx", house.to_str().unwrap()]);
    assert_ne!(plain, docx);
    let styles = part(&docx, "word/styles.xml");
    assert!(
        styles.contains("w:eastAsia=\"IPAexMincho\""),
        "the reference's font"
    );
    assert!(!styles.contains("BIZ UDGothic"));
    let doc = part(&docx, "word/document.xml");
    assert!(
        doc.contains("w:left=\"1701\""),
        "the reference's left margin"
    );
    // The narrower text area is what the tables are sized to: their columns add up to it.
    let grid: u32 = values(&doc, "<w:gridCol w:w=\"")
        .iter()
        .take(2)
        .map(|w| w.parse::<u32>().unwrap())
        .sum();
    assert_eq!(grid, 11906 - 1701 - 1020, "cover table columns");
    let names: Vec<String> = parts(&docx).into_iter().map(|(n, _)| n).collect();
    assert!(
        names.contains(&"word/refheader1.xml".to_owned()),
        "{names:?}"
    );
    // The export refuses to overwrite, as for the templates.
    let again = kansa()
        .args(["templates", "export"])
        .arg(dir.path().join("tpl"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "{}", outcome(&again));
    // --templates DIR still loads with reference.docx in it.
    let tpl = dir.path().join("tpl");
    example_report("docx", &["--templates", tpl.to_str().unwrap()]);
}

#[test]
fn bad_reference_docx_is_an_input_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("house.docx");
    std::fs::write(&bad, "not a zip").unwrap();
    let target = dir.path().join("r.docx");
    let mut cmd = kansa();
    cmd.args(["report", "--date", "2026-11-25", "-o"])
        .arg(&target);
    for a in EXAMPLE_ANSWERS {
        cmd.args(["--answers", a]);
    }
    let out = cmd.arg("--reference-docx").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("house.docx: cannot use it as a reference docx"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert!(!target.exists(), "no docx written");
    let pdf = kansa()
        .args([
            "report",
            "--date",
            "2026-11-25",
            "--format",
            "pdf",
            "--reference-docx",
        ])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(pdf.status.code(), Some(2), "{}", outcome(&pdf));
}

#[test]
fn pack_writes_report_docx_with_its_reference() {
    let dir = tempfile::tempdir().unwrap();
    // house.docx beside the config, which names it.
    house_reference(dir.path());
    let overlays: Vec<String> = EXAMPLE_ANSWERS
        .iter()
        .map(|p| format!("{:?}", root().join(p).display().to_string()))
        .collect();
    let config = dir.path().join("kansa.toml");
    std::fs::write(
        &config,
        format!(
            "[[pack]]\nname = \"bank\"\noverlays = [{}]\ndate = \"2026-11-25\"\nformats = [\"docx\"]\nreference_docx = \"house.docx\"\n",
            overlays.join(", ")
        ),
    )
    .unwrap();
    let out = run_pack(&config, &dir.path().join("packs"), &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    let docx = std::fs::read(dir.path().join("packs/bank/report.docx")).unwrap();
    assert!(part(&docx, "word/styles.xml").contains("IPAexMincho"));
    let sums = std::fs::read_to_string(dir.path().join("packs/bank/SHA256SUMS")).unwrap();
    assert!(sums.contains("report.docx"), "{sums}");
    // reference_docx without "docx" in formats is refused, located.
    std::fs::write(
        &config,
        "[[pack]]\nname = \"bank\"\noverlays = []\nformats = [\"md\"]\nreference_docx = \"house.docx\"\n",
    )
    .unwrap();
    let out = run_pack(&config, &dir.path().join("packs2"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("reference_docx applies only to Word output"),
        "{}",
        outcome(&out)
    );
}

#[test]
fn changes_since_the_baseline_are_in_the_docx() {
    let dir = tempfile::tempdir().unwrap();
    let overlays = |extra: &[&Path]| -> String {
        EXAMPLE_ANSWERS
            .iter()
            .map(|p| root().join(p))
            .chain(extra.iter().map(|p| p.to_path_buf()))
            .map(|p| format!("{:?}", p.display().to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let config = dir.path().join("kansa.toml");
    let write = |list: String| {
        std::fs::write(
            &config,
            format!("[[pack]]\nname = \"bank\"\noverlays = [{list}]\ndate = \"2026-11-25\"\nformats = [\"docx\"]\n"),
        )
        .unwrap()
    };
    write(overlays(&[]));
    let packs = dir.path().join("packs");
    assert!(run_pack(&config, &packs, &[]).status.success());
    let baseline = dir.path().join("baseline");
    std::fs::rename(packs.join("bank"), &baseline).unwrap();
    // 運24 was implemented; tonight it is partial.
    let tonight = dir.path().join("tonight.csv");
    std::fs::write(&tonight, "id,status\n運24,partial\n").unwrap();
    write(overlays(&[&tonight]));
    let out = run_pack(&config, &packs, &["--baseline", baseline.to_str().unwrap()]);
    assert!(out.status.success(), "{}", outcome(&out));
    let docx = std::fs::read(packs.join("bank/report.docx")).unwrap();
    let doc = part(&docx, "word/document.xml");
    let texts = runs(&doc);
    // The last mention: the heading itself (the contents list it first).
    let heading = texts
        .iter()
        .rposition(|t| t == "前回からの変更")
        .expect("changes heading");
    let regressions = texts[heading..].iter().rposition(|t| t == "後退 (1)");
    assert!(regressions.is_some(), "regressions table");
    let after = &texts[heading + regressions.unwrap()..];
    assert!(
        after.iter().take(12).any(|t| t == "運24"),
        "{:?}",
        &after[..12]
    );
}
