//! Names and roles read from the introduction of an interview: "Monica Duffy
//! Toft is a professor of …", "… spoke with Jane Roe, a historian", "Tufts Now
//! spoke with two experts".

use super::labels::{PARTICLES, is_capitalized};

/// A word of a sentence with its byte range.
#[derive(Clone, Copy, Debug)]
struct Word<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

/// Words split on white space (NBSP included), with byte ranges.
fn split_words(s: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push(Word {
                    text: &s[st..i],
                    start: st,
                    end: i,
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(Word {
            text: &s[st..],
            start: st,
            end: s.len(),
        });
    }
    out
}

/// The word without surrounding punctuation (keeps inner `.`, `-`, `’`).
fn bare(w: &str) -> &str {
    w.trim_matches(|c: char| !(c.is_alphanumeric() || c == '.' || c == '’' || c == '\''))
        .trim_end_matches(['.', '’', '\''])
}

/// Whether `w` can continue a name.
fn name_word(w: &str) -> bool {
    let b = bare(w);
    !b.is_empty()
        && (is_capitalized(b) || PARTICLES.contains(&b.to_lowercase().as_str()))
        && b.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
}

/// Bytes around a position searched for a name.
const WINDOW: usize = 240;

/// Words that are capitalized but never start a person's name.
const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "With",
    "As",
    "But",
    "And",
    "So",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "He",
    "She",
    "They",
    "We",
    "I",
    "It",
    "This",
    "That",
    "Photo",
    "Says",
    "Said",
    "According",
];

/// The name (capitalized words) that starts at byte `at` of `s`, if any,
/// with its byte range. Stops after a word carrying trailing punctuation.
pub(crate) fn name_after(s: &str, at: usize) -> Option<(String, std::ops::Range<usize>)> {
    // A name is at most four words: look at a bounded window only, so that
    // scanning every word of a long paragraph stays linear.
    let rest = s.get(at..)?;
    let mut cut = rest.len().min(WINDOW);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    let ws = split_words(&rest[..cut]);
    let mut taken: Vec<&str> = Vec::new();
    let mut end = 0;
    for w in &ws {
        if !name_word(w.text) {
            break;
        }
        if taken.is_empty() && NOT_NAMES.contains(&bare(w.text)) {
            return None;
        }
        taken.push(bare(w.text));
        end = w.end;
        let trailing_punct = w
            .text
            .chars()
            .last()
            .is_some_and(|c| matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')' | '”' | '"'))
            && !w.text.ends_with("..") // keep initials such as "J."
            && !(bare(w.text).chars().count() <= 2 && w.text.ends_with('.'));
        if trailing_punct || taken.len() == 4 {
            break;
        }
    }
    while taken
        .last()
        .is_some_and(|w| PARTICLES.contains(&w.to_lowercase().as_str()))
    {
        taken.pop();
    }
    if taken.is_empty() {
        return None;
    }
    let first = ws.first()?;
    Some((taken.join(" "), at + first.start..at + end))
}

/// The name (capitalized words) that ends just before byte `at` of `s`.
pub(crate) fn name_before(s: &str, at: usize) -> Option<String> {
    let head = s.get(..at)?;
    let mut from = head.len().saturating_sub(WINDOW);
    while !head.is_char_boundary(from) {
        from += 1;
    }
    let ws = split_words(&head[from..]);
    let mut taken: Vec<&str> = Vec::new();
    for (i, w) in ws.iter().enumerate().rev() {
        if !name_word(w.text) {
            break;
        }
        // A word with trailing punctuation ends an earlier clause.
        if i + 1 < ws.len() && w.text.ends_with([',', ';', ':', '.', '”', '"']) {
            break;
        }
        taken.push(bare(w.text));
        if taken.len() == 4 {
            break;
        }
    }
    taken.reverse();
    while taken.first().is_some_and(|w| NOT_NAMES.contains(w)) {
        taken.remove(0);
    }
    if taken.is_empty() {
        None
    } else {
        Some(taken.join(" "))
    }
}

/// Titles dropped from the front of a name ("Press Secretary Jen Psaki").
const TITLE_WORDS: &[&str] = &[
    "Press",
    "Secretary",
    "President",
    "Vice",
    "Prime",
    "Minister",
    "Professor",
    "Prof.",
    "Dr.",
    "Dr",
    "Senator",
    "Sen.",
    "Rep.",
    "Representative",
    "Governor",
    "Gov.",
    "Ambassador",
    "General",
    "Gen.",
    "Director",
    "Chief",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Mr",
    "Mrs",
    "Ms",
    "Deputy",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Chancellor",
    "Mayor",
    "Judge",
    "Justice",
];

/// A name without leading titles, if two or more words remain.
fn person_name(name: &str) -> Option<String> {
    let mut ws: Vec<&str> = name.split(' ').collect();
    while ws.len() > 2 && ws.first().is_some_and(|w| TITLE_WORDS.contains(w)) {
        ws.remove(0);
    }
    if ws.len() >= 2 && !ws.first().is_some_and(|w| TITLE_WORDS.contains(w)) {
        Some(ws.join(" "))
    } else {
        None
    }
}

/// What the introduction says about people.
#[derive(Clone, Debug, Default)]
pub(crate) struct Intro {
    /// Names of two or more words, in order of appearance.
    pub names: Vec<String>,
    /// (name, role) pairs: "X is a …", "X, a …".
    pub roles: Vec<(String, String)>,
    /// "X spoke with …": X, the interviewer.
    pub interviewer: Option<String>,
    /// "… spoke with Y": Y, the interviewee.
    pub interviewee: Option<String>,
}

