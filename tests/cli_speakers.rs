//! Runs the `marginalia` binary: `speakers` and `compare`.

use marginalia::io::{project_file, sample::sample_project};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marginalia"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/transcripts")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn ok_stdout(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Checks one JSON line against the documented shape and the text it is
/// about; returns it.
fn check_line(line: &str, text_len: usize) -> Value {
    let v: Value = serde_json::from_str(line).expect("one JSON object per line");
    assert!(v["document"].is_string());
    let mut ids = HashSet::new();
    for s in v["speakers"].as_array().expect("speakers") {
        let id = s["id"].as_str().expect("id");
        assert!(id.starts_with("spk-"));
        assert!(s["name"].is_string());
        assert!(
            s["aliases"]
                .as_array()
                .expect("aliases")
                .iter()
                .all(Value::is_string)
        );
        assert!(ids.insert(id.to_string()), "ids unique");
    }
    let mut pos = 0;
    for t in v["turns"].as_array().expect("turns") {
        let start = t["start"].as_u64().expect("start") as usize;
        let end = t["end"].as_u64().expect("end") as usize;
        assert_eq!(start, pos, "turns contiguous");
        assert!(start < end);
        pos = end;
        let kind = t["kind"].as_str().expect("kind");
        assert!(["narration", "question", "answer"].contains(&kind));
        match &t["speaker"] {
            Value::Null => assert_ne!(kind, "answer", "answers are by someone"),
            Value::String(s) => {
                assert!(ids.contains(s), "speaker {s} resolves");
                assert_ne!(kind, "narration");
            }
            other => panic!("bad speaker {other}"),
        }
    }
    assert_eq!(pos, text_len, "turns cover the text");
    for q in v["quotes"].as_array().expect("quotes") {
        let start = q["start"].as_u64().expect("start") as usize;
        let end = q["end"].as_u64().expect("end") as usize;
        assert!(start < end && end <= text_len);
        assert!(ids.contains(q["speaker"].as_str().expect("speaker")));
    }
    v
}

fn normalized_len(path: &Path) -> usize {
    let raw = std::fs::read_to_string(path).expect("fixture");
    marginalia::model::document::normalize(&raw)
        .0
        .chars()
        .count()
}

fn kinds_of(v: &Value) -> Vec<(String, Option<String>)> {
    v["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_string(),
                t["speaker"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn speakers_json_on_every_fixture() {
    for name in [
        "magazine-qa.txt",
        "press-briefing.txt",
        "qa-intro.txt",
        "interview-bold.md",
        "magazine-crlf.txt",
        "podcast-timestamps.txt",
    ] {
        let path = fixture(name);
        let out = ok_stdout(&["speakers", path.to_str().unwrap(), "--json"]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: one document, one line");
        let v = check_line(lines[0], normalized_len(&path));
        assert_eq!(v["document"], name);
        assert!(
            v["turns"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["kind"] == "answer"),
            "{name}"
        );
    }
    // BOM + CRLF: same turns as the LF file.
    let a = ok_stdout(&[
        "speakers",
        fixture("magazine-qa.txt").to_str().unwrap(),
        "--json",
    ]);
    let b = ok_stdout(&[
        "speakers",
        fixture("magazine-crlf.txt").to_str().unwrap(),
        "--json",
    ]);
    let (a, b): (Value, Value) = (
        serde_json::from_str(a.trim()).unwrap(),
        serde_json::from_str(b.trim()).unwrap(),
    );
    assert_eq!(a["turns"], b["turns"]);
    assert_eq!(a["quotes"], b["quotes"]);
}

#[test]
fn speakers_on_the_seed_text_and_the_sample_project() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/articles/tufts-now-russia-ukraine-interview.txt");
    let out = ok_stdout(&["speakers", seed.to_str().unwrap(), "--json"]);
    let v = check_line(out.trim(), normalized_len(&seed));
    let ids: Vec<&str> = v["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["spk-tufts-now", "spk-chris-miller", "spk-monica-duffy-toft"]
    );
    let k = kinds_of(&v);
    assert_eq!(k.iter().filter(|(k, _)| k == "question").count(), 5);
    assert!(
        k.iter()
            .filter(|(k, _)| k == "question")
            .all(|(_, s)| s.as_deref() == Some("spk-tufts-now"))
    );
    assert_eq!(v["quotes"].as_array().unwrap().len(), 4);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.ron");
    let p = sample_project();
    std::fs::write(&path, project_file::to_ron_string(&p).unwrap()).unwrap();
    let out = ok_stdout(&["speakers", path.to_str().unwrap(), "--json"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), p.documents.len());
    let v = check_line(lines[0], p.documents[0].char_len());
    assert_eq!(v["document"], p.documents[0].id.as_str());
    let ids: HashSet<&str> = v["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        HashSet::from(["spk-toft", "spk-miller", "spk-tufts-now"]),
        "project ids are reused"
    );
    // Same turns as the sample carries.
    let turns = v["turns"].as_array().unwrap();
    assert_eq!(turns.len(), p.turns.len());
    for (t, m) in turns.iter().zip(&p.turns) {
        assert_eq!(t["start"].as_u64(), Some(m.start as u64));
        assert_eq!(
            t["speaker"].as_str(),
            m.speaker.as_ref().map(|s| s.as_str())
        );
    }
    // The readable listing.
    let listing = ok_stdout(&["speakers", path.to_str().unwrap()]);
    assert!(listing.contains("spk-toft  Monica Duffy Toft"));
    assert!(listing.contains("[interviewer]"));
    assert!(listing.contains("question"));
}

#[test]
fn speakers_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, [0xff, 0xfe, 0x00]).unwrap();
    let out = run(&["speakers", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
    let out = run(&["speakers", dir.path().join("missing.ron").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let out = ok_stdout(&["speakers", empty.to_str().unwrap(), "--json"]);
    let v = check_line(out.trim(), 0);
    assert_eq!(v["turns"].as_array().unwrap().len(), 0);
}

#[test]
fn compare_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.ron");
    std::fs::write(
        &path,
        project_file::to_ron_string(&sample_project()).unwrap(),
    )
    .unwrap();
    let p = path.to_str().unwrap();

    let md = ok_stdout(&["compare", p, "--by", "questions", "--format", "md"]);
    assert!(md.contains("| Topic | Monica Duffy Toft | Chris Miller |"));
    assert!(md.contains("⚠ To what extent"));

    let out = dir.path().join("c.json");
    let stdout = ok_stdout(&[
        "compare",
        p,
        "--by",
        "questions",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stdout.is_empty(), "--out writes the file only");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 5);
    assert_eq!(v["rows"][4]["disagreement"], true);

    let csv_text = ok_stdout(&[
        "compare", p, "--by", "tags", "--group", "Claim", "--format", "csv",
    ]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(r.headers().unwrap().get(0), Some("topic_index"));
    let topics: HashSet<String> = r.records().map(|x| x.unwrap()[1].to_string()).collect();
    assert!(topics.contains("Cause") && topics.contains("Prediction"));
    assert!(!topics.contains("Recommendation"), "not a child of Claim");

    let only = ok_stdout(&[
        "compare",
        p,
        "--by",
        "questions",
        "--format",
        "json",
        "--only-disagreements",
    ]);
    let v: Value = serde_json::from_str(&only).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);

    let bad = run(&[
        "compare", p, "--by", "tags", "--group", "Nope", "--format", "md",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no tag `Nope`"));
}

#[test]
fn compare_detects_turns_when_a_project_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noturns.ron");
    let mut p = sample_project();
    p.turns.clear();
    std::fs::write(&path, project_file::to_ron_string(&p).unwrap()).unwrap();
    let out = ok_stdout(&["compare", path.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 5);
    let before = std::fs::read_to_string(&path).unwrap();
    assert!(!before.contains("Question"), "the file is not changed");
}
