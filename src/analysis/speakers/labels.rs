//! Speaker labels at the start of a paragraph ("Toft:", "MS. PSAKI:",
//! "**Toft:**", "Q", "A:"), page furniture and stage directions.

/// A label found at the start of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    /// A bare "Q" / "Q:" / "Q.": a reporter or the interviewer asks.
    Q,
    /// "A:": the interviewee answers.
    A,
    /// A name label.
    Name {
        /// The label as written, without the colon or Markdown ("MS. PSAKI").
        written: String,
        /// The name without honorifics, in display case ("Psaki").
        core: String,
        /// Whether the label is a single Title Case word ("Toft"): such a
        /// label is only believed if it names someone already known.
        weak: bool,
    },
}

/// Words that, first in a "Word:" prefix, mark page furniture, not a speaker.
const STOP_WORDS: &[&str] = &[
    "photo",
    "photos",
    "photograph",
    "credit",
    "credits",
    "caption",
    "image",
    "images",
    "source",
    "sources",
    "note",
    "notes",
    "editor",
    "editors",
    "editor’s",
    "editor's",
    "related",
    "update",
    "updated",
    "updates",
    "contact",
    "contacts",
    "media",
    "email",
    "e-mail",
    "phone",
    "tel",
    "fax",
    "posted",
    "published",
    "tags",
    "tag",
    "topics",
    "share",
    "read",
    "listen",
    "watch",
    "video",
    "audio",
    "subscribe",
    "follow",
    "disclaimer",
    "correction",
    "transcript",
    "summary",
    "background",
    "keywords",
    "warning",
    "by",
    "date",
    "time",
    "location",
    "title",
    "subject",
    "re",
    "http",
    "https",
    "www",
    "illustration",
    "graphic",
    "chart",
    "table",
    "figure",
    "map",
    "more",
    "also",
    "see",
    "copyright",
    "end",
    "first",
    "second",
    "third",
    "finally",
    "example",
    "question",
    "answer",
];

/// Honorifics dropped from a label to find the name ("MS. PSAKI" → "PSAKI").
const HONORIFICS: &[&str] = &[
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "miss",
    "dr",
    "dr.",
    "prof",
    "prof.",
    "professor",
    "sen.",
    "senator",
    "rep.",
    "representative",
    "gen.",
    "general",
    "secretary",
    "ambassador",
    "amb.",
    "gov.",
    "governor",
    "adm.",
    "admiral",
    "president",
    "minister",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev.",
    "fr.",
];

/// Lower-case name particles allowed inside a Title Case name.
pub(crate) const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "y", "del", "ter",
    "el", "dos", "das",
];

/// Whether a word starts with an upper-case letter.
pub(crate) fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a word can be part of a name: letters with `.`, `-`, `'`, `’`.
fn is_name_word(word: &str) -> bool {
    !word.is_empty()
        && word.chars().any(char::is_alphabetic)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
}

