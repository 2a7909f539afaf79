//! The HTML report: one self-contained file (inline CSS, no scripts, no
//! external resources) to read or share a project's annotations.
//!
//! It holds, in order: a legend of the codebook (colour, name, count,
//! description); per document its text as paragraphs with every annotation
//! highlighted in its first tag's colour (overlapping annotations nest, so
//! their translucent backgrounds layer; hovering shows tags, speaker and
//! note) followed by the annotation table (quote, tags, speaker, note,
//! annotator); the relations table; and the compare table (rows: tags,
//! columns: speakers, cells: the quotes).
//!
//! Every string from the project is escaped (`& < > " '`) and attributes are
//! always double-quoted, so a note holding `<script>` shows as text.
//! Highlighting walks the sorted start/end boundaries of the annotations
//! once (O(n log n) in the number of annotations plus the text length).

use super::report::{Report, write_atomic};
use super::{ExportOptions, FormatError};
use crate::model::{Annotation, Color, Document};
use std::fmt::Write as _;
use std::path::Path;

/// Escapes text for HTML content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes for an attribute, keeping line breaks (as `&#10;`) for tooltips.
fn escape_attr(s: &str) -> String {
    escape(s).replace('\n', "&#10;")
}

const CSS: &str = "
body { font: 16px/1.55 Georgia, 'Times New Roman', serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; background: #fff; }
h1, h2, h3 { font-family: system-ui, sans-serif; line-height: 1.25; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; font: 14px/1.4 system-ui, sans-serif; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
.sw { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: -0.1em; margin-right: 0.3em; border: 1px solid rgba(0,0,0,0.25); }
.text p { margin: 0 0 0.8em; white-space: pre-wrap; }
.hl { border-bottom: 2px solid var(--c); background: var(--bg); }
.legend ul { list-style: none; padding-left: 1.2em; }
.legend > ul { padding-left: 0; }
.desc, .meta { color: #666; }
.note { white-space: pre-wrap; }
blockquote { margin: 0; }
td ul { margin: 0; padding-left: 1.1em; }
";

fn rgba(c: Color, alpha: f32) -> String {
    let [r, g, b] = c.0;
    format!("rgba({r}, {g}, {b}, {alpha})")
}

/// Writes the HTML report of the annotations `options.filter` accepts.
pub fn export_html(
    project: &crate::model::Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let html = render(project, options)?;
    write_atomic(out, html.as_bytes())
}

/// The HTML report as a string.
pub fn render(
    project: &crate::model::Project,
    options: &ExportOptions,
) -> Result<String, FormatError> {
    let r = Report::collect(project, options)?;
    let mut h = String::new();
    let title = escape(&project.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    let total = r.annotations().count();
    let _ = writeln!(
        h,
        "<p class=\"meta\">{total} annotation{} in {} document{}, {} relation{}.</p>",
        plural(total),
        r.docs.len(),
        plural(r.docs.len()),
        r.relations.len(),
        plural(r.relations.len())
    );
    legend(&mut h, &r);
    for (doc, anns) in &r.docs {
        let _ = writeln!(
            h,
            "<section class=\"doc\">\n<h2>{}</h2>",
            escape(&doc.title)
        );
        if let Some(src) = &doc.source {
            let _ = writeln!(h, "<p class=\"meta\">Source: {}</p>", escape(src));
        }
        h.push_str("<div class=\"text\">\n");
        highlighted_text(&mut h, &r, doc, anns);
        h.push_str("</div>\n");
        annotation_table(&mut h, &r, anns);
        h.push_str("</section>\n");
    }
    relations_table(&mut h, &r);
    compare_table(&mut h, &r);
    h.push_str("</body>\n</html>\n");
    Ok(h)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn legend(h: &mut String, r: &Report<'_>) {
    h.push_str("<section class=\"legend\">\n<h2>Codebook</h2>\n");
    if r.tags.is_empty() {
        h.push_str("<p class=\"meta\">No tags.</p>\n</section>\n");
        return;
    }
    let mut depth = 0;
    h.push_str("<ul>\n");
    for (i, (tag, d)) in r.tags.iter().enumerate() {
        let d = *d;
        if i > 0 {
            if d > depth {
                h.push_str("\n<ul>\n");
            } else {
                h.push_str("</li>\n");
                for _ in d..depth {
                    h.push_str("</ul>\n</li>\n");
                }
            }
        }
        // Depths only grow by one per level in tree order.
        depth = d;
        let _ = write!(
            h,
            "<li><span class=\"sw\" style=\"background: {}\"></span><strong>{}</strong> <span class=\"meta\">({})</span>",
            tag.color,
            escape(&tag.name),
            r.count(tag)
        );
        if !tag.description.is_empty() {
            let _ = write!(
                h,
                " <span class=\"desc\">— {}</span>",
                escape(&tag.description)
            );
        }
    }
    h.push_str("</li>\n");
    for _ in 0..depth {
        h.push_str("</ul>\n</li>\n");
    }
    h.push_str("</ul>\n</section>\n");
}

/// The tooltip of a highlight.
fn tooltip(r: &Report<'_>, a: &Annotation) -> String {
    let mut t = format!("{}: {}", r.label(&a.id), r.tag_names(a).join(", "));
    let sp = r.speaker_name(a);
    if !sp.is_empty() {
        let _ = write!(t, "\nSpeaker: {sp}");
    }
    if !a.note.is_empty() {
        let _ = write!(t, "\nNote: {}", a.note);
    }
    t
}

/// The text as paragraphs with nested highlight spans.
fn highlighted_text(h: &mut String, r: &Report<'_>, doc: &Document, anns: &[&Annotation]) {
    // Boundary events: (char position, 0 = close / 1 = open, annotation index).
    let mut events: Vec<(usize, u8, usize)> = Vec::with_capacity(anns.len() * 2);
    for (i, a) in anns.iter().enumerate() {
        events.push((a.start, 1, i));
        events.push((a.end, 0, i));
    }
    events.sort_unstable();
    // Opening tags per annotation, with and without the anchor id.
    let opens: Vec<(String, String)> = anns
        .iter()
        .map(|a| {
            let color = a
                .tags
                .iter()
                .find_map(|t| r.project.codebook.get(t))
                .map_or(Color([0x88, 0x88, 0x88]), |t| t.color);
            let rest = format!(
                "style=\"--c: {}; --bg: {}\" title=\"{}\">",
                color,
                rgba(color, 0.28),
                escape_attr(&tooltip(r, a))
            );
            (
                format!("<span class=\"hl\" id=\"h-{}\" {rest}", r.label(&a.id)),
                format!("<span class=\"hl\" {rest}"),
            )
        })
        .collect();
    let mut first_seen = vec![false; anns.len()];
    let mut active: Vec<usize> = Vec::new();
    let mut para = String::new();
    let mut para_has_text = false;
    let chars: Vec<(usize, char)> = doc.text.char_indices().collect();
    let byte_at = |ci: usize| chars.get(ci).map_or(doc.text.len(), |(b, _)| *b);

    // Emits the chars `from..to`, which hold no boundary.
    let emit = |from: usize,
                to: usize,
                active: &[usize],
                para: &mut String,
                para_has_text: &mut bool,
                first_seen: &mut [bool],
                h: &mut String| {
        let piece = &doc.text[byte_at(from)..byte_at(to)];
        for (k, line) in piece.split('\n').enumerate() {
            if k > 0 {
                if *para_has_text {
                    let _ = writeln!(h, "<p>{para}</p>");
                }
                para.clear();
                *para_has_text = false;
            }
            if line.is_empty() {
                continue;
            }
            for &i in active {
                // The first piece of a highlight carries its id; later ones
                // (after a paragraph break or an overlap) repeat the style only.
                if first_seen[i] {
                    para.push_str(&opens[i].1);
                } else {
                    para.push_str(&opens[i].0);
                    first_seen[i] = true;
                }
            }
            para.push_str(&escape(line));
            for _ in active {
                para.push_str("</span>");
            }
            if !line.trim().is_empty() {
                *para_has_text = true;
            }
        }
    };
    let mut cursor = 0;
    for (pos, kind, i) in events {
        if pos > cursor {
            emit(
                cursor,
                pos,
                &active,
                &mut para,
                &mut para_has_text,
                &mut first_seen,
                h,
            );
            cursor = pos;
        }
        if kind == 1 {
            active.push(i);
        } else if let Some(k) = active.iter().position(|&x| x == i) {
            active.remove(k);
        }
    }
    emit(
        cursor,
        chars.len(),
        &active,
        &mut para,
        &mut para_has_text,
        &mut first_seen,
        h,
    );
    if para_has_text {
        let _ = writeln!(h, "<p>{para}</p>");
    }
}

fn annotation_table(h: &mut String, r: &Report<'_>, anns: &[&Annotation]) {
    if anns.is_empty() {
        h.push_str("<p class=\"meta\">No annotations.</p>\n");
        return;
    }
    h.push_str("<h3>Annotations</h3>\n<table class=\"annotations\">\n<thead><tr><th>#</th><th>Quote</th><th>Tags</th><th>Speaker</th><th>Note</th><th>Annotator</th></tr></thead>\n<tbody>\n");
    for a in anns {
        let label = r.label(&a.id);
        let _ = writeln!(
            h,
            "<tr id=\"{label}\"><td><a href=\"#h-{label}\">{label}</a></td><td><blockquote>{}</blockquote><span class=\"meta\">{}–{}</span></td><td>{}</td><td>{}</td><td class=\"note\">{}</td><td>{}</td></tr>",
            escape(&a.quote),
            a.start,
            a.end,
            tag_chips(r, a),
            escape(r.speaker_name(a)),
            escape(&a.note),
            escape(&a.annotator)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

fn tag_chips(r: &Report<'_>, a: &Annotation) -> String {
    a.tags
        .iter()
        .filter_map(|t| r.project.codebook.get(t))
        .map(|t| {
            format!(
                "<span class=\"sw\" style=\"background: {}\"></span>{}",
                t.color,
                escape(&t.name)
            )
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn short_quote(r: &Report<'_>, id: &crate::model::AnnotationId) -> String {
    let q = r.annotation(id).map_or("", |a| a.quote.as_str());
    format!("<a href=\"#{0}\">{0}</a> “{1}”", r.label(id), escape(q))
}

fn relations_table(h: &mut String, r: &Report<'_>) {
    h.push_str("<section class=\"relations\">\n<h2>Relations</h2>\n");
    if r.relations.is_empty() {
        h.push_str("<p class=\"meta\">No relations.</p>\n</section>\n");
        return;
    }
    h.push_str("<table>\n<thead><tr><th>From</th><th>Relation</th><th>To</th><th>Annotator</th></tr></thead>\n<tbody>\n");
    for rel in &r.relations {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            short_quote(r, &rel.from),
            escape(&rel.kind),
            short_quote(r, &rel.to),
            escape(&rel.annotator)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn compare_table(h: &mut String, r: &Report<'_>) {
    h.push_str("<section class=\"compare\">\n<h2>Compare</h2>\n");
    if r.columns.is_empty() || r.tags.is_empty() {
        h.push_str("<p class=\"meta\">Nothing to compare.</p>\n</section>\n");
        return;
    }
    h.push_str("<table>\n<thead><tr><th>Tag</th>");
    for c in &r.columns {
        let _ = write!(
            h,
            "<th>{}</th>",
            c.map_or("(no speaker)".into(), |s| escape(&s.name))
        );
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (tag, depth) in &r.tags {
        let _ = write!(
            h,
            "<tr><th><span class=\"sw\" style=\"background: {}\"></span>{}{}</th>",
            tag.color,
            "— ".repeat(*depth),
            escape(&tag.name)
        );
        for c in &r.columns {
            let cell = r.cell(tag, *c);
            if cell.is_empty() {
                h.push_str("<td></td>");
            } else {
                h.push_str("<td><ul>");
                for a in cell {
                    let _ = write!(h, "<li>{}</li>", short_quote(r, &a.id));
                }
                h.push_str("</ul></td>");
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}
