//! `kansa report --format pdf`: text, determinism, missing glyphs, split rows.

use crate::{example_report, kansa, outcome};

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn example_pdf_has_every_control_id_and_text() {
    let pdf = example_report("pdf", &[]);
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages.len() > 20, "{} pages", pages.len());
    let text = squeeze(&pages.concat());
    let catalogue = kansa::load::load_catalogue("fisc-2012").unwrap();
    let mut missing = Vec::new();
    for c in &catalogue.controls {
        // The id followed by its text, as in the details table (the text may wrap: whitespace
        // is removed from both).
        // A row split across pages continues its text after the other cells of the row's
        // first part and the next page's header: the text may come in two parts.
        let (id, body) = (squeeze(&c.id), squeeze(&c.text));
        let whole = text.contains(&format!("{id}{body}"));
        let split = body.char_indices().skip(1).any(|(k, _)| {
            text.contains(&format!("{id}{}", &body[..k])) && text.contains(&body[k..])
        });
        if !whole && !split {
            missing.push(c.id.clone());
        }
    }
    assert!(missing.is_empty(), "not found in the PDF text: {missing:?}");
    // Running header on every page after the cover, footer "n / N".
    let n = pages.len();
    for (i, page) in pages.iter().enumerate().skip(1) {
        assert!(
            page.contains("ギャップ分析報告書"),
            "page {} has no running header",
            i + 1
        );
        assert!(
            squeeze(page).contains(&format!("{}/{n}", i + 1)),
            "page {} has no footer",
            i + 1
        );
    }
}

#[test]
fn same_inputs_give_identical_pdf_and_date_is_metadata() {
    let a = example_report("pdf", &[]);
    assert_eq!(a, example_report("pdf", &[]));
    // The dictionaries sit in compressed object streams: read them back.
    let doc = lopdf::Document::load_mem(&a).expect("the PDF reads back");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|i| doc.dereference(i))
        .and_then(|(_, o)| o.as_dict())
        .expect("an info dictionary");
    let created = info.get(b"CreationDate").and_then(|d| d.as_str()).unwrap();
    assert!(
        created.starts_with(b"D:20261125000000"),
        "creation date from --date: {}",
        String::from_utf8_lossy(created)
    );
    let lang = doc.catalog().unwrap().get(b"Lang").and_then(|l| l.as_str());
    assert_eq!(lang.unwrap(), b"ja", "document language");
}

#[test]
fn missing_glyphs_are_an_error_naming_the_control() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("emoji.csv");
    std::fs::write(&overlay, "id,status,answer\n運24,partial,対応中 😀 です\n").unwrap();
    let target = dir.path().join("r.pdf");
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "--answers"])
        .arg(&overlay)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "emoji.csv:2 (answer): control 運24: characters missing from the PDF font: 😀 (U+1F600) \"対応中 😀 です\""
        ),
        "{err}"
    );
    assert!(err.contains("--font"), "{err}");
    assert!(!target.exists(), "no PDF written");
}

