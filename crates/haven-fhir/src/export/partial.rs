//! An entry whose date its source gave only as a year or a month is exported with that date
//! as given (`"2019"`, `"2019-04"`), not the day the rules read it on: FHIR `date` and
//! `dateTime` allow it, and a made-up day would be a fact the record never held.

use haven_core::record::Entry;

use crate::model::Resource;

/// Writes `entry`'s partial date into the element of `resource` that holds the entry's date.
pub(super) fn keep_partial(resource: &mut Resource, entry: &Entry) {
    let Some(partial) = &entry.partial_date else {
        return;
    };
    let day = entry.body.date().to_string();
    let partial = partial.to_string();
    let swap = |field: &mut Option<String>| {
        if field.as_deref() == Some(day.as_str()) {
            *field = Some(partial.clone());
        }
    };
    match resource {
        Resource::Observation(r) => swap(&mut r.effective_date_time),
        Resource::Condition(r) => {
            swap(&mut r.onset_date_time);
            swap(&mut r.recorded_date);
        }
        Resource::Encounter(r) => {
            if let Some(period) = &mut r.period {
                swap(&mut period.start);
            }
        }
        Resource::RiskAssessment(r) => swap(&mut r.occurrence_date_time),
        Resource::CarePlan(r) => swap(&mut r.created),
        Resource::ServiceRequest(r) => swap(&mut r.authored_on),
        Resource::MedicationStatement(r) => {
            if let Some(period) = &mut r.effective_period {
                swap(&mut period.start);
            }
        }
        Resource::Procedure(r) => swap(&mut r.performed_date_time),
        Resource::Flag(r) => {
            if let Some(period) = &mut r.period {
                swap(&mut period.start);
            }
        }
        Resource::QuestionnaireResponse(r) => swap(&mut r.authored),
        // An appointment's start is an instant, always whole.
        Resource::Appointment(_)
        | Resource::Patient(_)
        | Resource::Practitioner(_)
        | Resource::Bundle(_)
        | Resource::OperationOutcome(_)
        | Resource::CapabilityStatement(_)
        | Resource::Unread(_) => {}
    }
}
