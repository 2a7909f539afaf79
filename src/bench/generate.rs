//! A deterministic generator of large, realistic projects for the benchmark.
//!
//! The same [`GenConfig`] (seed included) always gives the same project, byte
//! for byte once saved: ids are derived from counters, time stamps are fixed,
//! and randomness comes from a small seeded PRNG ([`Rng`]), never from the
//! clock.
//!
//! The text mixes English-like and Cyrillic words, curly quotes, em dashes,
//! NBSP and emoji (multi-codepoint ones too: 👋🏽, 🇺🇦, 👩‍🔬), in paragraphs
//! of 40–1200 chars, some opening with a speaker label. Its words come in
//! many forms, as a book's do (see [`Vocabulary`]). Annotations are
//! word-aligned spans, some nested in or overlapping others, with one to three
//! tags, a speaker and sometimes a note.
//!
//! Building 50,000 annotations on a 5 MB text must stay linear: every
//! annotation is made with [`Annotation::new`] on a small window of the text
//! (32 chars of context on each side of the span, found from byte offsets
//! tracked while generating), then moved to its document offsets. Nothing
//! walks the text from its start per annotation.

use crate::model::{
    Annotation, AnnotationId, Codebook, Color, DocId, Document, Project, Relation, RelationId,
    Speaker, SpeakerId, Tag, TagId, Timestamp, Turn, TurnKind, text::CONTEXT_CHARS,
};
use std::ops::Range;

/// How many distinct words the text uses (`--vocabulary` of `bench`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Vocabulary {
    /// Base words drawn with a Zipf-like law (the `i`-th of a list about as
    /// often as `1/i`), each also in up to 98 other forms (endings added),
    /// drawn the same way: some 29,000 distinct words in 5 MB, the 100 most
    /// frequent making about 45 % of the text and the 2,000 most frequent
    /// about 80 %, as in a book. A view that lays out each distinct word
    /// once meets new words on every new page.
    #[default]
    Book,
    /// The base word lists only: some 400 distinct words in the whole text
    /// (the figures of the first rounds in BENCHMARKS.md).
    Small,
}

impl Vocabulary {
    /// The name `--vocabulary` takes for it.
    pub fn name(self) -> &'static str {
        match self {
            Vocabulary::Book => "book",
            Vocabulary::Small => "small",
        }
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenConfig {
    /// Seed of the PRNG: the same seed gives the same project.
    pub seed: u64,
    /// Size of the document's text in UTF-8 bytes (approximate, from above).
    pub doc_bytes: usize,
    /// Exact number of annotations.
    pub annotations: usize,
    /// How varied the words are.
    pub vocabulary: Vocabulary,
}

impl GenConfig {
    /// The size the issue asks for: a 5 MB document with 50,000 annotations.
    pub fn full(seed: u64) -> Self {
        Self {
            seed,
            doc_bytes: 5_000_000,
            annotations: 50_000,
            vocabulary: Vocabulary::Book,
        }
    }

    /// The everyday size: 500 KB and 5,000 annotations.
    pub fn quick(seed: u64) -> Self {
        Self {
            seed,
            doc_bytes: 500_000,
            annotations: 5_000,
            vocabulary: Vocabulary::Book,
        }
    }
}

/// A small, fast, seeded PRNG (SplitMix64). Not for cryptography; enough for
/// reproducible test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x6d61_7267_696e_616c)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `range` (its start when empty).
    pub fn in_range(&mut self, range: Range<usize>) -> usize {
        range.start + self.below(range.end.saturating_sub(range.start))
    }

