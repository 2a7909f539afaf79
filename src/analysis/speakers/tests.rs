//! Paragraph-level tests of speaker detection on the seed and on transcripts
//! of each convention (`tests/fixtures/transcripts/`).

use super::*;
use crate::io::sample::{SEED_TEXT, sample_project};
use crate::model::text::{ParagraphIndex, slice_chars};
use crate::model::{Document, TurnKind};

const MAGAZINE: &str = include_str!("../../../tests/fixtures/transcripts/magazine-qa.txt");
const BRIEFING: &str = include_str!("../../../tests/fixtures/transcripts/press-briefing.txt");
const QA: &str = include_str!("../../../tests/fixtures/transcripts/qa-intro.txt");
const BOLD: &str = include_str!("../../../tests/fixtures/transcripts/interview-bold.md");

use TurnKind::{Answer as A, Narration as N, Question as Q};

/// (speaker name, kind) of the turn holding each non-blank paragraph.
fn per_paragraph(text: &str, det: &Detection) -> Vec<(Option<String>, TurnKind)> {
    ParagraphIndex::new(text)
        .paragraphs
        .iter()
        .filter(|p| !p.is_blank(text))
        .map(|p| {
            let t = det.turn_at(p.chars.start).expect("every char is in a turn");
            (t.speaker.map(|i| det.speakers[i].name.clone()), t.kind)
        })
        .collect()
}

fn expect(rows: &[(Option<&str>, TurnKind)]) -> Vec<(Option<String>, TurnKind)> {
    rows.iter()
        .map(|(s, k)| (s.map(str::to_string), *k))
        .collect()
}

/// Turns are contiguous, non-empty and cover the text.
fn assert_covers(text: &str, det: &Detection) {
    let len = text.chars().count();
    let mut pos = 0;
    for t in &det.turns {
        assert_eq!(t.range.start, pos, "contiguous");
        assert!(t.range.start < t.range.end, "non-empty");
        pos = t.range.end;
    }
    assert_eq!(pos, len, "covers the text");
    for w in det.turns.windows(2) {
        assert!(
            (w[0].kind, w[0].speaker) != (w[1].kind, w[1].speaker),
            "runs are merged"
        );
    }
}

fn quotes(text: &str, det: &Detection) -> Vec<(String, String)> {
    det.quotes
        .iter()
        .map(|q| {
            (
                // The seed has NBSPs inside quotes; compare them as spaces.
                slice_chars(text, q.range.clone())
                    .unwrap_or("")
                    .replace('\u{a0}', " "),
                det.speakers[q.speaker].name.clone(),
            )
        })
        .collect()
}

const TOFT: Option<&str> = Some("Monica Duffy Toft");
const MILLER: Option<&str> = Some("Chris Miller");
const TN: Option<&str> = Some("Tufts Now");

#[test]
fn seed_paragraphs() {
    let text = Document::import(DocId::new("d"), "t", None, SEED_TEXT).text;
    let det = detect(&text, &[]);
    assert_covers(&text, &det);
    let mut want = vec![(None, N); 7];
    want.extend([
        (TN, Q),
        (MILLER, A),
        (TOFT, A),
        (TOFT, A),
        (TOFT, A),
        (TN, Q), // How will sanctions…? (unlabeled)
        (TOFT, A),
        (TOFT, A),
        (MILLER, A),
        (TN, Q), // Are the military threats…?
        (MILLER, A),
        (MILLER, A),
        (TOFT, A),
        (TOFT, A),
        (TOFT, A),
        (TOFT, A),
        (TN, Q), // Putin has taken over … ?
        (TOFT, A),
        (TOFT, A),
        (TOFT, A),
        (TN, Q), // To what extent…?
        (TOFT, A),
        (MILLER, A),
        (None, N), // Taylor McNeil can be reached at
        (None, N), // Back to Top
    ]);
    assert_eq!(per_paragraph(&text, &det), expect(&want));
    let toft = &det.speakers[det.speaker_index("Toft").unwrap()];
    assert_eq!(toft.name, "Monica Duffy Toft");
    assert!(toft.aliases.contains(&"Toft".to_string()));
    assert!(toft.role.starts_with("professor of international politics"));
    let miller = &det.speakers[det.speaker_index("Miller").unwrap()];
    assert_eq!(miller.role, "assistant professor of international history");
    assert!(det.speakers[det.speaker_index("Tufts Now").unwrap()].is_interviewer);
    assert!(!toft.is_interviewer && !miller.is_interviewer);
    assert_eq!(det.speakers.len(), 3);
    let q = quotes(&text, &det);
    assert_eq!(
        q,
        vec![
            ("Europe is substantially less secure".into(), "Chris Miller".into()),
            (
                "Putin is invading to show he personally is strong, and to amp up pressure on the West to accept the old Soviet formula of a Russian sphere of interest".into(),
                "Monica Duffy Toft".into()
            ),
            ("Europe is substantially less secure".into(), "Chris Miller".into()),
            (
                "NATO needs to take urgent steps to guarantee its security.".into(),
                "Chris Miller".into()
            ),
        ]
    );
}

