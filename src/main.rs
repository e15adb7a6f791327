//! The `kansa` binary: everything lives in the library; see `kansa --help`.

fn main() -> std::process::ExitCode {
    kansa::cli::main()
}
