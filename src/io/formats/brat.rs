//! brat standoff: a folder with `NAME.txt` + `NAME.ann` per document,
//! `annotation.conf` and `visual.conf`.
//!
//! - `NAME` is the document title with every char outside `[A-Za-z0-9_-]`
//!   replaced by `_` (made unique with `_2`, `_3`…).
//! - When the export holds several annotator sets, each gets its own file
//!   `NAME.ANNOTATOR.ann` (annotator slugified the same way) beside one
//!   `NAME.txt`; with one set the file is `NAME.ann`. The importer reads both
//!   namings and takes the annotator from the file name.
//! - Entity types are tag names slugified; the real names are kept as
//!   `visual.conf` labels (`Type | Real name`) and read back from there. The
//!   codebook hierarchy becomes TAB indentation in `[entities]`. Untagged
//!   annotations use the type `Untagged` (label `(untagged)`).
//! - An annotation with several tags is written as one `T` line per tag over
//!   the same span; the importer merges `T` lines with the same span and the
//!   same attributes back into one annotation.
//! - The speaker is an attribute on each `T` line: `A1⇥Speaker T1 Chris_Miller`.
//! - A note is `#1⇥AnnotatorNotes T1⇥text` on the first `T` of the annotation
//!   (line breaks and TABs in notes become spaces: brat notes are one line).
//! - A relation is `R1⇥kind Arg1:T1 Arg2:T5` between the first `T` lines of
//!   its two annotations; relations between documents or annotator sets
//!   cannot be written in brat and are left out.
//! - Offsets are chars (Python string indices) over the LF text; brat has no
//!   other unit, so other units are refused.