    /// `true` with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const LATIN: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "that",
    "is",
    "was",
    "for",
    "it",
    "with",
    "as",
    "on",
    "be",
    "at",
    "by",
    "this",
    "had",
    "not",
    "are",
    "but",
    "from",
    "or",
    "have",
    "an",
    "they",
    "which",
    "one",
    "you",
    "were",
    "all",
    "we",
    "her",
    "would",
    "there",
    "their",
    "will",
    "when",
    "who",
    "him",
    "been",
    "has",
    "more",
    "if",
    "no",
    "out",
    "so",
    "what",
    "up",
    "can",
    "about",
    "into",
    "than",
    "them",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "first",
    "then",
    "do",
    "any",
    "like",
    "my",
    "now",
    "over",
    "such",
    "our",
    "man",
    "me",
    "even",
    "most",
    "made",
    "after",
    "also",
    "did",
    "many",
    "before",
    "must",
    "through",
    "back",
    "years",
    "where",
    "much",
    "your",
    "way",
    "well",
    "down",
    "should",
    "because",
    "each",
    "just",
    "those",
    "people",
    "security",
    "Europe",
    "sanctions",
    "economy",
    "negotiations",
    "ceasefire",
    "alliance",
    "deterrence",
    "escalation",
    "sovereignty",
    "territory",
    "military",
    "energy",
    "pipeline",
    "inflation",
    "diplomacy",
    "elections",
    "government",
    "president",
    "analysts",
    "evidence",
    "argument",
    "scenario",
    "probably",
    "certainly",
    "historically",
    "long-term",
    "short-term",
    "substantially",
    "invasion",
    "refugees",
    "supply",
    "chains",
    "semiconductors",
    "naïve",
    "café",
    "rôle",
    "coöperation",
];

const CYRILLIC: &[&str] = &[
    "и",
    "в",
    "не",
    "на",
    "что",
    "с",
    "он",
    "как",
    "это",
    "по",
    "но",
    "из",
    "мы",
    "за",
    "от",
    "так",
    "уже",
    "для",
    "война",
    "мир",
    "Европа",
    "санкции",
    "экономика",
    "переговоры",
    "безопасность",
    "граница",
    "армия",
    "газ",
    "нефть",
    "выборы",
    "правительство",
    "президент",
    "эксперты",
    "аргумент",
    "сценарий",
    "вероятно",
    "конечно",
    "исторически",
    "территория",
    "суверенитет",
    "союзники",
    "сдерживание",
    "эскалация",
    "беженцы",
    "инфляция",
    "Москва",
    "Киев",
    "Украина",
    "Россия",
    "ёлка",
    "объём",
    "подъезд",
];

const EMOJI: &[&str] = &["👋🏽", "🙂", "👍", "🇺🇦", "👩‍🔬", "🤔", "📈", "⚠️", "✅"];

const SPEAKERS: [(&str, &str, &str); 4] = [
    ("spk-bench-host", "Alex Interviewer", "HOST"),
    ("spk-bench-toft", "Monica Toft", "TOFT"),
    ("spk-bench-miller", "Chris Miller", "MILLER"),
    ("spk-bench-petrova", "Ирина Петрова", "ПЕТРОВА"),
];

/// The benchmark codebook: 12 tags, some nested, hotkeys 1–9.
pub fn bench_codebook() -> Codebook {
    // (id, name, parent, hotkey)
    let spec: [(&str, &str, Option<&str>, Option<u8>); 12] = [
        ("tag-bench-claim", "Claim", None, Some(1)),
        (
            "tag-bench-causal",
            "Causal claim",
            Some("tag-bench-claim"),
            Some(2),
        ),
        (
            "tag-bench-prediction",
            "Prediction",
            Some("tag-bench-claim"),
            Some(3),
        ),
        (
            "tag-bench-normative",
            "Normative claim",
            Some("tag-bench-claim"),
            None,
        ),
        ("tag-bench-evidence", "Evidence", None, Some(4)),
        (
            "tag-bench-statistic",
            "Statistic",
            Some("tag-bench-evidence"),
            Some(5),
        ),
        (
            "tag-bench-anecdote",
            "Anecdote",
            Some("tag-bench-evidence"),
            None,
        ),
        ("tag-bench-hedge", "Hedge", None, Some(6)),
        ("tag-bench-counter", "Counterargument", None, Some(7)),
        ("tag-bench-question", "Question", None, Some(8)),
        ("tag-bench-definition", "Definition", None, Some(9)),
        (
            "tag-bench-concession",
            "Уступка",
            Some("tag-bench-counter"),
            None,
        ),
    ];
    let tags = spec
        .iter()
        .enumerate()
        .map(|(i, (id, name, parent, key))| Tag {
            id: TagId::new(*id),
            name: (*name).to_string(),
            color: Color::palette(i),
            key: *key,
            parent: parent.map(TagId::new),
            description: format!("Benchmark tag {name}"),
        })
        .collect();
    Codebook { tags }
}

