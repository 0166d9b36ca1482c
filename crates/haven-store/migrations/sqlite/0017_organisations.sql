-- Haven schema, version 17: several practices in one deployment (issue #17, item 3).
--
-- Every organisation (a practice, by its NHS ODS code) owns its patients, users, API tokens and
-- the audit rows its people write. Every table holding patient data carries the organisation
-- (`org`) and the patient's id, so that a sharded PostgreSQL (Citus) could later distribute it
-- by patient without another schema change (ARCHITECTURE.md, *Several practices*).
--
-- A deployment from before this version has one practice: it becomes organisation 1, named
-- "This practice" without an ODS code until an administrator gives them (`haven org rename`),
-- and every existing row belongs to it. Nothing changes for its users.

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    -- The ODS code (validated by the store); NULL until given, for the migrated deployment.
    ods_code   TEXT UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO organisations (id, ods_code, name, created_at)
VALUES (1, NULL, 'This practice', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- Accounts and tokens act within one organisation.
ALTER TABLE users ADD COLUMN org INTEGER NOT NULL DEFAULT 1 REFERENCES organisations (id);
ALTER TABLE api_tokens ADD COLUMN org INTEGER NOT NULL DEFAULT 1 REFERENCES organisations (id);

-- Patient data: the organisation beside the patient id. Writes name the organisation
-- (patients) or take it from the patient's row; the default only fills the rows of a
-- deployment migrated from one practice.
ALTER TABLE patients ADD COLUMN org INTEGER NOT NULL DEFAULT 1 REFERENCES organisations (id);
CREATE INDEX patients_org ON patients (org, seq);
ALTER TABLE patient_history ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
ALTER TABLE entries ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
ALTER TABLE entry_history ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
ALTER TABLE actions ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
CREATE INDEX actions_org_order ON actions (org, urgency_rank, due_sort, patient_id, rule);
ALTER TABLE rules_view_failures ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
ALTER TABLE break_glass ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
ALTER TABLE distinct_patients ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
ALTER TABLE export_jobs ADD COLUMN org INTEGER NOT NULL DEFAULT 1;
-- An audit row belongs to the organisation of whoever acted (NULL for the deployment itself:
-- the audit key's introduction, a backup).
ALTER TABLE audit_log ADD COLUMN org INTEGER;
CREATE INDEX audit_org ON audit_log (org, seq);

-- Entry history carried only the entry's id; it now carries its patient too, as every other
-- table of patient data does. Filled once here, under the history's own trigger lifted for
-- this statement only.
ALTER TABLE entry_history ADD COLUMN patient_id TEXT;
DROP TRIGGER entry_history_no_update;
UPDATE entry_history SET patient_id = (SELECT patient_id FROM entries WHERE entries.id = entry_history.entry_id);
CREATE TRIGGER entry_history_no_update BEFORE UPDATE ON entry_history
BEGIN SELECT RAISE(ABORT, 'entry history is append-only'); END;
CREATE INDEX entry_history_patient ON entry_history (patient_id);

-- Worklist counts per organisation: the summary gains `org` in its key.
DROP TRIGGER action_counts_insert;
DROP TRIGGER action_counts_delete;
DROP TRIGGER action_counts_update;
DROP TABLE action_counts;
CREATE TABLE action_counts (
    org          INTEGER NOT NULL,
    clinician    TEXT NOT NULL,
    language     TEXT NOT NULL,
    rule         TEXT NOT NULL,
    urgency_rank INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (org, clinician, language, rule, urgency_rank)
);
INSERT INTO action_counts (org, clinician, language, rule, urgency_rank, n)
SELECT org, coalesce(clinician, ''), coalesce(language, ''), rule, urgency_rank, COUNT(*)
FROM actions GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER action_counts_insert AFTER INSERT ON actions
BEGIN
    INSERT INTO action_counts (org, clinician, language, rule, urgency_rank, n)
    VALUES (new.org, coalesce(new.clinician, ''), coalesce(new.language, ''), new.rule, new.urgency_rank, 1)
    ON CONFLICT (org, clinician, language, rule, urgency_rank) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER action_counts_delete AFTER DELETE ON actions
BEGIN
    UPDATE action_counts SET n = n - 1
    WHERE org = old.org AND clinician = coalesce(old.clinician, '')
      AND language = coalesce(old.language, '')
      AND rule = old.rule AND urgency_rank = old.urgency_rank;
END;

CREATE TRIGGER action_counts_update AFTER UPDATE ON actions
BEGIN
    UPDATE action_counts SET n = n - 1
    WHERE org = old.org AND clinician = coalesce(old.clinician, '')
      AND language = coalesce(old.language, '')
      AND rule = old.rule AND urgency_rank = old.urgency_rank;
    INSERT INTO action_counts (org, clinician, language, rule, urgency_rank, n)
    VALUES (new.org, coalesce(new.clinician, ''), coalesce(new.language, ''), new.rule, new.urgency_rank, 1)
    ON CONFLICT (org, clinician, language, rule, urgency_rank) DO UPDATE SET n = n + 1;
END;
