//! Cost of each pipeline stage at 1k, 10k and 100k controls: time (median)
//! and peak heap, measured in process with a counting allocator.
//!
//! ```sh
//! cargo bench --bench scale                 # all sizes
//! KANSA_SCALE_SIZES=1000,10000 cargo bench --bench scale
//! ```
//!
//! Times are wall-clock medians, with every core in use as by the `kansa`
//! command (`KANSA_BENCH_JOBS=1` pins the pool to one thread); the load stage
//! reads the files from `target/bench-data/` as the command does.
//! `KANSA_SCALE_STAGES=load,md` measures only those stages; `KANSA_BENCH_INTERLEAVED=1`
//! measures catalogues whose sections, 基準大項目 and 中項目 interleave. Prints a Markdown
//! table and writes `target/scale/scale.md` and
//! `target/scale/scale.svg` (log-log chart: a line parallel to the dashed
//! slope-1 guide means cost grows linearly). The figures and the chart are
//! kept in docs/benchmarks.md and docs/scale.svg.

// The counting allocator below is the only unsafe code in the project (the
// library and the binary forbid it); it forwards to the system allocator.
#![allow(unsafe_code)]

#[path = "synth.rs"]
mod synth;

use std::alloc::{GlobalAlloc, Layout};

use mimalloc::MiMalloc as System;
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use kansa::load::catalogue::parse_catalogue;
use kansa::load::{EncodingChoice, Limits, load_inputs_with, parse_overlay};
use kansa::model::CatalogueMeta;
use kansa::render::{Format, ReportOptions, render};

