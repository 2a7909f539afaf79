//! Bad and foreign input: every problem is an error or a skip with a
//! reason, never a panic, and the project is never touched.

mod formats_common;

use formats_common::*;
use marginalia::io::formats::{self, Format, FormatError, ImportReport};
use marginalia::model::Project;
use std::path::Path;

fn import(p: &Project, f: Format, path: &Path) -> Result<(Project, ImportReport), FormatError> {
    let (edit, report) = formats::import(p, f, path, "")?;
    let mut q = p.clone();
    edit.apply(&mut q).expect("an import edit applies");
    assert_eq!(q.validate(), vec![]);
    Ok((q, report))
}

fn write(dir: &Path, name: &str, s: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, s).unwrap();
    p
}

fn target() -> Project {
    bare_copy(&unicode_project())
}

#[test]
fn bad_json_is_an_error_in_every_json_format() {
    let dir = tmp();
    let p = target();
    let bad = write(dir.path(), "bad.json", "{\"type\": \"Annotation\", ");
    for f in [Format::Json, Format::W3c, Format::LabelStudio] {
        match import(&p, f, &bad) {
            Err(FormatError::Malformed(m)) => assert!(m.contains("JSON"), "{f}: {m}"),
            other => panic!("{f}: expected a Malformed error, got {other:?}"),
        }
    }
    // doccano: one bad line is skipped, the good one is read.
    let text = serde_json::to_string(&p.documents[0].text).unwrap();
    let jsonl = format!("{{not json\n{{\"text\": {text}, \"label\": [[0, 8, \"Claim\"]]}}\n");
    let path = write(dir.path(), "x.jsonl", &jsonl);
    let (q, report) = import(&p, Format::Doccano, &path).unwrap();
    assert_eq!(q.annotations.len(), 1);
    assert_eq!(q.annotations[0].quote, "Интервью");
    assert!(
        report.skipped[0].starts_with("line 1: not valid JSON"),
        "{report:?}"
    );
    // Not even one line.
    let empty = write(dir.path(), "e.jsonl", "\n\n");
    assert!(import(&p, Format::Doccano, &empty).is_err());
    // Not UTF-8.
    let bin = dir.path().join("bin.json");
    std::fs::write(&bin, [0xff, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        import(&p, Format::W3c, &bin),
        Err(FormatError::Malformed(_))
    ));
    // Missing file.
    assert!(matches!(
        import(&p, Format::Csv, &dir.path().join("nope.csv")),
        Err(FormatError::Io(..))
    ));
}

#[test]
fn csv_rows_out_of_range_mismatched_or_without_document_are_skipped() {
    let dir = tmp();
    let p = target();
    let csv = "document,start,end,quote,tags\n\
               doc-uni,0,8,Интервью,Claim\n\
               doc-uni,0,900,x,Claim\n\
               doc-uni,0,8,Wrong,Claim\n\
               doc-nope,0,8,Интервью,Claim\n\
               doc-uni,abc,8,Интервью,Claim\n\
               doc-uni,5,5,,Claim\n";
    let path = write(dir.path(), "in.csv", csv);
    let (q, r) = import(&p, Format::Csv, &path).unwrap();
    assert_eq!(q.annotations.len(), 1);
    assert_eq!(r.skipped.len(), 5, "{:?}", r.skipped);
    assert!(
        r.skipped[0].contains("outside the document"),
        "{:?}",
        r.skipped
    );
    assert!(r.skipped[1].contains("does not match"));
    assert!(r.skipped[2].contains("not in the project"));
    assert!(r.skipped[3].contains("not numbers"));
    assert!(r.skipped[4].contains("empty"));
    let no_header = write(dir.path(), "h.csv", "a,b\n1,2\n");
    assert!(matches!(
        import(&p, Format::Csv, &no_header),
        Err(FormatError::Malformed(_))
    ));
}

#[test]
fn csv_match_documents_by_title_and_undo_neutralizing() {
    let dir = tmp();
    let p = target();
    let csv = "document,start,end,quote,note,speaker\n\
               Интервью: test/1,0,8,Интервью,'=1+1,'@Miller\n";
    let path = write(dir.path(), "t.csv", csv);
    let (q, r) = import(&p, Format::Csv, &path).unwrap();
    assert!(r.skipped.is_empty(), "{r:?}");
    assert_eq!(q.annotations[0].note, "=1+1");
    assert_eq!(q.speakers[0].name, "@Miller");
}

