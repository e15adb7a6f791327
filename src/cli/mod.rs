//! The command line: argument parsing and the glue from arguments to the pipeline.
//! Only this module prints; the library returns values and typed errors.

mod diagnostics;
mod init;
mod pack_command;
mod report;
mod validate;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::load::{self, EncodingChoice};
use crate::render::{self, Format, Lang};

/// What an answer overlay holds, for the help of every command that reads overlays. A macro so
/// that each command can append its own exit codes with `concat!`.
macro_rules! overlays_help {
    () => {
        "\
Answer overlays (--answers) are CSV files (UTF-8 with or without BOM, Shift_JIS/CP932 or UTF-16
with BOM) or Excel workbooks (.xlsx: every sheet with an id column, or only --sheet NAME);
headers are case-insensitive, English or Japanese, in any order:
  id (項番)               required; normalised: 設８３－１ and 設 83‐1 both mean 設83-1
  status (対応状況)        implemented 実施済/実施済み, partial 一部実施, planned 計画中,
                          not_implemented 未実施, not_applicable 対象外/該当なし, inherited 継承
  responsibility (責任区分) provider 事業者, customer 利用者/顧客, shared 共同/共有
  answer (回答)            text, may be Markdown
  finding (現状・課題, 現状, 課題, 指摘事項)   what is wrong now: text, may be Markdown
  plan (対応策, 改善計画, 是正計画)            what will be done: text, may be Markdown
  risk (リスク, リスク評価) high 高, medium 中, low 低
  evidence (証跡), owner (担当), notes (備考)
  due (期限), reviewed (確認日)   dates, YYYY-MM-DD or YYYY/MM/DD
Other columns are kept and shown in reports and JSON. Overlays apply in the order given:
for each field the last non-empty value wins. A control with no status is unanswered.
Gaps: not_implemented, partial, planned, unanswered. Met: implemented, inherited.
not_applicable leaves the denominator. Overdue: a gap due before the report date.

Input limits (exceeding one is a located error, exit 2): --max-field-bytes (default 4MiB per
cell), --max-rows (default 1000000 data rows per file or sheet; a table may also hold at most
32 cells per allowed row), --max-file-bytes (default 256MiB per file, and per workbook
unpacked). Only the first 1000 problems of a file are listed."
    };
}

/// `kansa --help`: every command's exit codes.
const MAIN_HELP: &str = concat!(
    overlays_help!(),
    "\n\nExit codes: 0 success; 1 an output could not be written, a pack gate tripped (the pack \
     is still written) or verify found a changed, missing or added file; 2 bad input or usage."
);

/// `kansa report --help`.
const REPORT_HELP: &str = concat!(
    overlays_help!(),
    "\n\nExit codes: 0 written, 1 the output could not be written, 2 bad input or usage (nothing \
     is written)."
);

/// `kansa validate --help`.
const VALIDATE_HELP: &str = concat!(
    overlays_help!(),
    "\n\nExit codes: 0 every overlay is clean, 2 problems (every one listed) or bad usage."
);

/// `kansa init --help`: about the sheet it writes, not about --answers, which it does not take.
const INIT_HELP: &str = "\
The sheet lists every control of the catalogue with the answer columns to fill in: status
(対応状況), responsibility (責任区分), answer (回答), finding (現状・課題), plan (対応策), risk
(リスク: a dropdown, like status and responsibility), evidence (証跡), owner (担当), due (期限),
reviewed (確認日), notes (備考); Japanese headers and values by default, English with --lang en.
--from pre-fills it from existing overlays (CSV or .xlsx, applied in order), so an
organisation starts from its provider's answers. Give the filled-in sheet to `report` or
`validate` as --answers.

Exit codes: 0 written, 1 the output could not be written, 2 bad input or usage.";

/// `kansa verify --help`.
const VERIFY_HELP: &str = "\
Every file must match both SHA256SUMS and manifest.json, and be a regular file inside the pack
(symbolic links, FIFOs, devices and directories are refused, never read); files not listed
are reported as added.

