//! The pipeline as the code's real dependency graph: every module of `src/` may use only the
//! modules below it in [`LAYERS`], so imports run one way (model ← diag ← … ← cli) and the map
//! in `src/lib.rs` cannot rot. The test reads the sources, so a backwards `use` fails here with
//! its file and line, before review.

use std::collections::BTreeSet;
use std::path::Path;

use crate::root;

/// The modules of the crate, lowest first. A module may use the modules listed before it, never
/// one after it ("up") — there are no two on one level, so nothing is "sideways" either.
const LAYERS: &[&str] = &[
    "model",    // domain types, answer fields, languages, dates, text helpers, limits
    "diag",     // located problems with a severity
    "error",    // error kinds and exit codes
    "fs",       // reading and writing files safely
    "load",     // bytes → catalogue and overlays (CSV, xlsx)
    "merge",    // overlays stacked, per-field provenance
    "analyse",  // statuses, gaps, totals, the outline
    "diff",     // changes since a baseline
    "render",   // view model and documents (md, html, json, pdf, xlsx register)
    "workbook", // answer sheets to fill in (kansa init)
    "pack",     // submission packs: files, manifest, publish, verify
    "cli",      // the command line
    "fuzzing",  // entry points for cargo-fuzz (hidden)
];

/// One import against the direction of [`LAYERS`].
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: String,
    line: usize,
    from: String,
    to: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `{}` uses `{}`, which is above it (imports run {})",
            self.file,
            self.line,
            self.from,
            self.to,
            LAYERS.join(" ← ")
        )
    }
}

/// The module path of a source file: `src/load/xlsx.rs` → `[load, xlsx]`, `src/cli/mod.rs` →
/// `[cli]`.
fn module_path(file: &str) -> Vec<String> {
    let rel = file.strip_prefix("src/").unwrap_or(file);
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The source with comments blanked out (newlines kept, so lines still count): a doc link to a
/// higher module is not an import.
fn without_comments(src: &str) -> String {
    src.lines()
        .map(|line| match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named by the path that starts at `start` of `text` (just after
/// `crate::`), with their byte offsets: one, or several for a group `{a::x, b}`.
fn first_idents(text: &str, start: usize) -> Vec<(usize, String)> {
    let rest = &text[start..];
    let skipped = rest.len() - rest.trim_start().len();
    let at = start + skipped;
    if !text[at..].starts_with('{') {
        return ident(&text[at..]).map(|i| (at, i)).into_iter().collect();
    }
    // A group: the first name of each item at depth 0.
    let mut depth = 0;
    let mut out = Vec::new();
    let mut item_start = true;
    for (k, c) in text[at + 1..].char_indices() {
        let pos = at + 1 + k;
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            c if item_start && depth == 0 && !c.is_whitespace() => {
                item_start = false;
                if let Some(name) = ident(&text[pos..]).filter(|n| n != "self") {
                    out.push((pos, name));
                }
            }
            _ => {}
        }
    }
    out
}

fn ident(s: &str) -> Option<String> {
    let id: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn is_boundary(text: &str, i: usize) -> bool {
    text[..i]
        .chars()
        .last()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
}

/// Every top-level module `src` (the text of `file`) refers to, with the line: `crate::x`,
/// `crate::{x, y}` (each name on its own line), and `super::` chains that climb to the crate
/// root.
fn references(file: &str, src: &str) -> Vec<(usize, String)> {
    let depth = module_path(file).len();
    let text = without_comments(src);
    let mut found = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        if is_boundary(&text, i) {
            found.extend(first_idents(&text, i + "crate::".len()));
        }
    }
    for (i, _) in text.match_indices("super::") {
        if !is_boundary(&text, i) {
            continue; // a later `super::` of a chain, counted with the first
        }
        let mut end = i;
        let mut climbs = 0;
        while text[end..].starts_with("super::") {
            climbs += 1;
            end += "super::".len();
        }
        if climbs == depth {
            found.extend(first_idents(&text, end));
        }
    }
    found.sort();
    found
        .into_iter()
        .map(|(offset, m)| (line_of(&text, offset), m))
        .collect()
}

/// The imports of `files` (path, text) that go against [`LAYERS`]; modules missing from the
/// map are reported too, so a new module must be placed.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut out = Vec::new();
    for (file, src) in files {
        let Some(from) = module_path(file).first().cloned() else {
            continue; // lib.rs, main.rs: the roots declare and re-export.
        };
        let Some(own) = rank(&from) else {
            out.push(format!(
                "{file}: module `{from}` is not in the layering map (tests/integration/layering.rs)"
            ));
            continue;
        };
        for (line, to) in references(file, src) {
            match rank(&to) {
                Some(r) if r > own => out.push(
                    Violation {
                        file: file.clone(),
                        line,
                        from: from.clone(),
                        to,
                    }
                    .to_string(),
                ),
                _ => {}
            }
        }
    }
    out
}

fn sources(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, base, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&p).unwrap()));
        }
    }
}

#[test]
fn imports_run_one_way_through_the_pipeline() {
    let mut files = Vec::new();
    sources(&root().join("src"), &root(), &mut files);
    assert!(files.len() > 40, "only {} files read", files.len());
    let found = violations(&files);
    assert!(
        found.is_empty(),
        "imports against the pipeline:\n{}",
        found.join("\n")
    );
    // Every module of the map exists: the map is the tree, not a wish list.
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|(f, _)| module_path(f).first().cloned())
        .collect();
    for layer in LAYERS {
        assert!(
            modules.contains(*layer),
            "{layer} is in the map but not in src/"
        );
    }
}

fn planted(files: &[(&str, &str)]) -> Vec<String> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(f, s)| ((*f).to_owned(), (*s).to_owned()))
        .collect();
    violations(&files)
}

/// A backwards import planted in a small tree is found, with file and line; the same imports
/// the other way round, doc links and same-module paths are not.
#[test]
fn a_planted_backwards_import_is_named_with_file_and_line() {
    let found = planted(&[(
        "src/model/text.rs",
        "//! See [`crate::render`].\nuse std::fmt;\nuse crate::render::view::Report;\n",
    )]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/model/text.rs:3: `model` uses `render`"),
        "{}",
        found[0]
    );

    // Groups, spanning lines; `super::` climbing to the root from a top-level file.
    let found = planted(&[
        (
            "src/load/mod.rs",
            "use crate::{\n    model::Catalogue,\n    merge::merge,\n};\n",
        ),
        ("src/diff.rs", "fn f() { super::render::build(); }\n"),
        (
            "src/render/view.rs",
            "use super::labels;\nfn g() { super::super::pack::x(); }\n",
        ),
    ]);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("src/load/mod.rs:3: `load` uses `merge`"));
    assert!(found[1].starts_with("src/diff.rs:1: `diff` uses `render`"));
    assert!(found[2].starts_with("src/render/view.rs:2: `render` uses `pack`"));

    // Downward imports, the module's own paths and comments pass.
    let found = planted(&[
        (
            "src/cli/mod.rs",
            "use crate::pack::run;\nuse crate::cli::emit; // crate::fuzzing\n",
        ),
        (
            "src/render/mod.rs",
            "use crate::{model, analyse::Analysis};\nuse self::view::x;\n",
        ),
    ]);
    assert!(found.is_empty(), "{found:?}");

    // A module the map does not know is an error until placed.
    let found = planted(&[("src/shiny.rs", "use crate::model::Lang;\n")]);
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("not in the layering map"));
}
