//! Stage 5, pack: a regulator submission pack, built atomically, with checksums and a manifest.
//!
//! One pack directory holds the reports (`report.md`, `report.html`, ...), `assessment.json`,
//! `gaps.csv`, `answers-merged.csv`, `tickets/`, `summary.md`, `manifest.json` and `SHA256SUMS`.
//! Same inputs give byte-identical packs; `kansa verify` re-checks them.

pub mod config;
pub mod evidence;
pub mod exports;
pub mod manifest;
pub mod publish;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::load::{self, EncodingChoice};
use crate::render::view::{self, ControlView, Report, ReportOptions};
use crate::render::{self, Format, Lang};

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
    /// Coverage, percent.
    pub coverage: f64,
    /// Number of gaps.
    pub gaps: usize,
    /// Number of overdue gaps.
    pub overdue: usize,
    /// Warnings (missing evidence files).
    pub warnings: Vec<Diagnostic>,
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
    report_date: &'a str,
    catalogue: serde_json::Value,
    inputs: Vec<serde_json::Value>,
    templates: Vec<serde_json::Value>,
    evidence: &'a [evidence::EvidenceFile],
    evidence_missing: Vec<String>,
    outputs: Vec<ManifestFile<'a>>,
}

fn resolve_catalogue(config: &Config, name: &str) -> String {
    if load::BUILTINS.iter().any(|b| b.id == name) {
        name.to_owned()
    } else {
        config.resolve(name).display().to_string()
    }
}

/// The baseline for one pack: `DIR/<name>/assessment.json`, `DIR/assessment.json` or the file.
fn baseline_for(path: &Path, name: &str) -> Result<crate::diff::Baseline> {
    let per_pack = path.join(name);
    if per_pack.join("assessment.json").exists() {
        return crate::diff::load_baseline(&per_pack);
    }
    crate::diff::load_baseline(path)
}

/// Build one pack and publish it; gates are evaluated but only reported.
pub fn build_pack(
    config: &Config,
    pack: &PackConfig,
    options: &PackOptions,
) -> Result<PackOutcome> {
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
    let date = crate::cli::report_date(pack.date.as_deref())?;
    let analysis = crate::analyse::analyse(crate::merge::merge(&catalogue, &overlays), date);
    let baseline = options
        .baseline
        .as_deref()
        .map(|b| baseline_for(b, &pack.name))
        .transpose()?;
    let gates = gates(pack, options);
    if gates
        .0
        .iter()
        .any(|g| *g == Gate::NewGaps || *g == Gate::Regression)
        && baseline.is_none()
    {
        return Err(Error::Usage(format!(
            "pack {}: --fail-on new-gaps/regression needs --baseline (a previous pack)",
            pack.name
        )));
    }
    let report_options = ReportOptions {
        lang: if pack.lang.as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::Ja
        },
        organisation: pack.organisation.clone(),
        title: pack.title.clone(),
        baseline,
        pdf: render::PdfSettings {
            paper: if pack.paper.as_deref() == Some("letter") {
                render::pdf::Paper::Letter
            } else {
                render::pdf::Paper::A4
            },
            landscape: pack.landscape,
            font: pack.font.as_deref().map(|f| config.resolve(f)),
            font_index: pack.font_index,
        },
    };
    let report = view::build(&analysis, &report_options);
    let templates_dir = pack.templates.as_deref().map(|t| config.resolve(t));
    let mut files = render_files(&report, pack, templates_dir.as_deref(), &report_options.pdf)?;

    let evidence = match &pack.evidence_root {
        Some(root) => evidence::check(&analysis, &config.resolve(root)),
        None => evidence::EvidenceReport::default(),
    };
    if options.strict && !evidence.missing.is_empty() {
        return Err(Error::Input(Diagnostics(evidence.missing)));
    }
    let manifest = manifest_json(
        pack,
        &report,
        &overlays,
        templates_dir.as_deref(),
        &evidence,
        &files,
    )?;
    files.insert("manifest.json".into(), manifest);
    let sums = manifest::sha256sums(&files);
    files.insert("SHA256SUMS".into(), sums);

    let root = match &options.out {
        Some(o) => o.clone(),
        None => config.resolve(pack.out.as_deref().unwrap_or("packs")),
    };
    let dir = root.join(config::dir_name(&pack.name));
    publish::publish(&dir, &files)?;
    Ok(PackOutcome {
        name: pack.name.clone(),
        dir,
        files: files.len(),
        coverage: report.summary.coverage,
        gaps: report.summary.gaps,
        overdue: report.summary.overdue,
        warnings: evidence.missing,
        gate_failures: gate_failures(&report, &gates),
    })
}