A pack built with `kansa pack --sign KEY` has SHA256SUMS.sig, an SSH signature (namespace
kansa-pack) over SHA256SUMS, which lists every file, manifest.json included. verify checks that
it matches SHA256SUMS and the key manifest.json names; with --allowed-signers FILE (OpenSSH's
allowed_signers format, as for git commit signing) it also checks the key is allowed and prints
the signer. Lines with cert-authority never match (packs are signed with plain keys);
valid-after and valid-before are compared with the current time in UTC. Without a signature, an
intact result shows that nothing changed since the checksums were written, not who wrote them.
OpenSSH alone checks the same:
  ssh-keygen -Y verify -f allowed_signers -I SIGNER -n kansa-pack -s SHA256SUMS.sig < SHA256SUMS
  sha256sum -c SHA256SUMS

Exit codes: 0 intact (and, if signed, a good signature); 1 a file changed, missing, added or not
a regular file, the two lists disagree or hold a bad line, a bad or foreign signature, or no
signature with --require-signature; 2 not a pack (no SHA256SUMS), a bad allowed_signers file,
or bad usage.";

/// kansa (監査): gap analysis and regulator reports from a controls catalogue and your answers.
#[derive(Debug, Parser)]
#[command(name = "kansa", version, about, after_long_help = MAIN_HELP)]
pub struct Cli {
    /// Threads to use (default: one per core; at most 4 per core). The output is the same
    /// whatever the number.
    #[arg(short = 'j', long, global = true, value_name = "N", env = "KANSA_JOBS")]
    jobs: Option<std::num::NonZeroUsize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Merge the answer overlays onto the catalogue and render a gap-analysis report.
    #[command(after_long_help = REPORT_HELP)]
    Report(ReportArgs),
    /// Check answer overlays against the catalogue; exit 0 when clean, 2 with every problem listed.
    #[command(after_long_help = VALIDATE_HELP)]
    Validate(ValidateArgs),
    /// Build submission packs from a kansa.toml: reports, assessment.json, gaps.csv,
    /// answers-merged.csv, tickets/, summary.md, manifest.json and SHA256SUMS, written atomically.
    #[command(after_long_help = PACK_HELP)]
    Pack(PackArgs),
    /// Re-check a pack against its SHA256SUMS, manifest.json and signature: prints the problems
    /// and one summary line; exit 0 intact, 1 changed, missing, added or unreadable files or a
    /// bad signature, 2 not a pack.
    #[command(after_long_help = VERIFY_HELP)]
    Verify {
        /// The pack directory.
        dir: PathBuf,
        /// Print a line for every file, not only the problems.
        #[arg(long, short = 'v')]
        verbose: bool,
        /// Check the signature against this OpenSSH allowed_signers file and print the signer.
        #[arg(long, value_name = "FILE")]
        allowed_signers: Option<PathBuf>,
        /// An unsigned pack is a failure (exit 1); needs --allowed-signers.
        #[arg(long, requires = "allowed_signers")]
        require_signature: bool,
        /// Also check the overlays and evidence files the manifest lists against DIR/<name as
        /// listed> (repeatable: the overlays' folder, the evidence root); one not found is
        /// reported, not a failure.
        #[arg(long, value_name = "DIR")]
        inputs: Vec<PathBuf>,
    },
    /// Write a blank answer sheet for a catalogue: CSV (UTF-8 with BOM so Excel opens it) or an
    /// .xlsx workbook with dropdowns.
    #[command(after_long_help = INIT_HELP)]
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
    /// An answer overlay (CSV or .xlsx); repeat for several, applied in order (provider first,
    /// yours last). At least one is needed, unless --no-answers.
    #[arg(long = "answers", value_name = "FILE")]
    answers: Vec<PathBuf>,
    /// Run without any overlay on purpose: `report` writes a blank report (every control
    /// unanswered), `validate` checks the catalogue alone.
    #[arg(long, conflicts_with = "answers")]
    no_answers: bool,
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
    #[arg(long, value_name = "N", default_value = "1000000", value_parser = crate::model::limits::parse_count)]
    max_rows: usize,
    /// Largest input file (catalogue or overlay), in bytes; units KiB, MiB, GiB accepted.
    #[arg(long, value_name = "BYTES", default_value = "256MiB", value_parser = size_arg)]
    max_file_bytes: u64,
}

