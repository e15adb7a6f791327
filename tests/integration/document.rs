//! Document control: the cover's number, version, classification, purpose, scope and
//! 作成 / 確認 / 承認 boxes, the classification on every PDF page, the closing 以上, the
//! inputs listed once, and no local path anywhere in a pack or report.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{EXAMPLE_ANSWERS, kansa, outcome, root};

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The example pack (with its `[pack.document]`) built into a fresh directory: the pack's
/// directory and its guard.
fn example_pack() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let res = crate::pack::run_pack(
        &root().join("examples/example-bank/kansa.toml"),
        out.path(),
        &[],
    );
    assert!(res.status.success(), "{}", outcome(&res));
    let pack = out.path().join("example-bank");
    (out, pack)
}

fn read(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}

fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(bytes).unwrap()
}

const EXAMPLE_FIELDS: [&str; 6] = [
    "KANSA-EX-2026-001",
    "社外秘",
    "FISC安全対策基準に対する当行の対応状況を評価し",
    "勘定系・情報系システムおよびAWS上の基盤",
    "情報セキュリティ部 山田 太郎",
    "2026-11-20",
];

#[test]
fn example_cover_shows_document_control_in_md_html_and_pdf() {
    let (_guard, pack) = example_pack();
    let md = read(&pack.join("report.md"));
    let html = read(&pack.join("report.html"));
    let pdf = std::fs::read(pack.join("report.pdf")).unwrap();
    let pages = pdf_pages(&pdf);
    let cover = squeeze(&pages[0]);
    let md_cover = &md[..md.find("\n## ").unwrap()];
    let html_cover = &html[..html.find("</header>").unwrap()];
    for field in EXAMPLE_FIELDS {
        assert!(md_cover.contains(field), "md cover lacks {field}");
        assert!(html_cover.contains(field), "html cover lacks {field}");
        assert!(cover.contains(&squeeze(field)), "pdf cover lacks {field}");
    }
    for label in [
        "文書番号",
        "版数",
        "取扱区分",
        "目的",
        "対象範囲",
        "作成",
        "確認",
        "承認",
    ] {
        assert!(cover.contains(label), "pdf cover lacks {label}");
        assert!(html_cover.contains(label), "html cover lacks {label}");
    }
    assert!(md_cover.contains("| 作成 | 確認 | 承認 |"), "{md_cover}");
    // Reviewed and approved are not given: empty boxes, no name.
    assert!(
        md_cover.contains(
            "| 情報セキュリティ部 山田 太郎<br>2026-11-20<br><br> | <br><br><br> | <br><br><br> |"
        ),
        "{md_cover}"
    );
    assert!(
        html_cover.contains(
            "<td>情報セキュリティ部 山田 太郎<br>2026-11-20</td><td><br></td><td><br></td>"
        ),
        "{html_cover}"
    );
    // The classification on the cover and in every page's running header.
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("社外秘"),
            "page {} lacks the classification",
            i + 1
        );
    }
}

#[test]
fn documents_end_with_ijou_after_the_inputs() {
    let (_guard, pack) = example_pack();
    let md = read(&pack.join("report.md"));
    assert!(
        md.trim_end().ends_with("<p align=\"right\">以上</p>"),
        "{}",
        &md[md.len() - 200..]
    );
    let html = read(&pack.join("report.html"));
    let end = html
        .find("<p class=\"end\">以上</p>")
        .expect("html ends with 以上");
    assert!(end > html.find("<section id=\"inputs\">").unwrap());
    assert!(
        html[end..].find("<section").is_none(),
        "nothing after 以上 but the footer"
    );
    let pages = pdf_pages(&std::fs::read(pack.join("report.pdf")).unwrap());
    let last = pages.last().unwrap();
    let body: Vec<&str> = last
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let at = body
        .iter()
        .position(|l| *l == "以上")
        .expect("以上 on the last page");
    // Only the running header and footer (drawn last) follow it.
    let decoration = |l: &str| {
        squeeze(l).ends_with(&format!("/{}", pages.len()))
            || l.starts_with("ギャップ分析報告書")
            || l == "社外秘"
    };
    assert!(
        body[at + 1..].iter().all(|l| decoration(l)),
        "only the running header and footer after 以上: {body:?}"
    );
}

