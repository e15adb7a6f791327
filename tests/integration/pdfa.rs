//! Issue 14, PDF/A-3b: the report PDF carries the pack's `assessment.json` and `gaps.csv` as
//! associated files, claims PDF/A-3b in its XMP, has an sRGB output intent, and `--baseline`
//! reads the assessment back out of it.

use std::path::Path;

use lopdf::{Document, Object};

use crate::pack::run_pack;
use crate::{EXAMPLE_ANSWERS, kansa, outcome, root};

/// No limit to speak of on what an embedded file decompresses to.
const MAX: usize = 1 << 30;

/// A one-pack config in `dir` over the example overlays plus `extra`, PDF only.
fn config(dir: &Path, extra: &[&Path]) -> std::path::PathBuf {
    let overlays: Vec<String> = EXAMPLE_ANSWERS
        .iter()
        .map(|p| root().join(p))
        .chain(extra.iter().map(|p| p.to_path_buf()))
        .map(|p| format!("{:?}", p.display().to_string()))
        .collect();
    let body = format!(
        "[[pack]]\nname = \"bank\"\norganisation = \"架空銀行（例）\"\noverlays = [{}]\ndate = \"2026-11-25\"\nformats = [\"pdf\"]\n",
        overlays.join(", ")
    );
    let path = dir.join("kansa.toml");
    std::fs::write(&path, body).unwrap();
    path
}

/// Builds the pack of [`config`] into `dir/packs` and returns the pack directory.
fn build(dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join("packs");
    let res = run_pack(&config(dir, &[]), &out, extra);
    assert!(res.status.success(), "{}", outcome(&res));
    out.join("bank")
}

#[test]
fn the_pdf_embeds_the_packs_assessment_and_gaps_byte_for_byte() {
    let work = tempfile::tempdir().unwrap();
    let pack = build(work.path(), &[]);
    let pdf = std::fs::read(pack.join("report.pdf")).unwrap();
    for name in ["assessment.json", "gaps.csv"] {
        let embedded = kansa_pdf::embedded_file(&pdf, name, MAX).unwrap();
        let written = std::fs::read(pack.join(name)).unwrap();
        assert!(embedded.as_deref() == Some(&written[..]), "{name} differs");
    }
    let lo = Document::load_mem(&pdf).unwrap();
    let catalog = lo.catalog().unwrap();
    let af = catalog.get(b"AF").unwrap().as_array().unwrap();
    let mut mimes = Vec::new();
    for spec in af {
        let spec = lo.get_dictionary(spec.as_reference().unwrap()).unwrap();
        assert_eq!(
            spec.get(b"AFRelationship").unwrap().as_name().unwrap(),
            b"Data"
        );
        let ef = spec.get(b"EF").unwrap().as_dict().unwrap();
        let file = lo.get_object(ef.get(b"UF").unwrap().as_reference().unwrap());
        let file = file.unwrap().as_stream().unwrap();
        mimes.push(
            file.dict
                .get(b"Subtype")
                .unwrap()
                .as_name()
                .unwrap()
                .to_vec(),
        );
    }
    assert_eq!(mimes, [&b"application/json"[..], b"text/csv"]);
    let intent = &catalog.get(b"OutputIntents").unwrap().as_array().unwrap()[0];
    let intent = intent.as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    let xmp = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let xmp = lo.get_object(xmp).unwrap().as_stream().unwrap();
    assert!(
        xmp.dict.get(b"Filter").is_err(),
        "the XMP stream is not compressed"
    );
    let xmp = String::from_utf8(xmp.content.clone()).unwrap();
    assert!(xmp.contains("<pdfaid:part>3</pdfaid:part>"), "{xmp}");
    assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    let info = lo.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = lo.get_dictionary(info).unwrap();
    assert!(info.get(b"GTS_PDFXVersion").is_err());
    assert!(lo.trailer.get(b"ID").is_ok() && lo.trailer.get(b"Encrypt").is_err());
    assert!(pdf.starts_with(b"%PDF-1.7\n%"));
}

