//! Grouping parsed resources into patient records: ids checked and unique, every subject
//! reference resolved to a Patient in the input (or one already known), each resource mapped,
//! and the result validated against `today` with haven-core's own rules.
//!
//! An [`Assembler`] takes resources one at a time and keeps only what they map to, never the
//! resources themselves, so a bulk export of any size streams through it. Parts assembled on
//! several cores from consecutive runs of the input are merged in input order, and give the
//! same records as one assembler reading the whole input.

use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState;

use haven_core::record::{
    Entry, EntryStatus, Patient, PatientRecord, ValidationError, validate_entry, validate_patient,
};
use haven_core::{Date, EntryId, NhsNumber, PatientId};

use super::error::{ImportError, ImportErrorKind as Kind, Location};
use super::modifiers::refuse_modifiers;
use super::parse::{ImportedResource, cores, joined};
use super::refs::Resolver;
use super::requests;
use super::unused::UnusedTypes;
use super::values::{Ctx, change, is_fhir_id};
use super::{Mapped, entries, observation, patient, referral};
use crate::model::{Reference, Resource};
use crate::practice::{self, Practice};
use crate::uris;

mod conditions;
mod parts;
use conditions::Condition;
pub use parts::{Shared, part_of, parts_disagree, patient_of_line};

/// A resource that was read but records nothing Haven keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub location: Location,
    /// `Type/id`.
    pub resource: String,
    pub reason: String,
}

/// Something a stored resource held that Haven could not record (a language it does not know
/// by name): the rest of the resource was read, and this is said, never dropped unseen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotRecorded {
    pub location: Location,
    /// `Type/id`.
    pub resource: String,
    /// The element's FHIRPath, e.g. `Patient.communication[1].language`.
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for NotRecorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}: {}: {}",
            self.location, self.resource, self.path, self.reason
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assembly {
    /// In the order the patients are first mentioned in the input.
    pub records: Vec<PatientRecord>,
    /// How the input gave each record's patient: one per record, in the same order.
    pub given: Vec<PatientGiven>,
    pub skipped: Vec<Skipped>,
    /// Resources of types Haven does not use, counted by type.
    pub unused: UnusedTypes,
    /// What stored resources held that Haven could not record, in input order.
    pub not_recorded: Vec<NotRecorded>,
}

/// How an input gave a record's patient, which decides what storing it may change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatientGiven {
    /// The input holds the Patient resource. `if_match` is the version its update was made
    /// to, when the Bundle entry named one (`request.ifMatch`).
    Resource { if_match: Option<u32> },
    /// The input only refers to the patient, already stored: the record holds the stored
    /// demographics, and only what the input's other resources set (the country of origin).
    Referred,
    /// A conditional create (`request.ifNoneExist`) found this patient stored: the input's
    /// Patient resource was set aside, and what referred to it now refers to this patient.
    /// `stated` is the id the input gave the Patient.
    Found { stated: String },
}

/// What the records are for, which decides how strictly demographics are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// To be stored: every haven-core check, including that the patient has a name.
    Store,
    /// To be evaluated and thrown away (`haven evaluate`, CDS Hooks): an EHR's Patient may
    /// come without a name, which the rules never read; every other check still applies.
    Evaluate,
}

/// Groups resources into records for storing; every resource's patient must be in the input.
pub fn assemble(
    resources: Vec<ImportedResource>,
    today: Date,
) -> Result<Vec<PatientRecord>, ImportError> {
    assemble_with(resources, today, &[], Purpose::Store).map(|a| a.records)
}

/// As [`assemble`], for `purpose`, and resources may also refer to `known` patients (already
/// stored); those come back as records holding only the new entries. A known patient that the
/// input also holds keeps its country of origin unless the input has a country Observation.
pub fn assemble_with(
    resources: Vec<ImportedResource>,
    today: Date,
    known: &[Patient],
    purpose: Purpose,
) -> Result<Assembly, ImportError> {
    let mut assembler = Assembler::default();
    assembler.add_all(resources)?;
    assembler.finish(today, known, purpose)
}

