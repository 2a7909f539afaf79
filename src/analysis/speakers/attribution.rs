//! Reported speech in narration: `“…,” says X`, `“…,” X said`, `X says “…”`,
//! `X said: “…”`, and a quote that follows an attributed one in the same
//! paragraph with no attribution of its own.

use super::names::{name_after, name_before};
use std::ops::Range;

/// Verbs of saying.
const VERBS: &[&str] = &[
    "says",
    "said",
    "adds",
    "added",
    "notes",
    "noted",
    "explains",
    "explained",
    "argues",
    "argued",
    "warns",
    "warned",
    "writes",
    "wrote",
    "tells",
    "told",
    "continues",
    "continued",
    "insists",
    "insisted",
    "observes",
    "observed",
    "recalls",
    "recalled",
    "stresses",
    "stressed",
    "suggests",
    "suggested",
    "asks",
    "asked",
    "according to",
];

/// A quotation found in a paragraph, and the name it is attributed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawQuote {
    /// Chars of the quoted words (marks and a trailing comma excluded),
    /// relative to the paragraph.
    pub range: Range<usize>,
    /// The name as written ("Chris Miller", "Toft").
    pub name: String,
}

/// Whether the chars `range` of `para` lie inside one quoted span, marks
/// excluded: every [`RawQuote`] of `para` is inside one, so a range outside
/// them all is in no quotation [`quotes_in`] finds.
pub(crate) fn inside_quote(para: &str, range: &Range<usize>) -> bool {
    let chars: Vec<char> = para.chars().collect();
    quote_spans(&chars)
        .iter()
        .any(|&(open, close)| open < range.start && range.end <= close)
}

/// Quoted spans of `chars`: (open mark index, close mark index).
fn quote_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // Closing marks known to be absent from the rest of the paragraph, so
    // unmatched openings do not make the scan quadratic.
    let mut absent: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let close = match c {
            '“' => Some('”'),
            '"' => Some('"'),
            '«' => Some('»'),
            '„' => Some('“'),
            _ => None,
        };
        if let Some(close) = close
            && !absent.contains(&close)
        {
            match chars[i + 1..].iter().position(|&d| d == close) {
                Some(j) => {
                    out.push((i, i + 1 + j));
                    i += j + 2;
                    continue;
                }
                None => absent.push(close),
            }
        }
        i += 1;
    }
    out
}

/// Finds a verb of saying in `seg` and the name next to it.
fn attribution_in(seg: &str, before_quote: bool) -> Option<String> {
    let lower = seg.to_lowercase();
    let mut best: Option<(usize, String)> = None;
    for verb in VERBS {
        let mut from = 0;
        while let Some(pos) = lower.get(from..).and_then(|s| s.find(verb)) {
            let at = from + pos;
            from = at + verb.len();
            let end = at + verb.len();
            let word_start = at == 0 || !lower[..at].ends_with(char::is_alphanumeric);
            let word_end = !lower[end..].starts_with(char::is_alphanumeric);
            if !word_start || !word_end {
                continue;
            }
            // Lower-casing may shift bytes in exotic text; only use the
            // original when the boundaries line up.
            if !seg.is_char_boundary(at) || !seg.is_char_boundary(end) {
                continue;
            }
            let after = seg[end..].trim_start_matches([' ', '\u{a0}', ',', ':']);
            let after_at = seg.len() - after.len();
            let name = name_after(seg, after_at)
                .map(|(n, _)| n)
                .or_else(|| name_before(seg, at.saturating_sub(1)));
            if let Some(n) = name {
                // Before a quote the verb nearest the quote wins; after it,
                // the first.
                let better = match &best {
                    None => true,
                    Some((p, _)) => {
                        if before_quote {
                            at > *p
                        } else {
                            at < *p
                        }
                    }
                };
                if better {
                    best = Some((at, n));
                }
            }
        }
    }
    best.map(|(_, n)| n)
}