#[test]
fn seed_maps_onto_known_speakers() {
    let p = sample_project();
    let det = detect(&p.documents[0].text, &p.speakers);
    let known: Vec<_> = det.speakers.iter().map(|s| s.known.clone()).collect();
    assert_eq!(known.len(), 3);
    assert!(known.iter().all(Option::is_some), "{known:?}");
    let ids = det.speaker_ids(&p.speakers, |s| slug_id(&s.name));
    assert!(ids.contains(&SpeakerId::new("spk-toft")));
    assert!(ids.contains(&SpeakerId::new("spk-tufts-now")));
}

#[test]
fn magazine_with_unlabeled_questions_and_furniture() {
    let det = detect(MAGAZINE, &[]);
    assert_covers(MAGAZINE, &det);
    let lopes = Some("Ana Lopes");
    let zhang = Some("Wei Zhang");
    let herald = Some("The Herald");
    let mut want = vec![(None, N); 5];
    want.extend([
        (herald, Q),
        (lopes, A),
        (zhang, A),
        (herald, Q),
        (lopes, A),
        (zhang, A),
        (zhang, A),
        (herald, Q),
        (zhang, A),
        (None, N),  // (Editor’s note…)
        (lopes, A), // ends with a rhetorical question, but is labeled
        (None, N),  // Photo:
        (None, N),  // Back to Top
        (None, N),  // can be reached at
    ]);
    assert_eq!(per_paragraph(MAGAZINE, &det), expect(&want));
    assert_eq!(
        quotes(MAGAZINE, &det),
        vec![
            ("Prices will not come down soon".into(), "Ana Lopes".into()),
            ("The market will correct itself.".into(), "Wei Zhang".into()),
        ]
    );
    let z = &det.speakers[det.speaker_index("Zhang").unwrap()];
    assert_eq!(z.role, "senior fellow at the Energy Institute");
    assert_eq!(det.speakers.len(), 3);
}

#[test]
fn press_briefing_with_honorifics_and_reporters() {
    let det = detect(BRIEFING, &[]);
    assert_covers(BRIEFING, &det);
    let psaki = Some("Jen Psaki");
    let price = Some("Price");
    let potus = Some("The President");
    let want = [
        (None, N),
        (None, N),
        (psaki, A),
        (None, N), // (A cellphone disrupts the briefing.)
        (psaki, A),
        (None, Q),
        (psaki, A),
        (None, Q),
        (psaki, A),
        (None, N), // (Laughter.)
        (psaki, A),
        (price, A),
        (None, Q),
        (price, A),
        (potus, A),
        (None, Q),
        (potus, A),
        (None, N), // END
    ];
    assert_eq!(per_paragraph(BRIEFING, &det), expect(&want));
    let p = &det.speakers[det.speaker_index("MS. PSAKI").unwrap()];
    assert!(p.aliases.contains(&"Psaki".to_string()));
    assert!(det.speaker_index("MR PRICE").is_some());
    assert!(det.speaker_index("THE PRESIDENT").is_some());
    assert!(det.speakers.iter().all(|s| !s.is_interviewer));
}

