//! HTML and Markdown reports: golden files of the sample, escaping,
//! highlighting of overlaps, filters and the quote check.

mod formats_common;

use formats_common::golden;
use marginalia::io::formats::{ExportOptions, FormatError, html, markdown};
use marginalia::io::sample::sample_project;
use marginalia::model::{
    Annotation, Color, DocId, Document, Project, Speaker, SpeakerId, Tag, TagId, Timestamp,
};

#[test]
fn sample_reports_match_the_golden_files() {
    let p = sample_project();
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("r.html");
    let m = dir.path().join("r.md");
    html::export_html(&p, &ExportOptions::default(), &h).unwrap();
    markdown::export_markdown(&p, &ExportOptions::default(), &m).unwrap();
    let h = std::fs::read_to_string(h).unwrap();
    let m = std::fs::read_to_string(m).unwrap();
    // Deterministic: a second rendering is identical.
    assert_eq!(h, html::render(&p, &ExportOptions::default()).unwrap());
    assert_eq!(m, markdown::render(&p, &ExportOptions::default()).unwrap());
    golden("sample.html", &h);
    golden("sample.md", &m);
}

#[test]
fn sample_html_is_self_contained_and_complete() {
    let p = sample_project();
    let h = html::render(&p, &ExportOptions::default()).unwrap();
    assert!(!h.contains("<script"), "no scripts");
    assert!(!h.contains("<link"), "no external stylesheets");
    assert!(!h.contains("src=\""), "no external resources");
    assert!(!h.contains("href=\"http"), "no links out");
    // Every annotation has exactly one anchored highlight and one table row.
    for n in 1..=p.annotations.len() {
        assert_eq!(h.matches(&format!("id=\"h-A{n}\"")).count(), 1, "A{n}");
        assert_eq!(h.matches(&format!("<tr id=\"A{n}\">")).count(), 1, "A{n}");
    }
    // Spans balance (overlaps nest rather than interleave).
    assert_eq!(h.matches("<span").count(), h.matches("</span>").count());
    assert_eq!(
        h.matches("<p>").count() + h.matches("<p ").count(),
        h.matches("</p>").count()
    );
    // The highlighted text, with tags stripped and entities decoded, is the
    // document text without its line breaks.
    let text_part = h
        .split("<div class=\"text\">\n")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap();
    let plain = strip_tags(text_part)
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let want: String = p.documents[0]
        .text
        .split('\n')
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(plain.replace('\n', ""), want);
    // Each relation appears with its kind.
    for kind in ["contradicts", "agrees", "qualifies"] {
        assert!(h.contains(&format!("<td>{kind}</td>")), "{kind}");
    }
}

/// The rows of the Markdown annotation tables (`| A12 | …`).
fn annotation_rows(m: &str) -> impl Iterator<Item = &str> {
    m.lines().filter(|l| {
        l.strip_prefix("| A")
            .and_then(|rest| rest.split_once(' '))
            .is_some_and(|(num, rest)| {
                num.chars().all(|c| c.is_ascii_digit()) && rest.starts_with('|')
            })
    })
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A small project with hostile strings, overlaps and non-Latin text.
fn hostile() -> Project {
    let text = "Первый «абзац» 😀 with a | pipe.\n\nSecond <b>para</b> & more.";
    let mut p = Project::new("Report <test> & \"quotes\"");
    let doc = Document::import(DocId::new("doc-h"), "Doc 'one' <i>", None, text);
    p.codebook.tags.push(Tag {
        id: TagId::new("tag-a"),
        name: "<img src=x onerror=alert(1)>".into(),
        color: Color::parse("#123456").unwrap(),
        key: None,
        parent: None,
        description: "d & \"q\"".into(),
    });
    p.speakers.push(Speaker {
        id: SpeakerId::new("spk-x"),
        name: "Ann \"the\" <Speaker>".into(),
        aliases: vec![],
        role: String::new(),
    });
    let stamp = Timestamp("2026-11-27T07:30:00Z".into());
    let chars: Vec<char> = doc.text.chars().collect();
    let find = |needle: &str| {
        let n: Vec<char> = needle.chars().collect();
        let i = (0..chars.len())
            .find(|&i| chars[i..].starts_with(&n))
            .unwrap();
        i..i + n.len()
    };
    let spans = [
        ("«абзац» 😀 with", "<script>alert(1)</script>"),
        (
            "😀 with a | pipe.\n\nSecond <b>",
            "crosses a paragraph | break",
        ),
        ("para</b> & more", "it's"),
    ];
    for (needle, note) in spans {
        let mut a = Annotation::new(
            doc.id.clone(),
            &doc.text,
            find(needle),
            vec![TagId::new("tag-a")],
            "me & <you>",
            stamp.clone(),
        )
        .unwrap();
        a.note = note.into();
        a.speaker = Some(SpeakerId::new("spk-x"));
        p.annotations.push(Box::new(a));
    }
    p.documents.push(doc);
    p.sort_annotations();
    assert_eq!(p.validate(), vec![]);
    p
}

#[test]
fn html_escapes_every_user_string() {
    let p = hostile();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("h.html");
    html::export_html(&p, &ExportOptions::default(), &out).unwrap();
    let h = std::fs::read_to_string(out).unwrap();
    assert!(!h.contains("<script>"), "the note's script tag is escaped");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!h.contains("<img"), "the tag name is escaped");
    assert!(h.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!h.contains("<b>"), "the document text is escaped");
    assert!(h.contains("Second &lt;b&gt;"));
    assert!(h.contains("Ann &quot;the&quot; &lt;Speaker&gt;"));
    assert!(h.contains("Doc &#39;one&#39; &lt;i&gt;"));
    assert!(h.contains("<title>Report &lt;test&gt; &amp; &quot;quotes&quot;</title>"));
    assert!(h.contains("it&#39;s"));
    // Two paragraphs; the highlight that crosses the break continues in the second.
    let text_part = h.split("<div class=\"text\">").nth(1).unwrap();
    let text_part = text_part.split("</div>").next().unwrap();
    assert_eq!(text_part.matches("<p>").count(), 2);
    assert_eq!(
        text_part.matches("<span").count(),
        text_part.matches("</span>").count()
    );
    assert!(text_part.contains("title=\"A1: "));
    // Overlap: the emoji sits inside A1 and A2, so two spans are open there.
    let emoji_at = text_part.find('😀').unwrap();
    let before = &text_part[..emoji_at];
    let open = before.matches("<span").count() - before.matches("</span>").count();
    assert_eq!(open, 2);
}

