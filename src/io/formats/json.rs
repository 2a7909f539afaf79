//! JSON: a stable, documented mirror of the selected part of a project.
//!
//! ```json
//! {
//!   "format": "marginalia-json", "version": 1, "project": "name",
//!   "offsets": "chars",              // or "utf16" / "bytes"
//!   "relation_kinds": ["agrees", …],
//!   "documents":  [{"id", "title", "source", "sha256", "text"}],
//!   "codebook":   [{"id", "name", "color", "parent", "key", "description"}],
//!   "speakers":   [{"id", "name", "aliases", "role"}],
//!   "annotations":[{"id", "document", "start", "end", "quote", "prefix",
//!                   "suffix", "tags": [tag ids], "speaker": id|null, "note",
//!                   "annotator", "created", "modified"}],
//!   "relations":  [{"id", "from", "to", "kind", "annotator"}]
//! }
//! ```
//! Only documents, tags and speakers used by the selection are written
//! (tags with their ancestors). Import matches documents by text, tags and
//! speakers by name, and adds what is missing.

use super::common::{
    AnnotationIn, ImportBuilder, OffsetIndex, Selection, SpanIn, checked_offsets, parse_unit,
    read_text, unit_name, write_file,
};
use super::json_splice::Splice;
use super::{ExportOptions, FormatError, ImportReport};
use crate::model::{Color, Edit, Project, TagId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The value of the `format` key.
pub const FORMAT_NAME: &str = "marginalia-json";
/// The version of the JSON layout.
pub const VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonFile {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// Layout version, [`VERSION`].
    pub version: u32,
    /// Project name.
    #[serde(default)]
    pub project: String,
    /// Unit of every offset in the file.
    #[serde(default = "chars")]
    pub offsets: String,
    /// Relation kinds.
    #[serde(default)]
    pub relation_kinds: Vec<String>,
    /// Documents.
    #[serde(default)]
    pub documents: Vec<JsonDocument>,
    /// Tags.
    #[serde(default)]
    pub codebook: Vec<JsonTag>,
    /// Speakers.
    #[serde(default)]
    pub speakers: Vec<JsonSpeaker>,
    /// Annotations.
    #[serde(default)]
    pub annotations: Vec<JsonAnnotation>,
    /// Relations.
    #[serde(default)]
    pub relations: Vec<JsonRelation>,
}

fn chars() -> String {
    "chars".into()
}

/// A document.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonDocument {
    /// Id.
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Source file or URL.
    #[serde(default)]
    pub source: Option<String>,
    /// SHA-256 of the text.
    #[serde(default)]
    pub sha256: String,
    /// The text (LF line ends).
    pub text: String,
}

/// A tag.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonTag {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `#rrggbb`.
    #[serde(default)]
    pub color: Option<String>,
    /// Parent tag id.
    #[serde(default)]
    pub parent: Option<String>,
    /// Hotkey.
    #[serde(default)]
    pub key: Option<u8>,
    /// Description.
    #[serde(default)]
    pub description: String,
}

/// A speaker.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonSpeaker {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Aliases.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Role.
    #[serde(default)]
    pub role: String,
}

/// An annotation.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonAnnotation {
    /// Id.
    pub id: String,
    /// Document id.
    pub document: String,
    /// Start offset.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// Covered text.
    pub quote: String,
    /// Context before.
    #[serde(default)]
    pub prefix: String,
    /// Context after.
    #[serde(default)]
    pub suffix: String,
    /// Tag ids.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Speaker id.
    #[serde(default)]
    pub speaker: Option<String>,
    /// Note.
    #[serde(default)]
    pub note: String,
    /// Annotator set.
    #[serde(default)]
    pub annotator: String,
    /// RFC 3339.
    #[serde(default)]
    pub created: String,
    /// RFC 3339.
    #[serde(default)]
    pub modified: String,
}

/// A relation.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonRelation {
    /// Id.
    pub id: String,
    /// Source annotation id.
    pub from: String,
    /// Target annotation id.
    pub to: String,
    /// Kind.
    pub kind: String,
    /// Who made it.
    #[serde(default)]
    pub annotator: String,
}

