//! Load → merge → analyse → render, in process.
//!
//! - `fisc_example/*`: the shipped FISC catalogue with the AWS and example-bank overlays.
//! - `synthetic/*`: generated catalogues of 1k, 10k and 100k controls with two full overlays
//!   (benches/synth.rs).
//!
//! Run with `cargo bench --bench pipeline`; figures are kept in `docs/benchmarks.md`. The cost
//! of each stage (and PDF) at every size, with peak heap: `cargo bench --bench scale`.

#[path = "synth.rs"]
mod synth;

/// The binary's allocator (src/main.rs), so figures match the `kansa` command.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::civil::Date;
use kansa::load::{EncodingChoice, load_catalogue, parse_overlay};
use kansa::model::CatalogueMeta;
use kansa::render::{Format, ReportOptions, render};

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

fn run(catalogue_csv: Option<&str>, overlays: &[(&str, &[u8])], format: Format) -> usize {
    let catalogue = match catalogue_csv {
        None => load_catalogue("fisc-2012").unwrap(),
        Some(csv) => kansa::load::catalogue::parse_catalogue(
            "synthetic.csv",
            csv,
            CatalogueMeta {
                id: "synthetic".into(),
                name: "synthetic".into(),
                ..Default::default()
            },
        )
        .unwrap(),
    };
    let overlays: Vec<_> = overlays
        .iter()
        .map(|(name, bytes)| parse_overlay(name, bytes, EncodingChoice::Auto, &catalogue).unwrap())
        .collect();
    let merged = kansa::merge::merge(&catalogue, &overlays);
    let analysis = kansa::analyse::analyse(merged, Date::new(2026, 11, 25).unwrap());
    render(&analysis, format, &ReportOptions::default(), None)
        .unwrap()
        .len()
}

fn fisc_example(c: &mut Criterion) {
    let aws = std::fs::read("examples/aws-2012/answers.csv").unwrap();
    let bank = std::fs::read("examples/example-bank/answers.csv").unwrap();
    let overlays: [(&str, &[u8]); 2] = [("aws.csv", &aws), ("bank.csv", &bank)];
    let mut group = c.benchmark_group("fisc_example");
    for (name, format) in EXAMPLE_FORMATS {
        group.bench_function(name, |b| b.iter(|| black_box(run(None, &overlays, format))));
    }
    group.finish();
}

fn synthetic_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("synthetic");
    group.sample_size(10);
    for n in [1_000, 10_000, 100_000] {
        let s = synth::synthetic(n);
        let cat = s.catalogue;
        let overlays: [(&str, &[u8]); 2] = [
            ("provider.csv", s.provider.as_bytes()),
            ("organisation.csv", s.organisation.as_bytes()),
        ];
        for (name, format) in FORMATS {
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| black_box(run(Some(&cat), &overlays, format)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, fisc_example, synthetic_sizes);
criterion_main!(benches);
