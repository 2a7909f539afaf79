//! Speaker-turn detection and attribution of reported speech.
//!
//! [`detect`] reads a text and finds who speaks where: speaker labels at the
//! start of paragraphs ("Monica Duffy Toft:", "Toft:", "MS. PSAKI:",
//! "**Toft:**", "Q", "Q:"/"A:"), unlabeled question paragraphs between
//! answers, page furniture and stage directions (narration), and quotations
//! attributed in the narration (`“…,” says Chris Miller`). Names are resolved
//! so that "Monica Duffy Toft", "Toft" and "MS. TOFT" are one speaker, and
//! roles are read from the introduction ("X is a professor of …").
//!
//! The result, a [`Detection`], covers the whole text with contiguous turns
//! (one per run of paragraphs by the same speaker in the same kind; the label
//! is inside the turn, the turn starts at the paragraph start, and blank lines
//! belong to the turn before them). [`detection_edit`] turns it into one
//! undoable [`Edit`] for a project document.

mod attribution;
mod labels;
mod names;

use crate::model::text::ParagraphIndex;
use crate::model::{DocId, Edit, Project, Speaker, SpeakerId, Turn, TurnKind};
use labels::{Label, is_furniture, is_question, parse_label};
use names::Intro;
use std::collections::HashMap;
use std::ops::Range;

/// A speaker found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectedSpeaker {
    /// Full display name ("Monica Duffy Toft").
    pub name: String,
    /// Other forms found in the text ("Toft", "MS. TOFT").
    pub aliases: Vec<String>,
    /// Role from the introduction or the known speaker; may be empty.
    pub role: String,
    /// Whether this speaker asks the questions.
    pub is_interviewer: bool,
    /// The known speaker (passed to [`detect`]) this one is, if any.
    pub known: Option<SpeakerId>,
}

impl DetectedSpeaker {
    /// Whether `label` names this speaker: name or alias (case-insensitive)
    /// or, for a one-word label, the surname.
    pub fn answers_to(&self, label: &str) -> bool {
        let l = label.trim();
        self.name.eq_ignore_ascii_case(l)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(l))
            || (!l.contains(' ') && surname(&self.name).eq_ignore_ascii_case(l))
    }
}

/// A detected turn: a char range, its kind and its speaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectedTurn {
    /// Chars of the text, end exclusive.
    pub range: Range<usize>,
    /// Narration, question or answer.
    pub kind: TurnKind,
    /// Index into [`Detection::speakers`]; `None` for narration and
    /// anonymous reporters.
    pub speaker: Option<usize>,
}

/// A quotation in the narration attributed to a speaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectedQuote {
    /// Chars of the quoted words (quote marks and a trailing comma excluded).
    pub range: Range<usize>,
    /// Index into [`Detection::speakers`].
    pub speaker: usize,
}

/// Everything [`detect`] found in a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Detection {
    /// Speakers in order of first appearance.
    pub speakers: Vec<DetectedSpeaker>,
    /// Turns in text order, contiguous, covering the whole text.
    pub turns: Vec<DetectedTurn>,
    /// Attributed quotations in the narration, in text order.
    pub quotes: Vec<DetectedQuote>,
}

impl Detection {
    /// The turn holding char `ci`.
    pub fn turn_at(&self, ci: usize) -> Option<&DetectedTurn> {
        let i = self.turns.partition_point(|t| t.range.end <= ci);
        self.turns.get(i).filter(|t| t.range.contains(&ci))
    }

    /// Index of the speaker named `label` (name, alias or surname).
    pub fn speaker_index(&self, label: &str) -> Option<usize> {
        self.speakers.iter().position(|s| s.answers_to(label))
    }

