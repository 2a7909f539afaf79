//! REFI-QDA export and import: round trips, schema validity, hostile archives.

mod formats_common;

use formats_common::golden;
use marginalia::io::formats::refi_qda::{
    ZipLimits, export_qdc, export_qdpx, import_qdc, import_qdpx, import_qdpx_with_limits,
};
use marginalia::io::formats::{ExportOptions, FormatError, OffsetUnit};
use marginalia::io::sample::sample_project;
use marginalia::model::{
    Annotation, Color, DocId, Document, Project, Relation, RelationId, Speaker, SpeakerId, Tag,
    TagId, Timestamp,
};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A schema from `shared/refi-qda` beside the repository.
fn schema(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/refi-qda")
        .join(name);
    p.exists().then_some(p)
}

/// Skips a check whose tool is missing, except in CI, which installs the
/// tools and sets `MARGINALIA_REQUIRE_VALIDATORS` so nothing passes unchecked.
fn skip(why: &str) {
    assert!(
        std::env::var_os("MARGINALIA_REQUIRE_VALIDATORS").is_none(),
        "{why}"
    );
    eprintln!("skipping schema check: {why}");
}

/// Validates `file` against `xsd` with xmllint, if both are available.
fn xmllint(file: &Path, xsd: &str) {
    let Some(xsd) = schema(xsd) else {
        skip(&format!("{xsd} not found"));
        return;
    };
    let out = match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(file)
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            skip("xmllint is not installed (apt-get install libxml2-utils)");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{} is not valid against {}:\n{}",
        file.display(),
        xsd.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn unzip(path: &Path) -> Vec<(String, String)> {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            (e.name().unwrap().to_string(), s)
        })
        .collect()
}

