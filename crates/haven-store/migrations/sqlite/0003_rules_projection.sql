-- The rules' view of each record, and the population's current actions.

-- A compact binary copy of the patient's active entries without free text, rewritten in the
-- same transaction as every change to the patient: population-wide evaluation reads one row per
-- patient instead of every entry.
ALTER TABLE patients ADD COLUMN rules_view BLOB;

-- Derived data (a cache of the rules' output, never clinical history): refreshed for a patient
-- whenever their record changes, and for everyone when the date or the policy changes.
CREATE TABLE actions (
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    rule         TEXT NOT NULL,
    section      TEXT NOT NULL,
    urgency_rank INTEGER NOT NULL,
    due          TEXT,
    -- `due` with undated actions last, so the worklist order is an index order.
    due_sort     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    clinician    TEXT,
    language     TEXT,
    PRIMARY KEY (patient_id, rule)
);
CREATE INDEX actions_clinician_order ON actions (clinician, urgency_rank, due_sort, patient_id, rule);
CREATE INDEX actions_order ON actions (urgency_rank, due_sort, patient_id, rule);
CREATE INDEX actions_clinician_rule ON actions (clinician, rule);
CREATE INDEX actions_rule ON actions (rule, urgency_rank);

-- The patient list's sort order, so browsing pages does not sort the whole table.
CREATE INDEX patients_list_order ON patients (family_name COLLATE NOCASE, given_name COLLATE NOCASE, seq);
