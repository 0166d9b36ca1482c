-- Patients whose rules view could not be rebuilt from their entries (see SQLite's 0009).
CREATE TABLE rules_view_failures (
    patient_id TEXT COLLATE "C" PRIMARY KEY REFERENCES patients (id),
    reason     TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL
);

-- Finds views still to be made without reading every row.
CREATE INDEX patients_without_rules_view ON patients (id) WHERE rules_view IS NULL;
