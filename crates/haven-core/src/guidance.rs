//! The ten sections of the clinical guidance leaflet, retold in Haven's own words with what
//! Haven does about each, for the `/guidance/{section}` pages and the "why" link of every
//! action. The leaflet's own sentences are not reproduced; each section lists the rules that
//! put it into practice.

use crate::rules::RuleId;

/// One section of the guidance (§1–§10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuidanceSection {
    pub number: u8,
    /// URL segment, e.g. `interpreters`.
    pub slug: &'static str,
    pub title: &'static str,
    /// The section's message in a sentence or two.
    pub summary: &'static str,
    /// Practical points, including what Haven does.
    pub points: &'static [&'static str],
    /// The care rules that carry the section out.
    pub rules: &'static [RuleId],
}

impl GuidanceSection {
    /// `§6`-style label, as actions cite it.
    pub fn label(&self) -> String {
        format!("§{}", self.number)
    }
}

/// A source of further information named in §10 or in Haven's guidance facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    pub name: &'static str,
    /// Web address where the sources give one.
    pub url: Option<&'static str>,
    pub description: &'static str,
}

/// Every section, §1 to §10 in order.
pub fn sections() -> &'static [GuidanceSection] {
    &SECTIONS
}

/// Section `n` (1–10).
pub fn section(n: u8) -> Option<&'static GuidanceSection> {
    SECTIONS.iter().find(|s| s.number == n)
}

/// Section by slug, for `/guidance/{slug}` links.
pub fn section_by_slug(slug: &str) -> Option<&'static GuidanceSection> {
    SECTIONS.iter().find(|s| s.slug == slug)
}

/// The section a rule comes from.
pub fn section_for(rule: RuleId) -> Option<&'static GuidanceSection> {
    SECTIONS.iter().find(|s| s.rules.contains(&rule))
}

/// Further reading and organisations (§10): the leaflet's references and the directory seeds.
pub fn resources() -> &'static [Resource] {
    &RESOURCES
}

use RuleId as R;