/// Builds patient records from resources added one at a time (see the module comment).
#[derive(Default)]
pub struct Assembler {
    records: Vec<Built>,
    index: HashMap<String, usize, RandomState>,
    skipped: Vec<Skipped>,
    unused: UnusedTypes,
    not_recorded: Vec<NotRecorded>,
    /// The day partial entry dates are read as of, when not `today` (see
    /// [`Assembler::read_partial_dates_as_of`]).
    partial_dates_as_of: Option<Date>,
    /// When the input is being stored (see [`Assembler::stored_at`]).
    stored_at: Option<time::OffsetDateTime>,
    /// Every id seen, in its id space, with where it was first seen and on what type.
    ids: HashMap<(IdSpace, Box<str>), (Location, &'static str), RandomState>,
    /// QuestionnaireResponses that a result Observation names in `derivedFrom`: their
    /// answers arrive with that Observation, so they are read once, from it.
    derived: HashSet<String, RandomState>,
    /// QuestionnaireResponses read before it was known whether an Observation names them;
    /// placed (or their errors reported) by [`Assembler::finish`] if none does.
    responses: Vec<Response>,
    /// Conditional creates, looked for among the known patients by [`Assembler::finish`].
    conditions: Vec<Condition>,
    /// The practice a stored import files its patients under (see [`Assembler::files_under`]).
    filing: Option<Practice>,
}

/// Entries share one id space whatever their resource type; patients and practitioners each
/// have their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum IdSpace {
    Patient,
    Practitioner,
    Entry,
}

struct Response {
    id: String,
    read: Result<Option<Read>, ImportError>,
}

/// What one clinical resource gave, before it is placed in its patient's record.
struct Read {
    location: Location,
    rtype: &'static str,
    /// The patient's id, and the element that named it (for the error if it is missing).
    patient: String,
    subject_path: &'static str,
    placed: Placed,
}

// Short-lived (moved into a record at once): boxing the entry would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Placed {
    Entry {
        entry: Entry,
        date_path: &'static str,
    },
    Country {
        code: String,
        date: Option<Date>,
    },
    Skip {
        /// `Type/id`.
        resource: String,
        reason: String,
    },
    Nothing,
}

impl Assembler {
    /// Adds the resources of one input (a document, a Bundle, a CDS Hooks prefetch): their
    /// `urn:uuid:` full URLs resolve among themselves.
    pub fn add_all(&mut self, resources: Vec<ImportedResource>) -> Result<(), ImportError> {
        let resolver = Resolver::new(&resources);
        resources
            .into_iter()
            .try_for_each(|r| self.add(r, &resolver))
    }

    /// Adds one resource read on its own (an NDJSON line: its references are `Type/id`).
    pub fn add_one(&mut self, resource: ImportedResource) -> Result<(), ImportError> {
        self.add(resource, &Resolver::default())
    }

    /// Adds one resource of an input whose references `resolver` resolves.
    pub(crate) fn add_resolved(
        &mut self,
        resource: ImportedResource,
        resolver: &Resolver,
    ) -> Result<(), ImportError> {
        self.add(resource, resolver)
    }

    fn add(&mut self, r: ImportedResource, resolver: &Resolver) -> Result<(), ImportError> {
        if let Resource::Unread(unread) = &r.resource {
            // Its id is in the type's own space, which no resource Haven reads shares.
            self.unused.count(unread.resource_type);
            return Ok(());
        }
        self.check_id(&r)?;
        let (if_none_exist, if_match) = requests::conditions(&r)?;
        match &r.resource {
            Resource::Patient(p) => {
                let ctx = Ctx::new(&r.location, "Patient");
                let id = r.id.as_deref().ok_or_else(|| {
                    ctx.missing("id", "Haven keeps Patient.id as the patient's id")
                })?;
                refuse_modifiers(&r.location, &r.resource)?;
                let mut unrecorded = Vec::new();
                let named = practice::named(p.managing_organization.as_ref());
                if named == practice::Named::Unreadable {
                    unrecorded.push((
                        "Patient.managingOrganization".to_owned(),
                        format!(
                            "names no practice by ODS code (identifier system {}); the patient is filed under the importing practice",
                            uris::ODS_ORGANIZATION_CODE
                        ),
                    ));
                }
                let patient = patient::patient(
                    &ctx,
                    id,
                    p,
                    &|reference| resolver.resolve(reference),
                    &mut unrecorded,
                )?;
                self.not_recorded
                    .extend(unrecorded.into_iter().map(|(path, reason)| NotRecorded {
                        location: r.location.clone(),
                        resource: format!("Patient/{id}"),
                        path,
                        reason,
                    }));
                let slot = self.slot(id, &r.location, || None);
                let built = &mut self.records[slot];
                built.record.patient = patient;
                built.practice = match named {
                    practice::Named::Ods(code) => Some(code),
                    _ => None,
                };
                built.patient_source = Some(r.location.clone());
                built.if_match = if_match;
                if let Some(nhs) = if_none_exist {
                    self.conditions.push(Condition {
                        patient: id.to_owned(),
                        nhs,
                        location: r.location,
                    });
                }
                return Ok(());
            }
            Resource::QuestionnaireResponse(_) => {
                let id = r.id.clone().unwrap_or_default();
                if self.derived.contains(&id) {
                    return Ok(());
                }
                // Whether an Observation names it may only be known later: errors wait too.
                let read = self.read(&r, resolver);
                self.responses.push(Response { id, read });
                return Ok(());
            }
            Resource::Practitioner(_) => refuse_modifiers(&r.location, &r.resource)?,
            Resource::Observation(o) => {
                let names = o
                    .derived_from
                    .iter()
                    .filter_map(|reference| resolver.resolve(reference.reference.as_deref()?))
                    .filter(|t| t.resource_type == "QuestionnaireResponse")
                    .map(|t| t.id);
                self.derived.extend(names);
            }
            _ => {}
        }
        if let Some(read) = self.read(&r, resolver)? {
            self.place(read);
        }
        Ok(())
    }

