//! Tera templates: the built-ins embedded in the binary, and a user directory that overrides
//! them file by file (like mdBook's theme directory).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Kwargs, State, Tera, Value};

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::render::markdown;
use crate::render::view::NO_COVERAGE;

// The HTML report's Rust side (its CSP hash), beside the engine that registers it.
#[path = "html.rs"]
mod html;

/// Built-in templates: (file name, content).
pub const BUILTIN: &[(&str, &str)] = &[
    ("report.md", include_str!("../../templates/report.md")),
    ("report.html", include_str!("../../templates/report.html")),
    (
        "report.pdf.md",
        include_str!("../../templates/report.pdf.md"),
    ),
    (
        "control.pdf.md",
        include_str!("../../templates/control.pdf.md"),
    ),
    (
        "gap_row.pdf.md",
        include_str!("../../templates/gap_row.pdf.md"),
    ),
    ("control.md", include_str!("../../templates/control.md")),
    ("gap_row.md", include_str!("../../templates/gap_row.md")),
    ("control.html", include_str!("../../templates/control.html")),
    ("gap_row.html", include_str!("../../templates/gap_row.html")),
    ("ticket.md", include_str!("../../templates/ticket.md")),
    ("summary.md", include_str!("../../templates/summary.md")),
];

/// Where the text of a template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary from `templates/`.
    Builtin,
    /// A file of the override directory (`--templates DIR`, a pack's `templates`).
    Override(PathBuf),
}

/// One template as the engine parsed it: its text and where that came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The template text, exactly as parsed (and so as rendered and hashed).
    pub text: String,
    /// Built in, or the override file it was read from.
    pub origin: Origin,
}

/// The template engine of one run: Tera with kansa's filters, and the source of every template
/// it parsed.
///
/// Built once per run (`kansa report`) or per pack and passed by reference to every renderer,
/// as zola passes its `&Tera`: the override directory is read here and nowhere else, so every
/// output of a run comes from the same bytes, and a pack's manifest hashes exactly the bytes
/// that were rendered (a file edited half-way through a run cannot split the two).
pub struct Templates {
    tera: Tera,
    sources: BTreeMap<String, Source>,
    dir: Option<PathBuf>,
}

impl Templates {
    /// The built-ins, with every file of `dir` (when given) replacing the built-in of the same
    /// name; the only place kansa reads a templates directory.
    pub fn load(dir: Option<&Path>) -> Result<Templates> {
        let sources = read_sources(dir)?;
        let tera = engine(&sources).map_err(|e| template_error(dir, &sources, "", e))?;
        #[cfg(test)]
        reads::note(dir);
        Ok(Templates {
            tera,
            sources,
            dir: dir.map(Path::to_owned),
        })
    }

    /// The built-in templates alone (no override directory).
    pub fn builtin() -> Result<Templates> {
        Templates::load(None)
    }

    /// The Tera engine, for renderers that stream (`render_to`) or render in parallel.
    pub fn tera(&self) -> &Tera {
        &self.tera
    }

    /// Every template the engine holds, by name, with its text and origin.
    pub fn sources(&self) -> &BTreeMap<String, Source> {
        &self.sources
    }

    /// Render template `name` with `context` into a string.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| self.error(name, e))
    }

    /// A Tera error met while rendering `rendering`, as a kansa error naming the template (its
    /// override file when it came from one) with Tera's line and column.
    pub fn error(&self, rendering: &str, e: tera::Error) -> Error {
        template_error(self.dir.as_deref(), &self.sources, rendering, e)
    }
}

/// The built-ins and, over them, every file of `dir`: the checks of [`not_a_file`] and
/// [`check_names`] apply, and each override must be UTF-8.
fn read_sources(dir: Option<&Path>) -> Result<BTreeMap<String, Source>> {
    let mut all: BTreeMap<String, Source> = BUILTIN
        .iter()
        .map(|(n, c)| {
            let source = Source {
                text: (*c).to_owned(),
                origin: Origin::Builtin,
            };
            ((*n).to_owned(), source)
        })
        .collect();
    let Some(dir) = dir else { return Ok(all) };
    for path in override_paths(dir)? {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = crate::fs::read(&path)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::Template {
            name: path.display().to_string(),
            message: "not UTF-8; save templates as UTF-8".to_owned(),
        })?;
        let origin = Origin::Override(path);
        all.insert(name, Source { text, origin });
    }
    check_names(dir, &all)?;
    Ok(all)
}