static SECTIONS: [GuidanceSection; 10] = [
    GuidanceSection {
        number: 1,
        slug: "relationship",
        title: "Relationship and follow-up",
        summary: "Being known by one clinician or a small team, and seen often, is itself part of the treatment. Many people fear being thought mad, judged or not believed, and talk about their mental health only once trust has grown.",
        points: &[
            "Name a lead clinician for each person and keep appointments with them where possible (continuity.no-named-clinician).",
            "Keep contact regular: Haven works out a review interval — shorter after bad news, with suicidal thoughts or after new medication, 28 days while the claim is undecided — and lists people whose contact is overdue (followup.overdue).",
            "A next review agreed with the person in a risk review sets the date while it lies ahead. If that date passes and the person has not been seen since the review, Haven shows the contact as overdue from the agreed date, even when the usual interval would allow longer: a missed agreed review is never hidden.",
            "A missed appointment is a reason to reach out, not to discharge: Haven asks for contact within a few days (followup.dna-outreach).",
            "Explain that the practice is not part of the immigration system and that what is said in the consultation stays in the health record.",
        ],
        rules: &[
            R::ContinuityNoNamedClinician,
            R::FollowupOverdue,
            R::FollowupDnaOutreach,
        ],
    },
    GuidanceSection {
        number: 2,
        slug: "interpreters",
        title: "Interpreters",
        summary: "Language support is a right for anyone using NHS care who needs it. A practice that cannot get telephone interpreting should tell its commissioners.",
        points: &[
            "Record the main spoken language, any dialect, whether an interpreter is needed and the preferred interpreter gender (interpreter.need-unknown).",
            "Book the interpreter with the appointment; Haven lists appointments in the next two weeks that still lack one (interpreter.book).",
            "Use professional interpreters rather than family or friends; face to face suits mental-health consultations and difficult news best.",
            "Flag the need on the record so that every member of staff sees it (interpreter.flag-missing).",
            "Haven's interpreter report shows demand and unmet need by language, to take to commissioners.",
        ],
        rules: &[
            R::InterpreterNeedUnknown,
            R::InterpreterBook,
            R::InterpreterFlagMissing,
        ],
    },
    GuidanceSection {
        number: 3,
        slug: "general-advice",
        title: "General advice about mental health",
        summary: "Simple, practical information about wellbeing helps everyone: eating well, time outdoors and being active, company, and attention to sleep. It often needs saying more than once.",
        points: &[
            "Give wellbeing advice early and record the topics covered (advice.wellbeing-not-given).",
            "Repeat it every few months while someone is unwell (advice.wellbeing-reinforce).",
            "Translated wellbeing leaflets exist, for example from Doctors of the World and in the self-help pages of TortureID; Haven prints handouts in the person's language.",
        ],
        rules: &[R::AdviceWellbeingNotGiven, R::AdviceWellbeingReinforce],
    },
    GuidanceSection {
        number: 4,
        slug: "social-interventions",
        title: "Social interventions",
        summary: "Almost everyone seeking asylum has lost their usual support and many are isolated. Local refugee organisations help with practical problems and offer company; social prescribing can open the door to activity and social events.",
        points: &[
            "Make sure the person is in touch with a local refugee support organisation, or knows how to reach one later (social.support-org).",
            "Consider social prescribing when isolation is recorded or after a move or detention separates someone from their support (social.prescribing).",
            "Record a decline too: Haven waits a year before suggesting it again.",
            "Haven's directory lists organisations by the help they give, their area and their languages; the patient page suggests those that fit what is due, and a referral made from it carries the person's consent to share and a printable letter.",
            "A referral sent with no answer from the service comes back to the worklist after four weeks, so nobody waits for help that is not coming (referral.no-response).",
        ],
        rules: &[
            R::SocialSupportOrg,
            R::SocialPrescribing,
            R::ReferralNoResponse,
        ],
    },
    GuidanceSection {
        number: 5,
        slug: "psychological-therapy",
        title: "Psychological therapy and prescribing",
        summary: "Structured psychological help, on top of a steady relationship, can ease symptoms and help people live with the uncertainty of their claim; services experienced with asylum seekers are best placed to give it. Medication for symptoms can help too, with close follow-up, alongside therapy rather than instead of it.",
        points: &[
            "Consider referral after a positive screen (PHQ-9, GAD-7, PCL-5, ITQ, RHS-15) or a coded diagnosis of PTSD, complex PTSD or depression (psych.consider-referral).",
            "Before leave to remain, therapy centred on the trauma may help less and can sometimes make things worse; offer other psychological support meanwhile, and remember that some people do benefit from trauma-focused work while they wait (psych.trauma-focus-timing).",
            "See the person again within two weeks of starting psychotropic medication (psych.medication-followup).",
            "Pair medication with a referral for psychological therapy where the person agrees (psych.medication-without-therapy).",
        ],
        rules: &[
            R::PsychConsiderReferral,
            R::PsychTraumaFocusTiming,
            R::PsychMedicationFollowup,
            R::PsychMedicationWithoutTherapy,
        ],
    },
    GuidanceSection {
        number: 6,
        slug: "prognosis-and-risk",
        title: "Prognosis and risk",
        summary: "Trauma symptoms come and go and are easily set off again by new adversity; the asylum process keeps uncertainty and fear alive, so relapses of depression and PTSD are common. Risk of suicide and self-harm can climb quickly after a setback and should be looked at each time one happens.",
        points: &[
            "Record setbacks as life events — a refusal or dismissed appeal, bad news from home, separation from friends or support, threatened return, loss of hope, eviction — and Haven asks for a risk review within two days (risk.reassess-after-event).",
            "An asylum situation recorded as refused, detained or facing removal counts as such a setback on the date it began, so the risk review is asked for without a separate life event; the same setback recorded both ways counts once.",
            "PHQ-9 item 9 answered above zero, or suicidal thoughts or self-harm noted anywhere, call for a risk review the same day (risk.assess-now).",
            "When a review finds suicidal thoughts, plans or recent self-harm, agree a safety plan (risk.safety-plan).",
            "A clear rise in PHQ-9 or PCL-5 scores prompts a contact to look for relapse (risk.possible-relapse).",
            "Haven's risk review is a structured conversation and formulation, never a low, medium or high label (NICE NG225).",
        ],
        rules: &[
            R::RiskReassessAfterEvent,
            R::RiskAssessNow,
            R::RiskSafetyPlan,
            R::RiskPossibleRelapse,
        ],
    },
    GuidanceSection {
        number: 7,
        slug: "somatic-symptoms",
        title: "Somatic symptoms",
        summary: "Physical symptoms are common after trauma, particularly torture: headaches, back pain and pain that moves or changes. They may come from the injuries, from distress, or both, and people may not link them to how they feel.",
        points: &[
            "When no major physical cause shows, ask about mood, sleep, stress and circumstances.",
            "After repeated visits with pain or headaches and no physical cause, Haven suggests a PHQ-15, a PHQ-9 or a recorded psychological enquiry (somatic.explore-psychological).",
            "Poor sleep and tension often drive chronic headaches; treating them can help.",
        ],
        rules: &[R::SomaticExplorePsychological],
    },
    GuidanceSection {
        number: 8,
        slug: "screening",
        title: "Blood-borne viruses and sexual health",
        summary: "Offer hepatitis B, hepatitis C and HIV tests unless they have already been done: torture and sexual violence can pass on blood-borne viruses, through bleeding wounds and implements as well as sex. After a disclosure of rape, help the person to full sexual health screening.",
        points: &[
            "Haven reminds until each test is offered, done or declined, and offers again a year after a decline (screening.hepatitis-b, screening.hepatitis-c, screening.hiv).",
            "HIV testing and treatment carry no overseas-visitor charges.",
            "After a disclosure of rape or sexual violence, refer to a sexual health service (sexual-health.referral).",
        ],
        rules: &[
            R::ScreeningHepatitisB,
            R::ScreeningHepatitisC,
            R::ScreeningHiv,
            R::SexualHealthReferral,
        ],
    },
    GuidanceSection {
        number: 9,
        slug: "coding-and-flagging",
        title: "Coding and flagging of records",
        summary: "Human rights abuses shape the rest of a person's life, yet they are easily buried in notes. Coded problems keep them visible, and communication flags keep language needs in view.",
        points: &[
            "Record disclosed abuse as a coded problem, not only in free text (coding.abuse-uncoded).",
            "Code the asylum situation so that searches and reports find it (coding.asylum-status-uncoded).",
            "Abuse history is sensitive: Haven shows it to clinical staff only and exports it only when asked to.",
            "The interpreter flag belongs on every record that needs one (interpreter.flag-missing).",
        ],
        rules: &[R::CodingAbuseUncoded, R::CodingAsylumStatusUncoded],
    },
    GuidanceSection {
        number: 10,
        slug: "more-information",
        title: "More information",
        summary: "Further reading and services for clinicians working with people seeking asylum.",
        points: &[
            "TortureID (tortureid.org): information for professionals, with self-help pages for patients.",
            "Seeking Asylum and Mental Health: A Practical Guide for Professionals (2022), edited by Chris Maloney, Alison Summers and Julia Nelki, and its website asylummentalhealth.uk, which links to a wide range of services and resources.",
            "Specialist and support organisations in Haven's directory: Freedom from Torture, Helen Bamber Foundation, Refugee Council, Doctors of the World and British Red Cross.",
        ],
        rules: &[],
    },
];

