//! Laying out the page a jump lands on, on a thread of its own, while the
//! rest of the frame is drawn.
//!
//! A jump into a part of a book not shown yet lays out a page: its words
//! wrapped into rows and the glyph quads of the rows on screen, some
//! 0.05–0.1 ms. The jump is asked for before the frame that shows it (a
//! click on a list row is handled at the end of the frame it happens in),
//! and that frame draws the side panels (list, inspector, codebook) before
//! the article, which takes longer. So when the frame starts, the view
//! lends its layout cache to this thread, which lays the page out
//! ([`LayoutCache::prepare_jump`]) while the panels are drawn, and takes it
//! back when it draws the article: the page is there, or nearly (what the
//! thread could not reach, the frame lays out as before). On a machine with
//! one core the frame waits for the thread instead of doing the work
//! itself, which costs the same.
//!
//! The thread is started by the first jump that uses it and ends when the
//! view is dropped.

use super::layout::LayoutCache;
use crate::model::text::ParagraphIndex;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// What the thread is given: the cache and what a jump needs to lay out.
struct Job {
    layout: LayoutCache,
    ctx: egui::Context,
    text: Arc<str>,
    paras: Arc<ParagraphIndex>,
    start: usize,
    view_h: f32,
}

/// The thread and the way to it and back.
struct Running {
    jobs: mpsc::Sender<Job>,
    /// The cache, and the time the thread took with it; `None` if lost.
    back: mpsc::Receiver<Option<(LayoutCache, Duration)>>,
}

/// A thread that lays out jumps ahead, started on first use.
#[derive(Default)]
pub struct JumpAhead {
    running: Option<Running>,
    /// Times the frame had to wait for the thread, and how long in all.
    pub waits: (u64, Duration),
    /// The thread could not be started or is gone: jumps are laid out in
    /// the frame, as without it.
    failed: bool,
    /// A cache is out on the thread.
    lent: bool,
}

impl JumpAhead {
    /// Hands `layout` to the thread (leaving an empty cache in its place)
    /// to lay out a jump to char `start` of `text` in a view `view_h` high.
    /// `false` if the thread cannot take it: `layout` is left as it was,
    /// and the frame lays the jump out itself.
    pub fn lend(
        &mut self,
        layout: &mut LayoutCache,
        ctx: &egui::Context,
        text: Arc<str>,
        paras: Arc<ParagraphIndex>,
        start: usize,
        view_h: f32,
    ) -> bool {
        if self.lent || self.failed {
            return false;
        }
        let Some(running) = self.running() else {
            return false;
        };
        let job = Job {
            layout: std::mem::take(layout),
            ctx: ctx.clone(),
            text,
            paras,
            start,
            view_h,
        };
        match running.jobs.send(job) {
            Ok(()) => {
                self.lent = true;
                true
            }
            Err(mpsc::SendError(job)) => {
                *layout = job.layout;
                self.failed = true;
                self.running = None;
                false
            }
        }
    }

    /// The cache lent and the time the thread took with it, once the
    /// thread is done; `None` if none is lent, `Some(None)` if it was lost
    /// (the thread ended while laying out: the view must start its
    /// document again).
    pub fn take_back(&mut self) -> Option<Option<(LayoutCache, Duration)>> {
        if !self.lent {
            return None;
        }
        self.lent = false;
        let back = self.running.as_ref().and_then(|r| match r.back.try_recv() {
            Ok(back) => Some(back),
            Err(mpsc::TryRecvError::Empty) => {
                let t0 = Instant::now();
                let back = r.back.recv().ok();
                self.waits.0 += 1;
                self.waits.1 += t0.elapsed();
                back
            }
            Err(mpsc::TryRecvError::Disconnected) => None,
        });
        match back {
            Some(Some(back)) => Some(Some(back)),
            _ => {
                self.failed = true;
                self.running = None;
                Some(None)
            }
        }
    }

    /// The thread, started if it is not yet.
    fn running(&mut self) -> Option<&Running> {
        if self.running.is_none() {
            let (jobs, job_rx) = mpsc::channel::<Job>();
            let (back_tx, back) = mpsc::channel();
            let spawned = std::thread::Builder::new()
                .name("marginalia-jump".into())
                .spawn(move || {
                    for mut job in job_rx {
                        let t0 = Instant::now();
                        // A layout that panicked half-way is not handed
                        // back: the view starts its document again.
                        let laid = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            job.layout.prepare_jump(
                                &job.ctx, &job.text, &job.paras, job.start, job.view_h,
                            );
                        }));
                        let back = laid.ok().map(|()| (job.layout, t0.elapsed()));
                        if back_tx.send(back).is_err() {
                            return;
                        }
                    }
                });
            match spawned {
                Ok(_) => self.running = Some(Running { jobs, back }),
                Err(_) => self.failed = true,
            }
        }
        self.running.as_ref()
    }
}