#[test]
fn q_and_a_with_names_from_the_introduction() {
    let det = detect(QA, &[]);
    assert_covers(QA, &det);
    let roe = Some("Jane Roe");
    let rev = Some("The Review");
    let want = [
        (None, N),
        (None, N),
        (None, N),
        (rev, Q),
        (roe, A),
        (roe, A),
        (rev, Q),
        (roe, A),
        (rev, Q),
        (roe, A),
        (None, N),
    ];
    assert_eq!(per_paragraph(QA, &det), expect(&want));
    let r = &det.speakers[det.speaker_index("Jane Roe").unwrap()];
    assert_eq!(r.role, "historian at Oxford");
    assert!(det.speakers[det.speaker_index("The Review").unwrap()].is_interviewer);
}

#[test]
fn markdown_bold_labels_with_cyrillic_and_emoji() {
    let det = detect(BOLD, &[]);
    assert_covers(BOLD, &det);
    let k = Some("Олена Коваль");
    let i = Some("Interviewer");
    let want = [
        (None, N),
        (None, N),
        (None, N),
        (i, Q),
        (k, A),
        (k, A),
        (i, Q),
        (k, A),
        (k, A),
        (None, N), // [Air-raid siren …]
        (k, A),
        (None, N),
    ];
    assert_eq!(per_paragraph(BOLD, &det), expect(&want));
    assert_eq!(
        det.speakers[det.speaker_index("Коваль").unwrap()].role,
        "software engineer in Kyiv"
    );
}

#[test]
fn aliases_resolve_to_one_speaker() {
    let text = "Intro. Monica Duffy Toft is a professor.\n\nHost: Why?\n\nMonica Duffy Toft: Because.\n\nHost: Really?\n\nTOFT: Yes.\n\nHost: Sure?\n\nMS. TOFT: Quite.\n\n**Toft:** Done.";
    let det = detect(text, &[]);
    let named: Vec<_> = det.speakers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(named, vec!["Host", "Monica Duffy Toft"]);
    let t = &det.speakers[1];
    for a in ["Toft", "MS. TOFT"] {
        assert!(t.answers_to(a), "{a}: {:?}", t.aliases);
    }
    assert_eq!(t.role, "professor");
    let answers = det.turns.iter().filter(|t| t.kind == A).count();
    assert_eq!(answers, 3, "Toft's last two labels merge into one turn");
}

#[test]
fn known_speakers_are_reused() {
    let mut k = Speaker::new("Chris Miller");
    k.aliases = vec!["CM".into()];
    let det = detect(
        "Intro.\n\nCM: Hello.\n\nMiller: Again.",
        std::slice::from_ref(&k),
    );
    assert_eq!(det.speakers.len(), 1);
    assert_eq!(det.speakers[0].known, Some(k.id.clone()));
    assert_eq!(det.turns.len(), 2);
}

#[test]
fn no_labels_means_all_narration_and_empty_text_no_turns() {
    let t = "Just a story.\n\nWith “a quote,” says Jane Roe.\n";
    let det = detect(t, &[]);
    assert_eq!(det.turns.len(), 1);
    assert_eq!(det.turns[0].kind, N);
    assert_eq!(quotes(t, &det), vec![("a quote".into(), "Jane Roe".into())]);
    assert!(detect("", &[]).turns.is_empty());
    let blank = detect("\n\n  \n", &[]);
    assert_eq!(blank.turns.len(), 1);
    assert_eq!(blank.turns[0].range, 0..5);
}

#[test]
fn detection_edit_is_one_undoable_batch() {
    let mut p = Project::new("t");
    let doc = Document::import(DocId::new("d"), "t", None, QA);
    p.documents.push(doc);
    let before = p.clone();
    let edit = detection_edit(&p, &DocId::new("d"));
    let inverse = edit.apply(&mut p).expect("applies");
    assert_eq!(p.validate(), vec![]);
    assert_eq!(p.speakers.len(), 2);
    assert!(p.turns.iter().any(|t| t.kind == A && t.speaker.is_some()));
    inverse.apply(&mut p).expect("undoes");
    assert_eq!(p, before);
    // A missing document: a no-op.
    let e = detection_edit(&p, &DocId::new("nope"));
    e.apply(&mut p).expect("no-op");
    assert_eq!(p, before);
}

