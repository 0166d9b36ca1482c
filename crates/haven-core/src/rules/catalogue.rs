//! The rule catalogue: every care rule's stable id, guidance section, version and wording.
//!
//! The ids are a contract (docs/rules.md, written from this table): they appear in worklist JSON, CDS Hooks cards and
//! reports. [`RuleId::id`] is the only place the strings are written; the catalogue table
//! lists the rules in the same order as [`RuleId::ALL`] (a test checks), so looking a rule's
//! information up is an index, not a search.

use std::fmt;

use super::Urgency;
use crate::record::{EntryKind, Visibility};

/// A care rule (docs/rules.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    ContinuityNoNamedClinician,
    FollowupOverdue,
    FollowupDnaOutreach,
    InterpreterNeedUnknown,
    InterpreterBook,
    InterpreterFlagMissing,
    AdviceWellbeingNotGiven,
    AdviceWellbeingReinforce,
    SocialSupportOrg,
    SocialPrescribing,
    ReferralNoResponse,
    PsychConsiderReferral,
    PsychTraumaFocusTiming,
    PsychMedicationFollowup,
    PsychMedicationWithoutTherapy,
    RiskReassessAfterEvent,
    RiskAssessNow,
    RiskSafetyPlan,
    RiskPossibleRelapse,
    SomaticExplorePsychological,
    ScreeningHepatitisB,
    ScreeningHepatitisC,
    ScreeningHiv,
    SexualHealthReferral,
    CodingAbuseUncoded,
    CodingAsylumStatusUncoded,
}

impl RuleId {
    /// Every rule, in catalogue order (by guidance section).
    pub const ALL: &'static [RuleId] = &[
        Self::ContinuityNoNamedClinician,
        Self::FollowupOverdue,
        Self::FollowupDnaOutreach,
        Self::InterpreterNeedUnknown,
        Self::InterpreterBook,
        Self::InterpreterFlagMissing,
        Self::AdviceWellbeingNotGiven,
        Self::AdviceWellbeingReinforce,
        Self::SocialSupportOrg,
        Self::SocialPrescribing,
        Self::ReferralNoResponse,
        Self::PsychConsiderReferral,
        Self::PsychTraumaFocusTiming,
        Self::PsychMedicationFollowup,
        Self::PsychMedicationWithoutTherapy,
        Self::RiskReassessAfterEvent,
        Self::RiskAssessNow,
        Self::RiskSafetyPlan,
        Self::RiskPossibleRelapse,
        Self::SomaticExplorePsychological,
        Self::ScreeningHepatitisB,
        Self::ScreeningHepatitisC,
        Self::ScreeningHiv,
        Self::SexualHealthReferral,
        Self::CodingAbuseUncoded,
        Self::CodingAsylumStatusUncoded,
    ];

    /// The stable id, e.g. `risk.reassess-after-event`.
    pub fn id(self) -> &'static str {
        match self {
            Self::ContinuityNoNamedClinician => "continuity.no-named-clinician",
            Self::FollowupOverdue => "followup.overdue",
            Self::FollowupDnaOutreach => "followup.dna-outreach",
            Self::InterpreterNeedUnknown => "interpreter.need-unknown",
            Self::InterpreterBook => "interpreter.book",
            Self::InterpreterFlagMissing => "interpreter.flag-missing",
            Self::AdviceWellbeingNotGiven => "advice.wellbeing-not-given",
            Self::AdviceWellbeingReinforce => "advice.wellbeing-reinforce",
            Self::SocialSupportOrg => "social.support-org",
            Self::SocialPrescribing => "social.prescribing",
            Self::ReferralNoResponse => "referral.no-response",
            Self::PsychConsiderReferral => "psych.consider-referral",
            Self::PsychTraumaFocusTiming => "psych.trauma-focus-timing",
            Self::PsychMedicationFollowup => "psych.medication-followup",
            Self::PsychMedicationWithoutTherapy => "psych.medication-without-therapy",
            Self::RiskReassessAfterEvent => "risk.reassess-after-event",
            Self::RiskAssessNow => "risk.assess-now",
            Self::RiskSafetyPlan => "risk.safety-plan",
            Self::RiskPossibleRelapse => "risk.possible-relapse",
            Self::SomaticExplorePsychological => "somatic.explore-psychological",
            Self::ScreeningHepatitisB => "screening.hepatitis-b",
            Self::ScreeningHepatitisC => "screening.hepatitis-c",
            Self::ScreeningHiv => "screening.hiv",
            Self::SexualHealthReferral => "sexual-health.referral",
            Self::CodingAbuseUncoded => "coding.abuse-uncoded",
            Self::CodingAsylumStatusUncoded => "coding.asylum-status-uncoded",
        }
    }

    /// The rule with this id, if there is one (exact match).
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// The rule's catalogue entry.
    pub fn info(self) -> &'static RuleInfo {
        // CATALOGUE follows the declaration order of the enum (checked by a test).
        &CATALOGUE[self as usize]
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What a practice sees about a rule: where it comes from, why it exists and what clears it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: RuleId,
    /// Guidance section, e.g. `§6`.
    pub section: &'static str,
    /// Raised whenever the rule's logic changes, so audits can tell which logic fired.
    pub version: u32,
    /// The urgency every action of this rule carries.
    pub urgency: Urgency,
    pub title: &'static str,
    /// Why the rule exists, in Haven's own words.
    pub rationale: &'static str,
    /// What to record to clear the action, as shown to users.
    pub resolve: &'static str,
    /// The form that resolves the action.
    pub resolve_form: ResolveForm,
    /// Who may see the rule's actions, on the same scale as entries: reasons of sensitive
    /// rules name disclosed abuse, clinical ones name diagnoses, scores or risk.
    pub visibility: Visibility,
}

