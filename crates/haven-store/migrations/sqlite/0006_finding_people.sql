-- Finding the right person (issue 12 §8): search by transliteration key, ranked from a narrow
-- table, the duplicate check's phone index, and pairs of patients someone has said are not the
-- same person.

-- The name key of each patient (haven_core::names::name_key of given, family and own-script
-- names), each word preceded by a space so that a search can anchor a key word to the start of
-- a word; and the phone number as haven_core::duplicates::phone_key reduces it. Both are
-- computed in Rust: NULL until `Store::open` fills them in, which it does for every patient
-- whenever `haven_meta.name-keys` differs from the build's key version.
ALTER TABLE patients ADD COLUMN search_key TEXT;
ALTER TABLE patients ADD COLUMN phone_key TEXT;
CREATE INDEX patients_phone_key ON patients (phone_key);

-- Trigram index over the keys, kept in step by triggers like patient_names (0004).
CREATE VIRTUAL TABLE patient_keys USING fts5 (search_key, content = 'patients', content_rowid = 'rowid', tokenize = 'trigram');

CREATE TRIGGER patient_keys_insert AFTER INSERT ON patients WHEN new.search_key IS NOT NULL
BEGIN INSERT INTO patient_keys (rowid, search_key) VALUES (new.rowid, new.search_key); END;
CREATE TRIGGER patient_keys_update AFTER UPDATE OF search_key ON patients
BEGIN
    INSERT INTO patient_keys (patient_keys, rowid, search_key)
    SELECT 'delete', old.rowid, old.search_key WHERE old.search_key IS NOT NULL;
    INSERT INTO patient_keys (rowid, search_key)
    SELECT new.rowid, new.search_key WHERE new.search_key IS NOT NULL;
END;

-- What name search ranks by, one narrow row per patient (`id` is the patient's rowid), kept in
-- step by triggers: ranking the thousands of matches of a common name then reads a few
-- megabytes instead of the patients table, whose rows carry the record and its rules view.
CREATE TABLE patient_search (
    id          INTEGER PRIMARY KEY,
    search_name TEXT NOT NULL,
    search_key  TEXT,
    family_name TEXT NOT NULL,
    given_name  TEXT NOT NULL
);
INSERT INTO patient_search (id, search_name, search_key, family_name, given_name)
SELECT rowid, search_name, search_key, family_name, given_name FROM patients;

CREATE TRIGGER patient_search_insert AFTER INSERT ON patients
BEGIN
    INSERT INTO patient_search (id, search_name, search_key, family_name, given_name)
    VALUES (new.rowid, new.search_name, new.search_key, new.family_name, new.given_name);
END;
CREATE TRIGGER patient_search_update AFTER UPDATE OF search_name, search_key, family_name, given_name ON patients
BEGIN
    UPDATE patient_search SET search_name = new.search_name, search_key = new.search_key,
        family_name = new.family_name, given_name = new.given_name
    WHERE id = new.rowid;
END;

-- Pairs of patients a person has said are not the same person, so that they are not offered as
-- possible duplicates again. Stored once per pair, the smaller id first; never deleted or changed.
CREATE TABLE distinct_patients (
    patient_a TEXT NOT NULL REFERENCES patients (id),
    patient_b TEXT NOT NULL REFERENCES patients (id),
    marked_by TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (patient_a, patient_b),
    CHECK (patient_a < patient_b)
);
CREATE TRIGGER distinct_patients_no_update BEFORE UPDATE ON distinct_patients
BEGIN SELECT RAISE(ABORT, 'a pair marked as different people is kept as marked'); END;
CREATE TRIGGER distinct_patients_no_delete BEFORE DELETE ON distinct_patients
BEGIN SELECT RAISE(ABORT, 'a pair marked as different people is kept as marked'); END;
