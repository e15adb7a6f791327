//! The command line: argument parsing and the glue from arguments to the pipeline.
//! Only this module prints; the library returns values and typed errors.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::load::{self, EncodingChoice};
use crate::render::{self, Format, Lang, ReportOptions};

const COLUMNS_HELP: &str = "\
Answer overlays (--answers) are CSV files, UTF-8 (with or without BOM), Shift_JIS/CP932 or
UTF-16 with BOM; headers are case-insensitive, English or Japanese, in any order:
  id (項番)               required; normalised: 設８３－１ and 設 83‐1 both mean 設83-1
  status (対応状況)        implemented 実施済/実施済み, partial 一部実施, planned 計画中,
                          not_implemented 未実施, not_applicable 対象外/該当なし, inherited 継承
  responsibility (責任区分) provider 事業者, customer 利用者/顧客, shared 共同/共有
  answer (回答)            text, may be Markdown
  evidence (証跡), owner (担当), notes (備考)
  due (期限), reviewed (確認日)   dates, YYYY-MM-DD or YYYY/MM/DD
Other columns are kept and shown in reports and JSON. Overlays apply in the order given:
for each field the last non-empty value wins. A control with no status is unanswered.
Gaps: not_implemented, partial, planned, unanswered. Met: implemented, inherited.
not_applicable leaves the denominator. Overdue: a gap due before the report date.

Input limits (exceeding one is a located error, exit 2): --max-field-bytes (default 4MiB per
cell), --max-rows (default 1000000 data rows per file or sheet; a table may also hold at most
32 cells per allowed row), --max-file-bytes (default 256MiB per file, and per workbook
unpacked). Only the first 1000 problems of a file are listed.

Exit codes: 0 success, 1 output could not be written, 2 bad input or usage.";

/// kansa (監査): gap analysis and regulator reports from a controls catalogue and your answers.
#[derive(Debug, Parser)]
#[command(name = "kansa", version, about, after_long_help = COLUMNS_HELP)]
pub struct Cli {
    /// Threads to use (default: one per core); `pack` builds this many packs at once. The
    /// output is the same whatever the number.
    #[arg(short = 'j', long, global = true, value_name = "N", env = "KANSA_JOBS")]
    jobs: Option<std::num::NonZeroUsize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Merge the answer overlays onto the catalogue and render a gap-analysis report.
    #[command(after_long_help = COLUMNS_HELP)]
    Report(ReportArgs),
    /// Check answer overlays against the catalogue; exit 0 when clean, 2 with every problem listed.
    #[command(after_long_help = COLUMNS_HELP)]
    Validate(ValidateArgs),
    /// Build submission packs from a kansa.toml: reports, assessment.json, gaps.csv,
    /// answers-merged.csv, tickets/, summary.md, manifest.json and SHA256SUMS, written atomically.
    #[command(after_long_help = PACK_HELP)]
    Pack(PackArgs),
    /// Re-check every checksum of a pack: exit 0 intact, 1 changed, missing or added files.
    Verify {
        /// The pack directory.
        dir: PathBuf,
    },
    /// Write a blank answer sheet for a catalogue (CSV, UTF-8 with BOM so Excel opens it).
    #[command(after_long_help = COLUMNS_HELP)]
    Init(InitArgs),
    /// List or show the built-in catalogues.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Work with the report templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
}

#[derive(Debug, Args)]
struct CatalogueArg {
    /// Built-in catalogue name, a catalogue directory (controls.csv + catalogue.toml) or a CSV file.
    #[arg(
        long,
        visible_alias = "catalog",
        value_name = "NAME|PATH",
        default_value = "fisc-2012"
    )]
    catalogue: String,
}

