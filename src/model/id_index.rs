//! A map from annotation id to its position in
//! [`crate::model::Project::annotations`], kept by the edits and checked on
//! every use.
//!
//! The UI asks for the selected annotation every frame, and every edit looks
//! annotations up by id; a scan of 50,000 ids (each a separate heap string)
//! costs a millisecond or more. With this map a lookup is one hash and one
//! comparison.
//!
//! How it stays right:
//! - Every answer is checked (`annotations[i].id == id`).
//! - Edits report each insertion and removal, and the map keeps them in a
//!   log of shifts: an entry remembers its position and how much of the log
//!   it had seen, and a lookup replays the rest of the log on it (an
//!   insertion at or before it moves it one up, a removal before it one
//!   down), then records the result. Entries are never rebuilt because
//!   other annotations came and went: tagging text 64 times used to
//!   rebuild the map, about 7 ms for 50,000 annotations, in the frame of
//!   the next lookup. After [`MAX_SHIFTS`] edits the log is dropped and the
//!   map rebuilt once.
//! - An entry that still points a little off (the vector changed without
//!   an edit) is repaired by looking within [`WINDOW`] places; anything
//!   else rebuilds the map from the vector (the map stores a 64-bit hash of
//!   each id, so no string is cloned).
//! - "Not there" is answered from the map only while it is known to hold
//!   every id: [`Edit::apply`](crate::model::Edit::apply) reports each
//!   insertion and removal, and the map remembers the vector's length,
//!   address and capacity after it. Code that changes the vector another way
//!   (a push, a new vector) changes one of those, and the next miss
//!   rebuilds. Code that overwrites an annotation's id in place must call
//!   [`AnnotationIdIndex::invalidate`].
//! - A hash collision (two ids, one entry) fails the check and falls back
//!   to a scan, which is exact.

use super::annotation::Annotations;
use super::ids::AnnotationId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, MutexGuard};

/// How far from its place an entry is looked for before the map is
/// rebuilt, when the vector changed without an edit reporting it.
pub const WINDOW: usize = 64;

/// Insertions and removals logged before the map is rebuilt (and the log
/// dropped): a lookup replays at most this many shifts.
pub const MAX_SHIFTS: usize = 8192;

/// The shape of the vector the map is complete for: length, address,
/// capacity.
type Shape = (usize, usize, usize);

fn shape(annotations: &Annotations) -> Shape {
    (
        annotations.len(),
        annotations.as_ptr() as usize,
        annotations.capacity(),
    )
}

/// Where an annotation was, and how many of the logged shifts had happened
/// then.
#[derive(Clone, Copy, Debug)]
struct Entry {
    pos: u32,
    seen: u32,
}

/// One change to the vector's positions, reported by an edit.
#[derive(Clone, Copy, Debug)]
enum Shift {
    /// An annotation was inserted at this index.
    Inserted(u32),
    /// The annotation at this index was removed.
    Removed(u32),
}

/// `pos` after `shifts`, in order.
fn replay(shifts: &[Shift], mut pos: u32) -> u32 {
    for s in shifts {
        match *s {
            Shift::Inserted(i) if pos >= i => pos += 1,
            Shift::Removed(i) if pos > i => pos -= 1,
            _ => {}
        }
    }
    pos
}

#[derive(Default)]
struct Inner {
    map: HashMap<u64, Entry, BuildHasherDefault<PreHashed>>,
    /// Set while `map` holds every id of a vector of this shape.
    complete_for: Option<Shape>,
    /// Shifts since the map was filled.
    shifts: Vec<Shift>,
    /// Times the map was filled from the vector.
    fills: u64,
}

impl Inner {
    /// An entry for position `pos` now.
    fn entry_now(&self, pos: usize) -> Entry {
        Entry {
            pos: pos as u32,
            seen: self.shifts.len() as u32,
        }
    }

    /// Logs a shift and returns true; past [`MAX_SHIFTS`] forgets
    /// everything instead and returns false (the next lookup that misses
    /// fills the map again).
    fn log(&mut self, shift: Shift) -> bool {
        if self.shifts.len() >= MAX_SHIFTS {
            self.map.clear();
            self.shifts.clear();
            self.complete_for = None;
            false
        } else {
            self.shifts.push(shift);
            true
        }
    }
}

