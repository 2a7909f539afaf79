//! Export → import into a project with the same documents and nothing else
//! gives back the same annotations, for every format and offset unit.

mod formats_common;

use formats_common::*;
use marginalia::io::formats::{DoccanoForm, ExportOptions, Format, OffsetUnit};
use marginalia::io::sample::sample_project;
use marginalia::model::Project;

const ALL: Carries = Carries {
    speaker: true,
    note: true,
    annotator: true,
    times: true,
    ids: true,
};

fn carries(f: Format, multi_set: bool) -> Carries {
    match f {
        Format::Csv | Format::Json => ALL,
        Format::W3c => ALL,
        Format::LabelStudio => Carries {
            times: false,
            ..ALL
        },
        Format::Brat => Carries {
            annotator: multi_set,
            times: false,
            ids: false,
            ..ALL
        },
        _ => Carries {
            speaker: false,
            note: false,
            annotator: false,
            times: false,
            ids: false,
        },
    }
}

fn check(p: &Project, f: Format, options: &ExportOptions, multi_set: bool) {
    let (q, report) = round_trip(p, f, options, "");
    let c = carries(f, multi_set);
    assert_eq!(report.annotations, p.annotations.len(), "{f}: {report:?}");
    assert!(
        report.skipped.is_empty(),
        "{f} {:?}: {:?}",
        options.offsets,
        report.skipped
    );
    assert_eq!(
        signatures(&q, c),
        signatures(p, c),
        "{f} {:?}",
        options.offsets
    );
    if f == Format::Csv {
        // One row per annotation: CSV has no place for links.
        assert_eq!(report.relations, 0);
    } else {
        assert_eq!(
            relation_signatures(&q, c),
            relation_signatures(p, c),
            "{f}: relations"
        );
        assert_eq!(report.relations, p.relations.len(), "{f}");
    }
    if matches!(f, Format::Json | Format::Brat) {
        // The hierarchy survives where the format carries it.
        let child = q.codebook.by_name("Causal claim");
        if let Some(child) = child {
            let parent = child.parent.as_ref().and_then(|id| q.codebook.get(id));
            assert_eq!(parent.map(|t| t.name.as_str()), Some("Claim"), "{f}");
        }
    }
}

const ROUND_TRIP: [Format; 6] = [
    Format::Csv,
    Format::Json,
    Format::Brat,
    Format::W3c,
    Format::Doccano,
    Format::LabelStudio,
];

#[test]
fn sample_project_round_trips_in_every_format() {
    let p = sample_project();
    for f in ROUND_TRIP {
        check(&p, f, &ExportOptions::default(), false);
    }
}

#[test]
fn unicode_project_round_trips_in_every_format_and_unit() {
    let p = unicode_project();
    for f in ROUND_TRIP {
        let units: &[OffsetUnit] = if f == Format::Brat {
            &[OffsetUnit::Chars]
        } else {
            &[OffsetUnit::Chars, OffsetUnit::Utf16, OffsetUnit::Bytes]
        };
        for &u in units {
            let options = ExportOptions {
                offsets: u,
                ..ExportOptions::default()
            };
            check(&p, f, &options, true);
        }
    }
}

#[test]
fn doccano_label_form_carries_spans_but_not_relations() {
    let p = unicode_project();
    let options = ExportOptions {
        doccano: DoccanoForm::Label,
        ..ExportOptions::default()
    };
    let (q, report) = round_trip(&p, Format::Doccano, &options, "");
    let c = carries(Format::Doccano, true);
    assert_eq!(signatures(&q, c), signatures(&p, c));
    assert_eq!(report.relations, 0);
    assert!(q.relations.is_empty());
}

#[test]
fn annotator_argument_overrides_the_sets_in_the_file() {
    let p = unicode_project();
    let (q, _) = round_trip(&p, Format::Csv, &ExportOptions::default(), "carol");
    assert!(q.annotations.iter().all(|a| a.annotator == "carol"));
    assert!(q.annotators.contains(&"carol".to_string()));
}

#[test]
fn filters_limit_what_is_exported() {
    let p = unicode_project();
    let mut options = ExportOptions::default();
    options.filter.annotators = vec!["bob".into()];
    let (q, report) = round_trip(&p, Format::Json, &options, "");
    assert_eq!(report.annotations, 2);
    assert!(q.annotations.iter().all(|a| a.annotator == "bob"));
    assert_eq!(report.relations, 1);

    let mut options = ExportOptions::default();
    options.filter.tags = vec![marginalia::model::TagId::new("tag-claim")];
    let (q, _) = round_trip(&p, Format::Csv, &options, "");
    // Claim and its child Causal claim: ann-1, ann-2, ann-4.
    assert_eq!(q.annotations.len(), 3);

    let mut options = ExportOptions::default();
    options.filter.speakers = vec![marginalia::model::SpeakerId::new("spk-toft")];
    let (q, _) = round_trip(&p, Format::W3c, &options, "");
    assert_eq!(q.annotations.len(), 2);
}

#[test]
fn importing_twice_does_not_reuse_ids() {
    let p = unicode_project();
    let dir = tmp();
    let out = out_path(dir.path(), Format::Json);
    marginalia::io::formats::export(&p, Format::Json, &ExportOptions::default(), &out).unwrap();
    let mut q = p.clone();
    let (edit, report) = marginalia::io::formats::import(&q, Format::Json, &out, "").unwrap();
    edit.apply(&mut q).unwrap();
    assert_eq!(report.annotations, p.annotations.len());
    assert_eq!(q.annotations.len(), 2 * p.annotations.len());
    assert_eq!(q.relations.len(), 2 * p.relations.len());
    assert_eq!(q.validate(), vec![]);
}
