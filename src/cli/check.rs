//! `marginalia check PATH.ron`: validate headless.

use clap::Args;
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
    anyhow::bail!("check is not written yet: {}", args.path.display())
}