fn zip_of(path: &Path, entries: &[(&str, &str)]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    for (name, body) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

/// The project without annotations and relations: what a colleague who has
/// the same text and codebook starts from.
fn stripped(p: &Project) -> Project {
    let mut q = p.clone();
    q.annotations.clear();
    q.relations.clear();
    q
}

/// What must survive a round trip, by span rather than id.
fn ann_key(
    p: &Project,
    a: &Annotation,
) -> (
    usize,
    usize,
    String,
    Vec<String>,
    String,
    String,
    String,
    String,
    String,
) {
    let mut tags: Vec<String> = a
        .tags
        .iter()
        .map(|t| {
            p.codebook
                .get(t)
                .map(|t| t.name.clone())
                .unwrap_or_default()
        })
        .collect();
    tags.sort();
    let speaker = a
        .speaker
        .as_ref()
        .and_then(|s| p.speaker(s))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    (
        a.start,
        a.end,
        a.quote.clone(),
        tags,
        speaker,
        a.note.clone(),
        a.annotator.clone(),
        a.created.0.clone(),
        a.modified.0.clone(),
    )
}

/// A relation by the spans of its ends, its kind and annotator.
type RelKey = ((usize, usize), (usize, usize), String, String);

fn rel_keys(p: &Project) -> Vec<RelKey> {
    let span = |id| {
        let a = p.annotation(id).unwrap();
        (a.start, a.end)
    };
    let mut v: Vec<_> = p
        .relations
        .iter()
        .map(|r| {
            (
                span(&r.from),
                span(&r.to),
                r.kind.clone(),
                r.annotator.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn apply(p: &mut Project, edit: marginalia::model::Edit) {
    edit.apply(p).expect("the import edit applies");
    assert_eq!(p.validate(), vec![], "the project stays valid");
}

#[test]
fn qdpx_round_trip_restores_annotations_links_and_speakers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sample.qdpx");
    let sample = sample_project();
    export_qdpx(&sample, &ExportOptions::default(), &out).unwrap();

    let mut target = stripped(&sample);
    let (edit, report) = import_qdpx(&target, &out, "").unwrap();
    assert_eq!(report.annotations, sample.annotations.len());
    assert_eq!(report.relations, sample.relations.len());
    assert_eq!(
        report.documents, 0,
        "the document is recognised by its text"
    );
    assert_eq!(report.tags, 0, "codes match the tags by name");
    assert_eq!(report.speakers, 0, "cases match the speakers by name");
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    apply(&mut target, edit);

    let mut want: Vec<_> = sample
        .annotations
        .iter()
        .map(|a| ann_key(&sample, a))
        .collect();
    let mut got: Vec<_> = target
        .annotations
        .iter()
        .map(|a| ann_key(&target, a))
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(rel_keys(&target), rel_keys(&sample));
    // Same tag ids and speaker ids, since they were matched by name.
    for (a, b) in target.annotations.iter().zip(&sample.annotations) {
        assert_eq!(a.tags, b.tags);
        assert_eq!(a.speaker, b.speaker);
    }

    // Importing again adds nothing.
    let (again, report) = import_qdpx(&target, &out, "").unwrap();
    assert_eq!(report.annotations, 0);
    assert_eq!(report.relations, 0);
    assert_eq!(
        report.skipped.len(),
        sample.annotations.len() + sample.relations.len()
    );
    let before = target.clone();
    apply(&mut target, again);
    assert_eq!(target, before);
}

#[test]
fn qdpx_into_an_empty_project_brings_documents_codes_and_cases() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sample.qdpx");
    let sample = sample_project();
    export_qdpx(&sample, &ExportOptions::default(), &out).unwrap();
    let mut empty = Project::new("empty");
    empty.relation_kinds = vec!["agrees".into()];
    let (edit, report) = import_qdpx(&empty, &out, "Reviewer").unwrap();
    assert_eq!(report.documents, 1);
    assert_eq!(report.tags, sample.codebook.tags.len());
    assert_eq!(
        report.speakers, 2,
        "Toft and Miller; the interviewer has no selection"
    );
    apply(&mut empty, edit);
    assert_eq!(empty.documents[0].text, sample.documents[0].text);
    assert_eq!(empty.documents[0].title, sample.documents[0].title);
    assert_eq!(empty.annotations.len(), sample.annotations.len());
    assert!(empty.annotations.iter().all(|a| a.annotator == "Reviewer"));
    assert_eq!(empty.annotators, vec!["Reviewer".to_string()]);
    assert!(empty.relation_kinds.contains(&"contradicts".to_string()));
    assert!(empty.relation_kinds.contains(&"qualifies".to_string()));
    let toft = empty
        .speakers
        .iter()
        .find(|s| s.name == "Monica Duffy Toft")
        .unwrap();
    assert_eq!(toft.aliases, vec!["Toft".to_string()]);
    assert!(toft.role.starts_with("Professor of international politics"));
    let cause = empty.codebook.by_name("Cause").unwrap();
    let claim = empty.codebook.by_name("Claim").unwrap();
    assert_eq!(cause.parent.as_ref(), Some(&claim.id));
    assert_eq!(cause.color, Color::parse("#d55e00").unwrap());
    // The whole thing is one undo step.
    let mut p = Project::new("empty");
    p.relation_kinds = vec!["agrees".into()];
    let (edit, _) = import_qdpx(&p, &out, "Reviewer").unwrap();
    let inverse = edit.apply(&mut p).unwrap();
    inverse.apply(&mut p).unwrap();
    let mut fresh = Project::new("empty");
    fresh.relation_kinds = vec!["agrees".into()];
    assert_eq!(p, fresh);
}

#[test]
fn qdpx_is_valid_against_the_schema_and_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.qdpx");
    let b = dir.path().join("b.qdpx");
    let sample = sample_project();
    export_qdpx(&sample, &ExportOptions::default(), &a).unwrap();
    export_qdpx(&sample, &ExportOptions::default(), &b).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let entries = unzip(&a);
    assert_eq!(entries[0].0, "project.qde");
    assert_eq!(entries.len(), 2);
    let (src_name, src_text) = &entries[1];
    assert!(src_name.starts_with("sources/") && src_name.ends_with(".txt"));
    assert_eq!(src_text, &sample.documents[0].text);
    let qde = &entries[0].1;
    let guid = src_name
        .trim_start_matches("sources/")
        .trim_end_matches(".txt");
    assert!(qde.contains(&format!("plainTextPath=\"internal://{guid}.txt\"")));
    assert!(qde.contains("xmlns=\"urn:QDA-XML:project:1.0\""));
    assert_eq!(
        qde.matches("<PlainTextSelection ").count(),
        sample.annotations.len()
    );
    assert_eq!(qde.matches("<Link ").count(), sample.relations.len());
    let path = dir.path().join("project.qde");
    std::fs::write(&path, qde).unwrap();
    xmllint(&path, "Project.xsd");
}

#[test]
fn qdc_round_trip_keeps_names_colours_and_hierarchy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("codes.qdc");
    let sample = sample_project();
    export_qdc(&sample, &ExportOptions::default(), &out).unwrap();
    xmllint(&out, "Codebook.xsd");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("xmlns=\"urn:QDA-XML:codebook:1.0\""));
    assert!(xml.contains("color=\"#E69F00\""));

    let mut p = Project::new("fresh");
    let (edit, report) = import_qdc(&p, &out, "").unwrap();
    assert_eq!(report.tags, sample.codebook.tags.len());
    apply(&mut p, edit);
    let shape = |p: &Project| {
        let mut v: Vec<_> = p
            .codebook
            .tags
            .iter()
            .map(|t| {
                let parent = t
                    .parent
                    .as_ref()
                    .and_then(|id| p.codebook.get(id))
                    .map(|t| t.name.clone());
                (t.name.clone(), t.color, parent, t.description.clone())
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(shape(&p), shape(&sample));
    // A second import finds every code and adds nothing.
    let (edit, report) = import_qdc(&p, &out, "").unwrap();
    assert_eq!(report.tags, 0);
    let before = p.clone();
    apply(&mut p, edit);
    assert_eq!(p, before);
}

#[test]
fn empty_codebook_is_refused_rather_than_written_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let err = export_qdc(
        &Project::new("x"),
        &ExportOptions::default(),
        &dir.path().join("e.qdc"),
    )
    .unwrap_err();
    assert!(matches!(err, FormatError::Unsupported(_)), "{err}");
}

/// A project over a text with Cyrillic, an emoji, an NBSP and a combining accent.
fn unicode_project() -> Project {
    let text = "Мария: «Путин 😀 идёт»\u{a0}— e\u{301}clair & <b>\nВторой абзац.";
    let mut p = Project::new("Юникод <test>");
    let doc = Document::import(DocId::new("doc-u"), "Текст", None, text);
    let tag = Tag {
        id: TagId::new("tag-u"),
        name: "Утверждение \"1\"".into(),
        color: Color::parse("#112233").unwrap(),
        key: None,
        parent: None,
        description: "Описание & <desc>".into(),
    };
    p.codebook.tags.push(tag);
    p.speakers.push(Speaker {
        id: SpeakerId::new("spk-maria"),
        name: "Мария".into(),
        aliases: vec![],
        role: String::new(),
    });
    let chars: Vec<char> = doc.text.chars().collect();
    let find = |needle: &str| {
        let n: Vec<char> = needle.chars().collect();
        let i = (0..chars.len())
            .find(|&i| chars[i..].starts_with(&n))
            .unwrap();
        i..i + n.len()
    };
    let stamp = Timestamp("2026-11-27T07:30:00Z".into());
    for (needle, note) in [
        ("Путин 😀 идёт", "a note with <script>alert(1)</script>"),
        ("😀", ""),
        ("идёт»\u{a0}— e\u{301}", "line one\nline two"),
        ("Второй", ""),
    ] {
        let mut a = Annotation::new(
            doc.id.clone(),
            &doc.text,
            find(needle),
            vec![TagId::new("tag-u")],
            "Аня",
            stamp.clone(),
        )
        .unwrap();
        a.note = note.into();
        a.speaker = Some(SpeakerId::new("spk-maria"));
        p.annotations.push(Box::new(a));
    }
    p.documents.push(doc);
    p.relations.push(Relation {
        id: RelationId::new("rel-u"),
        from: p.annotations[0].id.clone(),
        to: p.annotations[3].id.clone(),
        kind: "agrees".into(),
        annotator: "Аня".into(),
    });
    p.sort_annotations();
    assert_eq!(p.validate(), vec![]);
    p
}

#[test]
fn unicode_offsets_stay_chars_and_survive_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("u.qdpx");
    let p = unicode_project();
    export_qdpx(&p, &ExportOptions::default(), &out).unwrap();
    let qde = unzip(&out).remove(0).1;
    let emoji = p.annotations.iter().find(|a| a.quote == "😀").unwrap();
    assert!(
        qde.contains(&format!(
            "startPosition=\"{}\" endPosition=\"{}\"",
            emoji.start, emoji.end
        )),
        "char offsets are written"
    );
    let path = dir.path().join("project.qde");
    std::fs::write(&path, &qde).unwrap();
    xmllint(&path, "Project.xsd");

    let mut q = stripped(&p);
    let (edit, report) = import_qdpx(&q, &out, "").unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    apply(&mut q, edit);
    let mut want: Vec<_> = p.annotations.iter().map(|a| ann_key(&p, a)).collect();
    let mut got: Vec<_> = q.annotations.iter().map(|a| ann_key(&q, a)).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(rel_keys(&q), rel_keys(&p));
}

#[test]
fn utf16_offsets_on_request_are_read_back_through_the_quote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("u16.qdpx");
    let p = unicode_project();
    let opts = ExportOptions {
        offsets: OffsetUnit::Utf16,
        ..ExportOptions::default()
    };
    export_qdpx(&p, &opts, &out).unwrap();
    let qde = unzip(&out).remove(0).1;
    let second = p.annotations.iter().find(|a| a.quote == "Второй").unwrap();
    // One emoji before it: UTF-16 runs one unit ahead of chars.
    assert!(qde.contains(&format!("startPosition=\"{}\"", second.start + 1)));
    let mut q = stripped(&p);
    let (edit, _) = import_qdpx(&q, &out, "").unwrap();
    apply(&mut q, edit);
    let mut spans: Vec<_> = q.annotations.iter().map(|a| (a.start, a.end)).collect();
    let mut want: Vec<_> = p.annotations.iter().map(|a| (a.start, a.end)).collect();
    spans.sort();
    want.sort();
    assert_eq!(spans, want);
}

