//! `marginalia compare PROJECT --by questions|tags [--group TAG]
//! --format md|csv|json [--out PATH] [--only-disagreements]`: the compare
//! matrix of a project (see [`crate::analysis::compare`]). Documents without
//! speaker turns get detected ones first (in memory; the file is not changed).

use crate::analysis::compare::{CompareTable, Topics};
use crate::analysis::speakers::{detection_edit_with, slug_id};
use crate::io::project_file;
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// What the rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// One row per question and the answers that follow it.
    Questions,
    /// One row per tag of a group (see `--group`).
    Tags,
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A Markdown table.
    Md,
    /// One CSV line per claim.
    Csv,
    /// The whole table as JSON.
    Json,
}

/// Arguments of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The project file (.ron).
    pub project: PathBuf,
    /// Rows: questions or tags.
    #[arg(long, value_enum, default_value = "questions")]
    pub by: By,
    /// With `--by tags`: the tag (id or name) whose children are the rows;
    /// without it, the top-level tags.
    #[arg(long)]
    pub group: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Keep only rows with a `contradicts` relation.
    #[arg(long)]
    pub only_disagreements: bool,
}

/// Runs `compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let loaded = project_file::load(&args.project)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.project.display()))?;
    let mut p = loaded.project;
    let untouched: Vec<_> = p
        .documents
        .iter()
        .filter(|d| p.turns_of(&d.id).next().is_none())
        .map(|d| d.id.clone())
        .collect();
    for doc in untouched {
        detection_edit_with(&p, &doc, |s| slug_id(&s.name))
            .apply(&mut p)
            .map_err(|e| anyhow::anyhow!("speaker detection on {doc}: {e}"))?;
    }
    let topics = match (args.by, &args.group) {
        (By::Questions, Some(_)) => anyhow::bail!("--group needs --by tags"),
        (By::Questions, None) => Topics::Questions,
        (By::Tags, None) => Topics::Tags { group: None },
        (By::Tags, Some(g)) => {
            let tag = p
                .codebook
                .tags
                .iter()
                .find(|t| t.id.as_str() == g)
                .or_else(|| p.codebook.by_name(g))
                .with_context(|| format!("no tag `{g}` in the codebook"))?;
            Topics::Tags {
                group: Some(tag.id.clone()),
            }
        }
    };
    let mut table = CompareTable::build(&p, &[], &topics);
    if args.only_disagreements {
        table = table.only_disagreements();
    }
    let text = match args.format {
        Format::Md => table.to_markdown(),
        Format::Csv => table.to_csv()?,
        Format::Json => table.to_json()? + "\n",
    };
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