use super::common::{
    AnnotationIn, ImportBuilder, OffsetIndex, Selection, SpanIn, check_quote, read_text, slug,
    unique_slugs, write_file,
};
use super::{ExportOptions, FormatError, ImportReport, OffsetUnit};
use crate::model::{AnnotationId, Color, Edit, Project, TagId};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Label of the entity type used for annotations without tags.
pub const UNTAGGED_LABEL: &str = "(untagged)";

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Writes the brat folder `out`.
pub fn export_brat(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    if options.offsets != OffsetUnit::Chars {
        return Err(FormatError::Unsupported(
            "brat offsets are always chars; export brat without --offsets".into(),
        ));
    }
    let sel = Selection::new(project, options);
    std::fs::create_dir_all(out).map_err(|e| FormatError::Io(out.to_path_buf(), e))?;
    let tree = project.codebook.tree_order();
    let mut type_items: Vec<(Option<TagId>, String)> = tree
        .iter()
        .map(|(t, _)| (Some(t.id.clone()), t.name.clone()))
        .collect();
    type_items.push((None, "Untagged".into()));
    let types = unique_slugs(type_items, "Tag");
    let kinds = unique_slugs(
        project
            .relation_kinds
            .iter()
            .map(|k| (k.clone(), k.clone())),
        "link",
    );
    let speakers = unique_slugs(
        project
            .speakers
            .iter()
            .map(|s| (s.id.clone(), s.name.clone())),
        "speaker",
    );
    let names = unique_slugs(
        sel.documents
            .iter()
            .map(|d| (d.id.clone(), d.title.clone())),
        "document",
    );
    let annotators = sel.annotators();
    let multi = annotators.len() > 1;
    let ann_slugs = unique_slugs(
        annotators.iter().map(|a| (a.clone(), a.clone())),
        "annotator",
    );
    let untagged = types
        .get(&None)
        .cloned()
        .unwrap_or_else(|| "Untagged".into());

    for d in &sel.documents {
        let name = names
            .get(&d.id)
            .cloned()
            .unwrap_or_else(|| slug(&d.title, "document"));
        write_file(&out.join(format!("{name}.txt")), d.text.as_bytes())?;
        let idx = OffsetIndex::new(&d.text);
        let anns = sel.annotations_of(&d.id);
        let sets: Vec<Option<&String>> = if multi {
            annotators.iter().map(Some).collect()
        } else {
            vec![None]
        };
        for set in sets {
            let mut body = String::new();
            let (mut t, mut at, mut nt, mut rt) = (0, 0, 0, 0);
            let mut first_t: HashMap<&AnnotationId, usize> = HashMap::new();
            for a in anns
                .iter()
                .filter(|a| set.is_none_or(|s| &a.annotator == s))
            {
                check_quote(&idx, a)?;
                let quote = one_line(&a.quote);
                let tys: Vec<&String> = if a.tags.is_empty() {
                    vec![&untagged]
                } else {
                    a.tags
                        .iter()
                        .filter_map(|id| types.get(&Some(id.clone())))
                        .collect()
                };
                for ty in tys {
                    t += 1;
                    first_t.entry(&a.id).or_insert(t);
                    let _ = writeln!(body, "T{t}\t{ty} {} {}\t{quote}", a.start, a.end);
                    if let Some(sp) = a.speaker.as_ref().and_then(|s| speakers.get(s)) {
                        at += 1;
                        let _ = writeln!(body, "A{at}\tSpeaker T{t} {sp}");
                    }
                }
                if !a.note.is_empty()
                    && let Some(ft) = first_t.get(&a.id)
                {
                    nt += 1;
                    let _ = writeln!(body, "#{nt}\tAnnotatorNotes T{ft}\t{}", one_line(&a.note));
                }
            }
            for r in &sel.relations {
                if let (Some(f), Some(to), Some(k)) =
                    (first_t.get(&r.from), first_t.get(&r.to), kinds.get(&r.kind))
                {
                    rt += 1;
                    let _ = writeln!(body, "R{rt}\t{k} Arg1:T{f} Arg2:T{to}");
                }
            }
            let file = match set {
                Some(s) => format!(
                    "{name}.{}.ann",
                    ann_slugs
                        .get(s)
                        .cloned()
                        .unwrap_or_else(|| slug(s, "annotator"))
                ),
                None => format!("{name}.ann"),
            };
            write_file(&out.join(file), body.as_bytes())?;
        }
    }

    // annotation.conf
    let mut conf = String::from("[entities]\n");
    for (tag, depth) in &tree {
        if let Some(ty) = types.get(&Some(tag.id.clone())) {
            let _ = writeln!(conf, "{}{ty}", "\t".repeat(*depth));
        }
    }
    let _ = writeln!(conf, "{untagged}");
    conf.push_str("\n[relations]\n");
    for k in &project.relation_kinds {
        if let Some(ty) = kinds.get(k) {
            let _ = writeln!(conf, "{ty}\tArg1:<ENTITY>, Arg2:<ENTITY>");
        }
    }
    conf.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    conf.push_str("\n[events]\n\n[attributes]\n");
    if !project.speakers.is_empty() {
        let values: Vec<&str> = project
            .speakers
            .iter()
            .filter_map(|s| speakers.get(&s.id).map(String::as_str))
            .collect();
        let _ = writeln!(conf, "Speaker\tArg:<ENTITY>, Value:{}", values.join("|"));
    }
    write_file(&out.join("annotation.conf"), conf.as_bytes())?;

    // visual.conf
    let mut vis = String::from("[labels]\n");
    for (tag, _) in &tree {
        if let Some(ty) = types.get(&Some(tag.id.clone())) {
            let _ = writeln!(vis, "{ty} | {}", one_line(&tag.name).replace('|', "/"));
        }
    }
    let _ = writeln!(vis, "{untagged} | {UNTAGGED_LABEL}");
    for k in &project.relation_kinds {
        if let Some(ty) = kinds.get(k) {
            let _ = writeln!(vis, "{ty} | {}", one_line(k).replace('|', "/"));
        }
    }
    for s in &project.speakers {
        if let Some(v) = speakers.get(&s.id) {
            let _ = writeln!(vis, "{v} | {}", one_line(&s.name).replace('|', "/"));
        }
    }
    vis.push_str("\n[drawing]\n");
    for (tag, _) in &tree {
        if let Some(ty) = types.get(&Some(tag.id.clone())) {
            let _ = writeln!(vis, "{ty}\tbgColor:{}", tag.color);
        }
    }
    let _ = writeln!(vis, "{untagged}\tbgColor:#dddddd");
    write_file(&out.join("visual.conf"), vis.as_bytes())?;
    Ok(())
}