#[test]
fn markdown_escapes_pipes_and_html() {
    let p = hostile();
    let m = markdown::render(&p, &ExportOptions::default()).unwrap();
    assert!(!m.contains("<script>"));
    assert!(m.contains("\\<script\\>alert(1)\\</script\\>"));
    assert!(
        m.contains("with a \\| pipe."),
        "pipes inside cells are escaped"
    );
    // Every annotation row has exactly the table's 6 cells (7 unescaped pipes).
    for line in annotation_rows(&m) {
        let unescaped = line
            .char_indices()
            .filter(|&(i, c)| c == '|' && (i == 0 || line.as_bytes()[i - 1] != b'\\'))
            .count();
        assert_eq!(unescaped, 7, "{line}");
    }
    assert!(
        m.contains("pipe.<br><br>Second"),
        "line breaks in cells become <br>"
    );
}

#[test]
fn reports_follow_the_filter() {
    let p = sample_project();
    let mut opts = ExportOptions::default();
    opts.filter.speakers = vec![SpeakerId::new("spk-miller")];
    let m = markdown::render(&p, &opts).unwrap();
    let miller = p
        .annotations
        .iter()
        .filter(|a| a.speaker == Some(SpeakerId::new("spk-miller")))
        .count();
    assert_eq!(annotation_rows(&m).count(), miller);
    assert!(!m.contains("Monica Duffy Toft"), "Toft's column is gone");
    assert!(
        m.contains("No relations."),
        "every sample link has a Toft end"
    );
    let h = html::render(&p, &opts).unwrap();
    assert_eq!(h.matches("<tr id=\"A").count(), miller);
    // A tag filter includes the tag's descendants.
    let mut opts = ExportOptions::default();
    opts.filter.tags = vec![TagId::new("tag-claim")];
    let claim_family = [
        "tag-claim",
        "tag-cause",
        "tag-prediction",
        "tag-evaluation",
        "tag-historical",
    ];
    let n = p
        .annotations
        .iter()
        .filter(|a| a.tags.iter().any(|t| claim_family.contains(&t.as_str())))
        .count();
    let m = markdown::render(&p, &opts).unwrap();
    assert_eq!(annotation_rows(&m).count(), n);
}

#[test]
fn a_wrong_quote_fails_both_reports() {
    let mut p = sample_project();
    p.annotations[3].quote = "something else".into();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.html");
    let err = html::export_html(&p, &ExportOptions::default(), &out).unwrap_err();
    assert!(matches!(err, FormatError::QuoteMismatch(_)), "{err}");
    assert!(!out.exists());
    let err = markdown::export_markdown(&p, &ExportOptions::default(), &dir.path().join("x.md"))
        .unwrap_err();
    assert!(matches!(err, FormatError::QuoteMismatch(_)), "{err}");
}

#[test]
fn empty_project_reports_render() {
    let p = Project::new("Empty");
    let h = html::render(&p, &ExportOptions::default()).unwrap();
    assert!(
        h.contains("No tags.") && h.contains("No relations.") && h.contains("Nothing to compare.")
    );
    let m = markdown::render(&p, &ExportOptions::default()).unwrap();
    assert!(m.starts_with("# Empty\n"));
    assert!(m.contains("Nothing to compare."));
}