/// Builds the JSON mirror.
pub fn to_json_file(project: &Project, options: &ExportOptions) -> Result<JsonFile, FormatError> {
    let sel = Selection::new(project, options);
    let mut used_tags: HashSet<&TagId> = HashSet::new();
    for a in &sel.annotations {
        for t in &a.tags {
            let mut cur = Some(t);
            let mut guard = 0;
            while let Some(id) = cur {
                if !used_tags.insert(id) || guard > project.codebook.tags.len() {
                    break;
                }
                guard += 1;
                cur = project.codebook.get(id).and_then(|t| t.parent.as_ref());
            }
        }
    }
    let used_speakers: HashSet<_> = sel
        .annotations
        .iter()
        .filter_map(|a| a.speaker.as_ref())
        .collect();
    let mut annotations = Vec::with_capacity(sel.annotations.len());
    for d in &sel.documents {
        let idx = OffsetIndex::new(&d.text);
        for a in sel.annotations_of(&d.id) {
            let (start, end) = checked_offsets(&idx, a, options.offsets)?;
            annotations.push(JsonAnnotation {
                id: a.id.0.clone(),
                document: a.doc.0.clone(),
                start,
                end,
                quote: a.quote.clone(),
                prefix: a.prefix.clone(),
                suffix: a.suffix.clone(),
                tags: a.tags.iter().map(|t| t.0.clone()).collect(),
                speaker: a.speaker.as_ref().map(|s| s.0.clone()),
                note: a.note.clone(),
                annotator: a.annotator.clone(),
                created: a.created.0.clone(),
                modified: a.modified.0.clone(),
            });
        }
    }
    Ok(JsonFile {
        format: FORMAT_NAME.into(),
        version: VERSION,
        project: project.name.clone(),
        offsets: unit_name(options.offsets).into(),
        relation_kinds: project.relation_kinds.clone(),
        documents: sel
            .documents
            .iter()
            .map(|d| JsonDocument {
                id: d.id.0.clone(),
                title: d.title.clone(),
                source: d.source.clone(),
                sha256: d.sha256.clone(),
                text: d.text.clone(),
            })
            .collect(),
        codebook: project
            .codebook
            .tags
            .iter()
            .filter(|t| used_tags.contains(&t.id))
            .map(|t| JsonTag {
                id: t.id.0.clone(),
                name: t.name.clone(),
                color: Some(t.color.to_string()),
                parent: t.parent.as_ref().map(|p| p.0.clone()),
                key: t.key,
                description: t.description.clone(),
            })
            .collect(),
        speakers: project
            .speakers
            .iter()
            .filter(|s| used_speakers.contains(&s.id))
            .map(|s| JsonSpeaker {
                id: s.id.0.clone(),
                name: s.name.clone(),
                aliases: s.aliases.clone(),
                role: s.role.clone(),
            })
            .collect(),
        annotations,
        relations: sel
            .relations
            .iter()
            .map(|r| JsonRelation {
                id: r.id.0.clone(),
                from: r.from.0.clone(),
                to: r.to.0.clone(),
                kind: r.kind.clone(),
                annotator: r.annotator.clone(),
            })
            .collect(),
    })
}

/// Writes the JSON file.
pub fn export_json(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let mut file = to_json_file(project, options)?;
    // The annotations are printed one at a time and spliced in (see
    // [`Splice`]); the rest of the file is small.
    let annotations = std::mem::take(&mut file.annotations)
        .iter()
        .map(|a| {
            let v = serde_json::to_value(a)
                .map_err(|e| FormatError::Malformed(format!("cannot serialize JSON: {e}")))?;
            Splice::item(&v)
        })
        .collect::<Result<Vec<String>, FormatError>>()?;
    let mut splice = Splice::new();
    let mut v = serde_json::to_value(&file)
        .map_err(|e| FormatError::Malformed(format!("cannot serialize JSON: {e}")))?;
    let slot = v.get_mut("annotations").ok_or_else(|| {
        FormatError::Malformed("cannot serialize JSON: no annotations field".into())
    })?;
    *slot = splice.array(annotations);
    write_file(out, splice.to_json_pretty(&v)?.as_bytes())
}

