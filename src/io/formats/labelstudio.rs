//! Label Studio: a JSON list of tasks, plus the matching labelling config.
//!
//! One task per document: `{"id", "data": {"text", "title", "doc_id",
//! "offset_unit"}, "annotations": [...]}` with one `annotations` entry per
//! annotator set (`completed_by` = the set's name). Each annotation is a
//! region whose result id is our annotation id:
//! - `labels` result (`from_name: "label"`): `value {start, end, text,
//!   labels: [tag names]}` (untagged: `["(untagged)"]`);
//! - `choices` result (`from_name: "speaker"`, same id): the speaker;
//! - `textarea` result (`from_name: "note"`, same id): the note;
//! - relations: `{"type": "relation", from_id, to_id, labels: [kind],
//!   direction: "right"}`.
//!
//! The config (`<View><Labels name="label" toName="text">…`, a per-region
//! `<Choices name="speaker">`, `<TextArea name="note">` and `<Relations>`)
//! is written beside the tasks as `OUT.config.xml` (the output name with its
//! extension replaced: `tasks.json` → `tasks.config.xml`).
//! The importer reads tasks (a list or one task), their `annotations` and
//! their `predictions` (imported as set `prediction:MODEL` and reported).

use super::brat::UNTAGGED_LABEL;
use super::common::{
    AnnotationIn, ImportBuilder, OffsetIndex, Selection, SpanIn, checked_offsets, parse_json,
    parse_unit, read_text, speaker_name, tag_names, unit_name, write_file,
};
use super::json_splice::Splice;
use super::{ExportOptions, FormatError, ImportReport};
use crate::model::{Annotation, Edit, Project};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where the labelling config goes for tasks written to `out`.
pub fn config_path(out: &Path) -> PathBuf {
    out.with_extension("config.xml")
}

fn xml_attr(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            c => o.push(c),
        }
    }
    o
}

/// The labelling config XML.
pub fn config_xml(project: &Project) -> String {
    let mut x = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for (t, _) in project.codebook.tree_order() {
        let _ = writeln!(
            x,
            "    <Label value=\"{}\" background=\"{}\"/>",
            xml_attr(&t.name),
            t.color
        );
    }
    let _ = writeln!(
        x,
        "    <Label value=\"{}\" background=\"#dddddd\"/>",
        xml_attr(UNTAGGED_LABEL)
    );
    x.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n");
    x.push_str(
        "  <Choices name=\"speaker\" toName=\"text\" perRegion=\"true\" choice=\"single\">\n",
    );
    for s in &project.speakers {
        let _ = writeln!(x, "    <Choice value=\"{}\"/>", xml_attr(&s.name));
    }
    x.push_str("  </Choices>\n");
    x.push_str(
        "  <TextArea name=\"note\" toName=\"text\" perRegion=\"true\" editable=\"true\"/>\n",
    );
    x.push_str("  <Relations>\n");
    for k in &project.relation_kinds {
        let _ = writeln!(x, "    <Relation value=\"{}\"/>", xml_attr(k));
    }
    x.push_str("  </Relations>\n</View>\n");
    x
}