impl Intro {
    /// The role given for `name` (exact name, case-insensitive).
    pub fn role_of(&self, name: &str) -> Option<&str> {
        self.roles
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, r)| r.as_str())
    }

    /// The full name whose last word is `surname`.
    pub fn full_name_of(&self, surname: &str) -> Option<&str> {
        self.names
            .iter()
            .find(|n| {
                n.split(' ')
                    .next_back()
                    .is_some_and(|l| l.eq_ignore_ascii_case(surname))
            })
            .map(String::as_str)
    }
}

const INTERVIEW_VERBS: &[&str] = &[
    " spoke with ",
    " spoke to ",
    " speaks with ",
    " talked with ",
    " talked to ",
    " talks with ",
    " sat down with ",
    " interviewed ",
    " caught up with ",
    " asked ",
];

/// Reads names, roles and who interviews whom from narration paragraphs.
pub(crate) fn read_intro<'a>(paras: impl Iterator<Item = &'a str>) -> Intro {
    let mut intro = Intro::default();
    for p in paras {
        let p = p.replace('\u{a0}', " ");
        // Every run of 2+ capitalized words.
        let ws = split_words(&p);
        let mut i = 0;
        while i < ws.len() {
            if let Some((n, r)) = name_after(&p, ws[i].start) {
                if let Some(n) = person_name(&n)
                    && !intro.names.contains(&n)
                {
                    intro.names.push(n);
                }
                let next = ws[i..]
                    .iter()
                    .position(|w| w.start >= r.end)
                    .map_or(ws.len(), |k| i + k);
                i = next.max(i + 1);
            } else {
                i += 1;
            }
        }
        // Roles.
        for pat in [" is a ", " is an ", " is the ", ", a ", ", an ", ", the "] {
            let mut from = 0;
            while let Some(pos) = p.get(from..).and_then(|s| s.find(pat)) {
                let at = from + pos;
                from = at + pat.len();
                let Some(name) = name_before(&p, at).and_then(|n| person_name(&n)) else {
                    continue;
                };
                let rest = &p[at + pat.len()..];
                let stop = if pat.starts_with(',') {
                    rest.find([',', ';', ')', '.']).unwrap_or(rest.len())
                } else {
                    role_end(rest)
                };
                let role = rest[..stop].trim().to_string();
                if !role.is_empty() && intro.role_of(&name).is_none() {
                    intro.roles.push((name, role));
                }
            }
        }
        // Who interviews whom.
        for verb in INTERVIEW_VERBS {
            if let Some(pos) = p.find(verb) {
                if intro.interviewer.is_none() {
                    intro.interviewer = name_before(&p, pos).map(|n| {
                        // Keep "The" of a publication ("The Herald").
                        let head = &p[..pos];
                        let the = format!("The {n}");
                        if head.ends_with(&the) { the } else { n }
                    });
                }
                if intro.interviewee.is_none() {
                    intro.interviewee = name_after(&p, pos + verb.len())
                        .map(|(n, _)| n)
                        .filter(|n| n.contains(' '));
                }
            }
        }
    }
    intro
}

/// Where a role after "is a" ends: ", and", ";", or the end of the sentence.
fn role_end(rest: &str) -> usize {
    let mut end = rest.len();
    for pat in [", and ", "; ", ", who ", ", where "] {
        if let Some(i) = rest.find(pat) {
            end = end.min(i);
        }
    }
    // A sentence end: ". " followed by a capital, or a final ".".
    let b = rest.as_bytes();
    for (i, _) in rest.match_indices(". ") {
        let next = rest[i + 2..].chars().next();
        let word_before = rest[..i].rsplit(' ').next().unwrap_or("");
        // "U.S. Army": an abbreviation, not an end.
        if next.is_some_and(char::is_uppercase) && !word_before.contains('.') {
            end = end.min(i);
            break;
        }
    }
    if b.last() == Some(&b'.') {
        end = end.min(rest.len() - 1);
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_around_a_position() {
        let s = "“Europe is less secure,” says Chris Miller. Photo: Shutterstock";
        let at = s.find("Chris").unwrap();
        assert_eq!(name_after(s, at).map(|x| x.0), Some("Chris Miller".into()));
        let s = "so, Jane Roe says";
        assert_eq!(
            name_before(s, s.find(" says").unwrap()),
            Some("Jane Roe".into())
        );
        assert_eq!(name_before("he says", 2), None);
    }

    #[test]
    fn roles_and_interview_roles() {
        let intro = read_intro(
            [
                "What’s behind it? Tufts Now spoke with two Fletcher School experts. Monica Duffy Toft is a professor of international politics and director of the Center for Strategic Studies at The Fletcher School, and Chris Miller is an assistant professor of international history, and author of Putinomics.",
                "The Review spoke with Jane Roe, a historian at Oxford, about the war.",
            ]
            .into_iter(),
        );
        assert_eq!(
            intro.role_of("Monica Duffy Toft"),
            Some(
                "professor of international politics and director of the Center for Strategic Studies at The Fletcher School"
            )
        );
        assert_eq!(
            intro.role_of("Chris Miller"),
            Some("assistant professor of international history")
        );
        assert_eq!(intro.role_of("Jane Roe"), Some("historian at Oxford"));
        assert_eq!(intro.interviewer.as_deref(), Some("Tufts Now"));
        assert_eq!(intro.interviewee.as_deref(), Some("Jane Roe"));
        assert_eq!(intro.full_name_of("toft"), Some("Monica Duffy Toft"));
        let intro = read_intro(["Press Briefing by Press Secretary Jen Psaki"].into_iter());
        assert_eq!(intro.full_name_of("Psaki"), Some("Jen Psaki"));
    }
}
