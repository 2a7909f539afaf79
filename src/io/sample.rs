//! The bundled sample project: the Tufts Now interview with a claims
//! codebook and example annotations by both experts.
//!
//! It is built in code from the shipped article so it always matches the
//! text; `projects/tufts-interview.ron` is this project saved (a test keeps
//! the two in step).

use crate::model::{
    Annotation, AnnotationId, Codebook, Color, DocId, Document, Project, Relation, RelationId,
    Speaker, SpeakerId, Tag, TagId, Timestamp, Turn, TurnKind,
};

/// The seed interview, as shipped in `assets/articles/`.
pub const SEED_TEXT: &str =
    include_str!("../../assets/articles/tufts-now-russia-ukraine-interview.txt");

/// File name of the seed article.
pub const SEED_FILE: &str = "tufts-now-russia-ukraine-interview.txt";

const STAMP: &str = "2026-11-27T09:00:00Z";

fn tag(id: &str, name: &str, color: &str, key: u8, parent: Option<&str>, description: &str) -> Tag {
    Tag {
        id: TagId::new(id),
        name: name.into(),
        color: Color::parse(color).unwrap_or(Color::palette(0)),
        key: Some(key),
        parent: parent.map(TagId::new),
        description: description.into(),
    }
}

/// The claims codebook of the sample.
pub fn claims_codebook() -> Codebook {
    Codebook {
        tags: vec![
            tag(
                "tag-claim",
                "Claim",
                "#e69f00",
                1,
                None,
                "An assertion an expert puts forward as true.",
            ),
            tag(
                "tag-cause",
                "Cause",
                "#d55e00",
                2,
                Some("tag-claim"),
                "Why something happens: motives and drivers.",
            ),
            tag(
                "tag-prediction",
                "Prediction",
                "#56b4e9",
                3,
                Some("tag-claim"),
                "What will happen.",
            ),
            tag(
                "tag-evaluation",
                "Evaluation",
                "#cc79a7",
                4,
                Some("tag-claim"),
                "A judgement of how strong, effective or sound something is.",
            ),
            tag(
                "tag-historical",
                "Historical",
                "#999933",
                5,
                Some("tag-claim"),
                "A reading of the past offered as an argument.",
            ),
            tag(
                "tag-recommendation",
                "Recommendation",
                "#009e73",
                6,
                None,
                "What should be done.",
            ),
            tag(
                "tag-evidence",
                "Evidence",
                "#0072b2",
                7,
                None,
                "A fact offered in support of a claim.",
            ),
        ],
    }
}

/// Finds `quote` in `text` (a non-breaking space in the text matches a plain
/// space in the quote) and returns its char range.
pub fn find_quote(text: &str, quote: &str, from_char: usize) -> Option<std::ops::Range<usize>> {
    let hay: Vec<char> = text
        .chars()
        .map(|c| if c == '\u{a0}' { ' ' } else { c })
        .collect();
    let needle: Vec<char> = quote.chars().collect();
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (from_char..=hay.len() - needle.len())
        .find(|&i| hay[i..i + needle.len()] == needle[..])
        .map(|i| i..i + needle.len())
}

/// (id, speaker, tags, note, quote, search from this char onward)
type Spec = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    usize,
);

