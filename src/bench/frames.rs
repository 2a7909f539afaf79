//! A headless frame driver: runs UI code in an `egui::Context` with no window
//! and times the CPU each frame costs.
//!
//! A frame is `ctx.run_ui(raw_input, draw)` (layout, widgets, painting into
//! shapes) followed by `ctx.tessellate(shapes)` (shapes into triangles): all
//! the CPU work of a frame except uploading to the GPU. Its time is the CPU
//! time of the thread that runs it (see [`thread_cpu_time`]), so time the
//! thread spends waiting for a core that other processes hold does not
//! count; the wall-clock time is kept beside it. Input comes from a
//! [`Script`] of [`Step`]s: raw egui events (mouse wheel, drags, key presses)
//! plus app-level [`Action`]s (scroll to a position, select text, jump to an
//! annotation) that the draw callback carries out through the app's API.

use egui::{Event, Key, Modifiers, MouseWheelSource, MouseWheelUnit, PointerButton, Pos2, Vec2};
use std::ops::Range;
use std::time::{Duration, Instant};

/// Size of the simulated screen, in points.
pub const SCREEN: Vec2 = Vec2::new(1400.0, 900.0);

/// An app-level action for a frame, done by the draw callback before drawing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Scroll the article so this char range is visible.
    ScrollTo(Range<usize>),
    /// Select this char range of the article (a stand-in for a drag when the
    /// view cannot select by pointer yet).
    SelectText(Range<usize>),
    /// Select the annotation at this index of the project's list and scroll
    /// the article to it.
    JumpToAnnotation(usize),
}

/// What kind of frame a step is, for the per-kind figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// The first frame (cold caches).
    First,
    /// Scrolling the article.
    Scroll,
    /// Selecting text and tagging it.
    Tag,
    /// Jumping to annotations.
    Jump,
}

/// One frame of input.
#[derive(Clone, Debug)]
pub struct Step {
    /// Raw events for this frame.
    pub events: Vec<Event>,
    /// The app-level action, if any.
    pub action: Option<Action>,
    /// What the frame does.
    pub kind: StepKind,
}

/// The scripted input of a run.
#[derive(Clone, Debug)]
pub struct Script {
    /// One step per frame.
    pub steps: Vec<Step>,
}

/// Where the article usually is on screen: the middle of the window.
const ARTICLE_POINT: Pos2 = Pos2::new(700.0, 450.0);

fn wheel(dy: f32) -> Event {
    Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: Vec2::new(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    }
}

fn button(pos: Pos2, pressed: bool) -> Event {
    Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    }
}

fn key(key: Key, pressed: bool) -> Event {
    Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: Modifiers::NONE,
    }
}

impl Script {
    /// The standard script of `frames` frames over a document of `doc_chars`
    /// chars with `annotations` annotations.
    ///
    /// After the first frame it repeats blocks of 20 frames, each block at the
    /// next of evenly spaced positions through the document so that the run
    /// covers the whole text: 10 scrolling frames (a jump to the position,
    /// then mouse-wheel scrolling down), 5 tagging frames (a drag across a
    /// line of the article, the same span selected through the view's API,
    /// then the key `1`), and 5 frames jumping to annotations.
    pub fn standard(frames: usize, doc_chars: usize, annotations: usize) -> Self {
        let mut steps = Vec::with_capacity(frames);
        steps.push(Step {
            events: vec![Event::PointerMoved(ARTICLE_POINT)],
            action: None,
            kind: StepKind::First,
        });
        let blocks = frames.saturating_sub(1).div_ceil(20).max(1);
        let mut block = 0;
        while steps.len() < frames {
            let pos = doc_chars.saturating_sub(1) * block / blocks;
            let span = pos..(pos + 40).min(doc_chars);
            let mut block_steps: Vec<Step> = Vec::with_capacity(20);
            for i in 0..10 {
                block_steps.push(Step {
                    events: vec![Event::PointerMoved(ARTICLE_POINT), wheel(-120.0)],
                    action: (i == 0).then(|| Action::ScrollTo(span.clone())),
                    kind: StepKind::Scroll,
                });
            }
            let (y, x0, x1) = (300.0, 420.0, 900.0);
            let tag_events = [
                vec![
                    Event::PointerMoved(Pos2::new(x0, y)),
                    button(Pos2::new(x0, y), true),
                ],
                vec![Event::PointerMoved(Pos2::new((x0 + x1) / 2.0, y))],
                vec![Event::PointerMoved(Pos2::new(x1, y))],
                vec![button(Pos2::new(x1, y), false)],
                vec![key(Key::Num1, true), key(Key::Num1, false)],
            ];
            for (i, events) in tag_events.into_iter().enumerate() {
                block_steps.push(Step {
                    events,
                    action: (i == 3 && !span.is_empty()).then(|| Action::SelectText(span.clone())),
                    kind: StepKind::Tag,
                });
            }
            for i in 0..5 {
                let action = (annotations > 0 && i % 2 == 0)
                    .then(|| Action::JumpToAnnotation((block * 5 + i) * 7919 % annotations.max(1)));
                block_steps.push(Step {
                    events: vec![Event::PointerMoved(ARTICLE_POINT)],
                    action,
                    kind: StepKind::Jump,
                });
            }
            let room = frames - steps.len();
            steps.extend(block_steps.into_iter().take(room));
            block += 1;
        }
        Self { steps }
    }
}

