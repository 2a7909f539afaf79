//! W3C Web Annotation (JSON-LD): an `AnnotationCollection` whose `first`
//! page holds every annotation as `items`.
//!
//! Mapping:
//! - `id`: `urn:marginalia:annotation:ID` (our id, percent-encoded), stable
//!   across exports; relations use `urn:marginalia:relation:ID`.
//! - `motivation`: `tagging` when the annotation has tags, else `commenting`
//!   when it has a note, else `highlighting`; relations are `linking`.
//! - `creator`: `{"id": "urn:marginalia:annotator:NAME", "type": "Person",
//!   "name": NAME}` (the annotator set).
//! - `body`: one `TextualBody` per tag (`purpose: tagging`, value = tag name),
//!   the note (`purpose: commenting`), and the speaker as a `TextualBody`
//!   with `purpose: describing`, value = the speaker's name (a body with an
//!   `id` would count as an External Web Resource, which may not have a
//!   purpose). The importer reads the first `describing` body as the speaker
//!   and any further ones into the note; a `Person`-typed body with a `name`
//!   is read as the speaker too.
//! - `target`: `{"source": document IRI, "selector": [TextQuoteSelector
//!   {exact, prefix, suffix}, TextPositionSelector {start, end}]}`. The
//!   document IRI is its `source` when that is an http(s) URL, else
//!   `urn:marginalia:document:ID`.
//! - A relation: `motivation: linking`, `body` a `TextualBody` holding the
//!   kind (`purpose: tagging`), `target` the two annotation ids (from, to).
//!
//! Positions are code points (the spec's unit) unless the export asks for
//! another unit. The importer accepts a collection, a page, one annotation or
//! a list; it uses `TextPositionSelector`, checks it against
//! `TextQuoteSelector.exact` (trying UTF-16 and byte positions when chars do
//! not fit), and re-anchors by the quote (with prefix/suffix) when the
//! position is missing.

use super::common::{
    AnnotationIn, ImportBuilder, OffsetIndex, Selection, SpanIn, checked_offsets, parse_json,
    read_text, speaker_name, tag_names, write_file,
};
use super::json_splice::Splice;
use super::{ExportOptions, FormatError, ImportReport};
use crate::model::{DocId, Document, Edit, Project};
use serde_json::{Map, Value, json};
use std::path::Path;

/// The Web Annotation JSON-LD context.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Prefix of annotation IRIs.
pub const ANNOTATION_IRI: &str = "urn:marginalia:annotation:";
/// Prefix of relation IRIs.
pub const RELATION_IRI: &str = "urn:marginalia:relation:";
/// Prefix of document IRIs.
pub const DOCUMENT_IRI: &str = "urn:marginalia:document:";
/// Prefix of annotator IRIs.
pub const ANNOTATOR_IRI: &str = "urn:marginalia:annotator:";

/// Percent-encodes everything but unreserved URI characters.
pub fn iri_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`iri_part`] (invalid escapes are kept as they are).
pub fn iri_unpart(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The IRI of a document.
pub fn document_iri(d: &Document) -> String {
    match &d.source {
        Some(s) if s.starts_with("http://") || s.starts_with("https://") => s.clone(),
        _ => format!("{DOCUMENT_IRI}{}", iri_part(d.id.as_str())),
    }
}

fn creator(name: &str) -> Value {
    json!({"id": format!("{ANNOTATOR_IRI}{}", iri_part(name)), "type": "Person", "name": name})
}

/// The collection's items (annotations, then links), each printed as soon
/// as it is built (see [`Splice`]).
fn printed_items(project: &Project, options: &ExportOptions) -> Result<Vec<String>, FormatError> {
    let sel = Selection::new(project, options);
    let mut items = Vec::new();
    for d in &sel.documents {
        let idx = OffsetIndex::new(&d.text);
        let source = document_iri(d);
        for a in sel.annotations_of(&d.id) {
            let (start, end) = checked_offsets(&idx, a, options.offsets)?;
            let mut body: Vec<Value> = tag_names(project, a)
                .into_iter()
                .map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t}))
                .collect();
            if !a.note.is_empty() {
                body.push(json!({"type": "TextualBody", "purpose": "commenting", "format": "text/plain", "value": a.note}));
            }
            if let Some(name) = speaker_name(project, a) {
                body.push(json!({"type": "TextualBody", "purpose": "describing", "value": name}));
            }
            let motivation = if !a.tags.is_empty() {
                "tagging"
            } else if !a.note.is_empty() {
                "commenting"
            } else {
                "highlighting"
            };
            let mut item = Map::new();
            item.insert("@context".into(), json!(CONTEXT));
            item.insert(
                "id".into(),
                json!(format!("{ANNOTATION_IRI}{}", iri_part(a.id.as_str()))),
            );
            item.insert("type".into(), json!("Annotation"));
            item.insert("motivation".into(), json!(motivation));
            item.insert("created".into(), json!(a.created.0));
            item.insert("modified".into(), json!(a.modified.0));
            item.insert("creator".into(), creator(&a.annotator));
            if !body.is_empty() {
                item.insert("body".into(), Value::Array(body));
            }
            item.insert(
                "target".into(),
                json!({
                    "source": source,
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": a.quote, "prefix": a.prefix, "suffix": a.suffix},
                        {"type": "TextPositionSelector", "start": start, "end": end}
                    ]
                }),
            );
            items.push(Splice::item(&item)?);
        }
    }
    for r in &sel.relations {
        items.push(Splice::item(&json!({
            "@context": CONTEXT,
            "id": format!("{RELATION_IRI}{}", iri_part(r.id.as_str())),
            "type": "Annotation",
            "motivation": "linking",
            "creator": creator(&r.annotator),
            "body": {"type": "TextualBody", "purpose": "tagging", "value": r.kind},
            "target": [
                format!("{ANNOTATION_IRI}{}", iri_part(r.from.as_str())),
                format!("{ANNOTATION_IRI}{}", iri_part(r.to.as_str()))
            ]
        }))?);
    }
    Ok(items)
}