#[derive(Debug, Args)]
struct InputArgs {
    #[command(flatten)]
    catalogue: CatalogueArg,
    /// An answer overlay (CSV); repeat for several, applied in order (provider first, yours last).
    #[arg(long = "answers", value_name = "FILE")]
    answers: Vec<PathBuf>,
    /// Encoding of the overlays; detected by default.
    #[arg(long, value_enum, default_value = "auto")]
    encoding: EncodingChoice,
    /// For .xlsx overlays: read only this sheet (repeatable); default: every sheet with an id
    /// column (項番 or id).
    #[arg(long, value_name = "NAME")]
    sheet: Vec<String>,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Input limits (see `docs/robustness.md`); exceeding one is a located error, exit 2.
#[derive(Debug, Args)]
struct LimitArgs {
    /// Largest cell of an input file (CSV field or workbook cell), in bytes; units KiB, MiB, GiB
    /// accepted.
    #[arg(long, value_name = "BYTES", default_value = "4MiB", value_parser = size_arg)]
    max_field_bytes: u64,
    /// Most data rows in one input file or sheet (blank rows do not count).
    #[arg(long, value_name = "N", default_value = "1000000", value_parser = load::limits::parse_count)]
    max_rows: usize,
    /// Largest input file (catalogue or overlay), in bytes; units KiB, MiB, GiB accepted.
    #[arg(long, value_name = "BYTES", default_value = "256MiB", value_parser = size_arg)]
    max_file_bytes: u64,
}

fn size_arg(s: &str) -> std::result::Result<u64, String> {
    load::limits::parse_size(s)
}

impl LimitArgs {
    fn limits(&self) -> load::Limits {
        load::Limits {
            max_field_bytes: usize::try_from(self.max_field_bytes).unwrap_or(usize::MAX),
            max_rows: self.max_rows,
            max_file_bytes: self.max_file_bytes,
        }
    }
}

#[derive(Debug, Args)]
struct ValidateArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format for the problems: text on stderr, or JSON / SARIF 2.1.0 on stdout (for CI
    /// annotations).
    #[arg(long, value_enum, default_value = "text")]
    format: ValidateFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ValidateFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InitFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct PackArgs {
    /// The pack configuration (see examples/example-bank/kansa.toml).
    config: PathBuf,
    /// Output root (a pack goes to OUT/<name>); overrides `out` in the config.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// A previous pack (directory, packs root or its assessment.json): adds "changes since".
    #[arg(long, value_name = "DIR|assessment.json")]
    baseline: Option<PathBuf>,
    /// Exit 1 (after writing) when a new gap or a status regression appears; repeatable.
    #[arg(long, value_enum, value_name = "new-gaps|regression")]
    fail_on: Vec<crate::pack::Gate>,
    /// Exit 1 (after writing) when coverage is under PERCENT.
    #[arg(long, value_name = "PERCENT")]
    fail_under: Option<f64>,
    /// Missing evidence files are errors (exit 2), not warnings.
    #[arg(long)]
    strict: bool,
    /// Print only warnings, errors and gate failures.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Log lines as text or as JSON objects (one per line).
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

const PACK_HELP: &str = "\
kansa.toml holds one or more [[pack]] tables; paths are relative to the file:
  [[pack]]
  name = \"example-bank\"                 # directory name under out
  organisation = \"架空銀行（例）\"
  catalogue = \"fisc-2012\"               # built-in name or path
  overlays = [\"../aws-2012/answers.csv\", \"answers.csv\"]   # applied in order
  date = \"2026-11-25\"                   # default: SOURCE_DATE_EPOCH, else today
  lang = \"ja\"                           # ja | en
  formats = [\"md\", \"html\", \"pdf\", \"xlsx\"]   # default md, html, pdf; JSON and CSVs always
  paper = \"a4\"                          # PDF: a4 | letter; landscape = true; font = \"x.ttf\"
  out = \"../../target/packs\"            # default: packs/ beside the config
  evidence_root = \"evidence\"            # evidence entries naming files here get SHA-256s
  [pack.gates]
  fail_on = [\"regression\"]              # new-gaps | regression (need --baseline)
  fail_under = 80.0                     # coverage percent
  [pack.limits]                         # as --max-field-bytes, --max-rows, --max-file-bytes
  max_field_bytes = \"4MiB\"              # per cell (default 4MiB)
  max_rows = 1000000                    # data rows per file or sheet (default 1000000)
  max_file_bytes = \"256MiB\"             # per input file (default 256MiB)

Exit codes: 0 built (gates passed), 1 a gate tripped (the pack is still written) or a
write failed, 2 bad input or usage (nothing is replaced).";

#[derive(Debug, Args)]
struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format; by default taken from -o's extension, else md.
    #[arg(long, short = 'f', value_enum)]
    format: Option<Format>,
    /// Output file; `-` or nothing writes to standard output. Written atomically.
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Report language.
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
    /// Report date (YYYY-MM-DD); default: SOURCE_DATE_EPOCH, else today.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Organisation named on the report.
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// Report title.
    #[arg(long)]
    title: Option<String>,
    /// Directory whose template files override the built-ins by name (see `templates export`).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// PDF paper size.
    #[arg(long, value_enum, default_value = "a4")]
    paper: PaperArg,
    /// PDF pages in landscape orientation.
    #[arg(long)]
    landscape: bool,
    /// PDF font: a .ttf, .otf or .ttc file instead of the built-in IPAex Gothic.
    #[arg(long, value_name = "PATH")]
    font: Option<PathBuf>,
    /// Face index within a .ttc font collection.
    #[arg(long, value_name = "N", default_value = "0")]
    font_index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PaperArg {
    A4,
    Letter,
}

impl From<PackArgs> for crate::cli_pack::PackRun {
    fn from(a: PackArgs) -> Self {
        crate::cli_pack::PackRun {
            config: a.config,
            options: crate::pack::PackOptions {
                out: a.out,
                baseline: a.baseline,
                fail_on: a.fail_on,
                fail_under: a.fail_under,
                strict: a.strict,
            },
            jobs: None,
            quiet: a.quiet,
            json_logs: a.log_format == LogFormat::Json,
        }
    }
}

#[derive(Debug, Args)]
struct InitArgs {
    #[command(flatten)]
    catalogue: CatalogueArg,
    /// csv (UTF-8 with BOM) or xlsx (a workbook with dropdowns, one sheet per section); by
    /// default taken from -o's extension, else csv.
    #[arg(long, short = 'f', value_enum)]
    format: Option<InitFormat>,
    /// Pre-fill the sheet from existing overlays (e.g. the provider's answers), applied in order.
    /// A last column (prefilled/事前記入) marks the pre-filled cells: stacked after those
    /// overlays, the cells left unchanged stay credited to them.
    #[arg(long = "from", value_name = "OVERLAY")]
    from: Vec<PathBuf>,
    /// Output file; `-` or nothing writes to standard output. An existing file is kept unless
    /// --force is given (it may be a filled-in sheet).
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// Header language: Japanese (項番, 対応状況, ...) or English (id, status, ...).
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Debug, Subcommand)]
enum CatalogueCommand {
    /// List the built-in catalogues.
    List,
    /// Show a catalogue's metadata and controls (built-in name or path).
    Show {
        /// Catalogue name or path.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// Write the built-in templates into DIR to customise them; use with `report --templates DIR`.
    Export {
        /// Target directory (created if missing).
        dir: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
}

/// Parse arguments, run, print errors; returns the process exit code.
pub fn main() -> std::process::ExitCode {
    // A panic inside the workbook reader is caught and reported as a damaged file (exit 2):
    // its message is noise then. Every other panic is printed as usual.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !crate::xlsx::reading_workbook() {
            default_hook(info);
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return std::process::ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            std::process::ExitCode::SUCCESS
        }
        Err(e @ (Error::Reported(_) | Error::GateFailed(_) | Error::WriteReported)) => {
            std::process::ExitCode::from(e.exit_code())
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    if let Some(jobs) = cli.jobs {
        // Only fails when a pool already exists, which `run` never builds before this.
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.get())
            .build_global()
            .map_err(|e| Error::Usage(format!("cannot start {jobs} threads: {e}")))?;
    }
    match cli.command {
        Command::Report(args) => report(args),
        Command::Validate(args) => validate(args),
        Command::Pack(args) => crate::cli_pack::pack(crate::cli_pack::PackRun {
            jobs: cli.jobs.map(|j| j.get()),
            ..args.into()
        }),
        Command::Verify { dir } => crate::cli_pack::verify(&dir),
        Command::Init(args) => init(args),
        Command::Catalogue(CatalogueCommand::List) => {
            let mut out = String::new();
            for b in load::BUILTINS {
                let c = load::load_catalogue(b.id)?;
                out.push_str(&format!(
                    "{}\t{}\t{} ({} controls)\n",
                    b.id,
                    c.meta.name,
                    c.meta.edition,
                    c.controls.len()
                ));
            }
            emit(None, out.as_bytes())
        }
        Command::Catalogue(CatalogueCommand::Show { name }) => {
            let c = load::load_catalogue(&name)?;
            emit(None, crate::init::catalogue_listing(&c).as_bytes())
        }
        Command::Templates(TemplatesCommand::Export { dir, force }) => {
            for path in render::templates::export(&dir, force)? {
                eprintln!("wrote {path}");
            }
            Ok(())
        }
    }
}

fn report(args: ReportArgs) -> Result<()> {
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(p)) if p != Path::new("-") => Format::from_path(p).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell the format from {}; add --format md|html|json|pdf|xlsx",
                p.display()
            ))
        })?,
        _ => Format::Md,
    };
    let to_stdout = args.output.as_deref().is_none_or(|p| p == Path::new("-"));
    if to_stdout && matches!(format, Format::Pdf | Format::Xlsx) && std::io::stdout().is_terminal()
    {
        return Err(Error::Usage(
            "refusing to write a binary format to the terminal; add -o FILE (or pipe the output)"
                .to_owned(),
        ));
    }
    let date = report_date(args.date.as_deref())?;
    let limits = args.input.limits.limits();
    let mut timings = Timings::from_env();
    let (catalogue, overlays) = load::load_inputs_with(
        &args.input.catalogue.catalogue,
        &args.input.answers,
        args.input.encoding,
        &args.input.sheet,
        &limits,
    )?;
    timings.stage("load");
    // Each stage consumes the one before: texts move from the overlays to the view, never
    // copied, and nothing of the inputs outlives the view (large catalogues).
    let merged = crate::merge::merge_owned(&catalogue, overlays);
    timings.stage("merge");
    let analysis = crate::analyse::analyse(merged, date);
    timings.stage("analyse");
    let options = ReportOptions {
        lang: args.lang,
        organisation: args.org,
        title: args.title,
        baseline: None,
        pdf: crate::render::PdfSettings {
            paper: match args.paper {
                PaperArg::A4 => crate::render::pdf::Paper::A4,
                PaperArg::Letter => crate::render::pdf::Paper::Letter,
            },
            landscape: args.landscape,
            font: args.font,
            font_index: args.font_index,
        },
    };
    let report = render::view::build_owned(analysis, &options);
    timings.stage("view");
    drop(catalogue);
    timings.stage("free");
    // Standard output cannot be taken back: a template error half-way through the document
    // must not leave half a report in a pipe, so the document is rendered in full first. JSON
    // has no template and is streamed.
    if to_stdout && matches!(format, Format::Md | Format::Html) {
        let bytes =
            render::render_report(&report, format, args.templates.as_deref(), &options.pdf)?;
        timings.stage("render");
        return emit(None, &bytes);
    }
    // Streamed to a temporary file beside the output: a template error half-way leaves nothing.
    let mut failed = None;
    let written = emit_with(args.output.as_deref(), |w| {
        render::write_view(&report, format, args.templates.as_deref(), &options.pdf, w).map_err(
            |e| match e {
                render::WriteError::Output(io) => io,
                render::WriteError::Render(e) => {
                    failed = Some(e);
                    std::io::Error::other("rendering failed")
                }
            },
        )
    });
    timings.stage("render");
    match failed {
        Some(e) => Err(e),
        None => written,
    }
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
            eprintln!("timing: {name:<8} {ms:>8.1} ms");
            *last = std::time::Instant::now();
        }
    }
}