/// CPU time the calling thread has used so far
/// (`CLOCK_THREAD_CPUTIME_ID`), or `None` where the platform does not tell.
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec for the call.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        let secs = u64::try_from(ts.tv_sec).ok()?;
        let nanos = u32::try_from(ts.tv_nsec).ok()?;
        (rc == 0).then(|| Duration::new(secs, nanos))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Frame times of a run, in milliseconds, in frame order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameStats {
    /// CPU time of each frame (run + tessellate): the thread's CPU time, or
    /// the wall-clock time where the platform has no thread clock.
    pub times_ms: Vec<f64>,
    /// Wall-clock time of each frame.
    pub wall_ms: Vec<f64>,
    /// The kind of each frame.
    pub kinds: Vec<StepKind>,
}

impl FrameStats {
    /// Number of frames.
    pub fn len(&self) -> usize {
        self.times_ms.len()
    }

    /// Whether no frame was run.
    pub fn is_empty(&self) -> bool {
        self.times_ms.is_empty()
    }

    /// Adds the frames of another run after these.
    pub fn append(&mut self, other: FrameStats) {
        self.times_ms.extend(other.times_ms);
        self.wall_ms.extend(other.wall_ms);
        self.kinds.extend(other.kinds);
    }

    /// The frames other than the first (cold) one.
    pub fn warm(&self) -> FrameStats {
        let keep: Vec<usize> = (0..self.len())
            .filter(|&i| self.kinds[i] != StepKind::First)
            .collect();
        FrameStats {
            times_ms: keep.iter().map(|&i| self.times_ms[i]).collect(),
            wall_ms: keep
                .iter()
                .filter_map(|&i| self.wall_ms.get(i))
                .copied()
                .collect(),
            kinds: keep.iter().map(|&i| self.kinds[i]).collect(),
        }
    }

    /// The frames of one kind.
    pub fn of_kind(&self, kind: StepKind) -> FrameStats {
        let keep: Vec<usize> = (0..self.len()).filter(|&i| self.kinds[i] == kind).collect();
        FrameStats {
            times_ms: keep.iter().map(|&i| self.times_ms[i]).collect(),
            wall_ms: keep
                .iter()
                .filter_map(|&i| self.wall_ms.get(i))
                .copied()
                .collect(),
            kinds: vec![kind; keep.len()],
        }
    }

    /// The `p`-th percentile (nearest rank, `p` in 0–100); 0 with no frames.
    pub fn percentile(&self, p: f64) -> f64 {
        percentile(&self.times_ms, p)
    }

    /// The 95th percentile of the wall-clock times.
    pub fn wall_p95(&self) -> f64 {
        percentile(&self.wall_ms, 95.0)
    }

    /// The median.
    pub fn p50(&self) -> f64 {
        self.percentile(50.0)
    }

    /// The 95th percentile.
    pub fn p95(&self) -> f64 {
        self.percentile(95.0)
    }

    /// The slowest frame.
    pub fn max(&self) -> f64 {
        self.times_ms.iter().copied().fold(0.0, f64::max)
    }
}

