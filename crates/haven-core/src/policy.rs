//! Practice policy: the *policy* intervals of the care rules (docs/rules.md), the PCL-5
//! cut-point, whether RHS-15 is used, and which rules are switched off — with defaults,
//! validation and descriptions (docs/policy.md).
//!
//! The core parses no configuration files. The application reads its file or settings table
//! and feeds `key = value` pairs through [`Policy::set`] (or [`Policy::from_settings`]), which
//! validates each value and names the key when it refuses one; [`Policy::entries`] lists every
//! setting with its description and default for the admin pages. A `Policy` can only be
//! changed through these checks, so the rules can trust every value in it.
//!
//! Each number has a range that is clinically sensible for it (a two-day review cannot be set to
//! ten years), shown beside it on the admin page; no day count exceeds [`MAX_DAYS`], which keeps
//! all date arithmetic far from the calendar's limits. The intervals are independent settings: a
//! practice may, for example, set the close interval longer than the undecided one, and Haven
//! applies each in its own situation, in the order [`crate::rules::review_interval`] takes them.

use std::collections::BTreeSet;

use crate::instruments::{PCL5_CUTOFF_RANGE, PCL5_DEFAULT_CUTOFF, ScoringOptions};
use crate::rules::RuleId;

/// The longest interval any evaluation uses: ten years.
pub const MAX_DAYS: u32 = 3650;

/// A practice's rule settings. [`Policy::default`] holds the defaults of docs/policy.md.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub(crate) interval_acute_days: u32,
    pub(crate) interval_close_days: u32,
    pub(crate) interval_undecided_days: u32,
    pub(crate) interval_settled_days: u32,
    pub(crate) event_window_days: u32,
    pub(crate) medication_window_days: u32,
    pub(crate) dna_outreach_days: u32,
    pub(crate) booking_window_days: u32,
    pub(crate) book_days_before: u32,
    pub(crate) advice_reinforce_days: u32,
    pub(crate) separation_window_days: u32,
    pub(crate) medication_followup_days: u32,
    pub(crate) reassess_due_days: u32,
    pub(crate) stressor_window_days: u32,
    pub(crate) screening_reoffer_days: u32,
    pub(crate) referral_reoffer_days: u32,
    pub(crate) referral_no_response_days: u32,
    pub(crate) somatic_window_days: u32,
    pub(crate) session_idle_minutes: u32,
    pub(crate) session_max_hours: u32,
    pub(crate) break_glass_minutes: u32,
    pub(crate) pcl5_cutoff: u8,
    pub(crate) rhs15_enabled: bool,
    pub(crate) disabled: BTreeSet<RuleId>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            interval_acute_days: 7,
            interval_close_days: 14,
            interval_undecided_days: 28,
            interval_settled_days: 84,
            event_window_days: 28,
            medication_window_days: 28,
            dna_outreach_days: 3,
            booking_window_days: 14,
            book_days_before: 2,
            advice_reinforce_days: 90,
            separation_window_days: 90,
            medication_followup_days: 14,
            reassess_due_days: 2,
            stressor_window_days: 90,
            screening_reoffer_days: 365,
            referral_reoffer_days: 365,
            referral_no_response_days: 28,
            somatic_window_days: 180,
            session_idle_minutes: 30,
            session_max_hours: 12,
            break_glass_minutes: 30,
            pcl5_cutoff: PCL5_DEFAULT_CUTOFF,
            rhs15_enabled: true,
            disabled: BTreeSet::new(),
        }
    }
}

/// A setting that could not be applied; every message names the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("unknown policy setting {key:?}")]
    UnknownKey { key: String },
    #[error("{key}: {value:?} is not a whole number")]
    NotANumber { key: &'static str, value: String },
    #[error("{key}: {value} is outside the allowed range {min}–{max}")]
    OutOfRange {
        key: &'static str,
        value: i64,
        min: u32,
        max: u32,
    },
    #[error("{key}: {value:?} is neither true nor false")]
    NotABool { key: &'static str, value: String },
    #[error("{key}: {id:?} is not a rule id")]
    UnknownRule { key: &'static str, id: String },
}

/// One setting as the admin pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEntry {
    pub key: &'static str,
    /// The current value, in the form [`Policy::set`] accepts.
    pub value: String,
    pub description: &'static str,
    pub default: String,
    /// The values allowed, for people: "1–28 days", "31–33", "true or false".
    pub allowed: String,
}

/// What a number setting counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Hours,
    Minutes,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Minutes => "minutes",
        }
    }
}