fn validate(args: ValidateArgs) -> Result<()> {
    let input = args.input;
    let limits = input.limits.limits();
    let result = load::load_inputs_with(
        &input.catalogue.catalogue,
        &input.answers,
        input.encoding,
        &input.sheet,
        &limits,
    )
    .map(|(_, overlays)| overlays);
    if args.format == ValidateFormat::Text {
        for o in result? {
            let n = o.rows.len();
            let rows = if n == 1 { "row" } else { "rows" };
            eprintln!("ok: {} ({n} {rows}, {})", o.path, o.encoding);
        }
        return Ok(());
    }
    let (problems, failed) = match result {
        Ok(_) => (crate::diag::Diagnostics::default(), None),
        Err(Error::Input(d)) => (d.clone(), Some(Error::Input(d))),
        Err(other) => return Err(other),
    };
    let doc = match args.format {
        ValidateFormat::Sarif => crate::diag::sarif(&problems),
        _ => serde_json::json!({ "problems": problems.0, "count": problems.len() }),
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| Error::Usage(e.to_string()))?;
    bytes.push(b'\n');
    emit(None, &bytes)?;
    match failed {
        // Problems were printed as data; still exit 2 so CI marks the step.
        Some(Error::Input(d)) => Err(Error::Reported(d.len())),
        _ => Ok(()),
    }
}

