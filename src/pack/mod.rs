//! Stage 5, pack: a regulator submission pack, built atomically, with checksums and a manifest.
//!
//! One pack directory holds the reports (`report.md`, `report.html`, ...), `assessment.json`,
//! `gaps.csv`, `answers-merged.csv`, `tickets/`, `summary.md`, `manifest.json` and `SHA256SUMS`.
//! Same inputs give byte-identical packs; `kansa verify` re-checks them.

pub mod choice;
pub mod config;
pub mod evidence;
pub mod exports;
#[cfg(test)]
mod field_coverage;
pub mod manifest;
pub mod publish;
pub mod sign;
pub mod sign_pdf;
#[cfg(test)]
mod template_tests;
pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::load::{self, EncodingChoice};
use crate::render::view::{self, Report, ReportOptions};
use crate::render::{self, Format};

pub use config::{Config, PackConfig};

/// A condition that fails a nightly build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Gate {
    /// Any gap that was not a gap in the baseline.
    NewGaps,
    /// Any control whose status got worse.
    Regression,
}

/// Command-line options that apply to every pack of a run.
#[derive(Debug, Clone, Default)]
pub struct PackOptions {
    /// Output root overriding the config's `out`.
    pub out: Option<PathBuf>,
    /// Previous pack (or packs root, or assessment.json).
    pub baseline: Option<PathBuf>,
    /// Gates besides the config's.
    pub fail_on: Vec<Gate>,
    /// Coverage threshold besides the config's.
    pub fail_under: Option<f64>,
    /// Missing evidence files are errors, not warnings.
    pub strict: bool,
    /// `--sign KEY`: the key every pack of the run is signed with, overriding `sign` in the
    /// config.
    pub sign: Option<PathBuf>,
    /// The keys of this run, loaded (and decrypted) once before any pack is built, by path.
    pub signers: BTreeMap<PathBuf, std::sync::Arc<sign::Signer>>,
    /// `--allowed-signers FILE`: a baseline must be a pack signed by one of them, and intact.
    pub allowed_signers: Option<Vec<verify::AllowedSigner>>,
    /// `--sign-pdf CERT.p12`: the certificate every pack's report.pdf is signed with,
    /// overriding `sign_pdf` in the config.
    pub sign_pdf: Option<PathBuf>,
    /// The PDF signers of this run, loaded once before any pack is built, by path.
    pub pdf_signers: BTreeMap<PathBuf, std::sync::Arc<sign_pdf::PdfSigner>>,
}

/// The PKCS#12 file `pack`'s report.pdf is signed with: `--sign-pdf`, else the config's
/// `sign_pdf`; `None` when the PDF is not signed.
pub fn pdf_certificate_for(
    config: &Config,
    pack: &PackConfig,
    options: &PackOptions,
) -> Option<PathBuf> {
    options
        .sign_pdf
        .clone()
        .or_else(|| pack.sign_pdf.as_deref().map(|k| config.resolve(k)))
}

/// The key `pack` is signed with: `--sign`, else the config's `sign`, resolved against the
/// config's directory; `None` for an unsigned pack.
pub fn key_for(config: &Config, pack: &PackConfig, options: &PackOptions) -> Option<PathBuf> {
    options
        .sign
        .clone()
        .or_else(|| pack.sign.as_deref().map(|k| config.resolve(k)))
}

/// What one pack build produced.
#[derive(Debug, Clone, Serialize)]
pub struct PackOutcome {
    /// Pack name.
    pub name: String,
    /// Where it was written.
    pub dir: PathBuf,
    /// Files in the pack.
    pub files: usize,
    /// Coverage, percent; `None` when nothing applies.
    pub coverage: Option<f64>,
    /// Number of gaps.
    pub gaps: usize,
    /// Number of overdue gaps.
    pub overdue: usize,
    /// Warnings (missing evidence files, a missing evidence root) and notes: what the build
    /// did without being an error (no baseline for this pack, a baseline from another
    /// catalogue left out, gates that need a baseline not evaluated).
    pub diagnostics: Diagnostics,
    /// Whether the pack was compared with a baseline.
    pub had_baseline: bool,
    /// One line per tripped gate.
    pub gate_failures: Vec<String>,
}

