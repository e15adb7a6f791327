//! `kansa report`: one document from a catalogue and overlays, stage by stage.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::{ReportArgs, emit, emit_with};
use crate::error::{Error, Result};
use crate::load;
use crate::model::date::report_date;
use crate::render::{self, Format, ReportOptions};

pub(super) fn report(args: ReportArgs) -> Result<()> {
    let format = report_format(&args)?;
    args.check_pdf_only(format)?;
    let to_stdout = args.output.as_deref().is_none_or(|p| p == Path::new("-"));
    if to_stdout
        && matches!(format, Format::Pdf | Format::Xlsx | Format::Docx)
        && std::io::stdout().is_terminal()
    {
        return Err(Error::Usage(
            "refusing to write a binary format to the terminal; add -o FILE (or pipe the output)"
                .to_owned(),
        ));
    }
    if let Some(output) = args.output.as_deref().filter(|p| *p != Path::new("-")) {
        crate::fs::refuse_output_over_input(output, &report_inputs(&args))?;
    }
    let date = report_date(args.date.as_deref()).map_err(Error::Usage)?;
    let document = match &args.document {
        Some(path) => crate::pack::config::load_document(path)?,
        None => render::view::DocumentInfo::default(),
    };
    let limits = args.input.limits.limits();
    let mut timings = Timings::from_env();
    let (catalogue, overlays) = load::load_inputs_with(
        &args.input.catalogue.catalogue,
        &args.input.answers,
        args.input.encoding,
        &args.input.sheet,
        &limits,
    )?;
    args.input.require_answers("report")?;
    timings.stage("load");
    // Each stage consumes the one before: texts move from the overlays to the view, never
    // copied, and nothing of the inputs outlives the view (large catalogues).
    let merged = crate::merge::merge_owned(&catalogue, overlays);
    timings.stage("merge");
    let analysis = crate::analyse::analyse(merged, date);
    timings.stage("analyse");
    let output = args.output.clone().filter(|_| !to_stdout);
    let templates = args.templates.clone();
    let options = report_options(args, document);
    let report = render::view::build_owned(analysis, &options);
    timings.stage("view");
    drop(catalogue);
    timings.stage("free");
    write_report(
        &report,
        format,
        templates.as_deref(),
        output.as_deref(),
        &options.pdf,
        &mut timings,
    )
}

/// The format asked for: `--format`, else the output's extension, else Markdown.
fn report_format(args: &ReportArgs) -> Result<Format> {
    match (args.format, &args.output) {
        (Some(f), _) => Ok(f),
        (None, Some(p)) if p != Path::new("-") => Format::from_path(p).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell the format from {}; add --format md|html|json|pdf|xlsx|docx",
                p.display()
            ))
        }),
        _ => Ok(Format::Md),
    }
}

/// What shapes the document but is not analysis (`report` compares with no baseline).
fn report_options(args: ReportArgs, document: render::view::DocumentInfo) -> ReportOptions {
    ReportOptions {
        lang: args.lang,
        organisation: args.org,
        title: args.title,
        changes: None,
        pdf: crate::render::PdfSettings {
            paper: args.paper.unwrap_or_default().0,
            landscape: args.landscape,
            font: args.font,
            font_index: args.font_index,
            reference_docx: args.reference_docx,
        },
        gap_order: args.sort,
        document,
    }
}

/// Render the view through the run's one template engine and write it to `output` (standard
/// output when `None`).
fn write_report(
    report: &render::view::Report,
    format: Format,
    templates: Option<&Path>,
    output: Option<&Path>,
    pdf: &render::PdfSettings,
    timings: &mut Timings,
) -> Result<()> {
    // Built once for the run. JSON and xlsx use no template: for them the directory is not
    // read (nor checked), as before.
    let uses_templates = matches!(
        format,
        Format::Md | Format::Html | Format::Pdf | Format::Docx
    );
    let templates = render::Templates::load(templates.filter(|_| uses_templates))?;
    // Standard output cannot be taken back: a template error half-way through the document
    // must not leave half a report in a pipe, so the document is rendered in full first. JSON
    // has no template and is streamed.
    if output.is_none() && matches!(format, Format::Md | Format::Html) {
        let bytes = render::render_report(report, format, &templates, pdf)?;
        timings.stage("render");
        return emit(None, &bytes);
    }
    // Streamed to a temporary file beside the output: a template error half-way leaves nothing.
    let mut failed = None;
    let written = emit_with(output, |w| {
        render::write_view(report, format, &templates, pdf, w).map_err(|e| match e {
            render::WriteError::Output(io) => io,
            render::WriteError::Render(e) => {
                failed = Some(e);
                std::io::Error::other("rendering failed")
            }
        })
    });
    timings.stage("render");
    match failed {
        Some(e) => Err(e),
        None => written,
    }
}

/// Every file `report` reads: the catalogue (unless built in), the overlays, the templates and
/// the font, the reference docx; none of them may be the output.
fn report_inputs(args: &ReportArgs) -> Vec<PathBuf> {
    let mut inputs = catalogue_files(&args.input.catalogue.catalogue);
    inputs.extend(args.input.answers.iter().cloned());
    if let Some(t) = &args.templates {
        inputs.extend(crate::fs::input_files(t));
    }
    inputs.extend(args.font.iter().cloned());
    inputs.extend(args.document.iter().cloned());
    inputs.extend(args.reference_docx.iter().cloned());
    inputs
}

/// The files of a catalogue given by path (none for a built-in one).
pub(super) fn catalogue_files(catalogue: &str) -> Vec<PathBuf> {
    if load::BUILTINS.iter().any(|b| b.id == catalogue) {
        return Vec::new();
    }
    crate::fs::input_files(Path::new(catalogue))
}

/// `KANSA_TIMINGS=1`: the wall time of each stage of `report` on standard error, to see where
/// a large build spends its time (docs/benchmarks.md).
struct Timings {
    last: Option<std::time::Instant>,
}

impl Timings {
    fn from_env() -> Self {
        let on = std::env::var_os("KANSA_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0");
        Timings {
            last: on.then(std::time::Instant::now),
        }
    }

    /// The stage that just ended.
    fn stage(&mut self, name: &str) {
        if let Some(last) = &mut self.last {
            let ms = last.elapsed().as_secs_f64() * 1000.0;
            say!("timing: {name:<8} {ms:>8.1} ms");
            *last = std::time::Instant::now();
        }
    }
}
