//! The Markdown report: the same content as the HTML report, without the
//! highlighted text, for pasting into papers and notes.
//!
//! It holds the codebook legend (a nested list), per document an annotation
//! table (number, quote, tags, speaker, note, annotator), the relations
//! table and the compare table (rows: tags, columns: speakers, cells: the
//! quotes). User strings are escaped so they stay text: Markdown
//! punctuation and `<`, `>`, `&` are backslash-escaped (so a note holding
//! HTML is not rendered as HTML), and line breaks inside table cells become
//! `<br>`.

use super::report::{Report, write_atomic};
use super::{ExportOptions, FormatError};
use crate::model::{Annotation, AnnotationId, Project};
use std::fmt::Write as _;
use std::path::Path;

/// Escapes inline text: every char Markdown or inline HTML could read as
/// markup gets a backslash (CommonMark allows one before any ASCII
/// punctuation), and line breaks become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes a table cell: like [`escape`], but a line break becomes `<br>`.
fn cell(s: &str) -> String {
    s.split('\n').map(escape).collect::<Vec<_>>().join("<br>")
}

/// Writes the Markdown report of the annotations `options.filter` accepts.
pub fn export_markdown(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let md = render(project, options)?;
    write_atomic(out, md.as_bytes())
}

/// The Markdown report as a string.
pub fn render(project: &Project, options: &ExportOptions) -> Result<String, FormatError> {
    let r = Report::collect(project, options)?;
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", escape(&project.name));
    let total = r.annotations().count();
    let _ = writeln!(
        m,
        "{total} annotation{} in {} document{}, {} relation{}.\n",
        plural(total),
        r.docs.len(),
        plural(r.docs.len()),
        r.relations.len(),
        plural(r.relations.len())
    );

    m.push_str("## Codebook\n\n");
    if r.tags.is_empty() {
        m.push_str("No tags.\n\n");
    }
    for (tag, depth) in &r.tags {
        let _ = write!(
            m,
            "{}- **{}** (`{}`, {})",
            "  ".repeat(*depth),
            escape(&tag.name),
            tag.color,
            r.count(tag)
        );
        if !tag.description.is_empty() {
            let _ = write!(m, " — {}", escape(&tag.description));
        }
        m.push('\n');
    }
    if !r.tags.is_empty() {
        m.push('\n');
    }

    for (doc, anns) in &r.docs {
        let _ = writeln!(m, "## {}\n", escape(&doc.title));
        if let Some(src) = &doc.source {
            let _ = writeln!(m, "Source: {}\n", escape(src));
        }
        if anns.is_empty() {
            m.push_str("No annotations.\n\n");
            continue;
        }
        m.push_str(
            "| # | Quote | Tags | Speaker | Note | Annotator |\n|---|---|---|---|---|---|\n",
        );
        for a in anns {
            let _ = writeln!(
                m,
                "| {} | {} ({}–{}) | {} | {} | {} | {} |",
                r.label(&a.id),
                cell(&a.quote),
                a.start,
                a.end,
                cell(&r.tag_names(a).join(", ")),
                cell(r.speaker_name(a)),
                cell(&a.note),
                cell(&a.annotator)
            );
        }
        m.push('\n');
    }

    m.push_str("## Relations\n\n");
    if r.relations.is_empty() {
        m.push_str("No relations.\n\n");
    } else {
        m.push_str("| From | Relation | To | Annotator |\n|---|---|---|---|\n");
        for rel in &r.relations {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} |",
                short_quote(&r, &rel.from),
                cell(&rel.kind),
                short_quote(&r, &rel.to),
                cell(&rel.annotator)
            );
        }
        m.push('\n');
    }

    m.push_str("## Compare\n\n");
    if r.columns.is_empty() || r.tags.is_empty() {
        m.push_str("Nothing to compare.\n");
        return Ok(m);
    }
    m.push_str("| Tag |");
    for c in &r.columns {
        let _ = write!(
            m,
            " {} |",
            c.map_or("(no speaker)".into(), |s| cell(&s.name))
        );
    }
    m.push_str("\n|---|");
    for _ in &r.columns {
        m.push_str("---|");
    }
    m.push('\n');
    for (tag, depth) in &r.tags {
        let _ = write!(m, "| {}{} |", "— ".repeat(*depth), cell(&tag.name));
        for c in &r.columns {
            let quotes: Vec<String> = r
                .cell(tag, *c)
                .iter()
                .map(|a: &&Annotation| short_quote(&r, &a.id))
                .collect();
            let _ = write!(m, " {} |", quotes.join("<br>"));
        }
        m.push('\n');
    }
    Ok(m)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `A3 “quote”` for tables.
fn short_quote(r: &Report<'_>, id: &AnnotationId) -> String {
    let q = r.annotation(id).map_or("", |a| a.quote.as_str());
    format!("{} “{}”", r.label(id), cell(q))
}