/// The cache. Clones start empty, and it never takes part in equality.
#[derive(Default)]
pub struct AnnotationIdIndex {
    inner: Mutex<Inner>,
}

impl AnnotationIdIndex {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while the lock was held leaves at worst a stale
        // map, which the checks catch.
        match self.inner.lock() {
            Ok(inner) => inner,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Position of the annotation with this id in `annotations`, if any.
    pub fn position(&self, annotations: &Annotations, id: &AnnotationId) -> Option<usize> {
        let is_at = |i: usize| annotations.get(i).is_some_and(|a| &a.id == id);
        let key = id_hash(id);
        let mut inner = self.lock();
        match inner.map.get(&key).copied() {
            Some(e) => {
                let seen = (e.seen as usize).min(inner.shifts.len());
                let i = replay(&inner.shifts[seen..], e.pos) as usize;
                let lo = i.saturating_sub(WINDOW);
                let hi = (i + WINDOW + 1).min(annotations.len());
                let found = if is_at(i) {
                    Some(i)
                } else {
                    (lo..hi).find(|&j| is_at(j))
                };
                if let Some(j) = found {
                    if j != e.pos as usize || seen != inner.shifts.len() {
                        let now = inner.entry_now(j);
                        inner.map.insert(key, now);
                    }
                    return Some(j);
                }
            }
            None if inner.complete_for == Some(shape(annotations)) => return None,
            None => {}
        }
        fill(&mut inner, annotations);
        match inner.map.get(&key).map(|e| e.pos as usize) {
            Some(i) if is_at(i) => Some(i),
            None => None,
            // A collision: a scan is exact.
            Some(_) => annotations.iter().position(|a| &a.id == id),
        }
    }

    /// Whether the map holds every id of `annotations` (to pass to
    /// [`Self::inserted`] / [`Self::removed`] after changing the vector).
    pub fn is_complete_for(&self, annotations: &Annotations) -> bool {
        self.lock().complete_for == Some(shape(annotations))
    }

    /// Records that the annotation `id` was inserted at `index`;
    /// `was_complete` is [`Self::is_complete_for`] from before the insertion.
    pub fn inserted(
        &self,
        annotations: &Annotations,
        id: &AnnotationId,
        index: usize,
        was_complete: bool,
    ) {
        let mut inner = self.lock();
        let kept = inner.log(Shift::Inserted(index as u32));
        let now = inner.entry_now(index);
        inner.map.insert(id_hash(id), now);
        inner.complete_for = (was_complete && kept).then(|| shape(annotations));
    }

    /// Records that the annotation `id` was removed from `index`;
    /// `was_complete` as for [`Self::inserted`].
    pub fn removed(
        &self,
        annotations: &Annotations,
        id: &AnnotationId,
        index: usize,
        was_complete: bool,
    ) {
        let mut inner = self.lock();
        let kept = inner.log(Shift::Removed(index as u32));
        inner.map.remove(&id_hash(id));
        inner.complete_for = (was_complete && kept).then(|| shape(annotations));
    }

    /// Times the map was filled from the vector (for tests and statistics).
    pub fn fills(&self) -> u64 {
        self.lock().fills
    }

    /// Maps every id of `annotations` now (after a load or a sort), so that
    /// the first lookup does not pay for it in a frame.
    pub fn fill(&self, annotations: &Annotations) {
        fill(&mut self.lock(), annotations);
    }

    /// Forgets everything (after ids were changed in place).
    pub fn invalidate(&self) {
        let mut inner = self.lock();
        inner.map.clear();
        inner.shifts.clear();
        inner.complete_for = None;
    }
}

fn fill(inner: &mut Inner, annotations: &Annotations) {
    inner.map.clear();
    inner.shifts.clear();
    inner.map.reserve(annotations.len());
    for (i, a) in annotations.iter().enumerate() {
        inner.map.insert(
            id_hash(&a.id),
            Entry {
                pos: i as u32,
                seen: 0,
            },
        );
    }
    inner.complete_for = Some(shape(annotations));
    inner.fills += 1;
}

/// A 64-bit hash of the id: each 8-byte word is mixed in with a folded
/// 128-bit multiply (as foldhash and wyhash do), so ids that differ in a
/// few hex digits still spread over all 64 bits.
fn id_hash(id: &AnnotationId) -> u64 {
    const K1: u64 = 0x9e37_79b9_7f4a_7c15;
    const K2: u64 = 0xd6e8_feb8_6659_fd93;
    fn fold(a: u64, b: u64) -> u64 {
        let m = u128::from(a) * u128::from(b);
        (m as u64) ^ ((m >> 64) as u64)
    }
    let bytes = id.0.as_bytes();
    let mut h = K2 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fold(h ^ u64::from_le_bytes(w), K1);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = fold(h ^ u64::from_le_bytes(w), K1);
    }
    fold(h, K2)
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Clone for AnnotationIdIndex {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for AnnotationIdIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for AnnotationIdIndex {}

impl std::fmt::Debug for AnnotationIdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnnotationIdIndex")
    }
}

