//! The reference documents written from haven-core's own tables, so that what the repository
//! says about the rules is what the code does. Each test fails when its file is stale;
//! `HAVEN_BLESS=1 cargo test -p haven-core --test docs` writes the files afresh.

use std::fmt::Write;
use std::path::PathBuf;

use haven_core::guidance;
use haven_core::record::{LifeEventKind, Visibility};
use haven_core::rules::{RuleInfo, Urgency, catalogue};

#[test]
fn docs_rules_md_is_the_rule_catalogue() {
    check("docs/rules.md", &rules_md());
}

/// Compares `path` (from the workspace root) with `expected`, or writes it under `HAVEN_BLESS=1`.
fn check(path: &str, expected: &str) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    if std::env::var("HAVEN_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&file, expected).unwrap_or_else(|e| panic!("writing {path}: {e}"));
        return;
    }
    let actual = std::fs::read_to_string(&file).unwrap_or_default();
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()))
            + 1;
        panic!(
            "{path} is stale (first difference at line {line}): run `HAVEN_BLESS=1 cargo test -p haven-core --test docs` and commit the file"
        );
    }
}

const RULES_INTRO: &str = "\
# Care rules

<!-- Written by `HAVEN_BLESS=1 cargo test -p haven-core --test docs` from the rule catalogue
(crates/haven-core/src/rules/catalogue.rs) and the guidance sections (guidance.rs). Do not edit
by hand: change the catalogue and bless. -->

Each care rule turns a point of the clinical guidance into an *action* on a patient: a task
that is due, an alert, or an information card. The rule ids below are a contract: they appear
in `haven worklist --json` and `haven evaluate --json`, in CDS Hooks cards (`source.topic`,
code system `https://haven-health.github.io/fhir/CodeSystem/care-rule`) and in reports, and a
rule keeps its id for good. A rule's version rises whenever its logic changes, so an audit can
tell which logic fired and stored worklists are re-evaluated after an upgrade.

## Actions

Every action has `rule` (the id), `section` (the guidance section, `§1`–`§9`), `urgency`
(`urgent`, `soon`, `routine` or `info`; each rule always gives the same), `due` (a date, where
the rule gives one), `reason` (one sentence naming the facts that fired it, with their dates,
never free text) and `resolve` (what to record to clear it). `worklist --json` and
`evaluate --json` print them as

```json
{\"as_of\": \"2026-11-28\",
 \"actions\": [{\"patient\": \"pat-17\", \"rule\": \"risk.reassess-after-event\", \"section\": \"§6\",
              \"urgency\": \"urgent\", \"due\": \"2026-11-30\",
              \"reason\": \"Asylum claim refused on 2026-11-27; no risk assessment since.\",
              \"resolve\": \"Record a suicide and self-harm risk assessment.\"}]}
```

where `patient` is Haven's patient id (`worklist`) or the FHIR `Patient.id` (`evaluate`).
A population's actions are sorted by urgency (urgent, soon, routine, info), then due date
(undated last), then patient, then rule id.

The rules are pure functions of one patient's record, the practice policy and the evaluation
date (\"today\": `--as-of` on the command line, otherwise the application's clock). They see
active entries only: an entry marked entered-in-error is invisible to them. A declined offer
resolves a rule until a policy interval has passed, never for good. Intervals and thresholds
that a practice may change are listed, with their defaults, in [policy.md](policy.md); how
Haven reads each rule where the guidance leaves room is written beside the code
(`crates/haven-core/src/rules/mod.rs`).

*Seen by* says who may see a rule's actions for individual patients: *administrative* rules'
actions are shown to receptionists too; *clinical* and *sensitive* ones (whose reasons name
diagnoses, scores, risk or disclosed abuse) only to clinical roles. Rules always read the whole
record; only what is shown is filtered.
";

fn rules_md() -> String {
    let mut out = String::from(RULES_INTRO);
    for section in guidance::sections() {
        let label = section.label();
        let rules: Vec<&RuleInfo> = catalogue().iter().filter(|r| r.section == label).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = write!(out, "\n## {label} {}\n", section.title);
        for info in rules {
            let _ = write!(
                out,
                "\n### `{}`: {}\n\n{} · version {} · seen by: {}\n\n{}\n\nResolved by: {}\n",
                info.id,
                info.title,
                urgency(info.urgency),
                info.version,
                seen_by(info.visibility),
                info.rationale,
                info.resolve,
            );
        }
        if label == "§6" {
            out.push_str(
                "\nNegative life events, each of which calls for a risk review (`risk.reassess-after-event`):\n\n",
            );
            for kind in LifeEventKind::ALL {
                let _ = writeln!(out, "- `{}`: {}", kind.id(), kind.label());
            }
            out.push_str(
                "\nAn asylum situation recorded as refused, detained or facing removal is itself such an \
event on the date it began (`asylum-refused`, `facing-return`, `facing-return`); a change from \
appeal to refused counts as `appeal-dismissed`. The same event recorded both ways counts once.\n",
            );
        }
    }
    out
}

fn urgency(u: Urgency) -> String {
    format!("**{}**", u.id())
}

fn seen_by(v: Visibility) -> &'static str {
    match v {
        Visibility::Administrative => "administrative",
        Visibility::Clinical => "clinical",
        Visibility::Sensitive => "sensitive",
    }
}