/// Builds the task list; each entry's results are printed as they are
/// built and left to `splice` (see [`Splice`]).
fn tasks(
    project: &Project,
    options: &ExportOptions,
    splice: &mut Splice,
) -> Result<Value, FormatError> {
    let sel = Selection::new(project, options);
    let sets = sel.annotators();
    let mut tasks = Vec::new();
    let mut entry_id = 0;
    for (n, d) in sel.documents.iter().enumerate() {
        let idx = OffsetIndex::new(&d.text);
        let anns = sel.annotations_of(&d.id);
        let mut entries = Vec::new();
        for set in &sets {
            let mine: Vec<&Annotation> = anns
                .iter()
                .filter(|a| &a.annotator == set)
                .copied()
                .collect();
            if mine.is_empty() {
                continue;
            }
            let ids: HashSet<&str> = mine.iter().map(|a| a.id.as_str()).collect();
            let mut result = Vec::new();
            for a in &mine {
                let (s, e) = checked_offsets(&idx, a, options.offsets)?;
                let mut labels = tag_names(project, a);
                if labels.is_empty() {
                    labels.push(UNTAGGED_LABEL.into());
                }
                let rid = a.id.as_str();
                result.push(Splice::item(
                    &json!({"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                    "value": {"start": s, "end": e, "text": a.quote, "labels": labels}}),
                )?);
                if let Some(name) = speaker_name(project, a) {
                    result.push(Splice::item(&json!({"id": rid, "from_name": "speaker", "to_name": "text", "type": "choices",
                        "value": {"start": s, "end": e, "choices": [name]}}))?);
                }
                if !a.note.is_empty() {
                    result.push(Splice::item(&json!({"id": rid, "from_name": "note", "to_name": "text", "type": "textarea",
                        "value": {"start": s, "end": e, "text": [a.note]}}))?);
                }
            }
            for r in &sel.relations {
                if ids.contains(r.from.as_str()) && ids.contains(r.to.as_str()) {
                    result.push(Splice::item(&json!({"type": "relation", "from_id": r.from.as_str(), "to_id": r.to.as_str(),
                        "labels": [r.kind], "direction": "right"}))?);
                }
            }
            entry_id += 1;
            let result = splice.array(result);
            entries.push(json!({"id": entry_id, "completed_by": set, "result": result}));
        }
        tasks.push(json!({
            "id": n + 1,
            "data": {"text": d.text, "title": d.title, "doc_id": d.id.as_str(), "offset_unit": unit_name(options.offsets)},
            "annotations": entries
        }));
    }
    Ok(Value::Array(tasks))
}

/// Writes the tasks to `out` and the config to [`config_path`].
pub fn export_labelstudio(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let mut splice = Splice::new();
    let v = tasks(project, options, &mut splice)?;
    write_file(out, splice.to_json_pretty(&v)?.as_bytes())?;
    write_file(&config_path(out), config_xml(project).as_bytes())
}

fn key_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn who(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(format!("user {n}")),
        Value::Object(o) => o
            .get("email")
            .or_else(|| o.get("username"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    }
}

/// Reads Label Studio tasks.
pub fn import_labelstudio(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let src = read_text(from)?;
    let v = parse_json(from, &src)?;
    let tasks: Vec<&Value> = match &v {
        Value::Array(a) => a.iter().collect(),
        o @ Value::Object(_) => vec![o],
        _ => {
            return Err(FormatError::Malformed(format!(
                "{}: expected a list of Label Studio tasks",
                from.display()
            )));
        }
    };
    let mut b = ImportBuilder::new(project, annotator, "labelstudio");
    for (ti, task) in tasks.iter().enumerate() {
        let tkey = key_of(task.get("id")).unwrap_or_else(|| format!("#{ti}"));
        let at = format!("task {tkey}");
        let data = task.get("data");
        let Some(text) = data.and_then(|d| d.get("text")).and_then(Value::as_str) else {
            b.skip(format!("{at}: no data.text"));
            continue;
        };
        let unit = match data
            .and_then(|d| d.get("offset_unit"))
            .and_then(Value::as_str)
        {
            Some(u) => parse_unit(u),
            None => None,
        };
        let doc_id = data.and_then(|d| key_of(d.get("doc_id")));
        let title = data.and_then(|d| d.get("title")).and_then(Value::as_str);
        let Some(doc) = b.document(doc_id.as_deref(), title, Some(text)) else {
            b.skip(format!("{at}: document could not be matched"));
            continue;
        };
        let mut entries: Vec<(String, &Value, Option<String>)> = Vec::new();
        for (kind, list) in [
            ("annotation", task.get("annotations")),
            ("prediction", task.get("predictions")),
        ] {
            for (ei, e) in list
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let set = if kind == "prediction" {
                    let model = e
                        .get("model_version")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown");
                    Some(format!("prediction:{model}"))
                } else {
                    who(e.get("completed_by"))
                };
                let ekey = key_of(e.get("id")).unwrap_or_else(|| format!("{kind}{ei}"));
                entries.push((format!("{at}, {kind} {ekey}"), e, set));
            }
        }
        for (ewhat, e, set) in entries {
            let is_prediction = set.as_deref().is_some_and(|s| s.starts_with("prediction:"));
            let results = e
                .get("result")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            // Regions: id → (start, end, text, labels, speaker, note)
            #[derive(Default)]
            struct Region {
                start: Option<usize>,
                end: Option<usize>,
                text: Option<String>,
                labels: Vec<String>,
                speaker: Option<String>,
                notes: Vec<String>,
                has_labels: bool,
            }
            let mut order: Vec<String> = Vec::new();
            let mut regions: std::collections::HashMap<String, Region> = Default::default();
            let mut rels = Vec::new();
            for (ri, r) in results.iter().enumerate() {
                let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
                if ty == "relation" {
                    rels.push((ri, r));
                    continue;
                }
                let rid = key_of(r.get("id")).unwrap_or_else(|| format!("#{ri}"));
                let val = r.get("value");
                let num = |k: &str| {
                    val.and_then(|v| v.get(k))
                        .and_then(Value::as_u64)
                        .and_then(|n| usize::try_from(n).ok())
                };
                if !regions.contains_key(&rid) {
                    order.push(rid.clone());
                }
                let reg = regions.entry(rid.clone()).or_default();
                reg.start = reg.start.or(num("start"));
                reg.end = reg.end.or(num("end"));
                let list = |k: &str| -> Vec<String> {
                    val.and_then(|v| v.get(k))
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default()
                };
                match ty {
                    "labels" | "hypertextlabels" => {
                        reg.has_labels = true;
                        reg.labels.extend(list("labels"));
                        if let Some(t) = val.and_then(|v| v.get("text")).and_then(Value::as_str) {
                            reg.text = Some(t.to_string());
                        }
                    }
                    "choices" if r.get("from_name").and_then(Value::as_str) == Some("speaker") => {
                        reg.speaker = list("choices").into_iter().next();
                    }
                    "textarea" => reg.notes.extend(list("text")),
                    other => b.skip(format!(
                        "{ewhat}, result {rid}: type `{other}` is not imported"
                    )),
                }
            }
            let mut imported = 0;
            for rid in order {
                let Some(reg) = regions.remove(&rid) else {
                    continue;
                };
                let what = format!("{ewhat}, region {rid}");
                if !reg.has_labels {
                    b.skip(format!("{what}: no labels result for this region"));
                    continue;
                }
                let span = SpanIn {
                    start: reg.start,
                    end: reg.end,
                    unit,
                    quote: reg.text.as_deref(),
                    ..Default::default()
                };
                let fields = AnnotationIn {
                    id: if is_prediction {
                        None
                    } else {
                        Some(rid.clone())
                    },
                    tags: reg
                        .labels
                        .into_iter()
                        .filter(|l| l != UNTAGGED_LABEL)
                        .collect(),
                    speaker: reg.speaker,
                    note: reg.notes.join("\n"),
                    annotator: set.clone(),
                    ..Default::default()
                };
                let key = format!("{ewhat}\u{0}{rid}");
                if b.annotation(Some(&key), &doc, &span, fields, &what)
                    .is_some()
                {
                    imported += 1;
                }
            }
            for (ri, r) in rels {
                let what = format!("{ewhat}, relation {ri}");
                let (Some(f), Some(t)) = (key_of(r.get("from_id")), key_of(r.get("to_id"))) else {
                    b.skip(format!("{what}: lacks from_id/to_id"));
                    continue;
                };
                let kind = r
                    .get("labels")
                    .and_then(Value::as_array)
                    .and_then(|l| l.first())
                    .and_then(Value::as_str)
                    .unwrap_or("link");
                let (f, t) = match r.get("direction").and_then(Value::as_str) {
                    Some("left") => (t, f),
                    _ => (f, t),
                };
                b.relation(
                    None,
                    &format!("{ewhat}\u{0}{f}"),
                    &format!("{ewhat}\u{0}{t}"),
                    kind,
                    set.as_deref(),
                    &what,
                );
            }
            if is_prediction && imported > 0 {
                b.note(format!(
                    "{ewhat}: {imported} predicted regions imported as set `{}`",
                    set.as_deref().unwrap_or("")
                ));
            }
        }
    }
    Ok(b.finish("import Label Studio"))
}
