//! The command line: argument parsing and the glue from arguments to the pipeline.
//! Only this module prints; the library returns values and typed errors.

use std::io::Write;
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

Exit codes: 0 success, 1 output could not be written, 2 bad input or usage.";

/// kansa (監査): gap analysis and regulator reports from a controls catalogue and your answers.
#[derive(Debug, Parser)]
#[command(name = "kansa", version, about, after_long_help = COLUMNS_HELP)]
pub struct Cli {
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
    Validate(InputArgs),
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
}

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
}

#[derive(Debug, Args)]
struct InitArgs {
    #[command(flatten)]
    catalogue: CatalogueArg,
    /// Output file; `-` or nothing writes to standard output.
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Header language: Japanese (項番, 対応状況, ...) or English (id, status, ...).
    #[arg(long, value_enum, default_value = "ja")]
    lang: Lang,
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
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Report(args) => report(args),
        Command::Validate(args) => validate(args),
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
                "cannot tell the format from {}; add --format md|html|json",
                p.display()
            ))
        })?,
        _ => Format::Md,
    };
    let date = report_date(args.date.as_deref())?;
    let catalogue = load::load_catalogue(&args.input.catalogue.catalogue)?;
    let overlays = load::load_overlays(&args.input.answers, args.input.encoding, &catalogue)?;
    let analysis = crate::analyse::analyse(crate::merge::merge(&catalogue, &overlays), date);
    let options = ReportOptions {
        lang: args.lang,
        organisation: args.org,
        title: args.title,
    };
    let bytes = render::render(&analysis, format, &options, args.templates.as_deref())?;
    emit(args.output.as_deref(), &bytes)
}

fn validate(args: InputArgs) -> Result<()> {
    let catalogue = load::load_catalogue(&args.catalogue.catalogue)?;
    let overlays = load::load_overlays(&args.answers, args.encoding, &catalogue)?;
    for o in &overlays {
        let n = o.rows.len();
        let rows = if n == 1 { "row" } else { "rows" };
        eprintln!("ok: {} ({n} {rows}, {})", o.path, o.encoding);
    }
    Ok(())
}

fn init(args: InitArgs) -> Result<()> {
    let catalogue = load::load_catalogue(&args.catalogue.catalogue)?;
    emit(
        args.output.as_deref(),
        &crate::init::answer_sheet(&catalogue, args.lang),
    )
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
        return Ok(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date())
}

/// Write to a file atomically, or to standard output for `None` and `-`.
fn emit(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(p) if p != Path::new("-") => crate::fs::write_atomic(p, bytes),
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|source| Error::Io {
                    action: "cannot write",
                    path: PathBuf::from("<stdout>"),
                    source,
                })
        }
    }
}
