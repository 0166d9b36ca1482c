-- Haven schema on PostgreSQL, version 1: the same tables as migrations/sqlite/0001 (dates and
-- stamps as ISO 8601 text, flags as booleans). Append-only, in lockstep with the SQLite folder.
-- Every text column is COLLATE "C": it compares and sorts by bytes, as SQLite's BINARY does,
-- whatever the database's locale, so ids, dates and keys order the same on both backends (a
-- record scan merges two ordered streams on the patient id, in Rust's order).

CREATE TABLE haven_meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
INSERT INTO haven_meta (key, value) VALUES ('application', 'haven');

CREATE TABLE users (
    username      TEXT COLLATE "C" PRIMARY KEY,
    display_name  TEXT COLLATE "C" NOT NULL,
    role          TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'clinician', 'receptionist', 'analyst')),
    password_hash TEXT COLLATE "C" NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    username   TEXT COLLATE "C" NOT NULL REFERENCES users (username),
    csrf_token TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_seen  TEXT COLLATE "C" NOT NULL
);

-- Current demographics; earlier versions are kept in patient_history.
CREATE TABLE patients (
    id              TEXT COLLATE "C" PRIMARY KEY,
    seq             BIGINT NOT NULL UNIQUE,
    version         BIGINT NOT NULL,
    search_name     TEXT COLLATE "C" NOT NULL,
    family_name     TEXT COLLATE "C" NOT NULL,
    given_name      TEXT COLLATE "C" NOT NULL,
    birth_date      TEXT COLLATE "C",
    nhs_number      TEXT COLLATE "C",
    local_id        TEXT COLLATE "C",
    main_language   TEXT COLLATE "C",
    named_clinician TEXT COLLATE "C",
    data            TEXT COLLATE "C" NOT NULL,
    changed_at      TEXT COLLATE "C" NOT NULL,
    changed_by      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX patients_search_name ON patients (search_name);
CREATE INDEX patients_family_name ON patients (family_name, given_name);
CREATE INDEX patients_nhs_number ON patients (nhs_number);
CREATE INDEX patients_local_id ON patients (local_id);
CREATE INDEX patients_birth_date ON patients (birth_date);
CREATE INDEX patients_clinician ON patients (named_clinician);
CREATE INDEX patients_language ON patients (main_language);

CREATE TABLE patient_history (
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id),
    version    BIGINT NOT NULL,
    data       TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (patient_id, version)
);

-- The current version of every clinical entry; superseded versions move to entry_history.
CREATE TABLE entries (
    id         TEXT COLLATE "C" PRIMARY KEY,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id),
    kind       TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    status     TEXT COLLATE "C" NOT NULL CHECK (status IN ('active', 'entered-in-error')),
    entry_date TEXT COLLATE "C" NOT NULL,
    sensitive  BOOLEAN NOT NULL,
    data       TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX entries_patient ON entries (patient_id, entry_date);

CREATE TABLE entry_history (
    entry_id   TEXT COLLATE "C" NOT NULL REFERENCES entries (id),
    version    BIGINT NOT NULL,
    status     TEXT COLLATE "C" NOT NULL,
    data       TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- Tamper-evident audit trail: each row's hash covers its content and the previous row's hash.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         TEXT COLLATE "C" NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    action     TEXT COLLATE "C" NOT NULL,
    patient_id TEXT COLLATE "C",
    detail     TEXT COLLATE "C" NOT NULL,
    prev_hash  TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_patient ON audit_log (patient_id);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
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