/// Counts live heap bytes and their high-water mark, over mimalloc (the
/// binary's allocator, see src/main.rs).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        // SAFETY: same pointer and layout the caller got from `alloc`.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new > l.size() {
            grew(new - l.size());
        } else {
            LIVE.fetch_sub(l.size() - new, Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// One measured stage: median time and the peak heap while it ran (the
/// inputs it works on included).
struct Sample {
    stage: &'static str,
    n: usize,
    median: Duration,
    peak: usize,
}

/// Runs `f` `runs` times (each on fresh input from `setup`, not timed).
fn measure<I, O>(
    runs: usize,
    mut setup: impl FnMut() -> I,
    mut f: impl FnMut(I) -> O,
) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut peak = 0;
    for _ in 0..runs {
        let input = setup();
        PEAK.store(LIVE.load(Relaxed), Relaxed);
        let t = Instant::now();
        let out = f(input);
        times.push(t.elapsed());
        peak = peak.max(PEAK.load(Relaxed));
        drop(black_box(out));
    }
    times.sort();
    (times[times.len() / 2], peak)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("KANSA_SCALE_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and friends: nothing to list.
    }
    let stages: Vec<String> = std::env::var("KANSA_SCALE_STAGES")
        .map(|s| s.split(',').map(|x| x.trim().to_owned()).collect())
        .unwrap_or_else(|_| STAGES.iter().map(|s| (*s).to_owned()).collect());
    let wanted = |stage: &str| stages.iter().any(|s| s == stage);
    synth::configure_threads();
    let date = Date::new(2026, 11, 25).expect("valid date");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let mut samples = Vec::new();
    for &n in &sizes {
        let shape = synth::Shape::from_env();
        let s = synth::synthetic_shaped(n, shape);
        let dir = root.join(format!("synthetic-{n}{}", shape.suffix()));
        synth::write_dir_shaped(n, shape, &dir).expect("bench data");
        let runs = match n {
            0..=2_000 => 7,
            2_001..=20_000 => 5,
            _ => 3,
        };
        let meta = || CatalogueMeta {
            id: "synthetic".into(),
            name: "synthetic".into(),
            ..Default::default()
        };
        let catalogue =
            || parse_catalogue("controls.csv", &s.catalogue, meta()).expect("catalogue");
        let overlays = |c: &kansa::model::Catalogue| {
            [
                ("provider.csv", &s.provider),
                ("organisation.csv", &s.organisation),
            ]
            .map(|(name, text)| {
                parse_overlay(name, text.as_bytes(), EncodingChoice::Auto, c).expect("overlay")
            })
            .to_vec()
        };
        if wanted("load") {
            let files = [dir.join("provider.csv"), dir.join("organisation.csv")];
            let catalogue_dir = dir.display().to_string();
            let (t, p) = measure(
                runs,
                || (),
                |()| {
                    load_inputs_with(
                        &catalogue_dir,
                        &files,
                        EncodingChoice::Auto,
                        &[],
                        &Limits::default(),
                    )
                    .expect("inputs")
                },
            );
            samples.push(Sample {
                stage: "load",
                n,
                median: t,
                peak: p,
            });
        }

        let cat = catalogue();
        let ovl = overlays(&cat);
        if wanted("merge") {
            // As `kansa report` merges: consuming the overlays (copied before, untimed).
            let (t, p) = measure(runs, || ovl.clone(), |o| kansa::merge::merge_owned(&cat, o));
            samples.push(Sample {
                stage: "merge",
                n,
                median: t,
                peak: p,
            });
        }
        let merged = kansa::merge::merge(&cat, &ovl);
        if wanted("analyse") {
            let (t, p) = measure(
                runs,
                || merged.clone(),
                |m| kansa::analyse::analyse(m, date),
            );
            samples.push(Sample {
                stage: "analyse",
                n,
                median: t,
                peak: p,
            });
        }
        drop(ovl);
        let analysis = kansa::analyse::analyse(merged, date);
        let templates = kansa::render::Templates::builtin().expect("built-in templates");
        for (stage, format) in [
            ("md", Format::Md),
            ("html", Format::Html),
            ("json", Format::Json),
            ("pdf", Format::Pdf),
        ] {
            if !wanted(stage) {
                continue;
            }
            let runs = if format == Format::Pdf {
                runs.div_ceil(3)
            } else {
                runs
            };
            let (t, p) = measure(
                runs,
                || (),
                |()| {
                    render(&analysis, format, &ReportOptions::default(), &templates)
                        .expect("render")
                },
            );
            samples.push(Sample {
                stage,
                n,
                median: t,
                peak: p,
            });
        }
        eprintln!("scale: {n} controls done");
    }
    let table = markdown(&samples, &sizes);
    println!("{table}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/scale");
    std::fs::create_dir_all(&dir).expect("target/scale");
    std::fs::write(dir.join("scale.md"), &table).expect("write scale.md");
    std::fs::write(dir.join("scale.svg"), svg(&samples)).expect("write scale.svg");
    eprintln!("scale: wrote {}", dir.display());
}

const STAGES: [&str; 7] = ["load", "merge", "analyse", "md", "html", "json", "pdf"];

fn fmt_time(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

fn markdown(samples: &[Sample], sizes: &[usize]) -> String {
    let mut t = String::from("| stage |");
    for n in sizes {
        write!(t, " {n}: median | {n}: peak heap |").ok();
    }
    t.push_str(" µs per control (smallest → largest) | growth exponent |\n|---|");
    for _ in sizes {
        t.push_str("---:|---:|");
    }
    t.push_str("---|---:|\n");
    for stage in STAGES {
        let row: Vec<&Sample> = samples.iter().filter(|s| s.stage == stage).collect();
        if row.is_empty() {
            continue;
        }
        write!(t, "| {stage} |").ok();
        for s in &row {
            write!(
                t,
                " {} | {:.1} MB |",
                fmt_time(s.median),
                s.peak as f64 / 1e6
            )
            .ok();
        }
        let per: Vec<String> = row
            .iter()
            .map(|s| format!("{:.2}", s.median.as_secs_f64() * 1e6 / s.n as f64))
            .collect();
        // Slope of log(time) against log(n) between the smallest and largest
        // size: 1.0 is linear, 2.0 quadratic.
        let slope = match (row.first(), row.last()) {
            (Some(a), Some(b)) if b.n > a.n => {
                let r = b.median.as_secs_f64() / a.median.as_secs_f64().max(1e-9);
                format!("{:.2}", r.ln() / (b.n as f64 / a.n as f64).ln())
            }
            _ => "–".into(),
        };
        writeln!(t, " {} | {slope} |", per.join(" → ")).ok();
    }
    t
}

/// Log-log chart of time against controls, one line per stage.
fn svg(samples: &[Sample]) -> String {
    let (w, h, l, r, top, b) = (720.0, 440.0, 70.0, 120.0, 30.0, 50.0);
    let ns: Vec<f64> = samples.iter().map(|s| s.n as f64).collect();
    let ts: Vec<f64> = samples
        .iter()
        .map(|s| s.median.as_secs_f64().max(1e-5))
        .collect();
    let (nmin, nmax) = (
        ns.iter().cloned().fold(f64::MAX, f64::min),
        ns.iter().cloned().fold(0.0, f64::max),
    );
    let tmin = 10f64.powf(ts.iter().cloned().fold(f64::MAX, f64::min).log10().floor());
    let tmax = 10f64.powf(ts.iter().cloned().fold(0.0, f64::max).log10().ceil());
    let x = |n: f64| {
        l + (n.log10() - nmin.log10()) / (nmax.log10() - nmin.log10()).max(1e-9) * (w - l - r)
    };
    let y = |t: f64| {
        top + (tmax.log10() - t.log10()) / (tmax.log10() - tmin.log10()).max(1e-9) * (h - top - b)
    };
    let colours = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    ];
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{l}\" y=\"18\" font-size=\"14\">kansa: time per stage against catalogue size (log-log)</text>\n"
    );
    let mut decade = tmin;
    while decade <= tmax * 1.001 {
        let yy = y(decade);
        let label = if decade >= 1.0 {
            format!("{decade} s")
        } else {
            format!("{} ms", decade * 1e3)
        };
        writeln!(s, "<line x1=\"{l}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>", w - r, l - 6.0, yy + 4.0).ok();
        decade *= 10.0;
    }
    let mut sizes: Vec<usize> = samples.iter().map(|s| s.n).collect();
    sizes.dedup();
    for n in &sizes {
        let xx = x(*n as f64);
        writeln!(s, "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{top}\" y2=\"{}\" stroke=\"#ddd\"/><text x=\"{xx:.1}\" y=\"{}\" text-anchor=\"middle\">{n}</text>", h - b, h - b + 16.0).ok();
    }
    writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">controls</text>",
        (l + w - r) / 2.0,
        h - 12.0
    )
    .ok();
    // Slope-1 guide through the first md point.
    if let Some(first) = samples.iter().find(|s| s.stage == "md") {
        let t0 = first.median.as_secs_f64();
        let n0 = first.n as f64;
        writeln!(s, "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#888\" stroke-dasharray=\"5 4\"/>", x(n0), y(t0 * 0.5), x(nmax), y(t0 * 0.5 * nmax / n0)).ok();
        writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#888\">linear</text>",
            x(nmax) + 6.0,
            y(t0 * 0.5 * nmax / n0) + 4.0
        )
        .ok();
    }
    for (i, stage) in STAGES.iter().enumerate() {
        let pts: Vec<(f64, f64)> = samples
            .iter()
            .filter(|s| s.stage == *stage)
            .map(|s| (x(s.n as f64), y(s.median.as_secs_f64().max(1e-5))))
            .collect();
        let path: Vec<String> = pts.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
        let c = colours[i % colours.len()];
        writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        )
        .ok();
        for (a, b) in &pts {
            writeln!(
                s,
                "<circle cx=\"{a:.1}\" cy=\"{b:.1}\" r=\"3\" fill=\"{c}\"/>"
            )
            .ok();
        }
        let ly = top + 16.0 * i as f64 + 10.0;
        writeln!(s, "<line x1=\"{}\" x2=\"{}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{c}\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\">{stage}</text>", w - r + 12.0, w - r + 32.0, w - r + 36.0, ly + 4.0).ok();
    }
    s.push_str("</svg>\n");
    s
}
