//! The scale benchmark behind `marginalia bench`.
//!
//! It generates a large project deterministically ([`generate`]), saves it as
//! a project file, then measures what a user waits for: opening it (read,
//! parse, validate, first frame), saving it atomically, exporting it to each
//! format, and the CPU time of UI frames while scrolling through the whole
//! article, tagging and jumping to annotations ([`frames`]). The same frames
//! are run on the bundled sample (the "seed" project) in the same process, so
//! the ratio of the two 95th percentiles shows whether frame cost grows with
//! the size of the project. Peak memory comes from the kernel ([`rss`]).
//!
//! Targets (from the issue), for 5 MB and 50,000 annotations: open < 0.5 s,
//! save < 0.25 s, frame p95 < 4 ms, p95 big / p95 seed ≤ 1.5, peak RSS
//! < 250 MB. The report prints them next to the figures; it never fails the
//! run, since timings depend on the machine.

pub mod frames;
pub mod generate;
pub mod rss;
pub mod words;

use crate::io::formats::{self, ExportOptions, Format, FormatError};
use crate::io::{project_file, sample};
use crate::model::Project;
use crate::ui::app::MarginaliaApp;
use crate::ui::dialogs::FakeDialogs;
use anyhow::Context as _;
use frames::{FrameStats, Script, Step, StepKind};
use generate::GenConfig;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Target for opening the big project, ms.
pub const TARGET_OPEN_MS: f64 = 500.0;
/// Target for saving it, ms.
pub const TARGET_SAVE_MS: f64 = 250.0;
/// Target for the 95th percentile of frame time, ms.
pub const TARGET_FRAME_P95_MS: f64 = 4.0;
/// Target for p95 on the big project divided by p95 on the seed project.
pub const TARGET_FRAME_RATIO: f64 = 1.5;
/// Target for peak resident memory, MB.
pub const TARGET_PEAK_RSS_MB: f64 = 250.0;

// ---------------------------------------------------------------------------
// The app under test: the real Marginalia window, with fake file dialogs and a
// headless eframe frame.
// ---------------------------------------------------------------------------

/// The app whose frames are measured: the real app and the (headless) eframe
/// frame it draws into.
pub type AppUnderTest = (MarginaliaApp, eframe::Frame);

/// Builds the real app on a loaded project, ready for its first frame. `ctx`
/// is the context the frames will run in (the app needs nothing from it
/// before its first frame).
pub fn new_app_under_test(ctx: &egui::Context, project: Project) -> AppUnderTest {
    let _ = ctx;
    let mut app = MarginaliaApp::new(project, None, Box::new(FakeDialogs::new()));
    app.prefs_mut().annotator = "bench".into();
    (app, eframe::Frame::_new_kittest())
}

/// Draws one frame of the app on the root `Ui`, after carrying out the
/// step's app-level action through the app's API: scrolling the article,
/// selecting its text, or revealing an annotation as a click in the list does.
pub fn draw_app_frame(app: &mut AppUnderTest, ui: &mut egui::Ui, step: &Step) {
    let (app, frame) = app;
    match &step.action {
        Some(frames::Action::ScrollTo(r)) => app.text_view_mut().scroll_to(r.clone()),
        Some(frames::Action::SelectText(r)) => app.text_view_mut().set_selection(r.clone()),
        Some(frames::Action::JumpToAnnotation(i)) => {
            if let Some(id) = app.project().annotations.get(*i).map(|a| a.id.clone()) {
                app.reveal_annotation(id);
            }
        }
        None => {}
    }
    eframe::App::ui(app, ui, frame);
}

// ---------------------------------------------------------------------------

/// What to run.
#[derive(Clone, Debug)]
pub struct BenchConfig {
    /// The generated project.
    pub gen_config: GenConfig,
    /// Frames per project and run (the first, cold frame included).
    pub frames: usize,
    /// Runs of the frames: the seed project and the big one in turn, each
    /// run a fresh app; the percentiles are over the frames of all runs.
    pub runs: usize,
    /// Also write the generated project here.
    pub write_project: Option<PathBuf>,
    /// Measure the exporters (skipped in quick unit tests).
    pub exports: bool,
}

impl BenchConfig {
    /// The full benchmark of the issue.
    pub fn full(seed: u64) -> Self {
        Self {
            gen_config: GenConfig::full(seed),
            frames: 600,
            runs: 3,
            write_project: None,
            exports: true,
        }
    }