    /// Ids for the detected speakers: the known speaker's id where one
    /// matched, otherwise `new_id(speaker)` made unique against `taken`
    /// (a `-2`, `-3`, … suffix is added on a clash).
    pub fn speaker_ids(
        &self,
        taken: &[Speaker],
        mut new_id: impl FnMut(&DetectedSpeaker) -> SpeakerId,
    ) -> Vec<SpeakerId> {
        let mut used: Vec<SpeakerId> = taken.iter().map(|s| s.id.clone()).collect();
        let mut out = Vec::with_capacity(self.speakers.len());
        for s in &self.speakers {
            let id = match &s.known {
                Some(k) => k.clone(),
                None => {
                    let base = new_id(s);
                    let mut id = base.clone();
                    let mut n = 2;
                    while used.contains(&id) {
                        id = SpeakerId::new(format!("{base}-{n}"));
                        n += 1;
                    }
                    id
                }
            };
            used.push(id.clone());
            out.push(id);
        }
        out
    }

    /// The turns as model [`Turn`]s of `doc`, speakers named by `ids` (one
    /// per detected speaker, as from [`Detection::speaker_ids`]).
    pub fn to_turns(&self, doc: &DocId, ids: &[SpeakerId]) -> Vec<Turn> {
        self.turns
            .iter()
            .map(|t| Turn {
                doc: doc.clone(),
                start: t.range.start,
                end: t.range.end,
                speaker: t.speaker.and_then(|i| ids.get(i).cloned()),
                kind: t.kind,
            })
            .collect()
    }
}

/// A deterministic speaker id from a name: `spk-` and a slug
/// ("Tufts Now" → `spk-tufts-now`).
pub fn slug_id(name: &str) -> SpeakerId {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    SpeakerId::new(format!(
        "spk-{}",
        if slug.is_empty() { "speaker" } else { slug }
    ))
}

/// The last word of a name.
fn surname(name: &str) -> &str {
    name.split_whitespace().next_back().unwrap_or(name)
}

/// The speakers found so far and how to resolve a name to one of them.
struct Registry<'a> {
    speakers: Vec<DetectedSpeaker>,
    known: &'a [Speaker],
    intro: Intro,
}

impl Registry<'_> {
    fn add_alias(&mut self, i: usize, alias: &str) {
        let alias = alias.trim();
        if let Some(s) = self.speakers.get_mut(i)
            && !alias.is_empty()
            && !s.name.eq_ignore_ascii_case(alias)
            && !s.aliases.iter().any(|a| a.eq_ignore_ascii_case(alias))
        {
            s.aliases.push(alias.to_string());
        }
    }

    fn known_for(&self, written: &str, core: &str) -> Option<&Speaker> {
        let single = !core.contains(' ');
        self.known.iter().find(|k| {
            k.answers_to(written)
                || k.answers_to(core)
                || (single && surname(&k.name).eq_ignore_ascii_case(core))
        })
    }

    /// Resolves a name as written (and without honorifics) to a speaker;
    /// creates one if `create` and nobody matches.
    fn resolve(&mut self, written: &str, core: &str, create: bool) -> Option<usize> {
        // 1. Someone already found.
        if let Some(i) = self
            .speakers
            .iter()
            .position(|s| s.answers_to(written) || s.answers_to(core))
        {
            self.add_alias(i, written);
            self.add_alias(i, core);
            return Some(i);
        }
        // A full name for someone first seen by surname only.
        if core.contains(' ')
            && let Some(i) = self
                .speakers
                .iter()
                .position(|s| !s.name.contains(' ') && surname(core).eq_ignore_ascii_case(&s.name))
            && self.speakers[i].known.is_none()
        {
            let old = std::mem::replace(&mut self.speakers[i].name, core.to_string());
            self.add_alias(i, &old);
            self.add_alias(i, written);
            if self.speakers[i].role.is_empty() {
                self.speakers[i].role = self.intro.role_of(core).unwrap_or_default().to_string();
            }
            return Some(i);
        }
        // 2. A known speaker; 3. a full name from the introduction.
        let full = if core.contains(' ') {
            Some(core.to_string())
        } else {
            self.intro.full_name_of(core).map(str::to_string)
        };
        let known = self.known_for(written, core).or_else(|| {
            full.as_deref()
                .and_then(|f| self.known.iter().find(|k| k.answers_to(f)))
        });
        let new = if let Some(k) = known {
            DetectedSpeaker {
                name: k.name.clone(),
                aliases: k.aliases.clone(),
                role: if k.role.is_empty() {
                    self.intro.role_of(&k.name).unwrap_or_default().to_string()
                } else {
                    k.role.clone()
                },
                is_interviewer: k.role.to_lowercase().contains("interviewer"),
                known: Some(k.id.clone()),
            }
        } else if full.is_some() || create {
            let name = full.unwrap_or_else(|| core.to_string());
            DetectedSpeaker {
                role: self.intro.role_of(&name).unwrap_or_default().to_string(),
                name,
                aliases: Vec::new(),
                is_interviewer: false,
                known: None,
            }
        } else {
            return None;
        };
        self.speakers.push(new);
        let i = self.speakers.len() - 1;
        self.add_alias(i, written);
        self.add_alias(i, core);
        Some(i)
    }
}