#[test]
fn filter_limits_what_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f.qdpx");
    let sample = sample_project();
    let mut opts = ExportOptions::default();
    opts.filter.speakers = vec![SpeakerId::new("spk-toft")];
    export_qdpx(&sample, &opts, &out).unwrap();
    let qde = unzip(&out).remove(0).1;
    let toft = sample
        .annotations
        .iter()
        .filter(|a| a.speaker == Some(SpeakerId::new("spk-toft")))
        .count();
    assert_eq!(qde.matches("<PlainTextSelection ").count(), toft);
    assert!(toft > 0 && toft < sample.annotations.len());
    // Links need both ends: all three sample links join Toft and Miller.
    assert_eq!(qde.matches("<Link ").count(), 0);
}

#[test]
fn a_wrong_quote_fails_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = sample_project();
    p.annotations[0].quote.push('!');
    let err = export_qdpx(&p, &ExportOptions::default(), &dir.path().join("x.qdpx")).unwrap_err();
    assert!(matches!(err, FormatError::QuoteMismatch(_)), "{err}");
    assert!(!dir.path().join("x.qdpx").exists(), "nothing is written");
}

#[test]
fn zip_slip_entries_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let qde = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>"#;
    for evil in ["../evil.txt", "/etc/evil.txt", "sources/../../evil.txt"] {
        let path = dir.path().join("evil.qdpx");
        zip_of(&path, &[("project.qde", qde), (evil, "boo")]);
        let err = import_qdpx(&Project::new("p"), &path, "").unwrap_err();
        assert!(
            matches!(&err, FormatError::Malformed(m) if m.contains("unsafe entry name")),
            "{evil}: {err}"
        );
    }
    // A plainTextPath that climbs out is refused too.
    let path = dir.path().join("evil2.qdpx");
    let qde = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>
        <TextSource guid="11111111-1111-1111-1111-111111111111" plainTextPath="internal://../../evil.txt"/>
        </Sources></Project>"#;
    zip_of(&path, &[("project.qde", qde)]);
    assert!(import_qdpx(&Project::new("p"), &path, "").is_err());
}