#[test]
fn brat_skips_what_it_does_not_model_and_merges_spans() {
    let dir = tmp();
    let p = target();
    let d = dir.path();
    write(d, "doc.txt", &p.documents[0].text);
    write(
        d,
        "doc.ann",
        "T1\tClaim 0 8\tИнтервью\n\
         T2\tEvaluation 0 8\tИнтервью\n\
         A1\tSpeaker T1 Chris_Miller\n\
         A2\tSpeaker T2 Chris_Miller\n\
         #1\tAnnotatorNotes T2\ta note\n\
         T3\tClaim 9 11;14 15\t👋🏽 с\n\
         T4\tClaim 0 900\tx\n\
         T5\tClaim 0 3\tXYZ\n\
         T6\tCause 70 85\tПутин 🇺🇦 ошибся\n\
         R1\tContradicts Arg1:T6 Arg2:T1\n\
         R2\tAgrees Arg1:T6 Arg2:T99\n\
         E1\tEvent:T1\n\
         N1\tReference T1 Wikipedia:1 x\n\
         *\tEquiv T1 T6\n\
         A3\tNegated T1\n\
         X1\tgarbage\n\
         T7\tbroken\n",
    );
    let (q, r) = import(&p, Format::Brat, d).unwrap();
    assert_eq!(q.annotations.len(), 2, "{r:?}");
    let merged = q.annotations.iter().find(|a| a.start == 0).unwrap();
    assert_eq!(merged.tags.len(), 2, "T1 and T2 merged");
    assert_eq!(merged.note, "a note");
    assert_eq!(
        q.speaker(merged.speaker.as_ref().unwrap()).unwrap().name,
        "Chris Miller"
    );
    assert_eq!(q.relations.len(), 1);
    assert_eq!(
        q.relations[0].kind, "contradicts",
        "mapped onto the built-in kind"
    );
    let all = r.skipped.join("\n");
    for needle in [
        "discontinuous",
        "outside the document",
        "does not match",
        "not both imported",
        "event",
        "normalization",
        "equivalence",
        "attribute `Negated`",
        "unknown line",
        "malformed text-bound",
    ] {
        assert!(all.contains(needle), "no skip mentions {needle:?}:\n{all}");
    }
    assert!(import(&p, Format::Brat, &d.join("empty-dir-does-not-exist")).is_err());
}

#[test]
fn w3c_accepts_single_annotations_and_reanchors_by_quote() {
    let dir = tmp();
    let p = target();
    let one = r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://x/1", "type": "Annotation",
        "motivation": "tagging", "body": [{"type": "TextualBody", "value": "Claim"}, {"type": "TextualBody", "purpose": "commenting", "value": "n"}],
        "target": {"source": "urn:marginalia:document:doc-uni",
                   "selector": {"type": "TextQuoteSelector", "exact": "ошибся", "prefix": "🇺🇦 "}}}"#;
    let path = write(dir.path(), "one.json", one);
    let (q, r) = import(&p, Format::W3c, &path).unwrap();
    assert!(r.skipped.is_empty(), "{r:?}");
    let a = &q.annotations[0];
    assert_eq!(a.quote, "ошибся");
    assert_eq!(q.codebook.get(&a.tags[0]).unwrap().name, "Claim");
    assert_eq!(a.note, "n");
    // UTF-16 positions (as browser tools write them) are recognized by the quote.
    let t = &p.documents[0].text;
    let cs = t.chars().position(|c| c == 'ш').unwrap() - 1;
    let u = marginalia::model::text::char_to_utf16(t, cs).unwrap();
    assert_ne!(u, cs);
    let list = format!(
        r#"[{{"type": "Annotation", "target": {{"source": "urn:marginalia:document:doc-uni", "selector": [
            {{"type": "TextPositionSelector", "start": {u}, "end": {}}},
            {{"type": "TextQuoteSelector", "exact": "ошибся"}}]}}}},
           {{"type": "Annotation", "target": {{"source": "http://elsewhere/doc", "selector": {{"type": "TextPositionSelector", "start": 0, "end": 2}}}}}},
           {{"type": "Annotation", "target": {{"source": "urn:marginalia:document:doc-uni", "selector": [
            {{"type": "TextPositionSelector", "start": 0, "end": 5}},
            {{"type": "TextQuoteSelector", "exact": "nope"}}]}}}},
           {{"type": "Annotation", "motivation": "linking", "target": ["a"]}},
           {{"type": "Note"}}]"#,
        u + 6
    );
    let path = write(dir.path(), "list.json", &list);
    let (q, r) = import(&p, Format::W3c, &path).unwrap();
    assert_eq!(q.annotations.len(), 1);
    assert_eq!(q.annotations[0].start, cs);
    assert_eq!(r.skipped.len(), 4, "{:?}", r.skipped);
    assert!(r.skipped.iter().any(|s| s.contains("not in the project")));
    assert!(r.skipped.iter().any(|s| s.contains("does not match")));
    assert!(r.skipped.iter().any(|s| s.contains("exactly two")));
    assert!(
        r.skipped
            .iter()
            .any(|s| s.contains("not an object of type Annotation"))
    );
}

