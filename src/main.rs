//! The `kansa` binary: everything lives in the library; see `kansa --help`.

#![forbid(unsafe_code)]

/// mimalloc instead of the system allocator: loading and rendering make
/// millions of small strings, and glibc's malloc spent over a third of the
/// load time of a 100k-control catalogue in its own bookkeeping. Built without
/// transparent huge pages (`no_thp` in Cargo.toml): with them the kernel cleared
/// whole 2 MiB pages the process barely used (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kansa::cli::main()
}