#[derive(Serialize)]
struct ManifestFile<'a> {
    path: &'a str,
    sha256: String,
    bytes: usize,
}

#[derive(Serialize)]
struct Manifest<'a> {
    schema_version: u32,
    kansa_version: &'static str,
    pack: &'a str,
    organisation: Option<&'a str>,
    #[serde(serialize_with = "crate::model::date::serialize_iso")]
    report_date: jiff::civil::Date,
    catalogue: serde_json::Value,
    inputs: Vec<serde_json::Value>,
    templates: Vec<serde_json::Value>,
    evidence: &'a [evidence::EvidenceFile],
    evidence_missing: Vec<String>,
    /// The previous pack compared with (its report date and catalogue), `null` when none.
    baseline: Option<serde_json::Value>,
    /// The key `SHA256SUMS.sig` is made with (`fingerprint`, `key`), `null` when unsigned.
    signer: Option<serde_json::Value>,
    /// The certificate report.pdf is signed with (`subject`, `sha256` of its DER), `null`
    /// when the PDF is not signed.
    pdf_signer: Option<serde_json::Value>,
    outputs: Vec<ManifestFile<'a>>,
}

fn resolve_catalogue(config: &Config, name: &str) -> String {
    if load::BUILTINS.iter().any(|b| b.id == name) {
        name.to_owned()
    } else {
        config.resolve(name).display().to_string()
    }
}

/// The directory one pack of this run is published to.
fn target_dir(config: &Config, pack: &PackConfig, options: &PackOptions) -> PathBuf {
    let root = match &options.out {
        Some(o) => o.clone(),
        None => config.resolve(pack.out.as_deref().unwrap_or("packs")),
    };
    root.join(config::dir_name(&pack.name))
}

/// The baseline for one pack: `DIR/<pack dir>/assessment.json`, else `DIR/assessment.json` or
/// the file itself. A packs root without this pack (a pack new in the config) gives no
/// baseline, and so does a baseline of another catalogue; either is said in a notice.
fn baseline_for(
    path: &Path,
    pack: &PackConfig,
    (catalogue, allowed): (&str, Option<&[verify::AllowedSigner]>),
    notices: &mut Diagnostics,
) -> Result<Option<crate::diff::Baseline>> {
    let per_pack = path.join(config::dir_name(&pack.name));
    let baseline = if per_pack.join("assessment.json").is_file() {
        check_baseline_signed(&per_pack, allowed)?;
        crate::diff::load_baseline(&per_pack)?
    } else if path.is_dir() && !path.join("assessment.json").exists() {
        notices.push(note(format!(
            "no baseline: {} holds no previous version of this pack (looked for {}); built without \"changes since\"",
            path.display(),
            per_pack.join("assessment.json").display()
        )));
        return Ok(None);
    } else {
        let dir = match path.is_dir() {
            true => path,
            false => path.parent().unwrap_or(Path::new(".")),
        };
        check_baseline_signed(dir, allowed)?;
        crate::diff::load_baseline(path)?
    };
    if baseline.catalogue != catalogue {
        notices.push(note(format!(
            "no baseline: {} is an assessment of catalogue {}, this pack uses {}; built without \"changes since\"",
            baseline.path, baseline.catalogue, catalogue
        )));
        return Ok(None);
    }
    if let Some(other) = baseline_pack_name(path).filter(|other| *other != pack.name) {
        notices.push(note(format!(
            "no baseline: {} is a previous version of pack {other:?}, not of this pack; built without \"changes since\"",
            path.display()
        )));
        return Ok(None);
    }
    Ok(Some(baseline))
}

/// A note about the build, in no file.
fn note(message: String) -> Diagnostic {
    Diagnostic::about_run(Severity::Note, message)
}

/// The build's warnings (missing evidence, found as errors: `--strict` fails on them) and its
/// notes, in one list.
fn warned(missing_evidence: Vec<Diagnostic>, notes: Diagnostics) -> Diagnostics {
    let mut all = Diagnostics(
        missing_evidence
            .into_iter()
            .map(|d| d.severity(Severity::Warning))
            .collect(),
    );
    all.extend(notes);
    all
}

