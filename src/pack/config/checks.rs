//! The checks of each `[[pack]]` that TOML itself does not make, one function per rule, run
//! in the order their messages are listed.

use super::PackConfig;
use super::names::{dir_name, dir_name_problem};
use super::paths::{pack_dir_as_written, pack_dir_folded};
use crate::diag::{Diagnostic, Diagnostics};
use crate::pack::exports::folded;
use crate::pack::publish::MAX_DIR_NAME_BYTES;
use crate::render::Format;

/// A problem of one pack, located at its `[[pack]]` header and naming the pack.
type At<'a> = dyn Fn(String) -> Diagnostic + 'a;

/// Every problem of the packs that TOML itself does not catch.
pub(super) fn check_packs(packs: &[PackConfig], text: &str, shown: &str) -> Diagnostics {
    let mut problems = Diagnostics::default();
    if packs.is_empty() {
        problems.push(
            Diagnostic::new(shown, 1, 1, "no [[pack]] table: nothing to build").hint(
                "add a [[pack]] with name and overlays; see examples/example-bank/kansa.toml",
            ),
        );
    }
    let lines = super::pack_header_lines(text);
    for (i, p) in packs.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        let at = |msg: String| {
            Diagnostic::new(
                shown,
                line,
                u64::from(line > 0),
                format!("[[pack]] #{} ({:?}): {msg}", i + 1, p.name),
            )
        };
        for problem in key_problems(p, &at) {
            problems.push(problem);
        }
        problems.extend(pack_directory_problems(packs, i, &at));
        if let Some(problem) = same_directory_as_a_later_pack(packs, i, &at) {
            problems.push(problem);
        }
    }
    problems
}

/// The problems of one pack's own keys, each rule once.
fn key_problems(p: &PackConfig, at: &At) -> impl Iterator<Item = Diagnostic> {
    [
        name_problem(p, at),
        no_overlays(p, at),
        fail_under_problem(p, at),
        font_index_without_font(p, at),
        pdf_only_key_problem(p, at),
        docx_only_key_problem(p, at),
        limits_problem(p, at),
    ]
    .into_iter()
    .flatten()
}

/// A name that gives no usable directory ([`dir_name_problem`]).
fn name_problem(p: &PackConfig, at: &At) -> Option<Diagnostic> {
    let problem = dir_name_problem(&p.name)?;
    Some(
        at(problem.to_owned())
            .value(&p.name)
            .hint("give each pack a name with letters or digits, e.g. name = \"example-bank\""),
    )
}

/// No `overlays` key: a report of the catalogue alone must be asked for.
fn no_overlays(p: &PackConfig, at: &At) -> Option<Diagnostic> {
    p.overlays.is_none().then(|| {
        at("no answers overlays".into()).hint(
            "add overlays = [\"answers.csv\"]; for a pack of the catalogue alone write overlays = []",
        )
    })
}

/// A `fail_under` that is not a percentage ([`super::check_percent`]).
fn fail_under_problem(p: &PackConfig, at: &At) -> Option<Diagnostic> {
    let v = p.gates.fail_under?;
    let e = super::check_percent(v).err()?;
    Some(
        at(format!("[pack.gates] fail_under: {e}"))
            .value(v.to_string())
            .hint("fail_under = 80.0 (coverage percent, 0 to 100)"),
    )
}

/// A face index of the built-in font, which has one face.
fn font_index_without_font(p: &PackConfig, at: &At) -> Option<Diagnostic> {
    (p.font_index != 0 && p.font.is_none()).then(|| {
        at("font_index without font: the built-in font has one face".into())
            .value(p.font_index.to_string())
            .hint("give font = \"fonts/NAME.ttc\" beside font_index, or remove font_index")
    })
}

/// A PDF-only key in a pack that makes no PDF ([`pdf_only_key_without_pdf`]).
fn pdf_only_key_problem(p: &PackConfig, at: &At) -> Option<Diagnostic> {
    let key = pdf_only_key_without_pdf(p)?;
    Some(
        at(format!(
            "{key} applies only to PDF output, and formats has no \"pdf\""
        ))
        .value(key)
        .hint(format!("add \"pdf\" to formats, or remove {key}")),
    )
}

/// `reference_docx` in a pack that makes no Word report would be ignored without a word.
fn docx_only_key_problem(p: &PackConfig, at: &At) -> Option<Diagnostic> {
    (p.reference_docx.is_some() && !p.formats.contains(&Format::Docx)).then(|| {
        at("reference_docx applies only to Word output, and formats has no \"docx\"".into())
            .value("reference_docx")
            .hint("add \"docx\" to formats, or remove reference_docx")
    })
}

