//! Load → merge → analyse → render, in process, as `kansa report` runs it.
//!
//! - `fisc_example/*`: the shipped FISC catalogue with the AWS and example-bank overlays.
//! - `synthetic/*`: generated catalogues of 1k, 10k and 100k controls with two full overlays
//!   (benches/synth.rs), written to `target/bench-data/` once and read from there, so loading
//!   is measured from the files (in the page cache) as the command reads them.
//!
//! The report is written to a writer that counts the bytes and drops them: every byte is
//! produced, none is stored (whole-process timings with the disk are in docs/benchmarks.md).
//! All cores are used, as by the command; `KANSA_BENCH_JOBS=1` pins the pool to one thread.
//!
//! Run with `cargo bench --bench pipeline`; figures are kept in `docs/benchmarks.md`. The cost
//! of each stage (and PDF) at every size, with peak heap: `cargo bench --bench scale`.

#[path = "synth.rs"]
mod synth;

/// The binary's allocator (src/main.rs), so figures match the `kansa` command.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::civil::Date;
use kansa::load::{EncodingChoice, Limits, load_inputs_with};
use kansa::render::{Format, ReportOptions, Templates, view, write_view};

const FORMATS: [(&str, Format); 3] = [
    ("md", Format::Md),
    ("html", Format::Html),
    ("json", Format::Json),
];

/// The FISC example is also rendered to the formats that only it needs to be fast in.
const EXAMPLE_FORMATS: [(&str, Format); 5] = [
    ("md", Format::Md),
    ("html", Format::Html),
    ("json", Format::Json),
    ("pdf", Format::Pdf),
    ("xlsx", Format::Xlsx),
];

/// Counts what is written and keeps none of it.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The whole pipeline of `kansa report`; returns the size of the report.
fn run(catalogue: &str, overlays: &[PathBuf], format: Format) -> usize {
    let (catalogue, overlays) = load_inputs_with(
        catalogue,
        overlays,
        EncodingChoice::Auto,
        &[],
        &Limits::default(),
    )
    .unwrap();
    let merged = kansa::merge::merge_owned(&catalogue, overlays);
    let analysis = kansa::analyse::analyse(merged, Date::new(2026, 11, 25).unwrap());
    let options = ReportOptions::default();
    let report = view::build_owned(analysis, &options);
    drop(catalogue);
    let mut out = Counter(0);
    let templates = Templates::builtin().unwrap();
    write_view(&report, format, &templates, &options.pdf, &mut out).unwrap();
    out.0
}

fn fisc_example(c: &mut Criterion) {
    let overlays = [
        PathBuf::from("examples/aws-2012/answers.csv"),
        PathBuf::from("examples/example-bank/answers.csv"),
    ];
    let mut group = c.benchmark_group("fisc_example");
    for (name, format) in EXAMPLE_FORMATS {
        group.bench_function(name, |b| {
            b.iter(|| black_box(run("fisc-2012", &overlays, format)))
        });
    }
    group.finish();
}

fn synthetic_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("synthetic");
    group.sample_size(10);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    for n in [1_000, 10_000, 100_000] {
        let dir = root.join(format!("synthetic-{n}"));
        synth::write_dir(n, &dir).unwrap();
        let catalogue = dir.display().to_string();
        let overlays = [dir.join("provider.csv"), dir.join("organisation.csv")];
        for (name, format) in FORMATS {
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| black_box(run(&catalogue, &overlays, format)))
            });
        }
    }
    group.finish();
}

fn configure() -> Criterion {
    synth::configure_threads();
    Criterion::default()
}

criterion_group! {
    name = benches;
    config = configure();
    targets = fisc_example, synthetic_sizes
}
criterion_main!(benches);
