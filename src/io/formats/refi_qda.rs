//! REFI-QDA: the exchange standard of qualitative-analysis tools (MAXQDA,
//! NVivo, ATLAS.ti, QualCoder, Taguette).
//!
//! Two files:
//! - a codebook `.qdc`: `CodeBook/Codes/Code` in the namespace
//!   `urn:QDA-XML:codebook:1.0`, the tag tree with names, colours and
//!   descriptions;
//! - a project `.qdpx`: a zip holding `project.qde` (namespace
//!   `urn:QDA-XML:project:1.0`) and the plain texts under `sources/`.
//!
//! How the model maps onto the project schema (`Project.xsd`):
//!
//! | Marginalia | REFI-QDA |
//! |---|---|
//! | annotator set | `Users/User` (`creatingUser` of selections and codings) |
//! | tag tree | `CodeBook/Codes/Code`, nested, `isCodable="true"` |
//! | speaker | `Cases/Case` with one `SelectionRef` per annotation the speaker said; role and aliases as the case's `Description` and the text variables `Role` and `Aliases` |
//! | document | `Sources/TextSource` with `plainTextPath="internal://GUID.txt"`, text in `sources/GUID.txt` (UTF-8, LF) |
//! | annotation | `PlainTextSelection` (`startPosition`/`endPosition` in chars, `name` = the quote, creating/modifying user and time), one `Coding/CodeRef` per tag |
//! | note | the selection's `Description`, and the same text as a `Notes/Note` the selection points at with `NoteRef` (tools read one or the other) |
//! | relation | `Links/Link` from selection to selection, `name` = the kind, `direction="OneWay"` |
//!
//! Not carried: tag hotkeys, speaker turns, the annotator of a relation
//! (a `Link` has no user; import gives it the annotator of its source
//! annotation).
//!
//! GUIDs are derived from our ids so an export is reproducible: an id that
//! holds a UUIDv7 (every generated id) gives that UUID back, any other id a
//! UUIDv5 of the id in a fixed namespace. Import turns a GUID back into an id
//! of the form `ann-<32 hex>`, so generated ids survive a round trip.
//!
//! Import is defensive: zip entry names that are absolute or climb out with
//! `..` fail the import, entry count and uncompressed size are capped
//! ([`ZipLimits`]), malformed XML is an error that gives line and column,
//! and every selection that cannot be placed is skipped with a reason in the
//! [`ImportReport`]. The result is one [`Edit::Batch`]; nothing here touches
//! the project.

use super::report::{check_quote, write_atomic};
use super::{ExportOptions, FormatError, ImportReport, OffsetUnit};
use crate::model::{
    Annotation, AnnotationId, Color, DocId, Document, Edit, Project, Relation, RelationId, Speaker,
    SpeakerId, Tag, TagId, Timestamp, text,
};
use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, Write};
use std::ops::Range;
use std::path::Path;
use uuid::Uuid;

/// Namespace of a REFI-QDA codebook (`.qdc`).
pub const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";
/// Namespace of a REFI-QDA project (`project.qde` inside a `.qdpx`).
pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
/// What exports write in the `origin` attribute.
const ORIGIN: &str = "Marginalia";
/// The namespace of the UUIDv5 GUIDs derived from ids that hold no UUID.
const GUID_NAMESPACE: Uuid = Uuid::from_u128(0xee7d_e914_0af9_48e3_ba60_2d0a_bf4f_02de);
/// Largest `.qdc` file read.
const MAX_QDC_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest XML nesting accepted (codes nest; nothing else goes deep).
const MAX_XML_DEPTH: usize = 256;

/// Caps on what a `.qdpx` archive may hold, against zip bombs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZipLimits {
    /// Most entries in the archive.
    pub max_entries: usize,
    /// Most uncompressed bytes in all entries together.
    pub max_total_bytes: u64,
    /// Most uncompressed bytes in one entry.
    pub max_entry_bytes: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_total_bytes: 1024 * 1024 * 1024,
            max_entry_bytes: 256 * 1024 * 1024,
        }
    }
}

// ---------------------------------------------------------------------------
// GUIDs

/// The REFI-QDA GUID of one of our ids (`kind` keeps kinds apart).
fn guid(kind: &str, id: &str) -> String {
    if let Some((_, tail)) = id.split_once('-')
        && tail.len() == 32
        && let Ok(u) = Uuid::try_parse(tail)
        && u.get_version_num() == 7
    {
        return u.hyphenated().to_string();
    }
    Uuid::new_v5(&GUID_NAMESPACE, format!("{kind}:{id}").as_bytes())
        .hyphenated()
        .to_string()
}

/// Parses a GUID as the schema writes it (plain or in braces).
fn parse_guid(s: &str) -> Option<Uuid> {
    let s = s.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    Uuid::try_parse(s).ok()
}

/// An id of ours for a GUID read from a file: `prefix-<32 hex>`, which gives
/// back the id a UUIDv7 GUID was made from.
fn id_from_guid(prefix: &str, g: &str) -> String {
    match parse_guid(g) {
        Some(u) => format!("{prefix}-{}", u.simple()),
        None => format!("{prefix}-{}", Uuid::now_v7().simple()),
    }
}

/// Canonical form of a GUID for lookups (lower case, no braces).
fn guid_key(s: &str) -> String {
    parse_guid(s)
        .map(|u| u.hyphenated().to_string())
        .unwrap_or_else(|| s.trim().to_ascii_lowercase())
}

// ---------------------------------------------------------------------------
// Writing XML

/// Escapes an attribute value: markup characters, and the whitespace that
/// attribute normalization would otherwise turn into spaces.
fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// Escapes element text.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// Whether XML 1.0 can hold the char at all (control chars other than TAB,
/// LF and CR cannot appear even escaped).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// A small layer over quick-xml's writer: elements with escaped attributes.
struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Result<Self, FormatError> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
            .map_err(write_err)?;
        Ok(Self { w })
    }

    fn tag<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut e = BytesStart::new(name);
        for (k, v) in attrs {
            e.push_attribute(Attribute {
                key: QName(k.as_bytes()),
                value: Cow::Owned(escape_attr(v).into_bytes()),
            });
        }
        e
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), FormatError> {
        self.w
            .write_event(Event::Start(Self::tag(name, attrs)))
            .map_err(write_err)
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), FormatError> {
        self.w
            .write_event(Event::Empty(Self::tag(name, attrs)))
            .map_err(write_err)
    }

    fn end(&mut self, name: &str) -> Result<(), FormatError> {
        self.w
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(write_err)
    }

    /// `<name>text</name>`.
    fn text_element(&mut self, name: &str, text: &str) -> Result<(), FormatError> {
        self.start(name, &[])?;
        self.w
            .write_event(Event::Text(BytesText::from_escaped(escape_text(text))))
            .map_err(write_err)?;
        self.end(name)
    }

    fn finish(self) -> Vec<u8> {
        let mut v = self.w.into_inner();
        v.push(b'\n');
        v
    }
}

fn write_err(e: std::io::Error) -> FormatError {
    FormatError::Malformed(format!("could not write XML: {e}"))
}