    /// The everyday benchmark: a tenth of the size, fewer frames.
    pub fn quick(seed: u64) -> Self {
        Self {
            gen_config: GenConfig::quick(seed),
            frames: 200,
            runs: 3,
            write_project: None,
            exports: true,
        }
    }
}

/// How one export went.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportResult {
    /// It took this many milliseconds.
    Ms(f64),
    /// The format has no exporter yet.
    Unavailable,
    /// The exporter failed; the message.
    Failed(String),
}

/// Summary of the frames of one project.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameSummary {
    /// Warm frames measured (the first frame excluded).
    pub frames: usize,
    /// Median, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 95th percentile of the wall-clock times, ms.
    pub wall_p95_ms: f64,
    /// Slowest warm frame, ms.
    pub max_ms: f64,
    /// The first (cold) frame, ms.
    pub first_ms: f64,
    /// p95 and max of scrolling, tagging and jumping frames, ms.
    pub by_kind_ms: [(StepKind, f64, f64); 3],
}

impl FrameSummary {
    fn of(stats: &FrameStats) -> Self {
        let warm = stats.warm();
        let first_ms = stats
            .of_kind(StepKind::First)
            .times_ms
            .first()
            .copied()
            .unwrap_or(0.0);
        let kind = |k| {
            let s = warm.of_kind(k);
            (k, s.p95(), s.max())
        };
        Self {
            frames: warm.len(),
            p50_ms: warm.p50(),
            p95_ms: warm.p95(),
            wall_p95_ms: warm.wall_p95(),
            max_ms: warm.max(),
            first_ms,
            by_kind_ms: [
                kind(StepKind::Scroll),
                kind(StepKind::Tag),
                kind(StepKind::Jump),
            ],
        }
    }
}

/// Every figure of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchReport {
    /// The PRNG seed.
    pub seed: u64,
    /// Runs of the frames per project.
    pub runs: usize,
    /// Chars in the generated document.
    pub doc_chars: usize,
    /// Bytes (UTF-8) of the generated document.
    pub doc_bytes: usize,
    /// How varied its words are.
    pub vocabulary: generate::Vocabulary,
    /// Annotations in the generated project.
    pub annotations: usize,
    /// Size of the project file, bytes.
    pub project_file_bytes: usize,
    /// Generating and serializing the project (setup, not a target), ms.
    pub generate_ms: f64,
    /// Read + parse + validate of the project file, ms.
    pub load_ms: f64,
    /// Of `load_ms`: reading the file, ms.
    pub read_ms: f64,
    /// Deserializing the RON alone (timed separately), ms; the rest of
    /// `load_ms - read_ms` is validation and sorting.
    pub deserialize_ms: f64,
    /// `load_ms` plus building the app plus its first frame: ready to draw, ms.
    pub open_ms: f64,
    /// Atomic save (`save_over`), median of three, ms.
    pub save_ms: f64,
    /// Each format's export.
    pub exports: Vec<(Format, ExportResult)>,
    /// Frames on the big project.
    pub big: FrameSummary,
    /// Frames on the seed project.
    pub seed_frames: FrameSummary,
    /// `big.p95_ms / seed_frames.p95_ms`.
    pub frame_ratio: f64,
    /// The same ratio of the wall-clock p95s.
    pub frame_wall_ratio: f64,
    /// Every frame of the big project, in order (for `--frame-log`).
    pub big_frames: FrameStats,
    /// Peak RSS from the load on (generation excluded when the kernel lets us
    /// reset the peak), MB; `None` off Linux.
    pub peak_rss_mb: Option<f64>,
    /// Whether the peak was reset after generation.
    pub peak_reset: bool,
    /// Peak RSS once the exports ran too (they run last), MB; `None` when
    /// exports were skipped or off Linux.
    pub export_peak_rss_mb: Option<f64>,
    /// Finding the laid-out words of fresh pages, two ways.
    pub page_words: words::PageWords,
    /// Jumps of the big project whose page the article's jump thread laid
    /// out while the side panels were drawn, and the thread's time for
    /// them in all, ms (not in the frame times: see `TextView::prepare_jump`).
    pub jumps_ahead: (u64, f64),
    /// Of those jumps, the ones whose frame had to wait for the thread, and
    /// the waits in all, ms (in the wall-clock frame times).
    pub jump_waits: (u64, f64),
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn median3(mut v: [f64; 3]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[1]
}

