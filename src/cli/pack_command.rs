//! `kansa pack` and `kansa verify`: running many packs in parallel, logging and gates.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::pack::{self, PackOptions, PackOutcome};

/// One `kansa pack` invocation.
#[derive(Debug, Clone)]
pub struct PackRun {
    /// Config file.
    pub config: PathBuf,
    /// Options applying to every pack.
    pub options: PackOptions,
    /// Parallel builds.
    pub jobs: Option<usize>,
    /// Only warnings, errors and gate failures.
    pub quiet: bool,
    /// JSON log lines.
    pub json_logs: bool,
    /// `--allowed-signers`: read before any pack is built.
    pub allowed_signers: Option<PathBuf>,
}

/// What `kansa verify` was asked for besides the pack's own files.
#[derive(Debug, Default)]
pub struct VerifyRun {
    /// Print every file, not only the problems.
    pub verbose: bool,
    /// An OpenSSH allowed_signers file to check the signature against.
    pub allowed_signers: Option<PathBuf>,
    /// An unsigned pack fails.
    pub require_signature: bool,
    /// Directories holding the inputs and evidence the manifest lists.
    pub inputs: Vec<PathBuf>,
}

/// Where log lines go: plain text or JSON objects on stderr, never both, under one lock so
/// lines from parallel builds do not interleave.
struct Log {
    json: bool,
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
    lock: Mutex<()>,
}

impl Log {
    fn line(&self, important: bool, text: String, json: serde_json::Value) {
        if self.quiet && !important {
            return;
        }
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let out = if self.json { json.to_string() } else { text };
        match &self.bar {
            Some(bar) => bar.println(out),
            None => say!("{out}"),
        }
    }

    fn outcome(&self, o: &PackOutcome) {
        self.line(
            false,
            format!(
                "pack {}: coverage {}, {} gaps ({} overdue), {} files → {}",
                o.name,
                o.coverage.map_or_else(
                    || crate::render::view::NO_COVERAGE.to_owned(),
                    |c| format!("{c}%")
                ),
                o.gaps,
                o.overdue,
                o.files,
                o.dir.display()
            ),
            serde_json::json!({"level": "info", "event": "pack", "pack": o.name, "dir": o.dir,
                "baseline": o.had_baseline, "files": o.files, "coverage": o.coverage, "gaps": o.gaps, "overdue": o.overdue}),
        );
        for d in o.diagnostics.by_severity() {
            self.line(
                true,
                super::diagnostics::line(d, Some(&o.name)),
                super::diagnostics::json(d, &o.name),
            );
        }
        for g in &o.gate_failures {
            self.line(
                true,
                format!("gate failed: pack {}: {g}", o.name),
                serde_json::json!({"level": "error", "event": "gate", "pack": o.name, "reason": g}),
            );
        }
    }
}

/// Build every pack of the config; exit 1 if a gate tripped, 2 if a pack had bad input.
pub fn pack(mut run: PackRun) -> Result<()> {
    let config = pack::config::load(&run.config)?;
    // Keys and signers first: a wrong passphrase or a bad allowed_signers file stops the run
    // before anything is built, and a passphrase is asked for once per key, not per pack.
    for p in &config.packs {
        if let Some(key) = pack::key_for(&config, p, &run.options)
            && !run.options.signers.contains_key(&key)
        {
            let signer = pack::sign::Signer::load(&key)?;
            run.options.signers.insert(key, std::sync::Arc::new(signer));
        }
    }
    for p in &config.packs {
        if let Some(cert) = pack::pdf_certificate_for(&config, p, &run.options)
            && !run.options.pdf_signers.contains_key(&cert)
        {
            let signer = pack::sign_pdf::PdfSigner::load(&cert)?;
            run.options
                .pdf_signers
                .insert(cert, std::sync::Arc::new(signer));
        }
    }
    if let Some(file) = &run.allowed_signers {
        run.options.allowed_signers = Some(pack::verify::allowed_signers::load(file)?);
    }
    let n = config.packs.len();
    let jobs = run
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |p| p.get()))
        .clamp(1, n.max(1));
    let show_bar = n > 1 && !run.quiet && !run.json_logs && std::io::stderr().is_terminal();
    let log = Log {
        json: run.json_logs,
        quiet: run.quiet,
        bar: show_bar.then(|| progress_bar(n)),
        lock: Mutex::new(()),
    };
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<PackOutcome>>>> =
        (0..n).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(p) = config.packs.get(i) else { break };
                    let result = pack::build_pack(&config, p, &run.options);
                    match &result {
                        Ok(o) => log.outcome(o),
                        Err(e) => log.line(
                            true,
                            format!("error: pack {}: {e}", p.name),
                            serde_json::json!({"level": "error", "event": "error", "pack": p.name, "message": e.to_string()}),
                        ),
                    }
                    if let Some(bar) = &log.bar {
                        bar.inc(1);
                    }
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    if let Some(bar) = &log.bar {
        bar.finish_and_clear();
    }
    verdict(results)
}