/// Where a user goes to resolve an action: the patient's details, a new entry of one kind, or
/// the booking of an interpreter for an appointment already planned, or the patient's referrals
/// (to record a service's answer on one already made).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolveForm {
    /// The demographics form (the named clinician, the main language).
    PatientDetails,
    Entry(EntryKind),
    /// The interpreter booking of the appointment the action names (an amendment of that
    /// planned contact, never a new one: see [`super::contacts_needing_interpreter`]).
    InterpreterBooking,
    Referrals,
}

/// Every rule's catalogue entry, in [`RuleId::ALL`] order.
pub fn catalogue() -> &'static [RuleInfo] {
    &CATALOGUE
}

use EntryKind as K;
use ResolveForm::{Entry, InterpreterBooking, PatientDetails, Referrals};
use RuleId as R;
use Urgency::{Info, Routine, Soon, Urgent};

/// The version of each rule a referral resolves, since referrals have a status trail (issue 14):
/// a draft, or a referral the service declined, no longer resolves it; an accepted or seen one
/// does; a referral counts from the day it was started, at the status it had on the day.
const REFERRAL_STATUSES: u32 = 2;

static CATALOGUE: [RuleInfo; 26] = [
    RuleInfo {
        id: R::ContinuityNoNamedClinician,
        section: "§1",
        version: 1,
        urgency: Routine,
        title: "Name a lead clinician",
        rationale: "Trust grows with one clinician or a small team who knows the person; naming one makes continuity possible.",
        resolve: "Record the named lead clinician on the patient's details.",
        visibility: Visibility::Administrative,
        resolve_form: PatientDetails,
    },
    RuleInfo {
        id: R::FollowupOverdue,
        section: "§1",
        // 2: a next review agreed in a risk review that passes with no contact is overdue
        // from that date, whatever the policy interval would say.
        version: 2,
        urgency: Soon,
        title: "Follow-up contact overdue",
        rationale: "Regular, frequent contact is what treatment rests on; the interval shortens after bad news, with suicidal thoughts or new medication, and a review date agreed with the person is kept to.",
        resolve: "Record an attended contact (encounter).",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Encounter),
    },
    RuleInfo {
        id: R::FollowupDnaOutreach,
        section: "§1",
        // 2: an outreach that got through to the person resolves it; attempts are named.
        version: 2,
        urgency: Soon,
        title: "Reach out after a missed appointment",
        rationale: "A missed appointment can mean fear, a move, or a crisis; reaching out keeps the relationship going.",
        resolve: "Record the outreach and its outcome, and book a new appointment.",
        visibility: Visibility::Administrative,
        resolve_form: Entry(K::Outreach),
    },
    RuleInfo {
        id: R::InterpreterNeedUnknown,
        section: "§2",
        version: 1,
        urgency: Soon,
        title: "Record language and interpreter need",
        rationale: "Language support is a right; it can only be arranged when the main language and the need are known.",
        resolve: "Record the main spoken language and whether an interpreter is needed.",
        visibility: Visibility::Administrative,
        resolve_form: PatientDetails,
    },
    RuleInfo {
        id: R::InterpreterBook,
        section: "§2",
        version: 1,
        urgency: Soon,
        title: "Book an interpreter",
        rationale: "An appointment without the interpreter the person needs is a wasted or unsafe appointment.",
        resolve: "Book an interpreter for the appointment.",
        visibility: Visibility::Administrative,
        resolve_form: InterpreterBooking,
    },
    RuleInfo {
        id: R::InterpreterFlagMissing,
        section: "§2",
        version: 1,
        urgency: Routine,
        title: "Flag the interpreter need",
        rationale: "A communication flag makes the need visible to everyone who opens the record, not only to whoever recorded it.",
        resolve: "Add the interpreter-needed flag.",
        visibility: Visibility::Administrative,
        resolve_form: Entry(K::Flag),
    },
    RuleInfo {
        id: R::AdviceWellbeingNotGiven,
        section: "§3",
        version: 1,
        urgency: Routine,
        title: "Give wellbeing advice",
        rationale: "Everyone benefits from simple advice on eating, activity outdoors, social contact and sleep.",
        resolve: "Record that wellbeing advice was given.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Advice),
    },
    RuleInfo {
        id: R::AdviceWellbeingReinforce,
        section: "§3",
        version: 1,
        urgency: Routine,
        title: "Reinforce wellbeing advice",
        rationale: "Advice often needs repeating, especially while someone is unwell.",
        resolve: "Record that wellbeing advice was given again.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Advice),
    },
    RuleInfo {
        id: R::SocialSupportOrg,
        section: "§4",
        version: REFERRAL_STATUSES,
        urgency: Routine,
        title: "Connect with a refugee support organisation",
        rationale: "Support organisations help with practical problems that affect mental health and are a source of company.",
        resolve: "Record a contact or referral to a refugee support organisation, or that the person declined.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Referral),
    },
    RuleInfo {
        id: R::SocialPrescribing,
        section: "§4",
        version: REFERRAL_STATUSES,
        urgency: Routine,
        title: "Consider social prescribing",
        rationale: "Isolation and lost support are near universal; social prescribing opens a way to activity and company.",
        resolve: "Record a social prescribing referral, or that the person declined.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Referral),
    },
    RuleInfo {
        id: R::ReferralNoResponse,
        section: "§4",
        version: 1,
        urgency: Routine,
        title: "Chase a referral with no answer",
        rationale: "Referrals get lost between services, and people seeking asylum move often; a referral with no answer after a few weeks is worth a call, so nobody waits for help that is not coming.",
        resolve: "Record the service's answer on the referral, or that the person did not take it up.",
        visibility: Visibility::Clinical,
        resolve_form: Referrals,
    },
    RuleInfo {
        id: R::PsychConsiderReferral,
        section: "§5",
        version: REFERRAL_STATUSES,
        urgency: Soon,
        title: "Consider psychological therapy",
        rationale: "Structured psychological help, ideally from a service experienced with asylum seekers, can ease symptoms and help people cope with uncertainty.",
        resolve: "Record a psychological therapy referral, or that the person declined.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Referral),
    },
    RuleInfo {
        id: R::PsychTraumaFocusTiming,
        section: "§5",
        version: 1,
        urgency: Info,
        title: "Timing of trauma-focused therapy",
        rationale: "Before leave to remain, trauma-focused therapy may help less and sometimes harm; other psychological input should still be offered, and some people do benefit.",
        resolve: "Information only; it no longer shows once leave to remain is recorded.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Asylum),
    },
    RuleInfo {
        id: R::PsychMedicationFollowup,
        section: "§5",
        version: 1,
        urgency: Soon,
        title: "Follow up new medication",
        rationale: "Medication for symptoms works best with close follow-up inside a trusting relationship.",
        resolve: "Record an attended contact after the start of the medication.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Encounter),
    },
    RuleInfo {
        id: R::PsychMedicationWithoutTherapy,
        section: "§5",
        version: REFERRAL_STATUSES,
        urgency: Routine,
        title: "Medication without psychological therapy",
        rationale: "Even when medication helps, treatment should ideally include psychological therapy.",
        resolve: "Record a psychological therapy referral, or that the person declined.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Referral),
    },
    RuleInfo {
        id: R::RiskReassessAfterEvent,
        section: "§6",
        // 2: an asylum situation of refused, detained or facing removal is itself an event.
        version: 2,
        urgency: Urgent,
        title: "Review risk after a negative event",
        rationale: "Suicide and self-harm risk can rise quickly after a refusal, detention or threatened return, bad news, separation or lost hope.",
        resolve: "Record a suicide and self-harm risk review.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::RiskReview),
    },
    RuleInfo {
        id: R::RiskAssessNow,
        section: "§6",
        version: 1,
        urgency: Urgent,
        title: "Review risk now",
        rationale: "Suicidal thoughts or self-harm have been noted and no risk review has followed.",
        resolve: "Record a suicide and self-harm risk review.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::RiskReview),
    },
    RuleInfo {
        id: R::RiskSafetyPlan,
        section: "§6",
        version: 1,
        urgency: Urgent,
        title: "Make a safety plan",
        rationale: "When a review finds suicidal thoughts, plans or self-harm, a safety plan agreed with the person is the next step.",
        resolve: "Record a safety plan.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::SafetyPlan),
    },
    RuleInfo {
        id: R::RiskPossibleRelapse,
        section: "§6",
        version: 1,
        urgency: Soon,
        title: "Possible relapse",
        rationale: "Depression and PTSD often relapse during the asylum process; a clear rise in scores deserves a conversation.",
        resolve: "Record an attended contact after the rise.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Encounter),
    },
    RuleInfo {
        id: R::SomaticExplorePsychological,
        section: "§7",
        version: 1,
        urgency: Routine,
        title: "Explore psychological causes of pain",
        rationale: "Repeated pain or headaches without a physical cause are common after trauma; asking about mood and circumstances often helps.",
        resolve: "Record a PHQ-15 or PHQ-9, or a psychological enquiry.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Questionnaire),
    },
    RuleInfo {
        id: R::ScreeningHepatitisB,
        section: "§8",
        version: 1,
        urgency: Routine,
        title: "Offer a hepatitis B test",
        rationale: "Torture and sexual violence can transmit blood-borne viruses; testing is offered if not already done.",
        resolve: "Record the offer, the result, or that the person declined.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Screening),
    },
    RuleInfo {
        id: R::ScreeningHepatitisC,
        section: "§8",
        version: 1,
        urgency: Routine,
        title: "Offer a hepatitis C test",
        rationale: "Torture and sexual violence can transmit blood-borne viruses; testing is offered if not already done.",
        resolve: "Record the offer, the result, or that the person declined.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Screening),
    },
    RuleInfo {
        id: R::ScreeningHiv,
        section: "§8",
        version: 1,
        urgency: Routine,
        title: "Offer an HIV test",
        rationale: "Torture and sexual violence can transmit blood-borne viruses; testing is offered if not already done.",
        resolve: "Record the offer, the result, or that the person declined.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Screening),
    },
    RuleInfo {
        id: R::SexualHealthReferral,
        section: "§8",
        version: REFERRAL_STATUSES,
        urgency: Soon,
        title: "Refer for sexual health screening",
        rationale: "After a disclosure of rape or sexual violence, help the person reach full sexual health screening.",
        resolve: "Record a sexual health referral, or that the person declined.",
        visibility: Visibility::Sensitive,
        resolve_form: Entry(K::Referral),
    },
    RuleInfo {
        id: R::CodingAbuseUncoded,
        section: "§9",
        version: 1,
        urgency: Routine,
        title: "Code the disclosed abuse",
        rationale: "Abuse recorded only in free text is easily lost; a coded problem keeps it visible for life.",
        resolve: "Record the kind of abuse as a coded entry.",
        visibility: Visibility::Sensitive,
        resolve_form: Entry(K::Disclosure),
    },
    RuleInfo {
        id: R::CodingAsylumStatusUncoded,
        section: "§9",
        version: 1,
        urgency: Routine,
        title: "Code the asylum situation",
        rationale: "The asylum seeker or refugee code lets searches, reports and other systems see the person's situation.",
        resolve: "Add the asylum seeker or refugee code to the current asylum situation.",
        visibility: Visibility::Clinical,
        resolve_form: Entry(K::Asylum),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules Haven adds beyond the contract's list, each for an issue that asked for it:
    /// `referral.no-response` (issue 14: referrals still waiting after a policy interval come
    /// back to the worklist).
    const ADDED_IDS: [&str; 1] = ["referral.no-response"];

    /// The contract's ids, copied by hand so that a renamed or lost rule fails here.
    const RULES_MD_IDS: [&str; 25] = [
        "continuity.no-named-clinician",
        "followup.overdue",
        "followup.dna-outreach",
        "interpreter.need-unknown",
        "interpreter.book",
        "interpreter.flag-missing",
        "advice.wellbeing-not-given",
        "advice.wellbeing-reinforce",
        "social.support-org",
        "social.prescribing",
        "psych.consider-referral",
        "psych.trauma-focus-timing",
        "psych.medication-followup",
        "psych.medication-without-therapy",
        "risk.reassess-after-event",
        "risk.assess-now",
        "risk.safety-plan",
        "risk.possible-relapse",
        "somatic.explore-psychological",
        "screening.hepatitis-b",
        "screening.hepatitis-c",
        "screening.hiv",
        "sexual-health.referral",
        "coding.abuse-uncoded",
        "coding.asylum-status-uncoded",
    ];

    #[test]
    fn every_rules_md_id_is_in_the_catalogue_exactly_once() {
        for id in RULES_MD_IDS.iter().chain(&ADDED_IDS) {
            let n = catalogue().iter().filter(|r| r.id.id() == *id).count();
            assert_eq!(n, 1, "{id}");
        }
        let known = RULES_MD_IDS.len() + ADDED_IDS.len();
        assert_eq!(catalogue().len(), known);
        assert_eq!(RuleId::ALL.len(), known);
    }

    #[test]
    fn catalogue_follows_enum_order_and_ids_round_trip() {
        for (i, &rule) in RuleId::ALL.iter().enumerate() {
            assert_eq!(rule as usize, i, "{rule}");
            assert_eq!(catalogue()[i].id, rule);
            assert_eq!(rule.info().id, rule);
            assert_eq!(RuleId::parse(rule.id()), Some(rule));
        }
        assert_eq!(RuleId::parse("risk.Assess-now"), None);
    }

    #[test]
    fn sections_match_the_id_prefixes() {
        for info in catalogue() {
            let prefix = info.id.id().split('.').next().unwrap_or_default();
            let expected = match prefix {
                "continuity" | "followup" => "§1",
                "interpreter" => "§2",
                "advice" => "§3",
                "social" | "referral" => "§4",
                "psych" => "§5",
                "risk" => "§6",
                "somatic" => "§7",
                "screening" | "sexual-health" => "§8",
                "coding" => "§9",
                other => panic!("unexpected prefix {other}"),
            };
            assert_eq!(info.section, expected, "{}", info.id);
            assert!(!info.title.is_empty() && !info.rationale.is_empty());
            assert!(info.resolve.ends_with('.'), "{}", info.id);
            let sensitive = info.visibility == Visibility::Sensitive;
            assert_eq!(
                sensitive,
                matches!(info.id, R::SexualHealthReferral | R::CodingAbuseUncoded),
                "{}",
                info.id
            );
        }
    }
}
