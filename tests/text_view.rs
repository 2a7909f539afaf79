//! The article view driven through egui_kittest: drag, double-click,
//! shift-click and click on the seed interview, and jumps in a generated
//! 2 MB document. Expected ranges are computed from the text, never typed in.

use egui::{Event, Modifiers, PointerButton, Pos2, Rect, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::io::sample::sample_project;
use marginalia::model::text::slice_chars;
use marginalia::model::{
    Annotation, AnnotationId, Codebook, Color, DocId, Document, Project, Speaker, SpeakerId, Tag,
    TagId, Timestamp, Turn, TurnKind,
};
use marginalia::ui::text_view::{TextView, TextViewInput};
use std::ops::Range;

struct St {
    project: Project,
    doc: DocId,
    view: TextView,
    clicked: Vec<AnnotationId>,
    changes: usize,
    /// Whether each frame draws something else before the view, as the
    /// app draws its side panels.
    panel: bool,
    /// Whether each frame first hands a pending jump to the view's jump
    /// thread, as the app does.
    ahead: bool,
}

fn harness(project: Project) -> Harness<'static, St> {
    harness_with(project, false)
}

/// `tofu`: draw boxes for glyphs no bundled font has (the emoji of the
/// generated document) instead of failing the test.
fn harness_with(project: Project, tofu: bool) -> Harness<'static, St> {
    build(project, tofu, false, false)
}

/// A view below a label, as the app's side panels are drawn before it,
/// with or without the jump thread.
fn harness_ahead(project: Project, tofu: bool, ahead: bool) -> Harness<'static, St> {
    build(project, tofu, true, ahead)
}

fn build(project: Project, tofu: bool, panel: bool, ahead: bool) -> Harness<'static, St> {
    let doc = project.documents[0].id.clone();
    let st = St {
        project,
        doc,
        view: TextView::new(),
        clicked: Vec::new(),
        changes: 0,
        panel,
        ahead,
    };
    let mut b = Harness::builder();
    if tofu {
        b = b.allow_missing_glyphs();
    }
    b.with_size(vec2(1000.0, 760.0))
        .with_step_dt(1.0 / 60.0)
        .with_max_steps(200)
        .build_ui_state(
            |ui, st: &mut St| {
                if st.ahead {
                    st.view.prepare_jump(ui.ctx(), &st.doc);
                }
                if st.panel {
                    ui.label("A side panel drawn meanwhile");
                }
                let input = TextViewInput {
                    project: &st.project,
                    doc: &st.doc,
                    revision: 0,
                    selected: None,
                };
                let r = st.view.show(ui, &input);
                if let Some(id) = r.clicked_annotation {
                    st.clicked.push(id);
                }
                if r.selection_changed {
                    st.changes += 1;
                }
            },
            st,
        )
}

fn text(h: &Harness<'_, St>) -> String {
    h.state().project.documents[0].text.clone()
}

/// Char range of the first occurrence of `needle` at or after byte `from`.
fn find_chars(text: &str, needle: &str, from: usize) -> Range<usize> {
    let b = from + text[from..].find(needle).expect("needle in text");
    let s = text[..b].chars().count();
    s..s + needle.chars().count()
}

/// Brings `r` on screen and returns its row rectangles.
fn show_range(h: &mut Harness<'_, St>, r: Range<usize>) -> Vec<Rect> {
    h.state_mut().view.scroll_to(r.clone());
    h.run_steps(3);
    let rects = h.state().view.char_range_rects(r);
    assert!(!rects.is_empty(), "range laid out after a jump");
    rects
}

fn press(h: &Harness<'_, St>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers,
    });
}

fn drag(h: &mut Harness<'_, St>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    press(h, from, true, Modifiers::NONE);
    h.hover_at(from.lerp(to, 0.3));
    h.hover_at(from.lerp(to, 0.7));
    h.hover_at(to);
    press(h, to, false, Modifiers::NONE);
    h.run_steps(2);
}

fn click(h: &mut Harness<'_, St>, pos: Pos2, modifiers: Modifiers) {
    h.hover_at(pos);
    if modifiers.shift {
        h.event(Event::ModifiersChanged(modifiers));
    }
    press(h, pos, true, modifiers);
    press(h, pos, false, modifiers);
    if modifiers.shift {
        h.event(Event::ModifiersChanged(Modifiers::NONE));
    }
    h.run_steps(2);
}

fn left_inside(r: Rect) -> Pos2 {
    pos2(r.left() + 1.0, r.center().y)
}

fn right_inside(r: Rect) -> Pos2 {
    pos2(r.right() - 1.0, r.center().y)
}

#[test]
fn the_view_is_named_for_screen_readers() {
    let mut h = harness(sample_project());
    h.run();
    let title = h.state().project.documents[0].title.clone();
    h.get_by_label(&format!("Article: {title}"));
    assert!(!h.state().view.debug_stats().painted_paragraphs.is_empty());
}