/// A whole-number setting: its key, description, unit, allowed range and field. The range is
/// what is clinically (or, for sessions, securely) sensible, so a mistyped value cannot turn a
/// two-day review into a ten-year one.
struct NumberSetting {
    key: &'static str,
    description: &'static str,
    unit: Unit,
    min: u32,
    max: u32,
    get: fn(&Policy) -> u32,
    set: fn(&mut Policy, u32),
}

pub const KEY_PCL5_CUTOFF: &str = "pcl5.cutoff";
pub const KEY_SESSION_IDLE_MINUTES: &str = "session.idle-minutes";
pub const KEY_SESSION_MAX_HOURS: &str = "session.max-hours";
pub const KEY_RHS15_ENABLED: &str = "rhs15.enabled";
pub const KEY_RULES_DISABLED: &str = "rules.disabled";

const PCL5_DESCRIPTION: &str =
    "PCL-5 total at or above which the screen counts as positive (31–33).";
const RHS15_DESCRIPTION: &str =
    "Whether RHS-15 results are used (switch off where the practice has no licence).";
const DISABLED_DESCRIPTION: &str =
    "Rules switched off for this practice, as comma-separated rule ids.";

static NUMBERS: [NumberSetting; 21] = [
    NumberSetting {
        key: "followup.interval-acute-days",
        description: "Follow-up interval after a recent negative life event, or when the latest risk review recorded active suicidal thoughts, plans or recent self-harm (§1).",
        unit: Unit::Days,
        min: 1,
        max: 28,
        get: |p| p.interval_acute_days,
        set: |p, v| p.interval_acute_days = v,
    },
    NumberSetting {
        key: "followup.interval-close-days",
        description: "Follow-up interval when the latest risk review recorded passive suicidal thoughts, or psychotropic medication started recently (§1).",
        unit: Unit::Days,
        min: 1,
        max: 56,
        get: |p| p.interval_close_days,
        set: |p, v| p.interval_close_days = v,
    },
    NumberSetting {
        key: "followup.interval-undecided-days",
        description: "Follow-up interval while the asylum claim is undecided (§1).",
        unit: Unit::Days,
        min: 1,
        max: 182,
        get: |p| p.interval_undecided_days,
        set: |p, v| p.interval_undecided_days = v,
    },
    NumberSetting {
        key: "followup.interval-settled-days",
        description: "Follow-up interval otherwise (§1).",
        unit: Unit::Days,
        min: 1,
        max: 365,
        get: |p| p.interval_settled_days,
        set: |p, v| p.interval_settled_days = v,
    },
    NumberSetting {
        key: "followup.event-window-days",
        description: "How long a negative life event keeps the follow-up interval at its shortest (§1).",
        unit: Unit::Days,
        min: 1,
        max: 182,
        get: |p| p.event_window_days,
        set: |p, v| p.event_window_days = v,
    },
    NumberSetting {
        key: "followup.medication-window-days",
        description: "How long a psychotropic medication start keeps the follow-up interval close (§1).",
        unit: Unit::Days,
        min: 1,
        max: 182,
        get: |p| p.medication_window_days,
        set: |p, v| p.medication_window_days = v,
    },
    NumberSetting {
        key: "followup.dna-outreach-days",
        description: "Days after a missed appointment by which to reach out (§1).",
        unit: Unit::Days,
        min: 0,
        max: 14,
        get: |p| p.dna_outreach_days,
        set: |p, v| p.dna_outreach_days = v,
    },
    NumberSetting {
        key: "interpreter.booking-window-days",
        description: "How far ahead appointments are checked for a booked interpreter (§2).",
        unit: Unit::Days,
        min: 1,
        max: 90,
        get: |p| p.booking_window_days,
        set: |p, v| p.booking_window_days = v,
    },
    NumberSetting {
        key: "interpreter.book-days-before",
        description: "Days before the appointment by which the interpreter should be booked (§2).",
        unit: Unit::Days,
        min: 0,
        max: 28,
        get: |p| p.book_days_before,
        set: |p, v| p.book_days_before = v,
    },
    NumberSetting {
        key: "advice.reinforce-after-days",
        description: "Age of the last wellbeing advice after which it is offered again to someone unwell (§3).",
        unit: Unit::Days,
        min: 1,
        max: 730,
        get: |p| p.advice_reinforce_days,
        set: |p, v| p.advice_reinforce_days = v,
    },
    NumberSetting {
        key: "social.separation-window-days",
        description: "How long a separation from support prompts social prescribing (§4).",
        unit: Unit::Days,
        min: 1,
        max: 730,
        get: |p| p.separation_window_days,
        set: |p, v| p.separation_window_days = v,
    },
    NumberSetting {
        key: "psych.medication-followup-days",
        description: "Days after a psychotropic medication start by which a follow-up contact is due (§5).",
        unit: Unit::Days,
        min: 1,
        max: 56,
        get: |p| p.medication_followup_days,
        set: |p, v| p.medication_followup_days = v,
    },
    NumberSetting {
        key: "risk.reassess-due-days",
        description: "Days after a negative life event by which a risk review is due (§6).",
        unit: Unit::Days,
        min: 0,
        max: 14,
        get: |p| p.reassess_due_days,
        set: |p, v| p.reassess_due_days = v,
    },
    NumberSetting {
        key: "risk.stressor-window-days",
        description: "How far back negative life events are listed as current stressors when a risk review is recorded (§6).",
        unit: Unit::Days,
        min: 1,
        max: 730,
        get: |p| p.stressor_window_days,
        set: |p, v| p.stressor_window_days = v,
    },
    NumberSetting {
        key: "screening.reoffer-after-decline-days",
        description: "Days after a declined blood-borne virus test before it is offered again (§8).",
        unit: Unit::Days,
        min: 1,
        max: 1095,
        get: |p| p.screening_reoffer_days,
        set: |p, v| p.screening_reoffer_days = v,
    },
    NumberSetting {
        key: "referral.reoffer-after-decline-days",
        description: "Days after a declined or not-taken-up referral before it is suggested again (§4, §5, §8).",
        unit: Unit::Days,
        min: 1,
        max: 1095,
        get: |p| p.referral_reoffer_days,
        set: |p, v| p.referral_reoffer_days = v,
    },
    NumberSetting {
        key: "referral.no-response-days",
        description: "Days after a referral was sent with no answer from the service before it returns to the worklist (§4).",
        unit: Unit::Days,
        min: 7,
        max: 182,
        get: |p| p.referral_no_response_days,
        set: |p, v| p.referral_no_response_days = v,
    },
    NumberSetting {
        key: "somatic.window-days",
        description: "Window in which repeated somatic complaints prompt a psychological enquiry (§7).",
        unit: Unit::Days,
        min: 1,
        max: 730,
        get: |p| p.somatic_window_days,
        set: |p, v| p.somatic_window_days = v,
    },
    NumberSetting {
        key: KEY_SESSION_IDLE_MINUTES,
        description: "Minutes without activity after which a signed-in session ends.",
        unit: Unit::Minutes,
        min: 5,
        max: 240,
        get: |p| p.session_idle_minutes,
        set: |p, v| p.session_idle_minutes = v,
    },
    NumberSetting {
        key: KEY_SESSION_MAX_HOURS,
        description: "Hours after signing in at which a session ends however active it is.",
        unit: Unit::Hours,
        min: 1,
        max: 24,
        get: |p| p.session_max_hours,
        set: |p, v| p.session_max_hours = v,
    },
    NumberSetting {
        key: "access.break-glass-minutes",
        description: "Minutes a receptionist's emergency access to one patient's whole record lasts, once they have recorded why they need it.",
        unit: Unit::Minutes,
        min: 5,
        max: 120,
        get: |p| p.break_glass_minutes,
        set: |p, v| p.break_glass_minutes = v,
    },
];