/// The entries of a templates directory, sorted, dot files left out; an entry that is not a
/// regular file is an error.
fn override_paths(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        action: crate::error::IoAction::Read,
        path: dir.to_owned(),
        source,
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !is_hidden(p) && !is_reference_docx(p))
        .collect();
    paths.sort();
    let not_files: Vec<Diagnostic> = paths.iter().filter_map(|p| not_a_file(p)).collect();
    if !not_files.is_empty() {
        return Err(Error::Input(Diagnostics(not_files)));
    }
    Ok(paths)
}

/// `reference.docx`, which `templates export` writes beside the templates (the Word styles,
/// given with `--reference-docx`), is not a template.
fn is_reference_docx(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "reference.docx")
}

/// Dot files (`.DS_Store`, `.gitkeep`, editor swap files) are never templates.
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// Templates are read from the top level of the directory only: a subdirectory (`ja/report.md`),
/// a directory named like a template, or a symlink pointing nowhere would otherwise be skipped
/// without a word and the built-in used instead, so each is reported by name.
fn not_a_file(path: &Path) -> Option<Diagnostic> {
    let problem = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => return None,
        Ok(meta) if meta.is_dir() => "a directory, not a template file",
        Ok(_) => "not a regular file",
        Err(_) => "a symbolic link to nothing (or unreadable)",
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    Some(
        Diagnostic::new(&path.display().to_string(), 0, 0, problem)
            .value(name.into_owned())
            .hint("templates are read only from the top level of the --templates directory; move the template files there, or remove this entry"),
    )
}

/// Every file of a templates directory must either replace a built-in of the same name or be
/// used by a template (`{% include "x.md" %}`, `import`, `extends`): a misspelt override
/// (`reprot.md`, `report.mdd`, `Report.md`) would otherwise be ignored without a word, and the
/// built-in used instead. All such files are listed at once, each with the nearest valid name.
fn check_names(dir: &Path, all: &BTreeMap<String, Source>) -> Result<()> {
    let builtin: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
    let used = |name: &str| {
        all.iter().any(|(other, Source { text, .. })| {
            other != name
                && (text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'")))
        })
    };
    let problems: Vec<Diagnostic> = all
        .keys()
        .filter(|name| !builtin.contains(&name.as_str()) && !used(name))
        .map(|name| unknown_template(dir, name, &builtin))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(Diagnostics(problems)))
    }
}

fn unknown_template(dir: &Path, name: &str, builtin: &[&str]) -> Diagnostic {
    let lower = name.to_lowercase();
    let nearest = crate::diag::nearest(&lower, builtin.iter().copied());
    let rename = match nearest {
        Some(valid) => format!("did you mean {valid}? "),
        None => String::new(),
    };
    Diagnostic::new(
        &dir.join(name).display().to_string(),
        0,
        0,
        "not a template name kansa uses, and no template includes it",
    )
    .value(name)
    .hint(format!(
        "{rename}the templates are {}; rename the file, or remove it",
        builtin.join(", ")
    ))
}

/// A Tera instance with kansa's filters and the given templates.
fn engine(sources: &BTreeMap<String, Source>) -> tera::TeraResult<Tera> {
    let mut tera = Tera::new();
    // The filters take any value: a missing answer (null) prints as nothing, not an error.
    tera.register_filter("md_cell", |v: &Value, _: Kwargs, _: &State| {
        markdown::md_cell(&text_of(v))
    });
    tera.register_filter("md_cell_markdown", |v: &Value, _: Kwargs, _: &State| {
        markdown::md_cell_markdown(&text_of(v))
    });
    tera.register_filter("md_text", |v: &Value, _: Kwargs, _: &State| {
        markdown::md_text(&text_of(v))
    });
    tera.register_filter("md_plain", |v: &Value, _: Kwargs, _: &State| {
        markdown::md_plain(&text_of(v))
    });
    tera.register_filter("markdown", |v: &Value, _: Kwargs, _: &State| {
        Value::safe_string(&markdown::to_safe_html(&text_of(v)))
    });
    tera.register_filter("percent", |v: &Value, _: Kwargs, _: &State| percent(v));
    tera.register_filter("css_string", |v: &Value, _: Kwargs, _: &State| {
        Value::safe_string(&css_string(&text_of(v)))
    });
    tera.register_filter("csp_hash", |v: &Value, _: Kwargs, _: &State| {
        Value::safe_string(&html::csp_hash(&text_of(v)))
    });
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str())))?;
    Ok(tera)
}

/// The text of a template value: strings as they are (borrowed, not copied), null and
/// undefined as "".
fn text_of(v: &Value) -> std::borrow::Cow<'_, str> {
    match v.as_str() {
        Some(s) => s.into(),
        None if v.is_none() || v.is_undefined() => "".into(),
        None => v.to_string().into(),
    }
}