/// What the configuration files say.
#[derive(Default)]
struct Conf {
    /// Type → parent type.
    parents: HashMap<String, String>,
    /// Type or value → display label.
    labels: HashMap<String, String>,
}

fn read_conf(dir: &Path) -> Conf {
    let mut conf = Conf::default();
    if let Ok(src) = std::fs::read_to_string(dir.join("annotation.conf")) {
        let mut section = String::new();
        let mut stack: Vec<(usize, String)> = Vec::new();
        for line in src.lines() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if t.starts_with('[') {
                section = t.to_string();
                continue;
            }
            if section != "[entities]" || t.starts_with('<') || t.starts_with('!') {
                continue;
            }
            let depth = line.chars().take_while(|c| *c == '\t').count();
            let name = t.split_whitespace().next().unwrap_or(t).to_string();
            while stack.last().is_some_and(|(d, _)| *d >= depth) {
                stack.pop();
            }
            if let Some((_, p)) = stack.last() {
                conf.parents.insert(name.clone(), p.clone());
            }
            stack.push((depth, name));
        }
    }
    if let Ok(src) = std::fs::read_to_string(dir.join("visual.conf")) {
        let mut section = String::new();
        for line in src.lines() {
            let t = line.trim();
            if t.starts_with('[') {
                section = t.to_string();
                continue;
            }
            if section == "[labels]"
                && let Some((k, v)) = t.split_once('|')
            {
                let label = v.split('|').next().unwrap_or(v).trim();
                conf.labels.insert(k.trim().to_string(), label.to_string());
            }
        }
    }
    conf
}

struct TLine {
    id: String,
    ty: String,
    start: usize,
    end: usize,
    text: String,
    line: usize,
}