#[test]
fn drag_selects_exact_chars_over_nbsp() {
    let mut h = harness(sample_project());
    h.run();
    let t = text(&h);
    let words = "Putin is invading to show\u{a0}he\u{a0}personally";
    let r = find_chars(&t, words, 0);
    let rects = show_range(&mut h, r.clone());
    let (first, last) = (rects[0], rects[rects.len() - 1]);
    drag(&mut h, left_inside(first), right_inside(last));
    let sel = h.state().view.selection().expect("a selection");
    assert_eq!(slice_chars(&t, sel.clone()), Some(words));
    assert_eq!(sel, r);
    assert!(h.state().changes > 0, "selection_changed reported");
}

#[test]
fn drag_trims_white_space_and_keeps_em_dashes() {
    let mut h = harness(sample_project());
    h.run();
    let t = text(&h);
    // Start on the space before the words: trimmed from the result.
    let words = "“Finlandization”—keeping smaller";
    let r = find_chars(&t, words, 0);
    let rects = show_range(&mut h, r.start - 1..r.end);
    drag(
        &mut h,
        left_inside(rects[0]),
        right_inside(rects[rects.len() - 1]),
    );
    let sel = h.state().view.selection().expect("a selection");
    assert_eq!(slice_chars(&t, sel), Some(words));
}

#[test]
fn drag_across_a_paragraph_break_gives_one_range() {
    let mut h = harness(sample_project());
    h.run();
    let t = text(&h);
    let q = find_chars(&t, "Why is Russia\u{a0}invading", 0);
    let a = find_chars(&t, "Putin’s speech", 0);
    assert!(a.start > q.end);
    assert!(
        t.chars()
            .skip(q.end)
            .take(a.start - q.end)
            .any(|c| c == '\n'),
        "the two phrases are in different paragraphs"
    );
    let rq = show_range(&mut h, q.clone());
    let ra = h.state().view.char_range_rects(a.clone());
    assert!(!ra.is_empty(), "next paragraph on screen too");
    drag(&mut h, left_inside(rq[0]), right_inside(ra[ra.len() - 1]));
    let sel = h.state().view.selection().expect("a selection");
    assert_eq!(sel, q.start..a.end);
    let s = slice_chars(&t, sel).unwrap();
    assert!(s.starts_with("Why is Russia") && s.ends_with("Putin’s speech") && s.contains('\n'));
}

#[test]
fn double_click_selects_a_word_and_shift_click_extends() {
    let mut h = harness(sample_project());
    h.run();
    let t = text(&h);
    let phrase = find_chars(&t, "Europe is substantially less secure", 0);
    let word = find_chars(&t, "substantially", 0);
    let end_word = find_chars(&t, "secure", 0);
    assert!(word.start > phrase.start && end_word.end == phrase.end);
    show_range(&mut h, phrase.clone());
    let w = h.state().view.char_range_rect(word.clone()).unwrap();
    click(&mut h, w.center(), Modifiers::NONE);
    click(&mut h, w.center(), Modifiers::NONE);
    let sel = h.state().view.selection().expect("double-click selects");
    assert_eq!(slice_chars(&t, sel), Some("substantially"));

    // A third click selects the paragraph.
    click(&mut h, w.center(), Modifiers::NONE);
    let sel = h.state().view.selection().expect("triple-click selects");
    let para = slice_chars(&t, sel).unwrap();
    assert!(
        para.starts_with("“Europe is") && para.ends_with("Shutterstock"),
        "{para}"
    );
    assert!(!para.contains('\n'));
    h.run_steps(30);
    click(&mut h, w.center(), Modifiers::NONE);
    click(&mut h, w.center(), Modifiers::NONE);
    h.run_steps(30);

    let e = h.state().view.char_range_rect(end_word).unwrap();
    h.run_steps(30); // later than a double click
    click(&mut h, right_inside(e), Modifiers::SHIFT);
    let sel = h.state().view.selection().expect("shift-click extends");
    assert_eq!(slice_chars(&t, sel), Some("substantially less secure"));

    // A plain click on text that is not highlighted clears it.
    h.run_steps(30);
    let europe = find_chars(&t, "Europe is", 0);
    let first = h
        .state()
        .view
        .char_range_rect(europe.start..europe.start + 1)
        .unwrap();
    let under: Vec<_> = h
        .state()
        .project
        .annotations
        .iter()
        .filter(|a| a.start <= europe.start && europe.start < a.end)
        .map(|a| a.id.clone())
        .collect();
    click(&mut h, first.center(), Modifiers::NONE);
    assert_eq!(h.state().view.selection(), None);
    if under.is_empty() {
        assert!(h.state().clicked.is_empty());
    }
}

