//! doccano JSONL: one JSON object per line, one line per document.
//!
//! Two forms, chosen by [`ExportOptions::doccano`]:
//! - `label`: `{"text", "label": [[start, end, "Tag"], …]}` (no relations);
//! - `entities`: `{"text", "entities": [{"id", "label", "start_offset",
//!   "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}`.
//!
//! [`DoccanoForm::Auto`] (the default) writes the entities form when the
//! selection holds relations, else the label form. Each line also carries
//! `doc_id`, `title` and `offset_unit` (extra keys doccano keeps as
//! metadata). An annotation with several tags becomes one span per tag; the
//! importer merges equal spans back. Untagged annotations get the label
//! `(untagged)`. Speakers, notes and annotator sets have no place in doccano
//! and are not written. Offsets honour [`ExportOptions::offsets`] (doccano's
//! front end counts UTF-16 code units); the importer reads `offset_unit` when
//! present and chars otherwise.

use super::brat::UNTAGGED_LABEL;
use super::common::{
    AnnotationIn, ImportBuilder, OffsetIndex, Selection, SpanIn, checked_offsets, parse_unit,
    read_text, tag_names, unit_name, write_file,
};
use super::{DoccanoForm, ExportOptions, FormatError, ImportReport, OffsetUnit};
use crate::model::{AnnotationId, Edit, Project};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;

/// Writes the JSONL file.
pub fn export_doccano(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let sel = Selection::new(project, options);
    let entities_form = match options.doccano {
        DoccanoForm::Auto => !sel.relations.is_empty(),
        DoccanoForm::Label => false,
        DoccanoForm::Entities => true,
    };
    let mut out_text = String::new();
    for (n, d) in sel.documents.iter().enumerate() {
        let idx = OffsetIndex::new(&d.text);
        let mut labels = Vec::new();
        let mut entities = Vec::new();
        let mut first_entity: HashMap<&AnnotationId, usize> = HashMap::new();
        for a in sel.annotations_of(&d.id) {
            let (s, e) = checked_offsets(&idx, a, options.offsets)?;
            let mut names = tag_names(project, a);
            if names.is_empty() {
                names.push(UNTAGGED_LABEL.to_string());
            }
            // Only the form written is built: 50,000 annotations as both
            // would hold twice the memory for nothing.
            for name in names {
                if entities_form {
                    let id = entities.len() + 1;
                    first_entity.entry(&a.id).or_insert(id);
                    entities
                        .push(json!({"id": id, "label": name, "start_offset": s, "end_offset": e}));
                } else {
                    labels.push(json!([s, e, name]));
                }
            }
        }
        let mut line = serde_json::Map::new();
        line.insert("id".into(), json!(n + 1));
        line.insert("text".into(), json!(d.text));
        if entities_form {
            let relations: Vec<Value> = sel
                .relations
                .iter()
                .filter_map(|r| Some((first_entity.get(&r.from)?, first_entity.get(&r.to)?, r)))
                .enumerate()
                .map(
                    |(i, (f, t, r))| json!({"id": i + 1, "from_id": f, "to_id": t, "type": r.kind}),
                )
                .collect();
            line.insert("entities".into(), Value::Array(entities));
            line.insert("relations".into(), Value::Array(relations));
        } else {
            line.insert("label".into(), Value::Array(labels));
        }
        line.insert("doc_id".into(), json!(d.id.as_str()));
        line.insert("title".into(), json!(d.title));
        line.insert("offset_unit".into(), json!(unit_name(options.offsets)));
        let s = serde_json::to_string(&Value::Object(line))
            .map_err(|e| FormatError::Malformed(format!("cannot serialize JSON: {e}")))?;
        out_text.push_str(&s);
        out_text.push('\n');
    }
    write_file(out, out_text.as_bytes())
}

