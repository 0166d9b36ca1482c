-- The rules view gains a format header (`projection.rs`). Views written before it have none, and
-- the build that opens this file rebuilds every view from the entries (`rules_view_format` in
-- `settings` is absent until it has).

-- Patients whose view could not be rebuilt from their entries: shown to administrators and on
-- the worklist, never dropped without a word. A row goes when that patient's view is rebuilt.
CREATE TABLE rules_view_failures (
    patient_id TEXT PRIMARY KEY REFERENCES patients (id),
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- Finds views still to be made without reading every row.
CREATE INDEX patients_without_rules_view ON patients (id) WHERE rules_view IS NULL;
