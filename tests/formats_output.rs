//! What the exporters write: golden files of the sample project, offsets in
//! each unit, spreadsheet safety, W3C validity.

mod formats_common;

use formats_common::*;
use marginalia::io::formats::{self, ExportOptions, Format, OffsetUnit};
use marginalia::io::sample::sample_project;
use marginalia::model::text;
use serde_json::Value;
use std::path::Path;

fn export_to_string(p: &marginalia::model::Project, f: Format, options: &ExportOptions) -> String {
    let dir = tmp();
    let out = out_path(dir.path(), f);
    formats::export(p, f, options, &out).unwrap();
    std::fs::read_to_string(&out).unwrap()
}

#[test]
fn sample_exports_match_golden_files() {
    let p = sample_project();
    let o = ExportOptions::default();
    golden("sample.csv", &export_to_string(&p, Format::Csv, &o));
    golden("sample.json", &export_to_string(&p, Format::Json, &o));
    golden("sample.w3c.json", &export_to_string(&p, Format::W3c, &o));
    golden(
        "sample.doccano.jsonl",
        &export_to_string(&p, Format::Doccano, &o),
    );
    let dir = tmp();
    let ls = dir.path().join("sample.labelstudio.json");
    formats::export(&p, Format::LabelStudio, &o, &ls).unwrap();
    golden(
        "sample.labelstudio.json",
        &std::fs::read_to_string(&ls).unwrap(),
    );
    golden(
        "sample.labelstudio.config.xml",
        &std::fs::read_to_string(dir.path().join("sample.labelstudio.config.xml")).unwrap(),
    );
    let brat = dir.path().join("brat");
    formats::export(&p, Format::Brat, &o, &brat).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&brat)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        4,
        "txt, ann, annotation.conf, visual.conf: {names:?}"
    );
    for n in names.iter().filter(|n| !n.ends_with(".txt")) {
        golden(
            &format!("brat/{n}"),
            &std::fs::read_to_string(brat.join(n)).unwrap(),
        );
    }
    // Deterministic: a second export is byte-identical.
    assert_eq!(
        export_to_string(&p, Format::W3c, &o),
        export_to_string(&p, Format::W3c, &o)
    );
}