/// With `--allowed-signers`, a baseline must be a pack, intact and signed by an allowed key: a
/// nightly job never diffs against a forged or edited previous pack.
fn check_baseline_signed(dir: &Path, allowed: Option<&[verify::AllowedSigner]>) -> Result<()> {
    let Some(allowed) = allowed else {
        return Ok(());
    };
    let options = verify::VerifyOptions {
        allowed_signers: Some(allowed.to_vec()),
        ..Default::default()
    };
    let found = verify::verify_with(dir, &options)?;
    let problem = found
        .checks
        .iter()
        .find(|c| !c.passed())
        .map(ToString::to_string)
        .or(match &found.signature {
            verify::SignatureCheck::Verified { .. } => None,
            verify::SignatureCheck::Unsigned => Some("the pack is not signed".to_owned()),
            verify::SignatureCheck::Bad(why) => Some(why.clone()),
            verify::SignatureCheck::Unchecked { .. } => Some("signature not checked".to_owned()),
        });
    match problem {
        None => Ok(()),
        Some(why) => Err(Error::InputFile {
            file: dir.display().to_string(),
            message: format!(
                "not used as a baseline: {why}\n  hint: `kansa verify {} --allowed-signers FILE` \
                 shows every problem; without --allowed-signers the baseline is not checked",
                dir.display()
            ),
        }),
    }
}

/// The pack a baseline was built for, from the `manifest.json` beside its assessment: one
/// pack's previous version given as `--baseline` to a config of several packs must not be diffed
/// against the others (every control of another organisation reads as a change).
fn baseline_pack_name(path: &Path) -> Option<String> {
    let dir = if path.is_dir() { path } else { path.parent()? };
    let bytes = crate::fs::read_limited(&dir.join("manifest.json"), 64 << 20).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    manifest.get("pack")?.as_str().map(str::to_owned)
}

/// The evidence check, or one warning naming `evidence_root` when the directory is missing
/// (instead of one "not found" per reference).
fn check_evidence(
    config: &Config,
    pack: &PackConfig,
    analysis: &crate::analyse::Analysis<'_>,
) -> evidence::EvidenceReport {
    let Some(root) = &pack.evidence_root else {
        return evidence::EvidenceReport::default();
    };
    let dir = config.resolve(root);
    if dir.is_dir() {
        return evidence::check(analysis, &dir);
    }
    let missing = Diagnostic::new(
        &config.path.display().to_string(),
        pack.line,
        u64::from(pack.line > 0),
        format!(
            "[[pack]] {:?}: evidence_root is not a directory; no evidence file was checked",
            pack.name
        ),
    )
    .column_name("evidence_root")
    .value(root)
    .hint(format!(
        "looked for {}; create it, or fix or remove evidence_root",
        dir.display()
    ));
    evidence::EvidenceReport {
        found: Vec::new(),
        missing: vec![missing],
    }
}

/// Every file the pack reads that exists on disk: config, catalogue, overlays, templates, font
/// and evidence files. (The baseline is read whole before anything is replaced, and replacing
/// yesterday's pack with today's is what `--baseline DIR --out DIR` asks for.)
fn pack_inputs(config: &Config, pack: &PackConfig) -> Vec<PathBuf> {
    let mut inputs = vec![config.path.clone()];
    if !load::BUILTINS.iter().any(|b| b.id == pack.catalogue) {
        inputs.extend(crate::fs::input_files(&config.resolve(&pack.catalogue)));
    }
    inputs.extend(pack.overlays().iter().map(|o| config.resolve(o)));
    if let Some(t) = &pack.templates {
        inputs.extend(crate::fs::input_files(&config.resolve(t)));
    }
    inputs.extend(pack.font.iter().map(|f| config.resolve(f)));
    inputs.extend(pack.reference_docx.iter().map(|f| config.resolve(f)));
    inputs
}