    /// Maps a clinical resource; `None` for one that is not (a Practitioner, an outcome).
    fn read(
        &mut self,
        r: &ImportedResource,
        resolver: &Resolver,
    ) -> Result<Option<Read>, ImportError> {
        let rtype = r.resource.resource_type();
        let ctx = Ctx::new(&r.location, rtype);
        let (subject, subject_path) = match subject_of(&r.resource, resolver) {
            Subject::NotClinical => return Ok(None),
            Subject::Unsupported(why) => {
                self.skipped.push(Skipped {
                    location: r.location.clone(),
                    resource: format!("{rtype}/{}", r.id.as_deref().unwrap_or("?")),
                    reason: why.into(),
                });
                return Ok(None);
            }
            Subject::Of(reference, path) => (reference, path),
        };
        let id =
            r.id.as_deref()
                .ok_or_else(|| ctx.missing("id", "Haven keeps the resource id as the entry id"))?;
        let reference = subject
            .and_then(|s| s.reference.as_deref())
            .ok_or_else(|| ctx.missing(subject_path, "a reference to the Patient"))?;
        let target = resolver.resolve(reference).ok_or_else(|| {
            ImportError::new(
                Kind::Reference,
                &r.location,
                ctx.path(subject_path),
                format!("reference {reference:?} does not resolve to a resource in this input"),
            )
        })?;
        if target.resource_type != "Patient" {
            let message = format!("refers to a {}, not a Patient", target.resource_type);
            return Err(ImportError::new(
                Kind::Reference,
                &r.location,
                ctx.path(subject_path),
                message,
            ));
        }
        let mapped = map(&ctx, &r.resource);
        if !matches!(mapped, Ok(Mapped::Skip(_))) {
            // What Haven passes over may carry modifiers; what it reads may not, and a
            // modifier is named before anything it may have made look wrong.
            refuse_modifiers(&r.location, &r.resource)?;
        }
        let placed = match mapped? {
            Mapped::Entry {
                body,
                status,
                date_path,
            } => {
                let (version, change) =
                    change(&ctx, meta_of(&r.resource), body.date(), self.stored_at)?;
                Placed::Entry {
                    entry: Entry {
                        id: EntryId::new(id),
                        patient: PatientId::new(target.id.as_str()),
                        version,
                        status,
                        change,
                        body: *body,
                        // Placed on the day the rules read for it at `finish`, which knows
                        // today.
                        partial_date: ctx.take_partial(),
                    },
                    date_path,
                }
            }
            Mapped::Country { code, date } => Placed::Country { code, date },
            Mapped::Skip(reason) => Placed::Skip {
                resource: format!("{rtype}/{id}"),
                reason,
            },
            Mapped::Duplicate => Placed::Nothing,
        };
        Ok(Some(Read {
            location: r.location.clone(),
            rtype,
            patient: target.id,
            subject_path,
            placed,
        }))
    }

    /// Puts what a resource gave into its patient's record, making a place for a patient not
    /// seen yet (its Patient may come later in the input, or already be known).
    fn place(&mut self, read: Read) {
        // Kept only until some resource names the patient; most find it named already.
        let mention = || {
            Some(Mention {
                location: read.location.clone(),
                rtype: read.rtype,
                element: read.subject_path,
            })
        };
        let slot = self.slot(&read.patient, &read.location, mention);
        let built = &mut self.records[slot];
        match read.placed {
            Placed::Entry { entry, date_path } => {
                built.record.entries.push(entry);
                built.sources.push((read.location, read.rtype, date_path));
            }
            Placed::Country { code, date } => built.countries.push((code, date, read.location)),
            Placed::Skip { resource, reason } => self.skipped.push(Skipped {
                location: read.location,
                resource,
                reason,
            }),
            Placed::Nothing => {}
        }
    }