#[test]
fn clicking_a_highlight_reports_the_innermost_annotation() {
    let mut h = harness(sample_project());
    h.run();
    let p = h.state().project.clone();
    // The annotation whose second char is covered by the most annotations.
    let pick = p
        .annotations
        .iter()
        .max_by_key(|a| {
            p.annotations
                .iter()
                .filter(|b| b.start <= a.start + 1 && a.start + 1 < b.end)
                .count()
        })
        .unwrap();
    let c = pick.start + 1;
    let expected = p
        .annotations
        .iter()
        .filter(|b| b.start <= c && c < b.end)
        .min_by_key(|b| (b.end - b.start, std::cmp::Reverse(b.start)))
        .unwrap()
        .id
        .clone();
    let rects = show_range(&mut h, c..c + 1);
    h.hover_at(rects[0].center());
    h.run_steps(1);
    assert_eq!(
        h.state().view.debug_stats().hovered_annotation.as_ref(),
        Some(&expected),
        "hover shows what a click picks"
    );
    click(&mut h, rects[0].center(), Modifiers::NONE);
    assert_eq!(h.state().clicked, vec![expected]);
    assert_eq!(h.state().view.selection(), None);
}

/// A 2 MB document of mixed scripts, two overlapping annotations per
/// paragraph, speaker turns every few paragraphs.
fn big_project() -> Project {
    let chunks = [
        "The committee’s report — published on 3\u{a0}May — argues that sanctions work only when focused. ",
        "Эксперты считают, что санкции должны быть сильными и направленными на элиты. ",
        "Emoji 👋🏽 and flags 🇺🇦 sit next to e\u{301} accents and “curly quotes”. ",
        "Une phrase française avec des espaces\u{a0}insécables\u{a0}; et voilà. ",
    ];
    let mut text = String::new();
    let mut paras: Vec<(usize, usize)> = Vec::new(); // char ranges
    let mut chars = 0;
    let mut i = 0;
    while text.len() < 2_000_000 {
        let start = chars;
        let n = 2 + i % 5;
        for k in 0..n {
            let s = chunks[(i + k) % chunks.len()];
            text.push_str(s);
            chars += s.chars().count();
        }
        paras.push((start, chars));
        text.push('\n');
        chars += 1;
        i += 1;
    }
    let mut p = Project::new("big");
    let doc = Document::import(DocId::new("big"), "Big", None, &text);
    let tags: Vec<Tag> = (0..4)
        .map(|k| {
            let mut t = Tag::new(format!("T{k}"), Color::palette(k));
            t.id = TagId::new(format!("t{k}"));
            t
        })
        .collect();
    p.codebook = Codebook { tags };
    let spk = Speaker {
        id: SpeakerId::new("spk-a"),
        name: "Analyst".into(),
        aliases: vec![],
        role: String::new(),
    };
    p.speakers.push(spk);
    let stamp = Timestamp("2026-11-27T09:00:00Z".into());
    for (k, &(s, e)) in paras.iter().enumerate() {
        // Outer 5..40, inner 20..30 (overlapping), both inside the paragraph.
        for (n, (a, b)) in [(5, 40), (20, 30)].into_iter().enumerate() {
            if s + b > e {
                continue;
            }
            p.annotations.push(Box::new(Annotation {
                id: AnnotationId::new(format!("a{k:06}-{n}")),
                doc: doc.id.clone(),
                start: s + a,
                end: s + b,
                quote: String::new(),
                prefix: String::new(),
                suffix: String::new(),
                tags: vec![TagId::new(format!("t{}", (k + n) % 4)), TagId::new("t3")],
                speaker: None,
                note: String::new(),
                annotator: "gen".into(),
                created: stamp.clone(),
                modified: stamp.clone(),
            }));
        }
        if k % 3 == 0 {
            p.turns.push(Turn {
                doc: doc.id.clone(),
                start: s,
                end: e,
                speaker: Some(SpeakerId::new("spk-a")),
                kind: if k % 6 == 0 {
                    TurnKind::Answer
                } else {
                    TurnKind::Question
                },
            });
        }
    }
    p.documents.push(doc);
    p
}