/// A progress bar over `n` packs (plain under `NO_COLOR`).
fn progress_bar(n: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(n as u64);
    let template = "{bar:40.green/white} {pos}/{len} packs {elapsed}";
    let plain = "{bar:40} {pos}/{len} packs {elapsed}";
    let no_color = std::env::var_os("NO_COLOR").is_some();
    if let Ok(style) =
        indicatif::ProgressStyle::with_template(if no_color { plain } else { template })
    {
        bar.set_style(style);
    }
    bar
}

/// The run's outcome from every pack's: the worst error's kind (already logged per pack), else
/// the tripped gates, else success.
fn verdict(results: Vec<Mutex<Option<Result<PackOutcome>>>>) -> Result<()> {
    let mut worst: Option<Error> = None;
    let mut gates = 0;
    for r in results {
        match r.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(o)) => gates += o.gate_failures.len(),
            Some(Err(e)) if worst.as_ref().is_none_or(|w| e.exit_code() > w.exit_code()) => {
                worst = Some(e);
            }
            Some(Err(_)) => {}
            None => {}
        }
    }
    match worst {
        // Already logged per pack; exit with its code without printing it again.
        Some(e) => Err(Error::Reported(e.kind())),
        None if gates > 0 => Err(Error::GateFailed(gates)),
        None => Ok(()),
    }
}

/// Re-check a pack against `SHA256SUMS` and `manifest.json`, its signature, and the inputs
/// found under `--inputs`: print the problems (every file with `verbose`) and one summary line;
/// exit 1 when anything is wrong.
pub fn verify(dir: &Path, run: VerifyRun) -> Result<()> {
    let options = pack::verify::VerifyOptions {
        allowed_signers: match &run.allowed_signers {
            Some(file) => Some(pack::verify::allowed_signers::load(file)?),
            None => None,
        },
        inputs: run.inputs,
        now: None,
    };
    let found = pack::verify::verify_with(dir, &options)?;
    let checks = &found.checks;
    let signed_ok = found.signature.passed(run.require_signature);
    let failed = checks.iter().filter(|c| !c.passed()).count() + usize::from(!signed_ok);
    let mut out = String::new();
    for c in checks.iter().filter(|c| run.verbose || !c.passed()) {
        out.push_str(&format!("{c}\n"));
    }
    if !signed_ok {
        out.push_str(&format!("SIGNATURE {}\n", signature_line(&found.signature)));
    }
    out.push_str(&verify_summary(dir, checks, failed, &found.signature));
    let written = crate::cli::emit(None, out.as_bytes());
    // The verdict wins over a reader that stopped early (`kansa verify P | head -1` exited 0
    // on a tampered pack): a broken pipe only ends the listing.
    if failed > 0 {
        return Err(Error::GateFailed(failed));
    }
    written
}

/// What the signature shows, in a few words.
fn signature_line(signature: &pack::verify::SignatureCheck) -> String {
    use pack::verify::SignatureCheck;
    match signature {
        SignatureCheck::Unsigned => "the pack is not signed, and a signature is required".into(),
        SignatureCheck::Unchecked { fingerprint } => format!(
            "signed by key {fingerprint}, not checked against an allowed-signers file (give --allowed-signers FILE)"
        ),
        SignatureCheck::Verified {
            principals,
            fingerprint,
        } => format!("signed by {principals} (key {fingerprint}), signature verified"),
        SignatureCheck::Bad(why) => format!("BAD: {why}"),
    }
}

/// The last line of `verify`: the verdict, the count, and that checksums are not a signature
/// (whoever can change a file can rewrite its checksums too).
fn verify_summary(
    dir: &Path,
    checks: &[pack::verify::Check],
    failed: usize,
    signature: &pack::verify::SignatureCheck,
) -> String {
    let dir = pack::verify::shown(&dir.display().to_string());
    let files = checks
        .iter()
        .filter(|c| {
            matches!(
                c,
                pack::verify::Check::Ok(_)
                    | pack::verify::Check::Changed(_)
                    | pack::verify::Check::Missing(_)
                    | pack::verify::Check::NotAFile(..)
                    | pack::verify::Check::Disagrees(..)
            )
        })
        .count();
    let inputs = checks
        .iter()
        .filter(|c| {
            matches!(
                c,
                pack::verify::Check::InputOk(_) | pack::verify::Check::InputChanged(_)
            )
        })
        .count();
    let absent = checks
        .iter()
        .filter(|c| matches!(c, pack::verify::Check::InputAbsent(_)))
        .count();
    let inputs = match (inputs, absent) {
        (0, 0) => String::new(),
        (n, 0) => format!(", {n} inputs and evidence files checked"),
        (n, a) => format!(", {n} inputs and evidence files checked ({a} not found)"),
    };
    let signed = match signature {
        pack::verify::SignatureCheck::Unsigned => "the pack is not signed: this shows it is \
            unchanged since its checksums were written, not who wrote them"
            .to_owned(),
        other => signature_line(other),
    };
    if failed == 0 {
        format!(
            "{dir}: intact, {files} files match SHA256SUMS and manifest.json{inputs}; {signed}\n"
        )
    } else {
        format!(
            "{dir}: NOT INTACT, {failed} problem(s) in {files} files checked{inputs}; {signed}\n"
        )
    }
}
