-- Worklist counts without counting: the number of actions per (clinician, language, rule,
-- urgency), kept in step with `actions` by triggers in the same transaction as every change.
-- A worklist header then sums a few hundred rows instead of scanning a clinician's tens of
-- thousands of actions on every page view. Missing clinician or language is stored as ''.
CREATE TABLE action_counts (
    clinician    TEXT NOT NULL,
    language     TEXT NOT NULL,
    rule         TEXT NOT NULL,
    urgency_rank INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (clinician, language, rule, urgency_rank)
);

INSERT INTO action_counts (clinician, language, rule, urgency_rank, n)
SELECT coalesce(clinician, ''), coalesce(language, ''), rule, urgency_rank, COUNT(*)
FROM actions GROUP BY 1, 2, 3, 4;

CREATE TRIGGER action_counts_insert AFTER INSERT ON actions
BEGIN
    INSERT INTO action_counts (clinician, language, rule, urgency_rank, n)
    VALUES (coalesce(new.clinician, ''), coalesce(new.language, ''), new.rule, new.urgency_rank, 1)
    ON CONFLICT (clinician, language, rule, urgency_rank) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER action_counts_delete AFTER DELETE ON actions
BEGIN
    UPDATE action_counts SET n = n - 1
    WHERE clinician = coalesce(old.clinician, '') AND language = coalesce(old.language, '')
      AND rule = old.rule AND urgency_rank = old.urgency_rank;
END;

CREATE TRIGGER action_counts_update AFTER UPDATE ON actions
BEGIN
    UPDATE action_counts SET n = n - 1
    WHERE clinician = coalesce(old.clinician, '') AND language = coalesce(old.language, '')
      AND rule = old.rule AND urgency_rank = old.urgency_rank;
    INSERT INTO action_counts (clinician, language, rule, urgency_rank, n)
    VALUES (coalesce(new.clinician, ''), coalesce(new.language, ''), new.rule, new.urgency_rank, 1)
    ON CONFLICT (clinician, language, rule, urgency_rank) DO UPDATE SET n = n + 1;
END;

-- Page order under each filter is an index order, so the first page of any filter reads about
-- a hundred index entries. (Every action of a rule has that rule's urgency, so the rule
-- indexes also serve the worklist's urgency-first order.)
DROP INDEX actions_clinician_rule;
DROP INDEX actions_rule;
CREATE INDEX actions_clinician_rule ON actions (clinician, rule, urgency_rank, due_sort, patient_id);
CREATE INDEX actions_rule ON actions (rule, urgency_rank, due_sort, patient_id);
CREATE INDEX actions_clinician_language ON actions (clinician, language, urgency_rank, due_sort, patient_id, rule);
CREATE INDEX actions_language ON actions (language, urgency_rank, due_sort, patient_id, rule);
