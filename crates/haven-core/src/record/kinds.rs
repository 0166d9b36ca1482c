//! The kinds of clinical entry and their coded values. Each coded value has a stable id (the
//! same string as Haven's FHIR code systems), a label for people, and — where one is verified —
//! a terminology key into `codes.tsv`.

use super::{InterpreterGender, Referral, Visibility};
use crate::instruments::{Instrument, Score, ScoreError, ScoringOptions, score_recorded};
use crate::{Date, LanguageTag};

/// A closed list of coded values, as every `coded!` enum is: what a form needs to offer one as
/// a choice, read it back by id and show it.
pub trait Coded: Copy + PartialEq + 'static {
    /// Every value, in the order they are offered.
    const ALL: &'static [Self];
    /// The stable code, as in Haven's FHIR code system.
    fn id(self) -> &'static str;
    fn label(self) -> &'static str;
    fn parse(id: &str) -> Option<Self>;
}

/// Declares an enum of coded values with `id`, `label`, `parse` and `ALL` (also as [`Coded`]).
macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $id:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum $name {
            $(#[cfg_attr(feature = "serde", serde(rename = $id))] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code, as in Haven's FHIR code system.
            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn parse(id: &str) -> Option<Self> {
                match id { $($id => Some($name::$variant),)+ _ => None }
            }
        }

        impl Coded for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn id(self) -> &'static str {
                $name::id(self)
            }

            fn label(self) -> &'static str {
                $name::label(self)
            }

            fn parse(id: &str) -> Option<Self> {
                $name::parse(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

/// For the other record modules (`referral.rs`) and the directory, which declare coded values
/// the same way.
pub(crate) use coded;

coded!(
    /// Asylum situation (Haven code system `asylum-status`).
    AsylumStatus {
        ClaimLodged = "claim-lodged", "Claim lodged";
        AwaitingDecision = "awaiting-decision", "Awaiting decision";
        Refused = "refused", "Claim refused";
        Appeal = "appeal", "Appeal lodged";
        GrantedRefugee = "granted-refugee", "Granted refugee status";
        GrantedHumanitarian = "granted-humanitarian", "Granted humanitarian protection";
        GrantedOther = "granted-other", "Granted other leave to remain";
        Detained = "detained", "Detained";
        FacingRemoval = "facing-removal", "Facing removal";
    }
);

impl AsylumStatus {
    /// Granted statuses end the uncertainty that keeps review intervals short (§1, §5).
    pub fn is_granted(self) -> bool {
        matches!(
            self,
            Self::GrantedRefugee | Self::GrantedHumanitarian | Self::GrantedOther
        )
    }

    /// The most specific verified SNOMED CT concept for this status.
    pub fn snomed_key(self) -> &'static str {
        match self {
            Self::ClaimLodged | Self::AwaitingDecision | Self::Appeal => "asylum.awaiting-decision",
            Self::Refused => "asylum.refused",
            Self::GrantedRefugee => "asylum.refugee",
            Self::GrantedHumanitarian => "asylum.humanitarian-protection",
            Self::GrantedOther => "asylum.discretionary-leave",
            Self::Detained | Self::FacingRemoval => "asylum.seeker",
        }
    }
}

coded!(
    /// Negative life events (docs/rules.md §6); each one calls for a risk review.
    LifeEventKind {
        AsylumRefused = "asylum-refused", "Asylum claim refused";
        AppealDismissed = "appeal-dismissed", "Appeal dismissed";
        BadNewsFromHome = "bad-news-from-home", "Bad news from home";
        SeparatedFromSupport = "separated-from-support", "Separated from friends or support";
        FacingReturn = "facing-return", "Facing return or removal";
        LossOfHope = "loss-of-hope", "Loss of hope";
        EvictionOrDestitution = "eviction-or-destitution", "Eviction or destitution";
        OtherNegative = "other-negative", "Other negative development";
    }
);

coded!(
    /// Human rights abuses disclosed (Haven code system `abuse-history`).
    AbuseKind {
        Torture = "torture", "Torture";
        SexualViolence = "sexual-violence", "Rape or sexual violence";
        Trafficking = "trafficking", "Human trafficking";
        ModernSlavery = "modern-slavery", "Modern slavery";
        Detention = "detention", "Detention";
        Fgm = "fgm", "Female genital mutilation";
        Persecution = "persecution", "Persecution";
        WitnessedViolence = "witnessed-violence", "Witnessed killing or violence";
        OtherAbuse = "other-abuse", "Other abuse";
    }
);

impl AbuseKind {
    /// Verified SNOMED CT key where one exists; the rest use Haven's code system only.
    pub fn snomed_key(self) -> Option<&'static str> {
        match self {
            Self::Trafficking => Some("abuse.trafficking"),
            Self::ModernSlavery => Some("abuse.modern-slavery"),
            Self::Detention => Some("abuse.detention-irc"),
            _ => None,
        }
    }
}

