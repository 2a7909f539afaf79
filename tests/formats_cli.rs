//! `marginalia export` and `marginalia import` on the command line.

use marginalia::io::project_file;
use marginalia::io::sample::sample_project;
use marginalia::model::Project;
use std::path::Path;
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    let exe = env!("CARGO_BIN_EXE_marginalia");
    let help = Command::new(exe)
        .arg("--help")
        .output()
        .expect("run marginalia");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("export") && help.contains("import"),
        "{exe} has no export/import subcommands: another checkout's build overwrote it in a shared target dir; rerun"
    );
    Command::new(exe)
        .args(args)
        .output()
        .expect("run marginalia")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn bare(p: &Project) -> Project {
    let mut q = Project::new(p.name.clone());
    q.documents = p.documents.clone();
    q
}

#[test]
fn export_then_import_every_format_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_project();
    let proj = dir.path().join("sample.ron");
    project_file::save_over(&proj, &sample).unwrap();
    let empty = dir.path().join("empty.ron");
    project_file::save_over(&empty, &bare(&sample)).unwrap();
    for (format, file) in [
        ("csv", "o.csv"),
        ("json", "o.json"),
        ("brat", "brat"),
        ("w3c", "w3c.json"),
        ("doccano", "o.jsonl"),
        ("labelstudio", "ls.json"),
    ] {
        let out = dir.path().join(file);
        let o = bin(&["export", s(&proj), "--format", format, "--out", s(&out)]);
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let result = dir.path().join(format!("imported-{format}.ron"));
        let o = bin(&[
            "import",
            s(&empty),
            "--format",
            format,
            "--from",
            s(&out),
            "--out",
            s(&result),
        ]);
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.contains(&format!(
                "imported {} annotations",
                sample.annotations.len()
            )),
            "{format}: {stdout}"
        );
        let q = project_file::load(&result).unwrap().project;
        assert_eq!(q.annotations.len(), sample.annotations.len(), "{format}");
        let starts = |p: &Project| {
            let mut v: Vec<_> = p.annotations.iter().map(|a| (a.start, a.end)).collect();
            v.sort();
            v
        };
        assert_eq!(starts(&q), starts(&sample), "{format}");
    }
    // The input project was never touched by imports with --out.
    assert!(
        project_file::load(&empty)
            .unwrap()
            .project
            .annotations
            .is_empty()
    );
}

#[test]
fn import_in_place_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_project();
    let proj = dir.path().join("sample.ron");
    project_file::save_over(&proj, &sample).unwrap();
    let out = dir.path().join("o.json");
    assert!(
        bin(&["export", s(&proj), "--format", "json", "--out", s(&out)])
            .status
            .success()
    );
    let target = dir.path().join("t.ron");
    project_file::save_over(&target, &bare(&sample)).unwrap();
    let before = std::fs::read(&target).unwrap();
    let o = bin(&[
        "import",
        s(&target),
        "--format",
        "json",
        "--from",
        s(&out),
        "--annotator",
        "me",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(dir.path().join("t.ron.bak")).unwrap(), before);
    let q = project_file::load(&target).unwrap().project;
    assert_eq!(q.annotations.len(), sample.annotations.len());
    assert!(q.annotations.iter().all(|a| a.annotator == "me"));
}

#[test]
fn filters_and_offsets_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("sample.ron");
    project_file::save_over(&proj, &sample_project()).unwrap();
    let out = dir.path().join("o.csv");
    let o = bin(&[
        "export",
        s(&proj),
        "--format",
        "csv",
        "--out",
        s(&out),
        "--speaker",
        "Toft",
        "--tag",
        "Claim",
        "--offsets",
        "utf16",
        "--document",
        "doc-tufts-interview",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("document,document_title,start_utf16,end_utf16"));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let speakers: Vec<String> = r.records().map(|x| x.unwrap()[8].to_string()).collect();
    assert!(!speakers.is_empty());
    assert!(
        speakers.iter().all(|x| x == "Monica Duffy Toft"),
        "{speakers:?}"
    );
}

#[test]
fn unknown_names_and_bad_input_exit_1_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("sample.ron");
    project_file::save_over(&proj, &sample_project()).unwrap();
    let out = dir.path().join("o.csv");
    for extra in [
        ["--tag", "Nonexistent"],
        ["--speaker", "Nobody"],
        ["--document", "nope"],
        ["--annotator", "ghost"],
        ["--offsets", "furlongs"],
    ] {
        let mut args = vec!["export", s(&proj), "--format", "csv", "--out", s(&out)];
        args.extend(extra);
        let o = bin(&args);
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
        assert!(!o.stderr.is_empty(), "{extra:?}: message on stderr");
    }
    let o = bin(&["export", s(&proj), "--format", "docx", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown format"));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{").unwrap();
    let before = std::fs::read(&proj).unwrap();
    let o = bin(&["import", s(&proj), "--format", "w3c", "--from", s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("JSON"));
    assert_eq!(std::fs::read(&proj).unwrap(), before, "project untouched");
    let o = bin(&["import", s(&proj), "--format", "html", "--from", s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    let o = bin(&[
        "import",
        s(&dir.path().join("missing.ron")),
        "--format",
        "csv",
        "--from",
        s(&bad),
    ]);
    assert_eq!(o.status.code(), Some(1));
}