    fn slot(
        &mut self,
        patient: &str,
        at: &Location,
        mention: impl FnOnce() -> Option<Mention>,
    ) -> usize {
        if let Some(&slot) = self.index.get(patient) {
            let built = &mut self.records[slot];
            if built.first_mention.is_none() {
                built.first_mention = mention();
            }
            return slot;
        }
        self.index.insert(patient.to_owned(), self.records.len());
        let mut built = Built::new(patient, mention());
        built.made_at = Some(at.clone());
        self.records.push(built);
        self.records.len() - 1
    }

    /// Ids are FHIR ids, and no (type, id) — nor any entry id across types — appears twice.
    fn check_id(&mut self, r: &ImportedResource) -> Result<(), ImportError> {
        let Some(id) = r.id.as_deref() else {
            return Ok(());
        };
        let rtype = r.resource.resource_type();
        if !is_fhir_id(id) {
            let message =
                format!("{id:?} is not a valid FHIR id (1–64 letters, digits, '-' or '.')");
            return Err(ImportError::new(
                Kind::Invalid,
                &r.location,
                format!("{rtype}.id"),
                message,
            ));
        }
        let space = match r.resource {
            Resource::Patient(_) => IdSpace::Patient,
            Resource::Practitioner(_) => IdSpace::Practitioner,
            _ => IdSpace::Entry,
        };
        match self.ids.entry((space, id.into())) {
            std::collections::hash_map::Entry::Occupied(first) => {
                Err(used_twice(id, rtype, &r.location, &first.get().0))
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert((r.location.clone(), rtype));
                Ok(())
            }
        }
    }

    /// Adds what `later` read from the input that follows this assembler's: the result is what
    /// one assembler reading both in turn would hold.
    pub fn merge(&mut self, later: Assembler) -> Result<(), ImportError> {
        // The earliest repeat in the later part is the one a single pass would have met first.
        let mut twice: Option<(Location, &'static str, Box<str>, Location)> = None;
        for (key, (location, rtype)) in later.ids {
            match self.ids.get(&key) {
                Some((first, _)) => {
                    if twice.as_ref().is_none_or(|(at, ..)| location < *at) {
                        twice = Some((location, rtype, key.1, first.clone()));
                    }
                }
                None => {
                    self.ids.insert(key, (location, rtype));
                }
            }
        }
        if let Some((location, rtype, id, first)) = twice {
            return Err(used_twice(&id, rtype, &location, &first));
        }
        self.derived.extend(later.derived);
        self.skipped.extend(later.skipped);
        self.unused.merge(later.unused);
        self.not_recorded.extend(later.not_recorded);
        self.responses.extend(later.responses);
        self.conditions.extend(later.conditions);
        for built in later.records {
            let id = built.record.patient.id.as_str().to_owned();
            match self.index.get(&id) {
                Some(&slot) => self.records[slot].absorb(built),
                None => {
                    self.index.insert(id, self.records.len());
                    self.records.push(built);
                }
            }
        }
        Ok(())
    }

    /// The NHS numbers that conditional creates (`ifNoneExist`) look for: the stored patients
    /// with these numbers go to [`Assembler::finish`] among `known`.
    pub fn conditional_nhs_numbers(&self) -> impl Iterator<Item = &NhsNumber> {
        self.conditions.iter().map(|c| &c.nhs)
    }

    /// Reads the entries' partial dates as of `as_of` rather than the day `finish` checks
    /// against: `haven evaluate --as-of` looks at the record as it stood then, and a date known
    /// only to its month is then read no later than that day, so that it is in the record.
    pub fn read_partial_dates_as_of(&mut self, as_of: Date) {
        self.partial_dates_as_of = Some(as_of);
    }

    /// Stamps the entries whose resource does not say when its version was stored (no
    /// `meta.lastUpdated`) with `at`, the time Haven stores them (the FHIR API's writes),
    /// rather than the start of their clinical date. Add it before the resources.
    pub fn stored_at(&mut self, at: time::OffsetDateTime) {
        self.stored_at = Some(at);
    }

    /// Every patient the input holds or refers to, for looking up those already stored (to
    /// pass to [`Assembler::finish`] as `known`).
    pub fn patient_ids(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str).chain(
            self.responses
                .iter()
                .filter_map(|r| r.read.as_ref().ok()?.as_ref())
                .map(|r| r.patient.as_str()),
        )
    }

