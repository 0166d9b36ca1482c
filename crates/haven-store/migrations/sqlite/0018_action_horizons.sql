-- How long each patient's stored actions stand: evaluated on `as_of`, they are what the rules
-- give on every day up to the day before `until` (NULL: until the record or the policy
-- changes). The daily refresh re-evaluates only patients whose `until` has come, who were
-- evaluated on a later day than the refresh's, or who have no row (never evaluated since
-- this table was made, or loaded in bulk without actions). Written with the actions, in the
-- same transaction; a derived store like `actions`, rebuilt from the records at any time.
-- Like every table of patient data it carries the practice beside the patient (migration 0017).
CREATE TABLE action_horizons (
    patient_id TEXT NOT NULL PRIMARY KEY REFERENCES patients (id),
    as_of      TEXT NOT NULL,
    until      TEXT,
    org        INTEGER NOT NULL REFERENCES organisations (id)
);
CREATE INDEX action_horizons_until ON action_horizons (until);