/// Reads a file written by [`export_json`].
pub fn import_json(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let src = read_text(from)?;
    let file: JsonFile = serde_json::from_str(&src).map_err(|e| {
        FormatError::Malformed(format!(
            "{}: not a Marginalia JSON file: {e}",
            from.display()
        ))
    })?;
    if file.format != FORMAT_NAME {
        return Err(FormatError::Malformed(format!(
            "{}: `format` is {:?}, expected {FORMAT_NAME:?}",
            from.display(),
            file.format
        )));
    }
    if file.version > VERSION {
        return Err(FormatError::Unsupported(format!(
            "{}: JSON layout version {} is newer than this program reads ({VERSION})",
            from.display(),
            file.version
        )));
    }
    let unit = parse_unit(&file.offsets).ok_or_else(|| {
        FormatError::Malformed(format!(
            "{}: unknown offset unit {:?}",
            from.display(),
            file.offsets
        ))
    })?;
    let mut b = ImportBuilder::new(project, annotator, "json");
    let mut docs = HashMap::new();
    for d in &file.documents {
        if let Some(id) = b.document(Some(&d.id), Some(&d.title), Some(&d.text)) {
            docs.insert(d.id.as_str(), id);
        }
    }
    // Tags: by name, parents first (file order may be any).
    let by_id: HashMap<&str, &JsonTag> = file.codebook.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut tag_ids: HashMap<String, TagId> = HashMap::new();
    fn resolve(
        id: &str,
        by_id: &HashMap<&str, &JsonTag>,
        b: &mut ImportBuilder,
        done: &mut HashMap<String, TagId>,
        depth: usize,
    ) -> Option<TagId> {
        if let Some(t) = done.get(id) {
            return Some(t.clone());
        }
        let t = by_id.get(id)?;
        let parent = match (&t.parent, depth < 64) {
            (Some(p), true) => resolve(p, by_id, b, done, depth + 1),
            _ => None,
        };
        let tid = b.tag_colored(
            &t.name,
            parent.as_ref(),
            t.color.as_deref().and_then(Color::parse),
        );
        done.insert(id.to_string(), tid.clone());
        Some(tid)
    }
    for t in &file.codebook {
        resolve(&t.id, &by_id, &mut b, &mut tag_ids, 0);
    }
    let speakers: HashMap<&str, &str> = file
        .speakers
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    for a in &file.annotations {
        let what = format!("annotation `{}`", a.id);
        let Some(doc) = docs
            .get(a.document.as_str())
            .cloned()
            .or_else(|| b.document(Some(&a.document), None, None))
        else {
            b.skip(format!(
                "{what}: document `{}` is not in the file or the project",
                a.document
            ));
            continue;
        };
        let mut tags = Vec::new();
        for t in &a.tags {
            match tag_ids.get(t) {
                Some(id) => tags.push(id.clone()),
                None => match project.codebook.get(&TagId::new(t.clone())) {
                    Some(pt) => tags.push(pt.id.clone()),
                    None => b.skip(format!("{what}: tag `{t}` is not in the codebook; dropped")),
                },
            }
        }
        let speaker = a.speaker.as_deref().and_then(|s| {
            speakers.get(s).map(|n| n.to_string()).or_else(|| {
                project
                    .speaker(&crate::model::SpeakerId::new(s))
                    .map(|x| x.name.clone())
            })
        });
        let span = SpanIn {
            start: Some(a.start),
            end: Some(a.end),
            unit: Some(unit),
            quote: Some(&a.quote),
            ..Default::default()
        };
        let fields = AnnotationIn {
            id: Some(a.id.clone()),
            tags: Vec::new(),
            speaker,
            note: a.note.clone(),
            annotator: Some(a.annotator.clone()),
            created: Some(a.created.clone()),
            modified: Some(a.modified.clone()),
        };
        if let Some(id) = b.annotation(Some(&a.id), &doc, &span, fields, &what)
            && let Some(ann) = b.added_mut(&id)
        {
            ann.tags = tags;
        }
    }
    for r in &file.relations {
        b.relation(
            Some(&r.id),
            &r.from,
            &r.to,
            &r.kind,
            Some(&r.annotator),
            &format!("relation `{}`", r.id),
        );
    }
    Ok(b.finish("import JSON"))
}