/// Runs the app over the standard script on `project` and returns the frame
/// times, the time to build the app and the app as the frames left it.
fn run_frames(project: Project, frames: usize) -> (FrameStats, f64, AppUnderTest) {
    let doc_chars = project.documents.first().map(|d| d.char_len()).unwrap_or(0);
    let script = Script::standard(frames, doc_chars, project.annotations.len());
    let ctx = egui::Context::default();
    let t = Instant::now();
    let mut app = new_app_under_test(&ctx, project);
    let build_ms = ms_since(t);
    let stats = frames::drive(&ctx, &script, |ui, step| draw_app_frame(&mut app, ui, step));
    (stats, build_ms, app)
}

fn export_path(dir: &Path, f: Format) -> PathBuf {
    let ext = match f {
        Format::Brat => return dir.join("export-brat"),
        Format::Csv => "csv",
        Format::Json | Format::W3c | Format::LabelStudio => "json",
        Format::Doccano => "jsonl",
        Format::Qdc => "qdc",
        Format::Qdpx => "qdpx",
        Format::Html => "html",
        Format::Markdown => "md",
    };
    dir.join(format!("export-{}.{ext}", f.cli_name()))
}

/// Runs the benchmark. Errors only on setup failures (temp files, a generated
/// project that does not load); slow figures are reported, not errors.
pub fn run(cfg: &BenchConfig) -> anyhow::Result<BenchReport> {
    let dir = tempfile::tempdir().context("creating a temp folder")?;

    // Setup: generate and write the big project.
    let t = Instant::now();
    let project = generate::generate(&cfg.gen_config);
    let ron = project_file::to_ron_string(&project)?;
    let generate_ms = ms_since(t);
    let doc = project.documents.first();
    let doc_chars = doc.map(|d| d.char_len()).unwrap_or(0);
    let doc_bytes = doc.map(|d| d.text.len()).unwrap_or(0);
    let annotations = project.annotations.len();
    drop(project);
    let big_path = dir.path().join("big.ron");
    std::fs::write(&big_path, &ron).with_context(|| big_path.display().to_string())?;
    if let Some(p) = &cfg.write_project {
        std::fs::write(p, &ron).with_context(|| p.display().to_string())?;
    }
    let project_file_bytes = ron.len();
    drop(ron);
    let seed_project = sample::sample_project();

    let peak_reset = rss::reset_peak();

    // Open: read + parse + validate, then the app's first frame.
    let t = Instant::now();
    let src = std::fs::read_to_string(&big_path).with_context(|| big_path.display().to_string())?;
    let read_ms = ms_since(t);
    let project = project_file::parse(&src)?;
    let load_ms = ms_since(t);
    drop(src);

    // Save, three times; the median.
    let save_path = dir.path().join("saved.ron");
    let mut saves = [0.0; 3];
    for s in &mut saves {
        let t = Instant::now();
        project_file::save_over(&save_path, &project)?;
        *s = ms_since(t);
    }
    let save_ms = median3(saves);

    // Frames: the seed project, then the big one (same process, same
    // fonts), in turn, `runs` times: a stretch of a slow machine then falls
    // on both. Each run is a fresh app; the big project is parsed again
    // (after the last run's app is gone, so the peak stays one copy).
    let mut seed_stats = FrameStats::default();
    let mut big_stats = FrameStats::default();
    let mut build_ms = 0.0;
    let mut jumps_ahead = (0, 0.0);
    let mut jump_waits = (0, 0.0);
    let mut project = Some(project);
    let mut app = None;
    for run in 0..cfg.runs.max(1) {
        seed_stats.append(run_frames(seed_project.clone(), cfg.frames).0);
        drop(app.take());
        let project = match project.take() {
            Some(p) => p,
            None => {
                let src = std::fs::read_to_string(&big_path)
                    .with_context(|| big_path.display().to_string())?;
                project_file::parse(&src)?
            }
        };
        let (stats, ms, mut a) = run_frames(project, cfg.frames);
        if run == 0 {
            build_ms = ms;
        }
        let view = a.0.text_view_mut().debug_stats();
        jumps_ahead.0 += view.jumps_ahead;
        jumps_ahead.1 += view.jump_thread_time.as_secs_f64() * 1000.0;
        jump_waits.0 += view.jump_waits.0;
        jump_waits.1 += view.jump_waits.1.as_secs_f64() * 1000.0;
        big_stats.append(stats);
        app = Some(a);
    }
    let app = app.context("no run of the frames")?;
    let big = FrameSummary::of(&big_stats);
    let seed_frames = FrameSummary::of(&seed_stats);
    let open_ms = load_ms + build_ms + big.first_ms;
    let ratio = |big: f64, seed: f64| if seed > 0.0 { big / seed } else { f64::NAN };
    let frame_ratio = ratio(big.p95_ms, seed_frames.p95_ms);
    let frame_wall_ratio = ratio(big.wall_p95_ms, seed_frames.wall_p95_ms);
    let peak_rss_mb = rss::peak_rss_bytes().map(|b| b as f64 / (1024.0 * 1024.0));

    // Exports last, so their buffers do not count in the app's peak above;
    // their own peak is reported apart.
    // (The project as the frames left it: 30 tagged spans more.)
    let project = app.0.project().clone();
    drop(app);
    let mut exports = Vec::new();
    if cfg.exports {
        for f in Format::ALL {
            let t = Instant::now();
            let r = formats::export(
                &project,
                f,
                &ExportOptions::default(),
                &export_path(dir.path(), f),
            );
            let ms = ms_since(t);
            exports.push((
                f,
                match r {
                    Ok(()) => ExportResult::Ms(ms),
                    Err(FormatError::Unsupported(_)) => ExportResult::Unavailable,
                    Err(e) => ExportResult::Failed(e.to_string()),
                },
            ));
        }
    }

    let export_peak_rss_mb = if cfg.exports {
        rss::peak_rss_bytes().map(|b| b as f64 / (1024.0 * 1024.0))
    } else {
        None
    };
    let page_words = project
        .documents
        .first()
        .map(|d| words::measure(&d.text))
        .unwrap_or_default();
    drop(project);

    // Where the load time goes: deserializing alone, timed again after the
    // peak RSS was read so the second copy does not count.
    let src = std::fs::read_to_string(&big_path).with_context(|| big_path.display().to_string())?;
    let t = Instant::now();
    let parsed: Result<Project, _> = ron::from_str(&src);
    let deserialize_ms = ms_since(t);
    parsed.context("deserializing the generated project")?;

    Ok(BenchReport {
        seed: cfg.gen_config.seed,
        runs: cfg.runs.max(1),
        doc_chars,
        doc_bytes,
        vocabulary: cfg.gen_config.vocabulary,
        annotations,
        project_file_bytes,
        generate_ms,
        load_ms,
        read_ms,
        deserialize_ms,
        open_ms,
        save_ms,
        exports,
        big,
        seed_frames,
        frame_ratio,
        frame_wall_ratio,
        jumps_ahead,
        jump_waits,
        peak_rss_mb,
        peak_reset,
        export_peak_rss_mb,
        big_frames: big_stats,
        page_words,
    })
}

