-- Name search by any part of a name through a trigram index, so searching 100,000 patients
-- does not scan them all. Kept in step with patients.search_name by triggers.
CREATE VIRTUAL TABLE patient_names USING fts5 (search_name, content = 'patients', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO patient_names (rowid, search_name) SELECT rowid, search_name FROM patients;

CREATE TRIGGER patient_names_insert AFTER INSERT ON patients
BEGIN INSERT INTO patient_names (rowid, search_name) VALUES (new.rowid, new.search_name); END;
CREATE TRIGGER patient_names_update AFTER UPDATE OF search_name ON patients
BEGIN
    INSERT INTO patient_names (patient_names, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
    INSERT INTO patient_names (rowid, search_name) VALUES (new.rowid, new.search_name);
END;
