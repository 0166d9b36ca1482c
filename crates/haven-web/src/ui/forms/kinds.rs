//! The kinds of entry that have a generic form, and who may record each: one row of [`KINDS`]
//! per kind, with its fields, parser, pre-fill and the values a new form starts with.

use haven_core::Date;
use haven_core::record::{EntryBody, PatientRecord, Visibility};

use super::data::FormData;
use super::fields::Field;
use super::{care, history};
use crate::auth::CurrentUser;
use crate::ui::form::FormErrors;
use crate::ui::{patient_href, risk};

/// One kind of entry and how its form works.
pub struct KindSpec {
    /// The entry kind id (`EntryBody::kind_id`), also the URL segment.
    pub id: &'static str,
    /// Heading of the new-entry form, e.g. "Record a life event".
    pub title: &'static str,
    /// Link text on the patient page.
    pub link: &'static str,
    /// A sentence shown above the form (empty for none).
    pub intro: &'static str,
    /// Receptionists may record and amend it.
    pub administrative: bool,
    pub fields: fn() -> Vec<Field>,
    pub parse: fn(&FormData, &mut FormErrors) -> Option<EntryBody>,
    pub values: fn(&EntryBody) -> FormData,
    pub defaults: fn(&PatientRecord, Date) -> FormData,
}

/// Wording chosen so that no risk category is ever named on the form (NICE NG225).
const NG225: &str = "This is a structured record of what the person tells you, not a score or a risk category: NICE NG225 advises against predicting suicide with scales or grading people by risk. Plan for the person’s safety with them.";

/// Every kind with a generic form, in the order the patient page offers them. Questionnaires
/// are recorded item by item in `ui::assessments`.
pub static KINDS: [KindSpec; 13] = [
    KindSpec {
        id: "encounter",
        title: "Record a consultation",
        link: "Consultation",
        intro: "",
        administrative: false,
        fields: care::encounter_fields,
        parse: care::encounter_parse,
        values: care::encounter_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "planned-contact",
        title: "Record a planned contact",
        link: "Planned contact",
        intro: "",
        administrative: true,
        fields: care::planned_contact_fields,
        parse: care::planned_contact_parse,
        values: care::planned_contact_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "life-event",
        title: "Record a life event",
        link: "Life event",
        intro: "A negative development in the person’s life raises an urgent suicide and self-harm risk review (§6).",
        administrative: false,
        fields: history::life_event_fields,
        parse: history::life_event_parse,
        values: history::life_event_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "risk-review",
        title: "Record a suicide and self-harm risk review",
        link: "Risk review",
        intro: NG225,
        administrative: false,
        fields: risk::review_fields,
        parse: risk::review_parse,
        values: risk::review_values,
        defaults: risk::review_defaults,
    },
    KindSpec {
        id: "safety-plan",
        title: "Record a safety plan",
        link: "Safety plan",
        intro: "Agree the plan with the person, in their words, and give them a printed copy in their language.",
        administrative: false,
        fields: risk::plan_fields,
        parse: risk::plan_parse,
        values: risk::plan_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "asylum",
        title: "Record the asylum situation",
        link: "Asylum situation",
        intro: "",
        administrative: false,
        fields: history::asylum_fields,
        parse: history::asylum_parse,
        values: history::asylum_values,
        defaults: history::asylum_defaults,
    },
    KindSpec {
        id: "disclosure",
        title: "Record a disclosure of abuse",
        link: "Disclosure of abuse",
        intro: "Sensitive: only clinical staff see this entry, and it leaves Haven only in an export that asks for sensitive data.",
        administrative: false,
        fields: history::disclosure_fields,
        parse: history::disclosure_parse,
        values: history::disclosure_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "problem",
        title: "Record a problem",
        link: "Problem",
        intro: "",
        administrative: false,
        fields: history::problem_fields,
        parse: history::problem_parse,
        values: history::problem_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "screening",
        title: "Record blood-borne virus screening",
        link: "Screening",
        intro: "",
        administrative: false,
        fields: care::screening_fields,
        parse: care::screening_parse,
        values: care::screening_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "referral",
        title: "Record a referral",
        link: "Referral",
        intro: "",
        administrative: false,
        fields: care::referral_fields,
        parse: care::referral_parse,
        values: care::referral_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "medication",
        title: "Record psychotropic medication",
        link: "Medication",
        intro: "",
        administrative: false,
        fields: care::medication_fields,
        parse: care::medication_parse,
        values: care::medication_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "advice",
        title: "Record advice or a psychological enquiry",
        link: "Advice or enquiry",
        intro: "",
        administrative: false,
        fields: care::advice_fields,
        parse: care::advice_parse,
        values: care::advice_values,
        defaults: history::dated_today,
    },
    KindSpec {
        id: "flag",
        title: "Add a flag",
        link: "Flag",
        intro: "",
        administrative: false,
        fields: care::flag_fields,
        parse: care::flag_parse,
        values: care::flag_values,
        defaults: history::dated_today,
    },
];