/// The `p`-th percentile of `times` (nearest rank); 0 when empty.
fn percentile(times: &[f64], p: f64) -> f64 {
    let mut v = times.to_vec();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Runs every step of `script` as one frame of `ctx` on a [`SCREEN`]-sized
/// screen at 60 frames a second, calling `draw` with the root `Ui` and the
/// step, and times each frame (run + tessellate).
pub fn drive(
    ctx: &egui::Context,
    script: &Script,
    mut draw: impl FnMut(&mut egui::Ui, &Step),
) -> FrameStats {
    let mut stats = FrameStats::default();
    for (i, step) in script.steps.iter().enumerate() {
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(Pos2::ZERO, SCREEN)),
            time: Some(i as f64 / 60.0),
            predicted_dt: 1.0 / 60.0,
            events: step.events.clone(),
            ..Default::default()
        };
        let cpu0 = thread_cpu_time();
        let t0 = Instant::now();
        let output = ctx.run_ui(raw, |ui| draw(ui, step));
        let egui::FullOutput {
            shapes,
            pixels_per_point,
            mut textures_delta,
            ..
        } = output;
        let primitives = ctx.tessellate(shapes, pixels_per_point);
        let wall = t0.elapsed();
        let cpu = cpu0
            .zip(thread_cpu_time())
            .map_or(wall, |(a, b)| b.saturating_sub(a));
        std::hint::black_box(&primitives);
        // No GPU to upload font atlas changes to; egui panics if they are
        // dropped unapplied.
        textures_delta.clear();
        stats.times_ms.push(cpu.as_secs_f64() * 1000.0);
        stats.wall_ms.push(wall.as_secs_f64() * 1000.0);
        stats.kinds.push(step.kind);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_script_has_the_asked_length_and_covers_the_document() {
        let s = Script::standard(101, 10_000, 50);
        assert_eq!(s.steps.len(), 101);
        assert_eq!(s.steps[0].kind, StepKind::First);
        let scrolls: Vec<usize> = s
            .steps
            .iter()
            .filter_map(|st| match &st.action {
                Some(Action::ScrollTo(r)) => Some(r.start),
                _ => None,
            })
            .collect();
        assert_eq!(scrolls.len(), 5);
        assert_eq!(scrolls[0], 0);
        assert!(*scrolls.last().unwrap() >= 7_000, "{scrolls:?}");
        assert!(s.steps.iter().any(|st| st.events.iter().any(|e| matches!(
            e,
            Event::Key {
                key: Key::Num1,
                pressed: true,
                ..
            }
        ))));
        for st in &s.steps {
            if let Some(Action::JumpToAnnotation(i)) = st.action {
                assert!(i < 50);
            }
        }
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let st = FrameStats {
            times_ms: (1..=100).rev().map(f64::from).collect(),
            wall_ms: (101..=200).map(f64::from).collect(),
            kinds: vec![StepKind::Scroll; 100],
        };
        assert_eq!(st.p50(), 50.0);
        assert_eq!(st.p95(), 95.0);
        assert_eq!(st.max(), 100.0);
        assert_eq!(st.wall_p95(), 195.0);
        assert_eq!(FrameStats::default().p95(), 0.0);
    }

    #[cfg(unix)]
    #[test]
    fn the_thread_clock_counts_work_and_not_sleep() {
        let cpu = || thread_cpu_time().expect("a thread clock on unix");
        let c0 = cpu();
        std::thread::sleep(Duration::from_millis(60));
        let slept = cpu() - c0;
        assert!(
            slept < Duration::from_millis(30),
            "{slept:?} while sleeping"
        );
        let (c1, t1) = (cpu(), Instant::now());
        let mut x = 0u64;
        while t1.elapsed() < Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let busy = cpu() - c1;
        assert!(busy > Duration::from_millis(3), "{busy:?} while busy");
        assert!(busy <= t1.elapsed() + Duration::from_millis(2));
    }

    #[test]
    fn drive_runs_one_frame_per_step() {
        let ctx = egui::Context::default();
        let script = Script::standard(12, 100, 3);
        let mut seen = 0;
        let stats = drive(&ctx, &script, |ui, _| {
            seen += 1;
            ui.label("hello");
        });
        assert_eq!(seen, 12);
        assert_eq!(stats.len(), 12);
        assert_eq!(stats.warm().len(), 11);
        assert!(stats.times_ms.iter().all(|t| *t >= 0.0));
        assert_eq!(stats.wall_ms.len(), 12);
    }
}