#[cfg(test)]
mod tests {
    use super::WINDOW;
    use crate::model::annotation::{Annotation, Timestamp};
    use crate::model::ids::{AnnotationId, DocId};
    use crate::model::project::Project;

    fn ann(id: &str, start: usize) -> Box<Annotation> {
        let text = "x".repeat(200);
        let mut a = Annotation::new(
            DocId("d".into()),
            &text,
            start..start + 1,
            vec![],
            "me",
            Timestamp::now(),
        )
        .expect("a valid range");
        a.id = AnnotationId(id.into());
        Box::new(a)
    }

    #[test]
    fn sorting_maps_every_id_before_the_first_lookup() {
        let mut p = Project::new("t");
        p.annotations = (0..50).rev().map(|i| ann(&format!("a{i}"), i)).collect();
        assert!(!p.annotation_ids.is_complete_for(&p.annotations));
        p.sort_annotations();
        assert!(p.annotation_ids.is_complete_for(&p.annotations));
        assert_eq!(p.annotation_index(&AnnotationId("a7".into())), Some(7));
        assert_eq!(p.annotation_index(&AnnotationId("none".into())), None);
    }

    #[test]
    fn lookups_stay_right_whatever_happens_to_the_vector() {
        let mut p = Project::new("t");
        p.annotations = (0..100).map(|i| ann(&format!("a{i}"), i)).collect();
        assert_eq!(p.annotation_index(&AnnotationId("a42".into())), Some(42));
        // Insert at the front: every index shifts.
        p.annotations.insert(0, ann("new", 0));
        assert_eq!(p.annotation_index(&AnnotationId("a42".into())), Some(43));
        assert_eq!(p.annotation_index(&AnnotationId("new".into())), Some(0));
        // Replace one in the middle in place (same length, same buffer):
        // the documented case that needs `invalidate`.
        p.annotations[50] = ann("swapped", 50);
        p.annotation_ids.invalidate();
        assert_eq!(
            p.annotation_index(&AnnotationId("swapped".into())),
            Some(50)
        );
        assert_eq!(p.annotation_index(&AnnotationId("a49".into())), None);
        assert_eq!(p.annotation_index(&AnnotationId("nope".into())), None);
        // Reverse the whole vector.
        p.annotations.reverse();
        for (i, a) in p.annotations.clone().iter().enumerate() {
            assert_eq!(p.annotation_index(&a.id), Some(i));
        }
        // A clone answers on its own.
        let q = p.clone();
        assert_eq!(q.annotation_index(&p.annotations[7].id), Some(7));
        p.annotations.clear();
        assert_eq!(p.annotation_index(&q.annotations[7].id), None);
    }

    /// A project with one document of `words` words, its text, and a maker
    /// of three-char annotations at a char offset.
    fn one_doc(words: usize) -> (Project, String, impl Fn(usize) -> Annotation) {
        use crate::model::document::Document;
        let mut p = Project::new("t");
        let doc_id = DocId("d".into());
        let doc = Document::import(doc_id.clone(), "d", None, &"word ".repeat(words));
        let text = doc.text.clone();
        p.documents.push(doc);
        let t = text.clone();
        let make = move |i: usize| {
            Annotation::new(doc_id.clone(), &t, i..i + 3, vec![], "me", Timestamp::now())
                .expect("valid")
        };
        (p, text, make)
    }