/// Each input's digest is shown once per document: in the last section, not on the cover too.
#[test]
fn inputs_are_listed_once_by_label_and_digest() {
    let (_guard, pack) = example_pack();
    let assessment: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("assessment.json")).unwrap()).unwrap();
    let pdf = squeeze(&pdf_pages(&std::fs::read(pack.join("report.pdf")).unwrap()).concat());
    let md = read(&pack.join("report.md"));
    let html = read(&pack.join("report.html"));
    let labels: Vec<&str> = assessment["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["aws-2012/answers.csv", "example-bank/answers.csv"]);
    let mut digests: Vec<&str> = assessment["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sha256"].as_str().unwrap())
        .collect();
    digests.push(assessment["catalogue"]["sha256"].as_str().unwrap());
    for d in digests {
        assert_eq!(md.matches(d).count(), 1, "md lists {d} once");
        assert_eq!(html.matches(d).count(), 1, "html lists {d} once");
        assert_eq!(pdf.matches(d).count(), 1, "pdf lists {d} once");
    }
}

#[test]
fn report_takes_document_file_and_leaves_boxes_empty_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.toml");
    std::fs::write(
        &doc,
        "number = \"R-7\"\nversion = \"2.1\"\nclassification = \"関係者外秘\"\napproved_by = { name = \"佐藤 花子\", date = \"2026-12-01\" }\n",
    )
    .unwrap();
    let doc_arg = doc.display().to_string();
    let md = String::from_utf8(crate::example_report("md", &["--document", &doc_arg])).unwrap();
    assert!(md.starts_with("**関係者外秘**\n"), "{}", &md[..200]);
    for t in [
        "| 文書番号 | R-7 |",
        "| 版数 | 2.1 |",
        "| <br><br><br> | <br><br><br> | 佐藤 花子<br>2026-12-01<br><br> |",
    ] {
        assert!(md.contains(t), "{t}");
    }
    let pdf = crate::example_report("pdf", &["--document", &doc_arg]);
    let pages = pdf_pages(&pdf);
    assert!(squeeze(&pages[0]).contains("佐藤花子"));
    assert!(pages.iter().all(|p| p.contains("関係者外秘")));

    let plain = String::from_utf8(crate::example_report("md", &[])).unwrap();
    assert!(plain.contains("| 作成 | 確認 | 承認 |\n|:---:|:---:|:---:|\n| <br><br><br> | <br><br><br> | <br><br><br> |"));
    assert!(!plain.contains("文書番号"), "no empty document rows");
    let en = String::from_utf8(crate::example_report("md", &["--lang", "en"])).unwrap();
    assert!(en.contains("| Prepared | Reviewed | Approved |"));
    assert!(
        en.trim_end()
            .ends_with("<p align=\"right\">End of document</p>")
    );
    let pdf = pdf_pages(&crate::example_report("pdf", &[]));
    let cover = squeeze(&pdf[0]);
    assert!(cover.contains("作成確認承認"), "{cover}");

    std::fs::write(
        &doc,
        "number = \"R-7\"\nprepared_by = { name = \"a\", day = 2026-12-01 }\n",
    )
    .unwrap();
    let bad = kansa()
        .args([
            "report",
            "--answers",
            EXAMPLE_ANSWERS[1],
            "--document",
            &doc_arg,
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", outcome(&bad));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("doc.toml:2:"), "{err}");
    assert!(err.contains("unknown field `day`"), "{err}");
    assert!(bad.stdout.is_empty(), "no partial output");
}

/// Every file of `dir`, with the text inside xlsx parts and PDFs (decompressed streams, the
/// extracted text) added, as (name, bytes).
fn pack_contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            let bytes = std::fs::read(&p).unwrap();
            out.extend(inner_parts(&name, &bytes));
            out.push((name, bytes));
        }
    }
    out
}

/// The parts of an xlsx (zip) file, or a PDF's decompressed objects and text.
fn inner_parts(name: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if name.ends_with(".xlsx") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut part = Vec::new();
            f.read_to_end(&mut part).unwrap();
            let part_name = f.name().unwrap().into_owned();
            out.push((format!("{name}:{part_name}"), part));
        }
        assert!(out.len() > 5, "{name} has parts");
    } else if name.ends_with(".pdf") {
        let mut doc = lopdf::Document::load_mem(bytes).unwrap();
        doc.decompress();
        let mut plain = Vec::new();
        doc.save_to(&mut plain).unwrap();
        out.push((format!("{name}:decompressed"), plain));
        let text = pdf_extract::extract_text_from_mem(bytes).unwrap();
        out.push((format!("{name}:text"), text.into_bytes()));
    }
    out
}

/// Which of `needles` each file holds.
fn leaks(files: &[(String, Vec<u8>)], needles: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, bytes) in files {
        for n in needles {
            if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                found.push(format!("{name} holds {n:?}"));
            }
        }
    }
    found
}

/// The home directory (where the test's files are put, so the user's name is in their path).
fn home() -> PathBuf {
    let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set"));
    assert!(
        home.is_absolute() && home.components().count() > 1,
        "{home:?}"
    );
    home
}