/// Reads a brat folder (or one `.ann` file beside its `.txt`).
pub fn import_brat(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    if !from.exists() {
        return Err(FormatError::Io(
            from.to_path_buf(),
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        ));
    }
    let (dir, files): (PathBuf, Vec<PathBuf>) = if from.is_dir() {
        let rd = std::fs::read_dir(from).map_err(|e| FormatError::Io(from.to_path_buf(), e))?;
        let mut files: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ann"))
            .collect();
        files.sort();
        (from.to_path_buf(), files)
    } else {
        let dir = from
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        (dir, vec![from.to_path_buf()])
    };
    if files.is_empty() {
        return Err(FormatError::Malformed(format!(
            "{}: no .ann files found",
            from.display()
        )));
    }
    let conf = read_conf(&dir);
    let mut b = ImportBuilder::new(project, annotator, "brat");
    let mut tag_cache: HashMap<String, TagId> = HashMap::new();
    for file in files {
        let fname = file
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let stem = fname.strip_suffix(".ann").unwrap_or(&fname).to_string();
        let (txt, set) = if dir.join(format!("{stem}.txt")).is_file() {
            (dir.join(format!("{stem}.txt")), None)
        } else if let Some((base, set)) = stem.rsplit_once('.')
            && dir.join(format!("{base}.txt")).is_file()
        {
            (dir.join(format!("{base}.txt")), Some(set.to_string()))
        } else {
            b.skip(format!("{fname}: no matching .txt file"));
            continue;
        };
        let text = read_text(&txt)?;
        let ann = read_text(&file)?;
        let title = txt
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let Some(doc) = b.document(None, Some(&title), Some(&text)) else {
            b.skip(format!("{fname}: its text could not be matched"));
            continue;
        };
        let mut ts: Vec<TLine> = Vec::new();
        let mut speaker_of: HashMap<String, String> = HashMap::new();
        let mut notes: HashMap<String, Vec<String>> = HashMap::new();
        let mut rels: Vec<(String, String, String, String, usize)> = Vec::new();
        for (n, line) in ann.lines().enumerate() {
            let ln = n + 1;
            let at = format!("{fname}:{ln}");
            if line.trim().is_empty() {
                continue;
            }
            let mut parts = line.splitn(3, '\t');
            let id = parts.next().unwrap_or("").trim().to_string();
            let mid = parts.next().unwrap_or("");
            let tail = parts.next();
            match id.chars().next() {
                Some('T') => {
                    let mut f = mid.splitn(2, ' ');
                    let ty = f.next().unwrap_or("").to_string();
                    let offs = f.next().unwrap_or("");
                    if offs.contains(';') {
                        b.skip(format!(
                            "{at}: {id} is a discontinuous span ({offs}); Marginalia annotations are contiguous"
                        ));
                        continue;
                    }
                    let nums: Vec<Option<usize>> =
                        offs.split_whitespace().map(|x| x.parse().ok()).collect();
                    match (ty.is_empty(), nums.as_slice()) {
                        (false, [Some(s), Some(e)]) => ts.push(TLine {
                            id,
                            ty,
                            start: *s,
                            end: *e,
                            text: tail.unwrap_or("").to_string(),
                            line: ln,
                        }),
                        _ => b.skip(format!("{at}: malformed text-bound line {line:?}")),
                    }
                }
                Some('A') | Some('M') => {
                    let f: Vec<&str> = mid.split_whitespace().collect();
                    match f.as_slice() {
                        ["Speaker", target, value] => {
                            speaker_of.insert(target.to_string(), value.to_string());
                        }
                        [name, ..] => b.skip(format!(
                            "{at}: attribute `{name}` is not modelled (only Speaker is)"
                        )),
                        [] => b.skip(format!("{at}: malformed attribute line")),
                    }
                }
                Some('#') => {
                    let f: Vec<&str> = mid.split_whitespace().collect();
                    match f.as_slice() {
                        [_, target] => notes
                            .entry(target.to_string())
                            .or_default()
                            .push(tail.unwrap_or("").to_string()),
                        _ => b.skip(format!("{at}: malformed note line")),
                    }
                }
                Some('R') => {
                    let f: Vec<&str> = mid.split_whitespace().collect();
                    let arg = |s: &str, p: &str| s.strip_prefix(p).map(str::to_string);
                    match f.as_slice() {
                        [kind, a1, a2] => match (arg(a1, "Arg1:"), arg(a2, "Arg2:")) {
                            (Some(x), Some(y)) => {
                                rels.push((id.clone(), kind.to_string(), x, y, ln))
                            }
                            _ => b.skip(format!("{at}: malformed relation line")),
                        },
                        _ => b.skip(format!("{at}: malformed relation line")),
                    }
                }
                Some('E') => b.skip(format!(
                    "{at}: event {id} skipped (events are not modelled)"
                )),
                Some('N') => b.skip(format!("{at}: normalization {id} skipped (not modelled)")),
                Some('*') => b.skip(format!("{at}: equivalence skipped (not modelled)")),
                _ => b.skip(format!("{at}: unknown line {line:?}")),
            }
        }
        let text_index = OffsetIndex::new(&text);
        // Merge T lines with the same span and attributes.
        let mut groups: Vec<(usize, usize, Option<String>, Vec<usize>)> = Vec::new();
        let mut group_of: HashMap<(usize, usize, Option<String>), usize> = HashMap::new();
        for (i, t) in ts.iter().enumerate() {
            let sp = speaker_of.get(&t.id).cloned();
            match group_of.get(&(t.start, t.end, sp.clone())) {
                Some(&g) => {
                    if let Some(g) = groups.get_mut(g) {
                        g.3.push(i);
                    }
                }
                None => {
                    group_of.insert((t.start, t.end, sp.clone()), groups.len());
                    groups.push((t.start, t.end, sp, vec![i]));
                }
            }
        }
        for (start, end, sp, members) in groups {
            let Some(first) = members.first().and_then(|&i| ts.get(i)) else {
                continue;
            };
            let what = format!("{fname}:{} ({})", first.line, first.id);
            let located = b.locate(
                &doc,
                &SpanIn {
                    start: Some(start),
                    end: Some(end),
                    unit: Some(OffsetUnit::Chars),
                    ..Default::default()
                },
            );
            let (cs, ce) = match located {
                Ok(r) => r,
                Err(e) => {
                    b.skip(format!("{what}: {e}"));
                    continue;
                }
            };
            let covered = text_index.slice(cs, ce).map(one_line).unwrap_or_default();
            // brat writes the covered text; a different one means the
            // offsets were counted on another text.
            if !first.text.is_empty() && one_line(&first.text) != covered {
                b.skip(format!(
                    "{what}: text {:?} does not match the document at {start}..{end} ({covered:?})",
                    first.text
                ));
                continue;
            }
            let mut tags = Vec::new();
            for &i in &members {
                if let Some(t) = ts.get(i)
                    && conf.labels.get(&t.ty).map(String::as_str) != Some(UNTAGGED_LABEL)
                {
                    let id = brat_tag(&mut b, &conf, &t.ty, &mut tag_cache, 0);
                    if !tags.contains(&id) {
                        tags.push(id);
                    }
                }
            }
            let speaker = sp.map(|v| speaker_name(project, &conf, &v));
            let note: Vec<String> = members
                .iter()
                .filter_map(|&i| ts.get(i))
                .filter_map(|t| notes.get(&t.id))
                .flatten()
                .cloned()
                .collect();
            let fields = AnnotationIn {
                speaker,
                note: note.join("\n"),
                annotator: set.clone(),
                ..Default::default()
            };
            let key = format!("{fname}\u{0}{}", first.id);
            let span = SpanIn {
                start: Some(cs),
                end: Some(ce),
                unit: Some(OffsetUnit::Chars),
                ..Default::default()
            };
            if let Some(id) = b.annotation(Some(&key), &doc, &span, fields, &what) {
                if let Some(a) = b.added_mut(&id) {
                    a.tags = tags;
                }
                for &i in &members {
                    if let Some(t) = ts.get(i) {
                        b.alias_key(&format!("{fname}\u{0}{}", t.id), &id);
                    }
                }
            }
        }
        for (id, kind, a1, a2, ln) in rels {
            let kind = conf.labels.get(&kind).cloned().unwrap_or(kind);
            b.relation(
                None,
                &format!("{fname}\u{0}{a1}"),
                &format!("{fname}\u{0}{a2}"),
                &kind,
                set.as_deref(),
                &format!("{fname}:{ln} ({id})"),
            );
        }
    }
    Ok(b.finish("import brat"))
}

