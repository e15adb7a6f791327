//! Writes a synthetic catalogue of N controls with two full overlays, for
//! whole-process timings of large catalogues (see docs/benchmarks.md):
//!
//! ```sh
//! cargo run --release --example gen_synthetic -- 100000 target/synth-100k
//! target/release/kansa report --catalogue target/synth-100k \
//!     --answers target/synth-100k/provider.csv --answers target/synth-100k/organisation.csv \
//!     -f pdf -o target/synth-100k.pdf
//! ```
//!
//! A third argument `interleaved` writes the same controls with sections, 基準大項目 and 中項目
//! interleaved (設1-1, 運1-1, 技1-1, …). The same generator feeds `cargo bench`
//! (benches/synth.rs).

#[path = "../benches/synth.rs"]
mod synth;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: gen_synthetic N OUT_DIR [interleaved]");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("gen_synthetic: N must be a number of controls, got {n:?}");
        std::process::exit(2);
    };
    let shape = match args.next().as_deref() {
        None => synth::Shape::Contiguous,
        Some("interleaved") => synth::Shape::Interleaved,
        Some(other) => {
            eprintln!(
                "gen_synthetic: the third argument may only be \"interleaved\", got {other:?}"
            );
            std::process::exit(2);
        }
    };
    let out = PathBuf::from(out);
    synth::write_dir_shaped(n.max(3), shape, &out)?;
    println!("{} controls written to {}", n.max(3), out.display());
    Ok(())
}
