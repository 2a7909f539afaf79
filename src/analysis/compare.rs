//! The compare matrix: what each speaker claims, topic by topic.
//!
//! Rows are topics, columns are speakers, cells list claims (annotations).
//!
//! - [`Topics::Questions`]: one row per question turn, in document order. The
//!   row's *answer span* runs from the end of the question turn to the start
//!   of the next question turn (or the end of the document); an annotation
//!   belongs to the row if it lies entirely within that span. The row label
//!   is the question text without its speaker label.
//! - [`Topics::Tags`]: one row per tag of a group — the children of `group`,
//!   or the top-level tags when `group` is `None`. An annotation belongs to
//!   a row if it carries the row's tag or one of its descendants (so one
//!   annotation can appear in several rows).
//!
//! Columns are the speakers with at least one answer turn or annotation in
//! the chosen documents, in project order; a speaker whose only turns are
//! questions (the interviewer) is left out. An annotation's speaker is its
//! own `speaker`, or else the speaker of the answer turn it starts in;
//! annotations with no speaker appear in no column.
//!
//! Each claim lists the relations touching it. A row is flagged
//! `disagreement` when at least one of its claims is an end of a
//! `contradicts` relation (the other end may be in another row).
//!
//! Stats, per column speaker: annotation counts per tag (tags as applied, no
//! roll-up to parents), and the share of the speaker's answer chars covered
//! by their annotations — ranges merged first, so overlapping annotations
//! count once.
//!
//! JSON shape ([`CompareTable::to_json`]), stable:
//! ```text
//! { "by": "questions"|"tags", "group": "<tag id>"|null,
//!   "columns": [{"speaker": "<id>", "name": "..."}],
//!   "rows": [{"label": "...", "doc": "<doc id>"|null, "start": N|null, "end": N|null,
//!             "tag": "<tag id>"|null, "disagreement": bool,
//!             "cells": [{"speaker": "<id>", "claims": [{"annotation": "<id>", "doc": "<id>",
//!                 "start": N, "end": N, "quote": "...", "tags": ["<tag name>"],
//!                 "relations": [{"relation": "<id>", "kind": "contradicts", "outgoing": bool,
//!                                "other": "<annotation id>", "other_speaker": "<id>"|null}]}]}]}],
//!   "stats": [{"speaker": "<id>", "name": "...", "answer_chars": N, "covered_chars": N,
//!              "coverage": 0.0..1.0, "tags": [{"tag": "<id>", "name": "...", "count": N}]}] }
//! ```
//! `cells` has one entry per column, in column order; `start`/`end` of a row
//! are the answer span (questions only), in chars.

use super::speakers::strip_label;
use crate::model::text::CharIndex;
use crate::model::{
    Annotation, AnnotationId, DocId, Project, Relation, RelationId, SpeakerId, TagId, Turn,
    TurnKind,
};
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Range;

/// What the rows of a [`CompareTable`] are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Topics {
    /// One row per question turn, with the answers that follow it.
    Questions,
    /// One row per tag of a group.
    Tags {
        /// The parent whose children are the rows; `None`: top-level tags.
        group: Option<TagId>,
    },
}

/// A column: one speaker.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    /// The speaker.
    pub speaker: SpeakerId,
    /// Display name.
    pub name: String,
}

/// A relation seen from one of its ends.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    /// The relation.
    pub relation: RelationId,
    /// Its kind (`agrees`, `contradicts`, `qualifies`, …).
    pub kind: String,
    /// Whether this claim is the relation's `from` end.
    pub outgoing: bool,
    /// The annotation at the other end.
    pub other: AnnotationId,
    /// The speaker of the other end, if known.
    pub other_speaker: Option<SpeakerId>,
}

/// One annotation in a cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// The annotation.
    pub annotation: AnnotationId,
    /// Its document.
    pub doc: DocId,
    /// First char.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
    /// The annotated text.
    pub quote: String,
    /// Names of its tags, in the order applied.
    pub tags: Vec<String>,
    /// Relations touching it.
    pub relations: Vec<Link>,
}

/// The claims of one speaker on one topic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// The column's speaker.
    pub speaker: SpeakerId,
    /// Claims in document order.
    pub claims: Vec<Claim>,
}

impl Cell {
    /// All relations touching the cell's claims.
    pub fn relations(&self) -> impl Iterator<Item = &Link> {
        self.claims.iter().flat_map(|c| c.relations.iter())
    }
}