#[test]
fn a_jump_in_a_2mb_document_lands_in_one_frame() {
    let project = big_project();
    let n_ann = project.annotations.len();
    assert!(n_ann > 5_000, "{n_ann} annotations");
    let mut h = harness_with(project, true);
    h.run_steps(2);
    let stats = h.state().view.debug_stats().clone();
    assert!(stats.painted_paragraphs.len() < 100);
    let first_layouts = stats.layouts;
    assert!(
        first_layouts < 200,
        "only visible paragraphs laid out: {first_layouts}"
    );

    // Jump to the last annotation: visible after exactly one frame.
    let last = h.state().project.annotations.last().unwrap().clone();
    h.state_mut().view.scroll_to(last.start..last.end);
    h.step();
    let view = &h.state().view;
    let rect = view
        .char_range_rect(last.start..last.end)
        .expect("laid out");
    let vp = view.viewport_rect();
    assert!(vp.contains_rect(rect), "{rect:?} inside {vp:?}");
    let stats = view.debug_stats();
    assert!(
        stats.scroll_offset > 100_000.0,
        "scrolled far: {}",
        stats.scroll_offset
    );
    let text = h.state().project.documents[0].text.clone();
    let paras = marginalia::model::text::ParagraphIndex::new(&text);
    let lp = paras.paragraph_of(last.start);
    assert!(stats.painted_paragraphs.contains(&lp));
    // Two overlapping annotations per paragraph, each at least one rect.
    assert!(
        stats.highlight_rects >= 2 * stats.painted_paragraphs.len().saturating_sub(2),
        "{} rects for {} paragraphs",
        stats.highlight_rects,
        stats.painted_paragraphs.len()
    );
    assert!(stats.galleys_cached <= stats.painted_paragraphs.len() + 2 * 24 + 8);
    // Every third paragraph is a turn (questions and answers, no narration):
    // a bar for each visible one, a name where each starts.
    let turn_paras = stats
        .painted_paragraphs
        .iter()
        .filter(|p| *p % 3 == 0)
        .count();
    assert_eq!(stats.turn_bars, turn_paras);
    assert!(stats.turn_labels >= turn_paras.saturating_sub(1) && stats.turn_labels <= turn_paras);
    assert!(stats.flashing, "the jump target flashes");
    // And it stays put in the following frames.
    h.run_steps(5);
    let again = h.state().view.char_range_rect(last.start..last.end);
    assert_eq!(again, Some(rect), "no drift after the jump");

    // Jump back to the middle, then the start: the cache stays bounded.
    let mid = h.state().project.annotations[n_ann / 2].clone();
    h.state_mut().view.scroll_to(mid.start..mid.end);
    h.step();
    let view = &h.state().view;
    let rect = view.char_range_rect(mid.start..mid.end).expect("laid out");
    assert!(view.viewport_rect().contains_rect(rect));
    h.state_mut().view.scroll_to(0..1);
    h.run_steps(90);
    let stats = h.state().view.debug_stats();
    assert!(
        !stats.flashing,
        "the flash fades within a second and a half"
    );
    assert!(stats.painted_paragraphs.contains(&0));
    assert!(
        stats.galleys_cached < 200,
        "{} cached",
        stats.galleys_cached
    );
    assert!(stats.layouts < 1_000, "{} laid out in all", stats.layouts);
    assert_eq!(stats.index_rebuilds, 1, "index built once");
}

/// What a frame shows of a jump: the paragraphs painted and where the
/// target is on screen. (The scroll offset itself may differ by the
/// corrected heights of paragraphs laid out above the screen.)
fn jump_and_look(h: &mut Harness<'_, St>, r: Range<usize>) -> (Vec<usize>, Vec<Rect>) {
    h.state_mut().view.scroll_to(r.clone());
    h.step();
    let view = &h.state().view;
    (
        view.debug_stats().painted_paragraphs.clone(),
        view.char_range_rects(r),
    )
}

#[test]
fn a_jump_laid_out_on_the_jump_thread_shows_what_the_frame_would_have() {
    let project = big_project();
    let n_ann = project.annotations.len();
    let targets: Vec<Range<usize>> = [n_ann - 1, n_ann / 3, 7, n_ann / 2 + 11, n_ann * 9 / 10]
        .iter()
        .map(|&i| project.annotations[i].range())
        .collect();
    let mut alone = harness_ahead(project.clone(), true, false);
    let mut ahead = harness_ahead(project, true, true);
    alone.run_steps(2);
    ahead.run_steps(2);
    for (k, r) in targets.into_iter().enumerate() {
        let want = jump_and_look(&mut alone, r.clone());
        let got = jump_and_look(&mut ahead, r.clone());

        assert_eq!(got, want, "jump {k} to {r:?}");
        assert!(!want.1.is_empty(), "the target is drawn");
        let (alone, ahead) = (
            alone.state().view.debug_stats(),
            ahead.state().view.debug_stats(),
        );
        assert_eq!(alone.jumps_ahead, 0);
        assert_eq!(
            ahead.jumps_ahead,
            k as u64 + 1,
            "jump {k} went to the thread"
        );
        assert!(
            !ahead.jump_thread_time.is_zero(),
            "the thread's time is counted"
        );
        // The frame alone laid the page out; with the thread, the frame
        // found it laid out.
        assert!(alone.frame_layouts > 0, "jump {k}: {}", alone.frame_layouts);
        assert_eq!(ahead.frame_layouts, 0, "jump {k}");
    }
    // Then both stay where they landed.
    let last = alone.state().project.annotations[n_ann * 9 / 10].range();
    let shown = |h: &Harness<'_, St>| h.state().view.char_range_rects(last.clone());
    let (was_alone, was_ahead) = (shown(&alone), shown(&ahead));
    alone.run_steps(3);
    ahead.run_steps(3);
    assert_eq!(shown(&alone), was_alone);
    assert_eq!(shown(&ahead), was_ahead);
    assert_eq!(was_ahead, was_alone);
}

