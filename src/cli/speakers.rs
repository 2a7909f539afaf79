//! `marginalia speakers FILE [--json]`: detect speaker turns and attributed
//! quotations in a text (.txt, .md) or in every document of a project (.ron).
//!
//! With `--json`, one JSON object per document per line:
//! `{"document": "...", "speakers": [{"id", "name", "aliases"}],
//! "turns": [{"start", "end", "kind": "narration"|"question"|"answer",
//! "speaker": id|null}], "quotes": [{"start", "end", "speaker"}]}` — offsets
//! in chars into the normalized text (BOM removed, CRLF→LF). `document` is
//! the file name for a text, the document id for a project. Speaker ids are
//! `spk-` + a slug of the name for a text; for a project, the project's ids
//! where a speaker matches (name, alias, surname), a slug id otherwise.

use crate::analysis::speakers::{Detection, detect, slug_id};
use crate::io::project_file;
use crate::model::{DocId, Document, Speaker, SpeakerId, TurnKind};
use anyhow::Context;
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `speakers`.
#[derive(Debug, Args)]
pub struct SpeakersArgs {
    /// A text (.txt, .md) or a project (.ron).
    pub path: PathBuf,
    /// Print one JSON object per document per line.
    #[arg(long)]
    pub json: bool,
}

/// A speaker in the JSON output.
#[derive(Debug, Serialize)]
struct JsonSpeaker<'a> {
    id: &'a SpeakerId,
    name: &'a str,
    aliases: &'a [String],
}

/// A turn in the JSON output.
#[derive(Debug, Serialize)]
struct JsonTurn<'a> {
    start: usize,
    end: usize,
    kind: &'static str,
    speaker: Option<&'a SpeakerId>,
}

/// A quotation in the JSON output.
#[derive(Debug, Serialize)]
struct JsonQuote<'a> {
    start: usize,
    end: usize,
    speaker: &'a SpeakerId,
}

/// One document's line of JSON output.
#[derive(Debug, Serialize)]
struct JsonDoc<'a> {
    document: &'a str,
    speakers: Vec<JsonSpeaker<'a>>,
    turns: Vec<JsonTurn<'a>>,
    quotes: Vec<JsonQuote<'a>>,
}

/// The name of a turn kind in the CLI output.
pub fn kind_name(kind: TurnKind) -> &'static str {
    match kind {
        TurnKind::Narration => "narration",
        TurnKind::Question => "question",
        TurnKind::Answer => "answer",
    }
}

/// Runs `speakers`.
pub fn run(args: SpeakersArgs) -> anyhow::Result<ExitCode> {
    let is_project = args
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
    let (docs, known): (Vec<(String, Document)>, Vec<Speaker>) = if is_project {
        let loaded = project_file::load(&args.path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", args.path.display()))?;
        let p = loaded.project;
        let docs = p
            .documents
            .iter()
            .map(|d| (d.id.to_string(), d.clone()))
            .collect();
        (docs, p.speakers)
    } else {
        (vec![read_text(&args.path)?], Vec::new())
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (name, doc) in &docs {
        let det = detect(&doc.text, &known);
        let ids = det.speaker_ids(&known, |s| slug_id(&s.name));
        if args.json {
            let line = serde_json::to_string(&json_doc(name, &det, &ids))?;
            writeln_or_quit(&mut out, &line)?;
        } else {
            writeln_or_quit(&mut out, &listing(name, doc, &det, &ids))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a line; a closed pipe (`| head`) is not an error.
fn writeln_or_quit(out: &mut impl std::io::Write, s: &str) -> anyhow::Result<()> {
    match writeln!(out, "{s}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Reads a text file as a document named by its file name.
fn read_text(path: &Path) -> anyhow::Result<(String, Document)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let raw = String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{}: not UTF-8 text ({e})", path.display()))?;
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let doc = Document::import(
        DocId::new("doc-cli"),
        name.clone(),
        Some(name.clone()),
        &raw,
    );
    Ok((name, doc))
}

fn json_doc<'a>(name: &'a str, det: &'a Detection, ids: &'a [SpeakerId]) -> JsonDoc<'a> {
    JsonDoc {
        document: name,
        speakers: det
            .speakers
            .iter()
            .zip(ids)
            .map(|(s, id)| JsonSpeaker {
                id,
                name: &s.name,
                aliases: &s.aliases,
            })
            .collect(),
        turns: det
            .turns
            .iter()
            .map(|t| JsonTurn {
                start: t.range.start,
                end: t.range.end,
                kind: kind_name(t.kind),
                speaker: t.speaker.and_then(|i| ids.get(i)),
            })
            .collect(),
        quotes: det
            .quotes
            .iter()
            .filter_map(|q| {
                Some(JsonQuote {
                    start: q.range.start,
                    end: q.range.end,
                    speaker: ids.get(q.speaker)?,
                })
            })
            .collect(),
    }
}

/// The first `n` chars of a range of the text, on one line.
fn snippet(text: &str, start: usize, end: usize, n: usize) -> String {
    let s: String = text
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let s = s.trim();
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

fn listing(name: &str, doc: &Document, det: &Detection, ids: &[SpeakerId]) -> String {
    let mut out = format!("== {name} ({} chars)\nSpeakers:\n", doc.char_len());
    for (s, id) in det.speakers.iter().zip(ids) {
        out.push_str(&format!("  {id}  {}", s.name));
        if !s.aliases.is_empty() {
            out.push_str(&format!(" (also: {})", s.aliases.join(", ")));
        }
        if s.is_interviewer {
            out.push_str(" [interviewer]");
        }
        if !s.role.is_empty() {
            out.push_str(&format!(" — {}", s.role));
        }
        out.push('\n');
    }
    out.push_str("Turns:\n");
    for t in &det.turns {
        let who = t
            .speaker
            .and_then(|i| det.speakers.get(i))
            .map_or("-", |s| s.name.as_str());
        out.push_str(&format!(
            "  {:>6}..{:<6} {:<9} {:<20} {}\n",
            t.range.start,
            t.range.end,
            kind_name(t.kind),
            who,
            snippet(&doc.text, t.range.start, t.range.end, 60)
        ));
    }
    if !det.quotes.is_empty() {
        out.push_str("Quotes:\n");
        for q in &det.quotes {
            let who = det.speakers.get(q.speaker).map_or("?", |s| s.name.as_str());
            out.push_str(&format!(
                "  {:>6}..{:<6} {:<20} “{}”\n",
                q.range.start,
                q.range.end,
                who,
                snippet(&doc.text, q.range.start, q.range.end, 60)
            ));
        }
    }
    out
}
