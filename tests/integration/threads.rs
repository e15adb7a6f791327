//! The parallel pipeline: the same bytes whatever the number of threads, and failures that
//! are reported as such.

#[path = "../../benches/synth.rs"]
mod synth;

use crate::kansa;

/// 1,500 controls: enough for dozens of rendering tasks (64 partials each) and several
/// overlay files loading at once.
#[test]
fn output_is_identical_with_one_thread_and_with_many() {
    let dir = tempfile::tempdir().unwrap();
    synth::write_dir(1_500, dir.path()).unwrap();
    let d = dir.path().display().to_string();
    let run = |jobs: &str, format: &str| {
        let out = kansa()
            .args([
                "-j",
                jobs,
                "report",
                "--date",
                "2026-11-25",
                "--catalogue",
                &d,
            ])
            .args(["--answers", &format!("{d}/provider.csv")])
            .args(["--answers", &format!("{d}/organisation.csv")])
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    for format in ["md", "html", "json"] {
        let one = run("1", format);
        assert!(one.len() > 500_000, "{format}: {} bytes", one.len());
        let text = String::from_utf8_lossy(&one);
        // The last control of the catalogue is in the report, after all the others.
        let last = synth::id(1_499, 1_500);
        assert!(text.contains(&last), "{format} lacks {last}");
        for jobs in ["2", "5"] {
            assert!(
                run(jobs, format) == one,
                "{format} with -j {jobs} differs from -j 1"
            );
        }
    }
}

#[test]
fn zero_threads_is_a_usage_error() {
    let out = kansa().args(["-j", "0", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--jobs"));
}

/// The report is streamed to its file: a full disk is an output error (exit 1) naming the file,
/// not a template error.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_as_an_output_error() {
    for format in ["md", "html", "json"] {
        let out = kansa()
            .args(["report", "--date", "2026-11-25", "--format", format])
            .args(["--answers", "examples/example-bank/answers.csv"])
            .args(["-o", "/dev/full"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains("cannot write /dev/full") && stderr.contains("No space left"),
            "{format}: {stderr}"
        );
    }
}