fn as_usize(v: Option<&Value>) -> Option<usize> {
    v.and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn key_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads doccano JSONL in either form (detected per line).
pub fn import_doccano(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let src = read_text(from)?;
    let mut b = ImportBuilder::new(project, annotator, "doccano");
    let mut lines = 0;
    for (n, line) in src.lines().enumerate() {
        let ln = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        let at = format!("line {ln}");
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                b.skip(format!("{at}: not valid JSON: {e}"));
                continue;
            }
        };
        let Some(text) = v.get("text").and_then(Value::as_str) else {
            b.skip(format!("{at}: no \"text\""));
            continue;
        };
        let unit = match v.get("offset_unit").and_then(Value::as_str) {
            Some(u) => match parse_unit(u) {
                Some(u) => u,
                None => {
                    b.skip(format!("{at}: unknown offset_unit {u:?}"));
                    continue;
                }
            },
            None => OffsetUnit::Chars,
        };
        let doc_id = key_of(v.get("doc_id"));
        let title = v.get("title").and_then(Value::as_str);
        let Some(doc) = b.document(doc_id.as_deref(), title, Some(text)) else {
            b.skip(format!("{at}: document could not be matched"));
            continue;
        };
        // (key, start, end, label)
        let mut spans: Vec<(String, usize, usize, String)> = Vec::new();
        if let Some(ents) = v.get("entities").and_then(Value::as_array) {
            for (i, e) in ents.iter().enumerate() {
                let key = key_of(e.get("id")).unwrap_or_else(|| format!("#{i}"));
                match (
                    as_usize(e.get("start_offset")),
                    as_usize(e.get("end_offset")),
                    e.get("label").and_then(Value::as_str),
                ) {
                    (Some(s), Some(en), Some(l)) => spans.push((key, s, en, l.to_string())),
                    _ => b.skip(format!(
                        "{at}: entity {key} lacks start_offset/end_offset/label"
                    )),
                }
            }
        } else if let Some(labels) = v
            .get("label")
            .or_else(|| v.get("labels"))
            .and_then(Value::as_array)
        {
            for (i, l) in labels.iter().enumerate() {
                let arr = l.as_array().map(Vec::as_slice).unwrap_or(&[]);
                match arr {
                    [s, e, t] => match (as_usize(Some(s)), as_usize(Some(e)), t.as_str()) {
                        (Some(s), Some(e), Some(t)) => spans.push((format!("#{i}"), s, e, t.to_string())),
                        _ => b.skip(format!("{at}: label {i} is not [start, end, \"Tag\"]")),
                    },
                    _ => b.skip(format!("{at}: label {i} is not [start, end, \"Tag\"] (document-level labels are not imported)")),
                }
            }
        }
        // Merge equal spans into one multi-tag annotation.
        let mut groups: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        let mut group_of: HashMap<(usize, usize), usize> = HashMap::new();
        for (i, (_, s, e, _)) in spans.iter().enumerate() {
            match group_of.get(&(*s, *e)) {
                Some(&g) => {
                    if let Some(g) = groups.get_mut(g) {
                        g.2.push(i);
                    }
                }
                None => {
                    group_of.insert((*s, *e), groups.len());
                    groups.push((*s, *e, vec![i]));
                }
            }
        }
        for (s, e, members) in groups {
            let Some(first) = members.first().and_then(|&i| spans.get(i)) else {
                continue;
            };
            let what = format!("{at}, span {s}..{e}");
            let tags: Vec<String> = members
                .iter()
                .filter_map(|&i| spans.get(i))
                .map(|x| x.3.clone())
                .filter(|l| l != UNTAGGED_LABEL)
                .collect();
            let key = format!("{ln}\u{0}{}", first.0);
            let span = SpanIn {
                start: Some(s),
                end: Some(e),
                unit: Some(unit),
                ..Default::default()
            };
            let fields = AnnotationIn {
                tags,
                ..Default::default()
            };
            if let Some(id) = b.annotation(Some(&key), &doc, &span, fields, &what) {
                for &i in &members {
                    if let Some(x) = spans.get(i) {
                        b.alias_key(&format!("{ln}\u{0}{}", x.0), &id);
                    }
                }
            }
        }
        for (i, r) in v
            .get("relations")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let what = format!("{at}, relation {i}");
            let (Some(f), Some(t)) = (key_of(r.get("from_id")), key_of(r.get("to_id"))) else {
                b.skip(format!("{what}: lacks from_id/to_id"));
                continue;
            };
            let kind = r.get("type").and_then(Value::as_str).unwrap_or("link");
            b.relation(
                None,
                &format!("{ln}\u{0}{f}"),
                &format!("{ln}\u{0}{t}"),
                kind,
                None,
                &what,
            );
        }
    }
    if lines == 0 {
        return Err(FormatError::Malformed(format!(
            "{}: no JSON lines found",
            from.display()
        )));
    }
    Ok(b.finish("import doccano"))
}