#[test]
fn doccano_reads_utf16_when_told_and_adds_unknown_documents() {
    let dir = tmp();
    let p = target();
    let t = "😀😀 ok";
    let line = format!(
        "{}\n",
        serde_json::json!({"text": t, "offset_unit": "utf16", "entities": [
            {"id": 1, "label": "Tag", "start_offset": 5, "end_offset": 7},
            {"id": 2, "label": "Other", "start_offset": 1, "end_offset": 3}],
            "relations": [{"id": 1, "from_id": 1, "to_id": 3, "type": "x"}]})
    );
    let path = write(dir.path(), "u.jsonl", &line);
    let (q, r) = import(&p, Format::Doccano, &path).unwrap();
    assert_eq!(r.documents, 1, "the unknown text is added as a document");
    assert_eq!(q.documents.len(), 2);
    assert_eq!(q.annotations.len(), 1);
    assert_eq!(q.annotations[0].quote, "ok");
    assert_eq!(q.annotations[0].start, 3);
    assert_eq!(r.skipped.len(), 2, "{:?}", r.skipped);
    assert!(
        r.skipped[0].contains("splits a character"),
        "{:?}",
        r.skipped
    );
}

#[test]
fn labelstudio_imports_predictions_and_reports_them() {
    let dir = tmp();
    let p = target();
    let tasks = serde_json::json!([{
        "id": 7,
        "data": {"text": p.documents[0].text},
        "annotations": [{"id": 1, "completed_by": {"email": "ann@example.org"}, "result": [
            {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 8, "text": "Интервью", "labels": ["Claim"]}},
            {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 8, "text": "Wrong", "labels": ["Claim"]}},
            {"id": "r3", "type": "rectanglelabels", "value": {}}]}],
        "predictions": [{"model_version": "m1", "result": [
            {"id": "p1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 9, "end": 13, "text": "👋🏽 с", "labels": ["Guess"]}}]}]
    }]);
    let path = write(dir.path(), "ls.json", &tasks.to_string());
    let (q, r) = import(&p, Format::LabelStudio, &path).unwrap();
    assert_eq!(q.annotations.len(), 2);
    assert!(
        q.annotations
            .iter()
            .any(|a| a.annotator == "ann@example.org")
    );
    assert!(q.annotations.iter().any(|a| a.annotator == "prediction:m1"));
    assert!(r.notes.iter().any(|n| n.contains("predicted")), "{r:?}");
    assert!(r.skipped.iter().any(|s| s.contains("does not match")));
    assert!(r.skipped.iter().any(|s| s.contains("rectanglelabels")));
    let bad = write(dir.path(), "n.json", "42");
    assert!(import(&p, Format::LabelStudio, &bad).is_err());
}

#[test]
fn export_refuses_a_wrong_quote() {
    let mut p = unicode_project();
    p.annotations[0].quote = "tampered".into();
    let dir = tmp();
    for f in [
        Format::Csv,
        Format::Json,
        Format::Brat,
        Format::W3c,
        Format::Doccano,
        Format::LabelStudio,
    ] {
        let out = out_path(dir.path(), f);
        match formats::export(&p, f, &Default::default(), &out) {
            Err(FormatError::QuoteMismatch(m)) => assert!(m.contains("tampered"), "{f}: {m}"),
            other => panic!("{f}: expected QuoteMismatch, got {other:?}"),
        }
    }
}

#[test]
fn json_rejects_other_formats_and_newer_versions() {
    let dir = tmp();
    let p = target();
    let other = write(dir.path(), "o.json", r#"{"format": "other", "version": 1}"#);
    assert!(matches!(
        import(&p, Format::Json, &other),
        Err(FormatError::Malformed(_))
    ));
    let newer = write(
        dir.path(),
        "n.json",
        r#"{"format": "marginalia-json", "version": 99}"#,
    );
    assert!(matches!(
        import(&p, Format::Json, &newer),
        Err(FormatError::Unsupported(_))
    ));
}