/// A percentage as the summaries print it, one decimal and a `%` ("83.7%"); a coverage of
/// `null` (a group with nothing applicable) as [`NO_COVERAGE`], "—".
fn percent(v: &Value) -> String {
    match v.as_f64() {
        Some(p) => format!("{p:.1}%"),
        None if v.is_none() || v.is_undefined() => NO_COVERAGE.to_owned(),
        None => v.to_string(),
    }
}

/// `text` as a quoted CSS string (for `content:` in a `<style>`): every character but ASCII
/// letters, digits and spaces as a hex escape, so no input can end the string, the rule or the
/// `<style>` element (`"`, `}`, `</style>` all become escapes), and the HTML escaping that
/// does not apply inside `<style>` is not needed.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2 + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            // The space ends the escape, so a hex digit after it is not taken as part of it.
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out.push('"');
    out
}

/// Name the template (its override file when it came from one) and keep Tera's report, which
/// points at the line and column. `rendering` names the template for errors that carry no file
/// (an include cycle, a component recursing without end).
fn template_error(
    dir: Option<&Path>,
    sources: &BTreeMap<String, Source>,
    rendering: &str,
    e: tera::Error,
) -> Error {
    // Tera starts its report with its own "error: "; the binary prints one already.
    let report = e.to_string();
    let message = report.strip_prefix("error: ").unwrap_or(&report).to_owned();
    let name = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            r.filename().to_owned()
        }
        tera::ErrorKind::CircularInclude { tpl, .. }
        | tera::ErrorKind::CircularExtend { tpl, .. } => tpl.clone(),
        tera::ErrorKind::MissingParent { current, .. } => current.clone(),
        _ => rendering.to_owned(),
    };
    let origin = sources.get(&name).map(|s| &s.origin);
    let name = match (dir, origin) {
        (_, Some(Origin::Override(path))) => path.display().to_string(),
        (Some(d), _) if name.is_empty() => d.display().to_string(),
        _ => name,
    };
    Error::Template { name, message }
}

/// Write the built-in templates into `dir` for customising. Existing files are kept unless
/// `force` is set, so a second export never eats a user's customisations.
pub fn export(dir: &Path, force: bool) -> Result<Vec<String>> {
    if let Some((name, _)) = BUILTIN.iter().find(|(n, _)| !force && dir.join(n).exists()) {
        return Err(Error::Usage(format!(
            "{} already exists; use --force to overwrite",
            dir.join(name).display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: crate::error::IoAction::Write,
        path: dir.to_owned(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, content) in BUILTIN {
        let path = dir.join(name);
        crate::fs::write_atomic(&path, content.as_bytes())?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// How often each templates directory was read, for the tests that hold [`Templates::load`] to
/// one read per run or pack (tests run in parallel, so each counts its own directory).
#[cfg(test)]
pub(crate) mod reads {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    static READS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    pub(super) fn note(dir: Option<&Path>) {
        if let Some(dir) = dir {
            READS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(dir.to_owned());
        }
    }

    /// How many times `dir` has been read as a templates directory.
    pub(crate) fn of(dir: &Path) -> usize {
        let reads = READS.lock().unwrap_or_else(|e| e.into_inner());
        reads.iter().filter(|d| *d == dir).count()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    #[test]
    fn css_strings_cannot_break_out() {
        use super::css_string;
        assert_eq!(css_string("社外秘"), "\"\\793e \\5916 \\79d8 \"");
        assert_eq!(css_string("Confidential 2"), "\"Confidential 2\"");
        let hostile = css_string("\"; } body { display: none } </style><script>x</script>\n");
        assert!(
            hostile[1..hostile.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '\\'),
            "{hostile}"
        );
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The override directory is read in [`super::Templates::load`] only, and that is called
    /// once per run by the cli and once per pack: no renderer builds its own engine (as every
    /// output did before, each re-reading the directory).
    #[test]
    fn only_the_cli_and_packs_build_a_template_engine() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let allowed = [
            "cli/report.rs",
            "pack/mod.rs",
            "pack/template_tests.rs",
            "render/templates.rs",
        ];
        let mut callers: Vec<String> = files
            .iter()
            .filter(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                text.contains("Templates::load(")
            })
            .map(|f| {
                f.strip_prefix(&src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        callers.sort();
        assert!(
            callers.iter().all(|c| allowed.contains(&c.as_str())),
            "{callers:?}"
        );
        assert!(callers.contains(&"cli/report.rs".to_owned()));
        assert!(callers.contains(&"pack/mod.rs".to_owned()));
    }
}