/// Refuse when an input lives in the directory of any pack of this run: a pack's input may
/// live in another pack's directory, which that build replaces.
fn refuse_inputs_in_packs(
    config: &Config,
    options: &PackOptions,
    inputs: &[PathBuf],
) -> Result<()> {
    for other in &config.packs {
        crate::fs::refuse_dir_holding_input(&target_dir(config, other, options), inputs)?;
    }
    Ok(())
}

/// Build one pack and publish it; gates are evaluated but only reported.
pub fn build_pack(
    config: &Config,
    pack: &PackConfig,
    options: &PackOptions,
) -> Result<PackOutcome> {
    // Before anything is read: an input in a pack directory is refused however it parses.
    refuse_inputs_in_packs(config, options, &pack_inputs(config, pack))?;
    // Checked when the config was read.
    let limits = pack.limits.limits().unwrap_or_default();
    let overlay_paths: Vec<PathBuf> = pack.overlays().iter().map(|o| config.resolve(o)).collect();
    let (catalogue, overlays) = load::load_inputs_with(
        &resolve_catalogue(config, &pack.catalogue),
        &overlay_paths,
        EncodingChoice::Auto,
        &[],
        &limits,
    )?;
    let date = match pack.date {
        Some(day) => day,
        None => crate::model::date::report_date(None).map_err(Error::Usage)?,
    };
    let analysis = crate::analyse::analyse(crate::merge::merge(&catalogue, &overlays), date);
    let mut notices = Diagnostics::default();
    let baseline = match options.baseline.as_deref() {
        Some(b) => baseline_for(
            b,
            pack,
            (&catalogue.meta.id, options.allowed_signers.as_deref()),
            &mut notices,
        )?,
        None => None,
    };
    let gates = gates(pack, options);
    if let Some(note) = unevaluated_gates(&gates.0).filter(|_| baseline.is_none()) {
        notices.push(note);
    }
    let (changes, baseline_record) = compared(&analysis, baseline.as_ref());
    let report_options = report_options(config, pack, changes);
    // Documents name each overlay by its label, never by the path the config writes.
    let report = view::build(&analysis, &report_options);
    // The pack's one template engine: every output and the manifest's hashes come from it.
    let templates_dir = pack.templates.as_deref().map(|t| config.resolve(t));
    let templates = render::Templates::load(templates_dir.as_deref())?;
    let mut files = render_files(&report, pack, &templates, &report_options.pdf)?;
    let pdf_signer = pdf_signer_for(config, pack, options)?;
    if let (Some(signer), Some(pdf)) = (&pdf_signer, files.get_mut("report.pdf")) {
        *pdf = signer.sign(pdf, report.report_date)?;
    }

    let evidence = checked_evidence(config, pack, options, &analysis)?;
    let dir = target_dir(config, pack, options);
    let signer = signer_for(config, pack, options)?;
    let manifest = manifest_json(
        pack,
        &report,
        &overlays,
        &templates,
        &evidence,
        (baseline_record, signer.as_deref(), pdf_signer.as_deref()),
        &files,
    )?;
    files.insert("manifest.json".into(), manifest);
    let sums = manifest::sha256sums(&files);
    if let Some(signer) = &signer {
        files.insert(sign::SIGNATURE_FILE.into(), signer.sign(&sums)?);
    }
    files.insert("SHA256SUMS".into(), sums);
    publish::publish(&dir, &files)?;
    Ok(PackOutcome {
        name: pack.name.clone(),
        dir,
        files: files.len(),
        coverage: report.summary.coverage,
        gaps: report.summary.gaps,
        overdue: report.summary.overdue,
        had_baseline: report.changes.is_some(),
        diagnostics: warned(evidence.missing, notices),
        gate_failures: gate_failures(&report, report_options.changes.as_ref(), &gates),
    })
}

/// The loaded key this pack is signed with, if it is signed (loaded by the command before
/// any pack is built; loaded here when the library is called without).
fn signer_for(
    config: &Config,
    pack: &PackConfig,
    options: &PackOptions,
) -> Result<Option<std::sync::Arc<sign::Signer>>> {
    let Some(path) = key_for(config, pack, options) else {
        return Ok(None);
    };
    match options.signers.get(&path) {
        Some(s) => Ok(Some(s.clone())),
        None => Ok(Some(std::sync::Arc::new(sign::Signer::load(&path)?))),
    }
}