/// `PSAKI` → `Psaki`, `THE PRESIDENT` → `The President`.
pub(crate) fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut out = String::new();
            let mut first = true;
            for c in w.chars() {
                if first {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                first = !c.is_alphabetic() && c != '’' && c != '\'';
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits on white space including NBSP.
fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Parses a label at the start of `para`; returns it and the char offset
/// (within the paragraph) where the speech after it begins.
pub(crate) fn parse_label(para: &str) -> Option<(Label, usize)> {
    let mut lead = para.chars().take_while(|c| c.is_whitespace()).count();
    let mut body: String = para.chars().skip(lead).collect();
    // A leading time stamp: "[00:01:23]", "(12:04)", "00:01:23".
    if let Some(n) = timestamp_len(&body) {
        lead += n;
        body = body.chars().skip(n).collect();
    }
    // Markdown bold or italic: **Name:** / **Name**: / __Name:__
    for mark in ["**", "__"] {
        if let Some(rest) = body.strip_prefix(mark)
            && let Some(close) = rest.find(mark)
        {
            let inner = &rest[..close];
            let after = &rest[close + mark.len()..];
            let (cand, after_colon) = if let Some(c) = inner.strip_suffix(':') {
                (c, after)
            } else if let Some(a) = after.strip_prefix(':') {
                (inner, a)
            } else {
                return None;
            };
            if !after_colon.is_empty() && !after_colon.starts_with(char::is_whitespace) {
                return None;
            }
            let label = classify(cand.trim(), true)?;
            let consumed = body.chars().count() - after_colon.chars().count();
            return Some((label, lead + consumed + leading_ws(after_colon)));
        }
    }
    // Bare "Q" / "Q." followed by a space (press-briefing transcripts).
    for q in ["Q. ", "Q ", "Q\u{a0}"] {
        if let Some(rest) = body.strip_prefix(q)
            && !rest.trim().is_empty()
        {
            return Some((Label::Q, lead + q.chars().count() + leading_ws(rest)));
        }
    }
    let colon = body.char_indices().take(60).find(|(_, c)| *c == ':')?.0;
    let cand = &body[..colon];
    let after = &body[colon + 1..];
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    let label = classify(cand.trim(), false)?;
    let consumed = cand.chars().count() + 1;
    Some((label, lead + consumed + leading_ws(after)))
}

/// Chars of a leading time stamp and the white space after it.
fn timestamp_len(s: &str) -> Option<usize> {
    let chars: Vec<char> = s.chars().collect();
    let (open, close) = match chars.first() {
        Some('[') => (1, Some(']')),
        Some('(') => (1, Some(')')),
        _ => (0, None),
    };
    let digits = chars[open..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ':' | '.'))
        .count();
    let stamp = &chars[open..open + digits];
    if digits < 4 || !stamp.contains(&':') || !stamp.first().is_some_and(char::is_ascii_digit) {
        return None;
    }
    let mut end = open + digits;
    if let Some(c) = close {
        if chars.get(end) != Some(&c) {
            return None;
        }
        end += 1;
    }
    let ws = chars[end..]
        .iter()
        .take_while(|c| c.is_whitespace())
        .count();
    (ws > 0).then_some(end + ws)
}

fn leading_ws(s: &str) -> usize {
    s.chars().take_while(|c| c.is_whitespace()).count()
}

/// Decides whether the text before a colon is a speaker label.
fn classify(cand: &str, bold: bool) -> Option<Label> {
    match cand {
        "Q" | "Q." | "Question" | "QUESTION" => return Some(Label::Q),
        "A" | "A." | "Answer" | "ANSWER" => return Some(Label::A),
        _ => {}
    }
    // "Speaker 1", "SPEAKER 2": numbered anonymous speakers.
    if let [w, n] = words(cand)[..]
        && w.eq_ignore_ascii_case("speaker")
        && n.chars().all(|c| c.is_ascii_digit())
    {
        return Some(Label::Name {
            written: cand.to_string(),
            core: format!("Speaker {n}"),
            weak: false,
        });
    }
    if cand.chars().count() > 48 {
        return None;
    }
    let ws = words(cand);
    if ws.is_empty() || ws.len() > 6 || !ws.iter().all(|w| is_name_word(w)) {
        return None;
    }
    let lower: Vec<String> = ws.iter().map(|w| w.to_lowercase()).collect();
    if STOP_WORDS.contains(&lower[0].as_str()) {
        return None;
    }
    let letters: Vec<char> = cand.chars().filter(|c| c.is_alphabetic()).collect();
    let all_caps = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
    let title = ws
        .iter()
        .all(|w| is_capitalized(w) || PARTICLES.contains(&w.to_lowercase().as_str()))
        && is_capitalized(ws[0]);
    if !all_caps && !title {
        return None;
    }
    // Drop honorifics, keeping at least one word.
    let mut start = 0;
    while start + 1 < ws.len() && HONORIFICS.contains(&lower[start].as_str()) {
        start += 1;
    }
    let core_words = &ws[start..];
    let core = if all_caps {
        title_case(&core_words.join(" "))
    } else {
        core_words.join(" ")
    };
    let weak = !all_caps && !bold && ws.len() == 1;
    Some(Label::Name {
        written: ws.join(" "),
        core,
        weak,
    })
}

/// Whether a paragraph is page furniture or a stage direction: narration
/// even in the middle of an interview.
pub(crate) fn is_furniture(para: &str) -> bool {
    let t = para.trim();
    let skip = timestamp_len(t).unwrap_or(0);
    let t = t.char_indices().nth(skip).map_or("", |(b, _)| &t[b..]);
    if skip > 0 && t.is_empty() {
        return true;
    }
    let t = t.trim_matches('*').trim_matches('_').trim();
    if t.is_empty() {
        return true;
    }
    let first = t.chars().next();
    let last = t.trim_end_matches('.').chars().last();
    if matches!(
        (first, last),
        (Some('('), Some(')')) | (Some('['), Some(']'))
    ) {
        return true;
    }
    let l = t.to_lowercase();
    const STARTS: &[&str] = &[
        "photo:",
        "photo by",
        "photos:",
        "photograph",
        "image:",
        "image credit",
        "credit:",
        "caption:",
        "illustration",
        "source:",
        "read more",
        "related:",
        "related stories",
        "back to top",
        "top of page",
        "share this",
        "print this",
        "email:",
        "e-mail:",
        "subscribe",
        "copyright",
        "©",
        "media contact",
        "contact:",
        "editor’s note",
        "editor's note",
        "tags:",
        "posted ",
        "published ",
        "updated ",
        "end ",
        "###",
        "* * *",
        "***",
        "---",
        "— end",
        "this interview has been edited",
        "this conversation has been edited",
        "this transcript has been edited",
    ];
    if STARTS.iter().any(|s| l.starts_with(s)) || l == "end" {
        return true;
    }
    const CONTAINS: &[&str] = &[
        "can be reached at",
        "can be contacted at",
        "is a staff writer",
        "is a senior writer",
        "for more information, contact",
        "all rights reserved",
    ];
    if CONTAINS.iter().any(|s| l.contains(s)) {
        return true;
    }
    // Byline: "By Jane Roe" (short, then names).
    if let Some(rest) = t.strip_prefix("By ")
        && t.chars().count() <= 60
        && words(rest).iter().all(|w| {
            is_capitalized(w)
                || PARTICLES.contains(&w.to_lowercase().as_str())
                || *w == "and"
                || w.ends_with(',')
        })
    {
        return true;
    }
    // A lone e-mail address or URL.
    let ws = words(t);
    ws.len() == 1 && (t.contains('@') || l.starts_with("http") || l.starts_with("www."))
}

/// Whether a paragraph reads as a question: ends with "?" (closing quotes or
/// brackets aside) and is short enough to be one.
pub(crate) fn is_question(para: &str) -> bool {
    let t = para
        .trim()
        .trim_end_matches(['”', '"', '’', '\'', ')', ']', '*', '_'])
        .trim_end();
    t.ends_with('?') && t.chars().count() <= 400
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(p: &str) -> Option<(String, String, bool)> {
        match parse_label(p)?.0 {
            Label::Name {
                written,
                core,
                weak,
            } => Some((written, core, weak)),
            _ => None,
        }
    }

    #[test]
    fn labels_of_each_convention() {
        assert_eq!(
            name("Monica Duffy Toft: After"),
            Some((
                "Monica Duffy Toft".into(),
                "Monica Duffy Toft".into(),
                false
            ))
        );
        assert_eq!(
            name("Toft: Russia"),
            Some(("Toft".into(), "Toft".into(), true))
        );
        assert_eq!(
            name("MS. PSAKI: Hi"),
            Some(("MS. PSAKI".into(), "Psaki".into(), false))
        );
        assert_eq!(
            name("MR PRICE: Hi"),
            Some(("MR PRICE".into(), "Price".into(), false))
        );
        assert_eq!(
            name("THE PRESIDENT: Thank you"),
            Some(("THE PRESIDENT".into(), "The President".into(), false))
        );
        assert_eq!(
            name("**Toft:** Yes"),
            Some(("Toft".into(), "Toft".into(), false))
        );
        assert_eq!(
            name("**Toft**: Yes"),
            Some(("Toft".into(), "Toft".into(), false))
        );
        assert_eq!(
            parse_label("Q Thank you, Jen.").map(|l| l.0),
            Some(Label::Q)
        );
        assert_eq!(parse_label("Q: Why?").map(|l| l.0), Some(Label::Q));
        assert_eq!(
            parse_label("A: Because.").map(|l| (l.0, l.1)),
            Some((Label::A, 3))
        );
        assert_eq!(parse_label("Toft: Russia").map(|l| l.1), Some(6));
        assert_eq!(parse_label("Иван Петров: Привет").map(|l| l.1), Some(13));
        assert_eq!(parse_label("Question: Why?").map(|l| l.0), Some(Label::Q));
        assert_eq!(parse_label("ANSWER: Because.").map(|l| l.0), Some(Label::A));
        assert_eq!(
            name("[00:01:23] Toft: Yes"),
            Some(("Toft".into(), "Toft".into(), true))
        );
        assert_eq!(parse_label("(12:04) MS. PSAKI: Hi").map(|l| l.1), Some(19));
        assert_eq!(parse_label("00:01:23 Q: Why?").map(|l| l.0), Some(Label::Q));
        assert_eq!(
            name("SPEAKER 2: Hello"),
            Some(("SPEAKER 2".into(), "Speaker 2".into(), false))
        );
        assert_eq!(
            parse_label("[1:2] Toft: x"),
            None,
            "too short for a time stamp"
        );
    }

    #[test]
    fn non_labels() {
        for p in [
            "Photo: Shutterstock",
            "Note: this was edited.",
            "1:03 P.M. EST",
            "The better question is this: why?",
            "“Europe is substantially less secure,” says Chris Miller.",
            "http://example.org",
            "Quiet please",
            "Tufts Now:Why",
        ] {
            assert_eq!(parse_label(p), None, "{p}");
        }
    }

    #[test]
    fn furniture_and_questions() {
        assert!(is_furniture("(Laughter.)"));
        assert!(is_furniture("(A cellphone disrupts the briefing.)"));
        assert!(is_furniture("[00:01:12] (Laughter.)"));
        assert!(!is_furniture("[00:01:12] And then?"));
        assert!(is_furniture("Taylor McNeil can be reached at"));
        assert!(is_furniture("Back to Top"));
        assert!(is_furniture("Photo: Alonso Nichols"));
        assert!(is_furniture("By Jane Roe"));
        assert!(!is_furniture("By then the war had begun, and nobody knew."));
        assert!(!is_furniture("Putin is invading to show he is strong."));
        assert!(is_question(
            "How will sanctions against Russia affect its economy?"
        ));
        assert!(is_question("Is it “over”?”"));
        assert!(!is_question("No."));
        assert!(!is_question(&format!("{}?", "word ".repeat(100))));
    }
}