/// One topic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Question text or tag name.
    pub label: String,
    /// The document of a question topic.
    pub doc: Option<DocId>,
    /// Start of the answer span (questions only).
    pub start: Option<usize>,
    /// End of the answer span (questions only).
    pub end: Option<usize>,
    /// The tag of a tag topic.
    pub tag: Option<TagId>,
    /// One cell per column, in column order.
    pub cells: Vec<Cell>,
    /// A claim of this row is an end of a `contradicts` relation.
    pub disagreement: bool,
}

/// How often a speaker used a tag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagCount {
    /// The tag.
    pub tag: TagId,
    /// Its name.
    pub name: String,
    /// Annotations of the speaker carrying it.
    pub count: usize,
}

/// Per-speaker summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpeakerStats {
    /// The speaker.
    pub speaker: SpeakerId,
    /// Display name.
    pub name: String,
    /// Chars in the speaker's answer turns.
    pub answer_chars: usize,
    /// Of those, chars covered by the speaker's annotations (counted once).
    pub covered_chars: usize,
    /// `covered_chars / answer_chars` (0 when there are no answers).
    pub coverage: f64,
    /// Annotation counts per tag, in codebook order, non-zero only.
    pub tags: Vec<TagCount>,
}

/// The compare matrix; see the module docs for its semantics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompareTable {
    /// `"questions"` or `"tags"`.
    pub by: String,
    /// The tag group of a by-tags table.
    pub group: Option<TagId>,
    /// Speakers, in project order.
    pub columns: Vec<Column>,
    /// Topics.
    pub rows: Vec<Row>,
    /// Per-speaker summary, in column order.
    pub stats: Vec<SpeakerStats>,
}

/// The turns of the documents in scope, by document, each document's in
/// order of start: the turn a char is in is a binary search away.
struct TurnIndex<'a> {
    by_doc: HashMap<&'a DocId, Vec<&'a Turn>>,
}

impl<'a> TurnIndex<'a> {
    fn new(turns: &[&'a Turn]) -> Self {
        let mut by_doc: HashMap<&DocId, Vec<&Turn>> = HashMap::new();
        for t in turns {
            by_doc.entry(&t.doc).or_default().push(t);
        }
        for v in by_doc.values_mut() {
            v.sort_by_key(|t| t.start);
        }
        Self { by_doc }
    }

    /// The turn of `doc` that char `c` is in.
    fn at(&self, doc: &DocId, c: usize) -> Option<&'a Turn> {
        let v = self.by_doc.get(doc)?;
        let t = v.get(v.partition_point(|t| t.start <= c).checked_sub(1)?)?;
        (c < t.end).then_some(*t)
    }

    /// The turns of `doc` that overlap chars `r`, in order.
    fn overlapping(&self, doc: &DocId, r: Range<usize>) -> impl Iterator<Item = &'a Turn> + '_ {
        let v = self.by_doc.get(doc).map_or(&[][..], Vec::as_slice);
        // Turns do not overlap one another: those ending after `r.start`
        // are a suffix of the document's.
        let first = v.partition_point(|t| t.end <= r.start);
        v[first..]
            .iter()
            .copied()
            .take_while(move |t| t.start < r.end)
    }
}

/// The speaker of an annotation: its own, or the answer turn's it starts in.
fn speaker_of(a: &Annotation, turns: &TurnIndex<'_>) -> Option<SpeakerId> {
    a.speaker.clone().or_else(|| {
        turns
            .at(&a.doc, a.start)
            .filter(|t| t.kind == TurnKind::Answer)
            .and_then(|t| t.speaker.clone())
    })
}

/// Total length of the union of ranges.
fn union_len(mut ranges: Vec<Range<usize>>) -> usize {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut total = 0;
    let mut cur: Option<Range<usize>> = None;
    for r in ranges {
        match &mut cur {
            Some(c) if r.start <= c.end => c.end = c.end.max(r.end),
            _ => {
                if let Some(c) = cur.take() {
                    total += c.end - c.start;
                }
                cur = Some(r);
            }
        }
    }
    total + cur.map_or(0, |c| c.end - c.start)
}

