//! `marginalia bench`: the scale benchmark (see [`crate::bench`]).

use crate::bench::generate::Vocabulary;
use crate::bench::{self, BenchConfig};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A tenth of the size (500 KB, 5,000 annotations) and fewer frames:
    /// under a minute in a release build.
    #[arg(long)]
    pub quick: bool,
    /// Print the figures as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Frames to run on each project (default 600, or 200 with --quick).
    #[arg(long, value_name = "N")]
    pub frames: Option<usize>,
    /// Runs of the frames on each project (default 3), the seed project and
    /// the big one in turn; the percentiles are over all of them.
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,
    /// Seed of the generated document: the same seed, the same project.
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub seed: u64,
    /// Size of the generated document in bytes (overrides --quick's size).
    #[arg(long, value_name = "BYTES")]
    pub doc_bytes: Option<usize>,
    /// Number of generated annotations (overrides --quick's count).
    #[arg(long, value_name = "N")]
    pub annotations: Option<usize>,
    /// How varied the generated words are: `book` (some 29,000 distinct
    /// words in 5 MB, as in a book) or `small` (some 400, as in the first
    /// rounds).
    #[arg(long, value_name = "KIND", value_enum, default_value_t = Vocabulary::Book)]
    pub vocabulary: Vocabulary,
    /// Also write the generated project here, to open it in the window.
    #[arg(long, value_name = "PATH")]
    pub write_project: Option<PathBuf>,
    /// Write every frame time of the big project here as CSV (frame,kind,ms).
    #[arg(long, value_name = "PATH")]
    pub frame_log: Option<PathBuf>,
}

impl BenchArgs {
    /// The run these arguments ask for.
    pub fn config(&self) -> BenchConfig {
        let mut cfg = if self.quick {
            BenchConfig::quick(self.seed)
        } else {
            BenchConfig::full(self.seed)
        };
        if let Some(n) = self.frames {
            cfg.frames = n.max(2);
        }
        if let Some(n) = self.runs {
            cfg.runs = n.max(1);
        }
        if let Some(b) = self.doc_bytes {
            cfg.gen_config.doc_bytes = b;
        }
        if let Some(n) = self.annotations {
            cfg.gen_config.annotations = n;
        }
        cfg.gen_config.vocabulary = self.vocabulary;
        cfg.write_project = self.write_project.clone();
        cfg
    }
}

/// Runs `bench` and prints the table or the JSON object.
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let report = bench::run(&args.config())?;
    if let Some(p) = &args.frame_log {
        std::fs::write(p, report.frame_log_csv())
            .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
    }
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.table());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use crate::bench::generate::Vocabulary;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn bench_args(args: &[&str]) -> super::BenchArgs {
        let cli = Cli::try_parse_from(args).unwrap();
        match cli.command {
            Some(Command::Bench(a)) => a,
            other => panic!("not bench: {other:?}"),
        }
    }

    #[test]
    fn options_shape_the_run() {
        let full = bench_args(&["marginalia", "bench"]).config();
        assert_eq!(full.gen_config.doc_bytes, 5_000_000);
        assert_eq!(full.gen_config.annotations, 50_000);
        assert_eq!(full.gen_config.seed, 42);
        assert_eq!(full.runs, 3);
        assert_eq!(full.gen_config.vocabulary, Vocabulary::Book);
        let small = bench_args(&["marginalia", "bench", "--vocabulary", "small"]).config();
        assert_eq!(small.gen_config.vocabulary, Vocabulary::Small);
        assert!(Cli::try_parse_from(["marginalia", "bench", "--vocabulary", "x"]).is_err());
        assert_eq!(
            bench_args(&["marginalia", "bench", "--runs", "5"])
                .config()
                .runs,
            5
        );
        assert_eq!(
            bench_args(&["marginalia", "bench", "--runs", "0"])
                .config()
                .runs,
            1
        );

        let a = bench_args(&[
            "marginalia",
            "bench",
            "--quick",
            "--json",
            "--frames",
            "30",
            "--seed",
            "7",
            "--write-project",
            "/tmp/x.ron",
        ]);
        assert!(a.json);
        let cfg = a.config();
        assert_eq!(cfg.gen_config.doc_bytes, 500_000);
        assert_eq!(cfg.gen_config.annotations, 5_000);
        assert_eq!(cfg.gen_config.seed, 7);
        assert_eq!(cfg.frames, 30);
        assert_eq!(
            cfg.write_project.as_deref(),
            Some(std::path::Path::new("/tmp/x.ron"))
        );

        let custom = bench_args(&[
            "marginalia",
            "bench",
            "--doc-bytes",
            "1000",
            "--annotations",
            "3",
        ]);
        assert_eq!(custom.config().gen_config.doc_bytes, 1000);
        assert_eq!(custom.config().gen_config.annotations, 3);
        assert!(Cli::try_parse_from(["marginalia", "bench", "--frames", "x"]).is_err());
    }
}
