//! `marginalia check PATH.ron`: validate a project headless.
//!
//! A valid project prints a summary on stdout and exits 0. An invalid or
//! unreadable one prints each problem as `path:line:col: sentence` (or
//! `path: sentence` when there is no position) on stderr and exits 1. Usage
//! errors exit 2 (from clap).

use crate::io::project_file;
use crate::model::{Project, TurnKind};
use clap::Args;
use std::fmt::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The project file.
    pub path: PathBuf,
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    match project_file::load(&args.path) {
        Ok(loaded) => {
            print!("{}", Summary::of(&loaded.project));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            for line in e.lines() {
                eprintln!("{line}");
            }
            if let project_file::LoadError::Invalid { total, .. } = &e {
                let s = if *total == 1 { "" } else { "s" };
                eprintln!("{}: {total} problem{s}", args.path.display());
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// What `check` prints about a valid project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Project name.
    pub name: String,
    /// File format.
    pub format: u32,
    /// Documents: (id, title, char count).
    pub documents: Vec<(String, String, usize)>,
    /// Number of annotations.
    pub annotations: usize,
    /// Annotations carrying each tag, in tree order: (name, depth, count).
    pub per_tag: Vec<(String, usize, usize)>,
    /// Annotations per speaker, in project order, then those with none:
    /// (name, count).
    pub per_speaker: Vec<(String, usize)>,
    /// Annotations per annotator: (name, count).
    pub per_annotator: Vec<(String, usize)>,
    /// Relations per kind, in the project's kind order: (kind, count).
    pub relations: Vec<(String, usize)>,
    /// Turns per kind: (kind, count).
    pub turns: Vec<(String, usize)>,
}

/// Label of annotations without a speaker.
const NO_SPEAKER: &str = "(no speaker)";

impl Summary {
    /// Counts a project.
    pub fn of(p: &Project) -> Self {
        let count = |pred: &dyn Fn(&crate::model::Annotation) -> bool| {
            p.annotations.iter().filter(|a| pred(a)).count()
        };
        let per_tag = p
            .codebook
            .tree_order()
            .into_iter()
            .map(|(t, depth)| (t.name.clone(), depth, count(&|a| a.tags.contains(&t.id))))
            .collect();
        let mut per_speaker: Vec<(String, usize)> = p
            .speakers
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    count(&|a| a.speaker.as_ref() == Some(&s.id)),
                )
            })
            .collect();
        let none = count(&|a| a.speaker.is_none());
        if none > 0 {
            per_speaker.push((NO_SPEAKER.into(), none));
        }
        let per_annotator = p
            .all_annotators()
            .into_iter()
            .map(|n| {
                let c = count(&|a| a.annotator == n);
                (n, c)
            })
            .collect();
        let mut relations: Vec<(String, usize)> = p
            .relation_kinds
            .iter()
            .map(|k| {
                (
                    k.clone(),
                    p.relations.iter().filter(|r| &r.kind == k).count(),
                )
            })
            .collect();
        relations.retain(|(_, c)| *c > 0);
        let turns = [TurnKind::Narration, TurnKind::Question, TurnKind::Answer]
            .into_iter()
            .map(|k| {
                (
                    format!("{k:?}").to_lowercase(),
                    p.turns.iter().filter(|t| t.kind == k).count(),
                )
            })
            .filter(|(_, c)| *c > 0)
            .collect();
        Self {
            name: p.name.clone(),
            format: p.format,
            documents: p
                .documents
                .iter()
                .map(|d| (d.id.to_string(), d.title.clone(), d.char_len()))
                .collect(),
            annotations: p.annotations.len(),
            per_tag,
            per_speaker,
            per_annotator,
            relations,
            turns,
        }
    }
}

fn total(v: &[(String, usize)]) -> usize {
    v.iter().map(|(_, c)| c).sum()
}