impl CompareTable {
    /// Builds the table over `docs` of `project` (all documents when empty),
    /// using the project's turns.
    pub fn build(project: &Project, docs: &[DocId], by: &Topics) -> Self {
        let in_scope = |d: &DocId| docs.is_empty() || docs.contains(d);
        let turns: Vec<&Turn> = project.turns.iter().filter(|t| in_scope(&t.doc)).collect();
        let turn_index = TurnIndex::new(&turns);
        let doc_pos: HashMap<&DocId, usize> = project
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (&d.id, i))
            .collect();
        let doc_key = |d: &DocId| doc_pos.get(d).copied().unwrap_or(usize::MAX);
        // In document order (the project's, which keeps them so): by
        // document, then by start.
        let mut anns: Vec<(&Annotation, Option<SpeakerId>)> = project
            .annotations
            .iter()
            .filter(|a| in_scope(&a.doc))
            .map(|a| (&**a, speaker_of(a, &turn_index)))
            .collect();
        if !anns.is_sorted_by_key(|(a, _)| (doc_key(&a.doc), a.start)) {
            anns.sort_by_key(|(a, _)| (doc_key(&a.doc), a.start));
        }
        let speaker_by_ann: HashMap<&AnnotationId, Option<SpeakerId>> =
            anns.iter().map(|(a, sp)| (&a.id, sp.clone())).collect();
        let other_speaker = |id: &AnnotationId| match speaker_by_ann.get(id) {
            Some(sp) => sp.clone(),
            // Out of scope: its own speaker only.
            None => project.annotation(id).and_then(|a| a.speaker.clone()),
        };
        // Each annotation's relations, in project order.
        let mut relations_of: HashMap<&AnnotationId, Vec<&Relation>> = HashMap::new();
        for r in &project.relations {
            relations_of.entry(&r.from).or_default().push(r);
            if r.to != r.from {
                relations_of.entry(&r.to).or_default().push(r);
            }
        }