    /// The records, each validated against `today` for `purpose`. Resources may refer to
    /// `known` patients (already stored); those come back as records holding only the new
    /// entries, and a known patient that the input also holds keeps its country of origin
    /// unless the input has a country Observation. `known` also holds the stored patients
    /// with the [`Assembler::conditional_nhs_numbers`]: a conditional create that finds one
    /// becomes that patient ([`PatientGiven::Found`]); one that finds several is refused.
    pub fn finish(
        self,
        today: Date,
        known: &[Patient],
        purpose: Purpose,
    ) -> Result<Assembly, ImportError> {
        self.finish_ranked(today, known, purpose)
            .map_err(|ranked| ranked.error)
    }

    /// As [`Assembler::finish`], the error ranked by when one reader of the whole input would
    /// have met it (see [`FinishError`]), so that parts of an input finished apart can tell
    /// which of their errors is the whole input's first.
    pub fn finish_ranked(
        mut self,
        today: Date,
        known: &[Patient],
        purpose: Purpose,
    ) -> Result<Assembly, Box<FinishError>> {
        // Records made before the responses are placed, in the order of the lines that made
        // them; the responses' records come after, in the responses' order.
        let made_by_lines = self.records.len();
        if purpose == Purpose::Store {
            self.check_practices().map_err(|error| {
                let at = error.location.clone();
                FinishError::at(Stage::Practices, at, error)
            })?;
        }
        let rank_of = |records: &[Built], slot: usize| Rank {
            stage: Stage::Records,
            late: slot >= made_by_lines,
            at: records[slot].made_at(),
        };
        for response in std::mem::take(&mut self.responses) {
            if self.derived.contains(&response.id) {
                continue;
            }
            match response.read {
                Ok(Some(read)) => self.place(read),
                Ok(None) => {}
                Err(error) => {
                    let at = error.location.clone();
                    return Err(FinishError::at(Stage::Responses, at, error));
                }
            }
        }
        self.apply_conditions(known).map_err(|error| {
            let at = error.location.clone();
            FinishError::at(Stage::Conditions, at, error)
        })?;
        let known: HashMap<&str, &Patient> = known.iter().map(|p| (p.id.as_str(), p)).collect();
        for slot in 0..self.records.len() {
            let built = &mut self.records[slot];
            let before = known.get(built.record.patient.id.as_str());
            match (&built.patient_source, before) {
                (Some(_), Some(before)) if built.countries.is_empty() => {
                    // The country of origin travels in its own Observation: an input holding
                    // a Patient but not that Observation (a bulk export's Patient.ndjson
                    // alone) keeps the one known.
                    built
                        .record
                        .patient
                        .country_of_origin
                        .clone_from(&before.country_of_origin);
                }
                (Some(_), _) => {}
                (None, Some(before)) => built.record.patient = (*before).clone(),
                (None, None) => {
                    let id = built.record.patient.id.as_str();
                    let Some(mention) = &built.first_mention else {
                        unreachable!("a record is made by its Patient or by a mention")
                    };
                    let error = ImportError::new(
                        Kind::Reference,
                        &mention.location,
                        format!("{}.{}", mention.rtype, mention.element),
                        format!("Patient/{id} is not in this input"),
                    );
                    let rank = rank_of(&self.records, slot);
                    return Err(Box::new(FinishError { rank, error }));
                }
            }
            built.apply_countries();
            let as_of = self.partial_dates_as_of.unwrap_or(today);
            for entry in &mut built.record.entries {
                if let Some(partial) = &entry.partial_date {
                    entry.body.place_partial(partial, as_of);
                }
            }
        }
        self.validate(today, purpose).map_err(|(slot, error)| {
            let mut rank = rank_of(&self.records, slot);
            rank.stage = Stage::Validation;
            Box::new(FinishError { rank, error })
        })?;
        let given = self.records.iter().map(Built::given).collect();
        Ok(Assembly {
            records: self.records.into_iter().map(|b| b.record).collect(),
            given,
            skipped: self.skipped,
            unused: self.unused,
            not_recorded: self.not_recorded,
        })
    }

