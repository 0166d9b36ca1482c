//! A questionnaire Haven does not ship, described here and nowhere else, goes through the same
//! form, scoring and FHIR mapping as the real ones: proof that a new instrument needs its
//! description and nothing in the web layer or the FHIR crate.

use askama::Template;
use haven_core::instruments::{
    BandRange, Bands, Codes, Derived, Description, HavenCode, Instrument, Item, Results, Scale,
    Score, ScoringOptions, Screen, Summary, Total, flag, parse_answers, score_recorded,
    score_total, score_with,
};
use haven_core::terminology;
use haven_fhir::instrument_codes::{self, CodedAnswer};
use haven_fhir::model::Observation;
use haven_fhir::uris;
use haven_fhir::{Location, Position, Recorded, read_result, result_observation};
use haven_web::ui::form::FormErrors;
use haven_web::ui::forms::data::FormData;
use haven_web::ui::forms::questionnaire::{self as form, Questions, ScoreView, bands_attribute};

const OFTEN: Scale = Scale {
    max: 2,
    words: &["never", "sometimes", "often"],
    codes: &[],
};

/// Three counted items (the second may be "not applicable", the third raises the crisis text)
/// and an optional fourth outside the total, reported on its own.
static TOY: Description = Description {
    id: "toy",
    name: "TOY-4",
    items: &[
        Item::new("Item 1 — toy worry", &OFTEN),
        Item::new("Item 2 — toy sleep (0 if not applicable)", &OFTEN).not_applicable(),
        Item::new("Item 3 — toy dark thoughts", &OFTEN).flag(flag::ITEM9_POSITIVE),
        Item::new("Extra — toy day to day", &OFTEN)
            .outside_total()
            .optional(),
    ],
    total: Some(Total { label: "Toy total" }),
    bands: Bands::Fixed(&[
        BandRange::new(0, 2, "calm", "Calm"),
        BandRange::new(3, 6, "stirred", "Stirred"),
    ]),
    screen: Screen::From {
        total: 4,
        flagged: true,
    },
    codes: Codes {
        panel: None,
        total: None,
        result: HavenCode {
            code: "toy-total",
            display: "TOY-4 total score",
        },
    },
    licence: "Toy licence: made up for a test.",
    score: score_total,
    results: toy_results,
};

fn toy_results(score: &Score) -> Results {
    let Some(extra) = score.item(4) else {
        return Results::default();
    };
    Results {
        values: vec![Derived::number("extra", extra).coded("toy-extra", "TOY-4 extra answer")],
        sentences: vec![format!("Day to day: {}", OFTEN.words_for(extra))],
        summary: Summary::default(),
    }
}

fn answers(pairs: &[(&str, &str)]) -> FormData {
    let mut data = FormData::default();
    for (name, value) in pairs {
        data.set(name, *value);
    }
    data
}

