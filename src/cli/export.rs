//! `marginalia export PROJECT --format F --out PATH [filters]`: write the
//! project (or the filtered part of it) in an interchange format.

use crate::io::formats::{self, ExportOptions, Filter, Format, OffsetUnit};
use crate::io::project_file;
use crate::model::Project;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The project file (.ron).
    pub project: PathBuf,
    /// csv, json, brat, w3c, doccano, labelstudio, qdc, qdpx, html or md.
    #[arg(long)]
    pub format: String,
    /// Output file (a folder for brat).
    #[arg(long)]
    pub out: PathBuf,
    /// Only these annotator sets (repeatable).
    #[arg(long = "annotator")]
    pub annotators: Vec<String>,
    /// Only annotations with this tag or a descendant: name or id (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Only annotations of this speaker: name, alias or id (repeatable).
    #[arg(long = "speaker")]
    pub speakers: Vec<String>,
    /// Only this document: id or title (repeatable).
    #[arg(long = "document")]
    pub documents: Vec<String>,
    /// Offset unit: chars (default), utf16 or bytes.
    #[arg(long)]
    pub offsets: Option<String>,
    /// CSV: do not neutralize cells that a spreadsheet would run as formulas.
    #[arg(long)]
    pub raw: bool,
}

/// Resolves the filter's names against the project.
pub fn build_filter(project: &Project, args: &ExportArgs) -> Result<Filter, String> {
    let mut f = Filter {
        annotators: args.annotators.clone(),
        ..Filter::default()
    };
    for t in &args.tags {
        let tag = project
            .codebook
            .tags
            .iter()
            .find(|x| x.id.as_str() == t)
            .or_else(|| project.codebook.by_name(t))
            .or_else(|| {
                project
                    .codebook
                    .tags
                    .iter()
                    .find(|x| x.name.to_lowercase() == t.to_lowercase())
            })
            .ok_or_else(|| format!("no tag named `{t}` in the codebook"))?;
        f.tags.push(tag.id.clone());
    }
    for s in &args.speakers {
        let sp = project
            .speakers
            .iter()
            .find(|x| x.id.as_str() == s)
            .or_else(|| project.speakers.iter().find(|x| x.answers_to(s)))
            .ok_or_else(|| format!("no speaker named `{s}`"))?;
        f.speakers.push(sp.id.clone());
    }
    for d in &args.documents {
        let doc = project
            .documents
            .iter()
            .find(|x| x.id.as_str() == d)
            .or_else(|| project.documents.iter().find(|x| x.title == *d))
            .or_else(|| {
                project
                    .documents
                    .iter()
                    .find(|x| x.title.to_lowercase() == d.to_lowercase())
            })
            .ok_or_else(|| format!("no document with id or title `{d}`"))?;
        f.documents.push(doc.id.clone());
    }
    let known = project.all_annotators();
    for a in &args.annotators {
        if !known.contains(a) {
            return Err(format!("no annotator set named `{a}`"));
        }
    }
    Ok(f)
}

fn export(args: &ExportArgs) -> Result<String, String> {
    let format = Format::from_cli_name(&args.format).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.cli_name()).collect();
        format!(
            "unknown format `{}` (one of: {})",
            args.format,
            names.join(", ")
        )
    })?;
    let offsets = match args.offsets.as_deref() {
        None => OffsetUnit::Chars,
        Some(s) => formats::common::parse_unit(s)
            .ok_or_else(|| format!("unknown offset unit `{s}` (chars, utf16 or bytes)"))?,
    };
    let loaded = project_file::load(&args.project).map_err(|e| e.to_string())?;
    let project = loaded.project;
    let options = ExportOptions {
        filter: build_filter(&project, args)?,
        offsets,
        raw: args.raw,
        ..ExportOptions::default()
    };
    formats::export(&project, format, &options, &args.out).map_err(|e| e.to_string())?;
    Ok(format!("exported {} to {}", format, args.out.display()))
}

/// Runs `export`: exit 0 on success, 1 with a message on stderr otherwise.
pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    match export(&args) {
        Ok(msg) => {
            println!("{msg}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("marginalia export: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