/// `#RRGGBB` in upper case, as the REFI examples write it.
fn color_attr(c: Color) -> String {
    let [r, g, b] = c.0;
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Writes the code tree (shared by `.qdc` and `project.qde`).
fn write_codes(x: &mut Xml, project: &Project) -> Result<(), FormatError> {
    let cb = &project.codebook;
    let ids: HashSet<&TagId> = cb.tags.iter().map(|t| &t.id).collect();
    let mut done: HashSet<&TagId> = HashSet::new();
    fn code<'a>(
        x: &mut Xml,
        project: &'a Project,
        tag: &'a Tag,
        done: &mut HashSet<&'a TagId>,
    ) -> Result<(), FormatError> {
        if !done.insert(&tag.id) {
            return Ok(());
        }
        let g = guid("tag", tag.id.as_str());
        let color = color_attr(tag.color);
        let attrs = [
            ("guid", g.as_str()),
            ("name", tag.name.as_str()),
            ("isCodable", "true"),
            ("color", color.as_str()),
        ];
        let children: Vec<&Tag> = project
            .codebook
            .children(Some(&tag.id))
            .filter(|c| !done.contains(&c.id))
            .collect();
        if tag.description.is_empty() && children.is_empty() {
            return x.empty("Code", &attrs);
        }
        x.start("Code", &attrs)?;
        if !tag.description.is_empty() {
            x.text_element("Description", &tag.description)?;
        }
        for c in children {
            code(x, project, c, done)?;
        }
        x.end("Code")
    }
    x.start("Codes", &[])?;
    for t in cb
        .tags
        .iter()
        .filter(|t| t.parent.as_ref().is_none_or(|p| !ids.contains(p)))
    {
        code(x, project, t, &mut done)?;
    }
    // Tags caught in a parent cycle (an invalid project) still get written.
    for t in &cb.tags {
        code(x, project, t, &mut done)?;
    }
    x.end("Codes")
}

/// Exports the codebook as a REFI-QDA `.qdc` file (valid against
/// `Codebook.xsd`). Fails if the codebook is empty: the schema needs at
/// least one code.
pub fn export_qdc(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let _ = options;
    let bytes = qdc_bytes(project)?;
    write_atomic(out, &bytes)
}

/// The `.qdc` document as bytes.
fn qdc_bytes(project: &Project) -> Result<Vec<u8>, FormatError> {
    if project.codebook.tags.is_empty() {
        return Err(FormatError::Unsupported(
            "the codebook is empty; a REFI-QDA codebook needs at least one code".into(),
        ));
    }
    let mut x = Xml::new()?;
    x.start("CodeBook", &[("xmlns", CODEBOOK_NS), ("origin", ORIGIN)])?;
    write_codes(&mut x, project)?;
    x.end("CodeBook")?;
    Ok(x.finish())
}

/// The char offsets of a text's chars outside the Basic Multilingual Plane
/// (two UTF-16 units each), in order: with them a char offset becomes a
/// UTF-16 one without walking the text.
fn astral_chars(text: &str) -> Vec<usize> {
    text.chars()
        .enumerate()
        .filter(|(_, c)| c.len_utf16() == 2)
        .map(|(i, _)| i)
        .collect()
}

/// An offset of `doc` in the unit the options ask for; `astral` is
/// [`astral_chars`] of its text (only read for UTF-16).
fn offset_in(doc: &Document, astral: &[usize], ci: usize, unit: OffsetUnit) -> Option<usize> {
    if ci > doc.char_len() {
        return None;
    }
    match unit {
        OffsetUnit::Chars => Some(ci),
        OffsetUnit::Utf16 => Some(ci + astral.partition_point(|&a| a < ci)),
        OffsetUnit::Bytes => doc.char_index().byte_of(&doc.text, ci),
    }
}

/// A timestamp usable as `xsd:dateTime`, if it is one.
fn xsd_time(t: &Timestamp) -> Option<&str> {
    (t.is_valid() && t.0.contains('T')).then_some(t.0.as_str())
}

/// A source text for the archive: (entry name, text).
type SourceEntry = (String, String);