/// The tag for a brat type: its `visual.conf` label (else the type name),
/// created under the tag of its `annotation.conf` parent.
fn brat_tag(
    b: &mut ImportBuilder,
    conf: &Conf,
    ty: &str,
    cache: &mut HashMap<String, TagId>,
    depth: usize,
) -> TagId {
    if let Some(id) = cache.get(ty) {
        return id.clone();
    }
    let parent = match conf.parents.get(ty) {
        Some(p) if depth < 64 && conf.labels.get(p).map(String::as_str) != Some(UNTAGGED_LABEL) => {
            Some(brat_tag(b, conf, p, cache, depth + 1))
        }
        _ => None,
    };
    let name = conf
        .labels
        .get(ty)
        .cloned()
        .unwrap_or_else(|| ty.to_string());
    let id = b.tag_colored(&name, parent.as_ref(), None::<Color>);
    cache.insert(ty.to_string(), id.clone());
    id
}

/// The speaker name for an attribute value: a project speaker whose
/// slugified name or alias is the value, else the `visual.conf` label, else
/// the value with `_` read as spaces.
fn speaker_name(project: &Project, conf: &Conf, value: &str) -> String {
    if let Some(s) = project
        .speakers
        .iter()
        .find(|s| slug(&s.name, "") == value || s.aliases.iter().any(|a| slug(a, "") == value))
    {
        return s.name.clone();
    }
    conf.labels
        .get(value)
        .cloned()
        .unwrap_or_else(|| value.replace('_', " "))
}