coded!(
    /// Coded problems that the rules read (§5, §6, §4).
    ProblemKind {
        Ptsd = "ptsd", "Post-traumatic stress disorder";
        ComplexPtsd = "complex-ptsd", "Complex PTSD";
        ChronicPtsd = "chronic-ptsd", "Chronic PTSD";
        Depression = "depression", "Depressive disorder";
        MajorDepression = "major-depression", "Major depressive disorder";
        SuicidalThoughts = "suicidal-thoughts", "Suicidal thoughts";
        SelfHarm = "self-harm", "Self-harm";
        SocialIsolation = "social-isolation", "Social isolation";
        FeelingLonely = "feeling-lonely", "Feeling lonely";
        LivesAlone = "lives-alone", "Lives alone";
    }
);

impl ProblemKind {
    pub fn snomed_key(self) -> &'static str {
        match self {
            Self::Ptsd => "problem.ptsd",
            Self::ComplexPtsd => "problem.complex-ptsd",
            Self::ChronicPtsd => "problem.chronic-ptsd",
            Self::Depression => "problem.depression",
            Self::MajorDepression => "problem.major-depression",
            Self::SuicidalThoughts => "problem.suicidal-thoughts",
            Self::SelfHarm => "problem.self-harm",
            Self::SocialIsolation => "problem.social-isolation",
            Self::FeelingLonely => "problem.feeling-lonely",
            Self::LivesAlone => "problem.lives-alone",
        }
    }

    pub fn is_ptsd(self) -> bool {
        matches!(self, Self::Ptsd | Self::ComplexPtsd | Self::ChronicPtsd)
    }

    pub fn is_mental_health(self) -> bool {
        self.is_ptsd() || matches!(self, Self::Depression | Self::MajorDepression)
    }
}

coded!(
    /// How language support was provided at an encounter (Haven code system `interpreter-use`).
    InterpreterUse {
        ProfessionalTelephone = "professional-telephone", "Professional interpreter by telephone";
        ProfessionalVideo = "professional-video", "Professional interpreter by video";
        ProfessionalInPerson = "professional-in-person", "Professional interpreter in person";
        FamilyOrFriend = "family-or-friend", "Family member or friend interpreted";
        NoInterpreter = "none", "No interpreter";
        NotNeeded = "not-needed", "Not needed";
    }
);

impl InterpreterUse {
    pub fn is_professional(self) -> bool {
        matches!(
            self,
            Self::ProfessionalTelephone | Self::ProfessionalVideo | Self::ProfessionalInPerson
        )
    }
}

coded!(
    /// Somatic complaints at an encounter (§7), each with a verified SNOMED CT code.
    SomaticComplaint {
        Headache = "headache", "Headache";
        ChronicHeadache = "chronic-headache", "Chronic headache";
        BackPain = "back-pain", "Back pain";
        ChronicBackPain = "chronic-back-pain", "Chronic back pain";
        ChronicPain = "widespread-pain", "Chronic or widespread pain";
    }
);

impl SomaticComplaint {
    pub fn snomed_key(self) -> &'static str {
        match self {
            Self::Headache => "somatic.headache",
            Self::ChronicHeadache => "somatic.chronic-headache",
            Self::BackPain => "somatic.backache",
            Self::ChronicBackPain => "somatic.chronic-back-pain",
            Self::ChronicPain => "somatic.chronic-pain",
        }
    }
}