/// The `project.qde` document and the source texts.
fn qde_bytes(
    project: &Project,
    options: &ExportOptions,
) -> Result<(Vec<u8>, Vec<SourceEntry>), FormatError> {
    let filter = &options.filter;
    let docs: Vec<&Document> = project
        .documents
        .iter()
        .filter(|d| filter.accepts_doc(&d.id))
        .collect();
    let doc_ids: HashSet<&DocId> = docs.iter().map(|d| &d.id).collect();
    let anns: Vec<&Annotation> = project
        .annotations
        .iter()
        .filter(|a| doc_ids.contains(&a.doc) && filter.accepts(project, a))
        .map(|a| &**a)
        .collect();
    let ann_ids: HashSet<&AnnotationId> = anns.iter().map(|a| &a.id).collect();
    let tag_ids: HashSet<&TagId> = project.codebook.tags.iter().map(|t| &t.id).collect();

    let mut users: Vec<&str> = Vec::new();
    for name in project
        .annotators
        .iter()
        .map(String::as_str)
        .chain(anns.iter().map(|a| a.annotator.as_str()))
    {
        if !users.contains(&name) {
            users.push(name);
        }
    }
    let user_guid = |name: &str| guid("user", name);

    let mut x = Xml::new()?;
    x.start(
        "Project",
        &[
            ("xmlns", PROJECT_NS),
            ("name", project.name.as_str()),
            ("origin", ORIGIN),
        ],
    )?;

    if !users.is_empty() {
        x.start("Users", &[])?;
        for u in &users {
            let g = user_guid(u);
            x.empty("User", &[("guid", g.as_str()), ("name", u)])?;
        }
        x.end("Users")?;
    }

    if !project.codebook.tags.is_empty() {
        x.start("CodeBook", &[])?;
        write_codes(&mut x, project)?;
        x.end("CodeBook")?;
    }

    // Speakers: cases, with role and aliases as text variables.
    let role_var = guid("variable", "Role");
    let alias_var = guid("variable", "Aliases");
    let any_role = project.speakers.iter().any(|s| !s.role.is_empty());
    let any_alias = project.speakers.iter().any(|s| !s.aliases.is_empty());
    if any_role || any_alias {
        x.start("Variables", &[])?;
        for (used, g, name, what) in [
            (
                any_role,
                &role_var,
                "Role",
                "The speaker's role or affiliation.",
            ),
            (
                any_alias,
                &alias_var,
                "Aliases",
                "Other forms of the speaker's name, separated by \"; \".",
            ),
        ] {
            if used {
                x.start(
                    "Variable",
                    &[("guid", g), ("name", name), ("typeOfVariable", "Text")],
                )?;
                x.text_element("Description", what)?;
                x.end("Variable")?;
            }
        }
        x.end("Variables")?;
    }
    if !project.speakers.is_empty() {
        x.start("Cases", &[])?;
        for s in &project.speakers {
            let g = guid("speaker", s.id.as_str());
            x.start("Case", &[("guid", g.as_str()), ("name", s.name.as_str())])?;
            if !s.role.is_empty() {
                x.text_element("Description", &s.role)?;
            }
            let aliases = s.aliases.join("; ");
            for (value, var) in [(&s.role, &role_var), (&aliases, &alias_var)] {
                if !value.is_empty() {
                    x.start("VariableValue", &[])?;
                    x.empty("VariableRef", &[("targetGUID", var)])?;
                    x.text_element("TextValue", value)?;
                    x.end("VariableValue")?;
                }
            }
            for a in anns.iter().filter(|a| a.speaker.as_ref() == Some(&s.id)) {
                let ag = guid("annotation", a.id.as_str());
                x.empty("SelectionRef", &[("targetGUID", ag.as_str())])?;
            }
            x.end("Case")?;
        }
        x.end("Cases")?;
    }

    let mut sources = Vec::new();
    if !docs.is_empty() {
        x.start("Sources", &[])?;
        for d in &docs {
            let dg = guid("document", d.id.as_str());
            let path = format!("internal://{dg}.txt");
            x.start(
                "TextSource",
                &[
                    ("guid", dg.as_str()),
                    ("name", d.title.as_str()),
                    ("plainTextPath", path.as_str()),
                ],
            )?;
            if let Some(src) = &d.source {
                x.text_element("Description", src)?;
            }
            let astral = match options.offsets {
                OffsetUnit::Utf16 => astral_chars(&d.text),
                _ => Vec::new(),
            };
            for a in anns.iter().filter(|a| a.doc == d.id) {
                check_quote(d, a)?;
                let range = |ci| {
                    offset_in(d, &astral, ci, options.offsets).ok_or_else(|| {
                        FormatError::QuoteMismatch(format!(
                            "annotation `{}`: offset {ci} is outside the text",
                            a.id
                        ))
                    })
                };
                let (start, end) = (range(a.start)?.to_string(), range(a.end)?.to_string());
                let ag = guid("annotation", a.id.as_str());
                let ug = user_guid(&a.annotator);
                let mut attrs = vec![
                    ("guid", ag.as_str()),
                    ("name", a.quote.as_str()),
                    ("startPosition", start.as_str()),
                    ("endPosition", end.as_str()),
                    ("creatingUser", ug.as_str()),
                ];
                if let Some(t) = xsd_time(&a.created) {
                    attrs.push(("creationDateTime", t));
                }
                attrs.push(("modifyingUser", ug.as_str()));
                if let Some(t) = xsd_time(&a.modified) {
                    attrs.push(("modifiedDateTime", t));
                }
                x.start("PlainTextSelection", &attrs)?;
                if !a.note.is_empty() {
                    x.text_element("Description", &a.note)?;
                }
                for t in a.tags.iter().filter(|t| tag_ids.contains(t)) {
                    let cg = guid("coding", &format!("{}/{}", a.id, t));
                    let mut attrs = vec![("guid", cg.as_str()), ("creatingUser", ug.as_str())];
                    if let Some(t) = xsd_time(&a.created) {
                        attrs.push(("creationDateTime", t));
                    }
                    x.start("Coding", &attrs)?;
                    let tg = guid("tag", t.as_str());
                    x.empty("CodeRef", &[("targetGUID", tg.as_str())])?;
                    x.end("Coding")?;
                }
                if !a.note.is_empty() {
                    let ng = guid("note", a.id.as_str());
                    x.empty("NoteRef", &[("targetGUID", ng.as_str())])?;
                }
                x.end("PlainTextSelection")?;
            }
            x.end("TextSource")?;
            sources.push((format!("sources/{dg}.txt"), d.text.clone()));
        }
        x.end("Sources")?;
    }

    let noted: Vec<&&Annotation> = anns.iter().filter(|a| !a.note.is_empty()).collect();
    if !noted.is_empty() {
        x.start("Notes", &[])?;
        for a in noted {
            let ng = guid("note", a.id.as_str());
            let ug = user_guid(&a.annotator);
            let name = format!("Note on “{}”", ellipsize(&a.quote, 60));
            let mut attrs = vec![
                ("guid", ng.as_str()),
                ("name", name.as_str()),
                ("creatingUser", ug.as_str()),
            ];
            if let Some(t) = xsd_time(&a.modified) {
                attrs.push(("creationDateTime", t));
            }
            x.start("Note", &attrs)?;
            x.text_element("PlainTextContent", &a.note)?;
            x.end("Note")?;
        }
        x.end("Notes")?;
    }

    let links: Vec<&Relation> = project
        .relations
        .iter()
        .filter(|r| ann_ids.contains(&r.from) && ann_ids.contains(&r.to))
        .collect();
    if !links.is_empty() {
        x.start("Links", &[])?;
        for r in links {
            let g = guid("relation", r.id.as_str());
            let from = guid("annotation", r.from.as_str());
            let to = guid("annotation", r.to.as_str());
            x.empty(
                "Link",
                &[
                    ("guid", g.as_str()),
                    ("name", r.kind.as_str()),
                    ("direction", "OneWay"),
                    ("originGUID", from.as_str()),
                    ("targetGUID", to.as_str()),
                ],
            )?;
        }
        x.end("Links")?;
    }
    x.end("Project")?;
    Ok((x.finish(), sources))
}

/// The first `n` chars of `s`, with an ellipsis if cut.
fn ellipsize(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

/// Exports the project as a REFI-QDA `.qdpx` archive: `project.qde` (valid
/// against `Project.xsd`) and one `sources/GUID.txt` per document. Offsets are
/// written in `options.offsets` (chars unless asked otherwise), and only the
/// annotations `options.filter` accepts are included.
pub fn export_qdpx(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let (qde, sources) = qde_bytes(project, options)?;
    let zip_err = |e: zip::result::ZipError| FormatError::Io(out.to_path_buf(), e.into());
    let io_err = |e: std::io::Error| FormatError::Io(out.to_path_buf(), e);
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    zw.start_file("project.qde", opts).map_err(zip_err)?;
    zw.write_all(&qde).map_err(io_err)?;
    for (name, text) in &sources {
        zw.start_file(name.as_str(), opts).map_err(zip_err)?;
        zw.write_all(text.as_bytes()).map_err(io_err)?;
    }
    let bytes = zw.finish().map_err(zip_err)?.into_inner();
    write_atomic(out, &bytes)
}

// ---------------------------------------------------------------------------
// Reading XML

/// One element of a parsed XML document.
#[derive(Debug, Default)]
struct Node {
    /// Local name (namespace prefix dropped).
    name: String,
    /// Attributes, unescaped, by qualified name.
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    /// The element's own text (character data and CDATA), unescaped.
    text: String,
    /// Byte offset of the element in the source.
    pos: usize,
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Children of the child `outer` named `inner` (`Codes/Code`).
    fn nested<'a>(&'a self, outer: &'a str, inner: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.all(outer).flat_map(move |c| c.all(inner))
    }
}

/// `line L, column C` of a byte offset.
fn line_col(src: &str, pos: usize) -> String {
    let pos = pos.min(src.len());
    let mut p = pos;
    while !src.is_char_boundary(p) {
        p -= 1;
    }
    let before = &src[..p];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}")
}