/// How one paragraph was classified before turns are built.
#[derive(Clone, Debug)]
enum Class {
    /// Labeled by a speaker (index).
    Speaker(usize),
    /// "Q"/"Q:": a question by the interviewer (index) or an anonymous reporter.
    Reporter(Option<usize>),
    /// Stage direction or page furniture.
    Furniture,
    /// No label; `question` if it reads as a question.
    Plain {
        /// Short and ends with "?".
        question: bool,
    },
}

const INTERVIEWER_NAMES: &[&str] = &["interviewer", "host", "moderator", "q"];

/// Detects speakers, turns and attributed quotations in `text`. Names are
/// matched against `known` speakers first (name, alias, surname); the result
/// records which known speaker each detected one is.
pub fn detect(text: &str, known: &[Speaker]) -> Detection {
    let index = ParagraphIndex::new(text);
    let len = index.char_len;
    // Non-blank paragraphs: (char range, text).
    let paras: Vec<(Range<usize>, &str)> = index
        .paragraphs
        .iter()
        .filter(|p| !p.is_blank(text))
        .filter_map(|p| Some((p.chars.clone(), text.get(p.bytes.clone())?)))
        .collect();
    let labels: Vec<Option<(Label, usize)>> = paras.iter().map(|(_, t)| parse_label(t)).collect();
    let first_strong = labels
        .iter()
        .position(|l| {
            matches!(
                l,
                Some((Label::Name { weak: false, .. } | Label::Q | Label::A, _))
            )
        })
        .unwrap_or(paras.len());
    let intro = names::read_intro(
        paras[..first_strong]
            .iter()
            .zip(&labels)
            .filter(|(_, l)| !matches!(l, Some((Label::Name { weak: false, .. }, _))))
            .map(|((_, t), _)| *t),
    );
    let mut weak_counts: HashMap<String, usize> = HashMap::new();
    for (l, _) in labels.iter().flatten() {
        if let Label::Name {
            core, weak: true, ..
        } = l
        {
            *weak_counts.entry(core.to_lowercase()).or_default() += 1;
        }
    }
    let mut reg = Registry {
        speakers: Vec::new(),
        known,
        intro,
    };

    // Pass 1: labels → speakers.
    let mut classes: Vec<Class> = Vec::with_capacity(paras.len());
    let mut started = false;
    let mut label_stats: HashMap<usize, (usize, usize)> = HashMap::new(); // (labeled, questions)
    for ((_, t), l) in paras.iter().zip(&labels) {
        let class = match l {
            Some((
                Label::Name {
                    written,
                    core,
                    weak,
                },
                at,
            )) => {
                let create =
                    !*weak || weak_counts.get(&core.to_lowercase()).copied().unwrap_or(0) >= 2;
                match reg.resolve(written, core, create) {
                    Some(i) => {
                        let speech: String = t.chars().skip(*at).collect();
                        let e = label_stats.entry(i).or_default();
                        e.0 += 1;
                        e.1 += usize::from(is_question(&speech));
                        Class::Speaker(i)
                    }
                    None => Class::Plain {
                        question: is_question(t),
                    },
                }
            }
            Some((Label::Q, _)) => {
                let who = reg
                    .intro
                    .interviewer
                    .clone()
                    .and_then(|n| reg.resolve(&n, &n, true));
                if let Some(i) = who
                    && let Some(s) = reg.speakers.get_mut(i)
                {
                    s.is_interviewer = true;
                }
                Class::Reporter(who)
            }
            Some((Label::A, _)) => {
                let name = reg
                    .intro
                    .interviewee
                    .clone()
                    .or_else(|| (reg.intro.roles.len() == 1).then(|| reg.intro.roles[0].0.clone()))
                    .unwrap_or_else(|| "Interviewee".to_string());
                match reg.resolve(&name, &name, true) {
                    Some(i) => Class::Speaker(i),
                    None => Class::Plain { question: false },
                }
            }
            None if is_furniture(t) => Class::Furniture,
            None => Class::Plain {
                question: is_question(t),
            },
        };
        if !matches!(class, Class::Plain { .. } | Class::Furniture) {
            started = true;
        }
        classes.push(if started { class } else { Class::Furniture });
    }

    // Pass 2: who interviews.
    let intro_interviewer = reg.intro.interviewer.clone();
    for (i, s) in reg.speakers.iter_mut().enumerate() {
        let (labeled, questions) = label_stats.get(&i).copied().unwrap_or((0, 0));
        let by_name = INTERVIEWER_NAMES.contains(&s.name.to_lowercase().as_str())
            || intro_interviewer
                .as_deref()
                .is_some_and(|n| s.answers_to(n));
        if by_name || (labeled > 0 && questions * 2 > labeled) {
            s.is_interviewer = true;
        }
    }

    // Pass 3: kinds.
    let kinds = assign_kinds(&classes, &reg.speakers);

    // Turns: runs of the same (kind, speaker).
    let mut turns: Vec<DetectedTurn> = Vec::new();
    for ((range, _), (kind, speaker)) in paras.iter().zip(&kinds) {
        match turns.last_mut() {
            Some(t) if t.kind == *kind && t.speaker == *speaker => {}
            Some(t) => {
                t.range.end = range.start;
                turns.push(DetectedTurn {
                    range: range.start..len,
                    kind: *kind,
                    speaker: *speaker,
                });
            }
            None => turns.push(DetectedTurn {
                range: 0..len,
                kind: *kind,
                speaker: *speaker,
            }),
        }
    }
    if turns.is_empty() && len > 0 {
        turns.push(DetectedTurn {
            range: 0..len,
            kind: TurnKind::Narration,
            speaker: None,
        });
    }

    // Quotations in the narration.
    let mut quotes = Vec::new();
    for ((range, t), (kind, _)) in paras.iter().zip(&kinds) {
        if *kind != TurnKind::Narration {
            continue;
        }
        for q in attribution::quotes_in(t) {
            let create = q.name.contains(' ');
            if let Some(i) = reg.resolve(&q.name, &q.name, create) {
                quotes.push(DetectedQuote {
                    range: range.start + q.range.start..range.start + q.range.end,
                    speaker: i,
                });
            }
        }
    }

    Detection {
        speakers: reg.speakers,
        turns,
        quotes,
    }
}