impl Policy {
    /// The default policy with these settings applied, all or nothing.
    pub fn from_settings<'a>(
        settings: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, PolicyError> {
        let mut policy = Self::default();
        for (key, value) in settings {
            policy.set(key, value)?;
        }
        Ok(policy)
    }

    /// Every key [`Policy::set`] accepts, in display order.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        NUMBERS.iter().map(|d| d.key).chain([
            KEY_PCL5_CUTOFF,
            KEY_RHS15_ENABLED,
            KEY_RULES_DISABLED,
        ])
    }

    /// Changes one setting. The value is checked first; on error the policy is unchanged.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), PolicyError> {
        let text = value.trim();
        if let Some(number) = NUMBERS.iter().find(|d| d.key == key) {
            let value = parse_in_range(number.key, text, number.min, number.max)?;
            (number.set)(self, value);
            return Ok(());
        }
        match key {
            KEY_PCL5_CUTOFF => {
                let (lo, hi) = (*PCL5_CUTOFF_RANGE.start(), *PCL5_CUTOFF_RANGE.end());
                let cutoff = parse_in_range(KEY_PCL5_CUTOFF, text, lo.into(), hi.into())?;
                self.pcl5_cutoff = u8::try_from(cutoff).expect("checked within the PCL-5 range");
            }
            KEY_RHS15_ENABLED => {
                self.rhs15_enabled = match text.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(PolicyError::NotABool {
                            key: KEY_RHS15_ENABLED,
                            value: value.to_owned(),
                        });
                    }
                }
            }
            KEY_RULES_DISABLED => {
                let mut disabled = BTreeSet::new();
                for id in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let rule = RuleId::parse(id).ok_or_else(|| PolicyError::UnknownRule {
                        key: KEY_RULES_DISABLED,
                        id: id.to_owned(),
                    })?;
                    disabled.insert(rule);
                }
                self.disabled = disabled;
            }
            _ => {
                return Err(PolicyError::UnknownKey {
                    key: key.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The current value of a setting, in the form [`Policy::set`] accepts.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(number) = NUMBERS.iter().find(|d| d.key == key) {
            return Some((number.get)(self).to_string());
        }
        match key {
            KEY_PCL5_CUTOFF => Some(self.pcl5_cutoff.to_string()),
            KEY_RHS15_ENABLED => Some(self.rhs15_enabled.to_string()),
            KEY_RULES_DISABLED => Some(self.disabled_ids().collect::<Vec<_>>().join(", ")),
            _ => None,
        }
    }

    /// Every setting with its current value, description and default.
    pub fn entries(&self) -> Vec<PolicyEntry> {
        let defaults = Self::default();
        let describe = |key: &'static str, description, allowed: String| PolicyEntry {
            key,
            value: self.get(key).unwrap_or_default(),
            description,
            default: defaults.get(key).unwrap_or_default(),
            allowed,
        };
        let (lo, hi) = (PCL5_CUTOFF_RANGE.start(), PCL5_CUTOFF_RANGE.end());
        NUMBERS
            .iter()
            .map(|n| {
                let allowed = format!("{}–{} {}", n.min, n.max, n.unit.label());
                describe(n.key, n.description, allowed)
            })
            .chain([
                describe(KEY_PCL5_CUTOFF, PCL5_DESCRIPTION, format!("{lo}–{hi}")),
                describe(
                    KEY_RHS15_ENABLED,
                    RHS15_DESCRIPTION,
                    "true or false".to_owned(),
                ),
                describe(
                    KEY_RULES_DISABLED,
                    DISABLED_DESCRIPTION,
                    "rule ids, comma-separated".to_owned(),
                ),
            ])
            .collect()
    }

    pub fn is_enabled(&self, rule: RuleId) -> bool {
        !self.disabled.contains(&rule)
    }

    /// Switches a rule off (`false`) or back on.
    pub fn set_enabled(&mut self, rule: RuleId, enabled: bool) {
        if enabled {
            self.disabled.remove(&rule);
        } else {
            self.disabled.insert(rule);
        }
    }

    /// The ids of the rules switched off, sorted.
    pub fn disabled_ids(&self) -> impl Iterator<Item = &'static str> {
        let mut ids: Vec<&'static str> = self.disabled.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.into_iter()
    }

    /// How many days back a new risk review lists negative life events as current stressors.
    pub fn stressor_window_days(&self) -> u32 {
        self.stressor_window_days
    }

    /// Days after a referral was sent with no answer before it returns to the worklist.
    pub fn referral_no_response_days(&self) -> u32 {
        self.referral_no_response_days
    }

    /// Widens the interpreter booking window to at least `days` (capped at [`MAX_DAYS`]) for one
    /// evaluation: when appointments are being booked, each needs its interpreter however far
    /// ahead it is, whatever window the practice's worklist uses.
    pub fn widen_booking_window(&mut self, days: u32) {
        self.booking_window_days = self.booking_window_days.max(days.min(MAX_DAYS));
    }

    pub fn session_idle_minutes(&self) -> u32 {
        self.session_idle_minutes
    }

    pub fn session_max_hours(&self) -> u32 {
        self.session_max_hours
    }

    pub fn break_glass_minutes(&self) -> u32 {
        self.break_glass_minutes
    }

    pub fn pcl5_cutoff(&self) -> u8 {
        self.pcl5_cutoff
    }

    pub fn rhs15_enabled(&self) -> bool {
        self.rhs15_enabled
    }

    /// Scoring options for the questionnaires, following this policy.
    pub fn scoring_options(&self) -> ScoringOptions {
        ScoringOptions {
            pcl5_cutoff: self.pcl5_cutoff,
        }
    }
}

