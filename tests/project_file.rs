//! Project files: the bundled sample, save→load identity, malformed files
//! (each with the line:col it must report), backups, change detection.

use marginalia::io::project_file::{
    self, DiskStamp, LoadError, MAX_FILE_BYTES, SaveError, backup_path, leftover_temp_files, load,
    parse, save, save_over, to_ron_string,
};
use marginalia::io::sample::sample_project;
use marginalia::model::{
    Annotation, Codebook, Color, DocId, Document, FORMAT_VERSION, Project, Tag, TagId, Timestamp,
    text,
};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/projects/tufts-interview.ron");

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"))
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    p
}

fn sample_text() -> String {
    to_ron_string(&sample_project()).unwrap_or_else(|e| panic!("{e}"))
}

/// 1-based line:col of the first occurrence of `needle` in `src`.
fn pos_of(src: &str, needle: &str) -> (usize, usize) {
    let b = src
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in source"));
    let before = &src[..b];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// 1-based line:col of byte `b` of `src`.
fn pos_at(src: &str, b: usize) -> (usize, usize) {
    let before = &src[..b];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// Replaces the first `from` after the first `anchor` by `to`.
fn edit_after(src: &str, anchor: &str, from: &str, to: &str) -> String {
    let at = src
        .find(anchor)
        .unwrap_or_else(|| panic!("{anchor:?} not in source"));
    let (head, tail) = src.split_at(at);
    assert!(tail.contains(from), "{from:?} not after {anchor:?}");
    format!("{head}{}", tail.replacen(from, to, 1))
}

fn load_err(dir: &Path, name: &str, content: &[u8]) -> LoadError {
    let p = write(dir, name, content);
    match load(&p) {
        Ok(_) => panic!("{name} loaded but should not"),
        Err(e) => {
            // Every message names the file.
            assert!(e.to_string().starts_with(&p.display().to_string()), "{e}");
            e
        }
    }
}

// ---------------------------------------------------------------- sample

#[test]
fn committed_sample_is_the_sample_project_byte_for_byte() {
    let expected = sample_text();
    if std::env::var_os("UPDATE_SAMPLE").is_some() {
        std::fs::write(SAMPLE, &expected).unwrap_or_else(|e| panic!("{e}"));
    }
    let on_disk = std::fs::read_to_string(SAMPLE).unwrap_or_default();
    assert!(
        on_disk == expected,
        "projects/tufts-interview.ron is not `to_ron_string(&sample_project())`; \
         if the change is intended, regenerate it with `UPDATE_SAMPLE=1 cargo test --test project_file`"
    );
    let loaded = load(Path::new(SAMPLE)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.project.validate(), vec![]);
    assert_eq!(loaded.project, sample_project());
    assert_eq!(loaded.stamp, DiskStamp::of_bytes(expected.as_bytes()));
}

#[test]
fn sample_save_load_is_identity_and_bytes_are_deterministic() {
    let dir = tmp();
    let path = dir.path().join("s.ron");
    let p = sample_project();
    let stamp = save(&path, &p, None).unwrap_or_else(|e| panic!("{e}"));
    let first = std::fs::read(&path).unwrap_or_default();
    let loaded = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.project, p);
    assert_eq!(loaded.stamp, stamp);
    // Save the loaded project again: the very same bytes.
    save(&path, &loaded.project, Some(&stamp)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read(&path).unwrap_or_default(), first);
    assert_eq!(to_ron_string(&p).ok(), to_ron_string(&p.clone()).ok());
    // The file starts with the format, written with struct names.
    assert!(String::from_utf8_lossy(&first).starts_with("Project(\n  format: 1,\n"));
}

#[test]
fn format_fixtures_of_every_supported_version_load() {
    for v in project_file::migrate::OLDEST_FORMAT..=FORMAT_VERSION {
        let p = PathBuf::from(format!(
            "{}/tests/fixtures/format-{v}.ron",
            env!("CARGO_MANIFEST_DIR")
        ));
        let loaded = load(&p).unwrap_or_else(|e| panic!("format {v} fixture: {e}"));
        assert_eq!(loaded.project.format, FORMAT_VERSION);
        assert!(!loaded.project.annotations.is_empty());
    }
}

// ---------------------------------------------------------------- property

/// Pieces with multi-byte chars of every kind the app meets.
const PIECES: &[&str] = &[
    "“Putin is invading,” says Toft — ",
    "Europe\u{a0}is less secure. ",
    "Россия и Украина. ",
    "👩‍🔬 experts 🇺🇦 agree. ",
    "cafe\u{301} na\u{ef}ve e\u{301}\u{302} ",
    "plain ascii text\n",
    "\n\n",
];

fn doc_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 1..12).prop_map(|v| v.concat())
}