/// Decodes XML bytes (UTF-8, a BOM allowed).
fn xml_str<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, FormatError> {
    let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(b).map_err(|e| {
        FormatError::Malformed(format!(
            "{what}: not UTF-8 (bad byte at offset {}); REFI-QDA files are UTF-8",
            e.valid_up_to()
        ))
    })
}

fn local(name: &[u8]) -> String {
    let n = String::from_utf8_lossy(name);
    match n.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => n.into_owned(),
    }
}

/// Parses a whole XML document into a tree.
fn parse_xml(src: &str, what: &str) -> Result<Node, FormatError> {
    use quick_xml::XmlVersion;
    let mut reader = quick_xml::Reader::from_str(src);
    let bad = |pos: u64, msg: String| {
        FormatError::Malformed(format!(
            "{what}: {}: {msg}",
            line_col(src, usize::try_from(pos).unwrap_or(usize::MAX))
        ))
    };
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let open = |e: &BytesStart<'_>, pos: u64| -> Result<Node, FormatError> {
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| bad(pos, format!("bad attribute: {err}")))?;
            let v = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| bad(pos, format!("bad attribute value: {err}")))?;
            attrs.push((
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                v.into_owned(),
            ));
        }
        Ok(Node {
            name: local(e.name().as_ref()),
            attrs,
            pos: usize::try_from(pos).unwrap_or(usize::MAX),
            ..Node::default()
        })
    };
    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_event()
            .map_err(|e| bad(reader.error_position(), e.to_string()))?;
        match ev {
            Event::Start(e) => {
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(bad(pos, format!("nested deeper than {MAX_XML_DEPTH}")));
                }
                if root.is_some() && stack.is_empty() {
                    return Err(bad(pos, "more than one root element".into()));
                }
                stack.push(open(&e, pos)?);
            }
            Event::Empty(e) => {
                let node = open(&e, pos)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err(bad(pos, "more than one root element".into())),
                }
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    return Err(bad(pos, "closing tag without an opening one".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|e| bad(pos, format!("bad text: {e}")))?;
                match stack.last_mut() {
                    Some(n) => n.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => return Err(bad(pos, "text outside the root element".into())),
                }
            }
            Event::CData(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|e| bad(pos, format!("bad CDATA: {e}")))?;
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => return Err(bad(pos, "bad character reference".into())),
                        Err(e) => return Err(bad(pos, format!("bad character reference: {e}"))),
                    }
                } else {
                    let name = r
                        .decode()
                        .map_err(|e| bad(pos, format!("bad entity: {e}")))?;
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| bad(pos, format!("unknown entity `&{name};`")))?
                        .to_string()
                };
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(bad(
            src.len() as u64,
            format!(
                "the document ends inside <{}> (opened at {})",
                open.name,
                line_col(src, open.pos)
            ),
        ));
    }
    root.ok_or_else(|| FormatError::Malformed(format!("{what}: no root element")))
}

/// Checks the root element's name and namespace.
fn check_root(root: &Node, src: &str, name: &str, ns: &str, what: &str) -> Result<(), FormatError> {
    if root.name != name {
        return Err(FormatError::Malformed(format!(
            "{what}: {}: the root element is <{}>, expected <{name}> of a REFI-QDA file",
            line_col(src, root.pos),
            root.name
        )));
    }
    let declares = |v: &str| {
        root.attrs
            .iter()
            .any(|(k, x)| (k == "xmlns" || k.starts_with("xmlns:")) && x == v)
    };
    match root.attr("xmlns") {
        Some(v) if v != ns && !declares(ns) => Err(FormatError::Malformed(format!(
            "{what}: {}: namespace `{v}` is not REFI-QDA's `{ns}`",
            line_col(src, root.pos)
        ))),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Reading zip archives

/// An opened `.qdpx` whose entry names have all been checked.
struct Archive<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    /// Entry name → index; names also under their lower-case form.
    names: HashMap<String, usize>,
    limits: ZipLimits,
    /// Uncompressed bytes read so far.
    read_total: u64,
}

/// Rejects entry names that are absolute or climb out of the archive's folder.
fn check_entry_name(name: &str) -> Result<(), FormatError> {
    let unsafe_name = name.is_empty()
        || name.contains('\0')
        || name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..");
    if unsafe_name {
        return Err(FormatError::Malformed(format!(
            "the archive holds an unsafe entry name {name:?} (absolute, or escaping its folder); refusing to read it"
        )));
    }
    Ok(())
}

impl<R: Read + Seek> Archive<R> {
    fn open(reader: R, limits: ZipLimits) -> Result<Self, FormatError> {
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
            FormatError::Malformed(format!("not a readable zip archive (.qdpx): {e}"))
        })?;
        if zip.len() > limits.max_entries {
            return Err(FormatError::Malformed(format!(
                "the archive holds {} entries, more than the {} accepted",
                zip.len(),
                limits.max_entries
            )));
        }
        let mut names = HashMap::new();
        let mut declared: u64 = 0;
        for i in 0..zip.len() {
            let f = zip
                .by_index_raw(i)
                .map_err(|e| FormatError::Malformed(format!("bad zip entry #{i}: {e}")))?;
            let name = f
                .name()
                .map_err(|e| FormatError::Malformed(format!("bad zip entry name #{i}: {e}")))?
                .into_owned();
            check_entry_name(&name)?;
            if f.size() > limits.max_entry_bytes {
                return Err(FormatError::Malformed(format!(
                    "entry `{name}` unpacks to {} bytes, more than the {} accepted",
                    f.size(),
                    limits.max_entry_bytes
                )));
            }
            declared = declared.saturating_add(f.size());
            if declared > limits.max_total_bytes {
                return Err(FormatError::Malformed(format!(
                    "the archive unpacks to more than the {} bytes accepted",
                    limits.max_total_bytes
                )));
            }
            names.entry(name.to_lowercase()).or_insert(i);
            names.insert(name, i);
        }
        Ok(Self {
            zip,
            names,
            limits,
            read_total: 0,
        })
    }

    /// The index of an entry (exact name first, then ignoring case).
    fn find(&self, name: &str) -> Option<usize> {
        self.names
            .get(name)
            .or_else(|| self.names.get(&name.to_lowercase()))
            .copied()
    }

    /// Reads an entry, never more than the limits allow whatever its header says.
    fn read(&mut self, index: usize, name: &str) -> Result<Vec<u8>, FormatError> {
        let f = self
            .zip
            .by_index(index)
            .map_err(|e| FormatError::Malformed(format!("cannot read `{name}`: {e}")))?;
        let cap = self
            .limits
            .max_entry_bytes
            .min(self.limits.max_total_bytes.saturating_sub(self.read_total));
        let mut buf = Vec::new();
        f.take(cap.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| FormatError::Malformed(format!("cannot unpack `{name}`: {e}")))?;
        if buf.len() as u64 > cap {
            return Err(FormatError::Malformed(format!(
                "entry `{name}` unpacks to more than the bytes accepted (a zip bomb?)"
            )));
        }
        self.read_total += buf.len() as u64;
        Ok(buf)
    }

    /// The project document: `project.qde`, or the one `.qde` at the top.
    fn qde_index(&self) -> Option<(usize, String)> {
        if let Some(i) = self.find("project.qde") {
            return Some((i, "project.qde".into()));
        }
        let mut qdes = self
            .names
            .iter()
            .filter(|(n, _)| !n.contains('/') && n.to_lowercase().ends_with(".qde"));
        let first = qdes.next()?;
        qdes.all(|(_, i)| i == first.1)
            .then(|| (*first.1, first.0.clone()))
    }
}