/// A `[pack.limits]` value that is no size or count.
fn limits_problem(p: &PackConfig, at: &At) -> Option<Diagnostic> {
    let e = p.limits.limits().err()?;
    Some(
        at(format!("[pack.limits]: {e}"))
            .hint("max_field_bytes = \"8MiB\", max_rows = 2000000, max_file_bytes = \"1GiB\""),
    )
}

/// Pack `i`'s directory is also that of a later pack, once names are folded as a
/// case-insensitive file system compares them (reported at the first of the two).
fn same_directory_as_a_later_pack(packs: &[PackConfig], i: usize, at: &At) -> Option<Diagnostic> {
    let p = &packs[i];
    let dir = folded(&dir_name(&p.name));
    let (j, q) = packs
        .iter()
        .enumerate()
        .skip(i + 1)
        .find(|(_, q)| folded(&dir_name(&q.name)) == dir)?;
    Some(
        at(format!(
            "pack directory {:?} is also the directory of [[pack]] #{} ({:?})",
            dir_name(&p.name),
            j + 1,
            q.name
        ))
        .hint("pack names must differ after replacing all but letters, digits, - and _ by _, ignoring case"),
    )
}

/// `paper`, `landscape`, `font` and `font_index` shape only the PDF: in a pack without "pdf" in
/// `formats` they would be ignored without a word (a missing font file or a face index the font
/// lacks never noticed), as the CLI's `--font` with another format is a usage error.
fn pdf_only_key_without_pdf(p: &PackConfig) -> Option<&'static str> {
    if p.formats.contains(&Format::Pdf) {
        return None;
    }
    [
        ("font", p.font.is_some()),
        ("font_index", p.font_index != 0),
        ("paper", p.paper.is_some()),
        ("landscape", p.landscape),
    ]
    .into_iter()
    .find_map(|(key, set)| set.then_some(key))
}