pub fn spec(kind: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.id == kind)
}

/// Whether this user may record or amend entries of `kind` (an entry kind id).
pub fn may_record(user: &CurrentUser, kind: &str) -> bool {
    if user.is_clinical() {
        return true;
    }
    user.may_see(Visibility::Administrative) && spec(kind).is_some_and(|k| k.administrative)
}

/// The form that records a new entry of `kind` for a patient (questionnaires: the chooser).
pub fn new_href(patient: &str, kind: &str) -> String {
    if kind == "questionnaire" {
        format!("{}/assessments", patient_href(patient))
    } else {
        format!("{}/entries/new/{kind}", patient_href(patient))
    }
}

/// Links to every form this user may use, for the patient page: `(href, label)`.
pub fn record_links(user: &CurrentUser, patient: &str) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = KINDS
        .iter()
        .filter(|k| may_record(user, k.id))
        .map(|k| (new_href(patient, k.id), k.link))
        .collect();
    if user.is_clinical() {
        out.insert(1, (new_href(patient, "questionnaire"), "Questionnaire"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_but_questionnaires_has_a_generic_form() {
        use haven_core::record::*;
        let ids: Vec<&str> = KINDS.iter().map(|k| k.id).collect();
        let d = time::macros::date!(2026 - 11 - 28);
        // One body per kind: kind_id() is exhaustive over EntryBody, so this list is too.
        let all = [
            EntryBody::Asylum(AsylumSituation {
                status: AsylumStatus::Refused,
                since: d,
                coded: true,
                note: String::new(),
            }),
            EntryBody::Disclosure(Disclosure {
                kind: None,
                disclosed: d,
                note: String::new(),
            }),
            EntryBody::LifeEvent(LifeEvent {
                kind: LifeEventKind::LossOfHope,
                date: d,
                note: String::new(),
            }),
            EntryBody::Problem(Problem {
                kind: ProblemKind::Ptsd,
                onset: d,
                resolved: None,
                note: String::new(),
            }),
            EntryBody::Flag(Flag {
                kind: FlagKind::InterpreterNeeded,
                date: d,
            }),
        ];
        for b in &all {
            assert!(ids.contains(&b.kind_id()), "{}", b.kind_id());
        }
        for id in [
            "encounter",
            "planned-contact",
            "risk-review",
            "safety-plan",
            "screening",
            "referral",
            "medication",
            "advice",
        ] {
            assert!(ids.contains(&id), "{id}");
        }
        assert!(!ids.contains(&"questionnaire"));
        assert_eq!(
            KINDS
                .iter()
                .filter(|k| k.administrative)
                .map(|k| k.id)
                .collect::<Vec<_>>(),
            ["planned-contact"]
        );
        for k in &KINDS {
            let fields = (k.fields)();
            assert!(
                fields.iter().any(|f| f.name == "date"),
                "{}: validation messages about the date need a date field",
                k.id
            );
            assert!(
                !fields
                    .iter()
                    .any(|f| f.name == "reason" || f.name == "version" || f.name == "csrf"),
                "{}",
                k.id
            );
        }
    }
}