/// Decodes a source text: UTF-8 (BOM allowed) or UTF-16 with a BOM.
fn decode_text(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return String::from_utf8(rest.to_vec()).ok();
    }
    let utf16 = |rest: &[u8], le: bool| {
        if !rest.len().is_multiple_of(2) {
            return None;
        }
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()
    };
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, false);
    }
    String::from_utf8(bytes.to_vec()).ok()
}

// ---------------------------------------------------------------------------
// Import

/// Annotations by (document, start, end, annotator): their ids and tags.
type SpanIndex = HashMap<(DocId, usize, usize, String), Vec<(AnnotationId, Vec<TagId>)>>;

/// Everything an import plans, collected before it becomes one batch.
struct Plan<'p> {
    project: &'p Project,
    report: ImportReport,
    /// Code GUID → tag id (existing or new).
    tags: HashMap<String, TagId>,
    new_tags: Vec<Tag>,
    new_docs: Vec<Document>,
    new_speakers: Vec<Speaker>,
    annotations: Vec<Annotation>,
    relations: Vec<Relation>,
    annotators: Vec<String>,
    kinds: Vec<String>,
}

impl<'p> Plan<'p> {
    fn new(project: &'p Project) -> Self {
        Self {
            project,
            report: ImportReport::default(),
            tags: HashMap::new(),
            new_tags: Vec::new(),
            new_docs: Vec::new(),
            new_speakers: Vec::new(),
            annotations: Vec::new(),
            relations: Vec::new(),
            annotators: project.annotators.clone(),
            kinds: project.relation_kinds.clone(),
        }
    }

    fn skip(&mut self, why: String) {
        self.report.skipped.push(why);
    }

    fn tag_name_parent(&self, id: &TagId) -> Option<(&str, Option<&TagId>)> {
        self.project
            .codebook
            .get(id)
            .or_else(|| self.new_tags.iter().find(|t| &t.id == id))
            .map(|t| (t.name.as_str(), t.parent.as_ref()))
    }

    fn tag_exists(&self, id: &TagId) -> bool {
        self.tag_name_parent(id).is_some()
    }

    /// Maps codes to tags: a code matches the tag of the same name
    /// (ignoring case) under the same parent; others become new tags.
    fn codes<'n>(
        &mut self,
        codes: impl Iterator<Item = &'n Node>,
        parent: Option<&TagId>,
        depth: usize,
    ) {
        for code in codes {
            let name = code.attr("name").unwrap_or("").trim().to_string();
            let g = code.attr("guid").unwrap_or("");
            if name.is_empty() {
                self.skip(format!(
                    "code {g:?}: it has no name; it and its sub-codes were not imported"
                ));
                continue;
            }
            let found = self
                .project
                .codebook
                .tags
                .iter()
                .chain(self.new_tags.iter())
                .find(|t| t.parent.as_ref() == parent && t.name.eq_ignore_ascii_case(&name))
                .map(|t| t.id.clone());
            let id = match found {
                Some(id) => id,
                None => {
                    let mut id = TagId::new(id_from_guid("tag", g));
                    if self.tag_exists(&id) {
                        id = TagId::generate();
                    }
                    let n = self.project.codebook.tags.len() + self.new_tags.len();
                    let color = code
                        .attr("color")
                        .and_then(parse_rgb)
                        .unwrap_or_else(|| Color::palette(n));
                    self.new_tags.push(Tag {
                        id: id.clone(),
                        name: name.clone(),
                        color,
                        key: None,
                        parent: parent.cloned(),
                        description: code
                            .child("Description")
                            .map(|d| d.text.trim().to_string())
                            .unwrap_or_default(),
                    });
                    self.report.tags += 1;
                    id
                }
            };
            if !g.is_empty() {
                self.tags.insert(guid_key(g), id.clone());
            }
            if depth < MAX_XML_DEPTH {
                self.codes(code.all("Code"), Some(&id), depth + 1);
            }
        }
    }

    /// Turns the plan into one undoable edit.
    fn into_edit(self, label: String) -> (Edit, ImportReport) {
        let mut edits = Vec::new();
        if self.annotators != self.project.annotators {
            edits.push(Edit::SetAnnotators(self.annotators));
        }
        if self.kinds != self.project.relation_kinds {
            edits.push(Edit::SetRelationKinds(self.kinds));
        }
        for d in self.new_docs {
            edits.push(Edit::InsertDocument {
                index: usize::MAX,
                document: Box::new(d),
            });
        }
        for tag in self.new_tags {
            edits.push(Edit::InsertTag {
                index: usize::MAX,
                tag,
            });
        }
        for speaker in self.new_speakers {
            edits.push(Edit::InsertSpeaker {
                index: usize::MAX,
                speaker,
            });
        }
        edits.extend(self.annotations.into_iter().map(Edit::AddAnnotation));
        edits.extend(self.relations.into_iter().map(Edit::AddRelation));
        (Edit::batch(label, edits), self.report)
    }
}

/// Parses `#RRGGBB` or `#RGB`.
fn parse_rgb(s: &str) -> Option<Color> {
    let h = s.trim().strip_prefix('#').unwrap_or(s.trim());
    if h.len() == 3 && h.is_ascii() {
        let long: String = h.chars().flat_map(|c| [c, c]).collect();
        return Color::parse(&long);
    }
    Color::parse(h)
}

/// Reads a REFI-QDA codebook (`.qdc`) into tags: codes whose name already
/// exists under the same parent are reused, the others added (with their
/// colour, description and nesting). Returns one batch edit.
pub fn import_qdc(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let _ = annotator;
    let io = |e: std::io::Error| FormatError::Io(from.to_path_buf(), e);
    let file = std::fs::File::open(from).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_QDC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_QDC_BYTES {
        return Err(FormatError::Malformed(format!(
            "{}: larger than the {MAX_QDC_BYTES} bytes accepted for a codebook",
            from.display()
        )));
    }
    let what = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "codebook".into());
    let src = xml_str(&bytes, &what)?;
    let root = parse_xml(src, &what)?;
    check_root(&root, src, "CodeBook", CODEBOOK_NS, &what)?;
    let mut plan = Plan::new(project);
    plan.codes(root.nested("Codes", "Code"), None, 0);
    if root.child("Sets").is_some() {
        plan.skip("code sets (<Sets>) are not imported".into());
    }
    Ok(plan.into_edit(format!("import codebook {what}")))
}

/// Reads a REFI-QDA project (`.qdpx`) for `project`. See [`import_qdpx_with_limits`].
pub fn import_qdpx(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    import_qdpx_with_limits(project, from, annotator, ZipLimits::default())
}