    /// Says which practice a stored import files its patients under: a Patient whose
    /// `managingOrganization` names another practice by ODS code is refused by
    /// [`Assembler::finish`] (hazard H-70). Without it, any Patient naming a practice is
    /// refused, since nothing says it is this one. Evaluation (`Purpose::Evaluate`) stores
    /// nothing and checks nothing of it.
    pub fn files_under(&mut self, practice: Practice) {
        self.filing = Some(practice);
    }

    /// The first Patient, in input order, naming a practice the import does not file under.
    fn check_practices(&self) -> Result<(), ImportError> {
        let refused = self
            .records
            .iter()
            .filter_map(|b| {
                let code = b.practice.as_deref()?;
                let location = b.patient_source.as_ref()?;
                let why = practice::refusal(code, self.filing.as_ref())?;
                Some((location, b.record.patient.id.as_str(), why))
            })
            .min_by(|a, b| a.0.cmp(b.0));
        match refused {
            None => Ok(()),
            Some((location, id, why)) => Err(ImportError::new(
                Kind::Invalid,
                location,
                "Patient.managingOrganization.identifier.value",
                format!("Patient/{id} {why}"),
            )),
        }
    }

    /// Validates every record, on every core for a large population; the error reported is
    /// the first in record order.
    /// The failing record's place, with its error.
    fn validate(&self, today: Date, purpose: Purpose) -> Result<(), (usize, ImportError)> {
        let share = self.records.len().div_ceil(cores()).max(4_096);
        let check = |first: usize, chunk: &[Built]| {
            chunk
                .iter()
                .enumerate()
                .try_for_each(|(i, b)| b.validate(today, purpose).map_err(|e| (first + i, e)))
        };
        if self.records.len() <= share {
            // One share (a CDS Hooks call, a Bundle): no thread to start.
            return check(0, &self.records);
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .records
                .chunks(share)
                .enumerate()
                .map(|(n, chunk)| scope.spawn(move || check(n * share, chunk)))
                .collect();
            handles.into_iter().try_for_each(joined)
        })
    }
}

/// The stages of [`Assembler::finish`], in the order it meets their errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// A Patient naming another practice than the import files under (a stored import only),
    /// the first in input order.
    Practices,
    /// QuestionnaireResponses that no Observation named, in input order.
    Responses,
    /// Conditional creates, in input order.
    Conditions,
    /// A patient neither in the input nor known, in record order.
    Records,
    /// Validation, in record order.
    Validation,
}

/// When one reader of the whole input meets an error of [`Assembler::finish`]: by stage, then
/// (records) those the lines made before those the responses made, then by the line that made
/// the record (or, for responses and conditions, the line of the error), in input order: the
/// caller orders `at` by its inputs' order. The records of parts that hold every line of their
/// patients keep one pass's order by this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rank {
    pub stage: Stage,
    pub late: bool,
    pub at: Location,
}

/// An error of [`Assembler::finish_ranked`], with its [`Rank`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinishError {
    pub rank: Rank,
    pub error: ImportError,
}

impl FinishError {
    fn at(stage: Stage, at: Location, error: ImportError) -> Box<Self> {
        let rank = Rank {
            stage,
            late: false,
            at,
        };
        Box::new(FinishError { rank, error })
    }
}

/// The error one reader gives the line `second` when it repeats the id of the line `first`
/// (each with its text and location); `None` when their ids are not the same (another
/// resource type's space, or two ids whose hashed keys merely collided).
pub fn repeated_id(first: (&[u8], Location), second: (&[u8], Location)) -> Option<ImportError> {
    let key = |line: &[u8], at: Location| {
        let r = super::parse::one_line(at, line).ok()?;
        let id = r.id.clone()?;
        let space = match r.resource {
            Resource::Patient(_) => IdSpace::Patient,
            Resource::Practitioner(_) => IdSpace::Practitioner,
            Resource::Unread(_) => return None,
            _ => IdSpace::Entry,
        };
        Some((space, id, r.resource.resource_type(), r.location))
    };
    let (space, id, _, first_at) = key(first.0, first.1)?;
    let (again_space, again, rtype, at) = key(second.0, second.1)?;
    (space == again_space && id == again).then(|| used_twice(&id, rtype, &at, &first_at))
}

fn used_twice(id: &str, rtype: &str, location: &Location, first: &Location) -> ImportError {
    ImportError::new(
        Kind::Duplicate,
        location,
        format!("{rtype}.id"),
        format!("id {id:?} is used twice (first at {first})"),
    )
}

/// Where a resource named its patient: the resource, its type and the element.
struct Mention {
    location: Location,
    rtype: &'static str,
    element: &'static str,
}

