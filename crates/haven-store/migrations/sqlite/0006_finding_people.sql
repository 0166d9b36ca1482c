-- Finding the right person (issue 12 §8): search by transliteration key, the duplicate check's
-- phone index, and pairs of patients someone has said are not the same person.

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