/// Problems of pack `i`'s directory beyond its name's letters: a name too long for the names
/// kansa derives from it (the staging and aside directories beside the pack must fit the 255
/// bytes of a file name), and a directory inside another pack's (or holding one), which the
/// other pack's swap would delete or its verify refuse. Paths are compared as written, so an
/// absolute `out` and a relative one naming the same place are not caught.
fn pack_directory_problems(packs: &[PackConfig], i: usize, at: &At) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let p = &packs[i];
    let dir = dir_name(&p.name);
    if dir.len() > MAX_DIR_NAME_BYTES {
        problems.push(
            at(format!(
                "pack name gives a directory name of {} bytes; at most {} bytes fit",
                dir.len(),
                MAX_DIR_NAME_BYTES
            ))
            .value(&p.name)
            .hint("give the pack a shorter name (a kanji takes 3 bytes: at most 66 kanji)"),
        );
    }
    if dir_name_problem(&p.name).is_some() {
        return problems;
    }
    let mine = pack_dir_folded(p);
    let others = packs
        .iter()
        .enumerate()
        .filter(|&(j, q)| j != i && dir_name_problem(&q.name).is_none());
    for (j, q) in others {
        let theirs = pack_dir_folded(q);
        if mine != theirs && theirs.starts_with(&mine) {
            problems.push(
                at(format!(
                    "pack directory {} holds the directory {} of [[pack]] #{} ({:?}): publishing this pack would replace that one",
                    pack_dir_as_written(p).display(),
                    pack_dir_as_written(q).display(),
                    j + 1,
                    q.name
                ))
                .hint("give the packs out directories that do not lie inside one another, e.g. out = \"packs\" for both"),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use crate::pack::config::{load_text, percent_arg};

    /// Regression: `pack = []` built nothing and exited 0; a pack without `overlays` built a
    /// report of the catalogue alone without a word.
    #[test]
    fn no_packs_and_no_overlays_are_errors() {
        let err = load_text("pack = []\n").unwrap_err();
        assert!(err.contains("kansa.toml:1:1: no [[pack]] table"), "{err}");
        let err = load_text("# packs\n\n[[pack]]\nname = \"a\"\n").unwrap_err();
        assert!(
            err.contains("kansa.toml:3:1: [[pack]] #1 (\"a\"): no answers overlays"),
            "{err}"
        );
        assert!(err.contains("overlays = []"), "{err}");
        assert!(load_text("[[pack]]\nname = \"a\"\noverlays = []\n").is_ok());
    }

    /// Regression: `font_index = 7` without `font` was silently ignored (the built-in font has
    /// one face), as `--font-index` without `--font` was.
    #[test]
    fn font_index_needs_a_font() {
        let err = load_text("[[pack]]\nname = \"a\"\noverlays = []\nfont_index = 7\n").unwrap_err();
        assert!(
            err.contains("kansa.toml:1:1: [[pack]] #1 (\"a\"): font_index without font"),
            "{err}"
        );
        assert!(
            load_text("[[pack]]\nname = \"a\"\noverlays = []\nfont = \"x.ttc\"\nfont_index = 7\n")
                .is_ok()
        );
    }

    /// Regression (B13): `font`/`font_index` (and the other PDF-only keys) in a pack without
    /// "pdf" in `formats` were never checked.
    #[test]
    fn pdf_only_keys_need_pdf_format() {
        for key in ["font = \"x.ttc\"", "paper = \"a4\"", "landscape = true"] {
            let text =
                format!("[[pack]]\nname = \"a\"\noverlays = []\nformats = [\"md\"]\n{key}\n");
            let err = load_text(&text).unwrap_err();
            assert!(
                err.contains("kansa.toml:1:1: [[pack]] #1 (\"a\"):")
                    && err.contains("applies only to PDF output"),
                "{err}"
            );
        }
        let err = load_text(
            "[[pack]]\nname = \"a\"\noverlays = []\nformats = [\"md\"]\nfont = \"x.ttc\"\nfont_index = 3\n",
        )
        .unwrap_err();
        assert!(err.contains("font applies only to PDF output"), "{err}");
        let with_pdf = "[[pack]]\nname = \"a\"\noverlays = []\nformats = [\"md\", \"pdf\"]\nfont = \"x.ttc\"\nfont_index = 3\npaper = \"letter\"\n";
        assert!(load_text(with_pdf).is_ok());
        // The default formats include pdf.
        assert!(load_text("[[pack]]\nname = \"a\"\noverlays = []\nfont = \"x.ttc\"\n").is_ok());
    }

    /// Regression (A5): pack `r` at `./r` and pack `p` at `r/p` were accepted; `r`'s swap then
    /// deleted `p`, or `r` failed verify.
    #[test]
    fn pack_directories_must_not_nest() {
        let two = |out_a: &str, out_b: &str| {
            load_text(&format!(
                "[[pack]]\nname = \"r\"\noverlays = []\nout = \"{out_a}\"\n\n[[pack]]\nname = \"p\"\noverlays = []\nout = \"{out_b}\"\n"
            ))
        };
        let err = two(".", "r").unwrap_err();
        assert!(
            err.contains("kansa.toml:1:1: [[pack]] #1 (\"r\"): pack directory r holds the directory r/p of [[pack]] #2 (\"p\")"),
            "{err}"
        );
        let err = two("out/p/deeper", "out").unwrap_err();
        assert!(err.contains("kansa.toml:6:1: [[pack]] #2 (\"p\"): pack directory out/p holds the directory out/p/deeper/r of [[pack]] #1"), "{err}");
        assert!(
            two(".", "./R/x/..").is_err(),
            "case and dots do not hide a nesting"
        );
        assert!(two("/abs/q", "/abs/q/r").is_err());
        assert!(two("out", "out").is_ok());
        assert!(two(".", "rr").is_ok());
        assert!(two("a", "b").is_ok());
    }

    /// Regression: `fail_under = nan` turned the gate off.
    #[test]
    fn fail_under_must_be_a_percentage() {
        for bad in ["nan", "inf", "-inf", "-1.0", "100.5"] {
            let err = load_text(&format!(
                "[[pack]]\nname = \"a\"\noverlays = []\n[pack.gates]\nfail_under = {bad}\n"
            ))
            .unwrap_err();
            assert!(err.contains("[pack.gates] fail_under"), "{bad}: {err}");
            assert!(err.contains("0 to 100"), "{bad}: {err}");
        }
        for ok in ["0.0", "80", "100.0"] {
            let text =
                format!("[[pack]]\nname = \"a\"\noverlays = []\n[pack.gates]\nfail_under = {ok}\n");
            assert!(load_text(&text).is_ok(), "{ok}");
        }
        for bad in ["NaN", "nan", "inf", "-0.5", "101", "1e3", "x", ""] {
            assert!(percent_arg(bad).is_err(), "{bad}");
        }
        assert_eq!(percent_arg("80"), Ok(80.0));
    }
}