/// A record being built, remembering where each part came from for validation messages.
struct Built {
    /// Holds only the patient's id until its Patient is read (or found among those known).
    record: PatientRecord,
    /// Where the Patient was read; `None` for a patient only referred to.
    patient_source: Option<Location>,
    /// The version the Patient's update was made to (`request.ifMatch`).
    if_match: Option<u32>,
    /// The id the input gave a conditional create that found this stored patient.
    found: Option<String>,
    /// The ODS code of the practice the Patient's `managingOrganization` names.
    practice: Option<String>,
    /// The first resource that referred to the patient, for the error if the patient is
    /// neither in the input nor known.
    first_mention: Option<Mention>,
    /// Country-of-origin Observations in input order, applied by the same rule in the end.
    countries: Vec<(String, Option<Date>, Location)>,
    country_source: Option<Location>,
    sources: Vec<(Location, &'static str, &'static str)>,
    /// The line that made the record (see [`Rank`]).
    made_at: Option<Location>,
}

impl Built {
    /// The line that made this record: its Patient's, or the first that named the patient,
    /// whichever came first.
    fn made_at(&self) -> Location {
        self.made_at
            .clone()
            .unwrap_or_else(|| Location::new("", super::error::Position::Document))
    }

    fn new(patient: &str, first_mention: Option<Mention>) -> Self {
        Self {
            record: PatientRecord::new(Patient::new(PatientId::new(patient), "", "")),
            patient_source: None,
            if_match: None,
            found: None,
            practice: None,
            first_mention,
            countries: Vec::new(),
            country_source: None,
            sources: Vec::new(),
            made_at: None,
        }
    }

    /// Takes in what a later part of the input read for the same patient.
    fn absorb(&mut self, later: Built) {
        if later.patient_source.is_some() {
            self.record.patient = later.record.patient;
            self.practice = later.practice;
            self.patient_source = later.patient_source;
            self.if_match = later.if_match;
        }
        if self.found.is_none() {
            self.found = later.found;
        }
        if self.first_mention.is_none() {
            self.first_mention = later.first_mention;
        }
        self.record.entries.extend(later.record.entries);
        self.sources.extend(later.sources);
        self.countries.extend(later.countries);
    }

    fn given(&self) -> PatientGiven {
        match (&self.patient_source, &self.found) {
            (Some(_), _) => PatientGiven::Resource {
                if_match: self.if_match,
            },
            (None, Some(stated)) => PatientGiven::Found {
                stated: stated.clone(),
            },
            (None, None) => PatientGiven::Referred,
        }
    }

    /// The latest-dated country wins; one without a date wins over what came before it.
    fn apply_countries(&mut self) {
        let mut date: Option<Date> = None;
        for (code, when, location) in self.countries.drain(..) {
            if date.is_none_or(|d| when.is_none_or(|new| new >= d)) {
                self.record.patient.country_of_origin = Some(code);
                date = when.or(date);
                self.country_source = Some(location);
            }
        }
    }

    fn validate(&self, today: Date, purpose: Purpose) -> Result<(), ImportError> {
        let patient = &self.record.patient;
        let mut checked = patient.clone();
        if purpose == Purpose::Evaluate
            && checked.given_name.trim().is_empty()
            && checked.family_name.trim().is_empty()
        {
            // Stand-in so the remaining checks run; the record itself keeps no name.
            checked.family_name = "(not given)".into();
        }
        if let Some(location) = &self.patient_source
            && let Err(e) = validate_patient(&checked, today)
        {
            let (location, path) = match e.field {
                "birth_date" => (location, "Patient.birthDate"),
                "given_name" => (location, "Patient.name"),
                "interpreter_required" => {
                    (location, "Patient.extension(patient-interpreterRequired)")
                }
                "country_of_origin" => (
                    self.country_source.as_ref().unwrap_or(location),
                    "Observation.valueCodeableConcept",
                ),
                _ => (location, "Patient"),
            };
            return Err(invalid(location, path, &e));
        }
        for (entry, (location, rtype, date_path)) in self.record.entries.iter().zip(&self.sources) {
            // Entries marked in error keep whatever was wrong with them; only live ones must be valid.
            if entry.status == EntryStatus::EnteredInError {
                continue;
            }
            if let Err(e) = validate_entry(patient, &entry.body, today) {
                let element = match e.field {
                    "date" => (*date_path).to_owned(),
                    "next_review" => "extension(next-review)".to_owned(),
                    "resolved" => "abatementDateTime".to_owned(),
                    "stopped" => "effectivePeriod.end".to_owned(),
                    "answers" => "component".to_owned(),
                    "recorded_total" => "valueInteger".to_owned(),
                    other => other.to_owned(),
                };
                return Err(invalid(location, &format!("{rtype}.{element}"), &e));
            }
        }
        Ok(())
    }
}

