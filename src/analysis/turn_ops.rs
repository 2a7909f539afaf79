//! Pure operations on one document's turn list: split, merge, reassign a
//! range. The UI builds the new list with these and sends it as one
//! [`crate::model::Edit::SetTurns`].
//!
//! Invariants: the input is the turns of one document, sorted and disjoint
//! (what [`crate::model::Project::validate`] demands); every operation returns
//! a list that is again sorted, disjoint and made of non-empty turns. Split
//! and reassign keep the covered span: contiguous turns stay contiguous and
//! cover the same chars (reassigning a range that reaches into a gap also
//! covers that part of the gap). Merge joins two neighbours, so a gap between
//! them becomes part of the merged turn. Offsets are chars, end-exclusive.

use crate::model::{DocId, SpeakerId, Turn, TurnKind};
use std::ops::Range;

/// Index of the turn containing char `at` (`start <= at < end`).
pub fn turn_index_at(turns: &[Turn], at: usize) -> Option<usize> {
    turns.iter().position(|t| t.start <= at && at < t.end)
}

/// Splits the turn strictly containing `at` (`start < at < end`) into two
/// turns with the same speaker and kind. `None` when no turn contains `at`
/// strictly (a split at a turn boundary would change nothing).
pub fn split_at(turns: &[Turn], at: usize) -> Option<Vec<Turn>> {
    let i = turns.iter().position(|t| t.start < at && at < t.end)?;
    let mut out = turns.to_vec();
    let mut second = out.get(i)?.clone();
    second.start = at;
    if let Some(first) = out.get_mut(i) {
        first.end = at;
    }
    out.insert(i + 1, second);
    Some(out)
}

/// Merges turn `index` with the one after it; the merged turn keeps the
/// speaker and kind of the first. `None` when there is no next turn.
pub fn merge_with_next(turns: &[Turn], index: usize) -> Option<Vec<Turn>> {
    let next_end = turns.get(index + 1)?.end;
    let mut out = turns.to_vec();
    out.get_mut(index)?.end = next_end;
    out.remove(index + 1);
    Some(out)
}

