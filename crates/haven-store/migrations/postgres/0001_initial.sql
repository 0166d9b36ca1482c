-- Haven schema on PostgreSQL, version 1: the same tables as migrations/sqlite/0001 (dates and
-- stamps as ISO 8601 text, flags as booleans). Append-only, in lockstep with the SQLite folder.

CREATE TABLE haven_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO haven_meta (key, value) VALUES ('application', 'haven');

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'receptionist', 'analyst')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (username),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);

-- Current demographics; earlier versions are kept in patient_history.
CREATE TABLE patients (
    id              TEXT PRIMARY KEY,
    seq             BIGINT NOT NULL UNIQUE,
    version         BIGINT NOT NULL,
    search_name     TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    given_name      TEXT NOT NULL,
    birth_date      TEXT,
    nhs_number      TEXT,
    local_id        TEXT,
    main_language   TEXT,
    named_clinician TEXT,
    data            TEXT NOT NULL,
    changed_at      TEXT NOT NULL,
    changed_by      TEXT NOT NULL
);
CREATE INDEX patients_search_name ON patients (search_name);
CREATE INDEX patients_family_name ON patients (family_name, given_name);
CREATE INDEX patients_nhs_number ON patients (nhs_number);
CREATE INDEX patients_local_id ON patients (local_id);
CREATE INDEX patients_birth_date ON patients (birth_date);
CREATE INDEX patients_clinician ON patients (named_clinician);
CREATE INDEX patients_language ON patients (main_language);

CREATE TABLE patient_history (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (patient_id, version)
);

-- The current version of every clinical entry; superseded versions move to entry_history.
CREATE TABLE entries (
    id         TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    kind       TEXT NOT NULL,
    version    BIGINT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'entered-in-error')),
    entry_date TEXT NOT NULL,
    sensitive  BOOLEAN NOT NULL,
    data       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX entries_patient ON entries (patient_id, entry_date);

CREATE TABLE entry_history (
    entry_id   TEXT NOT NULL REFERENCES entries (id),
    version    BIGINT NOT NULL,
    status     TEXT NOT NULL,
    data       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- Tamper-evident audit trail: each row's hash covers its content and the previous row's hash.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    patient_id TEXT,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_patient ON audit_log (patient_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Clinical history and the audit trail are never deleted or rewritten: one refusing function,
-- its message given by each trigger.
CREATE FUNCTION haven_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
FOR EACH ROW EXECUTE FUNCTION haven_refuse('clinical entries are never deleted');
CREATE TRIGGER entry_history_no_update BEFORE UPDATE OR DELETE ON entry_history
FOR EACH ROW EXECUTE FUNCTION haven_refuse('entry history is append-only');
CREATE TRIGGER patients_no_delete BEFORE DELETE ON patients
FOR EACH ROW EXECUTE FUNCTION haven_refuse('patients are never deleted');
CREATE TRIGGER patient_history_no_update BEFORE UPDATE OR DELETE ON patient_history
FOR EACH ROW EXECUTE FUNCTION haven_refuse('patient history is append-only');
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION haven_refuse('the audit log is append-only');
-- TRUNCATE fires no row trigger: refuse it on every table that keeps history.
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse('clinical entries are never deleted');
CREATE TRIGGER entry_history_no_truncate BEFORE TRUNCATE ON entry_history
FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse('entry history is append-only');
CREATE TRIGGER patients_no_truncate BEFORE TRUNCATE ON patients
FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse('patients are never deleted');
CREATE TRIGGER patient_history_no_truncate BEFORE TRUNCATE ON patient_history
FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse('patient history is append-only');
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION haven_refuse('the audit log is append-only');