/// Kind and speaker of each paragraph, from its class and the one before.
fn assign_kinds(classes: &[Class], speakers: &[DetectedSpeaker]) -> Vec<(TurnKind, Option<usize>)> {
    let mut out = Vec::with_capacity(classes.len());
    // The current non-narration (kind, speaker).
    let mut cur: Option<(TurnKind, Option<usize>)> = None;
    let mut last_interviewer: Option<usize> = speakers.iter().position(|s| s.is_interviewer);
    for c in classes {
        let here = match c {
            Class::Speaker(i) => {
                if speakers.get(*i).is_some_and(|s| s.is_interviewer) {
                    last_interviewer = Some(*i);
                    (TurnKind::Question, Some(*i))
                } else {
                    (TurnKind::Answer, Some(*i))
                }
            }
            Class::Reporter(who) => {
                if who.is_some() {
                    last_interviewer = *who;
                }
                (TurnKind::Question, *who)
            }
            Class::Furniture => {
                out.push((TurnKind::Narration, None));
                continue;
            }
            Class::Plain { question } => match cur {
                None => {
                    out.push((TurnKind::Narration, None));
                    continue;
                }
                // A short question after an answer is the interviewer's.
                Some((TurnKind::Answer, _)) if *question => (TurnKind::Question, last_interviewer),
                Some(c) => c,
            },
        };
        out.push(here);
        cur = Some(here);
    }
    out
}