/// The loaded certificate this pack's report.pdf is signed with, if any.
fn pdf_signer_for(
    config: &Config,
    pack: &PackConfig,
    options: &PackOptions,
) -> Result<Option<std::sync::Arc<sign_pdf::PdfSigner>>> {
    let Some(path) = pdf_certificate_for(config, pack, options) else {
        return Ok(None);
    };
    if !pack.formats.contains(&Format::Pdf) {
        return Err(Error::Usage(format!(
            "pack {}: --sign-pdf (or sign_pdf) needs \"pdf\" in formats",
            pack.name
        )));
    }
    match options.pdf_signers.get(&path) {
        Some(s) => Ok(Some(s.clone())),
        None => Ok(Some(std::sync::Arc::new(sign_pdf::PdfSigner::load(&path)?))),
    }
}

/// The pack's evidence files, checked: none may live in a pack directory of this run, and with
/// `--strict` a missing one is an error.
fn checked_evidence(
    config: &Config,
    pack: &PackConfig,
    options: &PackOptions,
    analysis: &crate::analyse::Analysis<'_>,
) -> Result<evidence::EvidenceReport> {
    let evidence = check_evidence(config, pack, analysis);
    let found: Vec<PathBuf> = evidence.found.iter().map(|e| e.path.clone()).collect();
    refuse_inputs_in_packs(config, options, &found)?;
    if options.strict && !evidence.missing.is_empty() {
        return Err(Error::Input(Diagnostics(evidence.missing)));
    }
    Ok(evidence)
}

/// The changes since the baseline, and the baseline as the manifest records it.
fn compared(
    analysis: &crate::analyse::Analysis<'_>,
    baseline: Option<&crate::diff::Baseline>,
) -> (Option<crate::diff::Changes>, Option<serde_json::Value>) {
    let Some(b) = baseline else {
        return (None, None);
    };
    let record = serde_json::json!({"report_date": b.report_date, "catalogue": b.catalogue});
    (Some(crate::diff::compare(analysis, b)), Some(record))
}

/// The note for gates that need a baseline when there is none.
fn unevaluated_gates(gates: &[Gate]) -> Option<Diagnostic> {
    if gates.is_empty() {
        return None;
    }
    let names: Vec<String> = gates.iter().map(choice::name).collect();
    Some(note(format!(
        "gate {} not evaluated: there is no baseline to compare with (the first build of a pack has none)",
        names.join(", ")
    )))
}

/// What shapes the pack's documents but is not analysis.
fn report_options(
    config: &Config,
    pack: &PackConfig,
    changes: Option<crate::diff::Changes>,
) -> ReportOptions {
    ReportOptions {
        lang: pack.lang,
        organisation: pack.organisation.clone(),
        title: pack.title.clone(),
        changes,
        pdf: render::PdfSettings {
            paper: pack.paper.unwrap_or_default(),
            landscape: pack.landscape,
            font: pack.font.as_deref().map(|f| config.resolve(f)),
            font_index: pack.font_index,
            reference_docx: pack.reference_docx.as_deref().map(|f| config.resolve(f)),
        },
        gap_order: pack.sort,
        document: pack.document.info(),
    }
}

fn render_files(
    report: &Report,
    pack: &PackConfig,
    templates: &render::Templates,
    pdf: &render::PdfSettings,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    files.insert("assessment.json".to_owned(), render::json(report)?);
    for &format in &pack.formats {
        let name = match format {
            Format::Md => "report.md",
            Format::Html => "report.html",
            Format::Pdf => "report.pdf",
            Format::Docx => "report.docx",
            Format::Json => continue, // assessment.json is always written
            Format::Xlsx => {
                files.insert(
                    "report.xlsx".to_owned(),
                    crate::render::xlsx::gap_register(report)?,
                );
                continue;
            }
        };
        files.insert(
            name.to_owned(),
            render::render_report(report, format, templates, pdf)?,
        );
    }
    files.insert("gaps.csv".to_owned(), exports::gaps_csv(report));
    files.insert(
        "answers-merged.csv".to_owned(),
        exports::answers_merged_csv(report),
    );
    files.insert(
        "summary.md".to_owned(),
        templates
            .render("summary.md", &render::context::full(report))?
            .into_bytes(),
    );
    let base = render::context::base(report);
    for (name, gap) in exports::ticket_names(report) {
        let link = format!("../report.html#{}", gap.anchor);
        let ctx = render::context::ticket(&base, gap, &link);
        let body = templates.render("ticket.md", &ctx)?;
        files.insert(format!("tickets/{name}"), body.into_bytes());
    }
    Ok(files)
}

