-- Haven schema, version 17: several practices in one deployment (see SQLite's 0017 for the
-- why). On PostgreSQL the defaults that fill a migrated deployment's rows are dropped once they
-- have: every write must name its organisation, so a write path that forgot would fail here
-- rather than file a patient under the first practice.

CREATE TABLE organisations (
    id         BIGINT PRIMARY KEY,
    ods_code   TEXT COLLATE "C" UNIQUE,
    name       TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
INSERT INTO organisations (id, ods_code, name, created_at)
VALUES (1, NULL, 'This practice', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));

ALTER TABLE users ADD COLUMN org BIGINT NOT NULL DEFAULT 1 REFERENCES organisations (id);
ALTER TABLE api_tokens ADD COLUMN org BIGINT NOT NULL DEFAULT 1 REFERENCES organisations (id);
ALTER TABLE patients ADD COLUMN org BIGINT NOT NULL DEFAULT 1 REFERENCES organisations (id);
CREATE INDEX patients_org ON patients (org, seq);
ALTER TABLE patient_history ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
ALTER TABLE entries ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
ALTER TABLE entry_history ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
ALTER TABLE actions ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
CREATE INDEX actions_org_order ON actions (org, urgency_rank, due_sort, patient_id, rule);
ALTER TABLE rules_view_failures ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
ALTER TABLE break_glass ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
ALTER TABLE distinct_patients ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
ALTER TABLE export_jobs ADD COLUMN org BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN org BIGINT;
CREATE INDEX audit_org ON audit_log (org, seq);

ALTER TABLE entry_history ADD COLUMN patient_id TEXT COLLATE "C";
ALTER TABLE entry_history DISABLE TRIGGER entry_history_no_update;
UPDATE entry_history SET patient_id = (SELECT patient_id FROM entries WHERE entries.id = entry_history.entry_id);
ALTER TABLE entry_history ENABLE TRIGGER entry_history_no_update;
CREATE INDEX entry_history_patient ON entry_history (patient_id);

ALTER TABLE users ALTER COLUMN org DROP DEFAULT;
ALTER TABLE api_tokens ALTER COLUMN org DROP DEFAULT;
ALTER TABLE patients ALTER COLUMN org DROP DEFAULT;
ALTER TABLE patient_history ALTER COLUMN org DROP DEFAULT;
ALTER TABLE entries ALTER COLUMN org DROP DEFAULT;
ALTER TABLE entry_history ALTER COLUMN org DROP DEFAULT;
ALTER TABLE actions ALTER COLUMN org DROP DEFAULT;
ALTER TABLE rules_view_failures ALTER COLUMN org DROP DEFAULT;
ALTER TABLE break_glass ALTER COLUMN org DROP DEFAULT;
ALTER TABLE distinct_patients ALTER COLUMN org DROP DEFAULT;
ALTER TABLE export_jobs ALTER COLUMN org DROP DEFAULT;

-- Worklist counts per organisation.
DROP TRIGGER action_counts_follow ON actions;
DROP TABLE action_counts;
CREATE TABLE action_counts (
    org          BIGINT NOT NULL,
    clinician    TEXT COLLATE "C" NOT NULL,
    language     TEXT COLLATE "C" NOT NULL,
    rule         TEXT COLLATE "C" NOT NULL,
    urgency_rank BIGINT NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (org, clinician, language, rule, urgency_rank)
);
INSERT INTO action_counts (org, clinician, language, rule, urgency_rank, n)
SELECT org, coalesce(clinician, ''), coalesce(language, ''), rule, urgency_rank, COUNT(*)
FROM actions GROUP BY 1, 2, 3, 4, 5;

CREATE OR REPLACE FUNCTION action_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE action_counts SET n = n - 1
        WHERE org = OLD.org AND clinician = coalesce(OLD.clinician, '')
          AND language = coalesce(OLD.language, '')
          AND rule = OLD.rule AND urgency_rank = OLD.urgency_rank;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO action_counts (org, clinician, language, rule, urgency_rank, n)
        VALUES (NEW.org, coalesce(NEW.clinician, ''), coalesce(NEW.language, ''), NEW.rule, NEW.urgency_rank, 1)
        ON CONFLICT (org, clinician, language, rule, urgency_rank) DO UPDATE SET n = action_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER action_counts_follow AFTER INSERT OR UPDATE OR DELETE ON actions
FOR EACH ROW EXECUTE FUNCTION action_counts_follow();