fn kind_name(k: StepKind) -> &'static str {
    match k {
        StepKind::First => "first",
        StepKind::Scroll => "scroll",
        StepKind::Tag => "tag",
        StepKind::Jump => "jump",
    }
}

/// Rounds to 3 decimals for the JSON output.
fn r3(x: f64) -> Value {
    if x.is_finite() {
        json!((x * 1000.0).round() / 1000.0)
    } else {
        Value::Null
    }
}

impl BenchReport {
    /// The figures as one JSON object. Always has the keys `doc_chars`,
    /// `annotations`, `load_ms`, `save_ms`, `frame_p50_ms`, `frame_p95_ms`,
    /// `frame_max_ms`, `seed_frame_p95_ms`, `frame_ratio`, `peak_rss_mb`
    /// (`null` when unknown), plus details.
    pub fn to_json(&self) -> Value {
        let exports: serde_json::Map<String, Value> = self
            .exports
            .iter()
            .map(|(f, r)| {
                let v = match r {
                    ExportResult::Ms(ms) => r3(*ms),
                    ExportResult::Unavailable => Value::Null,
                    ExportResult::Failed(e) => json!({ "error": e }),
                };
                (f.cli_name().to_string(), v)
            })
            .collect();
        let by_kind = |s: &FrameSummary| {
            s.by_kind_ms
                .iter()
                .map(|(k, p95, max)| {
                    (
                        kind_name(*k).to_string(),
                        json!({ "p95": r3(*p95), "max": r3(*max) }),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
        };
        let jump_thread = json!({
            "pages": self.jumps_ahead.0,
            "ms": r3(self.jumps_ahead.1),
            "waits": self.jump_waits.0,
            "wait_ms": r3(self.jump_waits.1),
        });
        json!({
            "doc_chars": self.doc_chars,
            "annotations": self.annotations,
            "load_ms": r3(self.load_ms),
            "save_ms": r3(self.save_ms),
            "frame_p50_ms": r3(self.big.p50_ms),
            "frame_p95_ms": r3(self.big.p95_ms),
            "frame_max_ms": r3(self.big.max_ms),
            "seed_frame_p95_ms": r3(self.seed_frames.p95_ms),
            "frame_ratio": r3(self.frame_ratio),
            "peak_rss_mb": self.peak_rss_mb.map(r3).unwrap_or(Value::Null),
            "seed": self.seed,
            "doc_bytes": self.doc_bytes,
            "vocabulary": self.vocabulary.name(),
            "project_file_bytes": self.project_file_bytes,
            "generate_ms": r3(self.generate_ms),
            "open_ms": r3(self.open_ms),
            "load_read_ms": r3(self.read_ms),
            "load_deserialize_ms": r3(self.deserialize_ms),
            "load_validate_sort_ms": r3(self.validate_sort_ms()),
            "first_frame_ms": r3(self.big.first_ms),
            "frames": self.big.frames,
            "runs": self.runs,
            "frame_by_kind_ms": by_kind(&self.big),
            "seed_frame_p50_ms": r3(self.seed_frames.p50_ms),
            "seed_frame_max_ms": r3(self.seed_frames.max_ms),
            "seed_first_frame_ms": r3(self.seed_frames.first_ms),
            "seed_frame_by_kind_ms": by_kind(&self.seed_frames),
            "frame_wall_p95_ms": r3(self.big.wall_p95_ms),
            "seed_frame_wall_p95_ms": r3(self.seed_frames.wall_p95_ms),
            "frame_wall_ratio": r3(self.frame_wall_ratio),
            "jump_thread": jump_thread,
            "export_ms": exports,
            "peak_rss_reset_after_setup": self.peak_reset,
            "export_peak_rss_mb": self.export_peak_rss_mb.map(r3).unwrap_or(Value::Null),
            "page_words": json!({
                "cut_ms": r3(self.page_words.cut_ms),
                "by_text_ns_per_char": r3(self.page_words.by_text_ns),
                "by_number_ns_per_char": r3(self.page_words.by_number_ns),
            }),
        })
    }

    /// The big project's frames as CSV: `frame,kind,ms,wall_ms` (CPU time,
    /// then wall-clock time).
    pub fn frame_log_csv(&self) -> String {
        let mut out = String::from("frame,kind,ms,wall_ms\n");
        let f = &self.big_frames;
        for (i, (ms, k)) in f.times_ms.iter().zip(&f.kinds).enumerate() {
            let wall = f.wall_ms.get(i).copied().unwrap_or(f64::NAN);
            let _ = writeln!(out, "{i},{},{ms:.3},{wall:.3}", kind_name(*k));
        }
        out
    }

    /// Of `load_ms`: validation and sorting (the load minus reading and
    /// deserializing), ms.
    pub fn validate_sort_ms(&self) -> f64 {
        (self.load_ms - self.read_ms - self.deserialize_ms).max(0.0)
    }

    /// The figures as an aligned plain-text table, targets alongside.
    pub fn table(&self) -> String {
        fn verdict(ok: bool) -> &'static str {
            if ok { "ok" } else { "MISSED" }
        }
        let mut rows: Vec<[String; 3]> = Vec::new();
        let mut row = |a: &str, b: String, c: String| rows.push([a.to_string(), b, c]);
        row(
            "load (read+parse+validate)",
            format!("{:.1} ms", self.load_ms),
            String::new(),
        );
        row(
            "  of which read / ron / validate+sort",
            format!(
                "{:.1} / {:.1} / {:.1} ms",
                self.read_ms,
                self.deserialize_ms,
                self.validate_sort_ms()
            ),
            String::new(),
        );
        row(
            "open (load + first frame)",
            format!("{:.1} ms", self.open_ms),
            format!(
                "< {TARGET_OPEN_MS} ms  {}",
                verdict(self.open_ms < TARGET_OPEN_MS)
            ),
        );
        row(
            "save (atomic)",
            format!("{:.1} ms", self.save_ms),
            format!(
                "< {TARGET_SAVE_MS} ms  {}",
                verdict(self.save_ms < TARGET_SAVE_MS)
            ),
        );
        for (f, r) in &self.exports {
            let v = match r {
                ExportResult::Ms(ms) => format!("{ms:.1} ms"),
                ExportResult::Unavailable => "n/a".into(),
                ExportResult::Failed(e) => format!("failed: {e}"),
            };
            row(&format!("export {f}"), v, String::new());
        }
        for (name, s) in [("big", &self.big), ("seed", &self.seed_frames)] {
            row(
                &format!("frames {name}: p50 / p95 / max"),
                format!("{:.2} / {:.2} / {:.2} ms", s.p50_ms, s.p95_ms, s.max_ms),
                if name == "big" {
                    format!(
                        "p95 < {TARGET_FRAME_P95_MS} ms  {}",
                        verdict(s.p95_ms < TARGET_FRAME_P95_MS)
                    )
                } else {
                    String::new()
                },
            );
            let kinds: Vec<String> = s
                .by_kind_ms
                .iter()
                .map(|(k, p95, max)| format!("{} {p95:.2}/{max:.1}", kind_name(*k)))
                .collect();
            row(
                &format!("frames {name}: p95/max by kind"),
                format!("{} ms", kinds.join(", ")),
                String::new(),
            );
            row(
                &format!("frames {name}: first (cold)"),
                format!("{:.1} ms", s.first_ms),
                String::new(),
            );
        }
        row(
            "frame p95 ratio big / seed",
            format!("{:.2}", self.frame_ratio),
            format!(
                "<= {TARGET_FRAME_RATIO}  {}",
                verdict(self.frame_ratio <= TARGET_FRAME_RATIO)
            ),
        );
        row(
            "wall-clock p95 big / seed",
            format!(
                "{:.2} / {:.2} ms = {:.2}",
                self.big.wall_p95_ms, self.seed_frames.wall_p95_ms, self.frame_wall_ratio
            ),
            "(frames above are CPU time)".into(),
        );
        // A count and the mean of its total time.
        let each = |(n, ms): (u64, f64)| {
            let mean_us = if n > 0 { ms * 1000.0 / n as f64 } else { 0.0 };
            format!("{n} / {mean_us:.0} µs")
        };
        row(
            "  jumps laid out ahead on the jump thread: count / each",
            each(self.jumps_ahead),
            "(not in the frame times)".into(),
        );
        row(
            "  of them, frames that waited for it: count / each",
            each(self.jump_waits),
            "(in the wall-clock times)".into(),
        );
        row(
            "peak RSS (load, save, frames)",
            self.peak_rss_mb
                .map(|m| format!("{m:.0} MB"))
                .unwrap_or_else(|| "n/a".into()),
            match self.peak_rss_mb {
                Some(m) => format!(
                    "< {TARGET_PEAK_RSS_MB} MB  {}",
                    verdict(m < TARGET_PEAK_RSS_MB)
                ),
                None => String::new(),
            },
        );
        if let Some(m) = self.export_peak_rss_mb {
            row(
                "peak RSS with the exports (run last)",
                format!("{m:.0} MB"),
                String::new(),
            );
        }
        let w = &self.page_words;
        row(
            "words of 300 fresh pages: cut+hashed / by number",
            format!("{:.1} / {:.1} ns a char", w.by_text_ns, w.by_number_ns),
            String::new(),
        );
        row(
            "  the document cut into numbered words (own thread)",
            format!("{:.1} ms", w.cut_ms),
            String::new(),
        );
        let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
        let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "marginalia bench: seed {}, document {:.2} MB ({} chars), {} annotations, \
             {} vocabulary, project file {:.1} MB, {} runs of {} frames per project \
             (+1 cold each)",
            self.seed,
            self.doc_bytes as f64 / 1e6,
            self.doc_chars,
            self.annotations,
            self.vocabulary.name(),
            self.project_file_bytes as f64 / 1e6,
            self.runs,
            self.big.frames / self.runs.max(1),
        );
        let _ = writeln!(
            out,
            "{:w0$}  {:>w1$}  target",
            "measure",
            "value",
            w0 = w0,
            w1 = w1
        );
        for [a, b, c] in rows {
            let line = format!("{a:w0$}  {b:>w1$}  {c}");
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let _ = writeln!(
            out,
            "(setup: generating + serializing took {:.0} ms; peak RSS {} after setup)",
            self.generate_ms,
            if self.peak_reset {
                "counted from"
            } else {
                "not reset"
            }
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_run_reports_every_figure() {
        let cfg = BenchConfig {
            gen_config: GenConfig {
                seed: 5,
                doc_bytes: 20_000,
                annotations: 500,
                vocabulary: Default::default(),
            },
            frames: 11,
            runs: 2,
            write_project: None,
            exports: true,
        };
        let r = run(&cfg).unwrap();
        let j = r.to_json();
        for key in [
            "doc_chars",
            "annotations",
            "load_ms",
            "save_ms",
            "frame_p50_ms",
            "frame_p95_ms",
            "frame_max_ms",
            "seed_frame_p95_ms",
            "frame_ratio",
            "peak_rss_mb",
            "open_ms",
            "load_deserialize_ms",
            "export_ms",
            "jump_thread",
        ] {
            assert!(j.get(key).is_some(), "missing {key}");
        }
        assert_eq!(j["annotations"], 500);
        assert!(j["doc_chars"].as_u64().unwrap() > 10_000);
        // Two runs of ten warm frames each, pooled; a cold frame a run.
        assert_eq!(r.big.frames, 20);
        assert_eq!(r.seed_frames.frames, 20);
        assert_eq!(j["runs"], 2);
        let first = |s: &FrameStats| s.kinds.iter().filter(|k| **k == StepKind::First).count();
        assert_eq!(first(&r.big_frames), 2);
        assert_eq!(r.big_frames.len(), 22);
        for s in [&r.big, &r.seed_frames] {
            assert!(0.0 < s.p50_ms && s.p50_ms <= s.p95_ms && s.p95_ms <= s.max_ms);
        }
        assert!((r.frame_ratio - r.big.p95_ms / r.seed_frames.p95_ms).abs() < 1e-9);
        assert!(r.load_ms > 0.0 && r.save_ms > 0.0 && r.open_ms >= r.load_ms);
        assert_eq!(r.exports.len(), Format::ALL.len());
        assert_eq!(j["export_ms"].as_object().unwrap().len(), Format::ALL.len());
        let table = r.table();
        for needle in ["load", "save", "export csv", "p95", "ratio", "peak RSS"] {
            assert!(table.contains(needle), "{needle} missing from\n{table}");
        }
        assert!(table.contains("2 runs of 10 frames"), "{table}");
        if cfg!(target_os = "linux") {
            assert!(r.peak_rss_mb.unwrap() > 1.0);
        }
    }

    #[test]
    fn scripted_frames_tag_and_jump_in_the_real_app() {
        let project = generate::generate(&GenConfig {
            seed: 2,
            doc_bytes: 8_000,
            annotations: 30,
            vocabulary: Default::default(),
        });
        let chars = project.documents[0].char_len();
        let ctx = egui::Context::default();
        let mut app = new_app_under_test(&ctx, project);
        let script = Script::standard(41, chars, 30);
        frames::drive(&ctx, &script, |ui, step| draw_app_frame(&mut app, ui, step));
        let p = app.0.project();
        assert_eq!(p.annotations.len(), 32, "one tag per block of 20 frames");
        assert_eq!(p.validate(), vec![]);
        assert_eq!(
            p.annotations
                .iter()
                .filter(|a| a.annotator == "bench")
                .count(),
            2
        );
        assert!(app.0.history().can_undo());
        let sel = app
            .0
            .selected()
            .expect("the last frames jump to an annotation");
        assert!(p.annotation(sel).is_some());
    }

    #[test]
    fn written_project_loads() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("big.ron");
        let cfg = BenchConfig {
            gen_config: GenConfig {
                seed: 9,
                doc_bytes: 5_000,
                annotations: 50,
                vocabulary: Default::default(),
            },
            frames: 2,
            runs: 1,
            write_project: Some(out.clone()),
            exports: false,
        };
        let r = run(&cfg).unwrap();
        let loaded = project_file::load(&out).unwrap();
        assert_eq!(loaded.project.annotations.len(), 50);
        assert_eq!(r.project_file_bytes as u64, loaded.stamp.len);
        assert!(r.exports.is_empty());
        let log = r.frame_log_csv();
        assert_eq!(log.lines().count(), 3);
        assert_eq!(log.lines().next(), Some("frame,kind,ms,wall_ms"));
        assert!(log.lines().nth(1).unwrap().starts_with("0,first,"));
        assert_eq!(log.lines().nth(1).unwrap().split(',').count(), 4);
    }
}