fn manifest_json(
    pack: &PackConfig,
    report: &Report,
    overlays: &[crate::model::Overlay],
    templates: &render::Templates,
    evidence: &evidence::EvidenceReport,
    (baseline, signer, pdf_signer): (
        Option<serde_json::Value>,
        Option<&sign::Signer>,
        Option<&sign_pdf::PdfSigner>,
    ),
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>> {
    let m = Manifest {
        schema_version: 1,
        kansa_version: env!("CARGO_PKG_VERSION"),
        pack: &pack.name,
        organisation: pack.organisation.as_deref(),
        report_date: report.report_date,
        catalogue: serde_json::json!({
            "id": report.catalogue.id, "edition": report.catalogue.edition, "sha256": report.catalogue.sha256,
        }),
        // Each overlay by its label (file name, folders only as far as needed), never the path
        // the config writes: that may be local and absolute, and the manifest is handed over.
        inputs: overlays
            .iter()
            .map(|o| serde_json::json!({"path": o.label, "label": o.label, "sha256": o.sha256, "encoding": o.encoding}))
            .collect(),
        templates: manifest::template_digests(templates),
        evidence: &evidence.found,
        evidence_missing: evidence.missing.iter().map(|d| d.value.clone().unwrap_or_default()).collect(),
        baseline,
        signer: signer.map(|s| serde_json::json!({"fingerprint": s.fingerprint(), "key": s.public_key()})),
        pdf_signer: pdf_signer.map(|s| serde_json::json!({"subject": s.subject(), "sha256": s.certificate_sha256()})),
        outputs: files
            .iter()
            .map(|(p, b)| ManifestFile { path: p, sha256: manifest::sha256(b), bytes: b.len() })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&m).map_err(|e| Error::Internal(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn gates(pack: &PackConfig, options: &PackOptions) -> (Vec<Gate>, Option<f64>) {
    let mut gates = options.fail_on.clone();
    for &gate in &pack.gates.fail_on {
        if !gates.contains(&gate) {
            gates.push(gate);
        }
    }
    (gates, options.fail_under.or(pack.gates.fail_under))
}

fn ids<T>(changes: &[crate::diff::Change<T>]) -> String {
    let mut s: Vec<&str> = changes.iter().take(5).map(|c| c.id.as_str()).collect();
    if changes.len() > 5 {
        s.push("…");
    }
    s.join(", ")
}

fn gate_failures(
    report: &Report,
    changes: Option<&crate::diff::Changes>,
    (gates, fail_under): &(Vec<Gate>, Option<f64>),
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(changes) = changes {
        if gates.contains(&Gate::NewGaps) && changes.new_gaps() > 0 {
            out.push(format!(
                "{} new gap(s) since {}: {}",
                changes.new_gaps(),
                changes.baseline_date,
                ids(&changes.opened)
            ));
        }
        if gates.contains(&Gate::Regression) && changes.regressions() > 0 {
            out.push(format!(
                "{} regression(s) since {}: {}",
                changes.regressions(),
                changes.baseline_date,
                ids(&changes.regressions)
            ));
        }
    }
    // The exact ratio, not the one-decimal figure printed: 89.655…% is under 89.66%.
    let summary = &report.summary;
    let exact = match summary.applicable {
        0 => 100.0,
        n => summary.met as f64 * 100.0 / n as f64,
    };
    if let Some(min) = fail_under.filter(|min| exact < *min) {
        // Under a threshold means something applies, so the printed coverage is a number.
        let printed = summary.coverage.unwrap_or(exact);
        out.push(format!("coverage {printed}% is under {min}%"));
    }
    out
}
