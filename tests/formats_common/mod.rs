//! Shared fixtures of the format tests.
#![allow(dead_code)]

use marginalia::io::formats::{self, ExportOptions, Format, ImportReport};
use marginalia::model::{
    Annotation, AnnotationId, Color, DocId, Document, Project, Relation, RelationId, Speaker,
    SpeakerId, Tag, TagId, Timestamp,
};
use std::path::{Path, PathBuf};

/// A text with Cyrillic, emoji (astral and ZWJ), NBSP and combining marks.
pub const UNI_TEXT: &str = "Интервью 👋🏽 с экспертом.\nMiller:\u{a0}“Sanctions work” — 😀 said e\u{301}x.\nToft: Путин 🇺🇦 ошибся; «=cmd» really.\n";

fn find(text: &str, needle: &str) -> std::ops::Range<usize> {
    let b = text.find(needle).expect("needle in fixture text");
    let s = text[..b].chars().count();
    s..s + needle.chars().count()
}

/// A project over [`UNI_TEXT`] with two annotator sets, multi-tag
/// annotations, speakers, notes and relations.
pub fn unicode_project() -> Project {
    let mut p = Project::new("Unicode fixture");
    p.annotators = vec!["alice".into(), "bob".into()];
    let mut claim = Tag::new("Claim", Color::palette(0));
    claim.id = TagId::new("tag-claim");
    let mut causal = Tag::new("Causal claim", Color::palette(1));
    causal.id = TagId::new("tag-causal");
    causal.parent = Some(claim.id.clone());
    let mut eval = Tag::new("Évaluation", Color::palette(2));
    eval.id = TagId::new("tag-eval");
    p.codebook.tags = vec![claim, causal, eval];
    let mut miller = Speaker::new("Chris Miller");
    miller.id = SpeakerId::new("spk-miller");
    miller.aliases = vec!["Miller".into()];
    let mut toft = Speaker::new("Monica Duffy Toft");
    toft.id = SpeakerId::new("spk-toft");
    p.speakers = vec![miller, toft];
    let doc = Document::import(DocId::new("doc-uni"), "Интервью: test/1", None, UNI_TEXT);
    let stamp = Timestamp("2026-11-27T07:30:00Z".into());
    let mut add =
        |id: &str, needle: &str, tags: &[&str], speaker: Option<&str>, note: &str, who: &str| {
            let mut a = Annotation::new(
                doc.id.clone(),
                &doc.text,
                find(&doc.text, needle),
                tags.iter().map(|t| TagId::new(*t)).collect(),
                who,
                stamp.clone(),
            )
            .expect("fixture annotation");
            a.id = AnnotationId::new(id);
            a.speaker = speaker.map(SpeakerId::new);
            a.note = note.into();
            p.annotations.push(Box::new(a));
        };
    add(
        "ann-1",
        "“Sanctions work” — 😀",
        &["tag-claim", "tag-eval"],
        Some("spk-miller"),
        "=cmd note",
        "alice",
    );
    add(
        "ann-2",
        "Путин 🇺🇦 ошибся",
        &["tag-causal"],
        Some("spk-toft"),
        "",
        "alice",
    );
    add("ann-3", "e\u{301}x", &[], None, "combining mark", "alice");
    add("ann-4", "👋🏽 с", &["tag-claim"], None, "", "bob");
    add(
        "ann-5",
        "«=cmd»",
        &["tag-eval"],
        Some("spk-toft"),
        "+1 @x",
        "bob",
    );
    p.documents.push(doc);
    p.relations = vec![
        Relation {
            id: RelationId::new("rel-1"),
            from: AnnotationId::new("ann-2"),
            to: AnnotationId::new("ann-1"),
            kind: "contradicts".into(),
            annotator: "alice".into(),
        },
        Relation {
            id: RelationId::new("rel-2"),
            from: AnnotationId::new("ann-5"),
            to: AnnotationId::new("ann-4"),
            kind: "agrees".into(),
            annotator: "bob".into(),
        },
    ];
    p.sort_annotations();
    assert_eq!(p.validate(), vec![], "fixture is valid");
    p
}

/// The same documents, nothing else.
pub fn bare_copy(p: &Project) -> Project {
    let mut q = Project::new(p.name.clone());
    q.documents = p.documents.clone();
    q
}

/// A fresh temporary directory.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// The output path for a format inside `dir`.
pub fn out_path(dir: &Path, f: Format) -> PathBuf {
    match f {
        Format::Brat => dir.join("brat"),
        Format::Csv => dir.join("out.csv"),
        Format::Doccano => dir.join("out.jsonl"),
        _ => dir.join("out.json"),
    }
}

/// Exports `p`, imports into a bare copy, applies the edit.
pub fn round_trip(
    p: &Project,
    f: Format,
    options: &ExportOptions,
    annotator: &str,
) -> (Project, ImportReport) {
    let dir = tmp();
    let out = out_path(dir.path(), f);
    formats::export(p, f, options, &out).unwrap_or_else(|e| panic!("export {f}: {e}"));
    let mut q = bare_copy(p);
    let (edit, report) =
        formats::import(&q, f, &out, annotator).unwrap_or_else(|e| panic!("import {f}: {e}"));
    edit.apply(&mut q)
        .unwrap_or_else(|e| panic!("apply import {f}: {e}"));
    assert_eq!(q.validate(), vec![], "{f}: imported project is valid");
    (q, report)
}

/// What of an annotation a format carries.
#[derive(Clone, Copy, Debug)]
pub struct Carries {
    pub speaker: bool,
    pub note: bool,
    pub annotator: bool,
    pub times: bool,
    pub ids: bool,
}

/// An annotation described by names, so two projects can be compared.
pub fn signature(p: &Project, a: &Annotation, c: Carries) -> String {
    let mut tags: Vec<String> = a
        .tags
        .iter()
        .filter_map(|t| p.codebook.get(t))
        .map(|t| t.name.clone())
        .collect();
    tags.sort();
    let speaker = a
        .speaker
        .as_ref()
        .and_then(|s| p.speaker(s))
        .map(|s| s.name.clone());
    format!(
        "{}|{}..{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        a.doc,
        a.start,
        a.end,
        a.quote,
        tags,
        if c.speaker { speaker } else { None },
        if c.note {
            a.note.clone()
        } else {
            String::new()
        },
        if c.annotator {
            a.annotator.clone()
        } else {
            String::new()
        },
        if c.times {
            (a.created.0.clone(), a.modified.0.clone())
        } else {
            Default::default()
        },
        if c.ids { a.id.0.clone() } else { String::new() },
    )
}

/// All annotations' signatures, sorted.
pub fn signatures(p: &Project, c: Carries) -> Vec<String> {
    let mut v: Vec<String> = p.annotations.iter().map(|a| signature(p, a, c)).collect();
    v.sort();
    v
}

/// All relations as (from signature, to signature, kind), sorted.
pub fn relation_signatures(p: &Project, c: Carries) -> Vec<String> {
    let mut v: Vec<String> = p
        .relations
        .iter()
        .filter_map(|r| {
            let f = p.annotation(&r.from)?;
            let t = p.annotation(&r.to)?;
            Some(format!(
                "{} -> {} : {}",
                signature(p, f, c),
                signature(p, t, c),
                r.kind
            ))
        })
        .collect();
    v.sort();
    v
}

/// Compares `actual` with `tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites it.
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    assert!(
        want == actual,
        "{} differs from the output; rerun with UPDATE_GOLDEN=1 if the change is intended",
        path.display()
    );
}