/// Reads a REFI-QDA project (`.qdpx`) with explicit caps on the archive.
///
/// Text sources whose text is not in the project yet become documents;
/// codes become tags (matched by name under the same parent, else added);
/// text selections become annotations (offsets read as chars; if the
/// selection's `name` matches the text only when the offsets are read as
/// UTF-16 units or with CRLF counted as one, that reading is used); users
/// become annotator names unless `annotator` is given; cases that point at
/// selections (or at sources) become speakers; links between selections
/// become relations, adding their kinds. What cannot be carried over is
/// listed in the report. Returns one batch edit.
pub fn import_qdpx_with_limits(
    project: &Project,
    from: &Path,
    annotator: &str,
    limits: ZipLimits,
) -> Result<(Edit, ImportReport), FormatError> {
    let file = std::fs::File::open(from).map_err(|e| FormatError::Io(from.to_path_buf(), e))?;
    let mut ar = Archive::open(std::io::BufReader::new(file), limits)?;
    let (qi, qname) = ar.qde_index().ok_or_else(|| {
        FormatError::Malformed(format!(
            "{}: no project.qde in the archive; is it a REFI-QDA project?",
            from.display()
        ))
    })?;
    let bytes = ar.read(qi, &qname)?;
    let src = xml_str(&bytes, &qname)?;
    let root = parse_xml(src, &qname)?;
    check_root(&root, src, "Project", PROJECT_NS, &qname)?;

    let mut plan = Plan::new(project);

    // Users.
    let users: HashMap<String, String> = root
        .nested("Users", "User")
        .filter_map(|u| {
            let g = u.attr("guid")?;
            let name = u
                .attr("name")
                .or(u.attr("id"))
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(g);
            Some((guid_key(g), name.to_string()))
        })
        .collect();
    let default_user = root
        .attr("creatingUserGUID")
        .and_then(|g| users.get(&guid_key(g)).cloned());
    let annotator = annotator.trim();
    let who = |creating: Option<&str>| -> String {
        if !annotator.is_empty() {
            return annotator.to_string();
        }
        creating
            .and_then(|g| users.get(&guid_key(g)).cloned())
            .or_else(|| default_user.clone())
            .unwrap_or_else(|| "imported".to_string())
    };

    // Codes.
    for cb in root.all("CodeBook") {
        plan.codes(cb.nested("Codes", "Code"), None, 0);
    }

    // Notes, for selections that point at one instead of a description.
    let notes: HashMap<String, String> = root
        .nested("Notes", "Note")
        .filter_map(|n| {
            let text = n.child("PlainTextContent").map(|c| c.text.clone())?;
            Some((guid_key(n.attr("guid")?), text))
        })
        .collect();

    // Cases: which speaker name each selection / source belongs to.
    let variables: HashMap<String, String> = root
        .nested("Variables", "Variable")
        .filter_map(|v| Some((guid_key(v.attr("guid")?), v.attr("name")?.to_string())))
        .collect();
    let mut case_of_selection: HashMap<String, usize> = HashMap::new();
    let mut cases_of_source: HashMap<String, Vec<usize>> = HashMap::new();
    let cases: Vec<&Node> = root.nested("Cases", "Case").collect();
    for (ci, c) in cases.iter().enumerate() {
        for r in c.all("SelectionRef") {
            if let Some(t) = r.attr("targetGUID")
                && case_of_selection.insert(guid_key(t), ci).is_some()
            {
                plan.skip(format!(
                    "selection {t}: it belongs to several cases; only the last, {:?}, was kept as its speaker",
                    c.attr("name").unwrap_or("")
                ));
            }
        }
        for r in c.all("SourceRef") {
            if let Some(t) = r.attr("targetGUID") {
                cases_of_source.entry(guid_key(t)).or_default().push(ci);
            }
        }
    }
    let mut case_speaker: HashMap<usize, Option<SpeakerId>> = HashMap::new();

    // What the project holds already, to skip duplicates in O(1).
    let mut known_ids: HashSet<AnnotationId> =
        project.annotations.iter().map(|a| a.id.clone()).collect();
    let mut known_spans: SpanIndex = HashMap::new();
    for a in &project.annotations {
        known_spans
            .entry((a.doc.clone(), a.start, a.end, a.annotator.clone()))
            .or_default()
            .push((a.id.clone(), a.tags.clone()));
    }
    let mut known_links: HashSet<(AnnotationId, AnnotationId, String)> = project
        .relations
        .iter()
        .map(|r| (r.from.clone(), r.to.clone(), r.kind.clone()))
        .collect();
    let mut link_ids: HashSet<RelationId> =
        project.relations.iter().map(|r| r.id.clone()).collect();

    // Sources.
    let mut selection_ann: HashMap<String, AnnotationId> = HashMap::new();
    let mut seen_docs: HashMap<String, (DocId, String)> = HashMap::new();
    for s in root.all("Sources").flat_map(|s| s.children.iter()) {
        if s.name != "TextSource" {
            plan.skip(format!(
                "{} {:?}: only text sources are imported",
                s.name,
                s.attr("name").unwrap_or("")
            ));
            continue;
        }
        let sg = s.attr("guid").unwrap_or("");
        let title = s.attr("name").unwrap_or("").trim().to_string();
        let label = if title.is_empty() {
            sg.to_string()
        } else {
            title.clone()
        };
        // The text: the archive entry plainTextPath names, or inline content.
        let raw = if let Some(p) = s.attr("plainTextPath") {
            let Some(rel) = p.strip_prefix("internal://") else {
                plan.skip(format!(
                    "source {label:?}: its text is outside the archive ({p}); not imported"
                ));
                continue;
            };
            check_entry_name(rel)?;
            let entry = format!("sources/{rel}");
            let Some(i) = ar.find(&entry).or_else(|| ar.find(rel)) else {
                plan.skip(format!(
                    "source {label:?}: `{entry}` is missing from the archive; not imported"
                ));
                continue;
            };
            let b = ar.read(i, &entry)?;
            match decode_text(&b) {
                Some(t) => t,
                None => {
                    plan.skip(format!(
                        "source {label:?}: `{entry}` is neither UTF-8 nor UTF-16 with a BOM; not imported"
                    ));
                    continue;
                }
            }
        } else if let Some(c) = s.child("PlainTextContent") {
            c.text.clone()
        } else {
            plan.skip(format!("source {label:?}: it has no text; not imported"));
            continue;
        };
        let key = guid_key(sg);
        let (doc_id, doc_text) = match seen_docs.get(&key) {
            Some(d) => d.clone(),
            None => {
                let probe =
                    Document::import(DocId::new(id_from_guid("doc", sg)), &label, None, &raw);
                let existing = project
                    .documents
                    .iter()
                    .chain(plan.new_docs.iter())
                    .find(|d| d.sha256 == probe.sha256);
                let d = match existing {
                    Some(d) => (d.id.clone(), d.text.clone()),
                    None => {
                        let mut doc = probe;
                        doc.source = s
                            .child("Description")
                            .map(|d| d.text.trim().to_string())
                            .filter(|d| !d.is_empty());
                        if project.document(&doc.id).is_some()
                            || plan.new_docs.iter().any(|d| d.id == doc.id)
                        {
                            doc.id = DocId::generate();
                        }
                        let d = (doc.id.clone(), doc.text.clone());
                        plan.new_docs.push(doc);
                        plan.report.documents += 1;
                        d
                    }
                };
                seen_docs.insert(key.clone(), d.clone());
                d
            }
        };
        if s.all("Coding").next().is_some() {
            plan.skip(format!(
                "source {label:?}: codings of the whole source are not imported (only of selections)"
            ));
        }
        let readings = Readings::new(&raw, &doc_text);
        let source_case = match cases_of_source.get(&key).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        };
        const KNOWN: [&str; 6] = [
            "Description",
            "PlainTextContent",
            "PlainTextSelection",
            "Coding",
            "NoteRef",
            "VariableValue",
        ];
        for other in s
            .children
            .iter()
            .filter(|c| !KNOWN.contains(&c.name.as_str()))
        {
            plan.skip(format!(
                "source {label:?}: <{}> is not imported",
                other.name
            ));
        }
        for sel in s.all("PlainTextSelection") {
            let selg = sel.attr("guid").unwrap_or("");
            let what = format!(
                "selection {selg} in {label:?} at {}..{}",
                sel.attr("startPosition").unwrap_or("?"),
                sel.attr("endPosition").unwrap_or("?")
            );
            let pos = |k: &str| sel.attr(k).and_then(|v| v.trim().parse::<usize>().ok());
            let (Some(start), Some(end)) = (pos("startPosition"), pos("endPosition")) else {
                plan.skip(format!("{what}: its positions are not whole numbers"));
                continue;
            };
            let Some(range) = readings.place(start..end, sel.attr("name")) else {
                plan.skip(format!(
                    "{what}: the range is empty or outside the text ({} chars)",
                    text::char_len(&doc_text)
                ));
                continue;
            };
            let mut tags = Vec::new();
            for coding in sel.all("Coding") {
                let target = coding
                    .child("CodeRef")
                    .and_then(|r| r.attr("targetGUID"))
                    .unwrap_or("");
                match plan.tags.get(&guid_key(target)) {
                    Some(t) if !tags.contains(t) => tags.push(t.clone()),
                    Some(_) => {}
                    None => plan.skip(format!(
                        "{what}: code {target:?} is not in the codebook; that coding was dropped"
                    )),
                }
            }
            let created = parse_time(sel.attr("creationDateTime"));
            let modified = sel
                .attr("modifiedDateTime")
                .map(|t| parse_time(Some(t)))
                .unwrap_or_else(|| created.clone());
            let name = who(sel.attr("creatingUser"));
            let Some(mut a) = Annotation::new(
                doc_id.clone(),
                &doc_text,
                range.clone(),
                tags,
                name,
                created,
            ) else {
                plan.skip(format!("{what}: the range does not fit the text"));
                continue;
            };
            a.modified = modified;
            a.id = AnnotationId::new(id_from_guid("ann", selg));
            a.note = sel
                .child("Description")
                .map(|d| d.text.trim().to_string())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| {
                    sel.all("NoteRef")
                        .filter_map(|r| notes.get(&guid_key(r.attr("targetGUID")?)))
                        .map(|t| t.trim())
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n\n")
                });
            // The speaker: the case that names this selection, else the one
            // case that names its source.
            let case = case_of_selection
                .get(&guid_key(selg))
                .copied()
                .or(source_case);
            if let Some(ci) = case {
                let sp = match case_speaker.get(&ci) {
                    Some(sp) => sp.clone(),
                    None => {
                        let sp = plan.speaker_for(cases.get(ci).copied(), &variables);
                        case_speaker.insert(ci, sp.clone());
                        sp
                    }
                };
                a.speaker = sp;
            }
            // Already there? (same id, or same span, tags and annotator)
            let span_key = (a.doc.clone(), a.start, a.end, a.annotator.clone());
            let same_tags = |tags: &Vec<TagId>| {
                tags.len() == a.tags.len() && tags.iter().all(|t| a.tags.contains(t))
            };
            let found = if known_ids.contains(&a.id) {
                Some(a.id.clone())
            } else {
                known_spans
                    .get(&span_key)
                    .and_then(|v| v.iter().find(|(_, tags)| same_tags(tags)))
                    .map(|(id, _)| id.clone())
            };
            if let Some(id) = found {
                plan.skip(format!("{what}: already in the project as `{id}`"));
                selection_ann.insert(guid_key(selg), id);
                continue;
            }
            known_ids.insert(a.id.clone());
            known_spans
                .entry(span_key)
                .or_default()
                .push((a.id.clone(), a.tags.clone()));
            if !plan.annotators.contains(&a.annotator) {
                plan.annotators.push(a.annotator.clone());
            }
            selection_ann.insert(guid_key(selg), a.id.clone());
            plan.annotations.push(a);
            plan.report.annotations += 1;
        }
    }

    // Links between selections.
    for l in root.nested("Links", "Link") {
        let lg = l.attr("guid").unwrap_or("");
        let ends = (
            l.attr("originGUID").map(guid_key),
            l.attr("targetGUID").map(guid_key),
        );
        let (Some(from), Some(to)) = (
            ends.0.as_ref().and_then(|g| selection_ann.get(g)),
            ends.1.as_ref().and_then(|g| selection_ann.get(g)),
        ) else {
            plan.skip(format!(
                "link {lg}: it does not join two imported text selections"
            ));
            continue;
        };
        if from == to {
            plan.skip(format!("link {lg}: it joins a selection to itself"));
            continue;
        }
        let kind = l
            .attr("name")
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .unwrap_or("related")
            .to_string();
        if !known_links.insert((from.clone(), to.clone(), kind.clone())) {
            plan.skip(format!("link {lg}: already in the project"));
            continue;
        }
        if !plan.kinds.contains(&kind) {
            plan.kinds.push(kind.clone());
        }
        let mut id = RelationId::new(id_from_guid("rel", lg));
        if !link_ids.insert(id.clone()) {
            id = RelationId::generate();
        }
        let rel_annotator = if annotator.is_empty() {
            plan.annotations
                .iter()
                .chain(project.annotations.iter().map(|a| &**a))
                .find(|a| &a.id == from)
                .map(|a| a.annotator.clone())
                .unwrap_or_else(|| "imported".into())
        } else {
            annotator.to_string()
        };
        plan.relations.push(Relation {
            id,
            from: from.clone(),
            to: to.clone(),
            kind,
            annotator: rel_annotator,
        });
        plan.report.relations += 1;
    }
    for (what, n) in [
        ("sets (<Sets>)", root.child("Sets").is_some()),
        ("graphs (<Graphs>)", root.child("Graphs").is_some()),
    ] {
        if n {
            plan.skip(format!("{what} are not imported"));
        }
    }
    let label = format!(
        "import {}",
        from.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "REFI-QDA project".into())
    );
    Ok(plan.into_edit(label))
}