#[test]
fn slugs() {
    assert_eq!(slug_id("Tufts Now").as_str(), "spk-tufts-now");
    assert_eq!(slug_id("MS. PSAKI").as_str(), "spk-ms-psaki");
    assert_eq!(slug_id("Олена Коваль").as_str(), "spk-олена-коваль");
    assert_eq!(slug_id("!!").as_str(), "spk-speaker");
}

#[test]
fn sample_turns_are_what_detection_finds() {
    let p = sample_project();
    let doc = p.documents[0].id.clone();
    let mut q = p.clone();
    q.turns.clear();
    detection_edit_with(&q, &doc, |s| slug_id(&s.name))
        .apply(&mut q)
        .expect("applies");
    assert_eq!(q.turns, p.turns);
    assert_eq!(q.speakers, p.speakers, "no new speakers, no new aliases");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Any text: no panic, turns contiguous and covering, quotes in range.
    #[test]
    fn never_panics_and_always_covers(
        parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::string::string_regex("[A-Za-zÀ-ÿА-я .,:?!“”\"'()\\[\\]*\u{a0}\u{301}👋🏽-]{0,40}").unwrap(),
                proptest::sample::select(vec![
                    "Q ".to_string(), "A: ".into(), "MS. TOFT: ".into(), "Toft: ".into(),
                    "**Toft:** ".into(), "(Laughter.)".into(), "\n".into(), "\n\n".into(),
                    "“x,” says Jane Roe. ".into(), "Jane Roe is a historian. ".into(),
                    " spoke with Jane Roe, a ".into(), "?".into(), "Back to Top".into(),
                ]),
            ],
            0..24,
        )
    ) {
        let text: String = parts.concat();
        let det = detect(&text, &[]);
        let len = text.chars().count();
        let mut pos = 0;
        for t in &det.turns {
            proptest::prop_assert_eq!(t.range.start, pos);
            proptest::prop_assert!(t.range.start < t.range.end);
            if let Some(i) = t.speaker {
                proptest::prop_assert!(i < det.speakers.len());
            }
            pos = t.range.end;
        }
        proptest::prop_assert_eq!(pos, len);
        for q in &det.quotes {
            proptest::prop_assert!(q.range.start < q.range.end && q.range.end <= len);
            proptest::prop_assert!(q.speaker < det.speakers.len());
        }
    }
}

const PODCAST: &str = include_str!("../../../tests/fixtures/transcripts/podcast-timestamps.txt");

#[test]
fn time_stamped_transcript_with_numbered_speakers() {
    let det = detect(PODCAST, &[]);
    assert_covers(PODCAST, &det);
    let h = Some("Host");
    let s1 = Some("Speaker 1");
    let s2 = Some("Speaker 2");
    let want = [
        (None, N), // Episode 12: … (a title, before the interview)
        (h, Q),
        (s1, A),
        (h, Q),
        (s1, A),
        (s1, A), // time stamp, no label: continues
        (s2, A),
        (None, N), // [00:01:12] (Laughter.)
        (h, Q),
    ];
    assert_eq!(per_paragraph(PODCAST, &det), expect(&want));
}

#[test]
fn reported_speakers_are_those_the_whole_detection_finds() {
    let p = sample_project();
    let known = &p.speakers;
    let made_up = [
        "“We will not go back,” says Toft.\u{a0}Then: “Never — not once,” she added.",
        "As Miller put it: “the war is not over”. “Nor is it won,” said Chris Miller.",
        "“Unclosed quote, says Toft. And “nested ‘marks’ here,” according to Miller.",
        "No quotation at all — only narration.",
    ];
    let paragraphs = SEED_TEXT.lines().chain(made_up).filter(|l| !l.is_empty());
    let mut found = 0;
    for para in paragraphs {
        let n = para.chars().count();
        for start in 0..n {
            for len in [1, 3, 12, 40] {
                let range = start..(start + len).min(n);
                let fast = reported_speaker_at(para, range.clone(), known);
                assert_eq!(
                    fast,
                    reported_speaker_by_detection(para, range.clone(), known),
                    "{para:?} {range:?}"
                );
                found += usize::from(fast.is_some());
            }
        }
    }
    assert!(found > 50, "some ranges are reported speech ({found})");
}