    #[test]
    fn edits_never_make_lookups_rebuild_the_map() {
        use super::MAX_SHIFTS;
        use crate::model::edit::Edit;
        let (mut p, text, make) = one_doc(2000);
        let mut ids: Vec<AnnotationId> = Vec::new();
        for i in (5000..9000).step_by(10) {
            let a = make(i);
            ids.push(a.id.clone());
            Edit::AddAnnotation(a).apply(&mut p).expect("add");
        }
        for id in &ids {
            p.annotation_index(id).expect("present");
        }
        let fills = p.annotation_ids.fills();
        // Ten windows' worth of insertions before every one of them, some
        // removals, and updates that move annotations: tagging for a while.
        for k in 0..(10 * WINDOW) {
            let a = make(k % 4000);
            let id = a.id.clone();
            Edit::AddAnnotation(a).apply(&mut p).expect("add");
            if k % 7 == 0 {
                Edit::RemoveAnnotation(id).apply(&mut p).expect("remove");
            } else {
                ids.push(id);
            }
            if k % 11 == 0 {
                let i = p.annotation_index(&ids[k % ids.len()]).expect("present");
                let mut moved = (*p.annotations[i]).clone();
                let start = (k * 37) % 9000;
                moved.start = start;
                moved.end = start + 3;
                moved.quote = text.chars().skip(start).take(3).collect();
                Edit::UpdateAnnotation(moved).apply(&mut p).expect("update");
            }
        }
        for id in &ids {
            let i = p.annotation_index(id).expect("present");
            assert_eq!(&p.annotations[i].id, id);
        }
        assert_eq!(p.annotation_ids.fills(), fills, "the map was rebuilt");
        assert!(p.annotation_ids.is_complete_for(&p.annotations));
        // A log past its limit is dropped: one rebuild, right answers.
        for k in 0..MAX_SHIFTS / 2 + 1 {
            let a = make(k % 4000);
            let id = a.id.clone();
            Edit::AddAnnotation(a).apply(&mut p).expect("add");
            Edit::RemoveAnnotation(id).apply(&mut p).expect("remove");
        }
        for id in &ids {
            let i = p.annotation_index(id).expect("present");
            assert_eq!(&p.annotations[i].id, id);
        }
        assert_eq!(p.annotation_ids.fills(), fills + 1);
    }

    #[test]
    fn edits_keep_the_map_complete_and_entries_are_repaired_or_rebuilt() {
        use crate::model::edit::Edit;
        let (mut p, _, make) = one_doc(400);
        let mut ids = Vec::new();
        for i in (0..1000).step_by(5) {
            let a = make(i + 500);
            ids.push(a.id.clone());
            Edit::AddAnnotation(a).apply(&mut p).expect("add");
        }
        // Far more insertions before the first ones than the window allows.
        for i in 0..(2 * WINDOW) {
            let a = make(i % 400);
            ids.push(a.id.clone());
            Edit::AddAnnotation(a).apply(&mut p).expect("add");
            assert!(p.annotation_ids.is_complete_for(&p.annotations));
        }
        for id in &ids {
            let i = p.annotation_index(id).expect("present");
            assert_eq!(&p.annotations[i].id, id);
        }
        let gone = ids.remove(3);
        Edit::RemoveAnnotation(gone.clone())
            .apply(&mut p)
            .expect("remove");
        assert_eq!(p.annotation_index(&gone), None);
        for id in &ids {
            let i = p.annotation_index(id).expect("present");
            assert_eq!(&p.annotations[i].id, id);
        }
        // A push behind the map's back is still found.
        let pushed = make(1900);
        let pushed_id = pushed.id.clone();
        p.annotations.push(Box::new(pushed));
        assert_eq!(
            p.annotation_index(&pushed_id),
            Some(p.annotations.len() - 1)
        );
    }
}