/// `kind 3, other 1`
fn inline(v: &[(String, usize)]) -> String {
    let mut s = String::new();
    for (i, (k, c)) in v.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{k} {c}");
    }
    s
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "project:     {}", self.name)?;
        writeln!(f, "format:      {}", self.format)?;
        writeln!(f, "documents:   {}", self.documents.len())?;
        for (id, title, chars) in &self.documents {
            writeln!(f, "  {id}  {chars} chars  {title}")?;
        }
        writeln!(f, "annotations: {}", self.annotations)?;
        if !self.per_tag.is_empty() {
            writeln!(f, "  per tag:")?;
            let width = self
                .per_tag
                .iter()
                .map(|(n, d, _)| n.chars().count() + 2 * d)
                .max()
                .unwrap_or(0);
            for (name, depth, c) in &self.per_tag {
                let label = format!("{}{name}", "  ".repeat(*depth));
                writeln!(f, "    {label:<width$}  {c:>5}")?;
            }
        }
        for (title, rows) in [
            ("per speaker", &self.per_speaker),
            ("per annotator", &self.per_annotator),
        ] {
            if rows.is_empty() {
                continue;
            }
            writeln!(f, "  {title}:")?;
            let width = rows
                .iter()
                .map(|(n, _)| n.chars().count())
                .max()
                .unwrap_or(0);
            for (name, c) in rows {
                writeln!(f, "    {name:<width$}  {c:>5}")?;
            }
        }
        write!(f, "relations:   {}", total(&self.relations))?;
        if self.relations.is_empty() {
            writeln!(f)?;
        } else {
            writeln!(f, " ({})", inline(&self.relations))?;
        }
        write!(f, "turns:       {}", total(&self.turns))?;
        if self.turns.is_empty() {
            writeln!(f)?;
        } else {
            writeln!(f, " ({})", inline(&self.turns))?;
        }
        writeln!(f, "valid: no problems found")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;
    use crate::model::{DocId, SpeakerId, Turn};

    #[test]
    fn summary_counts_the_sample() {
        let mut p = sample_project();
        p.annotations[0].speaker = None;
        p.turns = vec![Turn {
            doc: DocId::new("doc-tufts-interview"),
            start: 0,
            end: 10,
            speaker: Some(SpeakerId::new("spk-toft")),
            kind: TurnKind::Answer,
        }];
        let s = Summary::of(&p);
        assert_eq!(s.annotations, p.annotations.len());
        assert_eq!(s.documents[0].2, p.documents[0].char_len());
        // Tree order: the root tag first, at depth 0, then its children.
        assert_eq!(s.per_tag[0].0, "Claim");
        assert_eq!(s.per_tag[0].1, 0);
        assert_eq!((s.per_tag[1].0.as_str(), s.per_tag[1].1), ("Cause", 1));
        assert_eq!(s.per_tag.len(), p.codebook.tags.len());
        for (name, depth, _) in &s.per_tag {
            let tag = p.codebook.by_name(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(*depth, p.codebook.depth(&tag.id), "{name}");
        }
        let claim = p
            .annotations
            .iter()
            .filter(|a| a.tags.iter().any(|t| t.as_str() == "tag-claim"))
            .count();
        assert_eq!(s.per_tag[0].2, claim);
        assert_eq!(total(&s.per_speaker), p.annotations.len());
        assert_eq!(s.per_speaker.last().map(|r| r.0.as_str()), Some(NO_SPEAKER));
        assert_eq!(
            s.per_annotator,
            vec![("sample".to_string(), p.annotations.len())]
        );
        assert_eq!(total(&s.relations), 3);
        assert_eq!(s.turns, vec![("answer".to_string(), 1)]);
        let text = s.to_string();
        assert!(text.contains(&format!("annotations: {}", p.annotations.len())));
        assert!(text.contains("relations:   3 (agrees 1, contradicts 1, qualifies 1)"));
        assert!(text.contains("turns:       1 (answer 1)"));
    }
}