fn project_with(text: &str, ranges: &[(usize, usize)]) -> Project {
    let mut p = Project::new("prop");
    let mut tag = Tag::new("Claim", Color::palette(0));
    tag.id = TagId::new("tag-claim");
    p.codebook = Codebook { tags: vec![tag] };
    let doc = Document::import(DocId::new("doc-1"), "T", None, text);
    let n = doc.char_len();
    for &(a, b) in ranges {
        let (s, e) = (a % n, b % n);
        let (s, e) = (s.min(e), s.max(e) + 1);
        if let Some(ann) = Annotation::new(
            doc.id.clone(),
            &doc.text,
            s..e.min(n),
            vec![TagId::new("tag-claim")],
            "prop",
            Timestamp("2026-11-27T09:00:00Z".into()),
        ) {
            p.annotations.push(Box::new(ann));
        }
    }
    p.documents.push(doc);
    p.sort_annotations();
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_ranges_over_multibyte_text_survive_save_and_load(
        text in doc_text(),
        ranges in proptest::collection::vec((0usize..10_000, 0usize..10_000), 0..12),
    ) {
        let p = project_with(&text, &ranges);
        prop_assert_eq!(p.validate(), vec![]);
        let dir = tmp();
        let path = dir.path().join("p.ron");
        save(&path, &p, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let loaded = load(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&loaded.project, &p);
        let doc = &loaded.project.documents[0];
        for a in &loaded.project.annotations {
            prop_assert_eq!(text::slice_chars(&doc.text, a.range()), Some(a.quote.as_str()));
        }
        prop_assert_eq!(to_ron_string(&loaded.project).ok(), to_ron_string(&p).ok());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tmp();
        let path = write(dir.path(), "junk.ron", &bytes);
        let _ = load(&path);
    }

    #[test]
    fn mutated_samples_never_panic_and_errors_point_inside_the_file(
        at in 0usize..30_000,
        cut in 0usize..40,
        insert in proptest::sample::select(&[
            "", "\"", "(", ")", ",", "[", "]", "x: 1,", "\\", "'", "r#\"", "é", "/*", "//",
            "id: \"ann-toft-01\",", "Some(", "None", "\u{feff}",
        ][..]),
    ) {
        let src = sample_text();
        let a = src.floor_char_boundary(at.min(src.len()));
        let b = src.floor_char_boundary((a + cut).min(src.len()));
        let mutated = format!("{}{insert}{}", &src[..a], &src[b..]);
        if let Err(e) = parse(&mutated) {
            let lines = mutated.matches('\n').count() + 1;
            if let Some((line, col)) = e.position() {
                prop_assert!(line >= 1 && line <= lines && col >= 1, "{}", e);
            }
            prop_assert!(e.to_string().starts_with(project_file::NO_FILE), "{}", e);
        }
    }

    #[test]
    fn any_truncation_of_the_sample_is_an_error_not_a_panic(cut in 0usize..10_000) {
        let src = sample_text();
        let cut = src.floor_char_boundary(cut.min(src.len() - 2));
        let e = parse(&src[..cut]);
        prop_assert!(e.is_err());
    }
}

// ---------------------------------------------------------------- malformed

#[test]
fn truncated_file_is_a_syntax_error_at_its_end() {
    let dir = tmp();
    let src = sample_text();
    let cut = &src[..src.find("annotations: [").unwrap_or(0) + 200];
    let e = load_err(dir.path(), "cut.ron", cut.as_bytes());
    assert!(matches!(e, LoadError::Syntax { .. }), "{e}");
    let last_line = cut.matches('\n').count() + 1;
    assert_eq!(e.position().map(|p| p.0), Some(last_line), "{e}");
}

#[test]
fn wrong_type_is_located() {
    let dir = tmp();
    let src = sample_text().replacen("start: ", "start: \"x\", _was: ", 1);
    let (line, _) = pos_of(&src, "start: \"x\"");
    let e = load_err(dir.path(), "type.ron", src.as_bytes());
    assert!(matches!(e, LoadError::Syntax { .. }), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(line), "{e}");
}

#[test]
fn missing_field_is_an_error() {
    let dir = tmp();
    let src = sample_text().replacen("  name: ", "  nom: ", 1);
    let e = load_err(dir.path(), "missing.ron", src.as_bytes());
    // `nom` is unknown, `name` missing: either is reported, with a position.
    assert!(e.position().is_some(), "{e}");
}

/// Unknown fields are rejected (see the module docs of `project_file`).
#[test]
fn unknown_field_is_rejected_at_its_line_and_col() {
    let dir = tmp();
    // Misspell the first annotation's `speaker` (turns, earlier in the file,
    // have the same field).
    let mut src = sample_text();
    let at = src.find("annotations: [").expect("sample has annotations");
    let tail = src.split_off(at);
    src.push_str(&tail.replacen("      speaker: Some(", "      speker: Some(", 1));
    let (line, col) = pos_of(&src, "speker:");
    let e = load_err(dir.path(), "unknown.ron", src.as_bytes());
    match &e {
        LoadError::UnknownField {
            line: l,
            col: c,
            field,
            ..
        } => {
            assert_eq!((*l, *c), (line, col));
            assert_eq!(field, "annotations[0].speker");
        }
        other => panic!("expected UnknownField, got {other}"),
    }
    assert!(e.to_string().contains(&format!(
        ":{line}:{col}: unknown field `annotations[0].speker`"
    )));
}

#[test]
fn unknown_field_named_like_a_field_elsewhere_points_at_the_right_place() {
    let dir = tmp();
    // `text` is a document field, unknown in an annotation.
    let src = sample_text().replacen("      note: ", "      text: \"x\",\n      note: ", 1);
    let (line, col) = pos_of(&src, "      text: \"x\"");
    let e = load_err(dir.path(), "unknown2.ron", src.as_bytes());
    assert!(matches!(e, LoadError::UnknownField { .. }), "{e}");
    assert_eq!(e.position(), Some((line, col + 6)));
}

#[test]
fn misspelt_required_field_points_at_the_misspelling() {
    let dir = tmp();
    let src = sample_text().replacen("color: \"#d55e00\"", "colour: \"#d55e00\"", 1);
    let (line, col) = pos_of(&src, "colour:");
    let e = load_err(dir.path(), "colour.ron", src.as_bytes());
    match &e {
        LoadError::UnknownField { field, .. } => assert_eq!(field, "codebook.tags[1].colour"),
        other => panic!("expected UnknownField, got {other}"),
    }
    assert_eq!(e.position(), Some((line, col)));
}

#[test]
fn duplicate_ids_point_at_the_second_item() {
    let dir = tmp();
    let p = sample_project();
    let first = format!("id: \"{}\"", p.annotations[0].id);
    let second = format!("id: \"{}\"", p.annotations[1].id);
    let src = sample_text().replacen(&second, &first, 1);
    let second_at = src.rfind(&first).unwrap_or(0);
    assert_ne!(Some(second_at), src.find(&first));
    let e = load_err(dir.path(), "dup.ron", src.as_bytes());
    let LoadError::Invalid { problems, .. } = &e else {
        panic!("expected Invalid, got {e}");
    };
    let d = problems
        .iter()
        .find(|d| d.message.starts_with("duplicate annotation id"))
        .unwrap_or_else(|| panic!("no duplicate problem in {e}"));
    assert_eq!((d.line, d.col), pos_at(&src, second_at));
}

#[test]
fn quote_mismatch_is_located_at_the_annotation() {
    let dir = tmp();
    let p = sample_project();
    let a = &p.annotations[3];
    let id = format!("id: \"{}\"", a.id);
    let src = sample_text();
    let q = src
        .find(&id)
        .and_then(|i| src[i..].find("quote: ").map(|j| i + j))
        .unwrap_or(0);
    let eol = q + src[q..].find('\n').unwrap_or(0);
    let src = format!("{}quote: \"not the text\",{}", &src[..q], &src[eol..]);
    let (line, col) = pos_of(&src, &id);
    let e = load_err(dir.path(), "quote.ron", src.as_bytes());
    let LoadError::Invalid {
        problems, total, ..
    } = &e
    else {
        panic!("expected Invalid, got {e}");
    };
    assert_eq!(*total, 1);
    assert_eq!((problems[0].line, problems[0].col), (line, col));
    assert!(
        problems[0].message.contains("does not match the text"),
        "{e}"
    );
    let shown = e.to_string();
    assert!(
        shown.contains(&format!("quote.ron:{line}:{col}: annotation `{}`", a.id)),
        "{shown}"
    );
}

#[test]
fn offset_out_of_range_is_located() {
    let dir = tmp();
    let p = sample_project();
    let a = p
        .annotations
        .last()
        .unwrap_or_else(|| panic!("no annotations"));
    let id = format!("id: \"{}\"", a.id);
    let src = edit_after(
        &sample_text(),
        &id,
        &format!("end: {},", a.end),
        "end: 999999,",
    );
    let (line, col) = pos_of(&src, &id);
    let e = load_err(dir.path(), "range.ron", src.as_bytes());
    assert_eq!(e.position(), Some((line, col)), "{e}");
    assert!(e.to_string().contains("outside the document"), "{e}");
}

#[test]
fn missing_tag_reference_is_located() {
    let dir = tmp();
    let p = sample_project();
    let a = &p.annotations[0];
    let tag = a.tags[0].to_string();
    let src = edit_after(
        &sample_text(),
        &format!("id: \"{}\"", a.id),
        &format!("\"{tag}\""),
        "\"tag-nope\"",
    );
    let (line, col) = pos_of(&src, &format!("id: \"{}\"", a.id));
    let e = load_err(dir.path(), "tag.ron", src.as_bytes());
    assert_eq!(e.position(), Some((line, col)), "{e}");
    assert!(
        e.to_string().contains("tag `tag-nope` does not exist"),
        "{e}"
    );
}

#[test]
fn many_problems_are_capped_and_counted() {
    let dir = tmp();
    let mut p = sample_project();
    for a in &mut p.annotations {
        a.quote.push('!');
    }
    let path = dir.path().join("many.ron");
    save_over(&path, &p).unwrap_or_else(|e| panic!("{e}"));
    let e = load(&path).err().unwrap_or_else(|| panic!("loaded"));
    let LoadError::Invalid {
        problems, total, ..
    } = &e
    else {
        panic!("expected Invalid, got {e}");
    };
    assert_eq!(*total, p.annotations.len());
    assert_eq!(problems.len(), project_file::MAX_REPORTED_PROBLEMS);
    assert!(
        e.to_string()
            .contains(&format!("and {} more problems", total - 20))
    );
    // Each problem on its own line, each at a different annotation.
    let lines: std::collections::HashSet<usize> = problems.iter().map(|d| d.line).collect();
    assert_eq!(lines.len(), problems.len());
    // In file order.
    assert!(problems.windows(2).all(|w| w[0].line < w[1].line));
}

#[test]
fn file_over_the_cap_is_refused_before_reading() {
    let dir = tmp();
    let path = dir.path().join("huge.ron");
    let f = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    // Sparse: no disk space used.
    f.set_len(MAX_FILE_BYTES + 1)
        .unwrap_or_else(|e| panic!("{e}"));
    let e = load(&path).err().unwrap_or_else(|| panic!("loaded"));
    assert!(
        matches!(e, LoadError::TooLarge { len, .. } if len == MAX_FILE_BYTES + 1),
        "{e}"
    );
}

#[test]
fn deeply_nested_input_is_an_error_not_a_stack_overflow() {
    let dir = tmp();
    let depth = 100_000;
    // In a field that the version peek skips and in one the full parse reads.
    for body in [
        format!(
            "Project(format: 1, junk: {}{})",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!("Project(format: 1, name: {}", "Some(".repeat(depth)),
        format!(
            "Project(format: 1, name: \"x\", codebook: {})",
            "(".repeat(depth)
        ),
    ] {
        let e = load_err(dir.path(), "deep.ron", body.as_bytes());
        assert!(matches!(e, LoadError::Syntax { .. }), "{e}");
    }
    let e = load_err(
        dir.path(),
        "deep.ron",
        format!(
            "Project(format: 1, junk: {}{})",
            "[".repeat(depth),
            "]".repeat(depth)
        )
        .as_bytes(),
    );
    assert!(e.to_string().contains("nested too deeply"), "{e}");
}

#[test]
fn newer_format_says_so_at_the_format_field() {
    let dir = tmp();
    let src = sample_text().replacen("format: 1,", "format: 2,", 1);
    let e = load_err(dir.path(), "new.ron", src.as_bytes());
    assert!(matches!(e, LoadError::NewerFormat { found: 2, .. }), "{e}");
    assert_eq!(e.position(), Some((2, 3)));
    assert!(
        e.to_string()
            .ends_with(":2:3: written by a newer Marginalia: format 2, this build reads up to 1"),
        "{e}"
    );
    // A newer file may hold fields this build does not know: still the
    // version error, not an unknown-field error.
    let src = src.replacen("  name: ", "  future_field: [1, 2],\n  name: ", 1);
    let e = load_err(dir.path(), "new2.ron", src.as_bytes());
    assert!(matches!(e, LoadError::NewerFormat { .. }), "{e}");
    let e = load_err(dir.path(), "zero.ron", b"Project(format: 0)");
    assert!(matches!(e, LoadError::UnknownFormat { .. }), "{e}");
}

#[test]
fn not_utf8_gives_the_byte_position() {
    let dir = tmp();
    let mut bytes = b"Project(\n  format: 1,\n  name: \"caf".to_vec();
    let bad = bytes.len();
    bytes.extend_from_slice(b"\xe9\",\n)");
    let e = load_err(dir.path(), "latin1.ron", &bytes);
    match e {
        LoadError::NotUtf8 {
            byte, line, col, ..
        } => {
            assert_eq!(byte, bad);
            assert_eq!((line, col), (3, 13));
        }
        other => panic!("expected NotUtf8, got {other}"),
    }
}

#[test]
fn bom_and_crlf_line_ends_are_accepted() {
    let dir = tmp();
    let crlf = sample_text().replace('\n', "\r\n");
    let path = write(dir.path(), "bom.ron", format!("\u{feff}{crlf}").as_bytes());
    let loaded = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.project, sample_project());
    // Positions still count from the first char after the BOM.
    let broken = format!(
        "\u{feff}{}",
        sample_text().replacen("format: 1,", "format: 5,", 1)
    );
    let e = load_err(dir.path(), "bom5.ron", broken.as_bytes());
    assert_eq!(e.position(), Some((2, 3)), "{e}");
}

#[test]
fn empty_and_missing_files() {
    let dir = tmp();
    let e = load_err(dir.path(), "empty.ron", b"");
    assert!(matches!(e, LoadError::Syntax { .. }), "{e}");
    let e = load(&dir.path().join("absent.ron"))
        .err()
        .unwrap_or_else(|| panic!("loaded"));
    assert!(matches!(e, LoadError::Io { .. }), "{e}");
    let e = load(dir.path())
        .err()
        .unwrap_or_else(|| panic!("loaded a folder"));
    assert!(matches!(e, LoadError::Io { .. }), "{e}");
}

// ---------------------------------------------------------------- saving

#[test]
fn save_keeps_the_previous_file_as_bak() {
    let dir = tmp();
    let path = dir.path().join("p.ron");
    let mut p = sample_project();
    let s1 = save(&path, &p, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !backup_path(&path).exists(),
        "no backup of a file that did not exist"
    );
    let v1 = std::fs::read(&path).unwrap_or_default();
    p.name = "renamed".into();
    let s2 = save(&path, &p, Some(&s1)).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(s1, s2);
    assert_eq!(backup_path(&path), dir.path().join("p.ron.bak"));
    assert_eq!(std::fs::read(backup_path(&path)).unwrap_or_default(), v1);
    assert_eq!(
        load(&path).map(|l| l.project.name).ok().as_deref(),
        Some("renamed")
    );
    // Saving unchanged content keeps the older backup.
    save(&path, &p, Some(&s2)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read(backup_path(&path)).unwrap_or_default(), v1);
    assert!(leftover_temp_files(&path).unwrap_or_default().is_empty());
}

#[test]
fn external_change_is_detected_and_nothing_is_overwritten() {
    let dir = tmp();
    let path = dir.path().join("p.ron");
    let p = sample_project();
    let stamp = save(&path, &p, None).unwrap_or_else(|e| panic!("{e}"));
    // Another program edits the file.
    let theirs = format!(
        "{}// edited elsewhere\n",
        std::fs::read_to_string(&path).unwrap_or_default()
    );
    std::fs::write(&path, &theirs).unwrap_or_else(|e| panic!("{e}"));
    let mut mine = p.clone();
    mine.name = "mine".into();
    let e = save(&path, &mine, Some(&stamp))
        .err()
        .unwrap_or_else(|| panic!("saved"));
    assert!(matches!(e, SaveError::ChangedOnDisk(_)), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), theirs);
    assert!(!backup_path(&path).exists());
    assert_eq!(
        DiskStamp::read(&path).ok().flatten(),
        Some(DiskStamp::of_bytes(theirs.as_bytes()))
    );
    // The user chose to overwrite.
    save_over(&path, &mine).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        load(&path).map(|l| l.project.name).ok().as_deref(),
        Some("mine")
    );
    assert_eq!(
        std::fs::read_to_string(backup_path(&path)).unwrap_or_default(),
        theirs
    );
}

#[test]
fn deleted_file_is_written_again() {
    let dir = tmp();
    let path = dir.path().join("p.ron");
    let stamp = save(&path, &sample_project(), None).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(DiskStamp::read(&path).ok().flatten(), None);
    save(&path, &sample_project(), Some(&stamp)).unwrap_or_else(|e| panic!("{e}"));
    assert!(load(&path).is_ok());
}

#[test]
fn save_into_a_missing_folder_fails_cleanly() {
    let dir = tmp();
    let path = dir.path().join("no/such/folder/p.ron");
    let e = save(&path, &sample_project(), None)
        .err()
        .unwrap_or_else(|| panic!("saved"));
    assert!(matches!(e, SaveError::Io(..)), "{e}");
}
