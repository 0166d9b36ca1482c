-- Haven schema, version 1. Append-only: later changes are new files, never edits to this one.

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
    active        INTEGER NOT NULL DEFAULT 1,
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
    seq             INTEGER NOT NULL UNIQUE,
    version         INTEGER NOT NULL,
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
    version    INTEGER NOT NULL,
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
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'entered-in-error')),
    entry_date TEXT NOT NULL,
    sensitive  INTEGER NOT NULL,
    data       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX entries_patient ON entries (patient_id, entry_date);

CREATE TABLE entry_history (
    entry_id   TEXT NOT NULL REFERENCES entries (id),
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL,
    data       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- Tamper-evident audit trail: each row's hash covers its content and the previous row's hash.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
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

-- Clinical history and the audit trail are never deleted or rewritten.
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'clinical entries are never deleted'); END;
CREATE TRIGGER entry_history_no_update BEFORE UPDATE ON entry_history
BEGIN SELECT RAISE(ABORT, 'entry history is append-only'); END;
CREATE TRIGGER entry_history_no_delete BEFORE DELETE ON entry_history
BEGIN SELECT RAISE(ABORT, 'entry history is append-only'); END;
CREATE TRIGGER patients_no_delete BEFORE DELETE ON patients
BEGIN SELECT RAISE(ABORT, 'patients are never deleted'); END;
CREATE TRIGGER patient_history_no_update BEFORE UPDATE ON patient_history
BEGIN SELECT RAISE(ABORT, 'patient history is append-only'); END;
CREATE TRIGGER patient_history_no_delete BEFORE DELETE ON patient_history
BEGIN SELECT RAISE(ABORT, 'patient history is append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