#[test]
fn zip_bombs_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.qdpx");
    let big = "x".repeat(200_000);
    let qde = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>"#;
    zip_of(&path, &[("project.qde", qde), ("sources/a.txt", &big)]);
    let small = ZipLimits {
        max_entries: 10,
        max_total_bytes: 100_000,
        max_entry_bytes: 100_000,
    };
    let err = import_qdpx_with_limits(&Project::new("p"), &path, "", small).unwrap_err();
    assert!(matches!(err, FormatError::Malformed(_)), "{err}");
    let few = ZipLimits {
        max_entries: 1,
        ..ZipLimits::default()
    };
    let err = import_qdpx_with_limits(&Project::new("p"), &path, "", few).unwrap_err();
    assert!(err.to_string().contains("entries"), "{err}");
    // Within the limits it reads fine.
    assert!(import_qdpx(&Project::new("p"), &path, "").is_ok());
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.qdpx");
    zip_of(
        &path,
        &[(
            "project.qde",
            "<Project xmlns=\"urn:QDA-XML:project:1.0\">\n<Sources>\n</Project>",
        )],
    );
    let err = import_qdpx(&Project::new("p"), &path, "").unwrap_err();
    assert!(
        matches!(&err, FormatError::Malformed(m) if m.contains("project.qde: line 3")),
        "{err}"
    );
    // Not a zip at all.
    std::fs::write(&path, "hello").unwrap();
    assert!(matches!(
        import_qdpx(&Project::new("p"), &path, ""),
        Err(FormatError::Malformed(_))
    ));
    // A zip without project.qde.
    zip_of(&path, &[("other.txt", "x")]);
    assert!(import_qdpx(&Project::new("p"), &path, "").is_err());
    // A codebook that is not XML, or not a codebook.
    let qdc = dir.path().join("bad.qdc");
    std::fs::write(&qdc, "<CodeBook><Codes><Code name='a'></CodeBook>").unwrap();
    assert!(matches!(
        import_qdc(&Project::new("p"), &qdc, ""),
        Err(FormatError::Malformed(_))
    ));
    std::fs::write(&qdc, "<html/>").unwrap();
    assert!(import_qdc(&Project::new("p"), &qdc, "").is_err());
    std::fs::write(&qdc, [0xff, 0xfe, 0x00]).unwrap();
    assert!(import_qdc(&Project::new("p"), &qdc, "").is_err());
    // Missing file.
    assert!(matches!(
        import_qdc(&Project::new("p"), &dir.path().join("nope.qdc"), ""),
        Err(FormatError::Io(..))
    ));
}

