-- Worklist counts without counting: the number of actions per (clinician, language, rule,
-- urgency), kept in step with `actions` by a trigger in the same transaction as every change.
-- Missing clinician or language is stored as ''.
CREATE TABLE action_counts (
    clinician    TEXT COLLATE "C" NOT NULL,
    language     TEXT COLLATE "C" NOT NULL,
    rule         TEXT COLLATE "C" NOT NULL,
    urgency_rank BIGINT NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (clinician, language, rule, urgency_rank)
);

CREATE FUNCTION action_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE action_counts SET n = n - 1
        WHERE clinician = coalesce(OLD.clinician, '') AND language = coalesce(OLD.language, '')
          AND rule = OLD.rule AND urgency_rank = OLD.urgency_rank;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO action_counts (clinician, language, rule, urgency_rank, n)
        VALUES (coalesce(NEW.clinician, ''), coalesce(NEW.language, ''), NEW.rule, NEW.urgency_rank, 1)
        ON CONFLICT (clinician, language, rule, urgency_rank) DO UPDATE SET n = action_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER action_counts_follow AFTER INSERT OR UPDATE OR DELETE ON actions
FOR EACH ROW EXECUTE FUNCTION action_counts_follow();

CREATE INDEX actions_clinician_rule ON actions (clinician, rule, urgency_rank, due_sort, patient_id);
CREATE INDEX actions_rule ON actions (rule, urgency_rank, due_sort, patient_id);
CREATE INDEX actions_clinician_language ON actions (clinician, language, urgency_rank, due_sort, patient_id, rule);
CREATE INDEX actions_language ON actions (language, urgency_rank, due_sort, patient_id, rule);