/// One paragraph of the generated text, with its offsets in both units.
#[derive(Clone, Debug)]
struct Para {
    chars: Range<usize>,
    bytes: Range<usize>,
    /// Index into `SPEAKERS` of the speaker whose turn this paragraph is in.
    speaker: usize,
}

/// Appends `s` to the text and keeps the char count.
struct TextBuf {
    text: String,
    chars: usize,
}

impl TextBuf {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.chars += s.chars().count();
    }
}

fn capitalized(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Endings of the English-like words' other forms: form `k` takes
/// `LATIN_ENDINGS.0[k % 10]` then `LATIN_ENDINGS.1[k / 10]`.
const LATIN_ENDINGS: ([&str; 10], [&str; 10]) = (
    [
        "s", "ed", "ing", "er", "ly", "al", "ness", "ion", "ive", "ment",
    ],
    [
        "", "s", "es", "ly", "er", "ist", "ism", "ful", "less", "ity",
    ],
);

/// Endings of the Cyrillic words' other forms, as for [`LATIN_ENDINGS`].
const CYRILLIC_ENDINGS: ([&str; 10], [&str; 10]) = (
    ["а", "ы", "ов", "ами", "ей", "ом", "ах", "у", "е", "и"],
    [
        "", "ся", "ный", "ная", "ное", "ские", "ость", "ник", "ка", "ство",
    ],
);

/// `⌊n^u⌋` for a uniform `u` in [0, 1): `k` in 1..n about as often as
/// `1/k`.
fn zipf(rng: &mut Rng, n: usize) -> usize {
    let u = rng.below(1 << 20) as f64 / f64::from(1u32 << 20);
    ((n as f64).powf(u) as usize).clamp(1, n.max(1))
}

/// A word of `words` in one of its forms, as [`Vocabulary::Book`] says:
/// the word itself three times in ten, else form `k` (1–99, form 1 the
/// word itself) drawn by [`zipf`].
fn book_word(rng: &mut Rng, words: &[&str], endings: &([&str; 10], [&str; 10])) -> String {
    let word = words.get(zipf(rng, words.len()) - 1).copied().unwrap_or("");
    let k = if rng.chance(30) { 1 } else { zipf(rng, 100) };
    if k <= 1 {
        return word.to_string();
    }
    format!("{word}{}{}", endings.0[k % 10], endings.1[k / 10 % 10])
}

/// Writes one paragraph of about `target` chars.
fn write_paragraph(
    rng: &mut Rng,
    buf: &mut TextBuf,
    target: usize,
    cyrillic_heavy: bool,
    vocabulary: Vocabulary,
) {
    let book = vocabulary == Vocabulary::Book;
    let start = buf.chars;
    let mut sentence_start = true;
    let mut in_quote = false;
    while buf.chars - start < target {
        let word: String = if rng.chance(1) {
            (*rng.pick(EMOJI)).to_string()
        } else if rng.chance(if cyrillic_heavy { 80 } else { 6 }) {
            if book {
                book_word(rng, CYRILLIC, &CYRILLIC_ENDINGS)
            } else {
                (*rng.pick(CYRILLIC)).to_string()
            }
        } else if rng.chance(2) {
            format!("{}", rng.in_range(2..2030))
        } else {
            if book {
                book_word(rng, LATIN, &LATIN_ENDINGS)
            } else {
                (*rng.pick(LATIN)).to_string()
            }
        };
        let word = if sentence_start {
            capitalized(&word)
        } else {
            word
        };
        if rng.chance(3) && !in_quote {
            buf.push("“");
            in_quote = true;
        }
        buf.push(&word);
        sentence_start = false;
        if in_quote && rng.chance(15) {
            buf.push("”");
            in_quote = false;
        }
        let remaining = target.saturating_sub(buf.chars - start);
        if remaining < 8 {
            break;
        }
        let sep = match rng.below(100) {
            0..=5 => {
                sentence_start = true;
                if in_quote {
                    in_quote = false;
                    ".” "
                } else {
                    ". "
                }
            }
            6 => {
                sentence_start = true;
                "? "
            }
            7..=11 => ", ",
            12 => " — ",
            13..=14 => "\u{a0}",
            _ => " ",
        };
        buf.push(sep);
    }
    if in_quote {
        buf.push("”");
    }
    buf.push(".");
}

/// Char→byte table and word spans (char offsets, local to the paragraph).
struct ParaWords {
    /// Byte offset (local) of each char, plus one past the end.
    byte_of: Vec<usize>,
    /// Words as local char ranges.
    words: Vec<Range<usize>>,
}

fn para_words(p: &str) -> ParaWords {
    let mut byte_of = Vec::with_capacity(p.len() + 1);
    let mut words = Vec::new();
    let mut word_start: Option<usize> = None;
    let mut ci = 0;
    for (b, c) in p.char_indices() {
        byte_of.push(b);
        if c.is_whitespace() {
            if let Some(s) = word_start.take() {
                words.push(s..ci);
            }
        } else if word_start.is_none() {
            word_start = Some(ci);
        }
        ci += 1;
    }
    if let Some(s) = word_start {
        words.push(s..ci);
    }
    byte_of.push(p.len());
    ParaWords { byte_of, words }
}

/// Byte offset `CONTEXT_CHARS` chars before byte `b` (or 0), and how many
/// chars that is.
fn back_context(text: &str, b: usize) -> (usize, usize) {
    let before = &text[..b];
    match before.char_indices().rev().nth(CONTEXT_CHARS - 1) {
        Some((ws, _)) => (ws, CONTEXT_CHARS),
        None => (0, before.chars().count()),
    }
}

/// Byte offset `CONTEXT_CHARS` chars after byte `b` (or the end).
fn forward_context(text: &str, b: usize) -> usize {
    let after = &text[b..];
    after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map(|(i, _)| b + i)
        .unwrap_or(text.len())
}

/// An annotation over the document char range `chars` (byte range `bytes`),
/// built on a window of the text so the cost does not depend on where in the
/// document the span lies. `None` if the ranges are empty or do not fit.
pub fn annotation_at(
    doc: &DocId,
    text: &str,
    chars: Range<usize>,
    bytes: Range<usize>,
    tags: Vec<TagId>,
    annotator: &str,
    now: &Timestamp,
) -> Option<Annotation> {
    if bytes.start >= bytes.end
        || bytes.end > text.len()
        || !text.is_char_boundary(bytes.start)
        || !text.is_char_boundary(bytes.end)
    {
        return None;
    }
    let (ws, pre_chars) = back_context(text, bytes.start);
    let we = forward_context(text, bytes.end);
    let window = &text[ws..we];
    let len = chars.end - chars.start;
    let mut a = Annotation::new(
        doc.clone(),
        window,
        pre_chars..pre_chars + len,
        tags,
        annotator,
        now.clone(),
    )?;
    a.start = chars.start;
    a.end = chars.end;
    Some(a)
}

/// Generates the benchmark project for `cfg`. Valid by construction (see the
/// tests): every quote matches, turns are sorted and disjoint.
pub fn generate(cfg: &GenConfig) -> Project {
    let mut rng = Rng::new(cfg.seed);
    let doc_id = DocId::new(format!("doc-bench-{:x}", cfg.seed));

    // 1. The text, paragraph by paragraph, with offsets tracked.
    let mut buf = TextBuf {
        text: String::with_capacity(cfg.doc_bytes + 2048),
        chars: 0,
    };
    let mut paras: Vec<Para> = Vec::new();
    let mut speaker = 0usize;
    while buf.text.len() < cfg.doc_bytes.max(1) {
        if !paras.is_empty() {
            buf.push("\n\n");
        }
        let chars_start = buf.chars;
        let bytes_start = buf.text.len();
        if paras.is_empty() || rng.chance(30) {
            // A new turn: the host asks, an expert answers.
            speaker = if speaker == 0 { 1 + rng.below(3) } else { 0 };
            buf.push(SPEAKERS[speaker].2);
            buf.push(":\u{a0}");
        }
        let target = match rng.below(10) {
            0 => rng.in_range(40..120),
            1..=7 => rng.in_range(150..700),
            _ => rng.in_range(700..1200),
        };
        let budget = cfg.doc_bytes.saturating_sub(bytes_start).max(40);
        write_paragraph(
            &mut rng,
            &mut buf,
            target.min(budget),
            speaker == 3,
            cfg.vocabulary,
        );
        paras.push(Para {
            chars: chars_start..buf.chars,
            bytes: bytes_start..buf.text.len(),
            speaker,
        });
    }
    buf.push("\n");
    let text = buf.text;
    let total_chars = buf.chars;

    // 2. Turns: maximal runs of paragraphs with the same speaker.
    let mut turns: Vec<Turn> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let same = i > 0 && paras[i - 1].speaker == p.speaker;
        match turns.last_mut() {
            Some(t) if same => t.end = p.chars.end,
            _ => turns.push(Turn {
                doc: doc_id.clone(),
                start: p.chars.start,
                end: p.chars.end,
                speaker: (p.speaker != 0).then(|| SpeakerId::new(SPEAKERS[p.speaker].0)),
                kind: if p.speaker == 0 {
                    TurnKind::Question
                } else {
                    TurnKind::Answer
                },
            }),
        }
    }

    // 3. Annotations, spread over paragraphs in proportion to their length.
    let codebook = bench_codebook();
    let tag_ids: Vec<TagId> = codebook.tags.iter().map(|t| t.id.clone()).collect();
    let annotators = ["anna", "boris"];
    let mut annotations: Vec<Annotation> = Vec::with_capacity(cfg.annotations);
    let mut made = 0usize;
    let mut cum_chars = 0usize;
    let notes = [
        "check the source",
        "сравнить с интервью Миллера",
        "strong claim 👍",
        "hedged\u{a0}— see below",
    ];
    for (pi, p) in paras.iter().enumerate() {
        cum_chars += p.chars.end - p.chars.start;
        let quota = if pi + 1 == paras.len() {
            cfg.annotations
        } else {
            (cum_chars as u128 * cfg.annotations as u128 / total_chars.max(1) as u128) as usize
        };
        let here = quota.saturating_sub(made);
        if here == 0 {
            continue;
        }
        let pw = para_words(&text[p.bytes.clone()]);
        if pw.words.is_empty() {
            continue;
        }
        let nw = pw.words.len();
        let mut prev: Option<Range<usize>> = None; // word indices of the last span
        for _ in 0..here {
            let span = match (&prev, rng.below(100)) {
                // Nested inside the previous annotation.
                (Some(w), 0..=24) if w.end - w.start >= 2 => {
                    let s = rng.in_range(w.start..w.end - 1);
                    s..rng.in_range(s + 1..w.end + 1)
                }
                // Overlapping the previous one and running past it.
                (Some(w), 25..=44) if w.end < nw => {
                    let s = rng.in_range(w.start..w.end);
                    s..rng.in_range(w.end + 1..(w.end + 12).min(nw) + 1)
                }
                _ => {
                    let s = rng.below(nw);
                    let len = 1 + rng.below(20);
                    s..(s + len).min(nw)
                }
            };
            prev = Some(span.clone());
            let local_chars = pw.words[span.start].start..pw.words[span.end - 1].end;
            let chars = p.chars.start + local_chars.start..p.chars.start + local_chars.end;
            let bytes = p.bytes.start + pw.byte_of[local_chars.start]
                ..p.bytes.start + pw.byte_of[local_chars.end];
            let mut tags = vec![rng.pick(&tag_ids).clone()];
            let extra = match rng.below(100) {
                0..=4 => 2,
                5..=24 => 1,
                _ => 0,
            };
            for _ in 0..extra {
                let t = rng.pick(&tag_ids).clone();
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            let second = made % 60;
            let now = Timestamp(format!(
                "2026-11-27T08:{:02}:{second:02}Z",
                (made / 60) % 60
            ));
            let annotator = annotators[usize::from(rng.chance(30))];
            let Some(mut a) = annotation_at(&doc_id, &text, chars, bytes, tags, annotator, &now)
            else {
                continue;
            };
            a.id = AnnotationId::new(format!("ann-bench-{:x}-{made:06}", cfg.seed));
            a.speaker = match p.speaker {
                0 if rng.chance(70) => None,
                s => Some(SpeakerId::new(SPEAKERS[s].0)),
            };
            if rng.chance(8) {
                a.note = (*rng.pick(&notes)).to_string();
            }
            annotations.push(a);
            made += 1;
        }
    }

    // 4. A few links between nearby annotations.
    let kinds = ["agrees", "contradicts", "qualifies"];
    let mut relations = Vec::new();
    let n = annotations.len();
    for i in (0..n.saturating_sub(1)).step_by(100) {
        let j = (i + 1 + rng.below(50)).min(n - 1);
        relations.push(Relation {
            id: RelationId::new(format!("rel-bench-{:x}-{:05}", cfg.seed, relations.len())),
            from: annotations[i].id.clone(),
            to: annotations[j].id.clone(),
            kind: (*rng.pick(&kinds)).to_string(),
            annotator: "anna".into(),
        });
    }

    let mut project = Project::new(format!("Benchmark (seed {})", cfg.seed));
    project.annotators = annotators.iter().map(|s| s.to_string()).collect();
    project.codebook = codebook;
    project.speakers = SPEAKERS
        .iter()
        .map(|(id, name, label)| Speaker {
            id: SpeakerId::new(*id),
            name: (*name).to_string(),
            aliases: vec![(*label).to_string()],
            role: String::new(),
        })
        .collect();
    project.documents = vec![Document::import(
        doc_id,
        "Generated interview",
        Some(format!("marginalia bench --seed {}", cfg.seed)),
        &text,
    )];
    project.turns = turns;
    project.annotations = annotations.into_iter().map(Box::new).collect();
    project.relations = relations;
    project.sort_annotations();
    project
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::project_file;

    fn small(seed: u64) -> GenConfig {
        GenConfig {
            seed,
            doc_bytes: 30_000,
            annotations: 400,
            vocabulary: Vocabulary::Book,
        }
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let a = project_file::to_ron_string(&generate(&small(7))).unwrap();
        let b = project_file::to_ron_string(&generate(&small(7))).unwrap();
        let c = project_file::to_ron_string(&generate(&small(8))).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_book_vocabulary_has_many_forms_of_its_words() {
        let distinct = |vocabulary| {
            let p = generate(&GenConfig {
                seed: 5,
                doc_bytes: 300_000,
                annotations: 100,
                vocabulary,
            });
            let words: std::collections::HashSet<String> = p.documents[0]
                .text
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            words.len()
        };
        let small = distinct(Vocabulary::Small);
        let book = distinct(Vocabulary::Book);
        assert!(small < 400, "{small}");
        assert!(book > 10 * small, "{book} against {small}");
    }

    #[test]
    fn generated_project_is_valid_and_mixed() {
        let p = generate(&small(1));
        assert_eq!(p.validate(), vec![]);
        assert_eq!(p.annotations.len(), 400);
        let text = &p.documents[0].text;
        assert!(
            text.len() >= 30_000 && text.len() < 32_000,
            "{}",
            text.len()
        );
        assert!(text.chars().any(|c| ('а'..='я').contains(&c)), "Cyrillic");
        assert!(text.contains('\u{a0}'), "NBSP");
        assert!(text.contains('“') && text.contains('—'));
        assert!(
            EMOJI.iter().filter(|e| text.contains(*e)).count() >= 3,
            "several emoji"
        );
        // Overlaps, nesting and multi-tag annotations all occur.
        let anns = &p.annotations;
        let nested = anns
            .windows(2)
            .filter(|w| w[1].start >= w[0].start && w[1].end <= w[0].end)
            .count();
        let overlapping = anns
            .windows(2)
            .filter(|w| w[1].start < w[0].end && w[1].end > w[0].end)
            .count();
        assert!(nested > 10 && overlapping > 10, "{nested} {overlapping}");
        assert!(anns.iter().any(|a| a.tags.len() >= 2));
        assert!(anns.iter().any(|a| a.speaker.is_some()));
        assert!(!p.turns.is_empty() && !p.relations.is_empty());
        // The file round-trips through the real loader.
        let ron = project_file::to_ron_string(&p).unwrap();
        assert_eq!(project_file::parse(&ron).unwrap(), p);
    }

    #[test]
    fn context_is_full_even_across_paragraphs() {
        let p = generate(&small(3));
        let text = &p.documents[0].text;
        for a in p.annotations.iter().step_by(37) {
            let q = crate::model::text::quote_context(text, a.range()).unwrap();
            assert_eq!(
                (&a.prefix, &a.quote, &a.suffix),
                (&q.prefix, &q.quote, &q.suffix)
            );
        }
    }
}