fn init(args: InitArgs) -> Result<()> {
    if !args.force {
        refuse_existing_sheet(args.output.as_deref())?;
    }
    let limits = args.limits.limits();
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(p))
            if p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            InitFormat::Xlsx
        }
        _ => InitFormat::Csv,
    };
    let (catalogue, overlays) = load::load_inputs_with(
        &args.catalogue.catalogue,
        &args.from,
        EncodingChoice::Auto,
        &[],
        &limits,
    )?;
    let merged = crate::merge::merge(&catalogue, &overlays);
    let prefill = (!overlays.is_empty()).then_some(&merged);
    let bytes = match format {
        InitFormat::Csv => crate::init::answer_sheet(&catalogue, args.lang, prefill),
        InitFormat::Xlsx => {
            let date = report_date(None)?;
            crate::xlsx::answer_workbook(&catalogue, args.lang, prefill, date)?
        }
    };
    emit(args.output.as_deref(), &bytes)
}

/// `init` writes a blank sheet: an existing regular file at `-o` is most likely a filled-in
/// one, so it is only replaced with `--force` (as `templates export` does). Standard output
/// and devices (`/dev/null`) are always written.
fn refuse_existing_sheet(output: Option<&Path>) -> Result<()> {
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        return Ok(());
    };
    if std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Err(Error::Usage(format!(
            "{} already exists; use --force to overwrite it (kansa init writes a new sheet)",
            path.display()
        )));
    }
    Ok(())
}

/// The report date: `--date`, else `SOURCE_DATE_EPOCH` (reproducible builds), else today.
pub fn report_date(arg: Option<&str>) -> Result<Date> {
    if let Some(s) = arg {
        return load::values::parse_date(s)
            .map_err(|e| Error::Usage(format!("--date {s:?}: {}; {}", e.message, e.hint)));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH {epoch:?} is not a number of seconds"
            ))
        })?;
        let ts = jiff::Timestamp::from_second(secs)
            .map_err(|e| Error::Usage(format!("SOURCE_DATE_EPOCH {epoch:?}: {e}")))?;
        let date = ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        return load::values::check_date_range(date).map_err(|e| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH {epoch:?} is {date}: {}; {}",
                e.message, e.hint
            ))
        });
    }
    Ok(jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date())
}

/// Write to a file atomically, or to standard output for `None` and `-`.
pub(crate) fn emit(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    emit_with(output, |w| w.write_all(bytes))
}

/// [`emit`] for output produced by a writer.
pub(crate) fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match output {
        Some(p) if p != Path::new("-") => crate::fs::write_atomic_with(p, write),
        _ => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|source| Error::Io {
                    action: "cannot write",
                    path: PathBuf::from("<stdout>"),
                    source,
                })
        }
    }
}