#[test]
fn bad_selections_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sel.qdpx");
    let qde = r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x">
  <Users><User guid="22222222-2222-2222-2222-222222222222" name="Maxi"/></Users>
  <CodeBook><Codes><Code guid="33333333-3333-3333-3333-333333333333" name="Claim" isCodable="true" color="#F00"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="11111111-1111-1111-1111-111111111111" name="Doc" plainTextPath="internal://11111111-1111-1111-1111-111111111111.txt">
      <PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="0" endPosition="5" creatingUser="22222222-2222-2222-2222-222222222222" creationDateTime="2020-01-02T03:04:05">
        <Coding guid="55555555-5555-5555-5555-555555555555"><CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/></Coding>
        <Coding guid="66666666-6666-6666-6666-666666666666"><CodeRef targetGUID="99999999-9999-9999-9999-999999999999"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="77777777-7777-7777-7777-777777777777" startPosition="3" endPosition="999"/>
      <PlainTextSelection guid="88888888-8888-8888-8888-888888888888" startPosition="4" endPosition="2"/>
      <PlainTextSelection guid="aaaaaaaa-8888-8888-8888-888888888888" startPosition="x" endPosition="2"/>
    </TextSource>
    <PictureSource guid="bbbbbbbb-8888-8888-8888-888888888888" name="pic"/>
    <TextSource guid="cccccccc-8888-8888-8888-888888888888" name="far" plainTextPath="absolute://C:/x.txt"/>
  </Sources>
