//! Atomic publish and file modes: killed runs, the umask, directory modes.

use super::*;

/// Item 4: what a killed run leaves (a staging directory, an old pack moved aside under a
/// PID-1 name, even the pack directory missing) is repaired or removed by the next run; a
/// directory that merely looks like kansa's is kept.
#[test]
fn leftovers_of_killed_runs_are_repaired_by_the_next_run() {
    let work = tempfile::tempdir().unwrap();
    let out_root = work.path().join("out");
    let cfg = bank_config(work.path(), "");
    assert!(pack(&cfg, &out_root, &[]).status.success());
    let good = walk(&out_root.join("bank"));
    // Killed between the renames: the pack is aside under the name a PID-1 run used.
    std::fs::rename(out_root.join("bank"), out_root.join(".kansa-old-bank-1")).unwrap();
    let staging = out_root.join(".kansa-pack-bank-Zz9");
    std::fs::create_dir_all(staging.join("tickets")).unwrap();
    std::fs::write(staging.join(".kansa-incomplete"), "").unwrap();
    std::fs::write(staging.join("tickets/half.md"), "half").unwrap();
    let foreign = out_root.join(".kansa-pack-notes");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(listing(&out_root), [".kansa-pack-notes", "bank"]);
    assert_eq!(walk(&out_root.join("bank")), good);
    assert_eq!(
        std::fs::read_to_string(foreign.join("mine.txt")).unwrap(),
        "keep"
    );
}

/// Item 4, for real: `kill -9` at some moment of a build; whatever it left, the next run
/// ends with the pack alone in the output root.
#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_is_cleaned_up() {
    let work = tempfile::tempdir().unwrap();
    let out_root = work.path().join("out");
    let cfg = bank_config(work.path(), "");
    assert!(pack(&cfg, &out_root, &[]).status.success());
    for delay_ms in [5, 60, 200] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kansa"))
            .arg("pack")
            .arg(&cfg)
            .arg("--out")
            .arg(&out_root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // The pack is there at every instant (exchanged in one step).
        assert!(
            out_root.join("bank/manifest.json").is_file(),
            "{delay_ms} ms"
        );
        let out = pack(&cfg, &out_root, &[]);
        assert!(out.status.success(), "{}", outcome(&out));
        assert_eq!(listing(&out_root), ["bank"], "{delay_ms} ms");
        let verify = kansa()
            .arg("verify")
            .arg(out_root.join("bank"))
            .output()
            .unwrap();
        assert!(verify.status.success(), "{}", outcome(&verify));
    }
}

/// Octal permission bits of a path.
#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Item 5: new files honour the umask (report, pack, init, templates export); a file the user
/// made private stays private when written again.
#[cfg(unix)]
#[test]
fn written_files_honour_the_umask_and_keep_their_mode() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let cfg = bank_config(dir, "");
    let bin = env!("CARGO_BIN_EXE_kansa");
    let sh = |script: &str| {
        let out = std::process::Command::new("sh")
            .current_dir(dir)
            .env("KANSA", bin)
            .env("ANSWERS", root().join(EXAMPLE_ANSWERS[1]))
            .env("CFG", &cfg)
            .args(["-c", script])
            .output()
            .unwrap();
        assert!(out.status.success(), "{script}: {}", outcome(&out));
    };
    sh(
        "umask 027 && \"$KANSA\" report --date 2026-11-25 --answers \"$ANSWERS\" -o r.md \
        && \"$KANSA\" init -o sheet.csv && \"$KANSA\" templates export tpl \
        && \"$KANSA\" pack \"$CFG\" --out packs",
    );
    assert_eq!(mode(&dir.join("r.md")), 0o640);
    assert_eq!(mode(&dir.join("sheet.csv")), 0o640);
    assert_eq!(mode(&dir.join("tpl/report.md")), 0o640);
    assert_eq!(mode(&dir.join("packs/bank")), 0o750);
    assert_eq!(mode(&dir.join("packs/bank/manifest.json")), 0o640);
    assert_eq!(mode(&dir.join("packs/bank/tickets")), 0o750);
    use std::os::unix::fs::PermissionsExt;
    for p in ["r.md", "packs/bank/report.md"] {
        std::fs::set_permissions(dir.join(p), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::set_permissions(
        dir.join("packs/bank"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    sh(
        "umask 022 && \"$KANSA\" report --date 2026-11-25 --answers \"$ANSWERS\" -o r.md \
        && \"$KANSA\" pack \"$CFG\" --out packs",
    );
    assert_eq!(mode(&dir.join("r.md")), 0o600);
    assert_eq!(mode(&dir.join("packs/bank/report.md")), 0o600);
    assert_eq!(mode(&dir.join("packs/bank")), 0o700);
    assert_eq!(mode(&dir.join("packs/bank/gaps.csv")), 0o640);
}

/// Regression (A9): after `chmod 700 out/p/tickets` a rebuild gave tickets/ 0755 again; every
/// directory of the pack now keeps its mode, as its files and its top directory do.
#[cfg(unix)]
#[test]
fn directories_inside_a_pack_keep_their_mode() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let cfg = bank_config(work.path(), "");
    let out_root = work.path().join("out");
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    let tickets = out_root.join("bank/tickets");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(&tickets, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(mode(&tickets), 0o700);
}