const ANNOTATIONS: &[Spec] = &[
    (
        "ann-miller-01",
        "spk-miller",
        &["tag-claim", "tag-cause"],
        "",
        "Putin’s speech on February 21 was an attack on the idea of Ukraine as an independent state.",
        0,
    ),
    (
        "ann-miller-02",
        "spk-miller",
        &["tag-claim", "tag-cause"],
        "",
        "He appears intent on proving to Ukrainians and to the world that he won’t tolerate an independent Ukraine.",
        0,
    ),
    (
        "ann-miller-03",
        "spk-miller",
        &["tag-evaluation"],
        "On the sanctions before the invasion.",
        "The sanctions imposed before February 24 will only have a marginal impact.",
        0,
    ),
    (
        "ann-miller-04",
        "spk-miller",
        &["tag-recommendation"],
        "",
        "The U.S. and EU could, and in my view should, take much stronger steps.",
        0,
    ),
    (
        "ann-miller-05",
        "spk-miller",
        &["tag-claim"],
        "",
        "Military threats are strengthening unity, but they leave Europe far less secure.",
        0,
    ),
    (
        "ann-miller-06",
        "spk-miller",
        &["tag-prediction"],
        "",
        "Russian military forces will now be stationed in large numbers in Belarus, on the borders of Poland and Lithuania.",
        0,
    ),
    (
        "ann-miller-07",
        "spk-miller",
        &["tag-evidence"],
        "",
        "There are now tens of thousands more Russian troops",
        0,
    ),
    (
        "ann-miller-08",
        "spk-miller",
        &["tag-claim"],
        "Repeated in the standfirst as his headline quote.",
        "Europe is substantially less secure.",
        4000,
    ),
    (
        "ann-miller-09",
        "spk-miller",
        &["tag-recommendation"],
        "",
        "NATO needs to take urgent steps to guarantee its security.",
        4000,
    ),
    (
        "ann-miller-10",
        "spk-miller",
        &["tag-claim", "tag-cause"],
        "Disagrees with Toft on the role of domestic popularity.",
        "This isn’t driven by Putin’s short-term popularity.",
        0,
    ),
    (
        "ann-miller-11",
        "spk-miller",
        &["tag-cause"],
        "",
        "He wants to make Russia a great power again and he defines great power based on the amount of territory he holds",
        0,
    ),
    (
        "ann-miller-12",
        "spk-miller",
        &["tag-claim"],
        "Reported speech in the introduction.",
        "Europe is substantially less secure",
        0,
    ),
    (
        "ann-toft-01",
        "spk-toft",
        &["tag-historical"],
        "",
        "the Soviet Union could never again tolerate any sort of security threat",
        0,
    ),
    (
        "ann-toft-02",
        "spk-toft",
        &["tag-claim"],
        "",
        "Putin is invading to show he personally is strong, to amp up pressure on the West to accept the old Soviet formula of a Russian sphere of interest",
        2000,
    ),
    (
        "ann-toft-03",
        "spk-toft",
        &["tag-cause"],
        "Overlaps the claim it sits in.",
        "Putin is invading to show he personally is strong",
        2000,
    ),
    (
        "ann-toft-04",
        "spk-toft",
        &["tag-evidence", "tag-evaluation"],
        "",
        "Russia has taken a number of steps to blunt the impact of the most recent tranche of U.S.-led economic sanctions since 2014",
        0,
    ),
    (
        "ann-toft-05",
        "spk-toft",
        &["tag-prediction"],
        "",
        "many of which will certainly reduce the impact of incoming sanctions.",
        0,
    ),
    (
        "ann-toft-06",
        "spk-toft",
        &["tag-recommendation"],
        "Sanctions should target personal wealth.",
        "If the answer is “severely,” that may result in real leverage.",
        0,
    ),
    (
        "ann-toft-07",
        "spk-toft",
        &["tag-evaluation"],
        "",
        "So Putin’s aggression has increased NATO unity, but that unity is purely rhetorical at this point.",
        0,
    ),
    (
        "ann-toft-08",
        "spk-toft",
        &["tag-recommendation"],
        "",
        "NATO does not need to stall for time vis-a-vis Russia",
        0,
    ),
    (
        "ann-toft-09",
        "spk-toft",
        &["tag-evaluation"],
        "",
        "though Putin was trained to play the long game, he has not shown himself to be that adept at thinking several moves ahead",
        0,
    ),
    (
        "ann-toft-10",
        "spk-toft",
        &["tag-prediction"],
        "",
        "Short term, the costs of occupying all of Ukraine will be low.",
        0,
    ),
    (
        "ann-toft-11",
        "spk-toft",
        &["tag-prediction", "tag-historical"],
        "",
        "He will do as he did in Chechnya",
        0,
    ),
    (
        "ann-toft-12",
        "spk-toft",
        &["tag-claim", "tag-cause"],
        "",
        "His moves are very strongly related to his declining popularity.",
        0,
    ),
    (
        "ann-toft-13",
        "spk-toft",
        &["tag-evaluation"],
        "",
        "It gains Russia global attention as a superpower, even though it no longer is a superpower except in Putin’s desperate imagination.",
        0,
    ),
    (
        "ann-toft-14",
        "spk-toft",
        &["tag-prediction"],
        "",
        "the West will back down and accept the Finlandization of Ukraine, Belarus, the Baltic states, and later possibly Hungary, Slovakia, Poland, and Romania",
        0,
    ),
];

/// The speaker turns of the seed, as speaker detection finds them
/// (`analysis::speakers` has a test that keeps the two in step): the text
/// each turn starts with, its speaker and kind. The first turn starts at 0,
/// each turn ends where the next starts, the last at the end of the text.
const TURNS: &[(&str, Option<&str>, TurnKind)] = &[
    ("Illustration of the tensions", None, TurnKind::Narration),
    (
        "Tufts Now: Why is Russia",
        Some("spk-tufts-now"),
        TurnKind::Question,
    ),
    (
        "Chris Miller: Putin’s speech",
        Some("spk-miller"),
        TurnKind::Answer,
    ),
    (
        "Monica Duffy Toft: After World War II",
        Some("spk-toft"),
        TurnKind::Answer,
    ),
    (
        "How will sanctions against Russia",
        Some("spk-tufts-now"),
        TurnKind::Question,
    ),
    ("Toft: Russia has taken", Some("spk-toft"), TurnKind::Answer),
    (
        "Miller: The sanctions imposed",
        Some("spk-miller"),
        TurnKind::Answer,
    ),
    (
        "Are the military threats",
        Some("spk-tufts-now"),
        TurnKind::Question,
    ),
    (
        "Miller: Military threats are",
        Some("spk-miller"),
        TurnKind::Answer,
    ),
    ("Toft: So much depends", Some("spk-toft"), TurnKind::Answer),
    (
        "Putin has taken over the most",
        Some("spk-tufts-now"),
        TurnKind::Question,
    ),
    (
        "Toft: This is a question",
        Some("spk-toft"),
        TurnKind::Answer,
    ),
    (
        "To what extent are Putin",
        Some("spk-tufts-now"),
        TurnKind::Question,
    ),
    ("Toft: His moves are", Some("spk-toft"), TurnKind::Answer),
    (
        "Miller: This isn’t driven",
        Some("spk-miller"),
        TurnKind::Answer,
    ),
    ("Taylor McNeil can be reached at", None, TurnKind::Narration),
];