#[test]
fn kansa_report_embeds_what_format_json_writes_and_stays_deterministic() {
    let run = |format: &str, out: &Path| {
        let mut cmd = kansa();
        cmd.args(["report", "--date", "2026-11-25", "--format", format, "-o"])
            .arg(out);
        for a in EXAMPLE_ANSWERS {
            cmd.args(["--answers", a]);
        }
        let res = cmd.output().unwrap();
        assert!(res.status.success(), "{}", outcome(&res));
        std::fs::read(out).unwrap()
    };
    let work = tempfile::tempdir().unwrap();
    let json = run("json", &work.path().join("a.json"));
    let pdf = run("pdf", &work.path().join("a.pdf"));
    assert_eq!(pdf, run("pdf", &work.path().join("b.pdf")), "same bytes");
    let embedded = kansa_pdf::embedded_file(&pdf, "assessment.json", MAX).unwrap();
    assert!(
        embedded == Some(json),
        "the embedded assessment is kansa's JSON"
    );
}

#[test]
fn a_report_pdf_is_a_baseline_like_its_assessment_json() {
    let work = tempfile::tempdir().unwrap();
    let baseline = build(work.path(), &[]);
    // 運24 was implemented; tonight it is partial.
    let tonight = work.path().join("tonight.csv");
    std::fs::write(&tonight, "id,status\n運24,partial\n").unwrap();
    let cfg = config(work.path(), &[&tonight]);
    let changes = |from: &str| {
        let out = work.path().join(format!("with-{from}"));
        let base = baseline.join(from);
        let args = [
            "--baseline",
            base.to_str().unwrap(),
            "--fail-on",
            "regression",
        ];
        let res = run_pack(&cfg, &out, &args);
        assert_eq!(
            res.status.code(),
            Some(1),
            "the gate trips: {}",
            outcome(&res)
        );
        let json = std::fs::read(out.join("bank/assessment.json")).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let changes = &json["changes"];
        assert_eq!(changes["regressions"][0]["id"], "運24", "{changes}");
        ["opened", "closed", "regressions", "improvements"].map(|k| changes[k].clone())
    };
    assert_eq!(changes("report.pdf"), changes("assessment.json"));
}

#[test]
fn a_pdf_without_an_assessment_is_a_clear_error() {
    let work = tempfile::tempdir().unwrap();
    let cfg = config(work.path(), &[]);
    let plain = work.path().join("plain.pdf");
    let options = kansa_pdf::PdfOptions::default();
    std::fs::write(&plain, kansa_pdf::typeset("# x\n", &options).unwrap()).unwrap();
    let broken = work.path().join("broken.pdf");
    std::fs::write(&broken, b"%PDF-1.7\nthis is not a PDF\n").unwrap();
    for (file, says) in [
        (&plain, "embeds no assessment.json"),
        (&broken, "cannot read the PDF"),
    ] {
        let out = work.path().join("packs");
        let res = run_pack(&cfg, &out, &["--baseline", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(2), "{}", outcome(&res));
        assert!(
            err.contains(file.file_name().unwrap().to_str().unwrap()),
            "{err}"
        );
        assert!(err.contains(says), "{err}");
        assert!(err.contains("hint: --baseline takes"), "{err}");
        assert!(!out.join("bank").exists(), "nothing written");
    }
}

/// Every annotation printable (PDF/A), as a walk over the pages' `/Annots`.
#[test]
fn every_link_annotation_prints() {
    let work = tempfile::tempdir().unwrap();
    let pack = build(work.path(), &[]);
    let lo = Document::load(pack.join("report.pdf")).unwrap();
    let mut n = 0;
    for page in lo.get_pages().into_values() {
        let page = lo.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots").and_then(Object::as_array) else {
            continue;
        };
        for a in annots {
            let a = lo.get_dictionary(a.as_reference().unwrap()).unwrap();
            assert_eq!(a.get(b"F").unwrap().as_i64().unwrap() & 0b111, 4);
            n += 1;
        }
    }
    assert!(n > 100, "the table of contents and the gap list link: {n}");
}