/// The known speaker whose reported speech (`“…,” says Miller.`) covers
/// `range` of `paragraph`, if any. The caller passes only the paragraph
/// holding the range, so this is cheap on any document; a speaker not yet in
/// `known` is not returned.
pub fn reported_speaker_at(
    paragraph: &str,
    range: Range<usize>,
    known: &[Speaker],
) -> Option<SpeakerId> {
    // Most selections are in no quotation: then the paragraph is not read
    // for speakers and labels at all.
    if !attribution::inside_quote(paragraph, &range) {
        return None;
    }
    reported_speaker_by_detection(paragraph, range, known)
}

/// [`reported_speaker_at`] from the whole detection of the paragraph.
fn reported_speaker_by_detection(
    paragraph: &str,
    range: Range<usize>,
    known: &[Speaker],
) -> Option<SpeakerId> {
    let found = detect(paragraph, known);
    let q = found
        .quotes
        .iter()
        .find(|q| q.range.start <= range.start && range.end <= q.range.end)?;
    found.speakers.get(q.speaker).and_then(|s| s.known.clone())
}

/// One undoable edit that applies [`detect`] to document `doc` of `project`:
/// detected speakers that match project speakers (name, alias, surname) use
/// those; new ones are inserted with fresh generated ids; aliases and roles
/// found for existing speakers are added; the document's turns are replaced.
/// A missing document gives an empty batch (a no-op).
pub fn detection_edit(project: &Project, doc: &DocId) -> Edit {
    detection_edit_with(project, doc, |_| SpeakerId::generate())
}

/// [`detection_edit`] with a chosen id for each new speaker (e.g.
/// [`slug_id`] of its name, for deterministic output); clashes with existing
/// ids get a numeric suffix.
pub fn detection_edit_with(
    project: &Project,
    doc: &DocId,
    new_id: impl FnMut(&DetectedSpeaker) -> SpeakerId,
) -> Edit {
    let label = "detect speakers";
    let Some(d) = project.document(doc) else {
        return Edit::batch(label, Vec::new());
    };
    let det = detect(&d.text, &project.speakers);
    let ids = det.speaker_ids(&project.speakers, new_id);
    let mut edits = Vec::new();
    for (s, id) in det.speakers.iter().zip(&ids) {
        match project.speaker(id) {
            Some(existing) => {
                let mut updated = existing.clone();
                for a in &s.aliases {
                    if !updated.answers_to(a) {
                        updated.aliases.push(a.clone());
                    }
                }
                if updated.role.is_empty() {
                    updated.role = s.role.clone();
                }
                if &updated != existing {
                    edits.push(Edit::UpdateSpeaker(updated));
                }
            }
            None => edits.push(Edit::InsertSpeaker {
                index: usize::MAX,
                speaker: Speaker {
                    id: id.clone(),
                    name: s.name.clone(),
                    aliases: s.aliases.clone(),
                    role: s.role.clone(),
                },
            }),
        }
    }
    edits.push(Edit::SetTurns {
        doc: doc.clone(),
        turns: det.to_turns(doc, &ids),
    });
    Edit::batch(label, edits)
}

#[cfg(test)]
mod tests;

/// The text of a turn without its speaker label and surrounding white space
/// ("Tufts Now: Why?" → "Why?"): what a question topic is called.
pub fn strip_label(turn_text: &str) -> &str {
    let t = turn_text.trim();
    match parse_label(t) {
        Some((_, at)) => {
            let b = crate::model::text::char_to_byte(t, at).unwrap_or(0);
            t.get(b..).unwrap_or(t).trim()
        }
        None => t,
    }
}