static RESOURCES: [Resource; 8] = [
    Resource {
        name: "TortureID",
        url: Some("https://tortureid.org"),
        description: "Information for professionals on identifying and supporting survivors of torture, with self-help pages for patients.",
    },
    Resource {
        name: "Asylum Seeker Mental Health resources",
        url: Some("https://asylummentalhealth.uk"),
        description: "The companion website of the 2022 practical guide, linking to services and resources.",
    },
    Resource {
        name: "Seeking Asylum and Mental Health: A Practical Guide for Professionals",
        url: None,
        description: "Book (2022), edited by Chris Maloney, Alison Summers and Julia Nelki.",
    },
    Resource {
        name: "Freedom from Torture",
        url: None,
        description: "Therapy for survivors of torture and medico-legal reports.",
    },
    Resource {
        name: "Helen Bamber Foundation",
        url: None,
        description: "Integrated care for survivors of trafficking and human rights abuses; referral with the person's signed consent.",
    },
    Resource {
        name: "Refugee Council",
        url: None,
        description: "Advice and support for refugees and people seeking asylum.",
    },
    Resource {
        name: "Doctors of the World",
        url: None,
        description: "Help with access to healthcare, Safe Surgeries guidance, and translated wellbeing leaflets.",
    },
    Resource {
        name: "British Red Cross",
        url: None,
        description: "Practical and emotional support for refugees and people seeking asylum.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_sections_in_order_with_unique_slugs() {
        let numbers: Vec<u8> = sections().iter().map(|s| s.number).collect();
        assert_eq!(numbers, (1..=10).collect::<Vec<u8>>());
        for s in sections() {
            assert_eq!(section(s.number), Some(s));
            assert_eq!(section_by_slug(s.slug), Some(s));
            assert!(
                !s.summary.is_empty() && !s.points.is_empty(),
                "§{}",
                s.number
            );
        }
        assert_eq!(section(0), None);
        assert_eq!(section(11), None);
        assert_eq!(
            section(6).map(GuidanceSection::label).as_deref(),
            Some("§6")
        );
    }

    #[test]
    fn every_rule_belongs_to_the_section_it_cites_and_is_mentioned() {
        for &rule in RuleId::ALL {
            let s = section_for(rule).expect("every rule has a section");
            assert_eq!(s.label(), rule.info().section, "{rule}");
            let listed = sections()
                .iter()
                .filter(|s| s.rules.contains(&rule))
                .count();
            assert_eq!(listed, 1, "{rule}");
            assert!(
                s.points.iter().any(|p| p.contains(rule.id())),
                "§{} should mention {rule}",
                s.number
            );
        }
    }

    #[test]
    fn section_ten_names_the_leaflet_resources_and_directory_seeds() {
        let ten = section(10).expect("§10").points.join(" ");
        for needle in [
            "TortureID",
            "asylummentalhealth.uk",
            "Maloney",
            "Summers",
            "Nelki",
            "2022",
            "Freedom from Torture",
            "Helen Bamber Foundation",
            "Refugee Council",
            "Doctors of the World",
            "British Red Cross",
        ] {
            assert!(ten.contains(needle), "{needle}");
            assert!(
                resources().iter().any(|r| r.name.contains(needle)
                    || r.description.contains(needle)
                    || r.url.is_some_and(|u| u.contains(needle))),
                "{needle} in resources()"
            );
        }
    }

    #[test]
    fn no_sentence_of_the_leaflet_is_copied() {
        // Distinctive phrases of the leaflet; Haven's text must paraphrase, not quote.
        let leaflet = [
            "can itself be therapeutic",
            "Fears of madness",
            "right to language support",
            "near universal among people seeking asylum",
            "limited benefits (and sometimes negative effects)",
            "may escalate rapidly",
            "may shift in location and vary in intensity",
            "including through the use of implements",
            "easy to lose this information",
        ];
        for s in sections() {
            let text = format!("{} {}", s.summary, s.points.join(" "));
            for phrase in leaflet {
                assert!(!text.contains(phrase), "§{} quotes {phrase:?}", s.number);
            }
        }
    }
}