fn invalid(location: &Location, path: &str, e: &ValidationError) -> ImportError {
    ImportError::new(Kind::Invalid, location, path, e.message.clone())
}

enum Subject<'a> {
    Of(Option<&'a Reference>, &'static str),
    /// Practitioners, outcomes: read for references or ignored.
    NotClinical,
    Unsupported(&'static str),
}

fn subject_of<'a>(resource: &'a Resource, resolver: &Resolver) -> Subject<'a> {
    match resource {
        Resource::Observation(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Condition(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::RiskAssessment(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::CarePlan(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Encounter(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::ServiceRequest(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::MedicationStatement(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Procedure(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Flag(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::QuestionnaireResponse(r) => Subject::Of(r.subject.as_ref(), "subject"),
        Resource::Appointment(r) => {
            // The patient is one participant among practitioners and locations; an actor that
            // does not resolve at all is kept so that the error names it.
            let actors: Vec<&Reference> = r
                .participant
                .iter()
                .filter_map(|p| p.actor.as_ref())
                .filter(|a| a.reference.is_some())
                .collect();
            let resolves_to = |a: &Reference| {
                a.reference
                    .as_deref()
                    .and_then(|s| resolver.resolve(s))
                    .map(|t| t.resource_type)
            };
            let patient = actors
                .iter()
                .find(|a| resolves_to(a).as_deref() == Some("Patient"))
                .or_else(|| actors.iter().find(|a| resolves_to(a).is_none()))
                .copied();
            Subject::Of(patient, "participant.actor")
        }
        Resource::Patient(_) | Resource::Practitioner(_) | Resource::OperationOutcome(_) => {
            Subject::NotClinical
        }
        Resource::CapabilityStatement(_) | Resource::Bundle(_) | Resource::Unread(_) => {
            Subject::Unsupported("not patient data")
        }
    }
}

fn map(ctx: &Ctx, resource: &Resource) -> Result<Mapped, ImportError> {
    match resource {
        Resource::Observation(r) => observation::observation(ctx, r),
        Resource::QuestionnaireResponse(r) => observation::questionnaire_response(ctx, r),
        Resource::Condition(r) => entries::condition(ctx, r),
        Resource::Encounter(r) => entries::encounter(ctx, r),
        Resource::Appointment(r) => entries::appointment(ctx, r),
        Resource::RiskAssessment(r) => entries::risk_assessment(ctx, r),
        Resource::CarePlan(r) => entries::care_plan(ctx, r),
        Resource::ServiceRequest(r) => referral::service_request(ctx, r),
        Resource::MedicationStatement(r) => entries::medication_statement(ctx, r),
        Resource::Procedure(r) => entries::procedure(ctx, r),
        Resource::Flag(r) => entries::flag(ctx, r),
        Resource::Patient(_)
        | Resource::Practitioner(_)
        | Resource::OperationOutcome(_)
        | Resource::CapabilityStatement(_)
        | Resource::Bundle(_)
        | Resource::Unread(_) => Ok(Mapped::Skip("not patient data".into())),
    }
}

fn meta_of(resource: &Resource) -> Option<&crate::model::Meta> {
    match resource {
        Resource::Observation(r) => r.meta.as_ref(),
        Resource::Condition(r) => r.meta.as_ref(),
        Resource::RiskAssessment(r) => r.meta.as_ref(),
        Resource::CarePlan(r) => r.meta.as_ref(),
        Resource::Appointment(r) => r.meta.as_ref(),
        Resource::Encounter(r) => r.meta.as_ref(),
        Resource::ServiceRequest(r) => r.meta.as_ref(),
        Resource::MedicationStatement(r) => r.meta.as_ref(),
        Resource::Procedure(r) => r.meta.as_ref(),
        Resource::Flag(r) => r.meta.as_ref(),
        Resource::QuestionnaireResponse(r) => r.meta.as_ref(),
        Resource::Patient(r) => r.meta.as_ref(),
        Resource::Bundle(r) => r.meta.as_ref(),
        Resource::Practitioner(_)
        | Resource::OperationOutcome(_)
        | Resource::CapabilityStatement(_)
        | Resource::Unread(_) => None,
    }
}