#[test]
fn the_form_draws_and_reads_the_toy_from_its_description() {
    let data = answers(&[("item-1", "2"), ("item-2", "na"), ("item-3", "1")]);
    let html = Questions::new(&TOY, &data, &FormErrors::default())
        .render()
        .expect("renders");
    for label in [
        "Item 1 — toy worry",
        "Item 3 — toy dark thoughts",
        "Extra — toy day to day <span class=\"muted\">(optional)</span>",
        "1 — sometimes",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert_eq!(html.matches("<fieldset").count(), 4);
    assert_eq!(html.matches("data-scored=\"1\"").count(), 3);
    assert_eq!(html.matches("data-optional=\"1\"").count(), 1);
    assert_eq!(html.matches("data-item9=\"1\"").count(), 1);
    assert_eq!(
        html.matches("Not applicable (scored 0)").count(),
        1,
        "item 2 only"
    );
    assert!(html.contains("name=\"item-2\" value=\"na\" checked"));
    assert!(html.contains("name=\"item-1\" value=\"2\" checked"));
    assert_eq!(
        bands_attribute(TOY.bands(&ScoringOptions::default())),
        "0:2:Calm|3:6:Stirred"
    );
    assert!(form::raises_item9(&TOY, &data));

    let mut errors = FormErrors::default();
    assert_eq!(
        form::parse_answers(&TOY, &data, &mut errors),
        Some(vec![2, 0, 1]),
        "not applicable is 0 and the optional item may be left out"
    );
    let mut errors = FormErrors::default();
    let missing = answers(&[("item-1", "2"), ("item-3", "9")]);
    assert_eq!(form::parse_answers(&TOY, &missing, &mut errors), None);
    assert_eq!(
        errors.get("item-2"),
        Some("Choose an answer for Item 2 — toy sleep (0 if not applicable)")
    );
    assert!(errors.has("item-3") && !errors.has("item-4"));
    let shown = Questions::new(&TOY, &missing, &errors)
        .render()
        .expect("renders");
    assert!(shown.contains("id=\"item-2-error\""));
}

#[test]
fn the_toy_scores_as_its_description_says() {
    let s = score_with(&TOY, &[2, 0, 1, 2], &ScoringOptions::default()).expect("valid");
    assert_eq!(s.total(), Some(3));
    assert_eq!(
        s.band().map(|b| (b.id, b.label)),
        Some(("stirred", "Stirred"))
    );
    assert_eq!(s.flags(), [flag::ITEM9_POSITIVE]);
    assert!(!s.is_positive_screen());
    let view = ScoreView::of(&s);
    assert_eq!(
        (view.total.as_str(), view.band.as_str()),
        ("Toy total 3 of 6", "Stirred")
    );
    assert_eq!(view.details[0], "Day to day: often");
    assert!(view.item9);

    let positive = score_with(&TOY, &[2, 2, 0], &ScoringOptions::default()).expect("valid");
    assert_eq!(positive.flags(), [flag::POSITIVE_SCREEN]);
    assert!(positive.is_positive_screen() && positive.results().values.is_empty());

    assert_eq!(parse_answers(&TOY, "2, 0, 1"), Ok(vec![2, 0, 1]));
    assert_eq!(
        parse_answers(&TOY, "2,0,3").map_err(|e| e.to_string()),
        Err("item 3: 3 is out of range 0–2".to_owned())
    );
    assert_eq!(
        parse_answers(&TOY, "2,0").map_err(|e| e.to_string()),
        Err("expected 3 answers for TOY-4, got 2".to_owned())
    );
    let recorded = score_recorded(&TOY, &[], Some(5), &ScoringOptions::default()).expect("total");
    assert_eq!(
        (recorded.band().map(|b| b.id), recorded.is_positive_screen()),
        (Some("stirred"), true)
    );
    assert_eq!(
        score_recorded(&TOY, &[], Some(7), &ScoringOptions::default()).map_err(|e| e.to_string()),
        Err("TOY-4 total 7 is above the maximum of 6".to_owned())
    );
    assert_eq!(Instrument::parse("toy"), None, "not in the product");
}

#[test]
fn the_toy_goes_to_fhir_and_back_from_its_description() {
    let items = [Some(2), Some(0), Some(1), Some(2)];
    let s = score_with(&TOY, &[2, 0, 1, 2], &ScoringOptions::default()).expect("valid");
    let exported = result_observation(&TOY, &items, Some(&s));
    let codes = |concept: &haven_fhir::model::CodeableConcept| -> Vec<String> {
        concept
            .coding
            .iter()
            .filter_map(|c| c.code.clone())
            .collect()
    };
    assert_eq!(codes(&exported.code), ["toy-total"]);
    assert_eq!(exported.value_integer, Some(3));
    let components: Vec<(Vec<String>, Option<i64>)> = exported
        .component
        .iter()
        .map(|c| (codes(&c.code), c.value_integer))
        .collect();
    assert_eq!(
        components,
        [
            (vec!["toy-item-1".to_owned()], Some(2)),
            (vec!["toy-item-2".to_owned()], Some(0)),
            (vec!["toy-item-3".to_owned()], Some(1)),
            (vec!["toy-item-4".to_owned()], Some(2)),
            (vec!["toy-extra".to_owned()], Some(2)),
        ]
    );
    let interpretation: Vec<Vec<String>> = exported.interpretation.iter().map(codes).collect();
    assert_eq!(interpretation, [["stirred"], [flag::ITEM9_POSITIVE]]);
    assert!(
        exported
            .code
            .coding
            .iter()
            .all(|c| instrument_codes::names_result(&TOY, c)),
        "the toy's own code names it"
    );
    assert_eq!(
        exported
            .code
            .coding
            .iter()
            .find_map(instrument_codes::instrument_of),
        None,
        "and no instrument Haven ships"
    );

    // On the wire and back: the answers and the total as they went out.
    let json = serde_json::to_string(&exported).expect("serialises");
    let back: Observation = serde_json::from_str(&json).expect("parses");
    let at = Location::new("toy.json", Position::Document);
    let read = read_result(&TOY, &back, &at).expect("reads");
    assert_eq!(
        read,
        Some(Recorded {
            items: items.to_vec(),
            total: Some(3),
        })
    );

    // A total recorded elsewhere, without items, is kept as recorded; an impossible one is not.
    let mut total_only = back.clone();
    total_only.component.clear();
    total_only.value_integer = Some(5);
    assert_eq!(
        read_result(&TOY, &total_only, &at).expect("reads"),
        Some(Recorded {
            items: vec![None; 4],
            total: Some(5),
        })
    );
    total_only.value_integer = Some(9);
    let refused = read_result(&TOY, &total_only, &at).expect_err("above the maximum");
    assert_eq!(
        (refused.path.as_str(), refused.message.as_str()),
        (
            "Observation.valueInteger",
            "9 is not a possible TOY-4 total (0–6)"
        )
    );
    let answer_code = uris::verified(terminology::by_key("answer.1"));
    assert_eq!(
        instrument_codes::answer_value(&TOY, 0, &answer_code),
        CodedAnswer::Unreadable,
        "its scale has no verified answer codes"
    );
}
