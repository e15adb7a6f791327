//! A pack's templates: one engine per pack, and a manifest that hashes what was rendered.

use std::path::Path;

use super::*;
use crate::render::Templates;

/// A config of one pack of the FISC catalogue alone (`overlays = []`) in `dir`, rendering
/// `formats`, with the templates directory `dir/tpl` holding `files`.
fn pack_with_templates(dir: &Path, formats: &str, files: &[(&str, &str)]) -> Config {
    let tpl = dir.join("tpl");
    std::fs::create_dir_all(&tpl).unwrap();
    for (name, text) in files {
        std::fs::write(tpl.join(name), text).unwrap();
    }
    let toml = format!(
        "[[pack]]\nname = \"p\"\noverlays = []\ndate = \"2026-01-01\"\nformats = [{formats}]\n\
         out = \"out\"\ntemplates = \"tpl\"\n"
    );
    std::fs::write(dir.join("kansa.toml"), toml).unwrap();
    config::load(&dir.join("kansa.toml")).unwrap()
}

/// The view of the FISC catalogue with no answers.
fn blank_report() -> Report {
    let catalogue = crate::load::load_catalogue("fisc-2012").unwrap();
    let date = jiff::civil::Date::new(2026, 1, 1).unwrap();
    let analysis = crate::analyse::analyse(crate::merge::merge(&catalogue, &[]), date);
    view::build(&analysis, &ReportOptions::default())
}

/// The manifest's `sha256` of template `name`.
fn manifest_hash(manifest: &[u8], name: &str) -> String {
    let json: serde_json::Value = serde_json::from_slice(manifest).unwrap();
    let entry = json["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in the manifest"));
    entry["sha256"].as_str().unwrap().to_owned()
}

/// The manifest hashes the bytes the engine parsed and rendered: an override changed on disk
/// after the engine was built changes neither the output nor the manifest (before, the
/// manifest read the directory a second time and could hash bytes no output came from).
#[test]
fn manifest_hashes_the_template_bytes_that_were_rendered() {
    let work = tempfile::tempdir().unwrap();
    let first = "FIRST {{ title }}\n";
    let config = pack_with_templates(work.path(), "\"md\"", &[("report.md", first)]);
    let pack = &config.packs[0];
    let tpl = config.resolve("tpl");
    let templates = Templates::load(Some(&tpl)).unwrap();
    let second = "SECOND {{ title }}\n";
    std::fs::write(tpl.join("report.md"), second).unwrap();

    let report = blank_report();
    let files = render_files(&report, pack, &templates, &Default::default()).unwrap();
    let evidence = evidence::EvidenceReport::default();
    let manifest = manifest_json(
        pack,
        &report,
        &[],
        &templates,
        &evidence,
        (None, None, None),
        &files,
    )
    .unwrap();

    assert!(
        files["report.md"].starts_with(b"FIRST "),
        "rendered from the first read"
    );
    let hash = manifest_hash(&manifest, "report.md");
    assert_eq!(hash, manifest::sha256(first.as_bytes()));
    assert_ne!(hash, manifest::sha256(second.as_bytes()));
    // Built-ins are hashed from the same engine too: every template it holds is listed.
    let builtin = render::templates::BUILTIN.iter();
    let (_, control_md) = builtin.clone().find(|(n, _)| *n == "control.md").unwrap();
    assert_eq!(
        manifest_hash(&manifest, "control.md"),
        manifest::sha256(control_md.as_bytes())
    );
    let json: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(json["templates"].as_array().unwrap().len(), builtin.len());
}

/// Every output of a pack (Markdown, HTML, the PDF's Markdown, summary, tickets) and its
/// manifest come from one read of the templates directory (before: one read per format, one
/// for summary and tickets, one more for the manifest).
#[test]
fn a_pack_reads_its_templates_directory_once() {
    let work = tempfile::tempdir().unwrap();
    let overrides = [
        ("report.md", "MD {{ title }}\n"),
        ("ticket.md", "TICKET {{ gap.id }} {{ report_link }}\n"),
    ];
    let config = pack_with_templates(work.path(), "\"md\", \"html\", \"pdf\"", &overrides);
    let outcome = build_pack(&config, &config.packs[0], &PackOptions::default()).unwrap();

    assert_eq!(render::templates::reads::of(&config.resolve("tpl")), 1);
    let read = |name: &str| std::fs::read_to_string(outcome.dir.join(name)).unwrap();
    assert!(read("report.md").starts_with("MD "));
    assert!(read("report.html").starts_with("<!DOCTYPE html>"));
    assert!(read("tickets/gap-設1.md").starts_with("TICKET 設1 ../report.html#c-設1"));
}

/// A pack built against an identical baseline says "nothing changed" in every format (before,
/// only the Markdown did: HTML and PDF showed an empty "changes" section); without a baseline
/// no format says it.
#[test]
fn nothing_changed_is_said_in_every_format() {
    let work = tempfile::tempdir().unwrap();
    let config = pack_with_templates(work.path(), "\"md\", \"html\", \"pdf\"", &[]);
    let pack = &config.packs[0];
    let first = build_pack(&config, pack, &PackOptions::default()).unwrap();
    let baseline = work.path().join("baseline");
    std::fs::rename(&first.dir, &baseline).unwrap();
    let options = PackOptions {
        baseline: Some(baseline.clone()),
        ..PackOptions::default()
    };
    let second = build_pack(&config, pack, &options).unwrap();
    assert!(second.had_baseline);

    let no_changes = "変更はありません。";
    let texts = |dir: &Path| {
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        let pdf = pdf_extract::extract_text_from_mem(&read("report.pdf")).unwrap();
        let md = String::from_utf8(read("report.md")).unwrap();
        let html = String::from_utf8(read("report.html")).unwrap();
        [md, html, pdf]
    };
    let [md, html, pdf] = texts(&second.dir);
    assert!(md.contains(&format!("\n{no_changes}\n")), "markdown");
    assert!(html.contains(&format!("<p>{no_changes}</p>")), "html");
    assert!(pdf.contains(no_changes), "pdf");
    for (format, text) in ["md", "html", "pdf"].iter().zip(texts(&baseline)) {
        assert!(!text.contains(no_changes), "{format} without a baseline");
    }
}

/// The example override of `docs/templates.md` (a `ticket.md` that includes a file of its own)
/// works as the docs say, so the docs cannot drift from the templates' context.
#[test]
fn the_docs_example_override_renders() {
    let docs = include_str!("../../docs/templates.md");
    let example = docs
        .split("### Example: a shorter ticket")
        .nth(1)
        .expect("the docs have the example");
    let blocks: Vec<&str> = example.split("```\n").skip(1).step_by(2).collect();
    let overrides = [("ticket.md", blocks[0]), ("footer.md", blocks[1])];
    let work = tempfile::tempdir().unwrap();
    let config = pack_with_templates(work.path(), "\"md\"", &overrides);
    let outcome = build_pack(&config, &config.packs[0], &PackOptions::default()).unwrap();
    let ticket = std::fs::read_to_string(outcome.dir.join("tickets/gap-設1.md")).unwrap();
    let first_line = ticket.lines().next().unwrap();
    assert!(first_line.starts_with("[fisc-2012:設1] "), "{ticket}");
    assert!(first_line.ends_with("(未回答)"), "{ticket}");
    assert!(ticket.contains("/ 充足率 0.0%\n"), "{ticket}");
    assert!(
        ticket.contains("\n[ギャップ分析報告書](../report.html#c-設1)\n"),
        "{ticket}"
    );
}