coded!(
    /// Planned contact outcome (FHIR `Appointment.status`).
    ContactStatus {
        Booked = "booked", "Booked";
        Attended = "fulfilled", "Attended";
        DidNotAttend = "noshow", "Did not attend";
        Cancelled = "cancelled", "Cancelled";
    }
);

coded!(
    /// How a booked interpreter will take part (Haven code system `interpreter-mode`).
    InterpreterMode {
        Telephone = "telephone", "By telephone";
        Video = "video", "By video";
        InPerson = "in-person", "In person";
    }
);

impl InterpreterMode {
    /// How language support was given at a consultation when this booking was kept.
    pub fn interpreter_use(self) -> InterpreterUse {
        match self {
            Self::Telephone => InterpreterUse::ProfessionalTelephone,
            Self::Video => InterpreterUse::ProfessionalVideo,
            Self::InPerson => InterpreterUse::ProfessionalInPerson,
        }
    }
}

coded!(
    /// How the practice reached out after a missed contact (Haven code system
    /// `outreach-method`). Letters and texts go in the person's language (§1, §2).
    OutreachMethod {
        PhoneWithInterpreter = "phone-interpreter", "Phone call with an interpreter";
        Phone = "phone", "Phone call (no interpreter needed)";
        TextMessage = "text-message", "Text message in the person’s language";
        Letter = "letter", "Letter in the person’s language";
        SupportOrganisation = "support-organisation", "Through a support organisation or key worker";
    }
);

coded!(
    /// What came of an outreach (Haven code system `outreach-outcome`).
    OutreachOutcome {
        ContactMade = "contact-made", "Spoke with the person";
        DeclinedAppointment = "declined", "Spoke with the person, who does not want an appointment now";
        MessageLeft = "message-left", "Message left or sent, no reply yet";
        NoAnswer = "no-answer", "No answer";
        Unreachable = "unreachable", "Could not be reached (number or address not in use)";
    }
);

impl OutreachOutcome {
    /// Whether the practice got through to the person: what resolves `followup.dna-outreach`
    /// ("contact made", RULES.md §1). An attempt that did not get through leaves it open.
    pub fn contact_made(self) -> bool {
        matches!(self, Self::ContactMade | Self::DeclinedAppointment)
    }
}

coded!(
    SuicidalThoughts {
        None = "none", "None";
        Passive = "passive", "Passive (wishes to be dead, no intent)";
        Active = "active", "Active";
    }
);

coded!(
    /// Blood-borne virus tests offered under §8 (Haven code system `screening`).
    ScreeningTest {
        HepatitisB = "hepatitis-b", "Hepatitis B";
        HepatitisC = "hepatitis-c", "Hepatitis C";
        Hiv = "hiv", "HIV";
    }
);

coded!(
    ScreeningStatus {
        Offered = "offered", "Offered";
        Accepted = "accepted", "Accepted";
        Declined = "declined", "Declined";
        ResultNegative = "result-negative", "Result: negative";
        ResultPositive = "result-positive", "Result: positive";
    }
);

coded!(
    /// Referral destinations (Haven code system `referral-type`).
    ReferralType {
        PsychologicalTherapy = "psychological-therapy", "Psychological therapy";
        SpecialistTrauma = "specialist-trauma", "Specialist trauma service";
        TalkingTherapies = "talking-therapies", "NHS Talking Therapies";
        SocialPrescribing = "social-prescribing", "Social prescribing";
        RefugeeSupport = "refugee-support", "Refugee support organisation";
        SexualHealth = "sexual-health", "Sexual health";
        Other = "other", "Another service";
    }
);

impl ReferralType {
    /// Referrals that count as psychological therapy for §5.
    pub fn is_psychological(self) -> bool {
        matches!(
            self,
            Self::PsychologicalTherapy | Self::SpecialistTrauma | Self::TalkingTherapies
        )
    }

    pub fn snomed_key(self) -> Option<&'static str> {
        match self {
            Self::SocialPrescribing => Some("referral.social-prescribing"),
            Self::PsychologicalTherapy => Some("referral.psychologist"),
            _ => None,
        }
    }
}