/// Finds the quotations of a narration paragraph and who they are
/// attributed to.
pub(crate) fn quotes_in(para: &str) -> Vec<RawQuote> {
    let chars: Vec<char> = para.chars().collect();
    let spans = quote_spans(&chars);
    let mut out: Vec<RawQuote> = Vec::new();
    let mut prev_name: Option<String> = None;
    for (k, &(open, close)) in spans.iter().enumerate() {
        // After the quote: up to the end of the sentence or the next quote.
        let next_open = spans.get(k + 1).map_or(chars.len(), |s| s.0);
        let mut after_end = next_open;
        for (i, c) in chars.iter().enumerate().take(next_open).skip(close + 1) {
            if matches!(c, '.' | '!' | '?') {
                after_end = i;
                break;
            }
        }
        let after: String = chars[close + 1..after_end].iter().collect();
        // Before the quote: from the previous quote or sentence end.
        let prev_close = if k == 0 { 0 } else { spans[k - 1].1 + 1 };
        let mut before_start = prev_close;
        for i in (prev_close..open).rev() {
            if matches!(chars[i], '.' | '!' | '?') {
                before_start = i + 1;
                break;
            }
        }
        let before: String = chars[before_start..open].iter().collect();
        let before_trim = before.trim_end_matches([' ', '\u{a0}']);
        let before_attr = if before_trim.ends_with([',', ':'])
            || VERBS
                .iter()
                .any(|v| before_trim.to_lowercase().ends_with(v))
        {
            attribution_in(before_trim, true)
        } else {
            None
        };
        let name = attribution_in(&after, false).or(before_attr).or_else(|| {
            // A bare follow-up quote continues the previous speaker,
            // unless another name stands between them.
            let between = chars[prev_close..open].iter().collect::<String>();
            let named = name_after(&between, 0).is_some() && k > 0;
            prev_name
                .clone()
                .filter(|_| !named || between.trim().is_empty())
        });
        let Some(name) = name else {
            prev_name = None;
            continue;
        };
        // The quoted words, without the marks, white space or a trailing comma.
        let mut s = open + 1;
        let mut e = close;
        while s < e && chars[s].is_whitespace() {
            s += 1;
        }
        while s < e && (chars[e - 1].is_whitespace() || chars[e - 1] == ',') {
            e -= 1;
        }
        if s < e {
            out.push(RawQuote {
                range: s..e,
                name: name.clone(),
            });
        }
        prev_name = Some(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(p: &str) -> Vec<(String, String)> {
        quotes_in(p)
            .into_iter()
            .map(|q| {
                let chars: Vec<char> = p.chars().collect();
                (chars[q.range].iter().collect(), q.name)
            })
            .collect()
    }

    #[test]
    fn reported_speech_forms() {
        assert_eq!(
            found("“Europe is substantially less secure,” says Chris Miller. Photo: Shutterstock"),
            vec![(
                "Europe is substantially less secure".into(),
                "Chris Miller".into()
            )]
        );
        assert_eq!(
            found("“We will see,” Jane Roe said."),
            vec![("We will see".into(), "Jane Roe".into())]
        );
        assert_eq!(
            found("Jane Roe says “the war is not over.”"),
            vec![("the war is not over.".into(), "Jane Roe".into())]
        );
        assert_eq!(
            found("As Toft said: “Nobody wins.”"),
            vec![("Nobody wins.".into(), "Toft".into())]
        );
        assert_eq!(
            found(
                "With Russia’s military moves, “Europe is substantially less secure,” says Miller. “NATO needs to take urgent steps to guarantee its security.”"
            ),
            vec![
                (
                    "Europe is substantially less secure".into(),
                    "Miller".into()
                ),
                (
                    "NATO needs to take urgent steps to guarantee its security.".into(),
                    "Miller".into()
                )
            ]
        );
        assert_eq!(
            found("“A sphere of interest” in the region, says Toft."),
            vec![("A sphere of interest".into(), "Toft".into())]
        );
        assert_eq!(found("He called it “a mess,” he says."), vec![]);
        assert_eq!(found("No quotes here, says Toft."), vec![]);
        assert_eq!(
            found("\"Плохо,\" says Иван Петров."),
            vec![("Плохо".into(), "Иван Петров".into())]
        );
    }
}