        // Columns.
        let answers = |s: &SpeakerId| {
            turns
                .iter()
                .any(|t| t.kind == TurnKind::Answer && t.speaker.as_ref() == Some(s))
        };
        let asks = |s: &SpeakerId| {
            turns
                .iter()
                .any(|t| t.kind == TurnKind::Question && t.speaker.as_ref() == Some(s))
        };
        let with_claims: std::collections::HashSet<&SpeakerId> =
            anns.iter().filter_map(|(_, sp)| sp.as_ref()).collect();
        let columns: Vec<Column> = project
            .speakers
            .iter()
            .filter(|s| answers(&s.id) || (!asks(&s.id) && with_claims.contains(&s.id)))
            .map(|s| Column {
                speaker: s.id.clone(),
                name: s.name.clone(),
            })
            .collect();
        let column_of: HashMap<&SpeakerId, usize> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.speaker, i))
            .collect();

        let claim = |a: &Annotation| Claim {
            annotation: a.id.clone(),
            doc: a.doc.clone(),
            start: a.start,
            end: a.end,
            quote: a.quote.clone(),
            tags: a
                .tags
                .iter()
                .map(|t| {
                    project
                        .codebook
                        .get(t)
                        .map_or_else(|| t.to_string(), |t| t.name.clone())
                })
                .collect(),
            relations: relations_of
                .get(&a.id)
                .into_iter()
                .flatten()
                .map(|r| {
                    let outgoing = r.from == a.id;
                    let other = if outgoing { &r.to } else { &r.from };
                    Link {
                        relation: r.id.clone(),
                        kind: r.kind.clone(),
                        outgoing,
                        other: other.clone(),
                        other_speaker: other_speaker(other),
                    }
                })
                .collect(),
        };
        // A row of `members` (annotations with their speakers, in project
        // order), each put in its speaker's column.
        let make_row =
            |label: String,
             doc: Option<DocId>,
             span: Option<Range<usize>>,
             tag: Option<TagId>,
             members: &mut dyn Iterator<Item = &(&Annotation, Option<SpeakerId>)>| {
                let mut cells: Vec<Cell> = columns
                    .iter()
                    .map(|c| Cell {
                        speaker: c.speaker.clone(),
                        claims: Vec::new(),
                    })
                    .collect();
                for (a, sp) in members {
                    if let Some(cell) = sp
                        .as_ref()
                        .and_then(|s| column_of.get(s))
                        .and_then(|&i| cells.get_mut(i))
                    {
                        cell.claims.push(claim(a));
                    }
                }
                let disagreement = cells
                    .iter()
                    .flat_map(|c| c.relations())
                    .any(|l| l.kind == "contradicts");
                Row {
                    label,
                    doc,
                    start: span.as_ref().map(|s| s.start),
                    end: span.map(|s| s.end),
                    tag,
                    cells,
                    disagreement,
                }
            };

        let mut rows = Vec::new();
        let (by_name, group) = match by {
            Topics::Questions => {
                for d in project.documents.iter().filter(|d| in_scope(&d.id)) {
                    let doc_turns: Vec<&&Turn> = turns.iter().filter(|t| t.doc == d.id).collect();
                    // The document's annotations: a contiguous run, by start.
                    let lo = anns.partition_point(|(a, _)| doc_key(&a.doc) < doc_key(&d.id));
                    let hi = lo + anns[lo..].partition_point(|(a, _)| a.doc == d.id);
                    let doc_anns = &anns[lo..hi];
                    // Char offsets to bytes without a scan from the start
                    // for each question.
                    let chars = CharIndex::new(&d.text);
                    let len = chars.char_len();
                    for (i, q) in doc_turns.iter().enumerate() {
                        if q.kind != TurnKind::Question {
                            continue;
                        }
                        let end = doc_turns[i + 1..]
                            .iter()
                            .find(|t| t.kind == TurnKind::Question)
                            .map_or(len, |t| t.start);
                        let span = q.end..end.max(q.end);
                        let label = chars
                            .slice(&d.text, q.start..q.end)
                            .map(|s| strip_label(s).replace('\u{a0}', " "))
                            .unwrap_or_default();
                        // Those starting in the span; of them, those that
                        // end in it too.
                        let from = doc_anns.partition_point(|(a, _)| a.start < span.start);
                        let to = doc_anns.partition_point(|(a, _)| a.start < span.end);
                        let s2 = span.clone();
                        let mut members = doc_anns[from..to.max(from)]
                            .iter()
                            .filter(move |(a, _)| a.end <= s2.end);
                        rows.push(make_row(
                            label,
                            Some(d.id.clone()),
                            Some(span),
                            None,
                            &mut members,
                        ));
                    }
                }
                ("questions", None)
            }
            Topics::Tags { group } => {
                for t in project.codebook.children(group.as_ref()) {
                    let set = project.codebook.with_descendants(&t.id);
                    let mut members = anns
                        .iter()
                        .filter(|(a, _)| a.tags.iter().any(|x| set.contains(x)));
                    rows.push(make_row(
                        t.name.clone(),
                        None,
                        None,
                        Some(t.id.clone()),
                        &mut members,
                    ));
                }
                ("tags", group.clone())
            }
        };

        // Stats.
        let stats = columns
            .iter()
            .map(|c| {
                let answer_chars: usize = turns
                    .iter()
                    .filter(|t| {
                        t.kind == TurnKind::Answer && t.speaker.as_ref() == Some(&c.speaker)
                    })
                    .map(|t| t.end.saturating_sub(t.start))
                    .sum();
                let own: Vec<&Annotation> = anns
                    .iter()
                    .filter(|(_, sp)| sp.as_ref() == Some(&c.speaker))
                    .map(|(a, _)| *a)
                    .collect();
                // Per document: the speaker's annotations clipped to their
                // answer turns, merged.
                let mut covered_chars = 0;
                for d in project.documents.iter().filter(|d| in_scope(&d.id)) {
                    let mut clipped = Vec::new();
                    for a in own.iter().filter(|a| a.doc == d.id) {
                        let mine = turn_index.overlapping(&d.id, a.start..a.end).filter(|t| {
                            t.kind == TurnKind::Answer && t.speaker.as_ref() == Some(&c.speaker)
                        });
                        for t in mine {
                            let s = a.start.max(t.start);
                            let e = a.end.min(t.end);
                            if s < e {
                                clipped.push(s..e);
                            }
                        }
                    }
                    covered_chars += union_len(clipped);
                }
                let tags = project
                    .codebook
                    .tags
                    .iter()
                    .map(|t| TagCount {
                        tag: t.id.clone(),
                        name: t.name.clone(),
                        count: own.iter().filter(|a| a.tags.contains(&t.id)).count(),
                    })
                    .filter(|t| t.count > 0)
                    .collect();
                SpeakerStats {
                    speaker: c.speaker.clone(),
                    name: c.name.clone(),
                    answer_chars,
                    covered_chars,
                    coverage: if answer_chars == 0 {
                        0.0
                    } else {
                        covered_chars as f64 / answer_chars as f64
                    },
                    tags,
                }
            })
            .collect();

        Self {
            by: by_name.to_string(),
            group,
            columns,
            rows,
            stats,
        }
    }

    /// The same table keeping only rows flagged `disagreement`.
    pub fn only_disagreements(&self) -> Self {
        let mut t = self.clone();
        t.rows.retain(|r| r.disagreement);
        t
    }

    /// A Markdown table (topics × speakers), then the per-speaker stats.
    pub fn to_markdown(&self) -> String {
        fn esc(s: &str) -> String {
            s.replace('\\', "\\\\")
                .replace('|', "\\|")
                .replace(['\n', '\r'], " ")
                .replace('\u{a0}', " ")
        }
        let names: HashMap<&SpeakerId, &str> = self
            .columns
            .iter()
            .map(|c| (&c.speaker, c.name.as_str()))
            .collect();
        let mut out = format!("# Compare by {}\n\n| Topic |", self.by);
        for c in &self.columns {
            out.push_str(&format!(" {} |", esc(&c.name)));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(self.columns.len()));
        out.push('\n');
        for r in &self.rows {
            let flag = if r.disagreement { "⚠ " } else { "" };
            out.push_str(&format!("| {flag}{} |", esc(&r.label)));
            for cell in &r.cells {
                let parts: Vec<String> = cell
                    .claims
                    .iter()
                    .map(|c| {
                        let mut s = format!("“{}”", esc(&c.quote));
                        if !c.tags.is_empty() {
                            s.push_str(&format!(" _({})_", esc(&c.tags.join(", "))));
                        }
                        for l in &c.relations {
                            let who = l
                                .other_speaker
                                .as_ref()
                                .and_then(|s| names.get(s).copied())
                                .unwrap_or("?");
                            s.push_str(&format!(" [{} {}]", l.kind, esc(who)));
                        }
                        s
                    })
                    .collect();
                out.push_str(&format!(" {} |", parts.join("<br>")));
            }
            out.push('\n');
        }
        out.push_str("\n## Speakers\n\n| Speaker | Answer chars | Annotated chars | Coverage | Tags |\n|---|---|---|---|---|\n");
        for s in &self.stats {
            let tags: Vec<String> = s
                .tags
                .iter()
                .map(|t| format!("{} {}", esc(&t.name), t.count))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {:.1}% | {} |\n",
                esc(&s.name),
                s.answer_chars,
                s.covered_chars,
                s.coverage * 100.0,
                tags.join(", ")
            ));
        }
        out
    }

    /// CSV, one line per claim: `topic_index, topic, disagreement,
    /// speaker_id, speaker, annotation_id, doc, start, end, quote, tags
    /// (joined with "; "), relations ("kind:other annotation id", joined with
    /// "; ")`. Topics without claims get no line.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "topic_index",
            "topic",
            "disagreement",
            "speaker_id",
            "speaker",
            "annotation_id",
            "doc",
            "start",
            "end",
            "quote",
            "tags",
            "relations",
        ])?;
        for (i, r) in self.rows.iter().enumerate() {
            for (cell, col) in r.cells.iter().zip(&self.columns) {
                for c in &cell.claims {
                    let rels: Vec<String> = c
                        .relations
                        .iter()
                        .map(|l| format!("{}:{}", l.kind, l.other))
                        .collect();
                    w.write_record([
                        i.to_string().as_str(),
                        &r.label,
                        if r.disagreement { "true" } else { "false" },
                        col.speaker.as_str(),
                        &col.name,
                        c.annotation.as_str(),
                        c.doc.as_str(),
                        &c.start.to_string(),
                        &c.end.to_string(),
                        &c.quote,
                        &c.tags.join("; "),
                        &rels.join("; "),
                    ])?;
                }
            }
        }
        let bytes = w
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Pretty JSON in the shape given in the module docs.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;
    use crate::model::{Annotation, Document, Speaker, Timestamp, Turn};

    fn sample_rows(t: &CompareTable) -> Vec<String> {
        t.rows.iter().map(|r| r.label.clone()).collect()
    }

    /// Every annotation the rule of the module docs puts in a row and a
    /// column is in that cell, once, and nothing else is: checked on a
    /// generated book chapter against the rule applied to each annotation
    /// and row directly.
    #[test]
    fn a_long_document_puts_each_claim_where_the_rule_says() {
        use crate::bench::generate::{GenConfig, generate};
        let p = generate(&GenConfig {
            seed: 21,
            doc_bytes: 400_000,
            annotations: 4_000,
            vocabulary: Default::default(),
        });
        let d = &p.documents[0];
        let turn_of = |c: usize| {
            p.turns
                .iter()
                .find(|t| t.doc == d.id && t.start <= c && c < t.end)
        };
        let speaker = |a: &Annotation| {
            a.speaker.clone().or_else(|| {
                turn_of(a.start)
                    .filter(|t| t.kind == TurnKind::Answer)
                    .and_then(|t| t.speaker.clone())
            })
        };
        let t = CompareTable::build(&p, &[], &Topics::Questions);
        assert!(t.rows.len() > 20, "{} questions", t.rows.len());
        let mut placed = 0;
        for row in &t.rows {
            let span = row.start.unwrap_or(0)..row.end.unwrap_or(0);
            for (k, cell) in row.cells.iter().enumerate() {
                let want: Vec<&AnnotationId> = p
                    .annotations
                    .iter()
                    .filter(|a| a.start >= span.start && a.end <= span.end)
                    .filter(|a| speaker(a).as_ref() == Some(&t.columns[k].speaker))
                    .map(|a| &a.id)
                    .collect();
                let got: Vec<&AnnotationId> = cell.claims.iter().map(|c| &c.annotation).collect();
                assert_eq!(got, want, "{} / {}", row.label, t.columns[k].name);
                placed += got.len();
            }
        }
        assert!(placed > 1_000, "{placed} claims placed");
        // Each claim's relations are all the project's that touch it.
        for claim in t.rows.iter().flat_map(|r| &r.cells).flat_map(|c| &c.claims) {
            let want = p.relations_of(&claim.annotation).count();
            assert_eq!(claim.relations.len(), want, "{}", claim.annotation);
        }
        // Coverage: each speaker's annotations clipped to their answers.
        for st in &t.stats {
            let mut covered = vec![false; d.char_len()];
            for a in p
                .annotations
                .iter()
                .filter(|a| speaker(a).as_ref() == Some(&st.speaker))
            {
                for (c, cov) in covered.iter_mut().enumerate().take(a.end).skip(a.start) {
                    *cov |= turn_of(c).is_some_and(|t| {
                        t.kind == TurnKind::Answer && t.speaker.as_ref() == Some(&st.speaker)
                    });
                }
            }
            let want = covered.iter().filter(|c| **c).count();
            assert_eq!(st.covered_chars, want, "{}", st.name);
            assert!(st.covered_chars <= st.answer_chars);
        }
    }

    #[test]
    fn by_questions_on_the_sample() {
        let p = sample_project();
        let t = CompareTable::build(&p, &[], &Topics::Questions);
        assert_eq!(
            sample_rows(&t),
            vec![
                "Why is Russia invading Ukraine?",
                "How will sanctions against Russia affect its economy?",
                "Are the military threats strengthening unity among NATO members?",
                "Putin has taken over the most Russian-friendly parts of Ukraine. Would the cost be much higher to Russia if he tries to keep pushing the Russian border farther west into Ukraine, into territory that is ethnically Ukrainian?",
                "To what extent are Putin’s moves related to domestic politics in Russia, where he faces declining popularity?",
            ]
        );
        let cols: Vec<&str> = t.columns.iter().map(|c| c.speaker.as_str()).collect();
        assert_eq!(cols, vec!["spk-toft", "spk-miller"], "interviewer excluded");
        let popularity = &t.rows[4];
        assert!(popularity.cells.iter().all(|c| !c.claims.is_empty()));
        assert!(popularity.disagreement);
        let ids: Vec<&str> = popularity
            .cells
            .iter()
            .flat_map(|c| c.claims.iter().map(|c| c.annotation.as_str()))
            .collect();
        assert!(ids.contains(&"ann-toft-12") && ids.contains(&"ann-miller-10"));
        // Sanctions: agrees, not a disagreement.
        let sanctions = &t.rows[1];
        assert!(!sanctions.disagreement);
        assert!(
            sanctions
                .cells
                .iter()
                .flat_map(|c| c.relations())
                .any(|l| l.kind == "agrees")
        );
        // Both experts answer every question but the fourth (Toft only).
        for (i, r) in t.rows.iter().enumerate() {
            let filled = r.cells.iter().filter(|c| !c.claims.is_empty()).count();
            assert_eq!(filled, if i == 3 { 1 } else { 2 }, "row {i}");
        }
        let only = t.only_disagreements();
        assert_eq!(only.rows.len(), 1);
        assert_eq!(only.rows[0].label, popularity.label);
    }

    #[test]
    fn by_tags_group_and_top_level() {
        let p = sample_project();
        let t = CompareTable::build(
            &p,
            &[],
            &Topics::Tags {
                group: Some(TagId::new("tag-claim")),
            },
        );
        assert_eq!(
            sample_rows(&t),
            vec!["Cause", "Prediction", "Evaluation", "Historical"]
        );
        let cause = &t.rows[0];
        let n: usize = cause.cells.iter().map(|c| c.claims.len()).sum();
        let expected = p
            .annotations
            .iter()
            .filter(|a| a.tags.contains(&TagId::new("tag-cause")))
            .count();
        assert_eq!(n, expected);
        assert!(cause.disagreement, "the popularity claims carry Cause");
        let top = CompareTable::build(&p, &[], &Topics::Tags { group: None });
        assert_eq!(
            sample_rows(&top),
            vec!["Claim", "Recommendation", "Evidence"]
        );
        // Claim rolls up its children: every annotation with a child tag.
        let claim_n: usize = top.rows[0].cells.iter().map(|c| c.claims.len()).sum();
        let under = p.codebook.with_descendants(&TagId::new("tag-claim"));
        let want = p
            .annotations
            .iter()
            .filter(|a| a.tags.iter().any(|t| under.contains(t)))
            .count();
        assert_eq!(claim_n, want);
    }

    #[test]
    fn coverage_counts_overlaps_once() {
        let text = "Q: Why?\nA: abcdefghij\n";
        let mut p = Project::new("t");
        let d = Document::import(DocId::new("d"), "t", None, text);
        p.documents.push(d);
        let mut s = Speaker::new("Ann");
        s.id = SpeakerId::new("spk-ann");
        p.speakers.push(s);
        p.turns = vec![
            Turn {
                doc: DocId::new("d"),
                start: 0,
                end: 8,
                speaker: None,
                kind: TurnKind::Question,
            },
            Turn {
                doc: DocId::new("d"),
                start: 8,
                end: 22,
                speaker: Some(SpeakerId::new("spk-ann")),
                kind: TurnKind::Answer,
            },
        ];
        for (id, r) in [("a1", 11..16), ("a2", 13..19), ("a3", 14..15)] {
            let mut a = Annotation::new(
                DocId::new("d"),
                text,
                r,
                vec![],
                "me",
                Timestamp("2026-01-01T00:00:00Z".into()),
            )
            .unwrap();
            a.id = AnnotationId::new(id);
            p.annotations.push(Box::new(a));
        }
        let t = CompareTable::build(&p, &[], &Topics::Questions);
        assert_eq!(t.stats.len(), 1);
        assert_eq!(t.stats[0].answer_chars, 14);
        assert_eq!(t.stats[0].covered_chars, 8, "11..19 once");
        assert!((t.stats[0].coverage - 8.0 / 14.0).abs() < 1e-9);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].label, "Why?");
        assert_eq!(t.rows[0].cells[0].claims.len(), 3, "speaker from the turn");
        assert_eq!(union_len(vec![0..2, 5..7, 1..3, 6..6]), 5);
    }

    #[test]
    fn exports() {
        let p = sample_project();
        let t = CompareTable::build(&p, &[], &Topics::Questions);
        let md = t.to_markdown();
        assert!(md.contains("| Topic | Monica Duffy Toft | Chris Miller |"));
        assert!(md.contains("⚠ To what extent"));
        assert_eq!(
            md.lines().filter(|l| l.starts_with("| ")).count(),
            1 + 5 + 1 + 2
        );
        let csv_text = t.to_csv().unwrap();
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        let claims: usize = t
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| c.claims.len())
            .sum();
        assert_eq!(recs.len(), claims);
        assert!(
            recs.iter()
                .any(|x| &x[5] == "ann-toft-12" && &x[2] == "true")
        );
        let v: serde_json::Value = serde_json::from_str(&t.to_json().unwrap()).unwrap();
        assert_eq!(v["by"], "questions");
        assert_eq!(v["rows"].as_array().unwrap().len(), 5);
        assert_eq!(v["rows"][4]["disagreement"], true);
        assert_eq!(v["columns"][0]["speaker"], "spk-toft");
        assert!(v["stats"][0]["coverage"].as_f64().unwrap() > 0.0);
    }
}
