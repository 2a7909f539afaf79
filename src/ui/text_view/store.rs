//! An append-only store of runs of items, kept in fixed-size chunks.
//!
//! A word cache keeps every token's glyphs and quad vertices in two such
//! stores, one run per token in the order the tokens were laid out. In one
//! growing `Vec` each doubling copied megabytes into fresh pages in the
//! middle of a frame (a 2–3 ms frame when a cache passed 4 MB); a chunk is
//! never moved, and memory grows a chunk at a time, as it is used.

/// Asks the CPU to start loading `item` into its cache without waiting for
/// it: a loop that will read scattered items issues their loads together
/// first, instead of one miss after another. A no-op off x86-64.
#[inline]
pub fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86-64 target, and a prefetch only
        // hints the cache: it reads nothing and cannot fault.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(item).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Where a run is: its chunk and its place in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    chunk: u32,
    start: u32,
    end: u32,
}

impl Run {
    /// Items in the run.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
}

/// Runs of `T`, in chunks of `chunk` items (a longer run gets a chunk of
/// its own).
#[derive(Clone, Debug)]
pub struct Store<T> {
    chunks: Vec<Vec<T>>,
    chunk: usize,
}

/// Items a chunk holds by default.
pub const CHUNK: usize = 1 << 16;

impl<T: Clone> Default for Store<T> {
    fn default() -> Self {
        Self::new(CHUNK)
    }
}

impl<T: Clone> Store<T> {
    /// An empty store with chunks of `chunk` items.
    pub fn new(chunk: usize) -> Self {
        Self {
            chunks: Vec::new(),
            chunk: chunk.max(1),
        }
    }

    /// Appends `items` as one run; `None` past `u32` counts (nothing is
    /// stored then).
    pub fn push(&mut self, items: &[T]) -> Option<Run> {
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= items.len());
        if !fits {
            self.chunks
                .push(Vec::with_capacity(self.chunk.max(items.len())));
        }
        let chunk = u32::try_from(self.chunks.len() - 1).ok()?;
        let last = self.chunks.last_mut()?;
        let start = u32::try_from(last.len()).ok()?;
        let end = u32::try_from(last.len() + items.len()).ok()?;
        last.extend_from_slice(items);
        Some(Run { chunk, start, end })
    }

    /// The items of `run`, if it is of this store.
    pub fn get(&self, run: &Run) -> Option<&[T]> {
        self.chunks
            .get(run.chunk as usize)?
            .get(run.start as usize..run.end as usize)
    }

    /// Starts loading the first items of `run` into the CPU cache (see
    /// [`prefetch`]).
    #[inline]
    pub fn prefetch(&self, run: &Run) {
        if let Some(item) = self
            .chunks
            .get(run.chunk as usize)
            .and_then(|c| c.get(run.start as usize))
        {
            prefetch(item);
        }
    }

    /// Drops every run (and the memory).
    pub fn clear(&mut self) {
        self.chunks.clear();
    }

    /// Items held, in all runs.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_stay_where_they_were_put() {
        let mut s: Store<u32> = Store::new(4);
        let a = s.push(&[1, 2, 3]).unwrap();
        let b = s.push(&[4, 5]).unwrap(); // does not fit: a new chunk
        let c = s.push(&[6, 7, 8, 9, 10, 11]).unwrap(); // longer than a chunk
        let d = s.push(&[]).unwrap();
        assert_eq!(s.get(&a), Some(&[1, 2, 3][..]));
        assert_eq!(s.get(&b), Some(&[4, 5][..]));
        assert_eq!(s.get(&c), Some(&[6, 7, 8, 9, 10, 11][..]));
        assert_eq!(s.get(&d), Some(&[][..]));
        assert_eq!((a.len(), c.len(), d.len()), (3, 6, 0));
        assert_eq!(s.len(), 11);
        // The first chunk was never moved to make room.
        assert_eq!(s.chunks[0].capacity(), 4);
        s.clear();
        assert_eq!(s.get(&a), None);
    }
}
