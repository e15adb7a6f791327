//! The `kansa` binary: everything lives in the library; see `kansa --help`.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    kansa::cli::main()
}
