//! Every system and extension URI Haven writes or reads, in one place. SNOMED CT and LOINC
//! codes themselves come only from `haven_core::terminology` (never literals here).

use haven_core::terminology::{Code, HAVEN_BASE};

pub use haven_core::terminology::{LOINC, SNOMED};

pub const NHS_NUMBER: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// The NHS ODS organisation code (UK Core `Organization.identifier:odsOrganisationCode`;
/// MAPPING.md, *Practices*): how a Patient's `managingOrganization` names its practice.
pub const ODS_ORGANIZATION_CODE: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
pub const BCP47: &str = "urn:ietf:bcp:47";
pub const ISO3166: &str = "urn:iso:std:iso:3166";
pub const INTERPRETER_REQUIRED: &str =
    "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";
/// The retired UK Core extension: read on import, never written.
pub const UKCORE_NHS_COMMUNICATION: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication";
pub const CONFIDENTIALITY: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
pub const FLAG_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/flag-category";
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
pub const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
pub const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
pub const CONDITION_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";
pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// The UK Core human-language code system (retired, still sent), its draft address and the
/// Care Connect one before it: ISO 639-1 codes, and `q1`–`q5` for Braille, sign languages
/// and Makaton. Read on import, never written.
pub fn is_uk_human_language(system: &str) -> bool {
    system.ends_with("/UKCore-HumanLanguage")
        || system.ends_with("/CodeSystem-UKCore-HumanLanguage")
        || system.ends_with("/CareConnect-HumanLanguage-1")
}

/// An ISO 639 code system, however it is written (`urn:iso:std:iso:639-2`,
/// `http://terminology.hl7.org/CodeSystem/iso639-3`, …).
pub fn is_iso639(system: &str) -> bool {
    system.to_ascii_lowercase().contains("639")
}

/// `H/CodeSystem/<name>`.
pub fn system(name: &str) -> String {
    format!("{HAVEN_BASE}/CodeSystem/{name}")
}

/// Whether `uri` is `system(name)`, without building it.
pub fn is_system(uri: &str, name: &str) -> bool {
    uri.strip_prefix(HAVEN_BASE)
        .and_then(|rest| rest.strip_prefix("/CodeSystem/"))
        == Some(name)
}

/// `H/StructureDefinition/<name>`.
pub fn extension(name: &str) -> String {
    format!("{HAVEN_BASE}/StructureDefinition/{name}")
}

/// Whether `url` is `extension(name)`, without building it.
pub fn is_extension(url: &str, name: &str) -> bool {
    url.strip_prefix(HAVEN_BASE)
        .and_then(|rest| rest.strip_prefix("/StructureDefinition/"))
        == Some(name)
}

/// `H/Questionnaire/<instrument>`: the canonical of Haven's questionnaire for an instrument.
pub fn questionnaire(instrument: &str) -> String {
    format!("{HAVEN_BASE}/Questionnaire/{instrument}")
}

/// `H/Id/local`: the practice's own patient reference.
pub fn local_id_system() -> String {
    format!("{HAVEN_BASE}/Id/local")
}

/// The `haven` code of a Procedure that records outreach after a missed contact.
pub const OUTREACH_CODE: &str = "dna-outreach";

/// `H/Id/directory`: an organisation in the practice's directory (`org-3`), on a referral's
/// performer.
pub fn directory_id_system() -> String {
    format!("{HAVEN_BASE}/Id/directory")
}

/// `H/Id/user`: a Haven user (the id of a named clinician's Practitioner).
pub fn user_id_system() -> String {
    format!("{HAVEN_BASE}/Id/user")
}

/// UK Core profiles Haven's resources conform to, as their StructureDefinitions give their
/// canonical URLs (NHSDigital/FHIR-R4-UKCORE-STAGING-MAIN, `structuredefinitions/`:
/// UKCore-Patient 2.6.0, UKCore-Practitioner 2.3.0).
pub const UKCORE_PATIENT: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";
pub const UKCORE_PRACTITIONER: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Practitioner";