impl Plan<'_> {
    /// The speaker a case stands for: an existing speaker answering to its
    /// name, or a new one (with role and aliases from the case).
    fn speaker_for(
        &mut self,
        case: Option<&Node>,
        variables: &HashMap<String, String>,
    ) -> Option<SpeakerId> {
        let case = case?;
        let name = case.attr("name").map(str::trim).filter(|n| !n.is_empty())?;
        if let Some(s) = self
            .project
            .speakers
            .iter()
            .chain(self.new_speakers.iter())
            .find(|s| s.answers_to(name))
        {
            return Some(s.id.clone());
        }
        let mut role = String::new();
        let mut aliases = Vec::new();
        for vv in case.all("VariableValue") {
            let var = vv
                .child("VariableRef")
                .and_then(|r| r.attr("targetGUID"))
                .and_then(|g| variables.get(&guid_key(g)))
                .map(String::as_str);
            let value = vv.child("TextValue").map(|t| t.text.trim()).unwrap_or("");
            match var {
                Some("Role") => role = value.to_string(),
                Some("Aliases") => {
                    aliases = value
                        .split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(String::from)
                        .collect()
                }
                _ => {}
            }
        }
        if role.is_empty() {
            role = case
                .child("Description")
                .map(|d| d.text.trim().to_string())
                .unwrap_or_default();
        }
        let mut id = SpeakerId::new(id_from_guid("spk", case.attr("guid").unwrap_or("")));
        if self.project.speaker(&id).is_some() || self.new_speakers.iter().any(|s| s.id == id) {
            id = SpeakerId::generate();
        }
        self.new_speakers.push(Speaker {
            id: id.clone(),
            name: name.to_string(),
            aliases,
            role,
        });
        self.report.speakers += 1;
        Some(id)
    }
}

