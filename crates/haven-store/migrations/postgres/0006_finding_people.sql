-- Finding the right person: the name key and phone key of each patient (computed in Rust; see
-- SQLite's 0006), a trigram index over the keys, and pairs of patients someone has said are not
-- the same person. (SQLite's narrow `patient_search` table is a speed-up for its FTS5 search;
-- here the trigram indexes return candidates from `patients` directly.)
ALTER TABLE patients ADD COLUMN search_key TEXT COLLATE "C";
ALTER TABLE patients ADD COLUMN phone_key TEXT COLLATE "C";
CREATE INDEX patients_phone_key ON patients (phone_key);
CREATE INDEX patient_keys ON patients USING gin (search_key gin_trgm_ops);

CREATE TABLE distinct_patients (
    patient_a TEXT COLLATE "C" NOT NULL REFERENCES patients (id),
    patient_b TEXT COLLATE "C" NOT NULL REFERENCES patients (id),
    marked_by TEXT COLLATE "C" NOT NULL,
    marked_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (patient_a, patient_b),
    CHECK (patient_a < patient_b)
);
CREATE TRIGGER distinct_patients_no_change BEFORE UPDATE OR DELETE ON distinct_patients
FOR EACH ROW EXECUTE FUNCTION haven_refuse('a pair marked as different people is kept as marked');