/// Writes the collection: one `AnnotationCollection` with one page.
pub fn export_w3c(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let printed = printed_items(project, options)?;
    let total = printed.len();
    let mut splice = Splice::new();
    let items = splice.array(printed);
    let base = format!("urn:marginalia:collection:{}", iri_part(&project.name));
    let collection = json!({
        "@context": CONTEXT,
        "id": base,
        "type": "AnnotationCollection",
        "label": project.name,
        "total": total,
        "first": {
            "id": format!("{base}:page1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items
        }
    });
    write_file(out, splice.to_json_pretty(&collection)?.as_bytes())
}

fn has_type(v: &Value, t: &str) -> bool {
    match v.get("type") {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(t)),
        _ => false,
    }
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(x) => vec![x],
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The annotations of a collection, page, list or single annotation.
fn items_of(doc: &Value) -> Result<Vec<&Value>, FormatError> {
    if let Value::Array(a) = doc {
        return Ok(a.iter().collect());
    }
    if !doc.is_object() {
        return Err(FormatError::Malformed(
            "expected a JSON object or list of Web Annotations".into(),
        ));
    }
    if has_type(doc, "AnnotationCollection") {
        return match doc.get("first") {
            Some(first @ Value::Object(_)) => Ok(as_list(first.get("items"))),
            Some(Value::String(iri)) => Err(FormatError::Unsupported(format!(
                "the collection's first page is only referenced ({iri}); save the page itself and import it"
            ))),
            _ => Ok(as_list(doc.get("items"))),
        };
    }
    if has_type(doc, "AnnotationPage") {
        return Ok(as_list(doc.get("items")));
    }
    Ok(vec![doc])
}

fn resolve_doc(project: &Project, source: &str) -> Option<DocId> {
    if let Some(id) = source.strip_prefix(DOCUMENT_IRI) {
        let id = iri_unpart(id);
        return project
            .documents
            .iter()
            .find(|d| d.id.0 == id)
            .map(|d| d.id.clone());
    }
    project
        .documents
        .iter()
        .find(|d| d.source.as_deref() == Some(source) || d.id.0 == source)
        .map(|d| d.id.clone())
}

/// Reads Web Annotations.
pub fn import_w3c(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let src = read_text(from)?;
    let doc = parse_json(from, &src)?;
    let items = items_of(&doc)?;
    let mut b = ImportBuilder::new(project, annotator, "w3c");
    let mut links = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let key = str_of(item, "id").map(str::to_string);
        let what = format!("annotation {} ({})", i, key.as_deref().unwrap_or("no id"));
        if !item.is_object() || !has_type(item, "Annotation") {
            b.skip(format!("{what}: not an object of type Annotation"));
            continue;
        }
        let motivations: Vec<&str> = as_list(item.get("motivation"))
            .into_iter()
            .filter_map(Value::as_str)
            .collect();
        let targets = as_list(item.get("target"));
        if motivations.contains(&"linking") {
            links.push((i, item, what));
            continue;
        }
        let Some(target) = targets.first() else {
            b.skip(format!("{what}: no target"));
            continue;
        };
        if targets.len() > 1 {
            b.skip(format!(
                "{what}: has {} targets; only the first is imported",
                targets.len()
            ));
        }
        let source = match target {
            Value::String(s) => Some(s.as_str()),
            t => match t.get("source") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(o) => str_of(o, "id"),
                None => None,
            },
        };
        let Some(source) = source else {
            b.skip(format!("{what}: the target names no source document"));
            continue;
        };
        let Some(doc_id) = resolve_doc(project, source) else {
            b.skip(format!("{what}: document {source} is not in the project"));
            continue;
        };
        let selectors = as_list(target.get("selector"));
        let pos = selectors
            .iter()
            .find(|s| has_type(s, "TextPositionSelector"));
        let quote = selectors.iter().find(|s| has_type(s, "TextQuoteSelector"));
        let num = |v: Option<&&Value>, k: &str| {
            v.and_then(|s| s.get(k))
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
        };
        let span = SpanIn {
            start: num(pos, "start"),
            end: num(pos, "end"),
            unit: None,
            quote: quote.and_then(|q| str_of(q, "exact")),
            prefix: quote.and_then(|q| str_of(q, "prefix")),
            suffix: quote.and_then(|q| str_of(q, "suffix")),
            reanchor: true,
        };
        if span.start.is_none() && span.quote.is_none() {
            b.skip(format!(
                "{what}: no TextPositionSelector or TextQuoteSelector"
            ));
            continue;
        }
        let default_tagging =
            motivations.contains(&"tagging") || motivations.contains(&"classifying");
        let mut fields = AnnotationIn {
            id: key
                .as_deref()
                .and_then(|k| k.strip_prefix(ANNOTATION_IRI))
                .map(iri_unpart),
            created: str_of(item, "created").map(str::to_string),
            modified: str_of(item, "modified").map(str::to_string),
            annotator: as_list(item.get("creator")).first().and_then(|c| match c {
                Value::String(s) => Some(
                    s.strip_prefix(ANNOTATOR_IRI)
                        .map(iri_unpart)
                        .unwrap_or_else(|| s.clone()),
                ),
                o => str_of(o, "name")
                    .or_else(|| str_of(o, "nickname"))
                    .map(str::to_string),
            }),
            ..Default::default()
        };
        let mut notes: Vec<String> = Vec::new();
        if let Some(v) = str_of(item, "bodyValue") {
            notes.push(v.to_string());
        }
        for body in as_list(item.get("body")) {
            let value = str_of(body, "value").map(str::to_string);
            let purpose = str_of(body, "purpose").unwrap_or(if default_tagging {
                "tagging"
            } else {
                "commenting"
            });
            let is_speaker = purpose == "describing" && fields.speaker.is_none();
            if has_type(body, "Person") {
                if let Some(n) = str_of(body, "name") {
                    fields.speaker = Some(n.to_string());
                }
                continue;
            }
            match (purpose, value) {
                (_, Some(v)) if is_speaker => fields.speaker = Some(v),
                ("tagging" | "classifying", Some(v)) => fields.tags.push(v),
                (_, Some(v)) => notes.push(v),
                (_, None) => b.skip(format!(
                    "{what}: a body without a textual value was left out"
                )),
            }
        }
        fields.note = notes.join("\n");
        b.annotation(key.as_deref(), &doc_id, &span, fields, &what);
    }
    for (_, item, what) in links {
        let ends: Vec<String> = as_list(item.get("target"))
            .into_iter()
            .filter_map(|t| match t {
                Value::String(s) => Some(s.clone()),
                o => str_of(o, "id")
                    .or_else(|| str_of(o, "source"))
                    .map(str::to_string),
            })
            .collect();
        let [from, to] = ends.as_slice() else {
            b.skip(format!(
                "{what}: a link needs exactly two annotation targets, found {}",
                ends.len()
            ));
            continue;
        };
        let kind = as_list(item.get("body"))
            .into_iter()
            .find_map(|bd| str_of(bd, "value"))
            .unwrap_or("link")
            .to_string();
        let id = str_of(item, "id")
            .and_then(|k| k.strip_prefix(RELATION_IRI))
            .map(iri_unpart);
        let annotator = as_list(item.get("creator"))
            .first()
            .and_then(|c| str_of(c, "name"))
            .map(str::to_string);
        b.relation(id.as_deref(), from, to, &kind, annotator.as_deref(), &what);
    }
    Ok(b.finish("import Web Annotations"))
}