#[test]
fn long_answer_splits_across_pages_with_the_header_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("long.csv");
    let long: String = (1..=160)
        .map(|i| format!("第{i}段落の説明文です。"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        &overlay,
        format!("id,status,answer\n設1,partial,\"{long}\"\n"),
    )
    .unwrap();
    let out = kansa()
        .args(["report", "-f", "pdf", "--date", "2026-11-25", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let pages = pdf_extract::extract_text_from_mem_by_pages(&out.stdout).unwrap();
    let first = pages
        .iter()
        .position(|p| p.contains("第1段落"))
        .expect("start of the answer");
    let last = pages
        .iter()
        .position(|p| p.contains("第160段落"))
        .expect("end of the answer");
    assert!(last > first, "the answer spans pages {first}..{last}");
    for page in &pages[first..=last] {
        assert!(
            squeeze(page).contains("項番小項目対応状況回答"),
            "table header repeated on every page of the row"
        );
    }
    // The part continued on a new page starts with (続き), right under the repeated header.
    assert!(!squeeze(&pages[first]).contains("(続き)"));
    for page in &pages[first + 1..=last] {
        assert!(
            squeeze(page).contains("項番小項目対応状況回答(続き)"),
            "no (続き) on a continued page: {page}"
        );
    }
    // Nothing of the answer is lost across the page breaks.
    let text = squeeze(&pages[first..=last].concat()).replace("(続き)", "");
    for i in 1..=160 {
        assert!(text.contains(&format!("第{i}段落")), "paragraph {i} lost");
    }
    assert_eq!(
        text.matches("説明文").count(),
        160,
        "every paragraph's second line"
    );
}

#[test]
fn a_title_cannot_add_headings_to_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.pdf");
    let out = kansa()
        .args(["report", "--no-answers", "--date", "2026-11-25", "--title"])
        .arg("報告書\n## 注入された見出し")
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
    let bytes = std::fs::read(&target).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    // Every outline entry: none may come from the title.
    let cat = doc.catalog().unwrap();
    let root = doc
        .get_dictionary(cat.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut titles = Vec::new();
    let mut stack = vec![root.get(b"First").unwrap().as_reference().unwrap()];
    while let Some(id) = stack.pop() {
        let d = doc.get_dictionary(id).unwrap();
        titles.push(lopdf::decode_text_string(d.get(b"Title").unwrap()).unwrap());
        for key in [&b"Next"[..], b"First"] {
            if let Ok(next) = d.get(key).and_then(|o| o.as_reference()) {
                stack.push(next);
            }
        }
    }
    assert!(titles.len() > 3, "{titles:?}");
    assert!(
        titles.iter().all(|t| !t.contains("注入")),
        "the title became a heading: {titles:?}"
    );
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    assert!(
        text.contains("注入された見出し"),
        "the title is still shown"
    );
}

/// The example's controls as the JSON report gives them.
fn example_controls() -> Vec<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_slice(&example_report("json", &[])).unwrap();
    json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["majors"].as_array().unwrap())
        .flat_map(|m| m["middles"].as_array().unwrap())
        .flat_map(|m| m["controls"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn the_details_show_the_reviewed_date() {
    let reviewed: Vec<(String, String)> = example_controls()
        .iter()
        .filter_map(|c| {
            Some((
                c["id"].as_str()?.to_owned(),
                c["reviewed"].as_str()?.to_owned(),
            ))
        })
        .collect();
    assert!(reviewed.len() > 50, "{}", reviewed.len());
    let text = squeeze(&pdf_extract::extract_text_from_mem(&example_report("pdf", &[])).unwrap());
    assert!(text.matches("確認日:").count() >= reviewed.len());
    // 運24 (reviewed 2026-09-30 by the example bank) shows its date in its row.
    let (id, date) = reviewed.iter().find(|(id, _)| id == "運24").unwrap();
    let at = text
        .find(&format!("{id}データの入力管理"))
        .expect("運24's row");
    let row: String = text[at..].chars().take(400).collect();
    assert!(row.contains(&format!("確認日:{date}")), "{row}");
}

/// Every GoTo link of a PDF: (page the link is on, page it goes to), 0-based.
fn goto_links(doc: &lopdf::Document) -> Vec<(usize, usize)> {
    let ids: Vec<_> = doc.get_pages().into_values().collect();
    let mut out = Vec::new();
    for (n, page) in ids.iter().enumerate() {
        for a in doc.get_page_annotations(*page).unwrap_or_default() {
            let Ok(d) = a
                .get(b"A")
                .and_then(|o| o.as_dict())
                .and_then(|a| a.get(b"D"))
            else {
                continue;
            };
            let to = d.as_array().unwrap()[0].as_reference().unwrap();
            out.push((n, ids.iter().position(|p| *p == to).unwrap()));
        }
    }
    out
}

#[test]
fn same_answer_references_link_to_the_first_controls_row() {
    let controls = example_controls();
    let (id, same) = controls
        .iter()
        .find_map(|c| Some((c["id"].as_str()?, c["answer_same_as"].as_str()?)))
        .expect("a repeated answer in the example");
    let text_of = |id: &str| {
        let c = controls.iter().find(|c| c["id"] == id).unwrap();
        squeeze(&format!("{id}{}", c["text"].as_str().unwrap()))
    };
    let pdf = example_report("pdf", &[]);
    let pages: Vec<String> = pdf_extract::extract_text_from_mem_by_pages(&pdf)
        .unwrap()
        .iter()
        .map(|p| squeeze(p))
        .collect();
    let from = pages.iter().position(|p| p.contains(&text_of(id))).unwrap();
    assert!(pages[from].contains(&format!("（回答は{same}と同じ）")));
    let target = pages
        .iter()
        .position(|p| p.contains(&text_of(same)))
        .unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert!(
        goto_links(&doc).contains(&(from, target)),
        "no link from page {} to {same} on page {}",
        from + 1,
        target + 1
    );
}

#[test]
fn input_digests_break_only_between_groups_of_sixteen() {
    // The digests are listed once, in the inputs table on the last page (the cover points there).
    let pdf = example_report("pdf", &[]);
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    let inputs = pages.last().unwrap();
    let hex: Vec<&str> = inputs
        .split(|c: char| !c.is_ascii_hexdigit())
        .filter(|w| w.len() >= 12)
        .collect();
    assert!(hex.concat().len() >= 3 * 64, "{hex:?}");
    for part in &hex {
        assert_eq!(part.len() % 16, 0, "a digest broken mid-group: {hex:?}");
    }
}