/// Haven's code systems (each `H/CodeSystem/<name>`).
pub mod cs {
    pub const HAVEN: &str = "haven";
    pub const ASYLUM_STATUS: &str = "asylum-status";
    pub const LIFE_EVENT: &str = "life-event";
    pub const ABUSE_HISTORY: &str = "abuse-history";
    pub const SCREENING: &str = "screening";
    pub const SCREENING_STATUS: &str = "screening-status";
    pub const REFERRAL_TYPE: &str = "referral-type";
    pub const INTERPRETER_USE: &str = "interpreter-use";
    /// Additions of Haven's own (MAPPING.md): score bands, score flags, advice topics.
    pub const SCORE_BAND: &str = "score-band";
    pub const SCORE_FLAG: &str = "score-flag";
    pub const ADVICE_TOPIC: &str = "advice-topic";
    /// On an exported QuestionnaireResponse: the result Observation that carries the same
    /// answers, so that import reads them once even when the two arrive in different files.
    pub const RESULT_OBSERVATION: &str = "result-observation";
    /// How a booked interpreter takes part (`telephone`, `video`, `in-person`).
    pub const INTERPRETER_MODE: &str = "interpreter-mode";
    /// How the practice reached out after a missed contact, and what came of it.
    pub const OUTREACH_METHOD: &str = "outreach-method";
    pub const OUTREACH_OUTCOME: &str = "outreach-outcome";
}

/// Haven's extensions (each `H/StructureDefinition/<name>`); listed in MAPPING.md.
pub mod ext {
    pub const INTERPRETER_GENDER: &str = "interpreter-gender";
    pub const DIALECT: &str = "dialect";
    pub const ACCOMMODATION: &str = "accommodation";
    pub const SUPPORT_CONTACTS: &str = "support-contacts";
    pub const NATIVE_NAME: &str = "native-name";
    pub const CHANGED_BY: &str = "changed-by";
    pub const CHANGE_REASON: &str = "change-reason";
    pub const PRIOR_STATUS: &str = "prior-status";
    pub const NOTE: &str = "note";
    pub const INTERPRETER_USE: &str = "interpreter-use";
    pub const PHYSICAL_CAUSE_FOUND: &str = "physical-cause-found";
    pub const SUICIDAL_THOUGHTS_NOTED: &str = "suicidal-thoughts-noted";
    pub const SELF_HARM_NOTED: &str = "self-harm-noted";
    pub const INTERPRETER_BOOKED: &str = "interpreter-booked";
    pub const SUICIDAL_THOUGHTS: &str = "suicidal-thoughts";
    pub const PLANS_OR_INTENT: &str = "plans-or-intent";
    pub const RECENT_SELF_HARM: &str = "recent-self-harm";
    pub const NEXT_REVIEW: &str = "next-review";
    pub const STRESSORS: &str = "stressors";
    pub const PROTECTIVE_FACTORS: &str = "protective-factors";
    pub const SAFETY_PLAN: &str = "safety-plan";
    pub const REFERRAL_STATUS: &str = "referral-status";
    /// A referral's status trail, interpreter need and consent to share (issue 14).
    pub const REFERRAL_STATUS_DATE: &str = "referral-status-date";
    pub const REFERRAL_STEP: &str = "referral-step";
    pub const REFERRAL_INTERPRETER: &str = "referral-interpreter";
    pub const CONSENT_TO_SHARE: &str = "consent-to-share";
    pub const ADVICE_TOPIC: &str = "advice-topic";
    /// On an exported QuestionnaireResponse: the result Observation that carries the same
    /// answers, so that import reads them once even when the two arrive in different files.
    pub const RESULT_OBSERVATION: &str = "result-observation";
    /// On an Appointment: the interpreter booked, a complex extension of the parts below.
    pub const INTERPRETER_BOOKING: &str = "interpreter-booking";
    /// On a Procedure of outreach after a missed contact: how the practice reached out.
    pub const OUTREACH_METHOD: &str = "outreach-method";
}

/// The parts of the `interpreter-booking` extension (relative URLs, as FHIR complex
/// extensions name theirs).
pub mod booking {
    pub const MODE: &str = "mode";
    pub const LANGUAGE: &str = "language";
    pub const DIALECT: &str = "dialect";
    pub const GENDER: &str = "gender";
    pub const BOOKED_WITH: &str = "bookedWith";
    pub const REFERENCE: &str = "reference";
}

/// A verified code as a FHIR coding.
pub fn verified(code: &Code) -> crate::model::Coding {
    crate::model::Coding::new(code.system.uri(), code.code, code.display)
}

/// A coding in one of Haven's code systems.
pub fn haven(system_name: &str, code: &str, display: &str) -> crate::model::Coding {
    crate::model::Coding::new(system(system_name), code, display)
}