#[test]
fn a_short_document_lays_its_jumps_out_in_the_frame() {
    let mut h = harness_ahead(sample_project(), false, true);
    h.run_steps(2);
    let n = text(&h).chars().count();
    h.state_mut().view.scroll_to(n - 10..n - 1);
    h.step();
    let stats = h.state().view.debug_stats();
    assert_eq!(stats.jumps_ahead, 0, "no thread for a page of an interview");
    assert!(stats.painted_paragraphs.len() > 1);
}

#[test]
fn dragging_past_the_bottom_edge_scrolls_and_keeps_the_anchor() {
    let mut h = harness_with(big_project(), true);
    h.run_steps(2);
    let t = text(&h);
    let r = find_chars(&t, "committee’s", 0);
    let rect = h
        .state()
        .view
        .char_range_rect(r.clone())
        .expect("first paragraph shown");
    let vp = h.state().view.viewport_rect();
    let below = pos2(rect.center().x, vp.bottom() + 40.0);
    h.hover_at(left_inside(rect));
    press(&h, left_inside(rect), true, Modifiers::NONE);
    h.hover_at(pos2(rect.center().x, vp.center().y));
    h.hover_at(below);
    h.run_steps(60); // hold the pointer below the view for a second
    let offset = h.state().view.scroll_offset();
    assert!(offset > 200.0, "auto-scrolled: {offset}");
    assert!(
        !h.state().view.debug_stats().painted_paragraphs.contains(&0),
        "the anchor's paragraph has left the screen"
    );
    press(&h, below, false, Modifiers::NONE);
    h.run_steps(2);
    let sel = h.state().view.selection().expect("a selection");
    assert_eq!(sel.start, r.start, "anchor kept");
    let paras = marginalia::model::text::ParagraphIndex::new(&t);
    assert!(paras.paragraph_of(sel.end) > 5, "focus far below: {sel:?}");
}

#[test]
fn scrolling_up_into_unmeasured_paragraphs_does_not_move_the_text() {
    let project = big_project();
    let mid = project.annotations[project.annotations.len() / 2].clone();
    let mut h = harness_with(project, true);
    h.run_steps(2);
    h.state_mut().view.scroll_to(mid.start..mid.end);
    h.run_steps(3);
    let before = h.state().view.char_range_rect(mid.start..mid.end).unwrap();
    let layouts_before = h.state().view.debug_stats().layouts;
    let vp = h.state().view.viewport_rect();
    h.hover_at(vp.center());
    for _ in 0..4 {
        h.event(Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: vec2(0.0, 150.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
    }
    h.run_steps(60);
    let after = h.state().view.char_range_rect(mid.start..mid.end).unwrap();
    assert!(
        h.state().view.debug_stats().layouts > layouts_before,
        "new paragraphs were laid out on the way up"
    );
    let moved = after.top() - before.top();
    assert!(
        (moved - 600.0).abs() < 1.5,
        "moved by {moved}, wheel said 600"
    );
}

#[test]
fn a_text_without_line_breaks_is_laid_out_in_pieces() {
    // 400 000 chars on one line: never laid out whole.
    let text = "Санкции must be strong and focused on elites — says\u{a0}Toft. ".repeat(7_000);
    let mut p = Project::new("one line");
    p.documents
        .push(Document::import(DocId::new("line"), "Line", None, &text));
    let n = text.chars().count();
    let mut h = harness_with(p, true);
    h.run_steps(2);
    let stats = h.state().view.debug_stats().clone();
    assert!(!stats.painted_paragraphs.is_empty());
    assert!(stats.layouts <= 3, "{} blocks laid out", stats.layouts);
    let r = n - 20..n - 5;
    h.state_mut().view.scroll_to(r.clone());
    h.step();
    let rect = h
        .state()
        .view
        .char_range_rect(r.clone())
        .expect("end laid out");
    assert!(h.state().view.viewport_rect().contains_rect(rect));
    // Drag over the last words selects exactly them.
    let words = "focused on elites";
    let b = text.rfind(words).unwrap();
    let s = text[..b].chars().count();
    let w = s..s + words.chars().count();
    let rects = h.state().view.char_range_rects(w.clone());
    h.run_steps(3);
    assert_eq!(
        h.state().view.char_range_rects(w.clone()),
        rects,
        "nothing drifts"
    );
    assert!(!rects.is_empty());
    drag(
        &mut h,
        left_inside(rects[0]),
        right_inside(rects[rects.len() - 1]),
    );
    assert_eq!(h.state().view.selection(), Some(w));
}

#[test]
fn switching_documents_restores_each_reading_position() {
    let mut project = sample_project();
    let long = project.documents[0].text.repeat(6);
    project
        .documents
        .push(Document::import(DocId::new("doc-b"), "B", None, &long));
    let mut h = harness(project);
    h.run();
    let t = text(&h);
    let r = find_chars(&t, "Taylor McNeil", 0);
    show_range(&mut h, r.clone());
    h.run_steps(70);
    let before = h.state().view.char_range_rect(r.clone()).unwrap();
    assert!(h.state().view.scroll_offset() > 500.0);

    h.state_mut().doc = DocId::new("doc-b");
    h.run_steps(3);
    assert_eq!(
        h.state().view.scroll_offset(),
        0.0,
        "a new document opens at its top"
    );
    assert!(h.state().view.debug_stats().painted_paragraphs.contains(&0));
    assert_eq!(h.state().view.selection(), None);

    h.state_mut().doc = h.state().project.documents[0].id.clone();
    h.run_steps(3);
    let after = h
        .state()
        .view
        .char_range_rect(r)
        .expect("back where we were");
    assert!(
        (after.top() - before.top()).abs() < 1.0,
        "{before:?} vs {after:?}"
    );
}

/// One frame of `view` on `project`'s first document in a plain context
/// (no harness: the test reaches egui's fonts between frames), with `also`
/// run after the view. Returns whether glyphs were added to egui's atlas.
fn plain_frame(
    ctx: &egui::Context,
    view: &mut TextView,
    project: &Project,
    also: impl FnMut(&mut egui::Ui),
) -> bool {
    frame_at_width(ctx, view, project, 1000.0, also)
}

/// [`plain_frame`] on a screen `width` points wide.
fn frame_at_width(
    ctx: &egui::Context,
    view: &mut TextView,
    project: &Project,
    width: f32,
    also: impl FnMut(&mut egui::Ui),
) -> bool {
    frame_with_events(ctx, view, project, width, Vec::new(), also)
}

/// [`frame_at_width`] with input `events`.
fn frame_with_events(
    ctx: &egui::Context,
    view: &mut TextView,
    project: &Project,
    width: f32,
    events: Vec<Event>,
    mut also: impl FnMut(&mut egui::Ui),
) -> bool {
    let raw = egui::RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(width, 760.0))),
        events,
        ..Default::default()
    };
    let doc = project.documents[0].id.clone();
    let mut out = ctx.run_ui(raw, |ui| {
        let input = TextViewInput {
            project,
            doc: &doc,
            revision: 0,
            selected: None,
        };
        view.show(ui, &input);
        also(ui);
    });
    let rasterized = !out.textures_delta.set.is_empty();
    out.textures_delta.clear();
    rasterized
}

