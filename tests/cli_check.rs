//! `marginalia check`: runs the built binary (subcommands only; with no
//! subcommand the binary opens a window).

use marginalia::io::project_file::to_ron_string;
use marginalia::io::sample::sample_project;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/projects/tufts-interview.ron");

fn check(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("check")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("could not run marginalia: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"))
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap_or_else(|e| panic!("{e}"));
    p
}

fn sample_text() -> String {
    to_ron_string(&sample_project()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn valid_sample_prints_a_summary_and_exits_0() {
    let out = check(Path::new(SAMPLE));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let p = sample_project();
    assert!(
        stdout.contains(&format!("project:     {}", p.name)),
        "{stdout}"
    );
    assert!(stdout.contains("format:      1"), "{stdout}");
    let doc = &p.documents[0];
    assert!(
        stdout.contains(&format!("{}  {} chars", doc.id, doc.char_len())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("annotations: {}", p.annotations.len())),
        "{stdout}"
    );
    let toft = p
        .annotations
        .iter()
        .filter(|a| a.speaker.as_ref().map(|s| s.as_str()) == Some("spk-toft"))
        .count();
    let toft_line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("Monica Duffy Toft"))
        .unwrap_or_else(|| panic!("no Toft line in {stdout}"));
    assert!(
        toft_line.trim_end().ends_with(&format!(" {toft}")),
        "{toft_line}"
    );
    assert!(
        stdout.contains(&format!("relations:   {}", p.relations.len())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("turns:       {} ", p.turns.len())),
        "{stdout}"
    );
    // Tags in tree order: a child is indented under its parent.
    let claim = stdout.find("    Claim ").unwrap_or(usize::MAX);
    let cause = stdout.find("      Cause ").unwrap_or(0);
    assert!(claim < cause, "{stdout}");
}

#[test]
fn invalid_project_prints_located_problems_and_exits_1() {
    let dir = tmp();
    let p = sample_project();
    let a = &p.annotations[0];
    let src = sample_text().replacen(&format!("end: {},", a.end), "end: 99999999,", 1);
    let id = format!("id: \"{}\"", a.id);
    let b = src.find(&id).unwrap_or(0);
    let line = src[..b].matches('\n').count() + 1;
    let col = src[..b].rsplit('\n').next().unwrap_or("").chars().count() + 1;
    let path = write(dir.path(), "bad.ron", &src);
    let out = check(&path);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let expected = format!("{}:{line}:{col}: annotation `{}`", path.display(), a.id);
    assert!(stderr.contains(&expected), "{stderr}\nexpected {expected}");
    assert!(stderr.contains("1 problem"), "{stderr}");
}

#[test]
fn syntax_error_prints_line_col_and_exits_1() {
    let dir = tmp();
    let src = sample_text().replacen("  name: \"", "  name: [\"", 1);
    let path = write(dir.path(), "syntax.ron", &src);
    let out = check(&path);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!("{}:3:", path.display())),
        "{stderr}"
    );
}

#[test]
fn unreadable_or_newer_files_exit_1_with_the_reason() {
    let dir = tmp();
    let out = check(&dir.path().join("absent.ron"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("could not read the file"),
        "{}",
        text(&out.stderr)
    );

    let newer = write(
        dir.path(),
        "newer.ron",
        &sample_text().replacen("format: 1,", "format: 9,", 1),
    );
    let out = check(&newer);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(":2:3: written by a newer Marginalia: format 9, this build reads up to 1"),
        "{stderr}"
    );

    let bin = dir.path().join("binary.ron");
    std::fs::write(&bin, b"Project(\xff\xfe)").unwrap_or_else(|e| panic!("{e}"));
    let out = check(&bin);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(":1:9: not UTF-8"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn usage_error_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("check")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
}