/// The turns of [`TURNS`] located in `text` (specs not found are skipped).
fn seed_turns(doc: &DocId, text: &str) -> Vec<Turn> {
    let len = text.chars().count();
    let mut starts: Vec<(usize, Option<&str>, TurnKind)> = Vec::new();
    let mut from = 0;
    for (i, (head, speaker, kind)) in TURNS.iter().enumerate() {
        let at = if i == 0 {
            Some(0)
        } else {
            find_quote(text, head, from).map(|r| r.start)
        };
        if let Some(at) = at {
            starts.push((at, *speaker, *kind));
            from = at + 1;
        }
    }
    let mut turns = Vec::with_capacity(starts.len());
    for (i, (start, speaker, kind)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(len, |n| n.0);
        turns.push(Turn {
            doc: doc.clone(),
            start: *start,
            end,
            speaker: speaker.map(SpeakerId::new),
            kind: *kind,
        });
    }
    turns
}

/// The sample project, fully valid.
pub fn sample_project() -> Project {
    let mut p = Project::new("Tufts Now — Russia and Ukraine interview");
    p.annotators = vec!["sample".into()];
    p.codebook = claims_codebook();
    p.speakers = vec![
        Speaker {
            id: SpeakerId::new("spk-toft"),
            name: "Monica Duffy Toft".into(),
            aliases: vec!["Toft".into()],
            role: "Professor of international politics; director of the Center for Strategic Studies, The Fletcher School".into(),
        },
        Speaker {
            id: SpeakerId::new("spk-miller"),
            name: "Chris Miller".into(),
            aliases: vec!["Miller".into()],
            role: "Assistant professor of international history, The Fletcher School".into(),
        },
        Speaker {
            id: SpeakerId::new("spk-tufts-now"),
            name: "Tufts Now".into(),
            aliases: vec![],
            role: "Interviewer".into(),
        },
    ];
    let doc = Document::import(
        DocId::new("doc-tufts-interview"),
        "What’s Behind Russia’s Invasion of Ukraine, and What Can Be Done About It?",
        Some(SEED_FILE.into()),
        SEED_TEXT,
    );
    for (id, speaker, tags, note, quote, from) in ANNOTATIONS {
        let Some(range) = find_quote(&doc.text, quote, *from) else {
            continue;
        };
        let stamp = Timestamp(STAMP.into());
        let Some(mut a) = Annotation::new(
            doc.id.clone(),
            &doc.text,
            range,
            tags.iter().map(|t| TagId::new(*t)).collect(),
            "sample",
            stamp,
        ) else {
            continue;
        };
        a.id = AnnotationId::new(*id);
        a.speaker = Some(SpeakerId::new(*speaker));
        a.note = (*note).into();
        p.annotations.push(Box::new(a));
    }
    p.turns = seed_turns(&doc.id, &doc.text);
    p.documents.push(doc);
    let link = |id: &str, from: &str, to: &str, kind: &str| Relation {
        id: RelationId::new(id),
        from: AnnotationId::new(from),
        to: AnnotationId::new(to),
        kind: kind.into(),
        annotator: "sample".into(),
    };
    p.relations = vec![
        link(
            "rel-popularity",
            "ann-miller-10",
            "ann-toft-12",
            "contradicts",
        ),
        link("rel-sanctions", "ann-miller-03", "ann-toft-04", "agrees"),
        link("rel-security", "ann-toft-07", "ann-miller-05", "qualifies"),
    ];
    p.sort_annotations();
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text;

    #[test]
    fn every_sample_quote_is_found_and_the_project_is_valid() {
        let p = sample_project();
        assert_eq!(p.annotations.len(), ANNOTATIONS.len());
        assert_eq!(p.validate(), vec![]);
        let doc = &p.documents[0];
        for a in &p.annotations {
            assert_eq!(
                text::slice_chars(&doc.text, a.range()),
                Some(a.quote.as_str())
            );
        }
        let speakers: std::collections::HashSet<_> = p
            .annotations
            .iter()
            .filter_map(|a| a.speaker.clone())
            .collect();
        assert_eq!(speakers.len(), 2, "both experts are attributed");
        assert_eq!(p.turns.len(), TURNS.len(), "every turn is located");
        assert_eq!(p.turns.last().map(|t| t.end), Some(doc.char_len()));
    }

    #[test]
    fn nbsp_in_text_matches_space_in_quote() {
        let t = "a\u{a0}b c";
        assert_eq!(find_quote(t, "a b", 0), Some(0..3));
        assert_eq!(find_quote(t, "zz", 0), None);
    }
}