#[test]
fn when_egui_empties_its_glyph_atlas_the_text_is_laid_out_again() {
    let project = sample_project();
    let ctx = egui::Context::default();
    let mut view = TextView::new();
    plain_frame(&ctx, &mut view, &project, |_| {});
    plain_frame(&ctx, &mut view, &project, |_| {});
    let before = view.debug_stats().clone();
    assert!(!before.painted_paragraphs.is_empty());
    assert_eq!(before.atlas_resets, 0);
    // Nothing new to lay out: a steady frame composes nothing.
    plain_frame(&ctx, &mut view, &project, |_| {});
    assert_eq!(view.debug_stats().layouts, before.layouts);

    // Fill egui's atlas past its limit with big glyphs: the next pass
    // empties it, and every glyph place the view holds is stale.
    plain_frame(&ctx, &mut view, &project, |ui| {
        marginalia::ui::text_view::atlas::overfill_atlas(ui)
    });
    plain_frame(&ctx, &mut view, &project, |_| {});
    let after = view.debug_stats();
    assert_eq!(after.atlas_resets, 1);
    // Every painted paragraph was composed again, from words egui laid
    // out again.
    assert!(
        after.galleys_cached > 0 && after.layouts - before.layouts >= after.galleys_cached as u64,
        "{} laid out, then {}, {} held",
        before.layouts,
        after.layouts,
        after.galleys_cached
    );
    assert!(after.word_lookups.1 > before.word_lookups.1);
    // And only once.
    let layouts = after.layouts;
    plain_frame(&ctx, &mut view, &project, |_| {});
    assert_eq!(view.debug_stats().layouts, layouts);
    assert_eq!(view.debug_stats().atlas_resets, 1);
}

#[test]
fn the_documents_characters_are_rasterized_before_a_jump_needs_them() {
    // Without speaker turns: their names in the margin are a smaller font,
    // laid out by egui, not from the article's words.
    let mut project = sample_project();
    project.turns.clear();
    // More distinct words than the view lays out ahead, all once, ahead of
    // the article (no annotations then): the article's own rarer words are
    // not among those laid out ahead, and the jump to its end meets words
    // it has to lay out, in the capitals, digits and ligatures of its text.
    project.annotations.clear();
    let mut extra = String::new();
    for n in 0..36_000usize {
        let mut k = n;
        let mut word = String::from("q");
        while k > 0 {
            word.push(char::from(b'a' + (k % 26) as u8));
            k /= 26;
        }
        extra.push_str(&word);
        extra.push_str(if n % 80 == 79 { "\n\n" } else { " " });
    }
    let doc = &project.documents[0];
    let text = format!("{extra}\n\n{}", doc.text);
    project.documents[0] = Document::import(doc.id.clone(), doc.title.clone(), None, &text);
    let text = project.documents[0].text.clone();
    let ctx = egui::Context::default();
    let mut view = TextView::new();
    plain_frame(&ctx, &mut view, &project, |_| {});
    plain_frame(&ctx, &mut view, &project, |_| {});
    // A jump to the end: paragraphs and words never laid out before, yet
    // egui's font atlas gets no new glyph.
    let n = text.chars().count();
    view.scroll_to(n - 5..n);
    let misses = view.debug_stats().word_lookups.1;
    let rasterized = plain_frame(&ctx, &mut view, &project, |_| {});
    assert!(
        view.debug_stats().word_lookups.1 > misses,
        "the jump should lay out new words: {misses} then {:?}, painted {:?}",
        view.debug_stats().word_lookups,
        view.debug_stats().painted_paragraphs
    );
    assert!(!rasterized, "glyphs were rasterized during the jump");
}