fn parse_in_range(key: &'static str, text: &str, min: u32, max: u32) -> Result<u32, PolicyError> {
    let value: i64 = text.parse().map_err(|_| PolicyError::NotANumber {
        key,
        value: text.to_owned(),
    })?;
    u32::try_from(value)
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or(PolicyError::OutOfRange {
            key,
            value,
            min,
            max,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let expected = [
            ("followup.interval-acute-days", "7"),
            ("followup.interval-close-days", "14"),
            ("followup.interval-undecided-days", "28"),
            ("followup.interval-settled-days", "84"),
            ("followup.event-window-days", "28"),
            ("followup.medication-window-days", "28"),
            ("followup.dna-outreach-days", "3"),
            ("interpreter.booking-window-days", "14"),
            ("interpreter.book-days-before", "2"),
            ("advice.reinforce-after-days", "90"),
            ("social.separation-window-days", "90"),
            ("psych.medication-followup-days", "14"),
            ("risk.reassess-due-days", "2"),
            ("risk.stressor-window-days", "90"),
            ("screening.reoffer-after-decline-days", "365"),
            ("referral.reoffer-after-decline-days", "365"),
            ("referral.no-response-days", "28"),
            ("somatic.window-days", "180"),
            ("session.idle-minutes", "30"),
            ("session.max-hours", "12"),
            ("access.break-glass-minutes", "30"),
            ("pcl5.cutoff", "33"),
            ("rhs15.enabled", "true"),
            ("rules.disabled", ""),
        ];
        let entries = Policy::default().entries();
        let got: Vec<(&str, &str)> = entries.iter().map(|e| (e.key, e.value.as_str())).collect();
        assert_eq!(got, expected);
        assert!(entries.iter().all(|e| e.value == e.default));
        assert!(entries.iter().all(|e| e.description.ends_with('.')));
        assert_eq!(Policy::keys().count(), expected.len());
    }

    #[test]
    fn set_changes_one_value_and_entries_show_it() {
        let mut p = Policy::default();
        p.set("followup.interval-undecided-days", " 21 ")
            .expect("valid");
        p.set("pcl5.cutoff", "31").expect("valid");
        p.set("rhs15.enabled", "False").expect("valid");
        p.set(
            "rules.disabled",
            "social.prescribing, advice.wellbeing-not-given,",
        )
        .expect("valid");
        assert_eq!(p.interval_undecided_days, 21);
        assert_eq!(p.scoring_options().pcl5_cutoff, 31);
        assert!(!p.rhs15_enabled());
        assert!(!p.is_enabled(RuleId::SocialPrescribing));
        assert!(p.is_enabled(RuleId::FollowupOverdue));
        let e = p.entries();
        let undecided = e
            .iter()
            .find(|e| e.key == "followup.interval-undecided-days");
        assert_eq!(
            undecided.map(|e| (e.value.as_str(), e.default.as_str())),
            Some(("21", "28"))
        );
        assert_eq!(
            p.get("rules.disabled").as_deref(),
            Some("advice.wellbeing-not-given, social.prescribing")
        );
    }

    #[test]
    fn every_value_round_trips_through_get_and_set() {
        let mut p = Policy::default();
        p.set_enabled(RuleId::ScreeningHiv, false);
        p.set_enabled(RuleId::RiskSafetyPlan, false);
        p.set_enabled(RuleId::RiskSafetyPlan, true);
        let mut q = Policy::default();
        for e in p.entries() {
            q.set(e.key, &e.value).expect(e.key);
        }
        assert_eq!(p, q);
        assert_eq!(p.disabled_ids().collect::<Vec<_>>(), ["screening.hiv"]);
    }

    #[test]
    fn bad_values_are_refused_naming_the_key_and_change_nothing() {
        let mut p = Policy::default();
        let cases = [
            (
                "followup.interval-acute-days",
                "0",
                "followup.interval-acute-days: 0 is outside the allowed range 1–28",
            ),
            (
                "followup.interval-acute-days",
                "-3",
                "followup.interval-acute-days: -3 is outside the allowed range 1–28",
            ),
            (
                "risk.reassess-due-days",
                "3650",
                "risk.reassess-due-days: 3650 is outside the allowed range 0–14",
            ),
            (
                "somatic.window-days",
                "731",
                "somatic.window-days: 731 is outside the allowed range 1–730",
            ),
            (
                "referral.no-response-days",
                "6",
                "referral.no-response-days: 6 is outside the allowed range 7–182",
            ),
            (
                "session.max-hours",
                "0",
                "session.max-hours: 0 is outside the allowed range 1–24",
            ),
            (
                "advice.reinforce-after-days",
                "ninety",
                "advice.reinforce-after-days: \"ninety\" is not a whole number",
            ),
            (
                "advice.reinforce-after-days",
                "1.5",
                "advice.reinforce-after-days: \"1.5\" is not a whole number",
            ),
            (
                "pcl5.cutoff",
                "34",
                "pcl5.cutoff: 34 is outside the allowed range 31–33",
            ),
            (
                "pcl5.cutoff",
                "30",
                "pcl5.cutoff: 30 is outside the allowed range 31–33",
            ),
            (
                "rhs15.enabled",
                "yes",
                "rhs15.enabled: \"yes\" is neither true nor false",
            ),
            (
                "rules.disabled",
                "screening.hiv, risk.everything",
                "rules.disabled: \"risk.everything\" is not a rule id",
            ),
            (
                "followup.interval",
                "7",
                "unknown policy setting \"followup.interval\"",
            ),
        ];
        for (key, value, message) in cases {
            let err = p.set(key, value).expect_err(key);
            assert_eq!(err.to_string(), message);
        }
        assert_eq!(p, Policy::default());
    }

    #[test]
    fn offsets_may_be_zero_and_intervals_may_not() {
        let mut p = Policy::default();
        assert!(p.set("interpreter.book-days-before", "0").is_ok());
        assert!(p.set("risk.reassess-due-days", "0").is_ok());
        assert!(p.set("followup.dna-outreach-days", "0").is_ok());
        assert!(p.set("interpreter.booking-window-days", "0").is_err());
        assert!(p.set("followup.interval-settled-days", "365").is_ok());
    }

    #[test]
    fn every_number_has_a_sensible_range_around_its_default() {
        let defaults = Policy::default();
        for n in &NUMBERS {
            let default = (n.get)(&defaults);
            assert!(n.min <= default && default <= n.max, "{}", n.key);
            assert!(n.max <= MAX_DAYS, "{}", n.key);
        }
        let allowed: Vec<String> = defaults.entries().into_iter().map(|e| e.allowed).collect();
        assert_eq!(allowed[0], "1–28 days");
        assert!(allowed.contains(&"31–33".to_owned()));
    }

    #[test]
    fn booking_window_widens_beyond_the_admin_range_but_not_past_ten_years() {
        let mut p = Policy::default();
        p.widen_booking_window(200);
        assert_eq!(p.booking_window_days, 200);
        p.widen_booking_window(5);
        assert_eq!(p.booking_window_days, 200, "never narrows");
        p.widen_booking_window(u32::MAX);
        assert_eq!(p.booking_window_days, MAX_DAYS);
    }

    #[test]
    fn from_settings_is_all_or_nothing() {
        let ok = Policy::from_settings([("pcl5.cutoff", "32"), ("somatic.window-days", "90")]);
        assert_eq!(
            ok.map(|p| (p.pcl5_cutoff, p.somatic_window_days)),
            Ok((32, 90))
        );
        let bad = Policy::from_settings([("pcl5.cutoff", "32"), ("nope", "1")]);
        assert_eq!(
            bad,
            Err(PolicyError::UnknownKey {
                key: "nope".to_owned()
            })
        );
    }
}
