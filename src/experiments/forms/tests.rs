//! The experiment form's parsing, case by case.

use super::*;

use crate::experiments::model::MetricResult;
use crate::ids::UnitId;

fn filled() -> Form {
    let mut f = Form::blank("payments");
    f.title = "One-tap checkout".into();
    f.change = "a one-tap checkout".into();
    f.audience = "returning buyers".into();
    f.effect = "raise conversion".into();
    f.metric = "checkout conversion".into();
    f.moves = "rises by 2 %".into();
    f.metrics[0].name = "conversion".into();
    f
}

fn squads(slug: &str) -> Option<UnitId> {
    (slug == "payments").then_some(UnitId(7))
}

#[test]
fn a_complete_form_parses() {
    let mut f = filled();
    f.variants[0].observed = "10,000".into();
    f.planned_sample = "14 751".into();
    f.results.insert(
        (0, 1),
        ResultRow {
            effect: "+1.5".into(),
            low: "0.2".into(),
            high: "2.8".into(),
            significant: true,
        },
    );
    let e = f.parse(squads, None).unwrap();
    assert_eq!(e.squad_id, UnitId(7));
    assert_eq!(e.variants[0].observed, Some(10_000));
    assert_eq!(e.planned_sample, Some(14_751));
    assert_eq!(e.results[0].effect, 1.5);
    // Shown again, it reads the same.
    let again = Form::of(&e, "payments");
    assert_eq!(again.parse(squads, None).unwrap(), e);
}

#[test]
fn tiny_numbers_survive_the_form_both_ways() {
    let mut f = filled();
    f.variants[0].weight = "0.99875".into();
    f.variants[1].weight = "0.00125".into();
    f.results.insert(
        (0, 1),
        ResultRow {
            effect: "0.000045".into(),
            low: "-0.00004".into(),
            high: "0.00007".into(),
            significant: false,
        },
    );
    let e = f.parse(squads, None).unwrap();
    assert_eq!(e.variants[1].weight, 0.00125);
    assert_eq!(e.results[0].effect, 0.000045);
    assert_eq!(e.results[0].ci_low, -0.00004);
    // What the edit page shows parses back to the very same numbers.
    let again = Form::of(&e, "payments");
    assert_eq!(again.variants[1].weight, "0.00125");
    assert_eq!(again.parse(squads, None).unwrap(), e);
}

#[test]
fn bad_input_gets_a_message_at_its_field() {
    let mut f = filled();
    f.variants[1].weight = "0".into();
    f.variants[0].observed = "-5".into();
    f.planned_start = "2026-03-10".into();
    f.planned_end = "2026-03-01".into();
    f.results.insert(
        (0, 1),
        ResultRow {
            effect: "1".into(),
            low: "3".into(),
            high: "2".into(),
            significant: false,
        },
    );
    f.metrics[1] = MetricRow {
        name: "latency".into(),
        kind: "guardrail".into(),
        direction: "decrease".into(),
        margin: String::new(),
        ..MetricRow::default()
    };
    let errors = f.parse(squads, None).unwrap_err();
    let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "metric_margin_1",
            "planned_end",
            "result_0_1_low",
            "variant_observed_0",
            "variant_weight_1"
        ]
    );
    assert!(errors["result_0_1_low"].contains("above its high end"));
}

#[test]
fn blank_rows_are_dropped_and_results_follow_their_rows() {
    let mut f = filled();
    f.metrics.truncate(1);
    f.metrics.insert(0, MetricRow::default());
    f.variants.insert(1, VariantRow::default());
    // Metric row 1 (the only metric) against variant row 2 (the treatment).
    f.results.insert(
        (1, 2),
        ResultRow {
            effect: "1".into(),
            low: "0.5".into(),
            high: "1.5".into(),
            significant: true,
        },
    );
    let e = f.parse(squads, None).unwrap();
    assert_eq!(e.metrics.len(), 1);
    assert_eq!(e.variants.len(), 2);
    assert_eq!((e.results[0].metric, e.results[0].variant), (0, 1));
}

#[test]
fn ending_deciding_and_overriding_need_their_reasons() {
    let mut f = filled();
    f.status = "concluded".into();
    f.decision = "ship".into();
    f.override_outcome = "success".into();
    let errors = f.parse(squads, None).unwrap_err();
    let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(fields, ["ended_on", "override_reason", "rationale"]);
    f.squad = "nowhere".into();
    assert!(f.parse(squads, None).unwrap_err()["squad"].contains("no squad"));
}

#[test]
fn numbers_as_people_write_them() {
    assert_eq!(number(" -0.4 "), Some(-0.4));
    assert_eq!(number("+3"), Some(3.0));
    assert_eq!(number("1,5"), None);
    assert_eq!(number("NaN"), None);
    assert_eq!(count("14,750"), Some(14_750));
    assert_eq!(count("-1"), None);
}

/// A typed result stored before fika checked "significant" against its interval keeps
/// loading and saving unchanged; a new or changed one like it is refused.
#[test]
fn stored_contradictions_round_trip_but_new_ones_are_refused() {
    let squads = |_: &str| Some(UnitId(1));
    let mut f = Form::blank("radio");
    f.title = "Old record".into();
    (f.change, f.audience, f.effect, f.metric, f.moves) =
        ("a".into(), "b".into(), "c".into(), "d".into(), "e".into());
    f.metrics[0].name = "starts".into();
    f.metrics[1].name = "stalls".into();
    f.metrics[1].margin = "0".into();
    let row = ResultRow {
        effect: "0.01".into(),
        low: "-0.002".into(),
        high: "0.022".into(),
        significant: true,
    };
    f.results.insert((0, 1), row.clone());
    let errors = f.parse(squads, None).unwrap_err();
    assert!(errors["result_0_1_significant"].contains("spans zero"));
    // As it was stored before the check existed:
    let mut old = f.clone();
    old.results.clear();
    let mut stored = old.parse(squads, None).unwrap();
    stored.results.push(MetricResult {
        metric: 0,
        variant: 1,
        effect: 0.01,
        ci_low: -0.002,
        ci_high: 0.022,
        significant: true,
        p_value: None,
        relative: None,
        from_data: false,
    });
    assert_eq!(
        f.parse(squads, Some(&stored)).unwrap().results,
        stored.results
    );
    // Changed, it is checked like a new one.
    f.results.insert(
        (0, 1),
        ResultRow {
            effect: "0.011".into(),
            ..row
        },
    );
    assert!(f.parse(squads, Some(&stored)).is_err());
}