/// Expected (start, end) of every annotation of the fixture in `unit`.
fn expected(unit: OffsetUnit) -> Vec<(usize, usize)> {
    let p = unicode_project();
    let t = &p.documents[0].text;
    let conv = |c: usize| match unit {
        OffsetUnit::Chars => c,
        OffsetUnit::Utf16 => text::char_to_utf16(t, c).unwrap(),
        OffsetUnit::Bytes => text::char_to_byte(t, c).unwrap(),
    };
    let mut v: Vec<_> = p
        .annotations
        .iter()
        .map(|a| (conv(a.start), conv(a.end)))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn num(v: &Value) -> usize {
    v.as_u64().unwrap() as usize
}

/// (start, end) pairs written by format `f` in `unit`.
fn written(f: Format, unit: OffsetUnit) -> Vec<(usize, usize)> {
    let p = unicode_project();
    let options = ExportOptions {
        offsets: unit,
        ..ExportOptions::default()
    };
    let s = export_to_string(&p, f, &options);
    let mut v = Vec::new();
    match f {
        Format::Csv => {
            let mut r = csv::Reader::from_reader(s.as_bytes());
            let h = r.headers().unwrap().clone();
            let suffix = match unit {
                OffsetUnit::Chars => String::new(),
                OffsetUnit::Utf16 => "_utf16".into(),
                OffsetUnit::Bytes => "_bytes".into(),
            };
            let si = h
                .iter()
                .position(|x| x == format!("start{suffix}"))
                .unwrap();
            let ei = h.iter().position(|x| x == format!("end{suffix}")).unwrap();
            for rec in r.records() {
                let rec = rec.unwrap();
                v.push((rec[si].parse().unwrap(), rec[ei].parse().unwrap()));
            }
        }
        Format::Json => {
            let j: Value = serde_json::from_str(&s).unwrap();
            for a in j["annotations"].as_array().unwrap() {
                v.push((num(&a["start"]), num(&a["end"])));
            }
        }
        Format::W3c => {
            let j: Value = serde_json::from_str(&s).unwrap();
            for a in j["first"]["items"].as_array().unwrap() {
                if let Some(sel) = a["target"]["selector"].as_array() {
                    let pos = sel
                        .iter()
                        .find(|x| x["type"] == "TextPositionSelector")
                        .unwrap();
                    v.push((num(&pos["start"]), num(&pos["end"])));
                }
            }
        }
        Format::Doccano => {
            for line in s.lines() {
                let j: Value = serde_json::from_str(line).unwrap();
                for e in j["entities"].as_array().unwrap() {
                    v.push((num(&e["start_offset"]), num(&e["end_offset"])));
                }
            }
        }
        Format::LabelStudio => {
            let j: Value = serde_json::from_str(&s).unwrap();
            for t in j.as_array().unwrap() {
                for e in t["annotations"].as_array().unwrap() {
                    for r in e["result"].as_array().unwrap() {
                        if r["type"] == "labels" {
                            v.push((num(&r["value"]["start"]), num(&r["value"]["end"])));
                        }
                    }
                }
            }
        }
        _ => unreachable!(),
    }
    v.sort();
    v.dedup();
    v
}

#[test]
fn offsets_follow_the_requested_unit_in_every_format() {
    let chars = expected(OffsetUnit::Chars);
    let utf16 = expected(OffsetUnit::Utf16);
    let bytes = expected(OffsetUnit::Bytes);
    assert_ne!(chars, utf16, "the fixture has astral chars");
    assert_ne!(utf16, bytes, "the fixture has Cyrillic");
    for f in [
        Format::Csv,
        Format::Json,
        Format::W3c,
        Format::Doccano,
        Format::LabelStudio,
    ] {
        assert_eq!(written(f, OffsetUnit::Chars), chars, "{f} chars");
        assert_eq!(written(f, OffsetUnit::Utf16), utf16, "{f} utf16");
        assert_eq!(written(f, OffsetUnit::Bytes), bytes, "{f} bytes");
    }
}

#[test]
fn brat_writes_char_offsets_and_refuses_other_units() {
    let p = unicode_project();
    let dir = tmp();
    let out = dir.path().join("b");
    formats::export(&p, Format::Brat, &ExportOptions::default(), &out).unwrap();
    let t = &p.documents[0].text;
    let mut found = 0;
    for set in ["alice", "bob"] {
        let ann = std::fs::read_to_string(out.join(format!("test_1.{set}.ann")))
            .unwrap_or_else(|e| panic!("{set}: {e}"));
        for line in ann.lines().filter(|l| l.starts_with('T')) {
            let f: Vec<&str> = line.split('\t').collect();
            let nums: Vec<usize> = f[1]
                .split(' ')
                .skip(1)
                .map(|x| x.parse().unwrap())
                .collect();
            let covered = text::slice_chars(t, nums[0]..nums[1]).unwrap();
            assert_eq!(covered.replace('\n', " "), f[2], "brat offsets are chars");
            found += 1;
        }
    }
    // ann-1 has two tags → two T lines; ann-3 is untagged → one.
    assert_eq!(found, 6);
    let conf = std::fs::read_to_string(out.join("annotation.conf")).unwrap();
    for section in ["[entities]", "[relations]", "[events]", "[attributes]"] {
        assert!(conf.contains(section), "{section}");
    }
    assert!(
        conf.contains("\n\tCausal_claim\n"),
        "hierarchy by TAB: {conf}"
    );
    assert!(conf.contains("Speaker\tArg:<ENTITY>, Value:Chris_Miller|Monica_Duffy_Toft"));
    let vis = std::fs::read_to_string(out.join("visual.conf")).unwrap();
    assert!(vis.contains("valuation | Évaluation"), "{vis}");
    assert!(vis.contains("Claim\tbgColor:#e69f00"));
    let o = ExportOptions {
        offsets: OffsetUnit::Utf16,
        ..ExportOptions::default()
    };
    assert!(formats::export(&p, Format::Brat, &o, &dir.path().join("c")).is_err());
}

#[test]
fn csv_neutralizes_formulas_unless_raw() {
    let p = unicode_project();
    let safe = export_to_string(&p, Format::Csv, &ExportOptions::default());
    let cells = |s: &str| -> Vec<String> {
        let mut r = csv::Reader::from_reader(s.as_bytes());
        r.records()
            .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect()
    };
    let c = cells(&safe);
    assert!(c.contains(&"'=cmd note".to_string()), "{c:?}");
    assert!(c.contains(&"'+1 @x".to_string()));
    assert!(
        c.iter()
            .all(|x| !x.starts_with(['=', '+', '-', '@', '\t', '\r'])),
        "no cell starts a formula"
    );
    let raw = export_to_string(
        &p,
        Format::Csv,
        &ExportOptions {
            raw: true,
            ..ExportOptions::default()
        },
    );
    let c = cells(&raw);
    assert!(c.contains(&"=cmd note".to_string()));
    assert!(c.contains(&"+1 @x".to_string()));
}

#[test]
fn labelstudio_config_matches_the_tasks() {
    let p = unicode_project();
    let dir = tmp();
    let out = dir.path().join("tasks.json");
    formats::export(&p, Format::LabelStudio, &ExportOptions::default(), &out).unwrap();
    let xml = std::fs::read_to_string(dir.path().join("tasks.config.xml")).unwrap();
    assert!(xml.contains("<Labels name=\"label\" toName=\"text\">"));
    assert!(xml.contains("<Label value=\"Évaluation\" background=\"#009e73\"/>"));
    assert!(xml.contains("<Text name=\"text\" value=\"$text\"/>"));
    assert!(xml.contains("<Relation value=\"contradicts\"/>"));
    let j: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let entries = j[0]["annotations"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "one entry per annotator set");
    let mut sets: Vec<&str> = entries
        .iter()
        .map(|e| e["completed_by"].as_str().unwrap())
        .collect();
    sets.sort();
    assert_eq!(sets, ["alice", "bob"]);
}

#[test]
fn w3c_export_passes_the_validator() {
    // The validator sits in `shared/` beside the repository.
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/w3c-validate");
    let script =
        std::env::var("W3C_VALIDATE").unwrap_or_else(|_| beside.to_string_lossy().into_owned());
    let have_python = std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if !Path::new(&script).exists() || !have_python {
        // CI installs the validator's dependencies and sets this, so a
        // missing validator fails there instead of passing unchecked.
        assert!(
            std::env::var_os("MARGINALIA_REQUIRE_VALIDATORS").is_none(),
            "w3c-validate ({script}) or python3 with jsonschema is not available"
        );
        eprintln!("skipping: w3c-validate ({script}) or python3 with jsonschema is not available");
        return;
    }
    for p in [sample_project(), unicode_project()] {
        let dir = tmp();
        let out = dir.path().join("w3c.json");
        formats::export(&p, Format::W3c, &ExportOptions::default(), &out).unwrap();
        let o = std::process::Command::new("python3")
            .arg(&script)
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "w3c-validate failed:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
