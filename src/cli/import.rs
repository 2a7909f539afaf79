//! `marginalia import PROJECT --format F --from PATH [--annotator NAME]
//! [--out NEW]`: read annotations from another tool into a project.

use crate::io::formats::{self, Format};
use crate::io::project_file;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Formats `import` accepts.
pub const IMPORT_FORMATS: [Format; 8] = [
    Format::Brat,
    Format::Doccano,
    Format::W3c,
    Format::LabelStudio,
    Format::Qdpx,
    Format::Qdc,
    Format::Csv,
    Format::Json,
];

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The project file (.ron) to import into.
    pub project: PathBuf,
    /// brat, doccano, w3c, labelstudio, qdpx, qdc, csv or json.
    #[arg(long)]
    pub format: String,
    /// The file (a folder for brat) to read.
    #[arg(long)]
    pub from: PathBuf,
    /// Put every imported annotation in this annotator set (default: the
    /// sets the file names).
    #[arg(long)]
    pub annotator: Option<String>,
    /// Write the result here instead of updating PROJECT in place.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `PROJECT.bak` beside the project (the whole name kept: `a.ron.bak`).
pub fn backup_path(project: &Path) -> PathBuf {
    let mut name = project.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    project.with_file_name(name)
}

fn import(args: &ImportArgs) -> Result<String, String> {
    let format = Format::from_cli_name(&args.format)
        .filter(|f| IMPORT_FORMATS.contains(f))
        .ok_or_else(|| {
            let names: Vec<&str> = IMPORT_FORMATS.iter().map(|f| f.cli_name()).collect();
            format!(
                "cannot import format `{}` (one of: {})",
                args.format,
                names.join(", ")
            )
        })?;
    let loaded = project_file::load(&args.project).map_err(|e| e.to_string())?;
    let mut project = loaded.project;
    let (edit, report) = formats::import(
        &project,
        format,
        &args.from,
        args.annotator.as_deref().unwrap_or(""),
    )
    .map_err(|e| e.to_string())?;
    edit.apply(&mut project)
        .map_err(|e| format!("the import could not be applied: {e}"))?;
    if let Some(p) = project.validate().first() {
        return Err(format!(
            "the imported project would be invalid: {}",
            p.message
        ));
    }
    match &args.out {
        Some(out) => {
            project_file::save_over(out, &project).map_err(|e| e.to_string())?;
        }
        None => {
            let bak = backup_path(&args.project);
            std::fs::copy(&args.project, &bak)
                .map_err(|e| format!("cannot keep a backup at {}: {e}", bak.display()))?;
            project_file::save(&args.project, &project, Some(&loaded.stamp))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(report.summary())
}

/// Runs `import`: prints the report; exit 0 on success, 1 with a message on
/// stderr otherwise (the project file is then unchanged).
pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    match import(&args) {
        Ok(msg) => {
            println!("{msg}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("marginalia import: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