coded!(
    /// Where a referral stands (Haven code system `referral-status`). `declined` is the
    /// person's decision; a service that turns the referral down is `service-declined`.
    /// `completed` is kept for referrals recorded before the service's answer was tracked.
    ReferralStatus {
        Drafted = "drafted", "Drafted, not sent";
        Sent = "sent", "Sent";
        Accepted = "accepted", "Accepted by the service";
        Seen = "seen", "Seen by the service";
        Completed = "completed", "Completed";
        Declined = "declined", "Declined by the person";
        ServiceDeclined = "service-declined", "Declined by the service";
        NotTakenUp = "not-taken-up", "Not taken up";
    }
);

coded!(
    AdviceKind {
        Wellbeing = "wellbeing-advice", "Wellbeing advice";
        PsychologicalEnquiry = "psychological-enquiry", "Psychological enquiry";
    }
);

coded!(
    /// Topics of wellbeing advice (§3).
    AdviceTopic {
        EatingWell = "eating-well", "Eating well";
        OutdoorsAndActive = "outdoors-active", "Being outdoors and active";
        SocialContact = "social-contact", "Social contact";
        Sleep = "sleep", "Sleep";
    }
);

coded!(
    FlagKind {
        InterpreterNeeded = "interpreter-needed", "Interpreter needed";
        SensitiveHistory = "sensitive-history", "Sensitive history";
    }
);

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AsylumSituation {
    pub status: AsylumStatus,
    /// When this situation began.
    pub since: Date,
    /// Whether the record carries the asylum seeker / refugee SNOMED CT code (§9). Haven codes
    /// what it records itself; imported or migrated entries may lack it.
    pub coded: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Disclosure {
    /// `None` when recorded as free text only (rule `coding.abuse-uncoded`).
    pub kind: Option<AbuseKind>,
    pub disclosed: Date,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LifeEvent {
    pub kind: LifeEventKind,
    pub date: Date,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Problem {
    pub kind: ProblemKind,
    pub onset: Date,
    pub resolved: Option<Date>,
    pub note: String,
}

/// A contact that happened (attended).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Encounter {
    pub date: Date,
    pub interpreter: InterpreterUse,
    pub somatic_complaints: Vec<SomaticComplaint>,
    /// A physical cause was found for the somatic complaints (§7).
    pub physical_cause_found: bool,
    pub suicidal_thoughts_noted: bool,
    pub self_harm_noted: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlannedContact {
    pub date: Date,
    pub status: ContactStatus,
    pub interpreter_booked: bool,
    pub purpose: String,
    /// Who was booked and how, when the booking was recorded in Haven (§2). Contacts booked
    /// before, or imported with only the `interpreter-booked` flag, have none; a booking is only
    /// ever recorded with `interpreter_booked` set (`validate_entry`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub interpreter: Option<InterpreterBooking>,
}

/// An interpreter booked for a planned contact: how, in what language, with whom.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InterpreterBooking {
    pub mode: InterpreterMode,
    pub language: LanguageTag,
    /// Empty when no dialect was asked for.
    pub dialect: String,
    /// The interpreter gender asked for, where the person has a preference.
    pub gender: Option<InterpreterGender>,
    /// The interpreting service or interpreter booked.
    pub booked_with: String,
    /// The service's booking reference; empty when it gave none.
    pub reference: String,
}

/// Reaching out to someone after a missed contact (§1): how, and what came of it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Outreach {
    pub date: Date,
    pub method: OutreachMethod,
    pub outcome: OutreachOutcome,
    /// Administrative note (reception sees it), for example the number tried.
    pub note: String,
}

/// A questionnaire result. Entered in Haven, every item is answered and the score is derived
/// from the answers. Recorded elsewhere, it may hold only its total, or the total with some
/// items (typically PHQ-9 item 9): the total is kept exactly as recorded, never re-derived, and
/// the entry is shown as "items not recorded".
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuestionnaireResult {
    pub instrument: Instrument,
    pub date: Date,
    /// Item answers in published order, `None` where the item was not recorded; nothing after
    /// the last one recorded. (Stored as before: a list of numbers, `null` for a missing item.)
    pub answers: Vec<Option<u8>>,
    /// The total as another system recorded it, when items are missing. `None` when every item
    /// is answered (the total is then the items' sum, checked on import) or no total came.
    #[cfg_attr(feature = "serde", serde(default))]
    pub recorded_total: Option<u8>,
}

impl QuestionnaireResult {
    /// A result with every item answered, as entered in Haven.
    pub fn answered(instrument: Instrument, date: Date, answers: &[u8]) -> Self {
        Self {
            instrument,
            date,
            answers: answers.iter().copied().map(Some).collect(),
            recorded_total: None,
        }
    }

    /// A result as recorded elsewhere: whichever items came, and the total if one came. A total
    /// that comes with every item and equals their total is left to be derived, so the same
    /// result reads the same however it arrived; any other total is kept, for validation to
    /// accept or refuse.
    pub fn recorded(
        instrument: Instrument,
        date: Date,
        mut answers: Vec<Option<u8>>,
        total: Option<u8>,
    ) -> Self {
        while answers.last() == Some(&None) {
            answers.pop();
        }
        let mut result = Self {
            instrument,
            date,
            answers,
            recorded_total: None,
        };
        let derived = if result.items_missing() {
            None
        } else {
            result
                .score(&ScoringOptions::default())
                .ok()
                .and_then(|s| s.total())
        };
        if derived.is_none() || total != derived {
            result.recorded_total = total;
        }
        result
    }

    /// Whether any required item was not recorded ("items not recorded").
    pub fn items_missing(&self) -> bool {
        (0..self.instrument.item_count())
            .any(|index| self.answers.get(index).copied().flatten().is_none())
    }

    /// The score: from the answers when every item is there, otherwise the recorded total
    /// with whichever items came (see [`crate::instruments::score_recorded`]).
    pub fn score(&self, options: &ScoringOptions) -> Result<Score, ScoreError> {
        score_recorded(self.instrument, &self.answers, self.recorded_total, options)
    }
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RiskReview {
    pub date: Date,
    pub suicidal_thoughts: SuicidalThoughts,
    pub plans_or_intent: bool,
    pub recent_self_harm: bool,
    pub stressors: String,
    pub protective_factors: String,
    pub formulation: String,
    pub next_review: Option<Date>,
}

impl RiskReview {
    /// Thoughts (passive or active), plans, intent or recent self-harm: a safety plan is due.
    pub fn needs_safety_plan(&self) -> bool {
        self.suicidal_thoughts != SuicidalThoughts::None
            || self.plans_or_intent
            || self.recent_self_harm
    }
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SafetyPlan {
    pub date: Date,
    pub warning_signs: String,
    pub coping_strategies: String,
    pub people_and_places: String,
    pub professionals_and_crisis: String,
    pub safer_surroundings: String,
    pub reasons_for_living: String,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Screening {
    pub test: ScreeningTest,
    pub status: ScreeningStatus,
    pub date: Date,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Medication {
    pub name: String,
    pub started: Date,
    pub stopped: Option<Date>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Advice {
    pub kind: AdviceKind,
    pub date: Date,
    pub topics: Vec<AdviceTopic>,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Flag {
    pub kind: FlagKind,
    pub date: Date,
}

/// The content of one clinical entry.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum EntryBody {
    Asylum(AsylumSituation),
    Disclosure(Disclosure),
    LifeEvent(LifeEvent),
    Problem(Problem),
    Encounter(Encounter),
    PlannedContact(PlannedContact),
    Questionnaire(QuestionnaireResult),
    RiskReview(RiskReview),
    SafetyPlan(SafetyPlan),
    Screening(Screening),
    Referral(Referral),
    Medication(Medication),
    Advice(Advice),
    Flag(Flag),
    Outreach(Outreach),
}

coded!(
    /// The kinds of clinical entry, one per [`EntryBody`] variant. The id is stable: URLs, the
    /// database and the audit log use it; the label names the kind on pages.
    EntryKind {
        Asylum = "asylum", "Asylum situation";
        Disclosure = "disclosure", "Human rights abuse disclosed";
        LifeEvent = "life-event", "Life event";
        Problem = "problem", "Problem";
        Encounter = "encounter", "Consultation";
        PlannedContact = "planned-contact", "Planned contact";
        Questionnaire = "questionnaire", "Questionnaire";
        RiskReview = "risk-review", "Suicide and self-harm risk review";
        SafetyPlan = "safety-plan", "Safety plan";
        Screening = "screening", "Screening";
        Referral = "referral", "Referral";
        Medication = "medication", "Medication";
        Advice = "advice", "Advice";
        Flag = "flag", "Flag";
        Outreach = "outreach", "Outreach after a missed contact";
    }
);

impl EntryKind {
    /// Who may see entries of this kind: receptionists see administrative ones only (they
    /// book appointments and need the flags); sensitive history is for clinical roles only.
    pub fn visibility(self) -> Visibility {
        self.access().0
    }

    /// Whether entries of this kind are sensitive history, which leaves Haven only in an
    /// export that asks for it.
    pub fn is_sensitive(self) -> bool {
        self.visibility() == Visibility::Sensitive
    }

    /// Who may record and amend entries of this kind, on the same scale as [`Self::visibility`]:
    /// `Administrative` where reception staff may (planned contacts, with their interpreter
    /// booking, and outreach after a missed one), `Clinical` for every kind that records care.
    pub fn recorded_by(self) -> Visibility {
        self.access().1
    }

    /// `(who sees it, who records it)`: one row per kind, so a new kind settles both.
    fn access(self) -> (Visibility, Visibility) {
        use Visibility::{Administrative, Clinical, Sensitive};
        match self {
            Self::Asylum => (Clinical, Clinical),
            Self::Disclosure => (Sensitive, Clinical),
            Self::LifeEvent => (Clinical, Clinical),
            Self::Problem => (Clinical, Clinical),
            Self::Encounter => (Clinical, Clinical),
            Self::PlannedContact => (Administrative, Administrative),
            Self::Questionnaire => (Clinical, Clinical),
            Self::RiskReview => (Clinical, Clinical),
            Self::SafetyPlan => (Clinical, Clinical),
            Self::Screening => (Clinical, Clinical),
            Self::Referral => (Clinical, Clinical),
            Self::Medication => (Clinical, Clinical),
            Self::Advice => (Clinical, Clinical),
            // Everyone who opens the record sees the flags; clinicians set them.
            Self::Flag => (Administrative, Clinical),
            // Reception reaches out after missed appointments as much as clinicians do.
            Self::Outreach => (Administrative, Administrative),
        }
    }
}

/// Generates `as_x(&EntryBody) -> Option<&X>` pickers used with `PatientRecord::bodies`.
macro_rules! pickers {
    ($($fn:ident => $variant:ident($ty:ty);)+) => {
        impl EntryBody {
            $(pub fn $fn(&self) -> Option<&$ty> {
                match self { EntryBody::$variant(x) => Some(x), _ => None }
            })+
        }
    };
}

pickers! {
    as_asylum => Asylum(AsylumSituation);
    as_disclosure => Disclosure(Disclosure);
    as_life_event => LifeEvent(LifeEvent);
    as_problem => Problem(Problem);
    as_encounter => Encounter(Encounter);
    as_planned_contact => PlannedContact(PlannedContact);
    as_questionnaire => Questionnaire(QuestionnaireResult);
    as_risk_review => RiskReview(RiskReview);
    as_safety_plan => SafetyPlan(SafetyPlan);
    as_screening => Screening(Screening);
    as_referral => Referral(Referral);
    as_medication => Medication(Medication);
    as_advice => Advice(Advice);
    as_flag => Flag(Flag);
    as_outreach => Outreach(Outreach);
}

impl EntryBody {
    pub fn kind(&self) -> EntryKind {
        match self {
            Self::Asylum(_) => EntryKind::Asylum,
            Self::Disclosure(_) => EntryKind::Disclosure,
            Self::LifeEvent(_) => EntryKind::LifeEvent,
            Self::Problem(_) => EntryKind::Problem,
            Self::Encounter(_) => EntryKind::Encounter,
            Self::PlannedContact(_) => EntryKind::PlannedContact,
            Self::Questionnaire(_) => EntryKind::Questionnaire,
            Self::RiskReview(_) => EntryKind::RiskReview,
            Self::SafetyPlan(_) => EntryKind::SafetyPlan,
            Self::Screening(_) => EntryKind::Screening,
            Self::Referral(_) => EntryKind::Referral,
            Self::Medication(_) => EntryKind::Medication,
            Self::Advice(_) => EntryKind::Advice,
            Self::Flag(_) => EntryKind::Flag,
            Self::Outreach(_) => EntryKind::Outreach,
        }
    }

    /// Stable kind id, as used in URLs and the database.
    pub fn kind_id(&self) -> &'static str {
        self.kind().id()
    }

    /// The clinically meaningful date of the entry (not when it was typed in).
    pub fn date(&self) -> Date {
        match self {
            Self::Asylum(x) => x.since,
            Self::Disclosure(x) => x.disclosed,
            Self::LifeEvent(x) => x.date,
            Self::Problem(x) => x.onset,
            Self::Encounter(x) => x.date,
            Self::PlannedContact(x) => x.date,
            Self::Questionnaire(x) => x.date,
            Self::RiskReview(x) => x.date,
            Self::SafetyPlan(x) => x.date,
            Self::Screening(x) => x.date,
            Self::Referral(x) => x.started(),
            Self::Medication(x) => x.started,
            Self::Advice(x) => x.date,
            Self::Flag(x) => x.date,
            Self::Outreach(x) => x.date,
        }
    }
}

impl EntryBody {
    /// The same entry with every free-text field emptied. The care rules read only coded facts
    /// and dates, so population-wide evaluation works on this smaller form (and so free text
    /// never reaches a worklist by accident).
    pub fn without_free_text(&self) -> EntryBody {
        let mut body = self.clone();
        match &mut body {
            Self::Asylum(x) => x.note.clear(),
            Self::Disclosure(x) => x.note.clear(),
            Self::LifeEvent(x) => x.note.clear(),
            Self::Problem(x) => x.note.clear(),
            Self::Encounter(x) => x.note.clear(),
            Self::PlannedContact(x) => {
                x.purpose.clear();
                if let Some(booking) = &mut x.interpreter {
                    booking.dialect.clear();
                    booking.booked_with.clear();
                    booking.reference.clear();
                }
            }
            Self::RiskReview(x) => {
                x.stressors.clear();
                x.protective_factors.clear();
                x.formulation.clear();
            }
            Self::SafetyPlan(x) => {
                for text in [
                    &mut x.warning_signs,
                    &mut x.coping_strategies,
                    &mut x.people_and_places,
                    &mut x.professionals_and_crisis,
                    &mut x.safer_surroundings,
                    &mut x.reasons_for_living,
                ] {
                    text.clear();
                }
            }
            Self::Referral(x) => x.clear_free_text(),
            Self::Medication(x) => x.name.clear(),
            Self::Advice(x) => x.note.clear(),
            Self::Outreach(x) => x.note.clear(),
            Self::Questionnaire(_) | Self::Screening(_) | Self::Flag(_) => {}
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_where(test: impl Fn(EntryKind) -> bool) -> Vec<&'static str> {
        EntryKind::ALL
            .iter()
            .filter(|&&k| test(k))
            .map(|k| k.id())
            .collect()
    }

    #[test]
    fn each_kind_says_who_sees_it_and_who_records_it() {
        for &kind in EntryKind::ALL {
            assert_eq!(EntryKind::parse(kind.id()), Some(kind));
        }
        assert_eq!(kinds_where(EntryKind::is_sensitive), ["disclosure"]);
        assert_eq!(
            kinds_where(|k| k.visibility() == Visibility::Administrative),
            ["planned-contact", "flag", "outreach"]
        );
        assert_eq!(
            kinds_where(|k| k.recorded_by() == Visibility::Administrative),
            ["planned-contact", "outreach"]
        );
    }
}