/// An `xsd:dateTime` as a time stamp (no zone means UTC); now if missing or bad.
fn parse_time(s: Option<&str>) -> Timestamp {
    let Some(s) = s.map(str::trim) else {
        return Timestamp::now();
    };
    let t = Timestamp(s.to_string());
    if t.is_valid() {
        return t;
    }
    let z = Timestamp(format!("{s}Z"));
    if z.is_valid() {
        return z;
    }
    Timestamp::now()
}

/// The ways a selection's offsets can be read against a source text.
struct Readings<'a> {
    /// The text as the archive holds it (BOM removed), chars.
    raw: Option<Vec<usize>>,
    /// The document's (normalized) text.
    text: &'a str,
}

impl<'a> Readings<'a> {
    fn new(raw: &str, text: &'a str) -> Self {
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        // Only a text with CRs reads differently from the normalized one.
        let map = raw.contains('\r').then(|| {
            let mut map = Vec::with_capacity(raw.len() + 1);
            let mut n = 0;
            let mut chars = raw.chars().peekable();
            while let Some(c) = chars.next() {
                map.push(n);
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                    map.push(n);
                }
                n += 1;
            }
            map.push(n);
            map
        });
        Self { raw: map, text }
    }

    /// The char range of the normalized text a selection covers. Offsets
    /// are read as chars of the archived text first; when the selection
    /// names its quote and that reading does not match but another one
    /// (chars with CRLF as one, UTF-16 units) does, that one is used.
    fn place(&self, r: Range<usize>, quote: Option<&str>) -> Option<Range<usize>> {
        if r.start >= r.end {
            return None;
        }
        let len = text::char_len(self.text);
        let valid = |c: Range<usize>| (c.start < c.end && c.end <= len).then_some(c);
        let as_raw = match &self.raw {
            Some(map) => map
                .get(r.start)
                .zip(map.get(r.end))
                .and_then(|(&s, &e)| valid(s..e)),
            None => valid(r.clone()),
        };
        let as_normalized = valid(r.clone());
        let as_utf16 = text::utf16_to_char(self.text, r.start)
            .zip(text::utf16_to_char(self.text, r.end))
            .and_then(|(s, e)| valid(s..e));
        let candidates = [as_raw, as_normalized, as_utf16];
        if let Some(q) = quote.filter(|q| !q.is_empty()) {
            let matches = |c: &Range<usize>| {
                text::slice_chars(self.text, c.clone())
                    .is_some_and(|s| s == q || s.replace('\n', "\r\n") == q)
            };
            if let Some(c) = candidates.iter().flatten().find(|c| matches(c)) {
                return Some(c.clone());
            }
        }
        candidates.into_iter().flatten().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_uuids_and_reuse_v7() {
        let g = guid("annotation", "ann-miller-01");
        assert!(parse_guid(&g).is_some());
        assert_eq!(g, guid("annotation", "ann-miller-01"));
        assert_ne!(g, guid("tag", "ann-miller-01"));
        let id = AnnotationId::generate();
        let g = guid("annotation", id.as_str());
        assert_eq!(id_from_guid("ann", &g), id.0);
        assert_eq!(
            id_from_guid("ann", &format!("{{{}}}", g.to_uppercase())),
            id.0
        );
    }

    #[test]
    fn escaping_keeps_newlines_in_attributes_and_drops_illegal_chars() {
        assert_eq!(
            escape_attr("a\"<&>'\nb\u{1}"),
            "a&quot;&lt;&amp;&gt;&apos;&#10;b\u{fffd}"
        );
        assert_eq!(escape_text("x<y & \u{0}"), "x&lt;y &amp; \u{fffd}");
    }

    #[test]
    fn xml_errors_give_line_and_column() {
        let err = parse_xml("<a>\n  <b></c>\n</a>", "t.xml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("t.xml: line 2"), "{msg}");
        let err = parse_xml("<a><b>", "t.xml").unwrap_err().to_string();
        assert!(err.contains("ends inside <b>"), "{err}");
        let err = parse_xml("<a>&bogus;</a>", "t.xml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bogus"), "{err}");
        let n = parse_xml(
            "<x:a xmlns:x='u' k='1&amp;2'>t&lt;&#x1F600;<![CDATA[<c>]]></x:a>",
            "t",
        )
        .unwrap();
        assert_eq!(n.name, "a");
        assert_eq!(n.attr("k"), Some("1&2"));
        assert_eq!(n.text, "t<😀<c>");
    }

    #[test]
    fn entry_names_that_escape_are_refused() {
        for bad in [
            "../evil.txt",
            "/etc/passwd",
            "a/../../b",
            "C:\\x",
            "\\\\server\\x",
            "a\\..\\b",
        ] {
            assert!(check_entry_name(bad).is_err(), "{bad}");
        }
        for good in ["project.qde", "sources/x.txt", "a..b.txt"] {
            assert!(check_entry_name(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn readings_handle_crlf_and_utf16() {
        let raw = "ab\r\ncd😀ef";
        let (text, _) = crate::model::document::normalize(raw);
        let r = Readings::new(raw, &text);
        // "cd" is chars 4..6 of the raw text, 3..5 of the normalized one.
        assert_eq!(r.place(4..6, Some("cd")), Some(3..5));
        assert_eq!(r.place(3..5, Some("cd")), Some(3..5));
        // "ef" after the emoji: chars 3..5, UTF-16 units 4..6.
        let r = Readings::new("cd😀ef", "cd😀ef");
        assert_eq!(r.place(4..6, Some("ef")), Some(3..5));
        assert_eq!(r.place(3..5, Some("ef")), Some(3..5));
        assert_eq!(r.place(5..5, None), None);
        assert_eq!(r.place(5..500, None), None);
    }
}