/// Gives `range` its own turn with `speaker` and `kind`: overlapping turns
/// are cut back (a turn around the whole range is split in two around it).
/// The range is clamped to `0..doc_len`; an empty range returns the turns
/// unchanged.
pub fn reassign_range(
    turns: &[Turn],
    doc: &DocId,
    range: Range<usize>,
    speaker: Option<SpeakerId>,
    kind: TurnKind,
    doc_len: usize,
) -> Vec<Turn> {
    let start = range.start.min(doc_len);
    let end = range.end.min(doc_len);
    if start >= end {
        return turns.to_vec();
    }
    let mut out = Vec::with_capacity(turns.len() + 2);
    for t in turns {
        if t.end <= start || t.start >= end {
            out.push(t.clone());
            continue;
        }
        if t.start < start {
            let mut left = t.clone();
            left.end = start;
            out.push(left);
        }
        if t.end > end {
            let mut right = t.clone();
            right.start = end;
            out.push(right);
        }
    }
    out.push(Turn {
        doc: doc.clone(),
        start,
        end,
        speaker,
        kind,
    });
    out.sort_by_key(|t| (t.start, t.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> DocId {
        DocId::new("d")
    }

    fn turn(start: usize, end: usize, who: &str, kind: TurnKind) -> Turn {
        Turn {
            doc: doc(),
            start,
            end,
            speaker: Some(SpeakerId::new(who)),
            kind,
        }
    }

    fn three() -> Vec<Turn> {
        vec![
            turn(0, 10, "q", TurnKind::Question),
            turn(10, 30, "a", TurnKind::Answer),
            turn(30, 50, "b", TurnKind::Answer),
        ]
    }

    /// Sorted, non-empty, contiguous, covering `span`.
    fn assert_tiles(turns: &[Turn], span: Range<usize>) {
        assert!(turns.iter().all(|t| t.start < t.end), "{turns:?}");
        assert_eq!(turns.first().map(|t| t.start), Some(span.start));
        assert_eq!(turns.last().map(|t| t.end), Some(span.end));
        for w in turns.windows(2) {
            assert_eq!(w[0].end, w[1].start, "{turns:?}");
        }
    }

    #[test]
    fn split_inside_a_turn_keeps_speaker_and_span() {
        let out = split_at(&three(), 20).unwrap();
        assert_eq!(out.len(), 4);
        assert_tiles(&out, 0..50);
        assert_eq!(out[1].end, 20);
        assert_eq!(out[2].start, 20);
        assert_eq!(out[1].speaker, out[2].speaker);
        assert_eq!(out[2].kind, TurnKind::Answer);
    }

    #[test]
    fn split_at_boundary_or_outside_is_refused() {
        assert!(split_at(&three(), 10).is_none());
        assert!(split_at(&three(), 0).is_none());
        assert!(split_at(&three(), 50).is_none());
        assert!(split_at(&three(), 999).is_none());
        assert!(split_at(&[], 3).is_none());
    }

    #[test]
    fn merge_joins_neighbours_and_keeps_the_first_speaker() {
        let out = merge_with_next(&three(), 1).unwrap();
        assert_eq!(out.len(), 2);
        assert_tiles(&out, 0..50);
        assert_eq!(out[1].start, 10);
        assert_eq!(out[1].end, 50);
        assert_eq!(out[1].speaker, Some(SpeakerId::new("a")));
        assert!(merge_with_next(&three(), 2).is_none());
        assert!(merge_with_next(&three(), 7).is_none());
    }

    #[test]
    fn split_then_merge_round_trips() {
        let split = split_at(&three(), 42).unwrap();
        let i = turn_index_at(&split, 41).unwrap();
        assert_eq!(merge_with_next(&split, i).unwrap(), three());
    }

    #[test]
    fn reassign_inside_one_turn_splits_it_in_three() {
        let b = Some(SpeakerId::new("b"));
        let out = reassign_range(&three(), &doc(), 15..20, b.clone(), TurnKind::Answer, 50);
        assert_eq!(out.len(), 5);
        assert_tiles(&out, 0..50);
        assert_eq!((out[2].start, out[2].end), (15, 20));
        assert_eq!(out[2].speaker, b);
        assert_eq!(out[1].speaker, Some(SpeakerId::new("a")));
        assert_eq!(out[3].speaker, Some(SpeakerId::new("a")));
    }

    #[test]
    fn reassign_across_turns_cuts_neighbours() {
        let out = reassign_range(&three(), &doc(), 5..35, None, TurnKind::Narration, 50);
        assert_tiles(&out, 0..50);
        assert_eq!(out.len(), 3);
        assert_eq!((out[0].start, out[0].end), (0, 5));
        assert_eq!(
            (out[1].start, out[1].end, out[1].kind),
            (5, 35, TurnKind::Narration)
        );
        assert_eq!((out[2].start, out[2].end), (35, 50));
    }

    #[test]
    fn reassign_exact_turn_replaces_it() {
        let out = reassign_range(&three(), &doc(), 10..30, None, TurnKind::Question, 50);
        assert_eq!(out.len(), 3);
        assert_tiles(&out, 0..50);
        assert_eq!(out[1].speaker, None);
        assert_eq!(out[1].kind, TurnKind::Question);
    }

    #[test]
    fn reassign_clamps_and_ignores_empty_ranges() {
        assert_eq!(
            reassign_range(&three(), &doc(), 20..20, None, TurnKind::Answer, 50),
            three()
        );
        assert_eq!(
            reassign_range(&three(), &doc(), 60..70, None, TurnKind::Answer, 50),
            three()
        );
        let out = reassign_range(&three(), &doc(), 40..500, None, TurnKind::Answer, 50);
        assert_tiles(&out, 0..50);
        assert_eq!(out.last().map(|t| (t.start, t.end)), Some((40, 50)));
    }

    #[test]
    fn reassign_on_no_turns_creates_one() {
        let out = reassign_range(&[], &doc(), 3..8, None, TurnKind::Answer, 10);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].start, out[0].end), (3, 8));
    }
}