#[test]
fn a_paragraph_taller_than_the_screen_is_built_as_it_scrolls_into_view() {
    // One paragraph of some 50 rows, each word its own: what a click
    // selects is found in the text, whatever row it is on.
    let words: Vec<String> = (0..440).map(|i| format!("w{i:03}ord")).collect();
    let para = words.join(" ");
    assert!(para.chars().count() < 4_000, "one block");
    let mut p = Project::new("tall");
    p.documents.push(Document::import(
        DocId::new("tall"),
        "Tall",
        None,
        &format!("{para}\n\nThe end."),
    ));
    let mut h = harness(p);
    h.run_steps(2);
    let (built, unbuilt) = h.state().view.debug_stats().rows_built;
    assert!(built > 10, "the rows on screen are built: {built}");
    assert!(unbuilt > 10, "the rows below are not, yet: {unbuilt}");
    let t = text(&h);
    let vp = h.state().view.viewport_rect();
    h.hover_at(vp.center());
    let mut checked = 0;
    for _ in 0..5 {
        h.event(Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: vec2(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(10);
        let vp = h.state().view.viewport_rect();
        // Every row of text on screen has its quads (its glyphs drawn).
        let mut rows_on_screen = 0;
        for shape in &h.output().shapes {
            if let egui::Shape::Text(ts) = &shape.shape {
                for row in &ts.galley.rows {
                    let r = row.rect().translate(ts.pos.to_vec2());
                    if r.intersects(vp) && r.height() > 0.0 {
                        rows_on_screen += 1;
                        assert!(
                            !row.visuals.mesh.is_empty(),
                            "an empty row on screen at {r:?}"
                        );
                    }
                }
            }
        }
        assert!(rows_on_screen > 20, "{rows_on_screen} rows on screen");
        // A word in the lowest rows on screen, just scrolled in: a
        // double-click on it selects exactly it.
        let word = words.iter().rev().find_map(|w| {
            let r = find_chars(&t, w, 0);
            let rect = h.state().view.char_range_rect(r.clone())?;
            (vp.contains_rect(rect) && rect.bottom() > vp.bottom() - 80.0).then_some((r, rect))
        });
        let (r, rect) = word.expect("a word near the bottom of the screen");
        click(&mut h, rect.center(), Modifiers::NONE);
        click(&mut h, rect.center(), Modifiers::NONE);
        assert_eq!(h.state().view.selection(), Some(r));
        h.run_steps(30); // later than a double click
        checked += 1;
    }
    assert_eq!(checked, 5);
    let (built_after, _) = h.state().view.debug_stats().rows_built;
    assert!(
        built_after > built,
        "rows were built on the way: {built_after}"
    );
}

/// The galleys of margin names painted last frame whose text is `name`.
fn margin_names(h: &Harness<'_, St>, name: &str) -> Vec<std::sync::Arc<egui::Galley>> {
    h.output()
        .shapes
        .iter()
        .filter_map(|s| match &s.shape {
            egui::Shape::Text(ts) if ts.galley.text() == name => Some(ts.galley.clone()),
            _ => None,
        })
        .collect()
}

/// A speaker's name in the margin, scrolled out of view and back, is the
/// galley laid out the first time: not shaped again (egui's own cache
/// forgets a galley after one frame without it).
#[test]
fn margin_names_are_laid_out_once() {
    let mut p = Project::new("turns");
    let para = "Words in a paragraph that wraps over a row or two of the article view.";
    let text = vec![para; 300].join("\n\n");
    p.documents
        .push(Document::import(DocId::new("d"), "Turns", None, &text));
    let len = p.documents[0].char_len();
    let (ada, bo) = (Speaker::new("Ada Lovelace"), Speaker::new("Bo Diddley"));
    p.turns = vec![
        Turn {
            doc: DocId::new("d"),
            start: 0,
            end: len / 2,
            speaker: Some(ada.id.clone()),
            kind: TurnKind::Answer,
        },
        Turn {
            doc: DocId::new("d"),
            start: len / 2,
            end: len,
            speaker: Some(bo.id.clone()),
            kind: TurnKind::Answer,
        },
    ];
    p.speakers = vec![ada, bo];
    let mut h = harness(p);
    h.run_steps(2);
    let first = margin_names(&h, "Ada Lovelace");
    assert_eq!(first.len(), 1, "the first turn's name is in the margin");
    // Far down: only the second turn's name, for many frames.
    h.state_mut().view.scroll_to(len / 2..len / 2 + 5);
    h.run_steps(5);
    assert!(margin_names(&h, "Ada Lovelace").is_empty());
    assert_eq!(margin_names(&h, "Bo Diddley").len(), 1);
    // Back to the top: the same galley as the first time.
    h.state_mut().view.scroll_to(0..5);
    h.run_steps(5);
    let again = margin_names(&h, "Ada Lovelace");
    assert_eq!(again.len(), 1);
    assert!(
        std::sync::Arc::ptr_eq(&first[0], &again[0]),
        "laid out again"
    );
}

/// Resizing the window wraps the screen again at the new width, from the
/// words already laid out: none is laid out again. A new text size lays
/// the words out again.
#[test]
fn a_new_width_wraps_again_from_the_words_held() {
    let project = sample_project();
    let ctx = egui::Context::default();
    let mut view = TextView::new();
    frame_at_width(&ctx, &mut view, &project, 1000.0, |_| {});
    frame_at_width(&ctx, &mut view, &project, 1000.0, |_| {});
    let wide = view.debug_stats().clone();
    frame_at_width(&ctx, &mut view, &project, 640.0, |_| {});
    frame_at_width(&ctx, &mut view, &project, 640.0, |_| {});
    let narrow = view.debug_stats().clone();
    assert!(
        narrow.layouts > wide.layouts,
        "the screen is laid out again"
    );
    assert!(
        narrow.content_height > wide.content_height,
        "narrower, so taller: {} then {}",
        wide.content_height,
        narrow.content_height
    );
    assert!(narrow.cached_words >= wide.cached_words, "no word dropped");
    assert_eq!(
        narrow.words_shaped, wide.words_shaped,
        "no word shaped again"
    );
    assert_eq!(narrow.word_lookups.1, wide.word_lookups.1, "no word missed");
    // A new text size: the words are laid out again in it.
    view.set_font_size(view.font_size() + 2.0);
    frame_at_width(&ctx, &mut view, &project, 640.0, |_| {});
    assert!(view.debug_stats().words_shaped > narrow.words_shaped);
}

/// A new text size makes the word cache again: its frame lays out the most
/// frequent words, and the frames after it that lay nothing else out bring
/// the rest back a step at a time (the numbered tokens not held).
#[test]
fn after_a_new_text_size_the_rare_words_come_back_in_quiet_frames() {
    let mut project = sample_project();
    let mut extra = String::new();
    for n in 0..6000usize {
        let mut k = n;
        let mut word = String::from("q");
        loop {
            word.push(char::from(b'a' + (k % 26) as u8));
            k /= 26;
            if k == 0 {
                break;
            }
        }
        extra.push_str(&word);
        extra.push_str(if n % 80 == 79 { "\n\n" } else { " " });
    }
    let doc = &project.documents[0];
    let text = format!("{}\n\n{extra}", doc.text);
    project.documents[0] = Document::import(doc.id.clone(), doc.title.clone(), None, &text);
    let ctx = egui::Context::default();
    let mut view = TextView::new();
    plain_frame(&ctx, &mut view, &project, |_| {});
    plain_frame(&ctx, &mut view, &project, |_| {});
    let opened = view.debug_stats().cached_words;
    assert!(
        opened > 6000,
        "the document's words laid out when it opens: {opened}"
    );
    view.set_font_size(view.font_size() + 2.0);
    plain_frame(&ctx, &mut view, &project, |_| {});
    let remade = view.debug_stats().cached_words;
    assert!(
        remade + 1000 < opened,
        "the new size's frame lays out fewer: {remade}"
    );
    // A frame that answers a key or a click is left to do just that.
    let key = |pressed| Event::Key {
        key: egui::Key::A,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: Modifiers::NONE,
    };
    let click = |pressed| Event::PointerButton {
        pos: pos2(500.0, 300.0),
        button: PointerButton::Secondary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    for (what, press, release) in [
        ("a key", key(true), key(false)),
        ("a click", click(true), click(false)),
    ] {
        let before = view.debug_stats().cached_words;
        frame_with_events(&ctx, &mut view, &project, 1000.0, vec![press], |_| {});
        assert_eq!(view.debug_stats().cached_words, before, "{what} down");
        frame_with_events(&ctx, &mut view, &project, 1000.0, vec![release], |_| {});
    }
    let mut frames = 0;
    while view.debug_stats().cached_words < opened {
        plain_frame(&ctx, &mut view, &project, |_| {});
        frames += 1;
        assert!(
            frames <= 100,
            "{} of {opened}",
            view.debug_stats().cached_words
        );
    }
    assert!(frames > 5, "a step at a time: {frames} frames");
}