</Project>"##;
    zip_of(
        &path,
        &[
            ("project.qde", qde),
            (
                "sources/11111111-1111-1111-1111-111111111111.txt",
                "Hello\r\nworld",
            ),
        ],
    );
    let mut p = Project::new("p");
    let (edit, report) = import_qdpx(&p, &path, "").unwrap();
    assert_eq!(report.annotations, 1);
    assert_eq!(report.documents, 1);
    assert_eq!(report.skipped.len(), 6, "{:#?}", report.skipped);
    apply(&mut p, edit);
    let a = &p.annotations[0];
    assert_eq!(a.quote, "Hello");
    assert_eq!(a.annotator, "Maxi");
    assert_eq!(a.created.0, "2020-01-02T03:04:05Z");
    assert_eq!(p.codebook.tags[0].color, Color::parse("#ff0000").unwrap());
    assert_eq!(p.documents[0].text, "Hello\nworld");
}

#[test]
fn sample_codebook_and_project_match_the_golden_files() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_project();
    let qdc = dir.path().join("s.qdc");
    export_qdc(&sample, &ExportOptions::default(), &qdc).unwrap();
    golden("sample.qdc", &std::fs::read_to_string(&qdc).unwrap());
    let qdpx = dir.path().join("s.qdpx");
    export_qdpx(&sample, &ExportOptions::default(), &qdpx).unwrap();
    golden("sample.qde", &unzip(&qdpx).remove(0).1);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// The sample's archive entries: project.qde first, then the source text.
    fn sample_entries() -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("s.qdpx");
        export_qdpx(&sample_project(), &ExportOptions::default(), &out).unwrap();
        unzip(&out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any bytes as a codebook: an error or an edit, never a panic.
        #[test]
        fn arbitrary_codebook_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x.qdc");
            std::fs::write(&path, &bytes).unwrap();
            let _ = import_qdc(&Project::new("p"), &path, "");
        }

        /// A real project.qde cut short or with a byte changed.
        #[test]
        fn damaged_project_xml(cut in 0usize..40_000, at in 0usize..40_000, byte in any::<u8>()) {
            let entries = sample_entries();
            let mut bytes = entries[0].1.clone().into_bytes();
            if at < bytes.len() {
                bytes[at] = byte;
            }
            bytes.truncate(cut.min(bytes.len()));
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x.qdpx");
            let f = std::fs::File::create(&path).unwrap();
            let mut z = zip::ZipWriter::new(f);
            z.start_file("project.qde", zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(&bytes).unwrap();
            for (name, text) in &entries[1..] {
                z.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
                z.write_all(text.as_bytes()).unwrap();
            }
            z.finish().unwrap();
            let target = stripped(&sample_project());
            if let Ok((edit, _)) = import_qdpx(&target, &path, "") {
                // Whatever was read applies cleanly.
                let mut p = target.clone();
                prop_assert!(edit.apply(&mut p).is_ok());
                prop_assert!(p.validate().is_empty());
            }
        }
    }
}
