-- Users are served over FHIR as Practitioners (a patient's named clinician), which carry a
-- version and when it was stored: the version goes up when what a Practitioner shows changes
-- (whether the user is active). Until a user first changes, `changed_at` is NULL and
-- `created_at` stands for it.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN changed_at TEXT;