fn render_files(
    report: &Report,
    pack: &PackConfig,
    templates: Option<&Path>,
    pdf: &render::PdfSettings,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    files.insert("assessment.json".to_owned(), render::json(report)?);
    for f in &pack.formats {
        let (name, format) = match f.as_str() {
            "md" => ("report.md", Format::Md),
            "html" => ("report.html", Format::Html),
            "pdf" => ("report.pdf", Format::Pdf),
            "json" => continue, // assessment.json is always written
            "xlsx" => {
                files.insert("report.xlsx".to_owned(), crate::xlsx::gap_register(report)?);
                continue;
            }
            other => {
                return Err(Error::Usage(format!(
                    "pack {}: format {other} is not available in this build",
                    pack.name
                )));
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
    let tera = render::templates::engine(templates)?;
    let tera_err = |name| move |e| render::templates::template_error_in(templates, name, e);
    let summary_ctx = render::context(report)?;
    files.insert(
        "summary.md".to_owned(),
        tera.render("summary.md", &summary_ctx)
            .map_err(tera_err("summary.md"))?
            .into_bytes(),
    );
    for (name, gap) in exports::ticket_names(report) {
        let body = tera
            .render("ticket.md", &ticket_context(report, gap))
            .map_err(tera_err("ticket.md"))?;
        files.insert(format!("tickets/{name}"), body.into_bytes());
    }
    Ok(files)
}

fn ticket_context(report: &Report, gap: &ControlView) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("gap", gap);
    ctx.insert("title", &report.title);
    ctx.insert("organisation", &report.organisation);
    ctx.insert("report_date", &report.report_date);
    ctx.insert("catalogue", &report.catalogue);
    ctx.insert("labels", &render::labels::labels(report.lang));
    ctx.insert("report_link", &format!("../report.html#{}", gap.anchor));
    ctx
}

fn manifest_json(
    pack: &PackConfig,
    report: &Report,
    overlays: &[crate::model::Overlay],
    templates: Option<&Path>,
    evidence: &evidence::EvidenceReport,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>> {
    let template_sources = render::templates::sources(templates)?;
    let m = Manifest {
        schema_version: 1,
        kansa_version: env!("CARGO_PKG_VERSION"),
        pack: &pack.name,
        organisation: pack.organisation.as_deref(),
        report_date: &report.report_date,
        catalogue: serde_json::json!({
            "id": report.catalogue.id, "edition": report.catalogue.edition, "sha256": report.catalogue.sha256,
        }),
        // Paths as written in the config, so the manifest does not depend on the working directory.
        inputs: overlays
            .iter()
            .zip(pack.overlays())
            .map(|(o, p)| serde_json::json!({"path": p, "label": o.label, "sha256": o.sha256, "encoding": o.encoding}))
            .collect(),
        templates: template_sources
            .iter()
            .map(|(n, c)| serde_json::json!({"name": n, "sha256": manifest::sha256(c.as_bytes())}))
            .collect(),
        evidence: &evidence.found,
        evidence_missing: evidence.missing.iter().map(|d| d.value.clone().unwrap_or_default()).collect(),
        outputs: files
            .iter()
            .map(|(p, b)| ManifestFile { path: p, sha256: manifest::sha256(b), bytes: b.len() })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&m).map_err(|e| Error::Usage(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn gates(pack: &PackConfig, options: &PackOptions) -> (Vec<Gate>, Option<f64>) {
    let mut gates = options.fail_on.clone();
    for g in &pack.gates.fail_on {
        let gate = if g == "new-gaps" {
            Gate::NewGaps
        } else {
            Gate::Regression
        };
        if !gates.contains(&gate) {
            gates.push(gate);
        }
    }
    (gates, options.fail_under.or(pack.gates.fail_under))
}

fn ids(changes: &[crate::diff::Change]) -> String {
    let mut s: Vec<&str> = changes.iter().take(5).map(|c| c.id.as_str()).collect();
    if changes.len() > 5 {
        s.push("…");
    }
    s.join(", ")
}

fn gate_failures(report: &Report, (gates, fail_under): &(Vec<Gate>, Option<f64>)) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(changes) = &report.changes {
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
    if let Some(min) = fail_under.filter(|min| report.summary.coverage < *min) {
        out.push(format!(
            "coverage {}% is under {min}%",
            report.summary.coverage
        ));
    }
    out
}