/// The issue's proof: the example copied to a directory under the home directory, one overlay
/// given by absolute path in the kansa.toml and both on `kansa report`'s command line; no
/// output holds the absolute path, the temporary directory's name or the user's name.
#[test]
fn no_local_path_reaches_any_output() {
    let home = home();
    let tmp = tempfile::Builder::new()
        .prefix("kansa-doc-proof-")
        .tempdir_in(&home)
        .unwrap();
    let base = tmp.path();
    for dir in ["aws-2012", "example-bank", "example-bank/evidence"] {
        std::fs::create_dir_all(base.join(dir)).unwrap();
    }
    for f in [EXAMPLE_ANSWERS[0], EXAMPLE_ANSWERS[1]] {
        let rel = f.trim_start_matches("examples/");
        std::fs::copy(root().join(f), base.join(rel)).unwrap();
    }
    crate::hostile::copy_dir(
        &root().join("examples/example-bank/evidence"),
        &base.join("example-bank/evidence"),
    );
    let aws = base.join("aws-2012/answers.csv");
    let bank = base.join("example-bank/answers.csv");
    let config = read(&root().join("examples/example-bank/kansa.toml")).replace(
        "overlays = [\"../aws-2012/answers.csv\", \"answers.csv\"]",
        &format!(
            "overlays = [{:?}, \"answers.csv\"]",
            aws.display().to_string()
        ),
    );
    assert!(
        config.contains(&aws.display().to_string()),
        "the config names the absolute path"
    );
    let config = config.replace("out = \"../../target/packs\"", "out = \"packs\"");
    std::fs::write(base.join("example-bank/kansa.toml"), config).unwrap();
    let res = kansa()
        .arg("pack")
        .arg(base.join("example-bank/kansa.toml"))
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", outcome(&res));
    let pack = base.join("example-bank/packs/example-bank");
    let mut files = pack_contents(&pack);
    assert!(
        files
            .iter()
            .any(|(n, _)| n == "report.xlsx:docProps/core.xml")
    );
    assert!(files.iter().any(|(n, _)| n.starts_with("tickets/")));

    let reports = base.join("reports");
    std::fs::create_dir(&reports).unwrap();
    for format in ["md", "html", "json", "pdf", "xlsx"] {
        let target = reports.join(format!("report.{format}"));
        let out = kansa()
            .args(["report", "--date", "2026-11-25", "--answers"])
            .arg(&aws)
            .arg("--answers")
            .arg(&bank)
            .arg("-o")
            .arg(&target)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", outcome(&out));
    }
    files.extend(pack_contents(&reports));

    let user = home.file_name().unwrap().to_string_lossy().into_owned();
    let tmp_name = base.file_name().unwrap().to_string_lossy().into_owned();
    let needles = vec![
        aws.display().to_string(),
        bank.display().to_string(),
        base.display().to_string(),
        home.display().to_string(),
        tmp_name,
        format!("{user}/"),
        format!("/{user}"),
    ];
    let found = leaks(&files, &needles);
    assert!(found.is_empty(), "{found:#?}");
    // The check can fail: the inputs themselves hold the path when written into a file.
    let planted = vec![("planted".to_owned(), aws.display().to_string().into_bytes())];
    assert_eq!(
        leaks(&planted, &needles).len(),
        6,
        "every needle but the bank path found"
    );
    // And the overlays are there, by label.
    let manifest = read(&pack.join("manifest.json"));
    assert!(
        manifest.contains("\"path\": \"aws-2012/answers.csv\""),
        "{manifest}"
    );
}

/// The printed HTML carries the classification in every page's header (a CSS page-margin
/// box), written as a CSS string no classification can break out of.
#[test]
fn printed_html_pages_carry_the_classification() {
    let dir = tempfile::tempdir().unwrap();
    let document = dir.path().join("document.toml");
    for (classification, want) in [
        ("社外秘", r#"@top-right { content: "\793e \5916 \79d8 ";"#),
        (
            "x\"}</style><script>alert(1)</script>",
            r#"content: "x\22 \7d \3c \2f style\3e \3c script\3e alert\28 1\29 \3c \2f script\3e ";"#,
        ),
    ] {
        std::fs::write(
            &document,
            format!("classification = {:?}\n", classification),
        )
        .unwrap();
        let out = kansa()
            .args([
                "report",
                "--date",
                "2026-11-25",
                "--format",
                "html",
                "--document",
            ])
            .arg(&document)
            .args(EXAMPLE_ANSWERS.iter().flat_map(|a| ["--answers", a]))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", outcome(&out));
        let html = String::from_utf8(out.stdout).unwrap();
        let style = &html[..html.find("</style>").unwrap()];
        assert!(style.contains(want), "{classification}: {style}");
        let html = crate::html::without_kansa_script(&html);
        assert!(!html.contains("<script"), "{classification}");
    }
}
