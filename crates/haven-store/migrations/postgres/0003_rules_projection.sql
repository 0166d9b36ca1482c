-- The rules' view of each record, and the population's current actions (as SQLite's 0003).

-- A compact binary copy of the patient's active entries without free text, rewritten in the
-- same transaction as every change to the patient.
ALTER TABLE patients ADD COLUMN rules_view BYTEA;

-- Derived data (a cache of the rules' output, never clinical history).
CREATE TABLE actions (
    patient_id   TEXT COLLATE "C" NOT NULL REFERENCES patients (id),
    rule         TEXT COLLATE "C" NOT NULL,
    section      TEXT COLLATE "C" NOT NULL,
    urgency_rank BIGINT NOT NULL,
    due          TEXT COLLATE "C",
    -- `due` with undated actions last, so the worklist order is an index order.
    due_sort     TEXT COLLATE "C" NOT NULL,
    reason       TEXT COLLATE "C" NOT NULL,
    clinician    TEXT COLLATE "C",
    language     TEXT COLLATE "C",
    PRIMARY KEY (patient_id, rule)
);
CREATE INDEX actions_clinician_order ON actions (clinician, urgency_rank, due_sort, patient_id, rule);
CREATE INDEX actions_order ON actions (urgency_rank, due_sort, patient_id, rule);

-- The patient list's sort order (SQLite's COLLATE NOCASE is lower() here).
CREATE INDEX patients_list_order ON patients (lower(family_name), lower(given_name), seq);