impl InputArgs {
    /// No `--answers` is a usage error unless `--no-answers` says it is meant: otherwise a
    /// forgotten flag gives a 0% report, or a `validate` that checks nothing and passes.
    /// Called after loading, so a broken catalogue is still reported as such.
    fn require_answers(&self, command: &str) -> Result<()> {
        if !self.answers.is_empty() || self.no_answers {
            return Ok(());
        }
        let blank = if command == "report" {
            "for a blank report (every control unanswered), add --no-answers"
        } else {
            "to check the catalogue alone, add --no-answers"
        };
        Err(Error::Usage(format!(
            "{command}: no answer overlay given\n  hint: add --answers FILE (CSV or .xlsx, \
             repeatable); {blank}"
        )))
    }
}

fn size_arg(s: &str) -> std::result::Result<u64, String> {
    crate::model::limits::parse_size(s)
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
    /// A previous pack (directory, packs root, its assessment.json or its report.pdf, which
    /// embeds the assessment): adds "changes since". A pack without a previous version there
    /// (or of another catalogue) is built without, and says so.
    #[arg(long, value_name = "DIR|assessment.json|report.pdf")]
    baseline: Option<PathBuf>,
    /// Exit 1 (after writing) when a new gap or a status regression appears; repeatable. Not
    /// evaluated (a note says so) for a pack without a baseline.
    #[arg(long, value_enum, value_name = "new-gaps|regression")]
    fail_on: Vec<crate::pack::Gate>,
    /// Exit 1 (after writing) when coverage is under PERCENT (0 to 100).
    #[arg(long, value_name = "PERCENT", value_parser = crate::pack::config::percent_arg)]
    fail_under: Option<f64>,
    /// Missing evidence files are errors (exit 2), not warnings.
    #[arg(long)]
    strict: bool,
    /// Sign each pack with this OpenSSH Ed25519 private key: SHA256SUMS.sig, an SSH signature
    /// (namespace kansa-pack) over SHA256SUMS. The passphrase comes from KANSA_SIGN_PASSPHRASE,
    /// else is asked on the terminal. Overrides `sign` in the config.
    #[arg(long, value_name = "KEY")]
    sign: Option<PathBuf>,
    /// Also sign report.pdf (PAdES B-B, shown by PDF readers) with the key and certificate of
    /// this PKCS#12 file (RSA or ECDSA P-256); the password comes from KANSA_PDF_CERT_PASSWORD,
    /// else is asked on the terminal. Overrides `sign_pdf` in the config.
    #[arg(long, value_name = "CERT.p12")]
    sign_pdf: Option<PathBuf>,
    /// With --baseline: the baseline must be an intact pack signed by a key this OpenSSH
    /// allowed_signers file allows, or nothing is built (exit 1).
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
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
  name = \"example-bank\"                 # directory under out (other than letters, digits, -, _ → _)
  organisation = \"架空銀行（例）\"
  catalogue = \"fisc-2012\"               # built-in name or path
  overlays = [\"../aws-2012/answers.csv\", \"answers.csv\"]   # applied in order; [] for none
  date = 2026-11-25                     # quoted or not; default: SOURCE_DATE_EPOCH, else today
  lang = \"ja\"                           # ja | en
  formats = [\"md\", \"html\", \"pdf\", \"xlsx\"]   # default md, html, pdf; JSON and CSVs always
  paper = \"a4\"                          # PDF: a4 | letter; landscape = true; font = \"x.ttf\"
  reference_docx = \"house.docx\"        # docx (formats += \"docx\"): styles, page set-up, header, footer
  out = \"../../target/packs\"            # default: packs/ beside the config
  evidence_root = \"evidence\"            # evidence entries naming files here get SHA-256s
  sort = \"urgency\"                      # findings register: urgency (overdue, risk, due) | catalogue
  sign = \"keys/pack_ed25519\"           # OpenSSH Ed25519 private key: SHA256SUMS.sig (or --sign KEY)
  sign_pdf = \"keys/signer.p12\"          # PKCS#12: report.pdf signed, PAdES B-B (or --sign-pdf CERT.p12)
  [pack.gates]
  fail_on = [\"regression\"]              # new-gaps | regression (skipped without a baseline)
  fail_under = 80.0                     # coverage percent, 0 to 100
  [pack.limits]                         # as --max-field-bytes, --max-rows, --max-file-bytes
  max_field_bytes = \"4MiB\"              # per cell (default 4MiB)
  max_rows = 1000000                    # data rows per file or sheet (default 1000000)
  max_file_bytes = \"256MiB\"             # per input file (default 256MiB)
  [pack.document]                       # document control on the cover; a top-level
  number = \"KANSA-EX-2026-001\"          # [document] is shared by every pack, [pack.document]
  version = \"1.0\"                       # overriding it key by key
  classification = \"社外秘\"             # also in every PDF page header
  purpose = \"…\"                         # and scope = \"…\"
  prepared_by = { name = \"山田 太郎\", date = 2026-11-20 }   # reviewed_by, approved_by:
                                        # left out → empty boxes, ready to stamp

-j N (or KANSA_JOBS=N) builds up to N packs at once.

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
    /// PDF paper size (default a4).
    #[arg(long, value_enum)]
    paper: Option<crate::pack::choice::PaperName>,
    /// PDF pages in landscape orientation.
    #[arg(long)]
    landscape: bool,
    /// PDF font: a .ttf, .otf or .ttc file for the body text instead of the built-in BIZ UDPGothic.
    #[arg(long, value_name = "PATH")]
    font: Option<PathBuf>,
    /// Face index within a .ttc font collection given with --font; an index the font does not
    /// have is an error.
    #[arg(long, value_name = "N", default_value = "0", requires = "font")]
    font_index: u32,
    /// Order of the findings register (the gap list) in every format: `urgency` puts overdue
    /// gaps first, then risk high → medium → low → unrated, then the earliest due date (none
    /// last), then catalogue order; `catalogue` keeps catalogue order.
    #[arg(long, value_enum, default_value = "urgency")]
    sort: render::view::GapOrder,
    /// Word output: take the styles, page set-up, header and footer from this .docx (as
    /// pandoc's --reference-doc); `kansa templates export DIR` writes the default one.
    #[arg(long, value_name = "FILE.docx")]
    reference_docx: Option<PathBuf>,
    /// Document control: a TOML file with the keys of kansa.toml's [document] (number,
    /// version, classification, purpose, scope, prepared_by, reviewed_by, approved_by).
    #[arg(long, value_name = "FILE.toml")]
    document: Option<PathBuf>,
}

impl ReportArgs {
    /// `--paper`, `--landscape`, `--font` and `--font-index` shape only the PDF: with another
    /// format they would be ignored without a word (as `--font-index 7` on a one-face font
    /// was), so they are a usage error.
    fn check_pdf_only(&self, format: Format) -> Result<()> {
        if self.reference_docx.is_some() && format != Format::Docx {
            return Err(Error::Usage(format!(
                "--reference-docx applies only to Word output, and this report is {}\n  hint: add \
                 --format docx (or -o FILE.docx), or drop --reference-docx",
                clap::ValueEnum::to_possible_value(&format)
                    .map_or_else(String::new, |v| v.get_name().to_owned())
            )));
        }
        if format == Format::Pdf {
            return Ok(());
        }
        let given = [
            ("--paper", self.paper.is_some()),
            ("--landscape", self.landscape),
            ("--font", self.font.is_some()),
        ];
        match given.iter().find(|(_, set)| *set) {
            None => Ok(()),
            Some((flag, _)) => Err(Error::Usage(format!(
                "{flag} applies only to PDF output, and this report is {}\n  hint: add \
                 --format pdf (or -o FILE.pdf), or drop {flag}",
                clap::ValueEnum::to_possible_value(&format)
                    .map_or_else(String::new, |v| v.get_name().to_owned())
            ))),
        }
    }
}

impl From<PackArgs> for pack_command::PackRun {
    fn from(a: PackArgs) -> Self {
        pack_command::PackRun {
            config: a.config,
            options: crate::pack::PackOptions {
                out: a.out,
                baseline: a.baseline,
                fail_on: a.fail_on,
                fail_under: a.fail_under,
                strict: a.strict,
                sign: a.sign,
                sign_pdf: a.sign_pdf,
                ..Default::default()
            },
            allowed_signers: a.allowed_signers,
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
    /// Write the built-in templates into DIR to customise them (use with `report --templates
    /// DIR`), and reference.docx, the default Word styles and page set-up (edit it in Word, use
    /// with `report --reference-docx DIR/reference.docx`).
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
        if !crate::load::xlsx::reading_workbook() {
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
        Err(e @ (Error::Reported(_) | Error::GateFailed(_))) => {
            std::process::ExitCode::from(e.exit_code())
        }
        Err(e) => {
            say!("error: {e}");
            std::process::ExitCode::from(e.exit_code())
        }
    }
}

/// Threads per core `-j` may ask for: enough to overlap waiting on the disk, while a typo such as
/// `-j 99999` cannot start thousands of threads and stall the machine.
const MAX_THREADS_PER_CORE: usize = 4;

/// `-j N` within the cap for a machine of `cores` cores, and the warning to print when N was
/// lowered.
fn capped_jobs(requested: usize, cores: usize) -> (usize, Option<Diagnostic>) {
    let cap = cores.max(1) * MAX_THREADS_PER_CORE;
    if requested <= cap {
        return (requested, None);
    }
    let warning = format!(
        "-j/KANSA_JOBS {requested} is more than {MAX_THREADS_PER_CORE} threads per core \
         ({cores} cores here); using {cap}"
    );
    (cap, Some(Diagnostic::about_run(Severity::Warning, warning)))
}

fn run(cli: Cli) -> Result<()> {
    let jobs = cli.jobs.map(|requested| {
        let cores = std::thread::available_parallelism().map_or(1, |p| p.get());
        let (jobs, warning) = capped_jobs(requested.get(), cores);
        if let Some(warning) = warning {
            diagnostics::print(&warning);
        }
        jobs
    });
    if let Some(jobs) = jobs {
        // Only fails when a pool already exists, which `run` never builds before this.
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global()
            .map_err(|e| Error::Internal(format!("cannot start {jobs} threads: {e}")))?;
    }
    match cli.command {
        Command::Report(args) => report::report(args),
        Command::Validate(args) => validate::validate(args),
        Command::Pack(args) => pack_command::pack(pack_command::PackRun {
            jobs,
            ..args.into()
        }),
        Command::Verify {
            dir,
            verbose,
            allowed_signers,
            require_signature,
            inputs,
        } => pack_command::verify(
            &dir,
            pack_command::VerifyRun {
                verbose,
                allowed_signers,
                require_signature,
                inputs,
            },
        ),
        Command::Init(args) => init::init(args),
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
            emit(None, crate::workbook::catalogue_listing(&c).as_bytes())
        }
        Command::Templates(TemplatesCommand::Export { dir, force }) => {
            let reference = dir.join(REFERENCE_DOCX);
            if !force && reference.exists() {
                return Err(Error::Usage(format!(
                    "{} already exists; use --force to overwrite",
                    reference.display()
                )));
            }
            for path in render::templates::export(&dir, force)? {
                say!("wrote {path}");
            }
            crate::fs::write_atomic(&reference, &kansa_docx::default_reference("ja"))?;
            say!("wrote {}", reference.display());
            Ok(())
        }
    }
}

/// The default Word reference document `templates export` writes beside the templates.
const REFERENCE_DOCX: &str = "reference.docx";

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
                    action: crate::error::IoAction::Write,
                    path: PathBuf::from("<stdout>"),
                    source,
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The overlay help is prose, written by hand; every answer field of the table must be in
    /// it under both its headers, so a new field cannot be left out of `--help`.
    #[test]
    fn overlay_help_names_every_answer_field() {
        use crate::model::Lang;
        use crate::model::fields::Field;
        for help in [REPORT_HELP, VALIDATE_HELP] {
            for field in Field::ALL {
                for lang in [Lang::En, Lang::Ja] {
                    let header = field.header(lang);
                    assert!(help.contains(header), "--help does not name {header}");
                }
            }
        }
    }

    #[test]
    fn jobs_are_capped_at_four_per_core_with_one_warning() {
        assert_eq!(capped_jobs(1, 2), (1, None));
        assert_eq!(capped_jobs(8, 2), (8, None));
        let (jobs, warning) = capped_jobs(99_999, 2);
        assert_eq!(jobs, 8);
        assert_eq!(
            warning.map(|w| diagnostics::line(&w, None)).as_deref(),
            Some(
                "warning: -j/KANSA_JOBS 99999 is more than 4 threads per core (2 cores here); \
                 using 8"
            )
        );
        assert_eq!(
            capped_jobs(5, 0).0,
            4,
            "an unknown core count counts as one"
        );
    }
}
